### package — Japanese. Ids start with "package-"; the same ids live in ../en/package.ftl.

