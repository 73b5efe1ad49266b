### setup — Japanese. Ids start with "setup-"; the same ids live in ../en/setup.ftl.

setup-getting-ready-sign-in = 移行の準備: サインイン
setup-choose-your-organisation-s-profile = 組織のプロファイルを選んでください (情報センターが配布したファイル):
setup-unusable = {"  "}(読めません)
setup-path-to-a-file = ファイルのパス
setup-profile = プロファイル
setup-mail-address = メールアドレス
setup-user = ユーザー名
setup-password = パスワード
setup-kept-in-memory-only-never = {"  "}パスワードはメモリ上だけに置き、保存しません

setup-empty-uses-env-password = {"  "}空のまま Enter で { $env } のパスワードを使います
