### tui — English. Ids start with "tui-"; the same ids live in ../ja/tui.ftl.

tui-cannot-write = cannot write:
tui-written = written:
tui-cannot-save-settings = cannot save settings
tui-sign-in = Sign in
tui-overview = Overview
tui-folders = Folders
tui-backup = Backup
tui-verify = Verify
tui-doctor = Doctor
tui-settings = Settings
tui-enter-your-mail-address = Enter your mail address.
tui-type-the-path-of-a = Type the path of a profile.
tui-quit-confirm = Quitting loses the verification result and typed passwords. q or y quits, any other key stays
tui-support-title = Report for the helpdesk (read it before you send it)
tui-support-running = Making the report: quota, verification and diagnosis (both servers are only read)...
tui-support-save-to = s saves it to { $path } (readable by you only). Subjects and addresses are not in it. Esc closes without saving.
tui-support-saved = Saved to { $path }. Attach this file to your mail to the helpdesk.
tui-support-failed = The report could not be made or saved.
tui-support-sign-in-first = Sign in first (a): the report reads both servers.

tui-verify-kind-missing = Missing on the new server
tui-verify-kind-duplicate = Duplicates on the new server
tui-verify-kind-garbled = Garbled subjects
tui-verify-kind-oversize = Too large to migrate

# A box whose content does not fit: which rows show, and the keys that scroll it.
tui-scroll-hint = { $from }-{ $to } of { $total } ({ $keys })

# The help bar: what each key does (tui-key-*).
tui-key-screen = screen
tui-key-reload = reload
tui-key-sign-in = sign in
tui-key-x = 日本語
tui-key-quit = quit
tui-key-find-the-profile = find the profile
tui-key-choose-a-file = choose a file
tui-key-choose = choose
tui-key-select = select
tui-key-next = next
tui-key-back = back
tui-key-move = move
tui-key-sort = sort
tui-key-old-new = old/new
tui-key-done = done
tui-key-cancel = cancel
tui-key-tick = tick
tui-key-all = all
tui-key-destination = destination
tui-key-start-resume = start/resume
tui-key-kind = kind
tui-key-list = list
tui-key-folder-table = folder table
tui-key-verify-again = verify again
tui-key-verify = verify
tui-key-headers = headers
tui-key-mark = mark
tui-key-restore-plan = restore plan
tui-key-scroll = scroll
tui-key-restore-to-the-new-server = restore to the new server
tui-key-back-2 = back
tui-key-copy-code = copy code
tui-key-copy-address = copy address
tui-key-diagnose = diagnose
tui-key-report-for-the-helpdesk = report for the helpdesk
tui-key-save = save
tui-key-close = close
tui-key-protocol = protocol
tui-key-mail-program = mail program
tui-key-copy = copy
tui-key-export-files = export files
tui-key-back-to-the-list = back to the list

# Text of tui/view/mod.rs (moved from inline pairs).
tui-terminal-too-small-please-enlarge-it = Terminal too small; please enlarge it.
tui-old-server = Old server
tui-new-server = New server
