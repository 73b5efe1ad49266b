### verify — Japanese. Ids start with "verify-"; the same ids live in ../en/verify.ftl.

