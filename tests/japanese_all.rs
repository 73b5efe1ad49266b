//! Every command in Japanese, as a Japanese user meets it: the usual successes and the usual
//! failures (wrong password, unknown host, a broken profile, a damaged zip) against the
//! harness's real servers. No English sentence may appear outside mail data (subjects,
//! names and addresses, taken from the runs' own JSON) and an allow-list of protocol and
//! product names.

mod common;
mod doctor_support;

use std::collections::BTreeSet;

use common::{ikou_with_env, path_str};
use serde_json::Value;

/// Words that are names, not English sentences: protocols, products, units, formats.
const ALLOWED: &[&str] = &[
    "ikou",
    "IMAP",
    "IMAPS",
    "POP",
    "POP3",
    "POP3S",
    "SMTP",
    "TLS",
    "SSL",
    "STARTTLS",
    "OAuth",
    "OAuth2",
    "XOAUTH2",
    "OAUTHBEARER",
    "SASL",
    "PLAIN",
    "LOGIN",
    "Microsoft",
    "Exchange",
    "Online",
    "Outlook",
    "Thunderbird",
    "Dovecot",
    "UID",
    "UIDL",
    "UIDVALIDITY",
    "QUOTA",
    "GETQUOTAROOT",
    "EXAMINE",
    "APPEND",
    "FETCH",
    "PEEK",
    "BODY",
    "SPECIAL",
    "USE",
    "MiB",
    "KiB",
    "GiB",
    "MB",
    "KB",
    "GB",
    "B",
    "JSON",
    "CSV",
    "TOML",
    "ZIP",
    "zip",
    "eml",
    "mbox",
    "Message",
    "ID",
    "DNS",
    "MX",
    "SRV",
    "HTTPS",
    "HTTP",
    "URL",
    "CA",
    "SHA",
    "PEM",
    "INBOX",
    "Sent",
    "Items",
    "Drafts",
    "Trash",
    "Junk",
    "Archive",
    "Projects",
    "Local",
    "Folders",
    "RFC",
    "ISO",
    "JP",
    "UTF",
    "Shift_JIS",
    "EUC",
    "OK",
    "NG",
    "Subject",
    "From",
    "To",
    "Date",
    "Re",
    "Fwd",
    "Fw",
    "AM",
    "PM",
    "JST",
    "UTC",
    "Windows",
    "macOS",
    "Linux",
    "Ctrl",
    "Enter",
    "Esc",
    "Tab",
    "Space",
    "PgUp",
    "PgDn",
    "Up",
    "Dn",
    "Left",
    "Right",
    "Home",
    "End",
];

/// English function words: a run of words with one of these reads as an English sentence.
const ENGLISH: &[&str] = &[
    "the", "a", "an", "to", "of", "and", "or", "is", "are", "was", "not", "no", "on", "in", "with",
    "for", "be", "by", "this", "that", "it", "your", "you", "use", "run", "cannot", "can", "has",
    "have", "from", "at", "as", "please", "failed", "error", "missing", "found",
];

/// Extra environment of one run.
type Env<'a> = &'a [(&'a str, &'a str)];

fn run(args: &[&str], env: Env) -> (i32, String, String) {
    let mut all_env = vec![("LANG", "ja_JP.UTF-8")];
    all_env.extend_from_slice(env);
    let out = ikou_with_env(args, &all_env);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every string in a JSON value except the sentences ikou wrote (`*_text`, `verdict`): the
/// mail data and names the text output may quote.
fn data_strings(value: &Value, key: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if !key.ends_with("_text") && key != "verdict" && s.len() > 1 => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| data_strings(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| data_strings(v, k, out)),
        _ => {}
    }
}

/// English sentences left in `text` once data, paths, addresses and names are taken out.
fn english_in(text: &str, data: &BTreeSet<String>) -> Vec<String> {
    let mut text = text.to_string();
    let mut longest_first: Vec<&String> = data.iter().collect();
    longest_first.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for d in longest_first {
        text = text.replace(d.as_str(), " ");
    }
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let english: BTreeSet<&str> = ENGLISH.iter().copied().collect();
    let mut found = Vec::new();
    for line in text.lines() {
        // Paths, URLs, addresses, hosts and options are names, not sentences.
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || "()[]{}「」、。:：,;\"'`!?|".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        let mut run: Vec<&str> = Vec::new();
        let mut flush = |run: &mut Vec<&str>| {
            if run.len() >= 3
                && run
                    .iter()
                    .any(|w| english.contains(w.to_lowercase().as_str()))
            {
                found.push(format!("{} (in: {line})", run.join(" ")));
            }
            run.clear();
        };
        for w in words {
            let is_name = w.contains(['/', '@', '.', '=', '_', '-', '<', '>', '*'])
                || w.chars().any(|c| c.is_ascii_digit())
                || allowed.contains(w);
            if !is_name && w.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(w);
            } else {
                flush(&mut run);
            }
        }
        flush(&mut run);
    }
    found
}

