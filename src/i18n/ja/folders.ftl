### folders — Japanese. Ids start with "folders-"; the same ids live in ../en/folders.ftl.


## 旧フォルダの状態 (移行先の横): 最後の確認の結果だけから。
folders-status-column = 状態
folders-status-ok = =
folders-status-missing = 欠落{ $count }
folders-status-duplicates = 重複{ $count }
folders-status-garbled = 化け{ $count }
folders-status-other = 問題{ $count }
folders-status-differs = 差異あり
folders-status-unverified = { $diff } 未確認
folders-status-missing-short = 欠{ $count }
folders-status-duplicates-short = 重{ $count }
folders-status-garbled-short = 化{ $count }
folders-status-other-short = 他{ $count }

## The folder list.
folders-sort-server = サーバー順
folders-sort-size = サイズ順
folders-title = { $side } のフォルダ ({ $sort })
folders-cannot-connect = 接続できません:
folders-not-loaded = まだ読み込んでいません。
folders-container = (入れ物)
folders-not-mapped = (移行先なし)
folders-column-old = 旧フォルダ
folders-column-msgs = 件数
folders-column-size = サイズ
folders-column-new = 移行先
folders-column-folder = フォルダ
folders-column-role = 用途
folders-column-messages = 件数
folders-column-unseen = 未読
folders-totals = 合計 { $messages } 通 { $size }   { $first }-{ $last } / { $folders } フォルダ
