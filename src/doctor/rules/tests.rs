//! Table-driven tests: one good set-up, then one change per case, and the exact set of
//! (id, severity, subject) findings expected.

use std::collections::BTreeMap;

use super::findings;
use crate::doctor::facts::*;
use crate::doctor::finding::Severity::{self, Error, Ok as Good, Warning};
use crate::i18n::Lang;
use crate::model::Security;
use crate::settings::{AutoconfigDoc, AutoconfigServer};

const D: &str = "example-univ.test";

fn expect() -> Expect {
    Expect {
        domain: D.into(),
        address: Some(format!("taro@{D}")),
        new_exchange_online: true,
        new_hosts: vec!["outlook.office365.com".into(), "smtp.office365.com".into()],
        old_hosts: vec!["mail.example-univ.test".into()],
        cutover_passed: None,
    }
}

fn srv(target: &str, port: u16) -> Lookup<Vec<Srv>> {
    Lookup::Found(vec![Srv {
        priority: 0,
        weight: 1,
        port,
        target: target.into(),
    }])
}

fn good_dns() -> DnsFacts {
    let mut srv_map = BTreeMap::new();
    for name in SRV_NAMES {
        srv_map.insert(name.to_string(), Lookup::None);
    }
    srv_map.insert(
        "_autodiscover._tcp".into(),
        srv("autodiscover.outlook.com", 443),
    );
    let mut inc = BTreeMap::new();
    inc.insert(
        "spf.protection.outlook.com".into(),
        Lookup::Found(vec!["v=spf1 ip4:40.92.0.0/15 -all".into()]),
    );
    let mut dkim = BTreeMap::new();
    for s in DKIM_SELECTORS {
        dkim.insert(
            s.to_string(),
            Lookup::Found(format!(
                "{s}-example-univ-test._domainkey.exampleuniv.onmicrosoft.com"
            )),
        );
    }
    DnsFacts {
        server: "127.0.0.1:32053".into(),
        domain_exists: true,
        mx: Lookup::Found(vec![Mx {
            preference: 0,
            exchange: "example-univ-test.mail.protection.outlook.com".into(),
        }]),
        autodiscover_cname: Lookup::Found("autodiscover.outlook.com".into()),
        srv: srv_map,
        txt: Lookup::Found(vec![
            "v=spf1 include:spf.protection.outlook.com -all".into(),
            "ms=ms123".into(),
        ]),
        spf_includes: inc,
        dmarc: Lookup::Found(vec!["v=DMARC1; p=quarantine".into()]),
        dkim,
    }
}

type Row = (String, Severity, String);
type Want = Vec<(&'static str, Severity, &'static str)>;

fn got(facts: &Facts) -> Vec<Row> {
    let mut v: Vec<Row> = findings(facts)
        .into_iter()
        .map(|f| {
            // The code gives exactly the variables the catalog message uses.
            let wanted = crate::i18n::tests::variables(f.id.message_id())
                .unwrap_or_else(|| panic!("no message for {}", f.id));
            let given: std::collections::BTreeSet<String> = f.args.keys().cloned().collect();
            assert_eq!(given, wanted, "{}: variables", f.id);
            let (ja, en) = (f.text(Lang::Ja), f.text(Lang::En));
            assert!(!ja.summary.is_empty() && !en.summary.is_empty(), "{f:?}");
            for text in [
                &ja.summary,
                &ja.meaning,
                &ja.fix,
                &en.summary,
                &en.meaning,
                &en.fix,
            ] {
                assert!(
                    !text.contains('{') && !text.contains("doctor-"),
                    "{f:?}: {text}"
                );
            }
            if f.severity != Good {
                assert!(
                    !en.fix.is_empty() && !ja.fix.is_empty() && !en.meaning.is_empty(),
                    "{f:?}"
                );
            } else {
                assert!(ja.fix.is_empty() && en.fix.is_empty(), "{f:?}");
            }
            (f.id.as_str().to_string(), f.severity, f.subject)
        })
        .collect();
    v.sort();
    v
}

fn rows(list: &[(&str, Severity, &str)]) -> Vec<Row> {
    let mut v: Vec<Row> = list
        .iter()
        .map(|(i, s, sub)| (i.to_string(), *s, sub.to_string()))
        .collect();
    v.sort();
    v
}

