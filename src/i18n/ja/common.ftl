### common — Japanese. Ids start with "common-"; the same ids live in ../en/common.ftl.

common-messages = { $count } 通
common-yes = はい
common-no = いいえ

common-size-bytes = { $count } バイト
common-size-kib = { $value } KiB
common-size-mib = { $value } MiB
common-size-gib = { $value } GiB
common-size-tib = { $value } TiB
common-date-time = { $year }年{ $month_name }{ $day }日({ $weekday }) { $time }
common-date = { $year }年{ $month_name }{ $day }日({ $weekday })
common-weekday = { $day ->
    [0] 月
    [1] 火
    [2] 水
    [3] 木
    [4] 金
    [5] 土
   *[6] 日
}
common-month = { $month }月
