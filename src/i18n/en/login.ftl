### login — English. Ids start with "login-"; the same ids live in ../ja/login.ftl.

login-signed-in-as = Signed in as
login-token-saved-readable-only-by = Token saved (readable only by you) in
login-saved-sign-in-removed = Saved sign-in removed

# Text of oauth/prompt.rs (moved from inline pairs).
login-signed-in = Signed in.


login-no-saved-sign-in = There was no saved sign-in.
