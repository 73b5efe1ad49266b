### helpdesk — Japanese. Ids start with "helpdesk-"; the same ids live in ../en/helpdesk.ftl.

helpdesk-code-unknown-source = 状態コードではありません。状態コードは V（verify）または D（doctor）で始まります。
helpdesk-code-wrong-length = この種類のコードは文字の後に数字が { $expected } 個ありますが、このコードは { $found } 個です。もう一度読み上げてもらってください。
helpdesk-code-not-a-number = 「{ $part }」は数字ではありません。もう一度読み上げてもらってください。
helpdesk-code-bad-phase = 段階の数字は 0〜4 です（{ $phase } ではありません）。
helpdesk-code-bad-check = 確認番号が合いません。どこか 1 文字を聞き違えたか打ち間違えています。もう一度読み上げてもらってください。
helpdesk-phase-unknown = 移行の段階: 不明（プロファイルに日付がありません）
helpdesk-phase-before = 移行の段階: センターによるコピーの開始前
helpdesk-phase-copying = 移行の段階: センターがメールボックスをコピー中（並行運用期間）
helpdesk-phase-after-cutover = 移行の段階: 切り替え後（新着メールは Microsoft 365 に届きます）
helpdesk-phase-old-off = 移行の段階: 旧サーバは停止済み
helpdesk-source-verify = 出どころ: 旧サーバと新サーバの比較（ikou verify）
helpdesk-source-doctor = 出どころ: 設定・DNS・証明書の診断（ikou doctor）
helpdesk-verify-clean = 問題は見つかりませんでした。旧サーバのメールはすべて新サーバにありました。
helpdesk-verify-missing = 新サーバにないメールが { $count } 通あります（ikou restore で戻せます）。
helpdesk-verify-unproven = 新サーバにあると確認できなかったメールが { $count } 通あります（Message-ID がなく、照合があいまい）。
helpdesk-verify-duplicates = 新サーバで重複しているメールが { $count } 通あります。
helpdesk-verify-garbled = 新サーバで件名が文字化けしているメールが { $count } 通あります。
helpdesk-verify-oversize = サイズ上限を超えて移行されなかったメールが { $count } 通あります。
helpdesk-verify-unmapped = 新サーバに対応するフォルダがない旧サーバのフォルダが { $count } 個あります。
helpdesk-doctor-clean = エラーも警告もありません。
helpdesk-doctor-errors = エラーが { $count } 件あります（メールソフトの設定またはドメインの DNS の修正が必要です）。
helpdesk-doctor-warnings = 警告が { $count } 件あります。
helpdesk-state-code-line = ヘルプデスク用の状態コード: { $code }
helpdesk-explain-title = 状態コード { $code }
