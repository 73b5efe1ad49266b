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

## Problems `ikou backup verify` finds, one sentence each.
backup-problem-missing-entry = a message of { $folder } is missing from the zip ({ $entry })
backup-problem-extra-entry = the zip holds a file the manifest does not list ({ $entry }); harmless, nothing is missing
backup-problem-listed-twice = the manifest lists the file { $entry } twice
backup-problem-unreadable = a message of { $folder } cannot be read back ({ $entry }: { $error })
backup-problem-size-mismatch = a message of { $folder } has the wrong size: { $actual }, the manifest says { $expected } ({ $entry })
backup-problem-hash-mismatch = a message of { $folder } differs from what was saved (SHA-256 checksum) ({ $entry })
backup-problem-unsafe-entry = extracting would refuse { $entry }: { $reason }
backup-problems-more = { $count ->
    [one] … and { $count } more problem (see --json)
   *[other] … and { $count } more problems (see --json)
}
backup-server-counts-match = Per-folder counts match the server { $server }.
backup-server-counts-differ = { $count ->
    [one] { $count } folder differs from the server { $server } (the row marked <-). Run `ikou backup` again to add new mail.
   *[other] { $count } folders differ from the server { $server } (rows marked <-). Run `ikou backup` again to add new mail.
}
