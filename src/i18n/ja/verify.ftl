### verify — Japanese. Ids start with "verify-"; the same ids live in ../en/verify.ftl.

verify-map-not-on-new = 新サーバにありません (復元で作成します)
verify-folder-missing = { $count ->
    [0] 新サーバにないフォルダです (空)
   *[other] 新サーバにないフォルダです。中の { $count } 通は「ありません」として一覧にあります
}
verify-verdict-folder-missing = フォルダ「{ $folder }」が新サーバにありません ({ $count } 通)
verify-folder-not-on-new-cell = (新サーバになし)

## 件名の文字化け: メールソフトでの見え方と、必要な修復。
verify-garble-on-new = 新サーバで件名が文字化け: { $defect }
verify-garble-text-changed = 新サーバで件名の文字が変わっています
verify-garble-broken-on-old = 旧サーバで既に件名が壊れています (移行の問題ではありません): { $defect }
verify-defect-undecoded-encoded-word = エンコード (=?…?=) が解読されずに残っています
verify-defect-replacement-char = 解読できない文字 (�) があります
verify-defect-iso2022jp-escape = ISO-2022-JP の制御文字が見えています
verify-defect-c1-control = 制御文字が混じっています (日本語を欧文として解読)
verify-defect-utf8-as-latin1 = UTF-8 を欧文 (Latin-1) として解読しています
verify-defect-shift-jis-as-latin1 = Shift_JIS を欧文 (Latin-1) として解読しています
verify-defect-fold-inside-encoded-word = エンコード (=?…?=) の途中で改行されています。メールソフトではそのままの記号列で表示されます
verify-defect-missing-encoded-word-end = エンコードの終わり「?=」が欠けています。メールソフトではそのままの記号列で表示されます
verify-defect-invalid-encoded-text = エンコード (=?…?=) の中身が壊れています。メールソフトではそのままの記号列で表示されます
verify-defect-missing-charset = エンコードに文字コードの指定がありません。メールソフトではそのままの記号列で表示されます
verify-defect-unknown-charset = エンコードの文字コードが不明です。メールソフトでは文字化けすることがあります
verify-defect-wrong-charset = エンコードの文字コードの指定が誤っています。メールソフトでは文字化けします
verify-defect-raw-8bit = エンコードされずに書かれています (8 ビットまたは JIS のまま)。メールソフトでは文字化けすることがあります
verify-defect-double-encoded = 二重にエンコードされています。メールソフトでは「=?…?=」の記号列が表示されます

## 所見の種類 (レポート、CSV、画面で共通)
verify-kind-missing = 新サーバになし
verify-kind-oversize = サイズ超過
verify-kind-moved = 別フォルダにあり
verify-kind-unproven = 未確認
verify-kind-missing-copy = 旧サーバの重複
verify-kind-duplicate = 重複
verify-kind-extra = 新サーバのみ
verify-kind-garbled = 件名の文字化け
verify-kind-junk-expiring = 迷惑メールの保存期間切れ
verify-kind-name-refused = 使えないフォルダ名
verify-kind-unmapped-old = 対応先のない旧フォルダ
verify-kind-folder-missing = フォルダがない
verify-kind-unmapped-new = 対応元のない新フォルダ
verify-kind-unused-override = 使われていないプロファイル指定

## 所見ごとの説明
verify-detail-missing = 新サーバにありません
verify-detail-oversize = サイズ上限を超えるため移行されていません ({ $size } > { $limit })
verify-detail-moved = 別のフォルダにあります:「{ $folder }」
verify-detail-unproven = 新サーバにあるとは確認できません: 見出しが同じメールが { $count } 通ありますが、本文を比べられませんでした
verify-detail-extra = 新サーバにだけあります (切り替え後に届いたメールなど)
verify-detail-missing-copy = 旧サーバで重複していたコピーの片方です (本体は新サーバにあります)
verify-detail-duplicate = このコピーが余分です: 同じメールがこのフォルダに既にあります。このコピーを削除してください
verify-detail-duplicate-received = このコピーが余分です: 同じメールがこのフォルダに既にあります ({ $received } 受信)。このコピーを削除してください
verify-detail-garbled = { $garble } (新: { $subject })
verify-detail-junk-purged-soon = 新サーバでまもなく自動削除されます ({ $age } 日前、迷惑メールの保存期間は { $retention } 日)
verify-detail-junk-past-retention = 新サーバの保存期間を過ぎています ({ $age } 日前、迷惑メールの保存期間は { $retention } 日)
verify-detail-unmapped-old = 対応する新サーバのフォルダがなく、中の { $count } 通は確認できません
verify-detail-unmapped-new = 旧サーバに対応するフォルダがありません ({ $count } 通)
verify-detail-unused-override = プロファイルで { $old } → { $new } と指定されていますが、旧フォルダ { $old } がありません

