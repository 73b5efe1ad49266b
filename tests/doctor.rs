//! `ikou doctor` and `ikou settings` against real servers: dnsmasq serving a test zone on
//! loopback, an HTTPS server with autoconfig/autodiscover documents, TLS listeners with bad
//! certificates, and Dovecot from the test bed. Each scenario asserts the exact set of
//! findings of its area: every expected finding is there and nothing else.

mod doctor_support;

use std::collections::BTreeMap;
use std::time::Duration;

use doctor_support::*;
use ikou_testbed::{Corpus, Dovecot, Layout, ServerOptions, User};

const ADDRESS: &str = "taro@example-univ.test";

/// The good zone, by part, so a scenario can replace one part.
fn good_zone() -> BTreeMap<&'static str, Vec<String>> {
    let mut z = BTreeMap::new();
    let s = |v: &[&str]| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    z.insert(
        "mx",
        s(&["mx-host=example-univ.test,example-univ-test.mail.protection.outlook.com,0"]),
    );
    z.insert(
        "autodiscover",
        s(&["cname=autodiscover.example-univ.test,autodiscover.outlook.com"]),
    );
    z.insert(
        "srv",
        s(&["srv-host=_autodiscover._tcp.example-univ.test,autodiscover.outlook.com,443,0,1"]),
    );
    z.insert(
        "spf",
        s(&[
            "txt-record=example-univ.test,\"v=spf1 include:spf.protection.outlook.com -all\"",
            "txt-record=example-univ.test,\"ms=ms12345678\"",
        ]),
    );
    z.insert("dmarc", s(&["txt-record=_dmarc.example-univ.test,\"v=DMARC1; p=quarantine; rua=mailto:dmarc@example-univ.test\""]));
    z.insert(
        "dkim",
        s(&[
            "cname=selector1._domainkey.example-univ.test,selector1-example-univ-test._domainkey.exampleuniv.onmicrosoft.test",
            "cname=selector2._domainkey.example-univ.test,selector2-example-univ-test._domainkey.exampleuniv.onmicrosoft.test",
            "txt-record=selector1-example-univ-test._domainkey.exampleuniv.onmicrosoft.test,\"v=DKIM1; k=rsa; p=MIGf\"",
            "txt-record=selector2-example-univ-test._domainkey.exampleuniv.onmicrosoft.test,\"v=DKIM1; k=rsa; p=MIGf\"",
        ]),
    );
    z.insert(
        "hosts",
        s(&[
            "host-record=autodiscover.outlook.com,127.0.0.1",
            "host-record=mail.example-univ.test,127.0.0.1",
            "host-record=autoconfig.example-univ.test,127.0.0.1",
            "host-record=example-univ.test,127.0.0.1",
            "txt-record=spf.protection.outlook.com,\"v=spf1 ip4:40.92.0.0/15 ip4:52.100.0.0/14 -all\"",
        ]),
    );
    z
}

fn lines(zone: &BTreeMap<&'static str, Vec<String>>) -> Vec<String> {
    zone.values().flatten().cloned().collect()
}

