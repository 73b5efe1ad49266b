### pop — English. Ids start with "pop-"; the same ids live in ../ja/pop.ftl.

