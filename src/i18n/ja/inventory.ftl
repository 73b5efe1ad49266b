### inventory — Japanese. Ids start with "inventory-"; the same ids live in ../en/inventory.ftl.

inventory-role-inbox = 受信
inventory-role-sent = 送信済み
inventory-role-drafts = 下書き
inventory-role-trash = ごみ箱
inventory-role-junk = 迷惑メール
inventory-role-archive = アーカイブ
inventory-role-all = すべて
inventory-role-flagged = フラグ付き
inventory-col-folder = フォルダ
inventory-col-role = 用途
inventory-col-messages = 件数
inventory-col-unseen = 未読
inventory-col-size = サイズ
inventory-col-quota-root = クォータ
inventory-col-used = 使用量
inventory-col-limit = 上限
inventory-col-msg-limit = 件数上限
inventory-col-date = 日付
inventory-col-from = 差出人
inventory-col-subject = 件名
inventory-col-item = 項目
inventory-col-value = 値
inventory-container = (入れ物のみ)
inventory-total = 合計
inventory-server-delimiter = サーバー: { $server }  (区切り文字: { $delimiter })
inventory-server = サーバー: { $server }
inventory-server-pop3 = サーバー: { $server } (POP3)
inventory-no-quota = このサーバーはクォータを報告しません (QUOTA 非対応)。使用量はメッセージのサイズから計算しました。
inventory-sum-of-sizes = メッセージの合計: { $size } / { $count } 通
inventory-target-exceeded = 移行前の目標 { $target } を超えています: 削減が必要な量 { $over }
inventory-target-within = 移行前の目標 { $target } 以内です。
inventory-largest = 大きいメッセージ:
inventory-pop3-messages = メッセージ数 (STAT)
inventory-pop3-size = サイズ (STAT)
inventory-pop3-listed-size = サイズ合計 (LIST)
inventory-pop3-unique-ids = 固有 ID (UIDL)
inventory-pop3-no-folders = POP3 にはフォルダがありません。ここにあるのはサーバーの受信箱 (INBOX) です。


inventory-quota-supported-no-limit = このアカウントにはクォータが設定されていません (QUOTA 対応、上限なし)。使用量はメッセージのサイズから計算しました。

inventory-col-over-limit = {""}
inventory-over-limit-mark = ! 上限超過
inventory-over-limit = 新サーバのサイズ上限 ({ $limit }) を超えるメールが { $count } 通あり (! の行)、移行できません。添付ファイルを別の場所 (OneDrive など) に保存して本文だけ残すか、バックアップを控えとして残してください。
