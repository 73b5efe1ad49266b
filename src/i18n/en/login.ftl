### login — English. Ids start with "login-"; the same ids live in ../ja/login.ftl.

