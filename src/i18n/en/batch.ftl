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
