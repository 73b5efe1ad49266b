//! Hostile and broken servers: a scripted fake IMAP server (`ikou_testbed::fake_imap`)
//! closes the connection or says BYE between two FETCH responses, answers with UIDs
//! nobody asked for, deletes messages behind the plan's back, never ends a line, announces
//! a huge literal or trickles its greeting. Each case checks the exit status and what the
//! report says, and every case ends within seconds.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use ikou_testbed::fake_imap::{FakeImap, Trick, sample_messages};

const PASSWORD: &str = "fake-pass-9731";

struct Case {
    server: FakeImap,
    dir: tempfile::TempDir,
    profile: PathBuf,
}

impl Case {
    fn start(messages: u32, trick: Trick) -> Case {
        let server = FakeImap::start(sample_messages(messages), trick).expect("fake IMAP");
        let dir = tempfile::tempdir().expect("temp dir");
        let profile = dir.path().join("profile.toml");
        std::fs::write(
            &profile,
            format!(
                r#"[account]
address = "taro@hostile.test"

[old]
host = "127.0.0.1"
username = "{{local}}"
imap = {{ port = {port}, security = "plain" }}
allow_plaintext = true
io_timeout_secs = 3
connect_timeout_secs = 3

[new]
host = "127.0.0.1"
username = "{{local}}"
imap = {{ port = {port}, security = "plain" }}
allow_plaintext = true
"#,
                port = server.port()
            ),
        )
        .expect("write profile");
        Case {
            server,
            dir,
            profile,
        }
    }

    fn archive(&self) -> PathBuf {
        self.dir.path().join("backup.zip")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ikou"));
        c.args(args)
            .env_remove("IKOU_PROFILE")
            .env("IKOU_OLD_PASSWORD", PASSWORD)
            .env("IKOU_NEW_PASSWORD", PASSWORD)
            .env("LANG", "C")
            .stdin(Stdio::null());
        c
    }

