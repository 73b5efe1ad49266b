### folders — Japanese. Ids start with "folders-"; the same ids live in ../en/folders.ftl.