#[test]
fn every_command_in_japanese_has_no_english_sentence() {
    let m = common::migration(29);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let snap = dir.path().join("old.json");
    let zip = dir.path().join("old.zip");

    // The data the text may quote, from the same runs' JSON.
    let mut data = BTreeSet::new();
    for args in [
        vec!["verify", "-p", p, "--json"],
        vec!["folders", "-p", p, "--json"],
        vec!["folders", "-p", p, "--server", "new", "--json"],
        vec!["quota", "-p", p, "--json"],
        vec!["restore", "-p", p, "--json"],
    ] {
        let (_, out, err) = run(&args, &[]);
        let value: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}{err}"));
        data_strings(&value, "", &mut data);
    }
    data.insert(dir.path().display().to_string());

    // A broken profile, a host that does not exist, a damaged zip, a wrong password.
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[old\nhost = ").expect("write");
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(
        &unknown,
        "[old]\nhost = \"no-such-host.invalid\"\nusername = \"taro\"\nimap = { port = 993, security = \"tls\" }\n\
         [new]\nhost = \"no-such-host.invalid\"\nusername = \"taro\"\nimap = { port = 993, security = \"tls\" }\n",
    )
    .expect("write");
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, b"PK\x03\x04 this is not a zip").expect("write");
    let wrong = dir.path().join("wrong.toml");
    std::fs::write(
        &wrong,
        std::fs::read_to_string(&profile)
            .expect("profile")
            .replace(&format!("echo {}", m.password), "echo wrong-password"),
    )
    .expect("write");

    // Mail on the PC: a folder that holds no Thunderbird profile, and a home without one.
    let no_profile = dir.path().join("no-profile");
    std::fs::create_dir_all(&no_profile).expect("mkdir");
    let home = [("HOME", path_str(&no_profile))];
    let cases: Vec<(Vec<&str>, Env)> = vec![
        (vec!["local", "--thunderbird", path_str(&no_profile)], &[]),
        (vec!["local"], &home),
        (vec!["folders", "-p", p], &[]),
        (vec!["quota", "-p", p], &[]),
        (vec!["quota", "-p", p, "--server", "new"], &[]),
        (vec!["verify", "-p", p], &[]),
        (vec!["snapshot", "-p", p, "-o", path_str(&snap)], &[]),
        (vec!["restore", "-p", p], &[]),
        (
            vec!["backup", "-p", p, "-o", path_str(&zip), "--folder", "INBOX"],
            &[],
        ),
        (vec!["backup", "verify", path_str(&zip)], &[]),
        (vec!["profile", "check", p], &[]),
        (vec!["settings", "-p", p], &[]),
        (vec!["explain", "V2-9-0-4-5-1-1-27"], &[]),
        (vec!["folders", "-p", path_str(&wrong)], &[]),
        (
            vec![
                "quota",
                "-p",
                path_str(&unknown),
                "-a",
                "taro@example-univ.test",
            ],
            &[("IKOU_OLD_PASSWORD", "x")],
        ),
        (vec!["folders", "-p", path_str(&broken)], &[]),
        (vec!["profile", "check", path_str(&broken)], &[]),
        (vec!["backup", "verify", path_str(&damaged)], &[]),
    ];
    let mut leaks = Vec::new();
    for (args, env) in &cases {
        let (code, out, err) = run(args, env);
        assert!(code >= 0, "{args:?} ended by a signal");
        common::said_once(&err);
        for sentence in english_in(&format!("{out}\n{err}"), &data) {
            leaks.push(format!("ikou {}: {sentence}", args.join(" ")));
        }
    }
    assert!(
        leaks.is_empty(),
        "English in Japanese output:\n{}",
        leaks.join("\n")
    );
}

/// A Thunderbird profile with the parallel-period mistakes: sending and filing through the
/// old server, POP leaving mail on it, two accounts with the same name, no OAuth2.
fn thunderbird_prefs(host: &str) -> String {
    format!(
        r#"user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.identity.id1.useremail", "taro@example-univ.test");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.fcc_folder", "imap://taro@{host}/Sent");
user_pref("mail.identity.id2.useremail", "taro@example-univ.test");
user_pref("mail.identity.id2.smtpServer", "smtp1");
user_pref("mail.server.server1.hostname", "{host}");
user_pref("mail.server.server1.name", "Taro");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.leave_on_server", true);
user_pref("mail.server.server2.hostname", "{host}");
user_pref("mail.server.server2.name", "Taro");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.authMethod", 3);
user_pref("mail.smtpserver.smtp1.hostname", "{host}");
"#
    )
}