#[test]
fn dns_findings_for_good_and_broken_zones() {
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dns_profile(dir.path(), None);
    let good = [
        ("mx-exchange-online", "ok", "example-univ.test MX"),
        (
            "autodiscover-cname-ok",
            "ok",
            "autodiscover.example-univ.test",
        ),
        ("srv-ok", "ok", "_autodiscover._tcp.example-univ.test"),
        ("spf-ok", "ok", "example-univ.test TXT (SPF)"),
        ("dmarc-ok", "ok", "_dmarc.example-univ.test"),
        ("dkim-ok", "ok", "_domainkey.example-univ.test"),
    ];
    let with = |drop: &[&str], add: &[(&'static str, &'static str, &'static str)]| {
        let mut v: Vec<_> = good
            .iter()
            .filter(|(id, _, _)| !drop.contains(id))
            .cloned()
            .collect();
        v.extend_from_slice(add);
        want(&v)
    };
    type Change = Box<dyn Fn(&mut BTreeMap<&'static str, Vec<String>>)>;
    type Rows = Vec<(String, String, String)>;
    let scenarios: Vec<(&str, Change, Rows)> = vec![
        ("good", Box::new(|_| {}), with(&[], &[])),
        (
            "mixed MX: old server first, Exchange Online as a low-priority backup",
            Box::new(|z| {
                z.insert("mx", vec![
                    "mx-host=example-univ.test,mail.example-univ.test,10".into(),
                    "mx-host=example-univ.test,example-univ-test.mail.protection.outlook.com,20".into(),
                ]);
            }),
            with(
                &["mx-exchange-online"],
                &[("mx-mixed", "error", "example-univ.test MX")],
            ),
        ),
        (
            "missing autodiscover CNAME",
            Box::new(|z| {
                z.remove("autodiscover");
            }),
            with(
                &["autodiscover-cname-ok"],
                &[(
                    "autodiscover-cname-missing",
                    "error",
                    "autodiscover.example-univ.test",
                )],
            ),
        ),
        (
            "two SPF records",
            Box::new(|z| {
                z.get_mut("spf")
                    .expect("spf")
                    .push("txt-record=example-univ.test,\"v=spf1 ip4:192.0.2.25 -all\"".into());
            }),
            with(
                &["spf-ok"],
                &[("spf-multiple", "error", "example-univ.test TXT (SPF)")],
            ),
        ),
        (
            "SRV records pointing at the old host",
            Box::new(|z| {
                z.get_mut("srv").expect("srv").extend([
                    "srv-host=_imaps._tcp.example-univ.test,mail.example-univ.test,993,0,1"
                        .to_string(),
                    "srv-host=_submission._tcp.example-univ.test,smtp.office365.com,587,0,1"
                        .to_string(),
                ]);
            }),
            with(
                &[],
                &[
                    ("srv-old-host", "error", "_imaps._tcp.example-univ.test"),
                    ("srv-ok", "ok", "_submission._tcp.example-univ.test"),
                ],
            ),
        ),
        (
            "no SPF, no DMARC, no DKIM",
            Box::new(|z| {
                z.insert(
                    "spf",
                    vec!["txt-record=example-univ.test,\"ms=ms12345678\"".into()],
                );
                z.remove("dmarc");
                z.remove("dkim");
            }),
            with(
                &["spf-ok", "dmarc-ok", "dkim-ok"],
                &[
                    ("spf-missing", "warning", "example-univ.test TXT (SPF)"),
                    ("dmarc-missing", "warning", "_dmarc.example-univ.test"),
                    ("dkim-missing", "warning", "_domainkey.example-univ.test"),
                ],
            ),
        ),
    ];
    for (name, change, expected) in scenarios {
        let mut zone = good_zone();
        change(&mut zone);
        let dns = Dnsmasq::start(&lines(&zone));
        let (code, report, _) = ikou_json(
            &[
                "doctor",
                ADDRESS,
                "-p",
                &profile,
                "--dns-server",
                &dns.addr(),
                "--no-client",
                "--timeout",
                "6",
            ],
            &[],
        );
        assert_eq!(
            findings(&report, "dns"),
            expected,
            "scenario: {name}\n{report:#}"
        );
        let errors = expected.iter().any(|(_, s, _)| s == "error");
        if errors {
            assert_eq!(code, 2, "scenario: {name}");
        }
        assert_eq!(report["facts"]["dns"]["server"], dns.addr().as_str());
        state_code_round_trips(&report);
    }
    // A misspelt address: the zone answers NXDOMAIN, and that is the one DNS finding.
    let dns = Dnsmasq::start(&lines(&good_zone()));
    let (code, report, _) = ikou_json(
        &[
            "doctor",
            "taro@exmaple-univ.test",
            "--domain",
            "nosuch.example-univ.test",
            "-p",
            &profile,
            "--dns-server",
            &dns.addr(),
            "--no-client",
        ],
        &[],
    );
    assert_eq!(
        findings(&report, "dns"),
        want(&[("dns-no-domain", "error", "nosuch.example-univ.test")]),
        "{report:#}"
    );
    assert_eq!(code, 2);
}

/// The helpdesk's state code of a doctor run reads back, through `ikou explain`, as the
/// run's own error and warning counts.
fn state_code_round_trips(report: &serde_json::Value) {
    let code = report["state_code"].as_str().expect("state_code");
    assert!(code.starts_with('D'), "{code}");
    let (exit, explained, _) = ikou_json(&["explain", code], &[]);
    assert_eq!(exit, 0, "{explained:#}");
    assert_eq!(explained["code"], code);
    assert_eq!(explained["state"]["errors"], report["counts"]["errors"]);
    assert_eq!(explained["state"]["warnings"], report["counts"]["warnings"]);
    assert!(
        explained["lines"].as_array().is_some_and(|l| l.len() >= 2),
        "{explained:#}"
    );
}

fn autoconfig_doc(host: &str, smtp: &str) -> String {
    let mut settings =
        ikou::settings::build(None, None, Some(ikou::settings::ClientProtocol::Imap), None);
    settings.domain = "example-univ.test".into();
    for s in &mut settings.servers {
        s.host = if s.protocol == ikou::settings::ClientProtocol::Smtp {
            smtp.into()
        } else {
            host.into()
        };
    }
    ikou::settings::render_autoconfig(&settings)
}

fn pox_doc(imap: &str, smtp: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol><Type>IMAP</Type><Server>{imap}</Server><Port>993</Port><SSL>on</SSL></Protocol>
      <Protocol><Type>SMTP</Type><Server>{smtp}</Server><Port>587</Port><Encryption>TLS</Encryption></Protocol>
    </Account>
  </Response>
</Autodiscover>"#
    )
}

fn web_server(old: bool) -> HttpsServer {
    HttpsServer::start(pki().identity("web"), move |method, path, _host| {
        let xml = |body: String| Reply {
            status: 200,
            content_type: "text/xml",
            body,
        };
        let (imap, smtp) = if old {
            ("mail.example-univ.test", "mail.example-univ.test")
        } else {
            ("outlook.office365.com", "smtp.office365.com")
        };
        match (method, path.split('?').next().unwrap_or("")) {
            ("GET", "/mail/config-v1.1.xml") => xml(autoconfig_doc(imap, smtp)),
            ("GET", "/.well-known/autoconfig/mail/config-v1.1.xml") if old => {
                xml(autoconfig_doc(imap, smtp))
            }
            ("POST", "/autodiscover/autodiscover.xml") => xml(pox_doc(imap, smtp)),
            ("GET", p) if p.starts_with("/autodiscover/autodiscover.json/v1.0/") => Reply {
                status: 200,
                content_type: "application/json",
                body: format!(
                    "{{\"Protocol\":\"AutodiscoverV1\",\"Url\":\"https://{}/autodiscover/autodiscover.xml\"}}",
                    if old {
                        "mail.example-univ.test"
                    } else {
                        "autodiscover-s.outlook.com"
                    }
                ),
            },
            _ => Reply {
                status: 404,
                content_type: "text/plain",
                body: "not found".into(),
            },
        }
    })
}

#[test]
fn autoconfig_and_autodiscover_documents_old_and_new() {
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dns_profile(dir.path(), None);
    let ca = pki().ca.display().to_string();
    for old in [false, true] {
        let web = web_server(old);
        let p = web.port;
        let mut zone = good_zone();
        // Outlook's SRV fallback names the port, like a real deployment on a non-443 port.
        zone.insert(
            "srv",
            vec![format!(
                "srv-host=_autodiscover._tcp.example-univ.test,autodiscover.outlook.com,{p},0,1"
            )],
        );
        let dns = Dnsmasq::start(&lines(&zone));
        let (code, report, _) = ikou_json(
            &[
                "doctor",
                ADDRESS,
                "-p",
                &profile,
                "--dns-server",
                &dns.addr(),
                "--no-client",
                "--https-port",
                &p.to_string(),
                "--ca-file",
                &ca,
                "--timeout",
                "6",
            ],
            &[],
        );
        let autoconfig_host = format!(
            "https://autoconfig.example-univ.test:{p}/mail/config-v1.1.xml?emailaddress={ADDRESS}"
        );
        let well_known =
            format!("https://example-univ.test:{p}/.well-known/autoconfig/mail/config-v1.1.xml");
        let pox =
            format!("https://autodiscover.example-univ.test:{p}/autodiscover/autodiscover.xml");
        let json = format!(
            "https://autodiscover.example-univ.test:{p}/autodiscover/autodiscover.json/v1.0/{ADDRESS}?Protocol=AutodiscoverV1"
        );
        let srv = format!("https://autodiscover.outlook.com:{p}/autodiscover/autodiscover.xml");
        if old {
            assert_eq!(
                findings(&report, "autoconfig"),
                want(&[
                    ("autoconfig-old-server", "error", &autoconfig_host),
                    ("autoconfig-old-server", "error", &well_known)
                ]),
                "{report:#}"
            );
            assert_eq!(
                findings(&report, "autodiscover"),
                want(&[
                    ("autodiscover-old-server", "error", &pox),
                    ("autodiscover-old-server", "error", &json),
                    ("autodiscover-old-server", "error", &srv)
                ]),
                "{report:#}"
            );
            assert_eq!(code, 2);
        } else {
            assert_eq!(
                findings(&report, "autoconfig"),
                want(&[("autoconfig-ok", "ok", &autoconfig_host)]),
                "{report:#}"
            );
            assert_eq!(
                findings(&report, "autodiscover"),
                want(&[
                    ("autodiscover-ok", "ok", &pox),
                    ("autodiscover-ok", "ok", &json),
                    ("autodiscover-ok", "ok", &srv)
                ]),
                "{report:#}"
            );
            // Everything is right: DNS, autoconfig and autodiscover all OK, exit code 0.
            assert_eq!(report["counts"]["warnings"], 0, "{report:#}");
            assert_eq!(report["counts"]["errors"], 0, "{report:#}");
            assert_eq!(code, 0);
        }
    }
}

fn dovecot() -> Dovecot {
    Dovecot::start(ServerOptions::new(
        Layout::Legacy,
        vec![User::new("taro", "taro-pass", Corpus::sized(1, 3, 30_000))],
    ))
    .unwrap_or_else(|e| panic!("Dovecot must start (scripts/test installs it): {e:#}"))
}

#[test]
fn tls_certificates_expired_wrong_host_untrusted_and_good() {
    let d = dovecot();
    let expired = tls_listener(pki().identity("expired"));
    let wrong = tls_listener(pki().identity("wronghost"));
    let untrusted = tls_listener(pki().identity("selfsigned"));
    let submission = smtp_starttls(pki().identity("web"), true);
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        format!(
            r#"[organisation]
domain = "example-univ.test"
[old]
host = "localhost"
imap = {{ port = {imaps}, security = "tls" }}
pop3 = {{ port = {pop3}, security = "starttls" }}
smtp = {{ port = {submission}, security = "starttls" }}
ca_file = "{ca}"
[new]
host = "new.example-univ.test"
imap = {{ port = {expired}, security = "tls" }}
pop3 = {{ port = {wrong}, security = "tls" }}
smtp = {{ port = {untrusted}, security = "tls" }}
"#,
            imaps = d.imaps_port(),
            pop3 = d.pop3_port(),
            ca = d.ca_file().display(),
        ),
    )
    .expect("profile");
    let mut zone = good_zone();
    zone.get_mut("hosts")
        .expect("hosts")
        .push("host-record=new.example-univ.test,127.0.0.1".into());
    let dns = Dnsmasq::start(&lines(&zone));
    let ca = pki().ca.display().to_string();
    let (code, report, _) = ikou_json(
        &[
            "doctor",
            ADDRESS,
            "-p",
            &profile.display().to_string(),
            "--dns-server",
            &dns.addr(),
            "--ca-file",
            &ca,
            "--no-client",
            "--timeout",
            "20",
        ],
        &[],
    );
    let s = |host: &str, port: u16, service: &str| format!("{host}:{port} ({service})");
    let (a, b, c, e, f) = (
        s("localhost", d.imaps_port(), "IMAP"),
        s("localhost", d.pop3_port(), "POP3"),
        s("new.example-univ.test", expired, "IMAP"),
        s("new.example-univ.test", wrong, "POP3"),
        s("new.example-univ.test", untrusted, "SMTP"),
    );
    assert_eq!(
        findings(&report, "tls"),
        want(&[
            ("tls-ok", "ok", &a),
            ("tls-ok", "ok", &b),
            ("tls-ok", "ok", &s("localhost", submission, "SMTP")),
            ("tls-expired", "error", &c),
            ("tls-wrong-host", "error", &e),
            ("tls-untrusted", "error", &f)
        ]),
        "{report:#}"
    );
    assert_eq!(code, 2);
    // The certificate was read even when it was refused: names and expiry are reported.
    let tls = report["facts"]["tls"].as_array().expect("tls facts");
    let wrong_fact = tls
        .iter()
        .find(|t| t["port"] == wrong)
        .expect("wrong-host fact");
    assert_eq!(
        wrong_fact["outcome"]["value"]["cert"]["dns_names"][0],
        "other.example.net"
    );
    let expired_fact = tls
        .iter()
        .find(|t| t["port"] == expired)
        .expect("expired fact");
    assert!(
        expired_fact["outcome"]["value"]["cert"]["days_left"]
            .as_i64()
            .expect("days")
            < 0
    );
}

