### errors — Japanese. Ids start with "errors-"; the same ids live in ../en/errors.ftl.

errors-io-not-found = ファイルまたはディレクトリがありません
errors-io-permission-denied = 読み書きの権限がありません
errors-io-is-a-directory = ディレクトリです
errors-io-invalid-data = UTF-8 のテキストではありません
# Stands for an operating-system or library detail that exists only in English.
errors-detail-with-v = 詳しい内容 (英語) は -v を付けて実行すると表示されます
errors-line = ikou: エラー: { $detail }
errors-profile-unusable = プロファイルを使えません（詳しくは `ikou profile check FILE` を実行してください）

# Connections that could not be made (the CLI's error line).
net-resolve = ホスト名 { $host } が見つかりません (名前解決に失敗: { $detail })。プロファイルのホスト名とネットワークを確かめてください
net-refused = { $host }:{ $port } に接続を拒否されました (ポート番号は正しいか、サーバーは動いているか)
net-connect-timeout = { $host }:{ $port } から { $secs } 秒以内に応答がありません (ファイアウォール、ホスト名の誤り、またはサーバー停止)
net-connect = { $host }:{ $port } に接続できません: { $detail }

# Backup files that cannot be read (the CLI's error line).
archive-not-zip = { $path } は zip ファイルではありません ({ $detail })
archive-not-ikou = { $path } は zip ファイルですが ikou のバックアップではありません (ikou-manifest.json がありません)
archive-corrupt = { $path } は壊れています: { $detail }
