### verify — Japanese. Ids start with "verify-"; the same ids live in ../en/verify.ftl.

verify-map-not-on-new = 新サーバにありません (復元で作成します)
verify-folder-missing = { $count ->
    [0] 新サーバにないフォルダです (空)
   *[other] 新サーバにないフォルダです。中の { $count } 通は「ありません」として一覧にあります
}
verify-verdict-folder-missing = フォルダ「{ $folder }」が新サーバにありません ({ $count } 通)
verify-folder-not-on-new-cell = (新サーバになし)

# 検証のあとでサーバーから消えたメッセージを開こうとしたとき。
verify-message-gone = UID { $uid } のメッセージは { $folder } にもうありません