#[test]
fn silent_dns_and_hung_hosts_end_within_the_bound() {
    let (_udp, dns_addr) = silent_udp();
    let (_hung, hung_port) = silent_tcp();
    let plain_smtp = smtp_starttls(pki().identity("web"), false);
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("p.toml");
    std::fs::write(
        &profile,
        format!(
            "[organisation]\ndomain = \"example-univ.test\"\n[old]\nhost = \"127.0.0.1\"\nimap = {{ port = {hung_port}, security = \"tls\" }}\nsmtp = {{ port = {plain_smtp}, security = \"starttls\" }}\n[new]\nhost = \"127.0.0.1\"\nimap = {{ port = {closed_port}, security = \"tls\" }}\n"
        ),
    )
    .expect("profile");
    let (code, report, elapsed) = ikou_json(
        &[
            "doctor",
            ADDRESS,
            "-p",
            &profile.display().to_string(),
            "--dns-server",
            &dns_addr.to_string(),
            "--no-client",
            "--login",
            "--timeout",
            "4",
        ],
        &[("IKOU_OLD_PASSWORD", "x"), ("IKOU_NEW_PASSWORD", "y")],
    );
    assert!(elapsed < Duration::from_millis(5500), "took {elapsed:?}");
    // Sign-in attempts against the hung and the closed port fail within the bound too.
    let login: Vec<(String, String)> = findings(&report, "login")
        .into_iter()
        .map(|(id, _, subject)| (id, subject))
        .collect();
    assert_eq!(
        login,
        vec![
            (
                "login-failed".to_string(),
                format!("IMAP 127.0.0.1:{closed_port} (taro@example-univ.test)")
            ),
            (
                "login-failed".to_string(),
                format!("IMAP 127.0.0.1:{hung_port} (taro@example-univ.test)")
            ),
            // The SMTP server offers no STARTTLS, so the password is never sent.
            (
                "login-failed".to_string(),
                format!("SMTP 127.0.0.1:{plain_smtp} (taro@example-univ.test)")
            ),
        ]
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "{report:#}"
    );
    assert_eq!(
        findings(&report, "dns"),
        want(&[("dns-no-answer", "error", &dns_addr.to_string())]),
        "{report:#}"
    );
    assert_eq!(
        findings(&report, "tls"),
        want(&[
            (
                "tls-unreachable",
                "error",
                &format!("127.0.0.1:{hung_port} (IMAP)")
            ),
            (
                "tls-unreachable",
                "error",
                &format!("127.0.0.1:{closed_port} (IMAP)")
            ),
            (
                "tls-no-starttls",
                "error",
                &format!("127.0.0.1:{plain_smtp} (SMTP)")
            ),
        ]),
        "{report:#}"
    );
    let tls = report["facts"]["tls"].as_array().expect("tls");
    assert!(
        tls.iter()
            .any(|t| t["port"] == hung_port && t["outcome"]["status"] == "timeout"),
        "{tls:#?}"
    );
    assert_eq!(code, 2);
}