fn good_rows() -> Vec<(&'static str, Severity, &'static str)> {
    vec![
        ("mx-exchange-online", Good, "example-univ.test MX"),
        (
            "autodiscover-cname-ok",
            Good,
            "autodiscover.example-univ.test",
        ),
        ("srv-ok", Good, "_autodiscover._tcp.example-univ.test"),
        ("spf-ok", Good, "example-univ.test TXT (SPF)"),
        ("dmarc-ok", Good, "_dmarc.example-univ.test"),
        ("dkim-ok", Good, "_domainkey.example-univ.test"),
    ]
}

/// Replaces the rows whose id is in `drop` and adds `add`.
fn changed(drop: &[&str], add: &[(&'static str, Severity, &'static str)]) -> Vec<Row> {
    let mut list: Vec<_> = good_rows()
        .into_iter()
        .filter(|(id, _, _)| !drop.contains(id))
        .collect();
    list.extend_from_slice(add);
    rows(&list)
}

#[test]
fn dns_rules() {
    fn mx(list: &[(u16, &str)]) -> Lookup<Vec<Mx>> {
        Lookup::Found(
            list.iter()
                .map(|(p, e)| Mx {
                    preference: *p,
                    exchange: e.to_string(),
                })
                .collect(),
        )
    }
    type Case = (
        &'static str,
        Box<dyn Fn(&mut DnsFacts, &mut Expect)>,
        Vec<Row>,
    );
    let cases: Vec<Case> = vec![
        ("good", Box::new(|_, _| {}), changed(&[], &[])),
        (
            "mixed MX (the seed's incident)",
            Box::new(move |d, _| {
                d.mx = mx(&[
                    (10, "mail.example-univ.test"),
                    (20, "example-univ-test.mail.protection.outlook.com"),
                ])
            }),
            changed(
                &["mx-exchange-online"],
                &[("mx-mixed", Error, "example-univ.test MX")],
            ),
        ),
        (
            "new .mx.microsoft MX",
            Box::new(move |d, _| d.mx = mx(&[(0, "example-univ-test.z-v1.mx.microsoft.")])),
            changed(&[], &[]),
        ),
        (
            "MX still old before cut-over",
            Box::new(move |d, _| d.mx = mx(&[(10, "mail.example-univ.test")])),
            changed(
                &["mx-exchange-online"],
                &[("mx-found", Good, "example-univ.test MX")],
            ),
        ),
        (
            "MX still old after cut-over",
            Box::new(move |d, e| {
                d.mx = mx(&[(10, "mail.example-univ.test")]);
                e.cutover_passed = Some(true);
            }),
            changed(
                &["mx-exchange-online"],
                &[("mx-not-switched", Error, "example-univ.test MX")],
            ),
        ),
        (
            "no MX",
            Box::new(|d, _| d.mx = Lookup::None),
            changed(
                &["mx-exchange-online"],
                &[("mx-missing", Error, "example-univ.test MX")],
            ),
        ),
        (
            "missing autodiscover",
            Box::new(|d, _| d.autodiscover_cname = Lookup::None),
            changed(
                &["autodiscover-cname-ok"],
                &[(
                    "autodiscover-cname-missing",
                    Error,
                    "autodiscover.example-univ.test",
                )],
            ),
        ),
        (
            "autodiscover to the old server",
            Box::new(|d, _| d.autodiscover_cname = Lookup::Found("mail.example-univ.test".into())),
            changed(
                &["autodiscover-cname-ok"],
                &[(
                    "autodiscover-cname-wrong",
                    Error,
                    "autodiscover.example-univ.test",
                )],
            ),
        ),
        (
            "two SPF records",
            Box::new(|d, _| {
                d.txt = Lookup::Found(vec![
                    "v=spf1 ip4:192.0.2.1 -all".into(),
                    "v=spf1 include:spf.protection.outlook.com -all".into(),
                ])
            }),
            changed(
                &["spf-ok"],
                &[("spf-multiple", Error, "example-univ.test TXT (SPF)")],
            ),
        ),
        (
            "SPF without Exchange Online",
            Box::new(|d, _| d.txt = Lookup::Found(vec!["v=spf1 ip4:192.0.2.1 -all".into()])),
            changed(
                &["spf-ok"],
                &[(
                    "spf-no-exchange-online",
                    Error,
                    "example-univ.test TXT (SPF)",
                )],
            ),
        ),
        (
            "SPF with 11 look-ups",
            Box::new(|d, _| {
                d.txt = Lookup::Found(vec!["v=spf1 a mx a:1.t a:2.t a:3.t a:4.t a:5.t a:6.t a:7.t a:8.t include:spf.protection.outlook.com -all".into()])
            }),
            changed(
                &["spf-ok"],
                &[("spf-too-many-lookups", Error, "example-univ.test TXT (SPF)")],
            ),
        ),
        (
            "no SPF, no DMARC",
            Box::new(|d, _| {
                d.txt = Lookup::Found(vec!["ms=ms123".into()]);
                d.dmarc = Lookup::None;
            }),
            changed(
                &["spf-ok", "dmarc-ok"],
                &[
                    ("spf-missing", Warning, "example-univ.test TXT (SPF)"),
                    ("dmarc-missing", Warning, "_dmarc.example-univ.test"),
                ],
            ),
        ),
        (
            "SRV pointing at the old host",
            Box::new(|d, _| {
                d.srv
                    .insert("_imaps._tcp".into(), srv("mail.example-univ.test", 993));
                d.srv
                    .insert("_submission._tcp".into(), srv("smtp.office365.com", 587));
            }),
            changed(
                &[],
                &[
                    ("srv-old-host", Error, "_imaps._tcp.example-univ.test"),
                    ("srv-ok", Good, "_submission._tcp.example-univ.test"),
                ],
            ),
        ),
        (
            "SRV to an unknown host",
            Box::new(|d, _| {
                d.srv
                    .insert("_pop3s._tcp".into(), srv("pop.elsewhere.test", 995));
            }),
            changed(
                &[],
                &[("srv-unknown-host", Warning, "_pop3s._tcp.example-univ.test")],
            ),
        ),
        (
            "DKIM missing",
            Box::new(|d, _| {
                d.dkim.insert("selector2".into(), Lookup::None);
            }),
            changed(
                &["dkim-ok"],
                &[("dkim-missing", Warning, "_domainkey.example-univ.test")],
            ),
        ),
        (
            "autodiscover CNAME elsewhere, new server not Exchange Online",
            Box::new(|d, e| {
                e.new_exchange_online = false;
                d.autodiscover_cname = Lookup::Found("autodiscover.example-univ.test.".into());
                d.dkim.clear();
            }),
            changed(
                &["autodiscover-cname-ok", "dkim-ok"],
                &[("autodiscover-cname", Good, "autodiscover.example-univ.test")],
            ),
        ),
        (
            "SPF include without a record, two DMARC records",
            Box::new(|d, _| {
                d.txt = Lookup::Found(vec![
                    "v=spf1 include:spf.protection.outlook.com include:gone.test -all".into(),
                ]);
                d.spf_includes.insert("gone.test".into(), Lookup::None);
                d.dmarc =
                    Lookup::Found(vec!["v=DMARC1; p=none".into(), "v=DMARC1; p=reject".into()]);
            }),
            changed(
                &["spf-ok", "dmarc-ok"],
                &[
                    (
                        "spf-include-missing",
                        Warning,
                        "example-univ.test TXT (SPF)",
                    ),
                    ("dmarc-multiple", Error, "_dmarc.example-univ.test"),
                ],
            ),
        ),
        (
            "one lookup fails",
            Box::new(|d, _| d.dmarc = Lookup::Timeout),
            changed(
                &["dmarc-ok"],
                &[("dns-lookup-failed", Warning, "_dmarc.example-univ.test TXT")],
            ),
        ),
        (
            "silent DNS server",
            Box::new(|d, _| {
                d.mx = Lookup::Timeout;
                d.txt = Lookup::Timeout;
                d.autodiscover_cname = Lookup::Timeout;
            }),
            rows(&[("dns-no-answer", Error, "127.0.0.1:32053")]),
        ),
        (
            "the domain does not exist",
            Box::new(|d, _| {
                d.domain_exists = false;
                d.mx = Lookup::None;
                d.txt = Lookup::None;
                d.autodiscover_cname = Lookup::None;
            }),
            rows(&[("dns-no-domain", Error, "example-univ.test")]),
        ),
        (
            "not Exchange Online: no autodiscover or DKIM needed",
            Box::new(|d, e| {
                e.new_exchange_online = false;
                d.mx = mx(&[(10, "mail2.example-univ.test")]);
                d.autodiscover_cname = Lookup::None;
                d.dkim.clear();
                d.txt = Lookup::Found(vec!["v=spf1 mx -all".into()]);
            }),
            changed(
                &["mx-exchange-online", "autodiscover-cname-ok", "dkim-ok"],
                &[("mx-found", Good, "example-univ.test MX")],
            ),
        ),
    ];
    for (name, change, want) in cases {
        let mut dns = good_dns();
        let mut e = expect();
        change(&mut dns, &mut e);
        let facts = Facts {
            expect: e,
            dns: Some(dns),
            ..Facts::default()
        };
        assert_eq!(got(&facts), want, "case: {name}");
    }
}

