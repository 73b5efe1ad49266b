### signin — Japanese. Ids start with "signin-"; the same ids live in ../en/signin.ftl.

