//! `ikou batch` against real servers: a legacy Dovecot holding five mailboxes, reached with
//! a master user (`owner*helpdesk`, and SASL PLAIN with an authorization identity), and an
//! Exchange-like Dovecot reached with one application token for every mailbox (an oauth2
//! passdb validating a locally signed JWT, as Exchange Online's `IMAP.AccessAsApp`) or a
//! master user. Known differences per account, a mailbox missing on each side, a wrong
//! admin password, snapshots, Ctrl-C and resume; the old server must not change.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::admin::{MASTER, MASTER_PASS, app_token, centre_profile, ikou_json, start_pair};
use common::path_str;
use ikou_testbed::scenario::{Expected, plan};
use ikou_testbed::{Corpus, Dovecot, User};
use serde_json::Value;

const DOMAIN: &str = common::admin::DOMAIN;

/// A mailbox whose folders map one to one (no Sent/Junk special cases).
fn clean_corpus(seed: u64) -> Corpus {
    let keep = [
        "INBOX",
        "Projects",
        "Projects/2024",
        "研究室",
        "研究室/学会",
        "R&D",
    ];
    let mut c = Corpus::standard(seed);
    c.folders.retain(|f| keep.contains(&f.name.as_str()));
    c
}

fn message_id(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("Message-ID:")
                .or_else(|| l.strip_prefix("Message-Id:"))
        })
        .map(|v| v.trim().trim_matches(|c| c == '<' || c == '>').to_string())
        .expect("message has a Message-ID")
}

struct Bed {
    old: Dovecot,
    new: Dovecot,
    expected_taro: Expected,
    /// The Message-ID of hana's INBOX message that is not on the new server.
    hana_missing: String,
    dir: tempfile::TempDir,
}

fn start() -> Bed {
    let p = plan(3);
    let clean = clean_corpus(5);
    let hana_old = clean_corpus(6);
    let mut hana_new = hana_old.clone();
    let inbox = hana_new
        .folders
        .iter_mut()
        .find(|f| f.name == "INBOX")
        .expect("INBOX");
    // Drop a message that has a Message-ID (the standard corpus has a few without).
    let pos = inbox
        .messages
        .iter()
        .rposition(|m| String::from_utf8_lossy(&m.raw).contains("Message-ID:"))
        .expect("a message with an id");
    let removed = inbox.messages.remove(pos);
    let hana_missing = message_id(&removed.raw);

    let old_users = vec![
        User::new("taro", "taro-pass", p.old.clone()),
        User::new("jiro", "jiro-pass", clean.clone()),
        User::new("hana", "hana-pass", hana_old),
        User::new("saburo", "saburo-pass", clean_corpus(7)),
    ];
    let new_users = vec![
        User::new("taro", "taro-pass", p.new.clone()),
        User::new("jiro", "jiro-pass", clean),
        User::new("hana", "hana-pass", hana_new),
        User::new("shiro", "shiro-pass", clean_corpus(8)),
    ];
    let (old, new) = start_pair(old_users, new_users);
    Bed {
        old,
        new,
        expected_taro: p.expected,
        hana_missing,
        dir: tempfile::tempdir().expect("tmp"),
    }
}

/// The IT centre's profile: `old_admin` and `new_admin` are the `[old.admin]` / `[new.admin]`
/// tables' lines; `new_username` the new server's login rule.
fn profile(bed: &Bed, name: &str, old_admin: &str, new_username: &str, new_admin: &str) -> PathBuf {
    centre_profile(
        bed.dir.path(),
        name,
        (&bed.old, &bed.new),
        old_admin,
        new_username,
        new_admin,
    )
}

fn app_profile(bed: &Bed) -> PathBuf {
    let token_file = bed.dir.path().join("app.jwt");
    std::fs::write(&token_file, app_token()).expect("token");
    profile(
        bed,
        "app.toml",
        &format!("method = \"master-user\"\nuser = \"{MASTER}\""),
        "{address}",
        &format!(
            "method = \"app-token\"\ntoken_command = \"cat {}\"",
            token_file.display()
        ),
    )
}

fn accounts_csv(bed: &Bed) -> PathBuf {
    let path = bed.dir.path().join("accounts.csv");
    std::fs::write(
        &path,
        format!(
            "address,old_login,new_login\n# taro: the migration scenario; jiro: clean; hana: one message lost\ntaro@{DOMAIN},,\njiro@{DOMAIN},,\nhana@{DOMAIN},,\nsaburo@{DOMAIN},,\nshiro@{DOMAIN},,\n"
        ),
    )
    .expect("csv");
    path
}

