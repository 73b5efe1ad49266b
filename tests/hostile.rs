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
        self.command(&args).output().expect("run ikou")
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