    fn backup(&self, json: bool) -> Output {
        let archive = self.archive();
        let mut args = vec!["backup", "-p", path(&self.profile), "-o", path(&archive)];
        if json {
            args.push("--json");
        }
        ikou_testbed::bounded::output_within(
            &mut self.command(&args),
            ikou_testbed::bounded::RUN_LIMIT,
        )
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn archived_entries(archive: &Path) -> usize {
    let file = std::fs::File::open(archive).expect("archive exists");
    let zip = zip::ZipArchive::new(file).expect("zip");
    zip.file_names()
        .filter(|n| n.as_ref().is_ok_and(|n| n.ends_with(".eml")))
        .count()
}

#[test]
fn a_clean_close_between_two_fetch_responses_is_resumed_not_counted_as_vanished() {
    let case = Case::start(6, Trick::CloseAfterBodies(2));
    let out = case.backup(true);
    let v = common::json(&out);
    assert_eq!(v["added"], 6, "{v}");
    assert_eq!(v["folders"][0]["vanished"], 0, "{v}");
    assert!(v["reconnects"].as_u64().unwrap_or(0) >= 1, "{v}");
    assert_eq!(archived_entries(&case.archive()), 6);
    assert!(case.server.connections() >= 2);
}

#[test]
fn a_bye_between_two_fetch_responses_is_resumed_not_counted_as_vanished() {
    let case = Case::start(6, Trick::ByeAfterBodies(2));
    let out = case.backup(false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(text.contains("Added 6 messages"), "{text}");
    assert!(text.contains("now holds 6 messages"), "{text}");
    assert!(!text.contains("deleted on the server"), "{text}");
    assert_eq!(archived_entries(&case.archive()), 6);
}

#[test]
fn swapped_uids_fail_the_run_and_ask_for_another() {
    let case = Case::start(6, Trick::SwapUids);
    let started = Instant::now();
    let out = case.backup(false);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("6 messages that the server lists were not delivered"),
        "{err}"
    );
    assert!(err.contains("run the backup again"), "{err}");
    // The WARN line went to a pipe, not a terminal: no colour codes.
    assert!(err.contains("WARN"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn messages_deleted_during_the_backup_are_vanished_and_the_text_says_so() {
    let case = Case::start(6, Trick::DeleteAfterPlan(vec![2, 5]));
    let out = case.backup(false);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(text.contains("Added 4 messages"), "{text}");
    assert!(
        text.contains("2 messages were deleted on the server during the backup"),
        "{text}"
    );
    assert_eq!(archived_entries(&case.archive()), 4);
}

#[test]
fn pop3_messages_sharing_one_uidl_are_all_kept_and_a_rerun_adds_nothing() {
    use ikou_testbed::fake_pop3::FakePop3;
    let message = |n: u32| {
        format!("Message-ID: <pop-{n}@hostile.test>\r\nSubject: pop {n}\r\n\r\nbody {n}\r\n")
            .into_bytes()
    };
    // Three messages share the UIDL "dup"; one has its own.
    let server = FakePop3::start(vec![
        ("dup".into(), message(1)),
        ("dup".into(), message(2)),
        ("solo".into(), message(3)),
        ("dup".into(), message(4)),
    ])
    .expect("fake POP3");
    let case = Case::start(0, Trick::Honest);
    let profile = std::fs::read_to_string(&case.profile)
        .expect("profile")
        .replace(
            "allow_plaintext = true\nio_timeout_secs",
            &format!(
                "pop3 = {{ port = {}, security = \"plain\" }}\nallow_plaintext = true\nio_timeout_secs",
                server.port()
            ),
        );
    std::fs::write(&case.profile, profile).expect("profile");
    let archive = case.archive();
    let args = [
        "backup",
        "--protocol",
        "pop3",
        "-p",
        path(&case.profile),
        "-o",
        path(&archive),
    ];
    let out = ikou_testbed::bounded::output_within(
        &mut case.command(&args),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(text.contains("Added 4 messages"), "{text}");
    assert!(text.contains("now holds 4 messages"), "{text}");
    assert_eq!(archived_entries(&archive), 4);
    let again = ikou_testbed::bounded::output_within(
        &mut case.command(&args),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{}", common::stderr(&again));
    assert!(text.contains("Added 0 messages"), "{text}");
    assert!(text.contains("now holds 4 messages"), "{text}");
}

/// Runs `ikou args` and returns its output, how long it took and the highest peak memory
/// (VmHWM, KiB) seen while it ran.
fn run_measured(case: &Case, args: &[&str]) -> (Output, Duration, u64) {
    let started = Instant::now();
    let child = case
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run ikou");
    let pid = child.id();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let watcher = {
        let peak = peak.clone();
        std::thread::spawn(move || {
            let status = format!("/proc/{pid}/status");
            while let Ok(text) = std::fs::read_to_string(&status) {
                let Some(line) = text.lines().find(|l| l.starts_with("VmHWM:")) else {
                    break;
                };
                let kib: u64 = line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                peak.fetch_max(kib, std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(20));
            }
        })
    };
    let out = ikou_testbed::bounded::finish_within(child, ikou_testbed::bounded::RUN_LIMIT);
    let _ = watcher.join();
    (
        out,
        started.elapsed(),
        peak.load(std::sync::atomic::Ordering::Relaxed),
    )
}

#[test]
fn a_line_without_end_is_cut_off_at_the_cap_quickly() {
    let case = Case::start(1, Trick::EndlessLine(64 << 20));
    let (out, took, peak_kib) = run_measured(&case, &["folders", "-p", path(&case.profile)]);
    let err = common::stderr(&out);
    eprintln!("endless line: {took:?}, peak {peak_kib} KiB");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line longer than 1 MiB"), "{err}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(peak_kib < 100 << 10, "peak {peak_kib} KiB");
}

#[test]
fn a_slow_loris_greeting_times_out() {
    let case = Case::start(1, Trick::SlowLoris);
    let (out, took, _) = run_measured(&case, &["folders", "-p", path(&case.profile)]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did not finish its reply in time"), "{err}");
    // io_timeout_secs = 3 in the profile.
    assert!(took < Duration::from_secs(12), "took {took:?}");
}

#[test]
fn a_huge_literal_announcement_reserves_nothing() {
    let case = Case::start(1, Trick::HugeLiteral(400_000_000));
    let (out, took, peak_kib) = run_measured(&case, &["folders", "-p", path(&case.profile)]);
    let err = common::stderr(&out);
    eprintln!("huge literal: {took:?}, peak {peak_kib} KiB");
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(took < Duration::from_secs(12), "took {took:?}");
    // async-imap alone would reserve 400 MB for the announced literal.
    assert!(peak_kib < 100 << 10, "peak {peak_kib} KiB: {err}");
}

#[test]
fn a_hundred_thousand_folders_fit_in_little_memory() {
    let case = Case::start(2, Trick::ManyFolders(100_000));
    let (out, _, peak_kib) = run_measured(&case, &["--json", "folders", "-p", path(&case.profile)]);
    eprintln!("100,000 folders: peak {peak_kib} KiB");
    let v = common::json(&out);
    let text = v.to_string();
    assert!(text.contains("folder-99999"), "last folder missing");
    // Each LIST line used to keep a 4 KiB read buffer: 100,000 folders took 465 MB.
    assert!(peak_kib < 200 << 10, "peak {peak_kib} KiB");
}

#[test]
fn timeouts_out_of_range_are_refused_by_the_profile_check() {
    let case = Case::start(0, Trick::Honest);
    for (value, words) in [
        ("18446744073709551615", "longer than ikou waits"),
        ("0", "0 seconds"),
    ] {
        let text = std::fs::read_to_string(&case.profile)
            .expect("profile")
            .replace("io_timeout_secs = 3", &format!("io_timeout_secs = {value}"));
        let p = case.dir.path().join(format!("timeout-{value}.toml"));
        std::fs::write(&p, text).expect("profile");
        for args in [
            vec!["profile", "check", path(&p)],
            vec!["folders", "-p", path(&p)],
        ] {
            let out = ikou_testbed::bounded::output_within(
                &mut case.command(&args),
                ikou_testbed::bounded::RUN_LIMIT,
            );
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                common::stderr(&out)
            );
            assert_ne!(
                out.status.code(),
                Some(0),
                "{args:?} accepted {value}: {all}"
            );
            assert!(!all.contains("panicked"), "{all}");
            assert!(all.contains("io_timeout_secs"), "{all}");
            assert!(all.contains(words), "{all}");
        }
    }
}

#[test]
fn backup_verify_reports_entries_that_extract_refuses() {
    use std::io::Write as _;
    let case = Case::start(2, Trick::Honest);
    let out = case.backup(false);
    assert!(out.status.success(), "{}", common::stderr(&out));
    // The same backup with an entry that climbs out of the target and a symbolic link.
    let evil = case.dir.path().join("evil.zip");
    {
        let mut original =
            zip::ZipArchive::new(std::fs::File::open(case.archive()).expect("open")).expect("zip");
        let mut writer = zip::ZipWriter::new(std::fs::File::create(&evil).expect("create"));
        for i in 0..original.len() {
            let entry = original.by_index_raw(i).expect("entry");
            writer.raw_copy_file(entry).expect("copy");
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        writer.start_file("../escape.eml", options).expect("start");
        writer
            .write_all(b"Subject: out\r\n\r\nx\r\n")
            .expect("write");
        writer
            .add_symlink("INBOX/link.eml", "/etc/passwd", options)
            .expect("symlink");
        writer.finish().expect("finish");
    }
    let out = ikou_testbed::bounded::output_within(
        &mut case.command(&["backup", "verify", path(&evil)]),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}{}", common::stderr(&out));
    let json = ikou_testbed::bounded::output_within(
        &mut case.command(&["--json", "backup", "verify", path(&evil)]),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    assert_eq!(json.status.code(), Some(1), "{}", common::stderr(&json));
    let json_text = serde_json::from_slice::<serde_json::Value>(&json.stdout)
        .expect("JSON")
        .to_string();
    for entry in ["../escape.eml", "INBOX/link.eml"] {
        // For people: one sentence naming the entry and what extract would do.
        assert!(
            text.lines()
                .any(|l| l.contains(entry) && l.contains("extracting would refuse")),
            "{entry} not reported: {text}"
        );
        // For the helpdesk: the problem's kind and entry in the JSON.
        assert!(
            json_text.contains(&format!("\"entry\":\"{entry}\""))
                && json_text.contains("unsafe_entry"),
            "{entry} not in the JSON: {json_text}"
        );
    }
    let target = case.dir.path().join("out");
    let out = ikou_testbed::bounded::output_within(
        &mut case.command(&["backup", "extract", path(&evil), path(&target)]),
        ikou_testbed::bounded::RUN_LIMIT,
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(!case.dir.path().join("escape.eml").exists());
    assert!(!target.join("INBOX").join("link.eml").exists());
}