fn autoconfig(host: &str, smtp: &str) -> HttpOutcome {
    let server = |kind: &str, host: &str, port, socket: &str| AutoconfigServer {
        kind: kind.into(),
        hostname: host.into(),
        port,
        socket_type: socket.into(),
        username: "%EMAILADDRESS%".into(),
        authentication: vec!["OAuth2".into()],
    };
    HttpOutcome::Document(HttpBody::Autoconfig(AutoconfigDoc {
        provider_id: D.into(),
        domains: vec![D.into()],
        display_name: "x".into(),
        incoming: vec![server("imap", host, 993, "SSL")],
        outgoing: vec![server("smtp", smtp, 587, "STARTTLS")],
    }))
}

fn http(kind: HttpKind, outcome: HttpOutcome) -> HttpFact {
    HttpFact {
        kind,
        url: format!("{kind:?}"),
        outcome,
    }
}

#[test]
fn http_rules() {
    use HttpKind::*;
    let pox = |server: &str| {
        HttpOutcome::Document(HttpBody::Pox(PoxDoc {
            protocols: vec![PoxProtocol {
                kind: "IMAP".into(),
                server: server.into(),
                port: Some(993),
                ssl: Some(true),
                encryption: None,
            }],
            redirect: None,
            error: None,
        }))
    };
    let cases: Vec<(&str, Vec<HttpFact>, bool, Want)> = vec![
        (
            "new documents everywhere",
            vec![
                http(
                    AutoconfigHost,
                    autoconfig("outlook.office365.com", "smtp.office365.com"),
                ),
                http(AutoconfigWellKnown, HttpOutcome::Status(404)),
                http(AutodiscoverPox, pox("outlook.office365.com")),
                http(
                    AutodiscoverJson,
                    HttpOutcome::Document(HttpBody::JsonUrl(
                        "https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml".into(),
                    )),
                ),
            ],
            true,
            vec![
                ("autoconfig-ok", Good, "AutoconfigHost"),
                ("autodiscover-ok", Good, "AutodiscoverPox"),
                ("autodiscover-ok", Good, "AutodiscoverJson"),
            ],
        ),
        (
            "old documents",
            vec![
                http(
                    AutoconfigHost,
                    autoconfig("outlook.office365.com", "mail.example-univ.test"),
                ),
                http(
                    AutoconfigWellKnown,
                    autoconfig("mail.example-univ.test", "mail.example-univ.test"),
                ),
                http(AutodiscoverPox, pox("mail.example-univ.test")),
                http(
                    AutodiscoverJson,
                    HttpOutcome::Document(HttpBody::JsonUrl(
                        "https://mail.example-univ.test:8443/autodiscover/autodiscover.xml".into(),
                    )),
                ),
            ],
            true,
            vec![
                ("autoconfig-old-server", Error, "AutoconfigHost"),
                ("autoconfig-old-server", Error, "AutoconfigWellKnown"),
                ("autodiscover-old-server", Error, "AutodiscoverPox"),
                ("autodiscover-old-server", Error, "AutodiscoverJson"),
            ],
        ),
        (
            "nothing published, Exchange Online",
            vec![
                http(AutoconfigHost, HttpOutcome::Unreachable("DNS".into())),
                http(AutoconfigWellKnown, HttpOutcome::Timeout),
                http(AutodiscoverPox, HttpOutcome::AuthRequired(401)),
                http(AutodiscoverJson, HttpOutcome::Timeout),
            ],
            true,
            vec![
                ("autoconfig-missing", Good, D),
                ("autodiscover-auth-required", Good, "AutodiscoverPox"),
                ("autodiscover-unreachable", Warning, "AutodiscoverJson"),
            ],
        ),
        (
            "nothing published, own server",
            vec![
                http(AutoconfigHost, HttpOutcome::Status(404)),
                http(AutoconfigWellKnown, HttpOutcome::Status(404)),
                http(AutodiscoverPox, HttpOutcome::Status(404)),
                http(AutodiscoverSrv, HttpOutcome::Timeout),
            ],
            false,
            vec![
                ("autoconfig-missing", Warning, D),
                ("autodiscover-unreachable", Warning, "AutodiscoverSrv"),
            ],
        ),
        (
            "broken document",
            vec![
                http(
                    AutoconfigHost,
                    HttpOutcome::Invalid("no <emailProvider>".into()),
                ),
                http(AutoconfigWellKnown, HttpOutcome::Status(404)),
            ],
            true,
            vec![("autoconfig-invalid", Error, "AutoconfigHost")],
        ),
        (
            "plaintext and no OAuth2 in autoconfig; broken and failing autodiscover",
            vec![
                http(AutoconfigHost, {
                    let HttpOutcome::Document(HttpBody::Autoconfig(mut doc)) =
                        autoconfig("outlook.office365.com", "smtp.office365.com")
                    else {
                        unreachable!()
                    };
                    doc.incoming[0].socket_type = "plain".into();
                    HttpOutcome::Document(HttpBody::Autoconfig(doc))
                }),
                http(AutoconfigWellKnown, {
                    let HttpOutcome::Document(HttpBody::Autoconfig(mut doc)) =
                        autoconfig("outlook.office365.com", "smtp.office365.com")
                    else {
                        unreachable!()
                    };
                    doc.outgoing[0].authentication = vec!["password-cleartext".into()];
                    HttpOutcome::Document(HttpBody::Autoconfig(doc))
                }),
                http(AutodiscoverPox, HttpOutcome::Invalid("not XML".into())),
                http(
                    AutodiscoverJson,
                    HttpOutcome::Document(HttpBody::Pox(PoxDoc {
                        protocols: vec![],
                        redirect: None,
                        error: Some("600 Invalid Request".into()),
                    })),
                ),
            ],
            true,
            vec![
                ("autoconfig-plaintext", Warning, "AutoconfigHost"),
                ("autoconfig-no-oauth2", Warning, "AutoconfigWellKnown"),
                ("autodiscover-invalid", Error, "AutodiscoverPox"),
                ("autodiscover-error", Warning, "AutodiscoverJson"),
            ],
        ),
    ];
    for (name, facts_http, exo, want) in cases {
        let mut e = expect();
        e.new_exchange_online = exo;
        let facts = Facts {
            expect: e,
            http: facts_http,
            ..Facts::default()
        };
        assert_eq!(got(&facts), rows(&want), "case: {name}");
    }
}

