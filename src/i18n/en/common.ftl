### common — English. Ids start with "common-"; the same ids live in ../ja/common.ftl.

common-messages = { $count ->
    [one] { $count } message
   *[other] { $count } messages
}
common-yes = yes
common-no = no

common-size-bytes = { $count } B
common-size-kib = { $value } KiB
common-size-mib = { $value } MiB
common-size-gib = { $value } GiB
common-size-tib = { $value } TiB
common-date-time = { $weekday } { $day } { $month_name } { $year } { $time }
common-date = { $weekday } { $day } { $month_name } { $year }
common-weekday = { $day ->
    [0] Mon
    [1] Tue
    [2] Wed
    [3] Thu
    [4] Fri
    [5] Sat
   *[6] Sun
}
common-month = { $month ->
    [1] Jan
    [2] Feb
    [3] Mar
    [4] Apr
    [5] May
    [6] Jun
    [7] Jul
    [8] Aug
    [9] Sep
    [10] Oct
    [11] Nov
   *[12] Dec
}
