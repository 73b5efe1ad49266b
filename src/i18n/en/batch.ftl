### batch — English. Ids start with "batch-"; the same ids live in ../ja/batch.ftl.

batch-status = status
batch-account = account
batch-verdict = verdict
batch-earlier-run = {" "}(earlier run)
batch-not-checked-interrupted = not checked (interrupted)
batch-snapshot = Snapshot
batch-verify = Verify
batch-earlier = { $earlier } accounts done in an earlier run (--again checks them again)
batch-progress = ok { $ok } diff { $diff } failed { $failed }
batch-interrupted = ikou: interrupted; { $count } accounts not checked. Run the same command again to continue.
batch-totals = { $what }: { $accounts } accounts — { $ok } OK, { $differences } with differences, { $failed } failed
batch-totals-not-checked = , { $count } not checked
batch-footer = Old: { $old } ({ $old_access })  New: { $new } ({ $new_access })  connections old { $concurrency_old } / new { $concurrency_new }
    { $seconds } s, { $rate } accounts/s, { $earlier } from earlier runs. Journal: { $journal }
batch-restore = Restore
batch-restore-nothing = nothing to restore
batch-restore-plan = { $count ->
        [one] 1 message to restore
       *[other] { $count } messages to restore
    } ({ $size }){ $folders ->
        [0] {""}
       *[other] , { $folders } folders to create
    }
batch-restore-done = restored { $appended }, already there { $present }, failed { $failed }{ $folders ->
        [0] {""}
       *[other] , folders created { $folders }
    }
batch-restore-oversize = ; { $count } too large for the new server (not restored)
batch-restore-totals = Messages: { $planned } planned ({ $size }), { $appended } appended, { $present } already there, { $failed } failed, { $oversize } too large.
batch-restore-plan-only = This was the plan only; nothing was written. Add --apply to append these messages to the new server (the old server is only read).
batch-restore-kind-sent = Sent items
batch-restore-kind-missing = every missing message
batch-restore-what = Restoring: { $kind }

## CSV columns, outcomes and verdict lines.
batch-csv-address = address
batch-csv-status = status
batch-csv-verdict = verdict
batch-csv-folders = folders
batch-csv-old-messages = old_messages
batch-csv-new-messages = new_messages
batch-csv-missing = missing
batch-csv-sent-missing = sent_missing
batch-csv-duplicates = duplicates
batch-csv-garbled = garbled
batch-csv-oversize = oversize
batch-csv-extras = extras
batch-csv-unmapped-old-folders = unmapped_old_folders
batch-csv-error = error
batch-csv-finished = finished
batch-csv-seconds = seconds
batch-csv-applied = applied
batch-csv-planned = planned
batch-csv-planned-bytes = planned_bytes
batch-csv-folders-to-create = folders_to_create
batch-csv-appended = appended
batch-csv-already-present = already_present
batch-csv-failed = failed
batch-csv-missing-before = missing_before
batch-outcome-differences = DIFF
batch-outcome-failed = FAIL
batch-snapshot-verdict = snapshot: { $folders } folders, { $messages } messages
batch-mailbox-may-not-exist = {" "}(the mailbox may not exist for this login: check the accounts list)

## How batch signs in to each account.
batch-admin-profile = profile credentials
batch-admin-master = master user { $user } (owner{ $separator }{ $user })
batch-admin-sasl-plain = SASL PLAIN as { $user } with authzid
batch-admin-app-token = application token
batch-admin-client-credentials = application { $client_id } (client credentials)
