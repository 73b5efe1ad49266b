### login — Japanese. Ids start with "login-"; the same ids live in ../en/login.ftl.

login-signed-in-as = サインインしました:
login-token-saved-readable-only-by = トークンの保存先（本人のみ読み取り可）:
login-saved-sign-in-removed = 保存されたサインインを削除しました

# Text of oauth/prompt.rs (moved from inline pairs).
login-signed-in = サインインできました。


login-no-saved-sign-in = 保存されたサインインはありませんでした。
