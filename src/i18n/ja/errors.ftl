### errors — Japanese. Ids start with "errors-"; the same ids live in ../en/errors.ftl.

errors-io-not-found = ファイルまたはディレクトリがありません
errors-io-permission-denied = 読み書きの権限がありません
errors-io-is-a-directory = ディレクトリです
errors-io-invalid-data = UTF-8 のテキストではありません
errors-line = ikou: エラー: { $detail }
errors-profile-unusable = プロファイルを使えません（詳しくは `ikou profile check FILE` を実行してください）
