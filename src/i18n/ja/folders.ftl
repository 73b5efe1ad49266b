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
