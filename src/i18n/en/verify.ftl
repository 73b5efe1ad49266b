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

## Garbled subjects: what a mail program shows, and which repair it would need.
verify-garble-on-new = subject garbled on new: { $defect }
verify-garble-text-changed = subject text changed on new
verify-garble-broken-on-old = subject already broken on old (not a migration problem): { $defect }
verify-defect-undecoded-encoded-word = encoded-word (=?…?=) left undecoded
verify-defect-replacement-char = contains undecodable characters (�)
verify-defect-iso2022jp-escape = ISO-2022-JP escape sequences visible
verify-defect-c1-control = control characters (Japanese decoded as Latin-1)
verify-defect-utf8-as-latin1 = UTF-8 decoded as Latin-1
verify-defect-shift-jis-as-latin1 = Shift_JIS decoded as Latin-1
verify-defect-fold-inside-encoded-word = a line fold inside the encoded text (=?…?=); mail programs show the raw text
verify-defect-missing-encoded-word-end = the encoded text lacks its closing "?="; mail programs show the raw text
verify-defect-invalid-encoded-text = the encoded text (=?…?=) is broken; mail programs show the raw text
verify-defect-missing-charset = the encoded text names no character set; mail programs show the raw text
verify-defect-unknown-charset = the encoded text names an unknown character set; mail programs may show it garbled
verify-defect-wrong-charset = the encoded text names the wrong character set; mail programs show it garbled
verify-defect-raw-8bit = written without encoding (raw 8-bit or JIS); mail programs may show it garbled
verify-defect-double-encoded = encoded twice; mail programs show "=?…?=" text

## Finding kinds, as the report, the CSV and the screens name them.
verify-kind-missing = missing
verify-kind-oversize = too large
verify-kind-moved = in another folder
verify-kind-unproven = not proven
verify-kind-missing-copy = old duplicate
verify-kind-duplicate = duplicate
verify-kind-extra = only on new
verify-kind-garbled = garbled subject
verify-kind-junk-expiring = Junk past retention
verify-kind-name-refused = folder name refused
verify-kind-unmapped-old = old folder not mapped
verify-kind-folder-missing = folder missing
verify-kind-unmapped-new = new folder not mapped
verify-kind-unused-override = unused profile rule

## One sentence per finding.
verify-detail-missing = not on the new server
verify-detail-oversize = too large to migrate, not on the new server ({ $size } > { $limit })
verify-detail-moved = found in another folder: { $folder }
verify-detail-unproven = { $count ->
    [one] not proven present: a message with the same headers is on the new server, but the bodies could not be compared
   *[other] not proven present: { $count } messages with the same headers are on the new server, but the bodies could not be compared
}
verify-detail-extra = only on the new server (e.g. arrived after the switch)
verify-detail-missing-copy = an extra copy on the old server (the message itself is on the new server)
verify-detail-duplicate = this copy is the extra one: the same message is already in this folder; delete this copy
verify-detail-duplicate-received = this copy is the extra one: the same message is already in this folder (received { $received }); delete this copy
verify-detail-garbled = { $garble } (new: { $subject })
verify-detail-junk-purged-soon = { $retention ->
    [one] will be purged on the new server ({ $age } days old, Junk is kept { $retention } day)
   *[other] will be purged on the new server ({ $age } days old, Junk is kept { $retention } days)
}
verify-detail-junk-past-retention = { $retention ->
    [one] past the new server's retention ({ $age } days old, Junk is kept { $retention } day)
   *[other] past the new server's retention ({ $age } days old, Junk is kept { $retention } days)
}
verify-detail-unmapped-old = { $count ->
    [one] no matching folder on the new server; its { $count } message is not verified
   *[other] no matching folder on the new server; its { $count } messages are not verified
}
verify-detail-unmapped-new = { $count ->
    [one] no matching folder on the old server ({ $count } message)
   *[other] no matching folder on the old server ({ $count } messages)
}
verify-detail-unused-override = the profile maps { $old } → { $new }, but there is no old folder { $old }

