### backup — Japanese. Ids start with "backup-"; the same ids live in ../en/backup.ftl.

