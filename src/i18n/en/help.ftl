### help — English. Ids start with "help-"; the same ids live in ../ja/help.ftl.

