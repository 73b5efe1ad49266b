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

## The folder list.
folders-sort-server = server order
folders-sort-size = largest first
folders-title = { $side } folders ({ $sort })
folders-cannot-connect = Cannot connect:
folders-not-loaded = Not loaded yet.
folders-container = (container)
folders-not-mapped = (not mapped)
folders-column-old = Old folder
folders-column-msgs = Msgs
folders-column-size = Size
folders-column-new = New folder
folders-column-folder = Folder
folders-column-role = Role
folders-column-messages = Messages
folders-column-unseen = Unseen
folders-totals = Total { $messages } messages { $size }   { $first }-{ $last } of { $folders } folders