/// The places asked for autoconfig are listed with their reasons in the reader's language:
/// a time-out is `時間切れ` in Japanese, and the JSON keeps each URL with its plain reason.
#[test]
fn autoconfig_missing_lists_each_place_in_the_readers_language() {
    use HttpKind::*;
    let facts = Facts {
        expect: Expect {
            new_exchange_online: false,
            ..expect()
        },
        http: vec![
            http(AutoconfigHost, HttpOutcome::Timeout),
            http(AutoconfigWellKnown, HttpOutcome::Status(404)),
        ],
        ..Facts::default()
    };
    let all = findings(&facts);
    let missing = all
        .iter()
        .find(|f| f.id.as_str() == "autoconfig-missing")
        .expect("autoconfig-missing finding");
    let ja = missing.text(Lang::Ja).summary;
    assert!(ja.contains("AutoconfigHost（時間切れ）"), "{ja}");
    assert!(ja.contains("AutoconfigWellKnown（HTTP 404）"), "{ja}");
    assert!(!ja.contains("timeout"), "{ja}");
    let en = missing.text(Lang::En).summary;
    assert!(
        en.ends_with(": AutoconfigHost (timeout); AutoconfigWellKnown (HTTP 404)"),
        "{en}"
    );
    let json = serde_json::to_value(missing).expect("json");
    assert_eq!(json["args"]["list"][0]["url"], "AutoconfigHost");
    assert_eq!(json["args"]["list"][0]["reason"], "timeout");
    let back: crate::doctor::Diagnosis = serde_json::from_value(json).expect("read back");
    assert_eq!(&back, missing);
}