fn ikou(args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    ikou_json(args, env)
}

fn by_address(report: &Value) -> BTreeMap<String, Value> {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            let address = a["address"].as_str().expect("address");
            (
                address.split('@').next().expect("local").to_string(),
                a.clone(),
            )
        })
        .collect()
}

fn counts(a: &Value) -> [u64; 7] {
    let c = &a["counts"];
    [
        "missing",
        "sent_missing",
        "duplicates",
        "garbled",
        "oversize",
        "extras",
        "unmapped_old",
    ]
    .map(|k| c[k].as_u64().unwrap_or_else(|| panic!("{k} in {a}")))
}

fn ids(report: &Value, kind: &str) -> BTreeSet<String> {
    report["comparison"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| {
            f["message"]["message_id"]
                .as_str()
                .expect("id")
                .trim_matches(|c| c == '<' || c == '>')
                .to_string()
        })
        .collect()
}

fn ref_ids(refs: &[ikou_testbed::scenario::MessageRef]) -> BTreeSet<String> {
    refs.iter()
        .map(|r| {
            r.message_id
                .as_deref()
                .expect("id")
                .trim_matches(|c| c == '<' || c == '>')
                .to_string()
        })
        .collect()
}

/// What every run of this bed must report, whichever way the servers are reached.
fn assert_known_differences(report: &Value, e: &Expected) {
    let accounts = by_address(report);
    let taro = &accounts["taro"];
    assert_eq!(taro["outcome"], "differences", "{taro}");
    assert_eq!(
        counts(taro),
        [
            // The Sent items sent after the copy, and every message of the folder not copied.
            e.missing_on_new.len() as u64
                + e.unmapped_folders.iter().map(|u| u.messages).sum::<u64>(),
            e.missing_on_new.len() as u64,
            e.pop_duplicates.len() as u64,
            e.garbled_subjects.len() as u64,
            e.oversize.len() as u64,
            e.extra_on_new.len() as u64,
            e.unmapped_folders.len() as u64,
        ],
        "taro: {taro}"
    );
    let jiro = &accounts["jiro"];
    assert_eq!(jiro["outcome"], "ok", "{jiro}");
    assert_eq!(counts(jiro), [0; 7], "{jiro}");
    assert!(jiro["counts"]["old_messages"].as_u64().expect("n") > 50);
    assert_eq!(
        jiro["counts"]["old_messages"],
        jiro["counts"]["new_messages"]
    );
    let hana = &accounts["hana"];
    assert_eq!(hana["outcome"], "differences", "{hana}");
    assert_eq!(counts(hana), [1, 0, 0, 0, 0, 0, 0], "{hana}");
    for who in ["saburo", "shiro"] {
        let a = &accounts[who];
        assert_eq!(a["outcome"], "failed", "{a}");
        assert!(a["counts"].is_null(), "{a}");
        assert!(
            a["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{who}: {a}"
        );
    }
    let t = &report["totals"];
    assert_eq!(
        (
            t["accounts"].as_u64(),
            t["ok"].as_u64(),
            t["differences"].as_u64(),
            t["failed"].as_u64()
        ),
        (Some(5), Some(1), Some(2), Some(2)),
        "{t}"
    );
}

fn old_state(server: &Dovecot) -> String {
    let mut out = String::new();
    for user in ["taro", "jiro", "hana", "saburo"] {
        out.push_str(
            &server
                .doveadm(&[
                    "mailbox",
                    "status",
                    "-u",
                    user,
                    "messages uidnext uidvalidity unseen highestmodseq",
                    "INBOX",
                    "INBOX.*",
                ])
                .expect("doveadm status"),
        );
        out.push_str(
            &server
                .doveadm(&["fetch", "-u", user, "mailbox uid flags", "all"])
                .expect("doveadm fetch"),
        );
    }
    out
}

fn journal_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
        .collect()
}

/// A token endpoint for the client-credentials grant: answers every POST with `token`
/// and records the requests (line and form body) it was sent.
fn token_endpoint(token: String) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut length = 0usize;
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            log.lock().expect("lock").push(format!(
                "{} {}",
                request_line.trim(),
                String::from_utf8_lossy(&body)
            ));
            let answer = format!(
                "{{\"access_token\":\"{token}\",\"token_type\":\"Bearer\",\"expires_in\":3599}}"
            );
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (port, seen)
}

