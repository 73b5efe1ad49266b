### setup — Japanese. Ids start with "setup-"; the same ids live in ../en/setup.ftl.

