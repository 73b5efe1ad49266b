### profile — English. Ids start with "profile-"; the same ids live in ../ja/profile.ftl.

profile-check-fix = fix: { $fix }
profile-unreadable = cannot read profile { $file }: { $reason }
profile-syntax-place = line { $line }, column { $column } (`{ $snippet }`)
profile-syntax-file = file
profile-syntax = the TOML is not valid here: { $detail }
profile-fix-security-value = write security = "tls" (port 993/995), "starttls" (143/110/587) or "plain"
profile-fix-auth-value = write auth = "login", "plain" or "xoauth2"
profile-fix-unknown-key = remove or correct the key; see assets/profiles/exchange-online.toml for every key
profile-fix-missing-key = add the missing key; see assets/profiles/exchange-online.toml
profile-fix-value-type = check the value's type: numbers without quotes, text in "quotes", true/false
profile-fix-syntax = fix the TOML syntax at this place (quotes, brackets, `key = value`)
profile-more-than-zero = must be more than 0
profile-fix-max-message-mb = write the migration's per-message limit, e.g. max_message_mb = 32
profile-not-an-address = `{ $value }` is not a mail address
profile-fix-address = write the full address, e.g. address = "taro@example-univ.ac.jp"
profile-not-a-date = `{ $value }` is not a plain date
profile-fix-date = write a date without quotes, e.g. { $key } = 2026-12-15
profile-date-order = { $later } comes before { $earlier }
profile-fix-date-order = dates must be in order: copy_start, cutover, old_shutdown
profile-not-a-host = `{ $value }` is not a host name
profile-fix-host = write the server's name, e.g. host = "outlook.office365.com"
profile-no-protocol = neither imap nor pop3 is configured
profile-fix-no-protocol = add imap = {"{"} port = 993, security = "tls" {"}"}
profile-port-zero = port 0 is not a port
profile-fix-port = write port = { $tls } (SSL/TLS) or { $starttls } (STARTTLS)
profile-plaintext = "plain" would send the password unencrypted
profile-fix-plaintext = write security = "tls" (port { $tls }) or "starttls" (port { $starttls }); only if the server has no TLS at all, also write allow_plaintext = true
profile-empty = empty
profile-fix-username = write username = "{"{"}address{"}"}" (full address) or "{"{"}local{"}"}" (the part before @)
profile-unknown-placeholder = unknown placeholder in `{ $value }`
profile-fix-placeholder = use {"{"}address{"}"}, {"{"}local{"}"} or {"{"}domain{"}"}
profile-no-such-file = { $path } does not exist
profile-fix-ca-file = give the path of the IT centre's CA certificate (PEM), relative to this profile
profile-not-a-pin = not a SHA-256 fingerprint (64 hex digits)
profile-fix-pin = write the certificate's SHA-256, e.g. from `openssl x509 -noout -fingerprint -sha256`
profile-oauth-without-xoauth2 = the [oauth] table is used only with auth = "xoauth2"
profile-fix-oauth-without-xoauth2 = write auth = "xoauth2" for Microsoft 365, or remove the [oauth] table
profile-two-password-sources = both password_env and password_command are given
profile-fix-keep-one = keep one of them