fn tls(outcome: TlsOutcome) -> TlsFact {
    TlsFact {
        role: Role::Old,
        service: Service::Imap,
        host: "mail.example-univ.test".into(),
        port: 993,
        security: Security::Tls,
        outcome,
    }
}

fn cert(days_left: i64) -> Option<CertInfo> {
    Some(CertInfo {
        subject: "CN=x".into(),
        issuer: "CN=ca".into(),
        dns_names: vec!["x".into()],
        not_after: "Jan 1 00:00:00 2030 GMT".into(),
        days_left,
    })
}

#[test]
fn tls_and_login_rules() {
    let hs = |verify, days| TlsOutcome::Handshake {
        verify,
        cert: cert(days),
    };
    let cases = vec![
        (hs(Verify::Trusted, 400), "tls-ok", Good),
        (hs(Verify::Trusted, 29), "tls-expiring", Warning),
        (hs(Verify::Trusted, 30), "tls-ok", Good),
        (hs(Verify::Expired, -3), "tls-expired", Error),
        (hs(Verify::WrongHost, 100), "tls-wrong-host", Error),
        (
            hs(Verify::Untrusted("self-signed certificate".into()), 100),
            "tls-untrusted",
            Error,
        ),
        (hs(Verify::NotYetValid, 100), "tls-not-yet-valid", Error),
        (TlsOutcome::NoStarttls, "tls-no-starttls", Error),
        (TlsOutcome::Timeout, "tls-unreachable", Error),
        (
            TlsOutcome::Unreachable("refused".into()),
            "tls-unreachable",
            Error,
        ),
    ];
    for (outcome, id, severity) in cases {
        let facts = Facts {
            expect: expect(),
            tls: vec![tls(outcome.clone())],
            ..Facts::default()
        };
        assert_eq!(
            got(&facts),
            rows(&[(id, severity, "mail.example-univ.test:993 (IMAP)")]),
            "{outcome:?}"
        );
    }
    let login = |outcome| LoginFact {
        role: Role::New,
        service: Service::Pop3,
        server: "h:995".into(),
        user: "taro".into(),
        outcome,
    };
    for (outcome, id, severity) in [
        (LoginOutcome::Ok, "login-ok", Good),
        (
            LoginOutcome::Rejected("bad".into()),
            "login-rejected",
            Error,
        ),
        (LoginOutcome::Failed("net".into()), "login-failed", Error),
    ] {
        let facts = Facts {
            expect: expect(),
            login: vec![login(outcome)],
            ..Facts::default()
        };
        assert_eq!(got(&facts), rows(&[(id, severity, "POP3 h:995 (taro)")]));
    }
    // The words: the role and a timeout come out in the reader's language.
    let facts = Facts {
        expect: expect(),
        tls: vec![tls(TlsOutcome::Timeout)],
        login: vec![login(LoginOutcome::Rejected("AUTHENTICATIONFAILED".into()))],
        ..Facts::default()
    };
    let all = findings(&facts);
    let text = |lang| all.iter().map(|f| f.text(lang).summary).collect::<Vec<_>>();
    assert_eq!(
        text(Lang::Ja),
        [
            "旧サーバ mail.example-univ.test:993 (IMAP) に接続できません（時間切れ）",
            "新サーバがログインを拒否しました（AUTHENTICATIONFAILED）",
        ]
    );
    assert_eq!(
        text(Lang::En),
        [
            "cannot connect to the old server mail.example-univ.test:993 (IMAP) (timeout)",
            "the new server rejected the sign-in (AUTHENTICATIONFAILED)",
        ]
    );
}

