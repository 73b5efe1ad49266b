### setup — English. Ids start with "setup-"; the same ids live in ../ja/setup.ftl.

