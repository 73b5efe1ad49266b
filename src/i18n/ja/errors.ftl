### errors — Japanese. Ids start with "errors-"; the same ids live in ../en/errors.ftl.