## The verdict: the first line of every report.
verify-verdict-separator = {", "}
verify-verdict-more = , and { $count } more
verify-verdict-ok = { $folders ->
    [one] OK: 1 folder matches ({ $count ->
        [one] { $messages } message
       *[other] { $messages } messages
    })
   *[other] OK: all { $folders } folders match ({ $count ->
        [one] { $messages } message
       *[other] { $messages } messages
    })
}
verify-verdict-ok-extras = , { $messages } only on new{ $count ->
   *[other] {""}
}
verify-verdict-fewer = fewer messages in { $folder } ({ $old } → { $new })
verify-verdict-missing = { $count ->
    [one] { $shown } missing from { $folder }
   *[other] { $shown } missing from { $folder }
}
verify-verdict-unproven = { $count ->
    [one] { $shown } in { $folder } not proven present on the new server
   *[other] { $shown } in { $folder } not proven present on the new server
}
verify-verdict-oversize = { $count ->
    [one] { $shown } too large to migrate in { $folder }
   *[other] { $shown } too large to migrate in { $folder }
}
verify-verdict-garbled = { $count ->
    [one] { $shown } garbled subject in { $folder }
   *[other] { $shown } garbled subjects in { $folder }
}
verify-verdict-duplicate = { $count ->
    [one] { $shown } duplicate in { $folder }
   *[other] { $shown } duplicates in { $folder }
}
verify-verdict-unmapped-old = { $count ->
    [one] { $shown } old folder not mapped
   *[other] { $shown } old folders not mapped
}
verify-verdict-name-refused = { $count ->
    [one] { $shown } folder name Exchange refuses
   *[other] { $shown } folder names Exchange refuses
}
verify-verdict-other = { $count ->
    [one] { $shown } other problem
   *[other] { $shown } other problems
}

## Folder pairing by contents.
verify-map-contents = holds the same messages
verify-map-evidence = { $count ->
    [one] { $found } of { $count } message found here
   *[other] { $found } of { $count } messages found here
}
verify-map-reason-evidence = { $reason }; { $evidence }

verify-detail-duplicate-copy = this copy (received { $copy }) is the extra one: the same message is already in this folder (received { $original }); delete this copy

## The text report of `ikou verify`.
verify-text-old = Old: { $source }
verify-text-new = New: { $server }
verify-text-source-snapshot = snapshot { $file } ({ $server }, taken { $taken })
verify-text-source-backup = backup { $file } ({ $server }, taken { $taken })
verify-text-mapping-title = Folder mapping
verify-text-counts-title = Messages per folder
verify-text-col-old-folder = old folder
verify-text-col-new-folder = new folder
verify-text-col-old-folders = old folders
verify-text-col-reason = reason
verify-text-col-old = old
verify-text-col-new = new
verify-text-col-diff = diff
verify-text-col-status = status
verify-text-not-there = { $folder } (not there)
verify-text-not-mapped = not mapped
verify-text-status-ok = ok
verify-text-status-differs = DIFFERS
verify-text-total = total
verify-text-count-line = { $old } → { $new } ({ $diff }), { $status }
verify-text-fed-by = from: { $folders }
verify-text-problems = { $count ->
    [one] Problem ({ $count })
   *[other] Problems ({ $count })
}
verify-text-notes = { $count ->
    [one] Note ({ $count })
   *[other] Notes ({ $count })
}
verify-text-date = Date: { $date }
verify-text-from = From: { $who }
verify-text-to = To: { $who }
verify-text-subject = Subject: { $subject }
verify-text-no-subject = (no subject)
verify-text-sent-missing = { $count ->
    [one] { $count } sent message is missing on the new server. `ikou restore` shows the plan; add `--apply` to put it back.
   *[other] { $count } sent messages are missing on the new server. `ikou restore` shows the plan; add `--apply` to put them back.
}

