### batch — Japanese. Ids start with "batch-"; the same ids live in ../en/batch.ftl.

batch-status = 結果
batch-account = アカウント
batch-verdict = 判定
batch-earlier-run = {" "}(前回)
batch-not-checked-interrupted = 未確認 (中断)
batch-snapshot = スナップショット
batch-verify = 検証
batch-earlier = 前回までに { $earlier } 件完了済み (--again で全件やり直し)
batch-progress = OK { $ok } 差異 { $diff } 失敗 { $failed }
batch-interrupted = ikou: 中断しました。{ $count } 件は未確認です。同じコマンドをもう一度実行すると続きから再開します。
batch-totals = { $what }: { $accounts } アカウント — 一致 { $ok }、差異あり { $differences }、失敗 { $failed }
batch-totals-not-checked = 、未確認 { $count }
batch-footer = 旧: { $old } ({ $old_access })  新: { $new } ({ $new_access })  同時接続 旧 { $concurrency_old } / 新 { $concurrency_new }
    { $seconds } 秒、{ $rate } アカウント/秒、前回分 { $earlier } 件。記録: { $journal }
batch-restore = 復元
batch-restore-nothing = 戻すものはありません
batch-restore-plan = 戻す予定 { $count } 通 ({ $size }){ $folders ->
        [0] {""}
       *[other] 、作成するフォルダ { $folders }
    }
batch-restore-done = 追加 { $appended }、既にあり { $present }、失敗 { $failed }{ $folders ->
        [0] {""}
       *[other] 、作成したフォルダ { $folders }
    }
batch-restore-oversize = ；新サーバの上限を超える { $count } 通は戻していません
batch-restore-totals = メール: 戻す予定 { $planned } 通 ({ $size })、追加 { $appended }、既にあり { $present }、失敗 { $failed }、サイズ超過 { $oversize }。
batch-restore-plan-only = これは計画のみで、何も書き込んでいません。--apply を付けると新サーバに追加します (旧サーバは読み取りのみ)。
batch-restore-kind-sent = 送信済みメール
batch-restore-kind-missing = 欠落しているすべてのメール
batch-restore-what = 復元対象: { $kind }

## CSV columns, outcomes and verdict lines.
batch-csv-address = アドレス
batch-csv-status = 結果
batch-csv-verdict = 判定
batch-csv-folders = フォルダ数
batch-csv-old-messages = 旧件数
batch-csv-new-messages = 新件数
batch-csv-missing = 欠落
batch-csv-sent-missing = 送信済み欠落
batch-csv-duplicates = 重複
batch-csv-garbled = 文字化け
batch-csv-oversize = サイズ超過
batch-csv-extras = 新のみ
batch-csv-unmapped-old-folders = 対応なしフォルダ
batch-csv-error = エラー
batch-csv-finished = 完了時刻
batch-csv-seconds = 秒
batch-csv-applied = 実行
batch-csv-planned = 戻す通数
batch-csv-planned-bytes = 戻すバイト数
batch-csv-folders-to-create = 作成フォルダ数
batch-csv-appended = 追加
batch-csv-already-present = 既にあり
batch-csv-failed = 失敗
batch-csv-missing-before = 復元前の欠落
batch-outcome-differences = 差異
batch-outcome-failed = 失敗
batch-snapshot-verdict = スナップショット: { $folders } フォルダ、{ $messages } 通
batch-mailbox-may-not-exist = （このログイン名のメールボックスが無い可能性があります。アカウント一覧を確認してください）

## How batch signs in to each account.
batch-admin-profile = プロファイルの認証情報
batch-admin-master = マスターユーザ { $user } (所有者{ $separator }{ $user })
batch-admin-sasl-plain = SASL PLAIN ({ $user }、authzid 付き)
batch-admin-app-token = アプリケーショントークン
batch-admin-client-credentials = アプリケーション { $client_id } (クライアント資格情報)