## 判定 (レポートの 1 行目)
verify-verdict-separator = 、
verify-verdict-more = 、ほか { $count } 件
verify-verdict-ok = OK: { $folders } フォルダすべて一致 ({ $count ->
    *[other] { $messages }
    } 通)
verify-verdict-ok-extras = 、新サーバのみ { $count ->
    *[other] { $messages }
    } 通
verify-verdict-fewer = 「{ $folder }」の件数が不足 ({ $old } → { $new })
verify-verdict-missing = 「{ $folder }」の { $count ->
    *[other] { $shown }
    } 通が新サーバにありません
verify-verdict-unproven = 「{ $folder }」の { $count ->
    *[other] { $shown }
    } 通は新サーバにあるか確認できません
verify-verdict-oversize = 「{ $folder }」の { $count ->
    *[other] { $shown }
    } 通がサイズ超過で未移行
verify-verdict-garbled = 「{ $folder }」で件名の文字化け { $count ->
    *[other] { $shown }
    } 通
verify-verdict-duplicate = 「{ $folder }」に重複 { $count ->
    *[other] { $shown }
    } 通
verify-verdict-unmapped-old = 対応先のない旧フォルダ { $count ->
    *[other] { $shown }
    } 個
verify-verdict-name-refused = 移行できないフォルダ名 { $count ->
    *[other] { $shown }
    } 個
verify-verdict-other = その他の問題 { $count ->
    *[other] { $shown }
    } 件

## 中身によるフォルダの対応づけ。
verify-map-contents = 同じメールがある
verify-map-evidence = { $count } 通中 { $found } 通がここにあります
verify-map-reason-evidence = { $reason }。{ $evidence }

verify-detail-duplicate-copy = このコピー ({ $copy } 受信) が余分です: 同じメールがこのフォルダに既にあります ({ $original } 受信)。このコピーを削除してください

## `ikou verify` のテキスト出力
verify-text-old = 旧: { $source }
verify-text-new = 新: { $server }
verify-text-source-snapshot = スナップショット { $file } ({ $server }、{ $taken } 作成)
verify-text-source-backup = バックアップ { $file } ({ $server }、{ $taken } 作成)
verify-text-mapping-title = フォルダの対応
verify-text-counts-title = フォルダごとの件数
verify-text-col-old-folder = 旧フォルダ
verify-text-col-new-folder = 新フォルダ
verify-text-col-old-folders = 旧フォルダ
verify-text-col-reason = 理由
verify-text-col-old = 旧
verify-text-col-new = 新
verify-text-col-diff = 差
verify-text-col-status = 状態
verify-text-not-there = { $folder } (未作成)
verify-text-not-mapped = 対応先なし
verify-text-status-ok = 一致
verify-text-status-differs = 差異あり
verify-text-total = 合計
verify-text-count-line = { $old } → { $new } ({ $diff })、{ $status }
verify-text-fed-by = 元: { $folders }
verify-text-problems = 要確認 (問題) { $count } 件
verify-text-notes = 参考情報 { $count } 件
verify-text-date = 日付: { $date }
verify-text-from = 差出人: { $who }
verify-text-to = 宛先: { $who }
verify-text-subject = 件名: { $subject }
verify-text-no-subject = (件名なし)
verify-text-sent-missing = 送信済みの { $count } 通が新サーバにありません。`ikou restore` で計画を確認し、`--apply` で戻せます。

# Text of tui/view/verify.rs (moved from inline pairs).
tui-verify-compares-the-old-mailbox-with-the-new-on = 旧サーバーと新サーバーのメールを、フォルダごと・メールごとに照合します。
tui-verify-both-servers-are-only-read-nothing-is-ch = どちらのサーバーも読み取るだけで、何も変更しません。
tui-verify-press-v-or-enter-to-verify = v または Enter で検証を始めます。
tui-verify-sign-in-first-a = 先にサインインしてください (a)。
tui-verify-verify = 検証
tui-verify-verifying = 検証中
tui-verify-connecting = 接続中...
tui-verify-listing-folders = フォルダ一覧を取得中...
tui-verify-read = 読み取り完了
tui-verify-reading-both-servers-at-once-read-only = 両方のサーバーを同時に読み取っています (読み取りのみ)。
tui-verify-verification-failed = 検証できませんでした:
tui-verify-v-try-again-a-sign-in-again = v: もう一度  a: サインインし直す
tui-verify-old = 旧
tui-verify-new = 新
tui-verify-verdict = 判定
tui-verify-differences-enter-lists-them = 違い (Enter で一覧)
tui-verify-new-folder = 新フォルダ
tui-verify-old-folders = 旧フォルダ
tui-verify-diff = 差
tui-verify-status = 状態
tui-verify-differs = 差異あり
tui-verify-ok = 一致
tui-verify-new-subject = / 新:
tui-verify-folder = フォルダ
tui-verify-date = 日付
tui-verify-to = 宛先
tui-verify-from = 差出人
tui-verify-subject = 件名
tui-verify-size = サイズ
tui-verify-none = ありません。
tui-verify-headers = ヘッダー
tui-verify-reading-the-header-body-peek-nothing-is = ヘッダーを読み取り中 (BODY.PEEK、既読にはなりません)...
tui-verify-could-not-read-it = 読み取れませんでした:
tui-verify-old-folder = 旧フォルダ
tui-verify-the-old-server-is-not-changed-messages-a = 旧サーバーは変更しません。新サーバーに追加 (APPEND) するだけで、既にあるメールは飛ばします。
tui-verify-nothing-to-restore-too-large-or-no-longe = 戻せるメールがありません (サイズ超過、または旧サーバーにありません)。
tui-verify-restoring-to-the-new-server = 新サーバーへ復元中...
tui-verify-press-y-to-restore-them-now-esc-to-go-ba = y で実行します。Esc でやめます。
tui-verify-the-restore-failed = 復元できませんでした:
tui-verify-appended = 追加
tui-verify-already-there = 既存
tui-verify-too-large = 大きすぎ
tui-verify-failed = 失敗
tui-verify-result = 結果

