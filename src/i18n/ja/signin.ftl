### signin — Japanese. Ids start with "signin-"; the same ids live in ../en/signin.ftl.


## Prompts
signin-password-old = 旧サーバー { $host } の { $user } のパスワード
signin-password-new = 新サーバー { $host } の { $user } のパスワード

## Sign-in errors (one line each)
signin-no-password-old = 旧サーバーのパスワードがありません: 環境変数 { $env } を設定するか、プロファイルに password_command を書くか、端末で ikou を起動してパスワードを入力してください
signin-no-password-new = 新サーバーのパスワードがありません: 環境変数 { $env } を設定するか、プロファイルに password_command を書くか、端末で ikou を起動してパスワードを入力してください
signin-no-token = { $side } サーバーのアクセストークンがありません: プロファイルに [{ $side }.oauth] の表（tenant, client_id）を書いて `ikou login` を実行するか、{ $env } または token_command を設定してください
signin-command-failed = { $side } サーバーの { $what } が失敗しました: { $detail }
signin-prompt-failed = パスワードを入力できませんでした: { $detail }
signin-token-rejected-ikou = { $server } が { $user } のアクセストークンを受け付けませんでした ({ $detail }): `ikou login` をもう一度実行してください。それでも入れないときは、メールボックスの IMAP/POP が有効か情報センターに確認してください
signin-token-rejected-given = { $server } が { $user } のアクセストークンを受け付けませんでした ({ $detail }): token_env / token_command のトークンが誤っているか期限切れです（`ikou login` でサインインすれば、そちらが先に使われます）
signin-rejected = { $server }: ユーザー { $user } のサインインが拒否されました: { $detail }（ユーザー名かパスワードが違いませんか）
signin-not-configured = プロファイルに [{ $side }.oauth] の表がありません: 大学が登録したアプリの tenant と client_id を情報センターに確認するか、token_env / token_command を設定してください
signin-not-signed-in = Microsoft 365 に { $address } としてサインインしていません: 先に端末で `ikou login -p プロファイル -a { $address }` を実行してください
signin-expired = { $address } の保存済みサインインは無効になりました（期限切れか取り消し）: `ikou login -p プロファイル -a { $address }` をもう一度実行してください
signin-denied = サインインが拒否されました (access_denied): もう一度サインインして「承諾」を選んでください。組織がこのアプリを止めている場合は情報センターに相談してください
signin-code-expired = コードを入力する前に有効期限が切れました (expired_token): もう一度サインインし、表示された時間内にコードを入力してください
signin-http = サインインのサービス { $url } に接続できません: { $detail }
signin-server-refused = サインインのサービス { $url } が要求を断りました: { $error }
signin-bad-response = サインインのサービス { $url } の応答が OAuth 2.0 の JSON ではありません（authority は正しいですか）
signin-no-refresh-token = サインインのサービスがリフレッシュトークンを返しませんでした: [new.oauth] の scopes に offline_access を加えてください
signin-cache = トークンの保存場所 { $path }: { $detail }
signin-settings = [{ $side }.oauth] の設定が正しくありません: { $detail }（`ikou profile check` を実行してください）

## The device code sign-in inside the full-screen view
signin-dialog-title = Microsoft 365 へのサインイン
signin-dialog-open = 1. ブラウザー（スマートフォンでも可）でこのページを開いてください:
signin-dialog-code = 2. このコードを入力し、大学のアカウントでサインインしてください:
signin-dialog-waiting = 完了するまでここで待ちます。残り { $time }
signin-dialog-keys = y: コードをコピー   u: ページのアドレスをコピー
signin-retry-hint = r キーでもう一度サインインできます。
signin-setup-oauth = Microsoft 365: ブラウザーでサインイン（保存済みなら不要）
signin-setup-token-from = OAuth2: プロファイルに [oauth] がないため、トークンは { $env } または token_command から取得します
signin-copied-code = コードをコピーしました。
signin-copied-url = ページのアドレスをコピーしました。

## The device code sign-in as plain text (the command line).
signin-device-code-instructions =
    Microsoft 365 へのサインイン:
    {"  "}1. ブラウザー（スマートフォンでも可）で { $uri } を開いてください
    {"  "}2. コード { $code } を入力し、大学のアカウントでサインインしてください
    {"  "}（このコードは { $minutes } 分間有効です。完了するまでここで待ちます）
