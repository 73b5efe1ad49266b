### login — Japanese. Ids start with "login-"; the same ids live in ../en/login.ftl.

