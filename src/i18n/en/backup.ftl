### backup — English. Ids start with "backup-"; the same ids live in ../ja/backup.ftl.

