### batch — Japanese. Ids start with "batch-"; the same ids live in ../en/batch.ftl.

