//! `ikou batch restore` against real servers: a legacy Dovecot reached with a master user
//! (read-only sessions), an Exchange-like Dovecot written with one application token, and
//! three mailboxes from the migration scenario, each missing the 3 Sent items sent after the
//! central copy. The plan changes nothing; `--apply` puts every one back exactly once; a
//! second run appends nothing; an account whose sign-in the new server refuses is reported
//! while the others finish; a delegated helpdesk account (SASL authzid) on the new server
//! puts back every missing message; Ctrl-C then the same command resumes; the old server
//! never changes.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::admin::{
    DOMAIN, MASTER, MASTER_PASS, app_token, centre_profile, ikou_json, start_pair,
};
use common::path_str;
use ikou_testbed::scenario::{Expected, plan};
use ikou_testbed::{Dovecot, User};
use serde_json::Value;

/// The mailboxes with known missing Sent items (user, scenario seed).
const USERS: [(&str, u64); 3] = [("taro", 31), ("jiro", 32), ("hana", 33)];
/// On both servers, but listed with a new-server login the application may not open.
const REFUSED: &str = "saburo";

struct Bed {
    old: Dovecot,
    new: Dovecot,
    expected: BTreeMap<String, Expected>,
    dir: tempfile::TempDir,
}

fn start() -> Bed {
    let mut expected = BTreeMap::new();
    let mut old_users = Vec::new();
    let mut new_users = Vec::new();
    for (user, seed) in USERS.iter().chain(&[(REFUSED, 34)]) {
        let p = plan(*seed);
        let pass = format!("{user}-pass");
        old_users.push(User::new(user, &pass, p.old));
        new_users.push(User::new(user, &pass, p.new));
        expected.insert((*user).to_string(), p.expected);
    }
    // The new server also knows the helpdesk as a delegated account (SASL authzid).
    let (old, new) = start_pair(old_users, new_users);
    Bed {
        old,
        new,
        expected,
        dir: tempfile::tempdir().expect("tmp"),
    }
}

/// The IT centre's profile: master user on the old server, application token on the new.
fn profile(bed: &Bed) -> PathBuf {
    let token_file = bed.dir.path().join("app.jwt");
    std::fs::write(&token_file, app_token()).expect("token");
    let new_admin = format!(
        "method = \"app-token\"\ntoken_command = \"cat {}\"",
        token_file.display()
    );
    centre(bed, "centre.toml", &new_admin)
}

/// The same with a delegated helpdesk account on the new server (SASL PLAIN, authzid).
fn delegated_profile(bed: &Bed) -> PathBuf {
    let new_admin = format!(
        "method = \"sasl-plain\"\nuser = \"{MASTER}\"\npassword_command = \"echo {MASTER_PASS}\""
    );
    centre(bed, "delegated.toml", &new_admin)
}

fn centre(bed: &Bed, name: &str, new_admin: &str) -> PathBuf {
    centre_profile(
        bed.dir.path(),
        name,
        (&bed.old, &bed.new),
        &format!("method = \"master-user\"\nuser = \"{MASTER}\""),
        "{address}",
        new_admin,
    )
}

fn ikou(args: &[&str]) -> (i32, Value, String) {
    ikou_json(args, &[("IKOU_OLD_ADMIN_PASSWORD", MASTER_PASS)])
}

fn by_user(report: &Value) -> BTreeMap<String, Value> {
    report["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| {
            let address = a["address"].as_str().expect("address");
            let user = address.split('@').next().expect("local");
            (user.to_string(), a.clone())
        })
        .collect()
}

fn restore_counts(a: &Value) -> [u64; 4] {
    ["planned", "appended", "already_present", "failed"].map(|k| {
        a["restore"][k]
            .as_u64()
            .unwrap_or_else(|| panic!("restore.{k} in {a}"))
    })
}

/// Every user's folders with their message counts, UIDNEXT and UIDVALIDITY, and every
/// message's flags, as doveadm sees them.
fn state(server: &Dovecot, users: &[&str]) -> String {
    let mut out = String::new();
    for user in users {
        let mut status: Vec<String> = server
            .doveadm(&[
                "mailbox",
                "status",
                "-u",
                user,
                "messages uidnext uidvalidity unseen highestmodseq",
                "*",
            ])
            .expect("doveadm status")
            .lines()
            .map(str::to_string)
            .collect();
        status.sort();
        out.push_str(&status.join("\n"));
        out.push_str(
            &server
                .doveadm(&["fetch", "-u", user, "mailbox uid flags", "all"])
                .expect("doveadm fetch"),
        );
    }
    out
}

fn all_users() -> Vec<&'static str> {
    USERS.iter().map(|(u, _)| *u).chain([REFUSED]).collect()
}

