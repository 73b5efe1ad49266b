### folders — English. Ids start with "folders-"; the same ids live in ../ja/folders.ftl.