#[test]
fn client_rules() {
    use crate::doctor::prefs::{accounts, parse_prefs};
    let mut e = expect();
    e.old_hosts = vec!["mail.example-univ.ac.jp".into()];
    let prefs = |extra: &str| {
        let base = r#"
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.identity.id1.useremail", "taro@example-univ.ac.jp");
user_pref("mail.identity.id1.smtpServer", "smtp2");
user_pref("mail.identity.id2.useremail", "taro@example-univ.ac.jp");
user_pref("mail.identity.id2.smtpServer", "smtp2");
user_pref("mail.server.server1.hostname", "mail.example-univ.ac.jp");
user_pref("mail.server.server1.name", "旧 taro");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server2.hostname", "outlook.office365.com");
user_pref("mail.server.server2.name", "taro@example-univ.ac.jp");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.authMethod", 10);
user_pref("mail.smtpserver.smtp1.hostname", "mail.example-univ.ac.jp");
user_pref("mail.smtpserver.smtp2.hostname", "smtp.office365.com");
"#;
        ClientFacts::Thunderbird {
            prefs: "prefs.js".into(),
            accounts: accounts(&parse_prefs(&format!("{base}{extra}"))),
        }
    };
    let cases: Vec<(&str, ClientFacts, Want)> = vec![
        (
            "well set up",
            prefs(""),
            vec![("tb-ok", Good, "Thunderbird")],
        ),
        (
            "old account sends and files on the old server",
            prefs(
                "user_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\nuser_pref(\"mail.identity.id1.fcc_folder\", \"imap://taro@mail.example-univ.ac.jp/Sent\");\n",
            ),
            vec![
                (
                    "tb-sends-via-old",
                    Warning,
                    "旧 taro (mail.example-univ.ac.jp)",
                ),
                (
                    "tb-sent-on-old",
                    Warning,
                    "旧 taro (mail.example-univ.ac.jp)",
                ),
            ],
        ),
        (
            "new account sends through the old server",
            prefs("user_pref(\"mail.identity.id2.smtpServer\", \"smtp1\");\n"),
            vec![(
                "tb-sends-via-old",
                Error,
                "taro@example-univ.ac.jp (outlook.office365.com)",
            )],
        ),
        (
            "same names, POP leave on server, password auth",
            prefs(
                "user_pref(\"mail.server.server1.name\", \"taro@example-univ.ac.jp\");\nuser_pref(\"mail.server.server1.type\", \"pop3\");\nuser_pref(\"mail.server.server1.leave_on_server\", true);\nuser_pref(\"mail.server.server2.authMethod\", 3);\n",
            ),
            vec![
                (
                    "tb-pop-leave-on-server",
                    Warning,
                    "taro@example-univ.ac.jp (mail.example-univ.ac.jp)",
                ),
                ("tb-same-name", Warning, "taro@example-univ.ac.jp"),
                (
                    "tb-new-no-oauth2",
                    Warning,
                    "taro@example-univ.ac.jp (outlook.office365.com)",
                ),
            ],
        ),
        (
            "no new account",
            prefs("user_pref(\"mail.accountmanager.accounts\", \"account1\");\n"),
            vec![("tb-no-new-account", Warning, "Thunderbird")],
        ),
        (
            "no profile",
            ClientFacts::NotFound,
            vec![("client-not-found", Good, "Thunderbird")],
        ),
        (
            "unreadable",
            ClientFacts::Unreadable("denied".into()),
            vec![("client-unreadable", Warning, "Thunderbird")],
        ),
    ];
    for (name, client, want) in cases {
        let facts = Facts {
            expect: e.clone(),
            client: Some(client),
            ..Facts::default()
        };
        assert_eq!(got(&facts), rows(&want), "case: {name}");
    }
}

