### verify — English. Ids start with "verify-"; the same ids live in ../ja/verify.ftl.

verify-map-not-on-new = not on the new server (restore creates it)
verify-folder-missing = { $count ->
    [0] folder not on the new server (empty)
    [one] folder not on the new server; its { $count } message is listed as missing
   *[other] folder not on the new server; its { $count } messages are listed as missing
}
verify-verdict-folder-missing = { $count ->
    [one] folder { $folder } not on the new server ({ $count } message)
   *[other] folder { $folder } not on the new server ({ $count } messages)
}
verify-folder-not-on-new-cell = (not on new)

# A message the person opened from a finding is gone from the server since verify read it.
verify-message-gone = UID { $uid } is no longer in { $folder }
