### help — Japanese. Ids start with "help-"; the same ids live in ../en/help.ftl.

