### backup — English. Ids start with "backup-"; the same ids live in ../ja/backup.ftl.


backup-vanished = { $count ->
    [one] 1 message was deleted on the server during the backup and is not in it (the folder, opened again, no longer lists it): { $folders }
   *[other] { $count } messages were deleted on the server during the backup and are not in it (the folder, opened again, no longer lists them): { $folders }
}
