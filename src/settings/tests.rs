use super::*;
use crate::i18n::Lang;

const ADDRESS: &str = "taro@example-univ.ac.jp";

fn profile(new_extra: &str) -> Profile {
    let text = format!(
        r#"[organisation]
name = "Example University"
domain = "example-univ.ac.jp"
[old]
host = "mail.example-univ.ac.jp"
imap = {{ port = 993, security = "tls" }}
[new]
host = "mail2.example-univ.ac.jp"
username = "{{local}}"
imap = {{ port = 993, security = "tls" }}
pop3 = {{ port = 995, security = "tls" }}
smtp = {{ port = 587, security = "starttls" }}
{new_extra}
"#
    );
    Profile::parse(&text, std::path::Path::new("p.toml")).expect("profile parses")
}

fn rows(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn exchange_online_defaults_match_the_briefing_table() {
    let s = build(None, Some(ADDRESS), None, None);
    let expect = [
        (
            ClientProtocol::Imap,
            "outlook.office365.com",
            Some(993),
            Security::Tls,
        ),
        (
            ClientProtocol::Pop,
            "outlook.office365.com",
            Some(995),
            Security::Tls,
        ),
        (
            ClientProtocol::Smtp,
            "smtp.office365.com",
            Some(587),
            Security::Starttls,
        ),
        (
            ClientProtocol::Exchange,
            "outlook.office365.com",
            None,
            Security::Tls,
        ),
    ];
    assert_eq!(s.servers.len(), expect.len());
    for (server, (protocol, host, port, security)) in s.servers.iter().zip(expect) {
        assert_eq!(
            (
                server.protocol,
                server.host.as_str(),
                server.port,
                server.security
            ),
            (protocol, host, port, security)
        );
        assert_eq!(server.auth, Auth::Oauth2);
        assert_eq!(server.username.as_deref(), Some(ADDRESS));
    }
    assert!(s.exchange_online);
    assert_eq!(s.source, SettingsSource::ExchangeOnlineDefaults);
    assert_eq!(s.domain, "example-univ.ac.jp");
}

#[test]
fn text_tables_in_both_languages() {
    let s = build(None, Some(ADDRESS), Some(ClientProtocol::Imap), None);
    let en = rows(&render_text(&s, Lang::En));
    for line in [
        "Incoming server outlook.office365.com",
        "Port 993",
        "Encryption SSL/TLS",
        "Outgoing server smtp.office365.com",
        "Port 587",
        "Encryption STARTTLS",
        "User name taro@example-univ.ac.jp",
        "Authentication OAuth2 (modern authentication)",
    ] {
        assert!(en.iter().any(|l| l == line), "missing {line:?} in {en:#?}");
    }
    let ja = rows(&render_text(&s, Lang::Ja));
    for line in [
        "受信サーバのホスト名 outlook.office365.com",
        "受信サーバのポート番号 993",
        "受信接続の保護（暗号化） SSL/TLS",
        "送信サーバのホスト名 smtp.office365.com",
        "送信サーバのポート番号 587",
        "送信接続の保護（暗号化） STARTTLS",
        "認証するための ID taro@example-univ.ac.jp",
        "認証方式 OAuth2（先進認証）",
    ] {
        assert!(ja.iter().any(|l| l == line), "missing {line:?} in {ja:#?}");
    }
    assert!(
        !en.iter().any(|l| l.contains("995")),
        "POP is not asked for"
    );
}

#[test]
fn pop_table_in_japanese_aligns_by_display_width() {
    use unicode_width::UnicodeWidthStr;
    let s = build(None, None, Some(ClientProtocol::Pop), None);
    let text = render_text(&s, Lang::Ja);
    assert!(
        rows(&text)
            .iter()
            .any(|l| l == "受信サーバのポート番号 995")
    );
    // In each table the value column starts at the same display column on every row.
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("項目"))
        .take(7)
        .collect();
    let columns: Vec<usize> = table
        .iter()
        .filter(|l| !l.starts_with('-'))
        .map(|l| {
            let value = l.rfind("  ").map(|i| i + 2).unwrap_or(0);
            l[..value].width()
        })
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{table:#?}");
    assert!(
        text.contains("メールアドレス（UPN）"),
        "no address: a placeholder"
    );
}

#[test]
fn profile_values_and_smtp_host() {
    let p = profile("smtp_host = \"smtp2.example-univ.ac.jp\"\nauth = \"login\"");
    let s = build(Some(&p), Some(ADDRESS), None, None);
    let smtp = s.server(ClientProtocol::Smtp).expect("smtp");
    assert_eq!(smtp.host, "smtp2.example-univ.ac.jp");
    assert_eq!(smtp.username.as_deref(), Some("taro"));
    assert_eq!(smtp.auth, Auth::Password);
    assert!(!s.exchange_online);
    assert!(
        s.server(ClientProtocol::Exchange).is_none(),
        "no Exchange for a non-Microsoft server"
    );
    assert_eq!(s.organisation, "Example University");
    // Without smtp_host the same host is used, except for Exchange Online's IMAP host.
    let p = profile("");
    assert_eq!(smtp_host(&p.new), "mail2.example-univ.ac.jp");
    let mut exo = p.new.clone();
    exo.host = "outlook.office365.com".into();
    assert_eq!(smtp_host(&exo), "smtp.office365.com");
}

#[test]
fn caveats_follow_protocol_and_client() {
    let cases: &[(Option<ClientProtocol>, Option<Client>, &[&str])] = &[
        (
            None,
            None,
            &[
                "oauth2",
                "exchange-autoconfig",
                "pop-leave-on-server",
                "sent-on-old-server",
                "two-accounts",
            ],
        ),
        (
            Some(ClientProtocol::Imap),
            None,
            &["oauth2", "sent-on-old-server", "two-accounts"],
        ),
        (
            Some(ClientProtocol::Pop),
            Some(Client::Thunderbird),
            &[
                "oauth2",
                "pop-leave-on-server",
                "sent-on-old-server",
                "two-accounts",
                "client-thunderbird",
            ],
        ),
        (
            Some(ClientProtocol::Exchange),
            Some(Client::Ios),
            &["exchange-autoconfig", "sent-on-old-server", "client-ios"],
        ),
        (
            Some(ClientProtocol::Smtp),
            Some(Client::Android),
            &["oauth2", "sent-on-old-server", "client-android"],
        ),
    ];
    for (protocol, client, ids) in cases {
        let s = build(None, None, *protocol, *client);
        let got: Vec<&str> = s.caveats.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(&got, ids, "{protocol:?} {client:?}");
        for caveat in &s.caveats {
            assert!(crate::i18n::has(&caveat.message), "{caveat:?}");
            assert_ne!(
                caveat.text(crate::i18n::Lang::Ja),
                caveat.text(crate::i18n::Lang::En),
                "{caveat:?}"
            );
        }
    }
}

#[test]
fn every_caveat_has_its_words_in_both_languages() {
    let own = profile("");
    let mut seen = std::collections::BTreeSet::new();
    for profile in [None, Some(&own)] {
        for client in [
            None,
            Some(Client::Thunderbird),
            Some(Client::Outlook),
            Some(Client::Apple),
            Some(Client::Ios),
            Some(Client::Android),
        ] {
            for caveat in build(profile, None, None, client).caveats {
                assert!(crate::i18n::has(&caveat.message), "{caveat:?}");
                let json = serde_json::to_value(&caveat).expect("json");
                assert_eq!(json["ja"], caveat.text(crate::i18n::Lang::Ja));
                assert_eq!(json["en"], caveat.text(crate::i18n::Lang::En));
                seen.insert(caveat.message);
            }
        }
    }
    // Every message of caveats.rs is reached (Outlook on and off Exchange Online).
    let source = include_str!("caveats.rs");
    assert_eq!(
        source.matches("\"settings-caveat-").count(),
        seen.len(),
        "{seen:?}"
    );
}

#[test]
fn autoconfig_round_trips_every_field() {
    let s = build(None, None, None, None);
    let mut s = s;
    s.domain = "example-univ.ac.jp".into();
    s.organisation = "Example <University> & Co".into();
    let xml = render_autoconfig(&s);
    let doc = parse_autoconfig(&xml).expect("valid autoconfig");
    assert_eq!(doc.provider_id, "example-univ.ac.jp");
    assert_eq!(doc.domains, vec!["example-univ.ac.jp"]);
    assert_eq!(doc.display_name, "Example <University> & Co");
    type Row<'a> = (&'a str, &'a str, u16, &'a str, &'a str, Vec<String>);
    let got: Vec<Row> = doc
        .incoming
        .iter()
        .chain(&doc.outgoing)
        .map(|x| {
            (
                x.kind.as_str(),
                x.hostname.as_str(),
                x.port,
                x.socket_type.as_str(),
                x.username.as_str(),
                x.authentication.clone(),
            )
        })
        .collect();
    let oauth = vec!["OAuth2".to_string()];
    assert_eq!(
        got,
        vec![
            (
                "imap",
                "outlook.office365.com",
                993,
                "SSL",
                "%EMAILADDRESS%",
                oauth.clone()
            ),
            (
                "pop3",
                "outlook.office365.com",
                995,
                "SSL",
                "%EMAILADDRESS%",
                oauth.clone()
            ),
            (
                "smtp",
                "smtp.office365.com",
                587,
                "STARTTLS",
                "%EMAILADDRESS%",
                oauth
            ),
        ]
    );
    // A profile with {local} and a password uses Thunderbird's other placeholder.
    let p = profile("auth = \"plain\"");
    let doc = parse_autoconfig(&render_autoconfig(&build(
        Some(&p),
        None,
        Some(ClientProtocol::Pop),
        None,
    )))
    .expect("valid");
    assert_eq!(doc.incoming.len(), 1);
    assert_eq!(doc.incoming[0].kind, "pop3");
    assert_eq!(doc.incoming[0].username, "%EMAILLOCALPART%");
    assert_eq!(doc.incoming[0].authentication, vec!["password-cleartext"]);
}

#[test]
fn autoconfig_parser_names_the_bad_field() {
    let bad = [
        ("<x/>", "root element"),
        ("<clientConfig version=\"1.1\"/>", "no <emailProvider>"),
        (
            "<clientConfig><emailProvider id=\"a\"><incomingServer type=\"imap\"><hostname>h</hostname><port>99999</port><socketType>SSL</socketType><authentication>OAuth2</authentication></incomingServer></emailProvider></clientConfig>",
            "bad <port>",
        ),
        (
            "<clientConfig><emailProvider id=\"a\"><incomingServer type=\"imap\"><hostname>h</hostname><port>993</port><socketType>TLS</socketType><authentication>OAuth2</authentication></incomingServer></emailProvider></clientConfig>",
            "<socketType> TLS",
        ),
        (
            "<clientConfig><emailProvider id=\"a\"><incomingServer type=\"ews\"/></emailProvider></clientConfig>",
            "type \"ews\"",
        ),
        ("<clientConfig", "well-formed"),
    ];
    for (xml, expect) in bad {
        let err = parse_autoconfig(xml).expect_err(xml).to_string();
        assert!(err.contains(expect), "{xml}: {err}");
    }
}

fn dict<'a>(v: &'a plist::Value, key: &str) -> &'a plist::Value {
    v.as_dictionary()
        .and_then(|d| d.get(key))
        .unwrap_or_else(|| panic!("no {key}"))
}

