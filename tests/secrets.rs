//! No log level shows a secret. Every command runs with `IKOU_LOG=trace` (the most verbose
//! setting there is) against the scripted IMAP server, signing in with LOGIN, AUTHENTICATE
//! PLAIN, XOAUTH2 and OAUTHBEARER, and as an admin (master user, SASL PLAIN with authzid,
//! application token). Neither stderr nor stdout nor any file the run leaves behind may
//! hold a password or token, raw or base64-encoded at any alignment.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ikou_testbed::fake_imap::{FakeImap, Trick, sample_messages};

const OLD_PASSWORD: &str = "Old-pw-5e3cR3t-71";
const NEW_PASSWORD: &str = "New-pw-q8Zt-3310";
const OLD_TOKEN: &str = "old-token.eyJhbGciOiJub25lIn0.k2P9w";
const NEW_TOKEN: &str = "new-token.eyJzdWIiOiJ0YXJvIn0.Zq81";
const ADMIN_PASSWORD: &str = "Adm1n-master-4422-x";
const APP_TOKEN: &str = "app-token.eyJyb2xlcyI6WyJJTUFQIl19.m3Rk";

const SECRETS: [&str; 6] = [
    OLD_PASSWORD,
    NEW_PASSWORD,
    OLD_TOKEN,
    NEW_TOKEN,
    ADMIN_PASSWORD,
    APP_TOKEN,
];

/// Every form a secret could take in a log: raw, and base64 at each of the three
/// alignments it can have inside a longer base64 blob (SASL PLAIN, XOAUTH2, OAUTHBEARER).
fn forms(secret: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut out = vec![secret.to_string()];
    for pad in 0..3 {
        let mut data = vec![b'\x01'; pad];
        data.extend_from_slice(secret.as_bytes());
        let encoded = b64.encode(&data);
        // Drop the characters that also depend on the bytes around the secret.
        let start = if pad == 0 { 0 } else { 4 };
        let end = encoded.len().saturating_sub(4);
        if end > start + 8 {
            out.push(encoded[start..end].to_string());
        }
    }
    out
}

fn leaks(text: &str) -> Vec<String> {
    SECRETS
        .iter()
        .flat_map(|s| forms(s))
        .filter(|f| text.contains(f.as_str()))
        .collect()
}

fn profile(dir: &Path, name: &str, port: u16, old: &str, new: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            r#"[account]
address = "taro@hostile.test"

[old]
host = "127.0.0.1"
username = "{{local}}"
imap = {{ port = {port}, security = "plain" }}
allow_plaintext = true
io_timeout_secs = 5
{old}

[new]
host = "127.0.0.1"
username = "{{local}}"
imap = {{ port = {port}, security = "plain" }}
allow_plaintext = true
io_timeout_secs = 5
{new}
"#
        ),
    )
    .expect("profile");
    path
}

/// Runs ikou at the most verbose log level; returns stdout + stderr. Never longer than 60 s.
fn run(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ikou"))
        .args(args)
        .current_dir(dir)
        .env_remove("IKOU_PROFILE")
        .env("IKOU_LOG", "trace")
        .env("LANG", "C")
        .env("HOME", dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("IKOU_OLD_PASSWORD", OLD_PASSWORD)
        .env("IKOU_NEW_PASSWORD", NEW_PASSWORD)
        .env("IKOU_OLD_TOKEN", OLD_TOKEN)
        .env("IKOU_NEW_TOKEN", NEW_TOKEN)
        .env("IKOU_OLD_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("IKOU_NEW_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("IKOU_NEW_ADMIN_TOKEN", APP_TOKEN)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ikou");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "ikou {args:?} did not end within 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut text = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut text);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut text);
    }
    text
}

/// Text of every file under `dir` (zip archives are read entry by entry).
fn files_text(dir: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "zip") {
                if let Ok(mut zip) = std::fs::File::open(&p)
                    .map_err(|e| e.to_string())
                    .and_then(|f| zip::ZipArchive::new(f).map_err(|e| e.to_string()))
                {
                    for i in 0..zip.len() {
                        if let Ok(mut f) = zip.by_index(i) {
                            let mut bytes = Vec::new();
                            let _ = f.read_to_end(&mut bytes);
                            out.push_str(&String::from_utf8_lossy(&bytes));
                        }
                    }
                }
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    out
}

