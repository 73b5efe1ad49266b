### tui — Japanese. Ids start with "tui-"; the same ids live in ../en/tui.ftl.

tui-cannot-write = 書き出せません:
tui-written = 書き出しました:
tui-cannot-save-settings = 設定を保存できません
tui-sign-in = サインイン
tui-overview = 概要
tui-folders = フォルダ
tui-backup = バックアップ
tui-verify = 検証
tui-doctor = 診断
tui-settings = 設定
tui-enter-your-mail-address = メールアドレスを入力してください。
tui-type-the-path-of-a = プロファイルのパスを入力してください。
tui-quit-confirm = 終了すると検証結果と入力したパスワードが失われます。q または y で終了、ほかのキーで戻ります
tui-support-title = ヘルプデスク用レポート (送る前に内容を確認してください)
tui-support-running = レポートを作成中: 容量、検証、診断 (両サーバとも読み取りのみ)...
tui-support-save-to = s で { $path } に保存します (本人のみ読み取り可)。件名やアドレスは含まれません。Esc で保存せずに閉じます。
tui-support-saved = { $path } に保存しました。このファイルをヘルプデスクへのメールに添付してください。
tui-support-failed = レポートを作成または保存できませんでした。
tui-support-sign-in-first = 先にサインインしてください (a)。レポートは両方のサーバを読み取ります。

tui-verify-kind-missing = 新サーバーにないメール
tui-verify-kind-duplicate = 新サーバーで重複
tui-verify-kind-garbled = 件名の文字化け
tui-verify-kind-oversize = 大きすぎて移行されないメール

# A box whose content does not fit: which rows show, and the keys that scroll it.
tui-scroll-hint = { $total } 行中 { $from }-{ $to } ({ $keys })
