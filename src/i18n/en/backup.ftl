### backup — English. Ids start with "backup-"; the same ids live in ../ja/backup.ftl.

backup-no-profile-given-use-p = no profile given: use -p FILE (or set IKOU_PROFILE)
backup-ikou-interrupted-the-previous-backup = ikou: interrupted. The previous backup is intact; run the same command again to continue.
backup-total = total
backup-folder = folder
backup-preparing-backup-file = preparing backup file
backup-msgs = msgs
backup-reconnecting = reconnecting
backup-server-asked-to-slow-down = server asked to slow down; waiting
backup-writing-the-manifest = writing the manifest
backup-folder-2 = Folder
backup-server = Server
backup-added = Added
backup-already = Already
backup-backup = Backup:
backup-size = Size
backup-date = Date
backup-subject = Subject
backup-intact = Intact
backup-manifest = Manifest
backup-damaged = damaged
backup-the-old-server-s-folders = The old server's folders are not loaded yet (wait for the overview, or r).
backup-messages = Messages
backup-destination = Destination
backup-failed = Failed:
backup-s-resumes = (s resumes)
backup-space-ticks-e-edits-the = {" "}Space ticks, e edits the destination, s starts. The old server is only read.
backup-cancelling = {" "}Cancelling...{" "}
backup-backing-up = {" "}Backing up{" "}
backup-preparing-checking-what-the-archive = Preparing (checking what the archive already holds)...
backup-committing-the-archive = {"  "}committing the archive...
backup-per-folder = {" "}Per folder{" "}
backup-summary = Added { $added } messages ({ $fetched }) in { $seconds } s. The backup now holds { $messages } messages, { $archive } on disk.
backup-rekeyed = { $count } messages in folders whose UIDVALIDITY changed were matched to stored copies without downloading them again.
backup-reconnects = Reconnected { $reconnects } times after dropped connections; waited { $throttled } times when the server asked.
backup-oversize = { $count ->
    [one] 1 message is larger than { $limit } and will not be migrated; this backup is its copy:
   *[other] { $count } messages are larger than { $limit } and will not be migrated; this backup is their copy:
}
backup-check-ok = { $path }: OK — { $ok } of { $messages } messages intact ({ $bytes } checked)
backup-check-problems = { $path }: PROBLEMS FOUND — { $ok } of { $messages } messages intact ({ $bytes } checked)
backup-extracted = Wrote { $files } files ({ $kind }, { $bytes }) and { $dirs } folders to { $dir }.
backup-tui-title = Back up the old server: { $chosen } of { $folders } folders, { $messages } messages, { $size }
backup-tui-done = Done: { $added } added ({ $messages } in the archive, { $size }). s again adds only what is new.
backup-tui-cancelled = Cancelled after { $messages } messages; the previous archive is intact. s resumes.
backup-tui-overall = Overall { $done } / { $planned } messages  { $done_bytes } / { $planned_bytes }
backup-tui-rate = Rate { $rate }  ETA { $eta }  elapsed { $elapsed }

backup-vanished = { $count ->
    [one] 1 message was deleted on the server during the backup and is not in it (the folder, opened again, no longer lists it): { $folders }
   *[other] { $count } messages were deleted on the server during the backup and are not in it (the folder, opened again, no longer lists them): { $folders }
}
