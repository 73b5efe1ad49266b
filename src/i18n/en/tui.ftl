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
