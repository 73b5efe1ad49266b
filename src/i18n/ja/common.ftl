### common — Japanese. Ids start with "common-"; the same ids live in ../en/common.ftl.

common-messages = { $count } 通
common-yes = はい
common-no = いいえ
