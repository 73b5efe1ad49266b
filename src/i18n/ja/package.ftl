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
