### package — Japanese. Ids start with "package-"; the same ids live in ../en/package.ftl.


## Where a profile came from (ikou profile find, the TUI's first screen)
package-origin-embedded = このパッケージに組み込まれたプロファイル ({ $file })
package-origin-fetched = { $url } から取得 (検証済み)
package-origin-cache = { $fetched } に { $url } から取得して保存したもの
package-origin-file = ファイル { $path }

## What each place asked answered
package-attempt-used = 使用
package-attempt-other-domain = { $domain } 用のため使いません
package-attempt-not-found = ありません (HTTP { $status })
package-attempt-no-host = ありません: { $detail }
package-attempt-unreachable = 接続できません: { $detail }
package-attempt-refused = 使いません
package-found = プロファイル: { $name } — { $origin }
package-saved-to = 保存先: { $path }
package-no-network = ネットワークに接続できないため { $domain } のプロファイルを取得できません。ネットワークを確認するか、情報センターから配布されたファイルを選んでください。
package-not-published = { $domain } のプロファイルは公開されていません。情報センターから配布されたファイルを選んでください。

## The TUI's first screen
package-find-prompt = メールアドレスを入力すると、組織のプロファイルを探します:
package-find-address = メールアドレス
package-find-looking = { $domain } のプロファイルを探しています…
package-find-or-choose = または組織のプロファイルを選んでください (情報センターが配布したファイル):
package-find-enter-address = メールアドレスを入力してください。

## A fetched profile refused
package-remote-command = ネットワークから取得したプロファイルは、このコンピューターでコマンドを実行できません
package-remote-command-fix = 公開するプロファイルから削除してください。password_env/token_env か ikou のサインインが使えます (情報センター独自のパッケージには組み込めます: docs/rollout.ja.md)
package-remote-file = ネットワークから取得したプロファイルは、このコンピューターのファイルを読めません
package-remote-file-fix = 削除してください。pin_sha256 を使うか、CA をシステムの信頼ストアに入れてください (または独自のパッケージにプロファイルを組み込みます)
package-fetch-too-large = ファイルが 256 KiB を超えています
package-fetch-not-text = ファイルが UTF-8 のテキストではありません
package-fetch-not-ours = ikou が保存した写しではありません
package-fetch-fix = プロファイルの TOML そのもの (UTF-8) を公開してください
