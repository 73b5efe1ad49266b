### signin — English. Ids start with "signin-"; the same ids live in ../ja/signin.ftl.

