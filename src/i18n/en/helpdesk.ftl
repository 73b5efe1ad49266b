### helpdesk — English. Ids start with "helpdesk-"; the same ids live in ../ja/helpdesk.ftl.

