//! Against a new server that signs in the way Exchange Online does: only XOAUTH2 (no
//! OAUTHBEARER, no password), no QUOTA, well-known folders named in Japanese (送信済みアイテム,
//! 削除済みアイテム, 迷惑メール, 下書き, アーカイブ). The token is the one `ikou login` saved
//! at the Authlib authorization server (tests/oauth/idp.py); there is no token_env and no
//! token_command, so every command below reaches the new server only through ikou's cache.

mod common;
mod oauth_support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ikou_testbed::Auth;
use ikou_testbed::scenario::{FolderLanguage, Migration};
use oauth_support::*;

fn exchange_like(idp: &Idp, seed: u64) -> Migration {
    Migration::start_with(
        seed,
        FolderLanguage::Japanese,
        Auth::Xoauth2Only {
            introspection_url: format!(
                "http://dovecot:dovecot-introspection-secret@127.0.0.1:{}/introspect",
                idp.port
            ),
        },
    )
    .unwrap_or_else(|e| panic!("both Dovecot servers must start for this test: {e:#}"))
}

/// Old server: password from a command. New server: XOAUTH2 with ikou's own sign-in only.
fn profile(m: &Migration, idp: &Idp, dir: &Path, old_password: bool) -> PathBuf {
    let password = if old_password {
        format!("password_command = \"echo {}\"\n", m.password)
    } else {
        String::new()
    };
    let text = format!(
        r#"[account]
address = "{user}@example-univ.test"

[old]
host = "{oh}"
username = "{user}"
imap = {{ port = {op}, security = "tls" }}
pop3 = {{ port = {opp}, security = "tls" }}
ca_file = "{oca}"
{password}
[new]
host = "{nh}"
username = "{user}"
auth = "xoauth2"
imap = {{ port = {np}, security = "tls" }}
ca_file = "{nca}"

[new.oauth]
tenant = "example-univ.test"
client_id = "{CLIENT_ID}"
authority = "{authority}"

[limits]
max_message_mb = 35
"#,
        user = m.user,
        oh = m.old.host(),
        op = m.old.imaps_port(),
        opp = m.old.pop3s_port(),
        oca = m.old.ca_file().display(),
        nh = m.new.host(),
        np = m.new.imaps_port(),
        nca = m.new.ca_file().display(),
        authority = idp.authority(),
    );
    let path = dir.join(if old_password {
        "exchange.toml"
    } else {
        "exchange-prompt.toml"
    });
    std::fs::write(&path, text).expect("write profile");
    path
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", text(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

#[test]
fn every_command_reaches_the_xoauth2_only_server_with_the_saved_sign_in() {
    let idp = Idp::start(&["--interval", "1"]);
    let m = exchange_like(&idp, 11);
    let dir = tempfile::tempdir().expect("tmp");
    let cache = tempfile::tempdir().expect("cache");
    let cache = cache.path();
    let profile = profile(&m, &idp, dir.path(), true);
    let p = profile.to_str().expect("utf-8");

    // No saved sign-in and no terminal: one line in Japanese that names `ikou login`.
    let out = ikou(
        cache,
        &["--lang", "ja", "folders", "--server", "new", "-p", p],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("サインインしていません") && err.contains("ikou login"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");

    let out = login(cache, &profile, &idp, Some("approve"));
    assert!(out.status.success(), "{}", text(&out));

    // folders and quota of the new server.
    let folders = json_of(&ikou(
        cache,
        &["--json", "folders", "--server", "new", "-p", p],
    ));
    let names: Vec<&str> = folders["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    for name in [
        "送信済みアイテム",
        "削除済みアイテム",
        "迷惑メール",
        "下書き",
        "アーカイブ",
    ] {
        assert!(names.contains(&name), "{name} listed: {names:?}");
    }
    let quota = json_of(&ikou(
        cache,
        &["--json", "quota", "--server", "new", "-p", p],
    ));
    assert_eq!(
        quota["quota"]["reported_by_server"], false,
        "no QUOTA capability: {quota}"
    );
    let log = m.new.log();
    assert!(log.contains("method=XOAUTH2"), "XOAUTH2 used: {log}");
    assert!(!log.contains("method=OAUTHBEARER"), "{log}");

    // verify: the known differences, with the Japanese folders mapped.
    let out = ikou(cache, &["--json", "verify", "-p", p]);
    assert_eq!(out.status.code(), Some(1), "differences: {}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let summary = &report["summary"];
    assert_eq!(summary["sent_missing"], 3, "{summary}");
    assert_eq!(
        summary["duplicates"].as_u64(),
        Some(m.expected.pop_duplicates.len() as u64)
    );
    let mapping = report["mapping"].as_array().expect("mapping");
    assert!(
        mapping
            .iter()
            .any(|l| l["old"] == "INBOX.Sent" && l["new"] == "送信済みアイテム"),
        "{mapping:?}"
    );

    // restore: the three Sent messages appended to 送信済みアイテム, once.
    let out = ikou(cache, &["--json", "restore", "--apply", "-p", p]);
    let restored = json_of(&out);
    assert_eq!(restored["appended"], 3, "{restored}");
    let again = json_of(&ikou(cache, &["--json", "restore", "--apply", "-p", p]));
    assert_eq!(again["appended"], 0, "idempotent: {again}");

    // backup of the new server, and its check against that server.
    let zip = dir.path().join("new.zip");
    let z = zip.to_str().expect("utf-8");
    let out = ikou(
        cache,
        &["--json", "backup", "--server", "new", "-p", p, "-o", z],
    );
    let backup = json_of(&out);
    assert!(backup["messages"].as_u64() > Some(0), "{backup}");
    let out = ikou(
        cache,
        &["--json", "backup", "verify", z, "-p", p, "--server", "new"],
    );
    let checked = json_of(&out);
    assert_eq!(checked["server"]["differences"], 0, "{checked}");

    // doctor's login test signs in to the new server with the saved sign-in (XOAUTH2).
    let out = ikou(
        cache,
        &[
            "--json",
            "doctor",
            "-p",
            p,
            "--no-client",
            "--login",
            "--timeout",
            "30",
        ],
    );
    let doctor: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor JSON ({e}): {}", text(&out)));
    let new_imap = format!("IMAP {}:{} ({})", m.new.host(), m.new.imaps_port(), m.user);
    let login: Vec<(&str, &str)> = doctor["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["area"] == "login" && f["subject"] == new_imap.as_str())
        .map(|f| {
            (
                f["id"].as_str().unwrap_or(""),
                f["severity"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(login, [("login-ok", "ok")], "{doctor:#}");

    // ikou local upload: a message kept only in Thunderbird's Local Folders goes to the new
    // server with the saved sign-in (plan, apply, then nothing left).
    let tb = dir.path().join("thunderbird");
    let tb_profile = tb.join("p1.default-release");
    let local = tb_profile.join("Mail").join("Local Folders");
    std::fs::create_dir_all(&local).expect("mkdir");
    std::fs::write(
        tb.join("profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=p1.default-release\nDefault=1\n",
    )
    .expect("profiles.ini");
    std::fs::write(
        tb_profile.join("prefs.js"),
        "user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
         user_pref(\"mail.account.account1.server\", \"server1\");\n\
         user_pref(\"mail.server.server1.directory-rel\", \"[ProfD]Mail/Local Folders\");\n\
         user_pref(\"mail.server.server1.hostname\", \"Local Folders\");\n\
         user_pref(\"mail.server.server1.name\", \"Local Folders\");\n\
         user_pref(\"mail.server.server1.type\", \"none\");\n\
         user_pref(\"mail.server.server1.userName\", \"nobody\");\n",
    )
    .expect("prefs.js");
    std::fs::write(
        local.join("保存用"),
        "From - Tue Jan 02 10:00:00 2024\nMessage-ID: <kept-on-pc@example-univ.test>\n\
         Date: Tue, 2 Jan 2024 09:00:00 +0900\nFrom: Taro <taro@example-univ.test>\n\
         Subject: PC only\n\nkept on this PC only\n\n",
    )
    .expect("mbox");
    let upload = |apply: bool| {
        let mut args = vec![
            "--json",
            "local",
            "upload",
            "--thunderbird",
            tb.to_str().expect("utf-8"),
            "-p",
            p,
        ];
        if apply {
            args.push("--apply");
        }
        json_of(&ikou(cache, &args))
    };
    let plan = upload(false);
    assert_eq!(plan["plan"].as_array().map(Vec::len), Some(1), "{plan:#}");
    let done = upload(true);
    assert_eq!(done["appended"], 1, "{done:#}");
    let again = upload(false);
    assert_eq!(again["plan"].as_array().map(Vec::len), Some(0), "{again:#}");

    // The support report reads the new server the same way, and holds no token.
    let report_file = dir.path().join("report.json");
    let out = ikou(
        cache,
        &[
            "report",
            "-p",
            p,
            "--no-doctor",
            "-o",
            report_file.to_str().expect("utf-8"),
        ],
    );
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "report: {}",
        text(&out)
    );
    let written = std::fs::read_to_string(&report_file).expect("report written");
    let support: serde_json::Value = serde_json::from_str(&written).expect("report JSON");
    // Verify ran (both servers reached): its part carries a state code, not an error.
    assert!(
        support["verify"]["state_code"]
            .as_str()
            .is_some_and(|c| c.starts_with('V')),
        "{support:#}"
    );
    for file in token_files(cache) {
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect("token")).expect("json");
        let token = saved["access_token"].as_str().unwrap_or("");
        assert!(
            !token.is_empty() && !written.contains(token),
            "no access token in the report"
        );
    }

    // The saved access token has expired: refreshed before use, no prompt.
    let file = &token_files(cache)[0];
    let mut stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
    stored["expires_at"] = serde_json::json!(chrono_now() - 10);
    std::fs::write(file, stored.to_string()).expect("write");
    let before = idp.stats()["refresh"].as_u64().unwrap_or(0);
    json_of(&ikou(
        cache,
        &["--json", "folders", "--server", "new", "-p", p],
    ));
    assert_eq!(
        idp.stats()["refresh"].as_u64(),
        Some(before + 1),
        "refreshed once"
    );
}

/// Runs ikou on a pseudo-terminal and returns what the terminal showed once `until` appears;
/// `answer` is typed when `wait_for` shows up.
fn on_terminal(cache: &Path, args: &[&str], wait_for: &str, answer: &str) -> (String, bool) {
    let line = std::iter::once(env!("CARGO_BIN_EXE_ikou"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut child = Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("IKOU_CACHE_DIR", cache)
        .env("LANG", "C")
        .env("COLUMNS", "100")
        .env_remove("IKOU_NEW_TOKEN")
        .env_remove("IKOU_OLD_PASSWORD")
        .env_remove("IKOU_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux `script` runs ikou on a terminal");
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 || tx.send(chunk[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + ikou_testbed::bounded::RUN_LIMIT;
    let mut seen = Vec::new();
    let text = |seen: &[u8]| String::from_utf8_lossy(seen).into_owned();
    while !text(&seen).contains(wait_for) {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(chunk) => seen.extend_from_slice(&chunk),
            Err(_) => {
                let _ = ikou_testbed::bounded::wait_within(&mut child, Duration::ZERO);
                panic!("{wait_for:?} not shown within 60 s: {}", text(&seen));
            }
        }
    }
    let before_answer = text(&seen);
    let mut stdin = child.stdin.take().expect("stdin");
    // The prompt is printed before the terminal's echo is turned off, and turning it off
    // discards what was typed ahead (TCSAFLUSH): typed too early, the answer is echoed and
    // then lost. Like a person whose typing was lost, type again until something other
    // than the echo of the typing appears; lines typed after the password was taken are
    // never read.
    let mut answered = false;
    for _ in 0..20 {
        writeln!(stdin, "{answer}").expect("type the answer");
        stdin.flush().expect("flush");
        let typed_at = seen.len();
        let quiet_until = Instant::now() + Duration::from_secs(3);
        while let Some(left) = quiet_until.checked_duration_since(Instant::now()) {
            let Ok(chunk) = rx.recv_timeout(left) else {
                break;
            };
            seen.extend_from_slice(&chunk);
            let since = text(&seen[typed_at..]).replace(answer, "");
            if since.chars().any(|c| !c.is_whitespace() && !c.is_control()) {
                answered = true;
                break;
            }
        }
        if answered {
            break;
        }
    }
    assert!(
        answered,
        "nothing happened after typing the answer: {}",
        text(&seen)
    );
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(chunk) => seen.extend_from_slice(&chunk),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
    }
    drop(stdin);
    let status = ikou_testbed::bounded::wait_within(&mut child, Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("ikou did not finish in time: {}", text(&seen)));
    (before_answer, status.success())
}

#[test]
fn japanese_password_prompt_comes_before_the_backup_progress_bar() {
    let idp = Idp::start(&[]);
    let m = exchange_like(&idp, 12);
    let dir = tempfile::tempdir().expect("tmp");
    let cache = tempfile::tempdir().expect("cache");
    let profile = profile(&m, &idp, dir.path(), false);
    let zip = dir.path().join("old.zip");
    let (shown, ok) = on_terminal(
        cache.path(),
        &[
            "--lang",
            "ja",
            "backup",
            "-p",
            profile.to_str().expect("utf-8"),
            "-o",
            zip.to_str().expect("utf-8"),
            "--folder",
            "Drafts",
        ],
        "パスワード",
        &m.password,
    );
    assert!(
        shown.contains("旧サーバー") && shown.contains(&m.user),
        "the prompt names the server and the user in Japanese: {shown}"
    );
    assert!(
        !shown.contains("全体") && !shown.contains("0 B/0 B"),
        "no progress bar before the password is typed: {shown}"
    );
    assert!(ok, "the backup ran after the password was typed");
    assert!(zip.exists(), "the archive was written");
}