#[test]
fn report_exit_codes_and_text() {
    use crate::doctor::DoctorReport;
    use crate::i18n::Lang;
    let facts = Facts {
        expect: expect(),
        dns: Some(good_dns()),
        ..Facts::default()
    };
    let report = DoctorReport::new(facts.clone(), 1234);
    assert_eq!(report.exit_code(), 0);
    let mut bad = facts;
    if let Some(d) = bad.dns.as_mut() {
        d.dmarc = Lookup::None;
    }
    let report = DoctorReport::new(bad.clone(), 10);
    assert_eq!((report.exit_code(), report.counts.warnings), (1, 1));
    if let Some(d) = bad.dns.as_mut() {
        d.autodiscover_cname = Lookup::None;
    }
    let report = DoctorReport::new(bad, 10);
    assert_eq!(report.exit_code(), 2);
    let en = report.render_text(Lang::En);
    assert!(
        en.contains("ERROR  autodiscover.example-univ.test has no CNAME"),
        "{en}"
    );
    assert!(
        en.contains("Fix: Publish the CNAME autodiscover -> autodiscover.outlook.com"),
        "{en}"
    );
    let ja = report.render_text(Lang::Ja);
    assert!(
        ja.contains("エラー  autodiscover.example-univ.test の CNAME がありません"),
        "{ja}"
    );
    assert!(ja.contains("結果: OK 4 件、警告 1 件、エラー 1 件"), "{ja}");
}
