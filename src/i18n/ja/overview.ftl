### overview — Japanese. Ids start with "overview-"; the same ids live in ../en/overview.ftl.

