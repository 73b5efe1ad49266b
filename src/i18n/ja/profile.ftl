### profile — Japanese. Ids start with "profile-"; the same ids live in ../en/profile.ftl.

profile-check-fix = 修正: { $fix }
profile-unreadable = プロファイル { $file } を読めません: { $reason }
profile-syntax-place = { $line } 行 { $column } 文字目 (`{ $snippet }`)
profile-syntax-file = ファイル全体
profile-syntax = TOML の書き方が正しくありません: { $detail }
profile-fix-security-value = security = "tls"（ポート 993/995）、"starttls"（143/110/587）または "plain" と書いてください
profile-fix-auth-value = auth = "login"、"plain" または "xoauth2" と書いてください
profile-fix-unknown-key = キーを消すか直してください。使えるキーは assets/profiles/exchange-online.toml にすべてあります
profile-fix-missing-key = 足りないキーを書き足してください（assets/profiles/exchange-online.toml を参照）
profile-fix-value-type = 値の型を確かめてください: 数値は引用符なし、文字列は "引用符" で囲む、true/false
profile-fix-syntax = この場所の TOML の書き方を直してください（引用符、かっこ、`key = value`）
profile-more-than-zero = 0 より大きい値が必要です
profile-fix-max-message-mb = 移行での 1 通あたりの上限を書いてください。例: max_message_mb = 32
profile-not-an-address = `{ $value }` はメールアドレスではありません
profile-fix-address = アドレス全体を書いてください。例: address = "taro@example-univ.ac.jp"
profile-not-a-date = `{ $value }` は日付だけの値ではありません
profile-fix-date = 日付を引用符なしで書いてください。例: { $key } = 2026-12-15
profile-date-order = { $later } が { $earlier } より前になっています
profile-fix-date-order = 日付は copy_start、cutover、old_shutdown の順に並べてください
profile-not-a-host = `{ $value }` はホスト名ではありません
profile-fix-host = サーバーの名前を書いてください。例: host = "outlook.office365.com"
profile-no-protocol = imap も pop3 も設定されていません
profile-fix-no-protocol = imap = {"{"} port = 993, security = "tls" {"}"} を書き足してください
profile-port-zero = ポート 0 は使えません
profile-fix-port = port = { $tls }（SSL/TLS）または { $starttls }（STARTTLS）と書いてください
profile-plaintext = "plain" ではパスワードが暗号化されずに送られます
profile-fix-plaintext = security = "tls"（ポート { $tls }）または "starttls"（ポート { $starttls }）と書いてください。サーバーが TLS にまったく対応していない場合に限り、allow_plaintext = true も書きます
profile-empty = 空です
profile-fix-username = username = "{"{"}address{"}"}"（アドレス全体）または "{"{"}local{"}"}"（@ より前）と書いてください
profile-unknown-placeholder = `{ $value }` に不明な置き換え文字があります
profile-fix-placeholder = {"{"}address{"}"}、{"{"}local{"}"}、{"{"}domain{"}"} のどれかを使ってください
profile-no-such-file = { $path } がありません
profile-fix-ca-file = IT センターの CA 証明書 (PEM) のパスを、このプロファイルからの相対パスで書いてください
profile-not-a-pin = SHA-256 のフィンガープリント（16 進 64 桁）ではありません
profile-fix-pin = 証明書の SHA-256 を書いてください。例: `openssl x509 -noout -fingerprint -sha256` の出力
profile-oauth-without-xoauth2 = [oauth] の表は auth = "xoauth2" のときだけ使われます
profile-fix-oauth-without-xoauth2 = Microsoft 365 なら auth = "xoauth2" と書くか、[oauth] の表を消してください
profile-two-password-sources = password_env と password_command の両方が書かれています
profile-fix-keep-one = どちらか一方だけにしてください