/// `ikou doctor` in Japanese, with and without `--login`, against dnsmasq serving a zone
/// with the usual mistakes, an HTTPS server handing out the old server's settings, the two
/// Dovecot servers (right and wrong password) and a Thunderbird profile: every finding's
/// words, meanings and fixes, and no English sentence among them.
#[test]
fn doctor_in_japanese_has_no_english_sentence() {
    use doctor_support::{Dnsmasq, HttpsServer, Reply, pki};

    let m = common::migration(31);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let wrong = dir.path().join("wrong.toml");
    std::fs::write(
        &wrong,
        std::fs::read_to_string(&profile)
            .expect("profile")
            .replace(&format!("echo {}", m.password), "echo wrong-password"),
    )
    .expect("write");
    let prefs = dir.path().join("prefs.js");
    std::fs::write(&prefs, thunderbird_prefs(m.old.host())).expect("write");
    let old_host = m.old.host().to_string();
    let web = HttpsServer::start(pki().identity("web"), move |method, path, _| {
        let path = path.split('?').next().unwrap_or("");
        match (method, path) {
            ("GET", "/mail/config-v1.1.xml") => Reply {
                status: 200,
                content_type: "text/xml",
                body: format!(
                    r#"<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="example-univ.test"><domain>example-univ.test</domain><incomingServer type="imap"><hostname>{old_host}</hostname><port>143</port><socketType>plain</socketType><username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></incomingServer></emailProvider></clientConfig>"#
                ),
            },
            _ => Reply {
                status: 404,
                content_type: "text/plain",
                body: "not found".into(),
            },
        }
    });
    let zone: Vec<String> = [
        "mx-host=example-univ.test,mail.example-univ.test,10",
        "mx-host=example-univ.test,example-univ-test.mail.protection.outlook.com,20",
        "srv-host=_imaps._tcp.example-univ.test,127.0.0.1,993,0,1",
        "txt-record=example-univ.test,\"v=spf1 ip4:192.0.2.1 -all\"",
        "txt-record=example-univ.test,\"v=spf1 include:spf.protection.outlook.com -all\"",
        "host-record=mail.example-univ.test,127.0.0.1",
        "host-record=autoconfig.example-univ.test,127.0.0.1",
        "host-record=autodiscover.example-univ.test,127.0.0.1",
        "host-record=example-univ.test,127.0.0.1",
    ]
    .iter()
    .map(|l| l.to_string())
    .collect();
    let dns = Dnsmasq::start(&zone);
    let dns_addr = dns.addr();
    let port = web.port.to_string();
    let ca = pki().ca.display().to_string();
    let doctor = |p: &std::path::Path, login: bool| {
        let mut args = vec![
            "doctor".to_string(),
            "-p".into(),
            path_str(p).into(),
            "--dns-server".into(),
            dns_addr.clone(),
            "--https-port".into(),
            port.clone(),
            "--ca-file".into(),
            ca.clone(),
            "--thunderbird-profile".into(),
            path_str(&prefs).into(),
            "--timeout".into(),
            "30".into(),
        ];
        if login {
            args.push("--login".into());
        }
        args
    };
    let data: BTreeSet<String> = [dir.path().display().to_string()].into();
    let mut leaks = Vec::new();
    let mut seen = String::new();
    for (p, login) in [(&profile, false), (&profile, true), (&wrong, true)] {
        let args = doctor(p, login);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&args, &[]);
        // Errors found (mixed MX, two SPF records, the old server in autoconfig): exit 2.
        assert_eq!(code, 2, "ikou {}:\n{out}\n{err}", args.join(" "));
        for sentence in english_in(&format!("{out}\n{err}"), &data) {
            leaks.push(format!("ikou {}: {sentence}", args.join(" ")));
        }
        seen.push_str(&out);
    }
    // The runs really showed the findings, with meanings and fixes, in Japanese.
    for words in [
        "MX に Exchange Online と旧サーバが混在しています",
        "SPF レコードが 2 個あります",
        "が旧サーバ 127.0.0.1 を案内しています",
        "旧サーバ 127.0.0.1:",
        "にログインできました",
        "がログインを拒否しました",
        "「メールをサーバに残す」が有効です",
        "同じ名前「Taro」です",
        "意味: ",
        "対処: ",
        "結果: OK ",
    ] {
        assert!(seen.contains(words), "{words:?} not in:\n{seen}");
    }
    assert!(
        leaks.is_empty(),
        "English in Japanese output:\n{}",
        leaks.join("\n")
    );
}
