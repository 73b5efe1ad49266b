### errors — English. Ids start with "errors-"; the same ids live in ../ja/errors.ftl.

