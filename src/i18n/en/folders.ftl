### folders — English. Ids start with "folders-"; the same ids live in ../ja/folders.ftl.


## The old folders' status beside their new folder: from the last verification only.
folders-status-column = Status
folders-status-ok = =
folders-status-missing = { $count } missing
folders-status-duplicates = { $count ->
    [one] { $count } dup
   *[other] { $count } dups
}
folders-status-garbled = { $count } garbled
folders-status-other = { $count ->
    [one] { $count } problem
   *[other] { $count } problems
}
folders-status-differs = differs
folders-status-unverified = { $diff } unverified
folders-status-missing-short = { $count } miss
folders-status-duplicates-short = { $count } dup
folders-status-garbled-short = { $count } garb
folders-status-other-short = { $count } oth