#[test]
fn batch_verify_with_admin_access_reports_each_account() {
    let bed = start();
    let before = old_state(&bed.old);
    let csv = accounts_csv(&bed);
    let app = app_profile(&bed);
    let state = bed.dir.path().join("state-app");
    let details = bed.dir.path().join("details");
    let report_csv = bed.dir.path().join("report.csv");
    let env = [("IKOU_OLD_ADMIN_PASSWORD", MASTER_PASS)];

    // 1. Live old (master user) against new (application token), with details and CSV.
    let (code, report, stderr) = ikou(
        &[
            "batch",
            "verify",
            path_str(&csv),
            "-p",
            path_str(&app),
            "--state",
            path_str(&state),
            "--details",
            path_str(&details),
            "--csv",
            path_str(&report_csv),
            "--backoff",
            "0.05",
            "--json",
        ],
        &env,
    );
    assert_eq!(code, 2, "failures exit 2; stderr: {stderr}");
    assert_known_differences(&report, &bed.expected_taro);
    assert_eq!(
        report["old_access"],
        "master user helpdesk (owner*helpdesk)"
    );
    assert_eq!(report["new_access"], "application token");
    // The missing mailboxes are named with the server where they are missing.
    let accounts = by_address(&report);
    let new_port = format!(":{}", bed.new.imaps_port());
    let old_port = format!(":{}", bed.old.imaps_port());
    assert!(
        accounts["saburo"]["error"]
            .as_str()
            .expect("e")
            .contains(&new_port),
        "{}",
        accounts["saburo"]
    );
    // Dovecot drops the connection when a signed-in user has no mailbox; a dropped
    // connection is worth retrying, so saburo took every attempt.
    assert_eq!(accounts["saburo"]["attempts"], 4, "{}", accounts["saburo"]);
    for who in ["saburo", "shiro"] {
        assert!(
            accounts[who]["error"]
                .as_str()
                .expect("e")
                .contains("mailbox may not exist"),
            "{}",
            accounts[who]
        );
    }
    assert!(
        accounts["shiro"]["error"]
            .as_str()
            .expect("e")
            .contains(&old_port),
        "{}",
        accounts["shiro"]
    );
    // The detail files hold exactly the injected differences.
    let taro: Value = serde_json::from_slice(
        &std::fs::read(details.join(format!("taro@{DOMAIN}.json"))).expect("taro details"),
    )
    .expect("json");
    let e = &bed.expected_taro;
    // Missing: the Sent items, and every message of the folder that was not copied at all.
    let missing = ids(&taro, "missing");
    assert!(
        ref_ids(&e.missing_on_new).is_subset(&missing),
        "{missing:?}"
    );
    let in_missing_folders: u64 = e.unmapped_folders.iter().map(|u| u.messages).sum();
    assert_eq!(
        missing.len() as u64,
        e.missing_on_new.len() as u64 + in_missing_folders
    );
    assert_eq!(ids(&taro, "oversize"), ref_ids(&e.oversize));
    assert_eq!(ids(&taro, "duplicate"), ref_ids(&e.pop_duplicates));
    assert_eq!(ids(&taro, "extra"), ref_ids(&e.extra_on_new));
    let hana: Value = serde_json::from_slice(
        &std::fs::read(details.join(format!("hana@{DOMAIN}.json"))).expect("hana details"),
    )
    .expect("json");
    assert_eq!(
        ids(&hana, "missing"),
        BTreeSet::from([bed.hana_missing.clone()])
    );
    assert!(
        std::fs::read_to_string(details.join(format!("jiro@{DOMAIN}.txt")))
            .expect("txt")
            .starts_with("OK")
    );
    assert!(!details.join(format!("saburo@{DOMAIN}.json")).exists());
    let csv_text = std::fs::read_to_string(&report_csv).expect("report csv");
    assert!(
        csv_text.starts_with("\u{feff}address,status,"),
        "{csv_text}"
    );
    assert_eq!(csv_text.lines().count(), 6);
    assert!(
        csv_text.contains(&format!("hana@{DOMAIN},differences,")),
        "{csv_text}"
    );
    let journal = journal_lines(&state.join("verify-journal.jsonl"));
    assert_eq!(journal.len(), 5);
    let secret_free = std::fs::read_to_string(state.join("verify-journal.jsonl")).expect("j");
    assert!(!secret_free.contains(MASTER_PASS) && !secret_free.contains(&app_token()[..40]));

    // 2. A rerun skips the finished accounts and tries the failed ones again.
    let (code, again, _) = ikou(
        &[
            "batch",
            "verify",
            path_str(&csv),
            "-p",
            path_str(&app),
            "--state",
            path_str(&state),
            "--backoff",
            "0.05",
            "--json",
        ],
        &env,
    );
    assert_eq!(code, 2);
    assert_known_differences(&again, e);
    let earlier: BTreeSet<String> = again["accounts"]
        .as_array()
        .expect("a")
        .iter()
        .filter(|a| a["earlier_run"] == true)
        .map(|a| a["address"].as_str().expect("s").to_string())
        .collect();
    assert_eq!(
        earlier,
        ["taro", "jiro", "hana"]
            .iter()
            .map(|u| format!("{u}@{DOMAIN}"))
            .collect::<BTreeSet<_>>()
    );
    assert_eq!(
        journal_lines(&state.join("verify-journal.jsonl")).len(),
        7,
        "only the 2 failed were tried again"
    );

    // 3. SASL PLAIN with authzid on the old server, master user on the new one; text output.
    let sasl = profile(
        &bed,
        "sasl.toml",
        &format!("method = \"sasl-plain\"\nuser = \"{MASTER}\""),
        "{local}",
        &format!(
            "method = \"master-user\"\nuser = \"{MASTER}\"\npassword_command = \"echo {MASTER_PASS}\""
        ),
    );
    let (code, report, _) = ikou(
        &[
            "batch",
            "verify",
            path_str(&csv),
            "-p",
            path_str(&sasl),
            "--state",
            path_str(&bed.dir.path().join("state-sasl")),
            "-j",
            "2",
            "--backoff",
            "0.05",
            "--json",
        ],
        &env,
    );
    assert_eq!(code, 2);
    assert_known_differences(&report, e);
    assert_eq!(report["concurrency_old"], 2);

    // 4. A wrong admin password: every account is reported as failed, the batch ends.
    let one = bed.dir.path().join("one.csv");
    std::fs::write(&one, format!("jiro@{DOMAIN}\nhana@{DOMAIN}\n")).expect("csv");
    let (code, report, _) = ikou(
        &[
            "batch",
            "verify",
            path_str(&one),
            "-p",
            path_str(&app),
            "--state",
            path_str(&bed.dir.path().join("state-wrong")),
            "--backoff",
            "0.05",
            "--json",
        ],
        &[("IKOU_OLD_ADMIN_PASSWORD", "not-the-master-password")],
    );
    assert_eq!(code, 2);
    for a in report["accounts"].as_array().expect("a") {
        assert_eq!(a["outcome"], "failed", "{a}");
        assert!(
            a["error"].as_str().expect("e").contains("sign-in rejected"),
            "{a}"
        );
        assert_eq!(a["attempts"], 1, "a rejected password is not retried: {a}");
    }

    // 5. Snapshots before, verify from them after: the same verdicts.
    let snap_state = bed.dir.path().join("state-snap");
    let (code, snap, stderr) = ikou(
        &[
            "batch",
            "snapshot",
            path_str(&csv),
            "-p",
            path_str(&app),
            "--state",
            path_str(&snap_state),
            "--backoff",
            "0.05",
            "--json",
        ],
        &env,
    );
    assert_eq!(code, 2, "shiro has no old mailbox: {stderr}");
    assert_eq!(snap["totals"]["ok"], 4, "{snap}");
    assert!(
        snap_state
            .join(format!("snapshots/taro@{DOMAIN}.json"))
            .is_file()
    );
    // Without the old admin password: the old server is not contacted.
    let (code, report, stderr) = ikou(
        &[
            "batch",
            "verify",
            path_str(&csv),
            "-p",
            path_str(&app),
            "--state",
            path_str(&snap_state),
            "--snapshots",
            "--backoff",
            "0.05",
            "--json",
        ],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        report["old"]
            .as_str()
            .expect("old")
            .starts_with("snapshots "),
        "{report}"
    );
    let accounts = by_address(&report);
    assert_eq!(
        counts(&accounts["taro"]),
        counts(&by_address(&again)["taro"])
    );
    assert_eq!(accounts["hana"]["outcome"], "differences");
    assert_eq!(accounts["jiro"]["outcome"], "ok");
    assert!(
        accounts["shiro"]["error"]
            .as_str()
            .expect("e")
            .contains("no snapshot"),
        "{}",
        accounts["shiro"]
    );

    // 6. ikou fetches the application token itself (client-credentials grant).
    let (port, seen) = token_endpoint(app_token());
    let cc = profile(
        &bed,
        "cc.toml",
        &format!("method = \"master-user\"\nuser = \"{MASTER}\""),
        "{address}",
        &format!(
            "method = \"client-credentials\"\ntenant = \"{DOMAIN}\"\nclient_id = \"ikou-helpdesk\"\nclient_secret_command = \"echo app-secret-1\"\nauthority = \"http://127.0.0.1:{port}\""
        ),
    );
    let (code, report, stderr) = ikou(
        &[
            "batch",
            "verify",
            path_str(&one),
            "-p",
            path_str(&cc),
            "--state",
            path_str(&bed.dir.path().join("state-cc")),
            "--json",
        ],
        &env,
    );
    assert_eq!(code, 1, "jiro OK, hana differs: {stderr}");
    assert_eq!(
        report["new_access"],
        "application ikou-helpdesk (client credentials)"
    );
    let requests = seen.lock().expect("lock").clone();
    assert_eq!(
        requests.len(),
        1,
        "one token for the whole batch: {requests:?}"
    );
    let request = &requests[0];
    assert!(
        request.starts_with(&format!("POST /{DOMAIN}/oauth2/v2.0/token ")),
        "{request}"
    );
    for field in [
        "grant_type=client_credentials",
        "client_id=ikou-helpdesk",
        "client_secret=app-secret-1",
        "scope=https%3A%2F%2Foutlook.office365.com%2F.default",
    ] {
        assert!(request.contains(field), "{field} in {request}");
    }

    assert_eq!(
        old_state(&bed.old),
        before,
        "the old server must not change"
    );
}

