### package — English. Ids start with "package-"; the same ids live in ../ja/package.ftl.

