### signin — English. Ids start with "signin-"; the same ids live in ../ja/signin.ftl.


## Prompts
signin-password-old = Password for { $user } on { $host } (old server)
signin-password-new = Password for { $user } on { $host } (new server)

## Sign-in errors (one line each)
signin-no-password-old = no password for the old server: set { $env }, add password_command to the profile, or run ikou in a terminal to be asked
signin-no-password-new = no password for the new server: set { $env }, add password_command to the profile, or run ikou in a terminal to be asked
signin-no-token = no access token for the { $side } server: add a [{ $side }.oauth] table (tenant, client_id) to the profile and run `ikou login`, or set { $env }, or add token_command
signin-command-failed = the { $what } command for the { $side } server failed: { $detail }
signin-prompt-failed = password prompt failed: { $detail }
signin-token-rejected-ikou = { $server } rejected the access token for { $user } ({ $detail }): run `ikou login` again; if that does not help, ask the IT centre whether IMAP/POP access is enabled for your mailbox
signin-token-rejected-given = { $server } rejected the access token for { $user } ({ $detail }): the token from token_env / token_command is wrong or expired (or run `ikou login`: ikou's own sign-in comes first)
signin-rejected = { $server }: sign-in rejected for user { $user }: { $detail } (wrong user name or password?)
signin-not-configured = the profile has no [{ $side }.oauth] table: ask the IT centre for the tenant and client_id of its registered app, or set token_env / token_command
signin-not-signed-in = not signed in to Microsoft 365 as { $address }: run `ikou login -p PROFILE -a { $address }` in a terminal first
signin-expired = the saved sign-in for { $address } is no longer valid (expired or revoked): run `ikou login -p PROFILE -a { $address }` again
signin-denied = sign-in was declined (access_denied): run `ikou login` again and choose Accept; if your organisation blocks the app, ask the IT centre
signin-code-expired = the sign-in code expired before it was entered (expired_token): run `ikou login` again and enter the code within the time shown
signin-http = cannot reach the sign-in service at { $url }: { $detail }
signin-server-refused = the sign-in service at { $url } refused the request: { $error }
signin-bad-response = the sign-in service at { $url } sent an answer that is not OAuth 2.0 JSON (is the authority right?)
signin-no-refresh-token = the sign-in service gave no refresh token: add offline_access to [new.oauth] scopes
signin-cache = token cache { $path }: { $detail }
signin-settings = invalid [{ $side }.oauth] settings: { $detail } (run `ikou profile check`)

## The device code sign-in inside the full-screen view
signin-dialog-title = Sign in to Microsoft 365
signin-dialog-open = 1. Open this page in a browser (a phone will do):
signin-dialog-code = 2. Enter this code and sign in with your university account:
signin-dialog-waiting = ikou waits here until you are done. Time left { $time }
signin-dialog-keys = y: copy the code   u: copy the page address
signin-retry-hint = Press r to sign in again.
signin-setup-oauth = Microsoft 365: browser sign-in next (skipped with a valid saved sign-in)
signin-setup-token-from = OAuth2: the profile has no [oauth] table, so the token comes from { $env } or token_command
signin-copied-code = Code copied.
signin-copied-url = Page address copied.

## The device code sign-in as plain text (the command line).
signin-device-code-instructions =
    Sign in to Microsoft 365:
    {"  "}1. Open { $uri } in a browser (a phone will do)
    {"  "}2. Enter the code { $code } and sign in with your university account
    {"  "}(the code is valid for { $minutes } minutes; ikou waits here until you are done)
