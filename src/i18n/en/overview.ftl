### overview — English. Ids start with "overview-"; the same ids live in ../ja/overview.ftl.

overview-the-profile-has-no-migration = The profile has no migration dates.
overview-the-old-server-has-been = The old server has been shut down.
overview-not-signed-in-a-to = Not signed in (a to sign in)
overview-connecting = Connecting...
overview-connected-counting-folders-and-sizes = Connected; counting folders and sizes...
overview-cannot-connect = Cannot connect:
overview-a-sign-in-again-r = a: sign in again  r: retry
overview-connected = Connected
overview-quota = Quota
overview-quota-no-quota-reported-by = Quota: no quota reported by the server
overview-target = Target
overview-no-messages = No messages.
overview-size = Size
overview-folder = Folder
overview-date = Date
overview-subject = Subject
overview-before-migration = Before migration: copying starts { $date }, in { $days } days; get under the target.
overview-messages-in-folders = { $messages } messages in { $folders } folders
overview-largest-title = Largest old-server messages (! = over { $max_mb } MB, not migrated)
overview-state-code-after-verify = State code for the helpdesk: shown after a verification (Verify screen, v).

## The phase line while copying and after cutover.
overview-copying-until = Migration under way: new mail moves on { $date }.
overview-copying = Migration under way.
overview-after-cutover-until = After cutover: the old server stops on { $date }.
overview-after-cutover = After cutover.
