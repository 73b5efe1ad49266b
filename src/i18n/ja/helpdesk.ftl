### helpdesk — Japanese. Ids start with "helpdesk-"; the same ids live in ../en/helpdesk.ftl.

