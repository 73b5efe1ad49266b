### local — English. Ids start with "local-"; the same ids live in ../ja/local.ftl.

local-profile = Thunderbird profile: { $path }
local-no-stores = This profile has no Local Folders and no POP account: nothing is kept only on this PC.
local-store = { $name }: { $messages } messages, { $size } (only on this PC)
local-col-folder = Folder
local-col-messages = Messages
local-col-size = Size
local-col-deleted = Deleted, not compacted
local-col-new-folder = New server folder
local-col-on-new = On new server
local-col-only-here = Only on this PC
local-col-note = Note
local-col-date = Date
local-col-subject = Subject
local-total = In all: { $messages } messages, { $size } exist only on this PC.
local-deleted-note = Deleted messages still in the files until Thunderbird compacts them are not counted and never backed up or uploaded.
local-changed = Changed while being read (Thunderbird was writing): { $folders }. Close Thunderbird and run again to be sure.
local-backup-done = Backup { $path }: { $added } messages added, { $already } already there, { $total } in the backup.
local-backup-verify-hint = Check it with: ikou backup verify { $path }
local-upload-against = Local folders compared with the new server { $server }:
local-skipped-default = not uploaded unless named with --folder
local-skipped-not-chosen = not chosen
local-new-folder = new folder, created on upload
local-upload-nothing = Nothing to upload: every chosen message is already on the new server.
local-upload-plan = { $count } messages ({ $size }) exist only on this PC and would be uploaded.
local-upload-create = The folder { $folder } will be created on the new server.
local-upload-apply-hint = This is the plan only; run again with --apply to upload. Nothing on this PC is changed.
local-upload-oversize = { $count ->
    [one] 1 message is
   *[other] { $count } messages are
} larger than the new server accepts ({ $limit }) and not uploaded (they stay in Thunderbird and in the backup):
local-upload-failed-item = Not uploaded: { $folder } / { $subject } ({ $error })
local-upload-gone = no longer in the local folder
local-upload-done = { $appended } uploaded, { $already } already there, { $failed } failed.

# The full-screen view's "Mail on this PC" screen (local-tui-*).
local-tui-title = Mail on this PC
local-tui-tab = PC mail
local-tui-list-title = Mail on this PC: { $messages } messages, { $size } only here
local-tui-reading = Reading Thunderbird's local folders (the files are only read)...
local-tui-read-failed = The local folders could not be read:
local-tui-path-hint = Press e and type the Thunderbird profile folder (the one with prefs.js) or the folder with profiles.ini; ~ is your home folder.
local-tui-profile-label = Thunderbird profile
local-tui-profile-search = (empty: where Thunderbird keeps profiles)
local-tui-compare-hint = p compares these folders with the new server and shows what would be uploaded; nothing is written before you confirm. b backs them up into the file below (o changes it).
local-tui-comparing = Comparing with the new server (signing in and reading its headers; nothing is written)...
local-tui-plan-title = This PC -> new server { $server }
local-tui-skipped-default = left out: Trash, Junk and the outbox are not uploaded here
local-tui-confirm = Press y to upload these { $count } messages ({ $size }) to the new server now, Esc to go back. Nothing on this PC is changed.
local-tui-uploading = Uploading to the new server: { $done } of { $total } messages ({ $done_bytes } of { $bytes })
local-tui-cancel-hint = c or Esc stops after the current message; what was uploaded stays, and running it again adds nothing twice.
local-tui-cancelling = Stopping after the current message...
local-tui-cancelled = Stopped: { $appended ->
    [one] 1 message was
   *[other] { $appended } messages were
} uploaded before the stop. p compares again and uploads the rest; nothing is uploaded twice.
local-tui-failed = The comparison or the upload failed:
local-tui-sign-in-first = Sign in first (a): the comparison reads the new server.
local-tui-key-read = read
local-tui-key-profile = Thunderbird profile
local-tui-key-compare = compare with the new server
local-tui-key-upload = upload to the new server
local-tui-key-compare-again = compare again
local-tui-error-no-profile = No Thunderbird profile was found (looked in { $looked }).
local-tui-error-not-a-profile = { $path }: no Thunderbird profile here (no prefs.js, and no profiles.ini naming one).
local-tui-error-io = { $path }: cannot be read.
local-tui-key-backup = back up
local-tui-backup-label = Backup
local-tui-backing-up = Backing up (the files are only read): { $done } of { $total } messages ({ $done_bytes } of { $bytes })
local-tui-backup-stop-hint = c or Esc stops after the current message; what was read stays in the backup, and b continues from there.
local-tui-backup-stopping = Stopping after the current message, then saving what was read...
local-tui-backup-stopped = Stopped: backup { $path } holds { $total } messages ({ $added } added now). Press b to continue; nothing is stored twice.
local-tui-backup-failed = The backup failed:
local-error-unknown-folder = No local folder is named { $name }; use a name from `ikou local` (account/folder or folder).
