### doctor — English. Ids start with "doctor-"; the same ids live in ../ja/doctor.ftl.

doctor-doctor = Doctor
doctor-finds-out-why-mail-programs = Finds out why mail programs cannot set themselves up: MX, SRV, autodiscover, SPF, DKIM and more.
doctor-the-diagnosis-failed = The diagnosis failed:
doctor-d-try-again = d: try again
doctor-meaning = Meaning:
doctor-fix = Fix:
doctor-warn = WARN
doctor-error = ERROR
doctor-autoconfig = Autoconfig
doctor-login = Login
doctor-mail-client = Mail client
doctor-tui-press-d = Press d or Enter to diagnose { $domain }.
doctor-tui-running = Diagnosing { $domain }...
doctor-tui-title = Doctor: { $domain } — { $ok } OK, { $warnings } warnings, { $errors } errors
doctor-nothing-to-check = nothing to check: give your address (`ikou doctor taro@example-univ.ac.jp`), --domain, or a profile with [organisation] domain
doctor-summary = Summary: { $ok } OK, { $warnings } warnings, { $errors } errors

## Findings: one message per finding kind, `doctor-<id>` (the id the JSON and docs show),
## with `.meaning` (why it matters) and `.fix` (what to do). OK findings have neither, or a
## meaning only. `$role` is `old` or `new`; `$reason` is `timeout` or the system's words.

doctor-role = { $role ->
    [old] old server
   *[new] new server
}
doctor-reason = { $reason ->
    [timeout] timeout
   *[other] { $reason }
}
# One URL asked without an answer, in a list of them.
doctor-tried = { $url } ({ doctor-reason })

doctor-dns-no-answer = no answer from DNS server { $server } ({ doctor-reason })
    .meaning = Without DNS, the MX, autodiscover, SPF and other DNS checks were skipped.
    .fix = Check the network and the DNS server setting; off campus a VPN may be needed.
doctor-dns-no-domain = { $domain } does not exist according to DNS server { $server }
    .meaning = The address is misspelt, or this DNS server does not see the domain (split DNS on and off campus).
    .fix = Check the domain of the address; if only the campus DNS knows it, give that server with --dns-server.
doctor-dns-lookup-failed = could not look up { $what } of { $name } ({ doctor-reason })
    .meaning = This item was not checked.
    .fix = Run again later, or try another DNS server (--dns-server).
doctor-mx-missing = { $domain } has no MX record
    .meaning = Mail to this domain cannot be delivered reliably (senders fall back to the A record).
    .fix = Publish an MX record (for Exchange Online: <tenant>.mail.protection.outlook.com).
doctor-mx-mixed = MX mixes Exchange Online and another server: { $listed }
    .meaning = Delivery depends on the sender. A sender on Exchange Online delivers straight to the low-priority Exchange Online MX, so mail for mailboxes that exist only on the old server is lost (this happened in a real migration).
    .fix = Switch MX to Exchange Online only at cut-over; until then publish only the old server's MX.
doctor-mx-not-switched = the cut-over date has passed but MX still points at the old server: { $listed }
    .meaning = New mail keeps arriving at the old server, not at the new one.
    .fix = Switch MX to Exchange Online (<tenant>.mail.protection.outlook.com).
doctor-mx-exchange-online = MX points at Exchange Online: { $listed }
doctor-mx-found = MX: { $listed }
doctor-autodiscover-cname-missing = { $name } has no CNAME
    .meaning = Outlook cannot configure an Exchange Online account by itself (in a real migration Outlook only worked once this CNAME existed).
    .fix = Publish the CNAME autodiscover -> autodiscover.outlook.com; it can go in before the MX switch.
doctor-autodiscover-cname-wrong = { $name } is a CNAME for { $target }, not { $expected }
    .meaning = Outlook and phones do not find Exchange Online's settings: set-up fails or picks up old settings.
    .fix = Point the autodiscover CNAME at autodiscover.outlook.com.
