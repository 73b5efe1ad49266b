### verify — English. Ids start with "verify-"; the same ids live in ../ja/verify.ftl.