#[test]
fn the_forms_of_a_secret_are_found_inside_sasl_blobs() {
    let b64 = base64::engine::general_purpose::STANDARD;
    let plain = b64.encode(format!("\0taro\0{OLD_PASSWORD}"));
    let xoauth2 = b64.encode(format!("user=taro\x01auth=Bearer {NEW_TOKEN}\x01\x01"));
    let bearer = b64.encode(format!("n,a=taro,\x01auth=Bearer {OLD_TOKEN}\x01\x01"));
    assert!(!leaks(&plain).is_empty());
    assert!(!leaks(&xoauth2).is_empty());
    assert!(!leaks(&bearer).is_empty());
    assert!(leaks("nothing secret here").is_empty());
}

#[test]
fn no_command_shows_a_secret_at_the_most_verbose_log_level() {
    // XOAUTH2 is used unless the server offers OAUTHBEARER; the second pass offers it.
    for (trick, only) in [
        (Trick::Honest, None),
        (Trick::OffersOAuthBearer, Some("bearer")),
    ] {
        let server = FakeImap::start(sample_messages(3), trick.clone()).expect("fake IMAP");
        let port = server.port();
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        let csv = d.join("accounts.csv");
        std::fs::write(&csv, "address\ntaro@hostile.test\njiro@hostile.test\n").expect("csv");
        let profiles = [
            profile(
                d,
                "login.toml",
                port,
                "auth = \"login\"",
                "auth = \"xoauth2\"",
            ),
            profile(
                d,
                "plain.toml",
                port,
                "auth = \"plain\"",
                "auth = \"plain\"",
            ),
            profile(
                d,
                "bearer.toml",
                port,
                "auth = \"xoauth2\"",
                "auth = \"login\"",
            ),
            profile(
                d,
                "admin.toml",
                port,
                "[old.admin]\nmethod = \"master-user\"\nuser = \"helpdesk\"",
                "[new.admin]\nmethod = \"app-token\"",
            ),
            profile(
                d,
                "sasl.toml",
                port,
                "[old.admin]\nmethod = \"sasl-plain\"\nuser = \"helpdesk\"",
                "[new.admin]\nmethod = \"sasl-plain\"\nuser = \"helpdesk\"",
            ),
        ];
        let mut everything = String::new();
        let mut logins_seen = 0;
        for p in &profiles {
            let p = p.to_str().expect("utf-8");
            let name = Path::new(p)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("x")
                .to_string();
            if only.is_some_and(|o| o != name) {
                continue;
            }
            let zip = format!("{name}.zip");
            let snap = format!("{name}.json");
            let state = format!("{name}-state");
            let commands: Vec<Vec<&str>> = vec![
                vec!["profile", "check", p],
                vec!["folders", "-p", p],
                vec!["folders", "-p", p, "--server", "new"],
                vec!["quota", "-p", p],
                vec!["snapshot", "-p", p, "-o", &snap],
                vec!["verify", "-p", p, "--csv", "findings.csv"],
                vec!["verify", "-p", p, "--old-from", &snap],
                vec!["restore", "-p", p],
                vec!["backup", "-p", p, "-o", &zip],
                vec!["backup", "verify", &zip, "-p", p],
                vec!["backup", "extract", &zip, "--dir", "extracted"],
                vec!["settings", "-p", p],
                vec!["--json", "folders", "-p", p],
                vec![
                    "batch",
                    "snapshot",
                    "-p",
                    p,
                    "--state",
                    &state,
                    "--retries",
                    "0",
                    "--csv",
                    "b.csv",
                ],
                vec![
                    "batch",
                    "verify",
                    "-p",
                    p,
                    "--state",
                    &state,
                    "--retries",
                    "0",
                    "--details",
                    "details",
                ],
            ];
            let mut commands = commands;
            if name == "login" {
                commands.push(vec![
                    "doctor",
                    "-p",
                    p,
                    "--login",
                    "--no-client",
                    "--timeout",
                    "3",
                    "--dns-server",
                    "127.0.0.1:9",
                ]);
            }
            for mut args in commands {
                if args[0] == "batch" {
                    args.push(csv.to_str().expect("utf-8"));
                }
                let text = run(d, &args);
                let found = leaks(&text);
                assert!(found.is_empty(), "ikou {args:?} shows {found:?}:\n{text}");
                everything.push_str(&text);
            }
            logins_seen = server.logins().len();
        }
        // The runs did sign in (the checks above would be empty words otherwise), and
        // async-imap's trace was asked for.
        assert!(logins_seen > 5, "only {logins_seen} sign-ins");
        assert!(
            everything.contains("TRACE")
                || everything.contains("DEBUG")
                || everything.contains("INFO"),
            "no log lines at all"
        );
        let files = files_text(d);
        let found = leaks(&files);
        assert!(found.is_empty(), "files hold {found:?}");
    }
}