/// A folder's message count on a server (`doveadm mailbox status`).
fn count(server: &Dovecot, user: &str, folder: &str) -> u64 {
    let line = server
        .doveadm(&["mailbox", "status", "-u", user, "messages", folder])
        .expect("doveadm status");
    line.trim()
        .rsplit_once("messages=")
        .and_then(|(_, n)| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no count in {line:?}"))
}

fn accounts_csv(bed: &Bed, name: &str, copies: usize) -> PathBuf {
    let mut text = String::from("address,old_login,new_login\n");
    for i in 0..copies {
        for (user, _) in USERS {
            if copies == 1 {
                text.push_str(&format!("{user}@{DOMAIN},,\n"));
            } else {
                text.push_str(&format!("{user}{i}@{DOMAIN},{user},{user}@{DOMAIN}\n"));
            }
        }
    }
    if copies == 1 {
        // The application token is for the tenant's own domain: this login is refused.
        text.push_str(&format!(
            "{REFUSED}@{DOMAIN},,{REFUSED}@other-tenant.test\n"
        ));
    }
    let path = bed.dir.path().join(name);
    std::fs::write(&path, text).expect("csv");
    path
}

fn journal_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("journal line is JSON"))
        .collect()
}

#[test]
fn batch_restore_plans_applies_once_and_never_writes_the_old_server() {
    let bed = start();
    let users = all_users();
    let old_before = state(&bed.old, &users);
    let new_before = state(&bed.new, &users);
    let sent_before: BTreeMap<&str, u64> = USERS
        .iter()
        .map(|(u, _)| (*u, count(&bed.new, u, "Sent Items")))
        .collect();
    let p = profile(&bed);
    let csv = accounts_csv(&bed, "accounts.csv", 1);
    let state_dir = bed.dir.path().join("state");
    let common = [
        path_str(&csv),
        "-p",
        path_str(&p),
        "--state",
        path_str(&state_dir),
        "--backoff",
        "0.05",
        "--json",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["batch", "restore"];
        args.extend_from_slice(&common);
        args.extend_from_slice(extra);
        ikou(&args)
    };

    // 1. The plan: exactly each account's three missing Sent items; nothing is written.
    let details = bed.dir.path().join("plan-details");
    let (code, plan, stderr) = run(&["--details", path_str(&details)]);
    assert_eq!(code, 2, "the refused account fails the batch: {stderr}");
    assert_eq!(plan["kind"], "restore");
    assert_eq!(plan["restore"]["applied"], false);
    assert_eq!(plan["restore"]["kind"], "sent");
    assert_eq!(plan["old_access"], "master user helpdesk (owner*helpdesk)");
    assert_eq!(plan["new_access"], "application token");
    let accounts = by_user(&plan);
    for (user, _) in USERS {
        let a = &accounts[user];
        let e = &bed.expected[user];
        assert_eq!(a["outcome"], "differences", "{a}");
        assert_eq!(restore_counts(a), [3, 0, 0, 0], "{a}");
        let bytes: u64 = e.missing_on_new.iter().map(|m| m.size).sum();
        assert_eq!(a["restore"]["planned_bytes"].as_u64(), Some(bytes), "{a}");
        assert_eq!(a["counts"]["sent_missing"], 3, "{a}");
        // The detail file names exactly the scenario's missing Sent items.
        let detail: Value = serde_json::from_slice(
            &std::fs::read(details.join(format!("{user}@{DOMAIN}.json"))).expect("detail"),
        )
        .expect("json");
        let planned: BTreeSet<String> = detail["plan"]
            .as_array()
            .expect("plan")
            .iter()
            .map(|i| i["key"].as_str().expect("key").to_string())
            .collect();
        let wanted: BTreeSet<String> = e
            .missing_on_new
            .iter()
            .map(|m| {
                let id = m.message_id.as_deref().expect("id");
                format!("mid:{}", id.trim_matches(|c| c == '<' || c == '>'))
            })
            .collect();
        assert_eq!(planned, wanted, "{user}");
    }
    let refused = &accounts[REFUSED];
    assert_eq!(refused["outcome"], "failed", "{refused}");
    let error = refused["error"].as_str().expect("error");
    assert!(error.contains("sign-in rejected"), "{error}");
    assert_eq!(refused["attempts"], 1, "a refused sign-in is not retried");
    assert_eq!(plan["restore"]["planned"], 9);
    assert_eq!(
        state(&bed.new, &users),
        new_before,
        "the plan writes nothing"
    );
    assert!(
        state_dir.join("restore-sent-plan-journal.jsonl").is_file(),
        "the plan has its own journal"
    );

    // The text face says it was only a plan.
    let mut args = vec!["batch", "restore"];
    args.extend_from_slice(&common[..common.len() - 1]);
    args.push("--again");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ikou"));
    command
        .args(&args)
        .env("IKOU_OLD_ADMIN_PASSWORD", MASTER_PASS)
        .env("LANG", "C")
        .stdin(Stdio::null());
    let out = ikou_testbed::bounded::output_within(&mut command, ikou_testbed::bounded::RUN_LIMIT);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("3 messages to restore") && text.contains("--apply"),
        "{text}"
    );
    assert_eq!(state(&bed.new, &users), new_before);

    // 2. Apply, with the per-account CSV: every missing Sent item appended once.
    let report_csv = bed.dir.path().join("restore.csv");
    let (code, done, stderr) = run(&["--apply", "--csv", path_str(&report_csv)]);
    assert_eq!(code, 2, "the refused account still fails: {stderr}");
    assert_eq!(done["restore"]["applied"], true);
    assert_eq!(done["restore"]["appended"], 9, "{done}");
    let accounts = by_user(&done);
    for (user, _) in USERS {
        let a = &accounts[user];
        assert_eq!(a["outcome"], "ok", "{a}");
        assert_eq!(restore_counts(a), [3, 3, 0, 0], "{a}");
        assert_eq!(
            count(&bed.new, user, "Sent Items"),
            sent_before[user] + 3,
            "{user}: exactly the three, once"
        );
    }
    assert_eq!(accounts[REFUSED]["outcome"], "failed");
    let csv_text = std::fs::read_to_string(&report_csv).expect("csv");
    assert!(
        csv_text.starts_with("\u{feff}address,status,verdict,applied,planned,"),
        "{csv_text}"
    );
    assert_eq!(csv_text.lines().count(), 5, "{csv_text}");
    assert!(
        csv_text.contains(&format!("taro@{DOMAIN},ok,")),
        "{csv_text}"
    );
    assert!(
        csv_text.contains(&format!("{REFUSED}@{DOMAIN},failed,")),
        "{csv_text}"
    );
    let after_apply = state(&bed.new, &users);

    // 3. The same command again: the finished accounts come from the journal, the refused
    //    one is tried again; nothing is added.
    let (_, again, _) = run(&["--apply"]);
    assert_eq!(again["totals"]["from_earlier_runs"], 3, "{again}");
    for a in again["accounts"].as_array().expect("a") {
        if a["earlier_run"] != true && a["outcome"] != "failed" {
            assert_eq!(a["restore"]["appended"], 0, "{a}");
        }
    }
    assert_eq!(
        state(&bed.new, &users),
        after_apply,
        "the rerun adds nothing"
    );
    assert_eq!(
        journal_lines(&state_dir.join("restore-sent-journal.jsonl")).len(),
        5,
        "4 accounts, then the failed one again"
    );
    // Checking every account again finds nothing left to put back.
    let (code, fresh, stderr) = run(&["--apply", "--again"]);
    assert_eq!(code, 2, "{stderr}");
    let accounts = by_user(&fresh);
    for (user, _) in USERS {
        let a = &accounts[user];
        assert_eq!(a["outcome"], "ok", "{a}");
        assert_eq!(restore_counts(a), [0, 0, 0, 0], "{a}");
        assert_eq!(a["counts"]["sent_missing"], 0, "{a}");
    }
    assert_eq!(state(&bed.new, &users), after_apply, "a rerun adds nothing");

    // 4. Wider: every missing message, with the folders the copy left out.
    let (code, wide, stderr) = run(&["--kind", "missing"]);
    assert_eq!(code, 2, "{stderr}");
    let accounts = by_user(&wide);
    for (user, _) in USERS {
        let e = &bed.expected[user];
        let in_unmapped: u64 = e.unmapped_folders.iter().map(|u| u.messages).sum();
        let a = &accounts[user];
        assert!(in_unmapped > 0, "the scenario leaves a folder out");
        assert_eq!(a["restore"]["planned"].as_u64(), Some(in_unmapped), "{a}");
        assert_eq!(
            a["restore"]["folders_to_create"].as_u64(),
            Some(e.unmapped_folders.len() as u64),
            "{a}"
        );
        assert_eq!(
            a["restore"]["oversize"].as_u64(),
            Some(e.oversize.len() as u64),
            "too large: reported, never planned: {a}"
        );
    }
    assert_eq!(
        state(&bed.new, &users),
        after_apply,
        "a plan writes nothing"
    );

    // 5. Applied through a delegated helpdesk account on the new server: the left-out
    //    folders are created and filled, once.
    let delegated = delegated_profile(&bed);
    let wide_state = bed.dir.path().join("state-wide");
    let wide_args = [
        "batch",
        "restore",
        path_str(&csv),
        "-p",
        path_str(&delegated),
        "--state",
        path_str(&wide_state),
        "--kind",
        "missing",
        "--apply",
        "--json",
    ];
    let (code, applied, stderr) = ikou(&wide_args);
    // The delegated account may open every mailbox (the application token only the
    // tenant's): every account is restored, the oversize messages stay as differences.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(applied["totals"]["failed"], 0, "{applied}");
    assert_eq!(
        applied["new_access"], "SASL PLAIN as helpdesk with authzid",
        "{applied}"
    );
    let accounts = by_user(&applied);
    for (user, _) in USERS {
        let e = &bed.expected[user];
        let in_unmapped: u64 = e.unmapped_folders.iter().map(|u| u.messages).sum();
        let a = &accounts[user];
        assert_eq!(restore_counts(a), [in_unmapped, in_unmapped, 0, 0], "{a}");
        assert_eq!(a["outcome"], "differences", "the oversize one is left: {a}");
    }
    let after_wide = state(&bed.new, &users);
    let mut again_args = wide_args.to_vec();
    again_args.push("--again");
    let (_, again, _) = ikou(&again_args);
    for (user, _) in USERS {
        let a = &by_user(&again)[user];
        assert_eq!(restore_counts(a), [0, 0, 0, 0], "{a}");
        assert_eq!(a["counts"]["missing"], 0, "nothing missing any more: {a}");
    }
    assert_eq!(state(&bed.new, &users), after_wide, "a rerun adds nothing");

    assert_eq!(
        state(&bed.old, &users),
        old_before,
        "the old server must not change"
    );
}