#[test]
fn interrupted_batch_resumes_without_rechecking() {
    let bed = start();
    let csv = bed.dir.path().join("many.csv");
    // The same three mailboxes under many addresses (logins from the CSV), so the batch
    // runs long enough to be interrupted after two accounts.
    const ACCOUNTS: usize = 24;
    let mut text = String::from("address,old_login,new_login\n");
    for i in 0..ACCOUNTS {
        let user = ["taro", "jiro", "hana"][i % 3];
        text.push_str(&format!("u{i}@{DOMAIN},{user},{user}@{DOMAIN}\n"));
    }
    std::fs::write(&csv, text).expect("csv");
    let app = app_profile(&bed);
    let state = bed.dir.path().join("state");
    let journal = state.join("verify-journal.jsonl");
    let args = [
        "batch",
        "verify",
        path_str(&csv),
        "-p",
        path_str(&app),
        "--state",
        path_str(&state),
        "-j",
        "1",
        "--json",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_ikou"))
        .args(args)
        .env("IKOU_OLD_ADMIN_PASSWORD", MASTER_PASS)
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ikou");
    let deadline = Instant::now() + Duration::from_secs(120);
    while journal_lines(&journal).len() < 2 {
        assert!(Instant::now() < deadline, "no account finished in 120 s");
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let out = ikou_testbed::bounded::finish_within(child, ikou_testbed::bounded::RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "interrupted exits 2: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let partial: Value = serde_json::from_slice(&out.stdout).expect("a partial report in JSON");
    assert_eq!(partial["interrupted"], true);
    let done: Vec<String> = partial["accounts"]
        .as_array()
        .expect("a")
        .iter()
        .map(|a| a["address"].as_str().expect("s").to_string())
        .collect();
    let not_checked = partial["not_checked"].as_array().expect("n").len();
    assert!(done.len() >= 2 && not_checked >= 1, "{partial}");
    assert_eq!(done.len() + not_checked, ACCOUNTS);
    // The journal holds exactly the finished accounts: consistent with the report.
    let journaled: Vec<String> = journal_lines(&journal)
        .iter()
        .map(|l| l["address"].as_str().expect("s").to_string())
        .collect();
    assert_eq!(
        journaled.iter().collect::<BTreeSet<_>>(),
        done.iter().collect::<BTreeSet<_>>()
    );

    // Resume: only the rest is checked.
    let (code, report, stderr) = ikou(&args, &[("IKOU_OLD_ADMIN_PASSWORD", MASTER_PASS)]);
    assert_eq!(code, 1, "all checked, some differences: {stderr}");
    assert_eq!(report["interrupted"], false);
    assert_eq!(
        report["totals"]["from_earlier_runs"].as_u64(),
        Some(done.len() as u64)
    );
    assert_eq!(report["totals"]["accounts"], ACCOUNTS);
    let lines = journal_lines(&journal);
    assert_eq!(lines.len(), ACCOUNTS, "every account checked exactly once");
    let unique: BTreeSet<&str> = lines
        .iter()
        .map(|l| l["address"].as_str().expect("s"))
        .collect();
    assert_eq!(unique.len(), ACCOUNTS);
    for (i, a) in report["accounts"].as_array().expect("a").iter().enumerate() {
        let expected = if i % 3 == 1 { "ok" } else { "differences" };
        assert_eq!(a["outcome"], expected, "{a}");
    }
}