#[test]
fn mobileconfig_is_a_valid_plist() {
    let s = build(None, Some(ADDRESS), None, None);
    let text = render_mobileconfig(&s).expect("plist");
    let v = plist::Value::from_reader_xml(text.as_bytes()).expect("parses back");
    assert_eq!(dict(&v, "PayloadType").as_string(), Some("Configuration"));
    assert_eq!(dict(&v, "PayloadVersion").as_signed_integer(), Some(1));
    let content = dict(&v, "PayloadContent").as_array().expect("array");
    assert_eq!(content.len(), 1);
    let eas = &content[0];
    assert_eq!(
        dict(eas, "PayloadType").as_string(),
        Some("com.apple.eas.account")
    );
    assert_eq!(dict(eas, "Host").as_string(), Some("outlook.office365.com"));
    assert_eq!(dict(eas, "OAuth").as_boolean(), Some(true));
    assert_eq!(dict(eas, "EmailAddress").as_string(), Some(ADDRESS));
    let uuid = dict(eas, "PayloadUUID").as_string().expect("uuid");
    assert_eq!(uuid.len(), 36);
    assert_eq!(
        render_mobileconfig(&s).expect("again"),
        text,
        "deterministic"
    );

    let s = build(None, Some(ADDRESS), Some(ClientProtocol::Imap), None);
    let v = plist::Value::from_reader_xml(render_mobileconfig(&s).expect("plist").as_bytes())
        .expect("parses");
    let mail = &dict(&v, "PayloadContent").as_array().expect("array")[0];
    let expect_str = [
        ("PayloadType", "com.apple.mail.managed"),
        ("EmailAccountType", "EmailTypeIMAP"),
        ("IncomingMailServerHostName", "outlook.office365.com"),
        ("OutgoingMailServerHostName", "smtp.office365.com"),
        ("IncomingMailServerUsername", ADDRESS),
        ("EmailAddress", ADDRESS),
    ];
    for (key, value) in expect_str {
        assert_eq!(dict(mail, key).as_string(), Some(value), "{key}");
    }
    assert_eq!(
        dict(mail, "IncomingMailServerPortNumber").as_unsigned_integer(),
        Some(993)
    );
    assert_eq!(
        dict(mail, "OutgoingMailServerPortNumber").as_unsigned_integer(),
        Some(587)
    );
    assert_eq!(
        dict(mail, "IncomingMailServerUseSSL").as_boolean(),
        Some(true)
    );
}