# Text of tui/view/verify.rs (moved from inline pairs).
tui-verify-compares-the-old-mailbox-with-the-new-on = Compares the old mailbox with the new one, folder by folder and message by message.
tui-verify-both-servers-are-only-read-nothing-is-ch = Both servers are only read; nothing is changed on either.
tui-verify-press-v-or-enter-to-verify = Press v or Enter to verify.
tui-verify-sign-in-first-a = Sign in first (a).
tui-verify-verify = Verify
tui-verify-verifying = Verifying
tui-verify-connecting = connecting...
tui-verify-listing-folders = listing folders...
tui-verify-read = read
tui-verify-reading-both-servers-at-once-read-only = Reading both servers at once (read-only).
tui-verify-verification-failed = Verification failed:
tui-verify-v-try-again-a-sign-in-again = v: try again  a: sign in again
tui-verify-old = Old
tui-verify-new = New
tui-verify-verdict = Verdict
tui-verify-differences-enter-lists-them = Differences (Enter lists them)
tui-verify-new-folder = New folder
tui-verify-old-folders = Old folders
tui-verify-diff = Diff
tui-verify-status = Status
tui-verify-differs = DIFFERS
tui-verify-ok = ok
tui-verify-new-subject = / new:
tui-verify-folder = Folder
tui-verify-date = Date
tui-verify-to = To
tui-verify-from = From
tui-verify-subject = Subject
tui-verify-size = Size
tui-verify-none = None.
tui-verify-headers = Headers
tui-verify-reading-the-header-body-peek-nothing-is = Reading the header (BODY.PEEK: nothing is marked read)...
tui-verify-could-not-read-it = Could not read it:
tui-verify-old-folder = Old folder
tui-verify-the-old-server-is-not-changed-messages-a = The old server is not changed. Messages are added (APPEND) to the new server; ones already there are skipped.
tui-verify-nothing-to-restore-too-large-or-no-longe = Nothing to restore (too large, or no longer on the old server).
tui-verify-restoring-to-the-new-server = Restoring to the new server...
tui-verify-press-y-to-restore-them-now-esc-to-go-ba = Press y to restore them now, Esc to go back.
tui-verify-the-restore-failed = The restore failed:
tui-verify-appended = appended
tui-verify-already-there = already there
tui-verify-too-large = too large
tui-verify-failed = FAILED
tui-verify-result = Result

# Verify screen: counts and titles with variables.
tui-verify-sent-missing = { $count } sent
tui-verify-messages-per-folder = Messages per folder (old { $old }, new { $new })
tui-verify-marked = { $count } marked
tui-verify-restore-plan-title = Restore plan: { $count } { $count ->
        [one] message
       *[other] messages
    } ({ $size }) old -> new server { $server }
tui-verify-folder-will-be-created = The new folder { $folder } will be created.
tui-verify-restore-result = { $appended } appended, { $present } already there, { $failed } failed. Press v to verify again.


## Restore during the centre's copy (profile [dates]).
verify-restore-copy-running = The IT centre is still copying mailboxes: a message missing now may still arrive with the copy. Restore after the copy has finished and `ikou verify` still lists it, or you may end up with two copies.
verify-restore-copy-running-until = The IT centre is still copying mailboxes (until the switch-over on { $cutover }): a message missing now may still arrive with the copy. Restore after the copy has finished and `ikou verify` still lists it, or you may end up with two copies.
# A message the person opened from a finding is gone from the server since verify read it.
verify-message-gone = UID { $uid } is no longer in { $folder }

## Why an old folder was paired with a new one.
verify-map-override = profile override
verify-map-special-use = SPECIAL-USE on both servers ({ $attribute })
verify-map-name-rule = known folder name ({ $rule })
verify-map-same-path = same folder path
verify-map-rule-sent = sent
verify-map-rule-trash = trash
verify-map-rule-junk = junk
verify-map-rule-drafts = drafts
verify-map-rule-archive = archive

## Folder names Exchange refuses.
verify-name-slash = name contains '/', which Exchange treats as a separator: 「{ $level }」
verify-name-too-long = name too long ({ $chars } > { $max }): 「{ $level }」
verify-name-control = name contains control characters: 「{ $level }」

## `ikou snapshot` and `ikou restore` as text.
verify-snapshot-saved = Snapshot saved: { $file } ({ $folders } folders, { $messages } messages)
verify-plan-old-folder = old folder
verify-plan-new-folder = → new folder
verify-plan-date = date
verify-plan-subject = subject
verify-plan-size = size
verify-restore-from-backup = the backup
verify-restore-from-old-server = the old server
verify-restore-nothing = Nothing to restore: no missing messages selected.
verify-restore-plan = Restore { $count } messages ({ $size }) from { $source } to the new server { $server }:
verify-restore-create-folder = The new folder { $folder } will be created.
verify-restore-oversize = Too large for the new server, not restored (save the attachments elsewhere):
verify-restore-plan-only = This is the plan only; run again with --apply to do it.
verify-restore-appended = appended
verify-restore-already-present = already there
verify-restore-too-large = too large
verify-restore-failed = FAILED
verify-restore-summary = { $appended } appended, { $present } already there, { $failed } failed