#[test]
fn interrupted_batch_restore_resumes_and_appends_each_message_once() {
    let bed = start();
    let users = all_users();
    let old_before = state(&bed.old, &users);
    let sent_before: BTreeMap<&str, u64> = USERS
        .iter()
        .map(|(u, _)| (*u, count(&bed.new, u, "Sent Items")))
        .collect();
    let p = profile(&bed);
    // Each mailbox under several addresses (logins from the CSV), one connection per
    // server: the batch runs long enough to be interrupted after two accounts.
    const COPIES: usize = 6;
    let csv = accounts_csv(&bed, "many.csv", COPIES);
    let state_dir = bed.dir.path().join("state");
    let journal = state_dir.join("restore-sent-journal.jsonl");
    let args = [
        "batch",
        "restore",
        path_str(&csv),
        "-p",
        path_str(&p),
        "--state",
        path_str(&state_dir),
        "-j",
        "1",
        "--apply",
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
        if Instant::now() >= deadline {
            let out = ikou_testbed::bounded::finish_within(child, Duration::from_secs(1));
            panic!(
                "no account finished in 120 s: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
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
    let partial: Value = serde_json::from_slice(&out.stdout).expect("a partial report in JSON");
    assert_eq!(partial["interrupted"], true, "{partial}");
    let done: BTreeSet<String> = partial["accounts"]
        .as_array()
        .expect("a")
        .iter()
        .map(|a| a["address"].as_str().expect("s").to_string())
        .collect();
    let not_checked = partial["not_checked"].as_array().expect("n").len();
    assert!(done.len() >= 2 && not_checked >= 1, "{partial}");
    assert_eq!(done.len() + not_checked, COPIES * USERS.len());
    let journaled: BTreeSet<String> = journal_lines(&journal)
        .iter()
        .map(|l| l["address"].as_str().expect("s").to_string())
        .collect();
    assert_eq!(
        journaled, done,
        "the journal holds exactly the finished accounts"
    );

    // The same command continues with the rest only.
    let (code, report, stderr) = ikou(&args);
    assert_eq!(code, 0, "all restored: {stderr}");
    assert_eq!(report["interrupted"], false);
    assert_eq!(
        report["totals"]["from_earlier_runs"].as_u64(),
        Some(done.len() as u64)
    );
    let lines = journal_lines(&journal);
    assert_eq!(
        lines.len(),
        COPIES * USERS.len(),
        "every account exactly once"
    );
    // Whatever the moment of the interruption, each mailbox got its three Sent items once.
    for (user, _) in USERS {
        assert_eq!(
            count(&bed.new, user, "Sent Items"),
            sent_before[user] + 3,
            "{user}"
        );
    }
    let appended: u64 = lines
        .iter()
        .map(|l| l["restore"]["appended"].as_u64().expect("appended"))
        .sum();
    assert!(appended <= 9, "{appended} appended over both runs");
    assert_eq!(
        state(&bed.old, &users),
        old_before,
        "the old server must not change"
    );
}