doctor-autodiscover-cname-ok = { $name } → { $target }
doctor-autodiscover-cname = { $name } → { $target }
doctor-srv-old-host = { $name } points at the old server { $hosts }: { $listed }
    .meaning = Mail programs that use this SRV record (RFC 6186, Outlook's autodiscover) set the new account up on the old server.
    .fix = Point the SRV record at the new server, or remove it.
doctor-srv-unknown-host = { $name } points at a server the profile does not know: { $listed }
    .meaning = Mail programs that use it connect to a server other than the one users are told about.
    .fix = Check the SRV target and point it at the new server.
doctor-srv-ok = { $name }: { $listed }
doctor-spf-missing = { $domain } has no SPF record
    .meaning = Receivers cannot check that mail from this domain is genuine and may file it as spam.
    .fix = Publish TXT "v=spf1 include:spf.protection.outlook.com -all" (plus the old server's IP while it still sends).
doctor-spf-multiple = { $count } SPF records
    .meaning = With more than one SPF record receivers report a permanent error and neither applies (a common slip when the new SPF is added during migration).
    .fix = Merge them into one TXT record, e.g. "v=spf1 ip4:<old server> include:spf.protection.outlook.com -all".
doctor-spf-no-exchange-online = SPF lacks include:{ $include }: { $record }
    .meaning = Mail sent from Exchange Online fails SPF and bounces or lands in spam.
    .fix = Add include:spf.protection.outlook.com to the (single) SPF record.
doctor-spf-too-many-lookups = SPF needs { $count } DNS look-ups (the limit is 10)
    .meaning = Receivers treat the SPF record as a permanent error, so SPF does not protect the domain.
    .fix = Remove includes or write addresses (ip4:/ip6:) instead.
doctor-spf-include-missing = SPF includes { $domains } which has no SPF record
    .meaning = Receivers get an SPF error.
    .fix = Check the spelling of the include, or remove it.
doctor-spf-ok = SPF ({ $count ->
        [one] { $count } look-up
       *[other] { $count } look-ups
    }): { $record }
doctor-dmarc-missing = no DMARC record at { $name }
    .meaning = No policy against spoofing is published; large receivers are more likely to treat the mail as spam.
    .fix = Publish "v=DMARC1; p=none; rua=mailto:<reports>" first, then tighten to p=quarantine.
doctor-dmarc-multiple = { $count } DMARC records
    .meaning = With more than one record receivers ignore DMARC.
    .fix = Keep exactly one.
doctor-dmarc-ok = DMARC: { $record }
doctor-dkim-missing = DKIM CNAME missing: { $names }
    .meaning = Exchange Online cannot sign with this domain, so DMARC passes less often.
    .fix = Publish the selector1/selector2 CNAMEs shown in the Microsoft Defender portal's DKIM page and enable signing.
doctor-dkim-ok = DKIM: { $records }
doctor-autoconfig-old-server = { $what } still points at the old server { $hosts }
    .meaning = Accounts set up from it connect to the old server.
    .fix = Update the served document to the new server (`ikou settings --format autoconfig` writes one).
doctor-autodiscover-old-server = { $what } still points at the old server { $hosts }
    .meaning = Accounts set up from it connect to the old server.
    .fix = Update the served document to the new server (`ikou settings --format autoconfig` writes one).
doctor-autoconfig-invalid = the answer cannot be read ({ $detail })
    .meaning = Mail programs ignore it and automatic set-up fails.
    .fix = Check what the server returns and fix the format.
doctor-autodiscover-invalid = the answer cannot be read ({ $detail })
    .meaning = Mail programs ignore it and automatic set-up fails.
    .fix = Check what the server returns and fix the format.
doctor-autoconfig-plaintext = autoconfig offers unencrypted connections: { $servers }
    .meaning = Passwords would travel unencrypted.
    .fix = Set socketType to SSL or STARTTLS.
doctor-autoconfig-no-oauth2 = autoconfig does not offer OAuth2
    .meaning = Exchange Online refuses basic authentication, so password sign-in fails.
    .fix = Add <authentication>OAuth2</authentication>.
doctor-autoconfig-ok = autoconfig: { $servers }
doctor-autoconfig-missing = no Thunderbird autoconfig is published: { $list }
    .meaning = { $exchange_online ->
        [yes] Thunderbird finds Exchange Online through its own database and autodiscover.
       *[no] Thunderbird has to guess the servers and may pick the old or a wrong one.
    }
    .fix = Serve the output of `ikou settings --format autoconfig` at https://autoconfig.<domain>/mail/config-v1.1.xml.
doctor-autodiscover-error = autodiscover answered with an error: { $error }
    .meaning = Outlook gets no settings from it.
    .fix = Check the autodiscover server's configuration.
doctor-autodiscover-unreachable = autodiscover cannot be reached ({ doctor-reason })
    .meaning = Outlook and phones fail to set themselves up; users must type the settings.
    .fix = Check the autodiscover CNAME (autodiscover.outlook.com for Exchange Online) and firewalls.
doctor-autodiscover-ok = { $what }: { $servers }
doctor-autodiscover-auth-required = autodiscover answers (HTTP { $code }: sign-in required)
doctor-tls-unreachable = cannot connect to the { doctor-role } { $server } ({ doctor-reason })
    .meaning = Mail programs cannot reach this server either.
    .fix = Check host name and port; off campus a VPN may be needed, or a firewall blocks the port.
doctor-tls-no-starttls = the { doctor-role } { $server } does not offer STARTTLS
    .meaning = The password would travel unencrypted, or the client cannot connect.
    .fix = Check the port and the encryption setting (SSL/TLS or STARTTLS).
doctor-tls-expired = the { doctor-role } { $server } certificate has expired ({ $until })
    .meaning = Mail programs warn or refuse to connect.
    .fix = Ask the server's administrators to renew the certificate; do not click through the warning.
doctor-tls-not-yet-valid = the { doctor-role } { $server } certificate is not valid yet
    .meaning = Mail programs refuse to connect.
    .fix = Check the clocks of the server and of this computer.
doctor-tls-wrong-host = the { doctor-role } { $server } certificate is not for { $host } (it names: { $names })
    .meaning = Mail programs warn about a possible impostor; the configured host name may be wrong.
    .fix = Use the host name the certificate names, or ask the administrators for a matching certificate.
doctor-tls-untrusted = the { doctor-role } { $server } certificate is not trusted ({ $detail })
    .meaning = It is self-signed or from a private CA; mail programs show a warning.
    .fix = Give the IT centre's CA with --ca-file (ca_file in the profile), or ask for a publicly trusted certificate.
doctor-tls-expiring = the { doctor-role } { $server } certificate expires in { $days ->
        [one] { $days } day
       *[other] { $days } days
    } ({ $until })
    .meaning = Once it expires mail programs cannot connect.
    .fix = Ask the administrators to renew it soon.
doctor-tls-ok = { doctor-role } { $server }: certificate valid until { $until }
doctor-login-ok = signed in to the { doctor-role } ({ $service } { $user })
doctor-login-rejected = the { doctor-role } rejected the sign-in ({ $detail })
    .meaning = The user name, password or token is wrong, or this protocol is disabled for the mailbox.
    .fix = Check the user-name form (whole address or the part before @) and the password; Exchange Online needs OAuth2 and IMAP/POP enabled for the mailbox.
doctor-login-failed = could not try signing in to the { doctor-role } ({ $detail })
    .meaning = A connection or certificate problem stopped the attempt before the sign-in.
    .fix = Fix the TLS findings above first.
doctor-client-not-found = no Thunderbird profile found; mail-client checks skipped
doctor-client-unreadable = cannot read the Thunderbird settings ({ $detail })
    .meaning = The mail client was not checked.
    .fix = Give the profile folder or prefs.js with --thunderbird-profile.
doctor-tb-sends-via-old = account { $account } sends { $email } through the old server { $server }
    .meaning = Mail sent after the centre copied the mailbox goes out through the old server, and its Sent copy is not migrated.
    .fix = In Account Settings > Outgoing Server (SMTP), give this account the new server.
doctor-tb-sent-on-old = account { $account } files sent mail on the old server ({ $folder })
    .meaning = Sent mail filed there after the centre's copy is not migrated.
    .fix = In Copies & Folders, file sent copies in the new account's Sent folder.
doctor-tb-pop-leave-on-server = POP account { $account } leaves messages on the server
    .meaning = The copies the centre migrated are downloaded again: every message twice.
    .fix = Turn off "leave messages on server" before the migration, or move the Inbox mail to another folder.
doctor-tb-new-no-oauth2 = new-server account { $account } does not use OAuth2
    .meaning = Exchange Online refuses password-only sign-in, so no mail arrives.
    .fix = Set the authentication method in Server Settings to OAuth2.
doctor-tb-same-name = the old and the new account are both named "{ $name }"
    .meaning = Users cannot tell which is the old server and end up replying or filing there.
    .fix = Rename the old account (Account Name), e.g. "OLD …".
doctor-tb-no-new-account = Thunderbird has no account on the new server
    .meaning = New mail after the cut-over will not arrive.
    .fix = Add the new account with the values from `ikou settings --client thunderbird`.
doctor-tb-ok = Thunderbird: { $count ->
        [one] { $count } account, nothing to fix
       *[other] { $count } accounts, nothing to fix
    }
