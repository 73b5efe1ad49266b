### helpdesk — English. Ids start with "helpdesk-"; the same ids live in ../ja/helpdesk.ftl.

helpdesk-code-unknown-source = This is not a state code: it starts with V (from verify) or D (from doctor).
helpdesk-code-wrong-length = A code of this kind has { $expected } numbers after the letter; this one has { $found }. Ask the user to read it again.
helpdesk-code-not-a-number = “{ $part }” is not a number. Ask the user to read the code again.
helpdesk-code-bad-phase = The phase number must be 0 to 4, not { $phase }.
helpdesk-code-bad-check = The check number does not match: one character was misheard or mistyped. Ask the user to read the code again.
helpdesk-phase-unknown = Migration phase: not known (the profile has no dates).
helpdesk-phase-before = Migration phase: before the centre starts copying.
helpdesk-phase-copying = Migration phase: the centre is copying mailboxes (parallel operation).
helpdesk-phase-after-cutover = Migration phase: after the cutover; new mail goes to Microsoft 365.
helpdesk-phase-old-off = Migration phase: the old server has been switched off.
helpdesk-source-verify = From: a comparison of the old and new server (ikou verify).
helpdesk-source-doctor = From: a check of settings, DNS and certificates (ikou doctor).
helpdesk-verify-clean = No problems found: every message on the old server was found on the new one.
helpdesk-verify-missing = { $count ->
    [one] { $count } message is missing on the new server (ikou restore can put it back).
   *[other] { $count } messages are missing on the new server (ikou restore can put them back).
}
helpdesk-verify-unproven = { $count ->
    [one] { $count } message could not be proven present (no Message-ID and an ambiguous match).
   *[other] { $count } messages could not be proven present (no Message-ID and an ambiguous match).
}
helpdesk-verify-duplicates = { $count ->
    [one] { $count } message is a duplicate on the new server.
   *[other] { $count } messages are duplicates on the new server.
}
helpdesk-verify-garbled = { $count ->
    [one] { $count } subject is garbled on the new server.
   *[other] { $count } subjects are garbled on the new server.
}
helpdesk-verify-oversize = { $count ->
    [one] { $count } message is over the size limit and was not migrated.
   *[other] { $count } messages are over the size limit and were not migrated.
}
helpdesk-verify-unmapped = { $count ->
    [one] { $count } folder of the old server has no folder on the new server.
   *[other] { $count } folders of the old server have no folder on the new server.
}
helpdesk-doctor-clean = No errors or warnings.
helpdesk-doctor-errors = { $count ->
    [one] { $count } error (the user's mail program or the domain's DNS needs fixing).
   *[other] { $count } errors (the user's mail program or the domain's DNS needs fixing).
}
helpdesk-doctor-warnings = { $count ->
    [one] { $count } warning.
   *[other] { $count } warnings.
}
helpdesk-state-code-line = State code for the helpdesk: { $code }
helpdesk-explain-title = State code { $code }
helpdesk-report-quota-verdict = { $messages } messages, { $size }, in { $folders } folders on the old server.
helpdesk-report-title = ikou support report (ikou { $version }, made { $created } UTC)
helpdesk-report-profile = Profile: { $profile } ({ $domain })
helpdesk-report-phase = Migration phase: { $phase } (0 unknown, 1 before the copy, 2 copying, 3 after the cutover, 4 old server off)
helpdesk-report-hidden = Subjects, senders, addresses and Message-IDs are hidden. No password, token or message text is in this file.
helpdesk-report-with-subjects = Subjects, senders and addresses are included (--with-subjects). No password, token or message text is in this file.
helpdesk-report-part-quota = Quota and usage (old server)
helpdesk-report-part-verify = Old and new server compared
helpdesk-report-part-doctor = Settings, DNS and certificates (doctor)
helpdesk-report-failed = Could not be checked: { $error }
helpdesk-report-skipped = Not checked.
helpdesk-report-written = Support report written to { $path }. Read it above, then send the file to the helpdesk.
