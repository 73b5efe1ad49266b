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

# The help bar: what each key does (tui-key-*).
tui-key-screen = 画面
tui-key-reload = 再読込
tui-key-sign-in = サインイン
tui-key-x = English
tui-key-quit = 終了
tui-key-find-the-profile = プロファイルを探す
tui-key-choose-a-file = ファイルから選ぶ
tui-key-choose = 選択
tui-key-select = 決定
tui-key-next = 次へ
tui-key-back = 戻る
tui-key-move = 移動
tui-key-sort = 並べ替え
tui-key-old-new = 旧/新
tui-key-done = 入力終了
tui-key-cancel = 中止
tui-key-tick = 選択
tui-key-all = 全部
tui-key-destination = 保存先
tui-key-start-resume = 開始/再開
tui-key-kind = 種類
tui-key-list = 一覧
tui-key-folder-table = フォルダ表
tui-key-verify-again = 再検証
tui-key-verify = 検証
tui-key-headers = ヘッダー
tui-key-mark = 選択
tui-key-restore-plan = 復元計画
tui-key-scroll = スクロール
tui-key-restore-to-the-new-server = 新サーバーへ復元
tui-key-back-2 = やめる
tui-key-copy-code = コードをコピー
tui-key-copy-address = アドレスをコピー
tui-key-diagnose = 診断
tui-key-report-for-the-helpdesk = ヘルプデスク用レポート
tui-key-save = 保存
tui-key-close = 閉じる
tui-key-protocol = プロトコル
tui-key-mail-program = メールソフト
tui-key-copy = コピー
tui-key-export-files = ファイルに書き出し
tui-key-back-to-the-list = 一覧へ

# Text of tui/view/mod.rs (moved from inline pairs).
tui-terminal-too-small-please-enlarge-it = 端末が小さすぎます。広げてください。
tui-old-server = 旧サーバー
tui-new-server = 新サーバー