#[test]
fn login_test_with_the_users_credentials() {
    let d = dovecot();
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("p.toml");
    // The old side over implicit TLS, the new side over STARTTLS on the plain ports.
    let submission = smtp_starttls(pki().identity("web"), true);
    let server = |imap: u16, pop3: u16, security: &str| {
        format!(
            "host = \"localhost\"\nusername = \"{{local}}\"\nimap = {{ port = {imap}, security = \"{security}\" }}\npop3 = {{ port = {pop3}, security = \"{security}\" }}\nsmtp = {{ port = {submission}, security = \"starttls\" }}\nca_file = \"{}\"\n",
            d.ca_file().display()
        )
    };
    std::fs::write(
        &profile,
        format!(
            "[organisation]\ndomain = \"example-univ.test\"\n[old]\n{}[new]\n{}",
            server(d.imaps_port(), d.pop3s_port(), "tls"),
            server(d.imap_port(), d.pop3_port(), "starttls")
        ),
    )
    .expect("profile");
    let dns = Dnsmasq::start(&lines(&good_zone()));
    let (_, report, _) = ikou_json(
        &[
            "doctor",
            ADDRESS,
            "-p",
            &profile.display().to_string(),
            "--dns-server",
            &dns.addr(),
            "--no-client",
            "--login",
            // Each wrong password costs Dovecot's failure delay; a busy machine needs room.
            "--timeout",
            "30",
            "--ca-file",
            &pki().ca.display().to_string(),
        ],
        &[
            ("IKOU_OLD_PASSWORD", "taro-pass"),
            ("IKOU_NEW_PASSWORD", "wrong-password"),
        ],
    );
    let old_imap = format!("IMAP localhost:{} (taro)", d.imaps_port());
    let old_pop = format!("POP3 localhost:{} (taro)", d.pop3s_port());
    let new_imap = format!("IMAP localhost:{} (taro)", d.imap_port());
    let new_pop = format!("POP3 localhost:{} (taro)", d.pop3_port());
    assert_eq!(
        findings(&report, "login"),
        want(&[
            ("login-ok", "ok", &old_imap),
            ("login-ok", "ok", &old_pop),
            ("login-rejected", "error", &new_imap),
            ("login-rejected", "error", &new_pop),
            (
                "login-ok",
                "ok",
                &format!("SMTP localhost:{submission} (taro)")
            ),
            (
                "login-rejected",
                "error",
                &format!("SMTP localhost:{submission} (taro)")
            ),
        ]),
        "{report:#}"
    );
    let tls = |port: u16, service: &str| format!("localhost:{port} ({service})");
    assert_eq!(
        findings(&report, "tls"),
        want(&[
            ("tls-ok", "ok", &tls(d.imaps_port(), "IMAP")),
            ("tls-ok", "ok", &tls(d.pop3s_port(), "POP3")),
            ("tls-ok", "ok", &tls(d.imap_port(), "IMAP")),
            ("tls-ok", "ok", &tls(d.pop3_port(), "POP3")),
            ("tls-ok", "ok", &tls(submission, "SMTP")),
            ("tls-ok", "ok", &tls(submission, "SMTP")),
        ]),
        "{report:#}"
    );
    let text = serde_json::to_string(&report).expect("json");
    assert!(
        !text.contains("taro-pass") && !text.contains("wrong-password"),
        "no secrets in the report"
    );
}

