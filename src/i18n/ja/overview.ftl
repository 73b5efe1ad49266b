### overview — Japanese. Ids start with "overview-"; the same ids live in ../en/overview.ftl.

overview-the-profile-has-no-migration = 移行日程はプロファイルにありません。
overview-the-old-server-has-been = 旧サーバーは停止済みです。
overview-not-signed-in-a-to = 未サインイン (a でサインイン)
overview-connecting = 接続中...
overview-connected-counting-folders-and-sizes = 接続済み。フォルダとサイズを集計中...
overview-cannot-connect = 接続できません:
overview-a-sign-in-again-r = a: サインインし直す  r: 再試行
overview-connected = 接続済み
overview-quota = 容量
overview-quota-no-quota-reported-by = 容量: サーバーからのクォータ報告なし
overview-target = 移行目標
overview-no-messages = メッセージはありません。
overview-size = サイズ
overview-folder = フォルダ
overview-date = 日付
overview-subject = 件名
overview-before-migration = 移行前: { $date } からコピー開始 (あと { $days } 日)。それまでに容量を目標以下に。
overview-messages-in-folders = { $messages } 通 / { $folders } フォルダ
overview-largest-title = 旧サーバーの大きいメッセージ (! = { $max_mb } MB 超は移行されません)
overview-state-code-after-verify = ヘルプデスク用の状態コード: 検証のあとに表示されます (検証画面で v)。

## The phase line while copying and after cutover.
overview-copying-until = 移行中: { $date } に新サーバーへ切り替え。
overview-copying = 移行中。
overview-after-cutover-until = 切り替え後: 旧サーバーは { $date } に停止。
overview-after-cutover = 切り替え後。
