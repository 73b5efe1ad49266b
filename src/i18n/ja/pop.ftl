### pop — Japanese. Ids start with "pop-"; the same ids live in ../en/pop.ftl.