const PREFS: &str = r#"user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.identity.id1.useremail", "taro@example-univ.test");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.fcc_folder", "imap://taro@mail.example-univ.test/Sent");
user_pref("mail.identity.id2.useremail", "taro@example-univ.test");
user_pref("mail.identity.id2.smtpServer", "smtp2");
user_pref("mail.server.server1.hostname", "mail.example-univ.test");
user_pref("mail.server.server1.name", "taro@example-univ.test");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.leave_on_server", true);
user_pref("mail.server.server2.hostname", "outlook.office365.com");
user_pref("mail.server.server2.name", "taro@example-univ.test");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.authMethod", 10);
user_pref("mail.server.server3.hostname", "Local Folders");
user_pref("mail.server.server3.type", "none");
user_pref("mail.smtpserver.smtp1.hostname", "mail.example-univ.test");
user_pref("mail.smtpserver.smtp2.hostname", "smtp.office365.com");
"#;

#[test]
fn thunderbird_profile_found_through_profiles_ini() {
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dns_profile(dir.path(), None);
    let tb = dir.path().join("thunderbird");
    std::fs::create_dir_all(tb.join("abcd.default-release")).expect("dir");
    std::fs::write(
        tb.join("profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=abcd.default-release\nDefault=1\n",
    )
    .expect("ini");
    std::fs::write(tb.join("abcd.default-release/prefs.js"), PREFS).expect("prefs");
    let dns = Dnsmasq::start(&lines(&good_zone()));
    let (_, report, _) = ikou_json(
        &[
            "doctor",
            ADDRESS,
            "-p",
            &profile,
            "--dns-server",
            &dns.addr(),
            "--thunderbird-profile",
            &tb.display().to_string(),
        ],
        &[],
    );
    let old = "taro@example-univ.test (mail.example-univ.test)";
    assert_eq!(
        findings(&report, "client"),
        want(&[
            ("tb-sends-via-old", "warning", old),
            ("tb-sent-on-old", "warning", old),
            ("tb-pop-leave-on-server", "warning", old),
            ("tb-same-name", "warning", "taro@example-univ.test"),
        ]),
        "{report:#}"
    );
}

fn settings(args: &[&str]) -> String {
    let out = ikou_testbed::bounded::output_within(
        std::process::Command::new(env!("CARGO_BIN_EXE_ikou"))
            .args(["settings"])
            .args(args)
            .env_remove("IKOU_PROFILE"),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn settings_command_all_formats() {
    let squash = |t: &str| {
        t.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    let en = squash(&settings(&["--lang", "en", "-a", ADDRESS]));
    for line in [
        "Incoming server outlook.office365.com",
        "Port 993",
        "Port 995",
        "Outgoing server smtp.office365.com",
        "Port 587",
        "Encryption STARTTLS",
        "Authentication OAuth2 (modern authentication)",
    ] {
        assert!(en.iter().any(|l| l == line), "{line:?} missing:\n{en:#?}");
    }
    let ja = squash(&settings(&["--lang", "ja", "--protocol", "pop"]));
    for line in [
        "受信サーバのホスト名 outlook.office365.com",
        "受信サーバのポート番号 995",
        "受信接続の保護（暗号化） SSL/TLS",
        "送信サーバのポート番号 587",
        "送信接続の保護（暗号化） STARTTLS",
    ] {
        assert!(ja.iter().any(|l| l == line), "{line:?} missing:\n{ja:#?}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&settings(&["--json", "--protocol", "imap"])).expect("json");
    assert_eq!(json["servers"][0]["host"], "outlook.office365.com");
    assert_eq!(json["servers"][0]["port"], 993);
    assert_eq!(json["servers"][1]["security"], "starttls");
    let xml = settings(&[
        "--format",
        "autoconfig",
        "-p",
        "assets/profiles/exchange-online.toml",
    ]);
    let doc = ikou::settings::parse_autoconfig(&xml).expect("valid config-v1.1.xml");
    assert_eq!(doc.domains, vec!["example-univ.ac.jp"]);
    assert_eq!(doc.outgoing[0].hostname, "smtp.office365.com");
    let plist = settings(&["--format", "mobileconfig", "-a", ADDRESS]);
    assert!(plist.starts_with("<?xml"), "{plist}");
    assert!(plist.contains("<string>com.apple.eas.account</string>"));
}
