### batch — English. Ids start with "batch-"; the same ids live in ../ja/batch.ftl.