# Verify screen: counts and titles with variables.
tui-verify-sent-missing = 送信済み { $count }
tui-verify-messages-per-folder = フォルダごとの件数 (旧 { $old } 通 / 新 { $new } 通)
tui-verify-marked = { $count } 通選択
tui-verify-restore-plan-title = 復元計画: { $count } 通 ({ $size }) 旧サーバー -> 新サーバー { $server }
tui-verify-folder-will-be-created = 新フォルダ「{ $folder }」を作成します。
tui-verify-restore-result = 追加 { $appended } 通、既存 { $present } 通、失敗 { $failed } 通。v で再検証して確かめてください。


## センターのコピー期間中の復元 (プロファイルの [dates])
verify-restore-copy-running = 情報センターによるメールのコピーがまだ続いています。今ないメールも、このあとコピーで届くかもしれません。コピーが終わってから `ikou verify` で確かめ、それでも足りないものを復元してください。今復元すると同じメールが 2 通になることがあります。
verify-restore-copy-running-until = 情報センターによるメールのコピーがまだ続いています ({ $cutover } の切り替えまで)。今ないメールも、このあとコピーで届くかもしれません。コピーが終わってから `ikou verify` で確かめ、それでも足りないものを復元してください。今復元すると同じメールが 2 通になることがあります。
# 検証のあとでサーバーから消えたメッセージを開こうとしたとき。
verify-message-gone = UID { $uid } のメッセージは { $folder } にもうありません

## Why an old folder was paired with a new one.
verify-map-override = プロファイルでの指定
verify-map-special-use = 両サーバの特殊フォルダ属性 ({ $attribute })
verify-map-name-rule = 既知のフォルダ名 ({ $rule })
verify-map-same-path = 同じフォルダ名
verify-map-rule-sent = 送信済み
verify-map-rule-trash = ごみ箱
verify-map-rule-junk = 迷惑メール
verify-map-rule-drafts = 下書き
verify-map-rule-archive = アーカイブ

## Folder names Exchange refuses.
verify-name-slash = 名前に「/」を含むため移行できません: 「{ $level }」
verify-name-too-long = 名前が長すぎます ({ $chars } > { $max }): 「{ $level }」
verify-name-control = 名前に制御文字があります: 「{ $level }」

## `ikou snapshot` and `ikou restore` as text.
verify-snapshot-saved = スナップショットを保存しました: { $file } ({ $folders } フォルダ, { $messages } 通)
verify-plan-old-folder = 旧フォルダ
verify-plan-new-folder = → 新フォルダ
verify-plan-date = 日付
verify-plan-subject = 件名
verify-plan-size = サイズ
verify-restore-from-backup = バックアップ
verify-restore-from-old-server = 旧サーバ
verify-restore-nothing = 新サーバに戻すメールはありません。
verify-restore-plan = { $count } 通 ({ $size }) を{ $source }から新サーバ { $server } へ戻します:
verify-restore-create-folder = 新フォルダ「{ $folder }」を作成します。
verify-restore-oversize = サイズ上限を超えるため戻せないメール (添付を保存して削除するか、分割してください):
verify-restore-plan-only = これは計画です。実行するには --apply を付けてください。
verify-restore-appended = 追加しました
verify-restore-already-present = 既にあります
verify-restore-too-large = 大きすぎます
verify-restore-failed = 失敗
verify-restore-summary = 追加 { $appended } 通、既存 { $present } 通、失敗 { $failed } 通
