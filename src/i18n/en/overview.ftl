### overview — English. Ids start with "overview-"; the same ids live in ../ja/overview.ftl.

