//! # `ikou backup` against a real Dovecot
//!
//! Round trip (every zip entry byte-identical to the corpus the server holds, manifest
//! counts equal STATUS, Info-ZIP accepts the archive and its UTF-8 names), the old server
//! left unchanged, incremental runs (new mail, changed UIDVALIDITY), and faults: the
//! server stopped and restarted mid-run, the process killed with SIGKILL mid-run. POP3
//! backups read with TOP so nothing is marked as read, with the same bytes as RETR.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use common::*;
use ikou::archive::{ArchiveReader, Manifest};
use ikou::profile::Profile;
use ikou::service::AccountRef;
use ikou::service::backup::{self, BackupEvent, BackupOptions, BackupResult};
use sha2::{Digest, Sha256};

/// Folder (server name, as in the manifest) -> sorted SHA-256 of every message.
type Digests = BTreeMap<String, Vec<String>>;

fn corpus_digests(account: &Account) -> Digests {
    account
        .corpus
        .folders
        .iter()
        .map(|f| {
            let mut d: Vec<String> = f.messages.iter().map(|m| m.sha256()).collect();
            d.sort();
            (account.server.server_mailbox_name(&f.name), d)
        })
        .collect()
}

/// Reads every entry back and hashes the bytes (not trusting the manifest's sha256).
fn archive_digests(path: &Path) -> (Manifest, Digests) {
    let mut reader = ArchiveReader::open(path).expect("open archive");
    let manifest = reader.manifest().clone();
    let mut digests: Digests = manifest
        .folders
        .iter()
        .map(|f| (f.name.clone(), Vec::new()))
        .collect();
    for m in &manifest.messages {
        let bytes = reader.read_message(m).expect("read entry");
        assert_eq!(bytes.len() as u64, m.size, "{}", m.entry);
        let sha = hex::encode(Sha256::digest(&bytes));
        assert_eq!(sha, m.sha256, "manifest hash of {}", m.entry);
        digests.entry(m.folder.clone()).or_default().push(sha);
    }
    for d in digests.values_mut() {
        d.sort();
    }
    (manifest, digests)
}

/// No (folder, uid) or entry appears twice.
fn assert_no_duplicates(manifest: &Manifest) {
    let mut keys = BTreeSet::new();
    let mut entries = BTreeSet::new();
    for m in &manifest.messages {
        let key = (m.folder.clone(), m.uid, m.uidl.clone(), m.uid_validity);
        assert!(keys.insert(key), "duplicate key for {}", m.entry);
        assert!(
            entries.insert(m.entry.clone()),
            "duplicate entry {}",
            m.entry
        );
    }
}

/// `server_state` plus STATUS of every folder (its bare `*` pattern matches nothing in the
/// legacy `INBOX.` namespace, so the status part is added here with the right patterns).
fn state(account: &Account) -> String {
    let status = account
        .server
        .doveadm(&[
            "mailbox",
            "status",
            "-u",
            USER,
            "messages uidnext uidvalidity unseen",
            "INBOX",
            "INBOX.*",
        ])
        .expect("doveadm mailbox status");
    let mut lines: Vec<&str> = status.lines().collect();
    lines.sort_unstable();
    assert!(lines.len() >= 14, "{status}");
    format!("{}\n{}", lines.join("\n"), server_state(&account.server))
}

fn backup_cli(profile: &Path, zip: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "--json",
        "backup",
        "-p",
        path_str(profile),
        "-o",
        path_str(zip),
    ];
    args.extend_from_slice(extra);
    json(&ikou(&args))
}

fn u(v: &serde_json::Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

/// A profile whose password comes from a command, for calling the service in-process
/// (tests cannot set environment variables without `unsafe`).
fn service_profile(account: &Account) -> Profile {
    let imap = format!(
        "{{ port = {}, security = \"tls\" }}",
        account.server.imaps_port()
    );
    let path = account.profile(
        "service.toml",
        &imap,
        &format!("password_command = \"echo {PASSWORD}\""),
    );
    Profile::load(&path).expect("profile")
}

fn service_run(
    profile: &Profile,
    options: &BackupOptions,
    sink: backup::ProgressSink,
) -> Result<BackupResult, backup::BackupError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let account = AccountRef::new(ADDRESS, false);
    runtime.block_on(backup::run(profile, &account, options, sink))
}

#[test]
fn imap_round_trip_is_byte_exact_and_changes_nothing() {
    let account = Account::start(Layout::Legacy, 31);
    let profile = account.default_profile();
    let zip = account.dir.path().join("taro.zip");
    let before = state(&account);
    assert!(
        before.contains("\\Seen") && before.lines().count() > 100,
        "{before}"
    );

    let result = backup_cli(&profile, &zip, &[]);
    assert_eq!(u(&result, "added"), account.corpus.total_messages() as u64);
    assert_eq!(u(&result, "messages"), 169);
    assert_eq!(state(&account), before, "the backup changed the server");

    // Every entry equals the server's bytes, folder by folder (Japanese, large, broken MIME).
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, corpus_digests(&account));
    assert_no_duplicates(&manifest);
    let large = manifest
        .messages
        .iter()
        .filter(|m| m.size > 1_000_000)
        .count();
    assert!(large >= 3, "large messages present: {large}");
    // Manifest counts equal the server's STATUS counts.
    let server_counts = account.server.folder_counts(USER).expect("counts");
    for f in &manifest.folders {
        let corpus_name = account.server.corpus_folder_name(&f.name);
        assert_eq!(
            Some(&f.messages),
            server_counts.get(&corpus_name),
            "{}",
            f.name
        );
        assert!(f.uid_validity.is_some());
    }
    // Flags and dates are kept for a later restore.
    assert!(
        manifest
            .messages
            .iter()
            .any(|m| m.flags.iter().any(|f| f == "\\Seen"))
    );
    assert!(manifest.messages.iter().all(|m| m.internal_date.is_some()));

    // Info-ZIP: integrity and UTF-8 names.
    let t = Command::new("unzip")
        .arg("-t")
        .arg(&zip)
        .output()
        .expect("unzip installed");
    assert!(
        t.status.success(),
        "unzip -t: {}",
        String::from_utf8_lossy(&t.stdout)
    );
    let names = Command::new("unzip")
        .arg("-Z1")
        .arg(&zip)
        .output()
        .expect("unzip -Z1");
    let names = String::from_utf8(names.stdout).expect("names are UTF-8");
    assert!(names.contains("INBOX/研究室/学会/"), "{names}");

    // verify: every entry intact, counts equal the server's.
    let v = json(&ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        path_str(&profile),
    ]));
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["server"]["differences"], 0, "{v}");

    // A second run fetches nothing and leaves the file alone.
    let again = backup_cli(&profile, &zip, &[]);
    assert_eq!(u(&again, "added"), 0);
    assert_eq!(u(&again, "already"), 169);
    assert_eq!(again["rewritten"], false);
    assert_eq!(state(&account), before);

    // extract: the .eml tree has every message, byte for byte.
    let out = account.dir.path().join("tree");
    let e = json(&ikou(&[
        "--json",
        "backup",
        "extract",
        path_str(&zip),
        path_str(&out),
    ]));
    assert_eq!(u(&e, "files"), 170, "169 messages and the manifest: {e}");
    let gakkai = out.join("INBOX").join("研究室").join("学会");
    let mut shas: Vec<String> = std::fs::read_dir(&gakkai)
        .expect("folder extracted")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .map(|e| hex::encode(Sha256::digest(std::fs::read(e.path()).expect("read"))))
        .collect();
    shas.sort();
    assert_eq!(
        Some(&shas),
        corpus_digests(&account).get("INBOX.研究室.学会")
    );
}

#[test]
fn chosen_folders_only() {
    let account = Account::start(Layout::Legacy, 32);
    let profile = account.default_profile();
    let zip = account.dir.path().join("some.zip");
    let r = backup_cli(
        &profile,
        &zip,
        &["--folder", "研究室/学会", "--folder", "INBOX"],
    );
    assert_eq!(u(&r, "added"), 72 + 7);
    let (manifest, _) = archive_digests(&zip);
    let names: BTreeSet<&str> = manifest.folders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, BTreeSet::from(["INBOX", "INBOX.研究室.学会"]));
    let missing = ikou(&[
        "backup",
        "-p",
        path_str(&profile),
        "-o",
        path_str(&zip),
        "--folder",
        "nope",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("\"nope\""),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn new_mail_is_added_incrementally_and_verify_reports_the_gap() {
    let account = Account::start(Layout::Legacy, 33);
    let profile = account.default_profile();
    let zip = account.dir.path().join("inc.zip");
    backup_cli(&profile, &zip, &[]);

    let mut message = account.corpus.folders[0].messages[1].clone();
    message.raw = String::from_utf8_lossy(&message.raw)
        .replacen("Message-ID: <", "Message-ID: <new-", 1)
        .into_bytes();
    account
        .server
        .append_message(USER, "研究室", &message)
        .expect("append");
    // Before the next run, verify against the server sees one folder differ.
    let v = ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        path_str(&profile),
    ]);
    assert_eq!(v.status.code(), Some(1), "{}", stderr(&v));
    let v: serde_json::Value = serde_json::from_slice(&v.stdout).expect("json");
    assert_eq!(v["server"]["differences"], 1, "{v}");

    let r = backup_cli(&profile, &zip, &[]);
    assert_eq!(u(&r, "added"), 1);
    assert_eq!(u(&r, "messages"), 170);
    let (manifest, digests) = archive_digests(&zip);
    assert_no_duplicates(&manifest);
    let want = hex::encode(Sha256::digest(&message.raw));
    assert!(digests["INBOX.研究室"].contains(&want));
    let v = ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        path_str(&profile),
    ]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
}

/// Per folder of a backup result: (server folder name, unchanged, added).
fn folder_rows(r: &serde_json::Value) -> BTreeMap<String, (bool, u64)> {
    r["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| {
            (
                f["folder"].as_str().expect("name").to_string(),
                (f["unchanged"] == true, f["added"].as_u64().expect("added")),
            )
        })
        .collect()
}

/// Only `folder` was looked at again (and added `added` messages); every other folder was
/// skipped as unchanged.
fn assert_only_changed(r: &serde_json::Value, folder: &str, added: u64) {
    let rows = folder_rows(r);
    assert_eq!(rows[folder], (false, added), "{r}");
    assert!(
        rows.iter()
            .filter(|(n, _)| *n != folder)
            .all(|(_, (same, _))| *same),
        "{r}"
    );
}

#[test]
fn unchanged_folders_are_skipped_and_changed_ones_listed_from_the_saved_uidnext() {
    let account = Account::start(Layout::Legacy, 38);
    let profile = account.default_profile();
    let zip = account.dir.path().join("skip.zip");
    let total = account.corpus.total_messages() as u64;
    let first = backup_cli(&profile, &zip, &[]);
    assert!(
        folder_rows(&first).values().all(|(same, _)| !same),
        "{first}"
    );

    // Nothing changed: every folder is skipped from its STATUS, the file is not touched.
    let bytes = std::fs::read(&zip).expect("archive");
    let r = backup_cli(&profile, &zip, &[]);
    assert!(folder_rows(&r).values().all(|(same, _)| *same), "{r}");
    assert_eq!((u(&r, "added"), u(&r, "already")), (0, total), "{r}");
    assert_eq!(r["rewritten"], false);
    assert_eq!(std::fs::read(&zip).expect("archive"), bytes);

    // One new message in one folder: only that folder is opened, and only it adds.
    let lab = account.server.server_mailbox_name("研究室");
    let mut message = account.corpus.folders[0].messages[2].clone();
    message.raw = String::from_utf8_lossy(&message.raw)
        .replacen("Message-ID: <", "Message-ID: <skip-", 1)
        .into_bytes();
    account
        .server
        .append_message(USER, "研究室", &message)
        .expect("append");
    let r = backup_cli(&profile, &zip, &[]);
    assert_only_changed(&r, &lab, 1);
    assert_eq!((u(&r, "added"), u(&r, "messages")), (1, total + 1));
    assert!(
        std::fs::read(&zip).expect("archive")[..bytes.len()] == bytes[..],
        "appended in place"
    );

    // A flag change alone (HIGHESTMODSEQ moved, no message came or went) is noticed and
    // nothing is fetched; the manifest is not rewritten for it, so the file stays as it was.
    let before_flag = std::fs::read(&zip).expect("archive");
    let add_flag = |keyword: &str, uid: &str| {
        account
            .server
            .doveadm(&[
                "flags", "add", "-u", USER, keyword, "mailbox", &lab, "uid", uid,
            ])
            .expect("flag")
    };
    add_flag("$IkouSeen", "1");
    for _ in 0..2 {
        let r = backup_cli(&profile, &zip, &[]);
        assert_only_changed(&r, &lab, 0);
        assert_eq!((u(&r, "added"), r["rewritten"].clone()), (0, false.into()));
        assert_eq!(std::fs::read(&zip).expect("archive"), before_flag);
    }

    // An expunge (counts no longer add up) and a flag change (HIGHESTMODSEQ moved) are
    // noticed; nothing is fetched, and the archive keeps the expunged message. The new
    // manifest records both folders' states, so the next run skips them.
    let inbox = account.server.server_mailbox_name("INBOX");
    account
        .server
        .doveadm(&["expunge", "-u", USER, "mailbox", &inbox, "uid", "1"])
        .expect("expunge");
    add_flag("$IkouTest", "2");
    let r = backup_cli(&profile, &zip, &[]);
    let rows = folder_rows(&r);
    assert_eq!((rows[&inbox], rows[&lab]), ((false, 0), (false, 0)), "{r}");
    assert_eq!((u(&r, "added"), u(&r, "messages")), (0, total + 1), "{r}");
    let r = backup_cli(&profile, &zip, &[]);
    assert!(folder_rows(&r).values().all(|(same, _)| *same), "{r}");

    let (manifest, digests) = archive_digests(&zip);
    assert_no_duplicates(&manifest);
    let want = hex::encode(Sha256::digest(&message.raw));
    assert!(digests["INBOX.研究室"].contains(&want));
    let t = Command::new("unzip")
        .arg("-tq")
        .arg(&zip)
        .output()
        .expect("unzip");
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
}

#[test]
fn changed_uidvalidity_is_rekeyed_without_duplicates() {
    let account = Account::start(Layout::Legacy, 34);
    let profile = account.default_profile();
    let zip = account.dir.path().join("uv.zip");
    backup_cli(&profile, &zip, &[]);
    let old = account
        .server
        .uidvalidity(USER, "INBOX")
        .expect("uidvalidity");
    // INBOX has messages without Message-ID: those are matched by content.
    account
        .server
        .set_uidvalidity(USER, "INBOX", old + 1000)
        .expect("set");
    account
        .server
        .set_uidvalidity(USER, "Projects", 77)
        .expect("set");

    let r = backup_cli(&profile, &zip, &[]);
    assert_eq!(u(&r, "added"), 0, "{r}");
    assert_eq!(u(&r, "rekeyed"), 72 + 8, "{r}");
    assert_eq!(u(&r, "messages"), 169);
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, corpus_digests(&account));
    assert_no_duplicates(&manifest);
    assert!(
        manifest
            .messages
            .iter()
            .filter(|m| m.folder == "INBOX")
            .all(|m| m.uid_validity == Some(old + 1000))
    );
    let inbox = manifest.folder("INBOX").expect("inbox");
    assert_eq!(inbox.uid_validity, Some(old + 1000));
    let v = ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        path_str(&profile),
    ]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    // And a further run finds everything in place.
    assert_eq!(u(&backup_cli(&profile, &zip, &[]), "already"), 169);
}

/// A backup on a thread that pauses inside its progress callback after `pause_after`
/// messages, so the test can stop the server at that point, then runs on when `resume` is
/// sent. Every event is recorded.
struct PausedBackup {
    runner: std::thread::JoinHandle<Result<BackupResult, backup::BackupError>>,
    resume: mpsc::Sender<()>,
    events: Arc<Mutex<Vec<BackupEvent>>>,
}

impl PausedBackup {
    fn start(profile: Profile, zip: &Path, pause_after: u32) -> PausedBackup {
        let mut options = BackupOptions::new(zip.to_path_buf());
        options.batch_messages = 10;
        let (hit_tx, hit_rx) = mpsc::channel::<()>();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let go_rx = Mutex::new(go_rx);
        let events = Arc::new(Mutex::new(Vec::new()));
        let written = std::sync::atomic::AtomicU32::new(0);
        let seen = Arc::clone(&events);
        let sink: backup::ProgressSink = Arc::new(move |e: BackupEvent| {
            if matches!(e, BackupEvent::MessageWritten { .. })
                && written.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == pause_after
            {
                let _ = hit_tx.send(());
                let _ = go_rx
                    .lock()
                    .map(|rx| rx.recv_timeout(Duration::from_secs(30)));
            }
            seen.lock().expect("lock").push(e);
        });
        let runner = std::thread::spawn(move || service_run(&profile, &options, sink));
        hit_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("backup got going");
        PausedBackup {
            runner,
            resume: go_tx,
            events,
        }
    }
}

#[test]
fn server_restart_mid_backup_completes_with_every_message_once() {
    let mut account = Account::start(Layout::Legacy, 35);
    let profile = service_profile(&account);
    let zip = account.dir.path().join("restart.zip");

    // On the 30th message the backup pauses inside the progress callback while the test
    // stops the server, then runs on against a dead connection.
    let PausedBackup {
        runner,
        resume,
        events,
    } = PausedBackup::start(profile, &zip, 30);
    account.server.stop();
    resume.send(()).expect("resume");
    std::thread::sleep(Duration::from_millis(1500));
    account.server.restart().expect("restart");

    let result = runner.join().expect("no panic").expect("backup completes");
    assert!(result.reconnects >= 1, "{result:?}");
    let events = events.lock().expect("lock");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, BackupEvent::Reconnecting { .. })),
        "reconnect shown"
    );
    assert_eq!(result.messages, 169);
    assert_eq!(result.added, 169);
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, corpus_digests(&account));
    assert_no_duplicates(&manifest);
}

/// A server being stopped gracefully keeps its port open for a while: it accepts each new
/// connection and drops it during the TLS handshake. Those failed handshakes are retried with
/// growing pauses like any dropped connection, not taken as a fatal TLS error, so the backup
/// survives several of them and completes once the server is back.
#[test]
fn graceful_stop_is_retried_through_failed_handshakes_until_the_server_is_back() {
    let mut account = Account::start(Layout::Legacy, 37);
    let profile = service_profile(&account);
    let port = account.server.imaps_port();
    let zip = account.dir.path().join("graceful.zip");
    let PausedBackup {
        runner,
        resume,
        events,
    } = PausedBackup::start(profile, &zip, 20);
    account.server.stop();
    // The "stopping" server: accepts on the same port and closes before the handshake ends.
    let listener =
        std::net::TcpListener::bind(("127.0.0.1", port)).expect("the stopped server's port");
    listener.set_nonblocking(true).expect("nonblocking");
    resume.send(()).expect("resume");
    let mut dropped = 0;
    let until = Instant::now() + Duration::from_millis(3200);
    while Instant::now() < until {
        match listener.accept() {
            Ok((stream, _)) => {
                dropped += 1;
                drop(stream);
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    drop(listener);
    account.server.restart().expect("restart");

    let result = runner.join().expect("no panic").expect("backup completes");
    assert!(
        dropped >= 2,
        "the stopping server saw {dropped} connections"
    );
    let events = events.lock().expect("lock");
    let attempts: Vec<(u32, String)> = events
        .iter()
        .filter_map(|e| match e {
            BackupEvent::Reconnecting {
                attempt, reason, ..
            } => Some((*attempt, reason.clone())),
            _ => None,
        })
        .collect();
    assert!(
        attempts.iter().any(|(n, _)| *n >= 3),
        "several attempts in a row: {attempts:?}"
    );
    assert!(
        attempts
            .iter()
            .any(|(_, r)| r.to_ascii_lowercase().contains("tls")),
        "a failed handshake was one of the retried failures: {attempts:?}"
    );
    let expected = corpus_digests(&account);
    let total: usize = expected.values().map(|v| v.len()).sum();
    assert!(total > 20, "{total}");
    assert_eq!(result.messages as usize, total);
    assert_eq!(result.added as usize, total);
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, expected);
    assert_no_duplicates(&manifest);
}

#[test]
fn sigkill_mid_run_keeps_the_old_archive_and_a_rerun_completes() {
    let corpus = Corpus::sized(36, 1500, 48 << 20);
    let account = Account::start_with(Layout::Legacy, corpus);
    let profile = account.default_profile();
    let zip = account.dir.path().join("kill.zip");
    // The "old archive": INBOX only.
    backup_cli(&profile, &zip, &["--folder", "INBOX"]);
    let old_bytes = std::fs::read(&zip).expect("archive");
    let old_messages =
        json(&ikou(&["--json", "backup", "verify", path_str(&zip)]))["messages"].clone();
    let journal = PathBuf::from(format!("{}.journal", zip.display()));

    let mut child = Command::new(env!("CARGO_BIN_EXE_ikou"))
        .args([
            "backup",
            "-p",
            path_str(&profile),
            "-o",
            path_str(&zip),
            "--batch",
            "5",
        ])
        .env("IKOU_OLD_PASSWORD", PASSWORD)
        .env("LANG", "C")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn ikou");
    // Kill once some new messages are journalled, well before the end.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let len = std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0);
        if len > 20_000 {
            break;
        }
        assert!(
            child.try_wait().expect("wait").is_none(),
            "finished before the kill"
        );
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");

    // New mail is appended in place: the old archive's bytes are untouched, and until the
    // rerun finishes the append, ikou reads exactly that old version.
    let now = std::fs::read(&zip).expect("archive");
    assert!(
        now.len() > old_bytes.len() && now[..old_bytes.len()] == old_bytes[..],
        "old archive's bytes untouched, new ones appended after them"
    );
    let v = json(&ikou(&["--json", "backup", "verify", path_str(&zip)]));
    assert_eq!(v["ok"], true);
    assert_eq!(v["messages"], old_messages, "{v}");

    let r = backup_cli(&profile, &zip, &[]);
    let total = account.corpus.total_messages() as u64;
    assert!(u(&r, "recovered") > 0, "{r}");
    assert_eq!(u(&r, "messages"), total);
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, corpus_digests(&account));
    assert_no_duplicates(&manifest);
    let t = Command::new("unzip")
        .arg("-tq")
        .arg(&zip)
        .output()
        .expect("unzip");
    assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
}

#[test]
fn pop3_backup_is_byte_exact_and_marks_nothing_read() {
    let account = Account::start(Layout::Legacy, 37);
    let profile = account.default_profile();
    let zip = account.dir.path().join("pop.zip");
    // A POP3 login opens the maildrop read-write, which ends `\Recent` (the "first session
    // to see it" marker) on Dovecot whatever the commands; everything else must stay.
    let without_recent = |s: String| {
        s.lines()
            .map(|l| {
                l.replace("\\Recent", "")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = without_recent(state(&account));
    assert!(
        before.lines().any(|l| l == "flags:"),
        "some messages are unread: {before}"
    );
    let inbox_unseen = account
        .corpus
        .folder("INBOX")
        .expect("inbox")
        .messages
        .iter()
        .filter(|m| !m.flags.iter().any(|f| f.imap() == "\\Seen"))
        .count();
    assert!(
        inbox_unseen > 5,
        "RETR would mark these read: {inbox_unseen}"
    );

    let r = backup_cli(&profile, &zip, &["--protocol", "pop3"]);
    assert_eq!(r["protocol"], "pop3");
    assert_eq!(u(&r, "added"), 72);
    assert_eq!(
        without_recent(state(&account)),
        before,
        "POP3 backup changed the server (flags, counts, UIDNEXT, UIDVALIDITY)"
    );
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests.get("INBOX"), corpus_digests(&account).get("INBOX"));
    assert!(
        manifest
            .messages
            .iter()
            .all(|m| m.uidl.is_some() && m.uid.is_none())
    );
    assert_no_duplicates(&manifest);

    // Incremental by UIDL; verify compares with STAT.
    let again = backup_cli(&profile, &zip, &["--protocol", "pop3"]);
    assert_eq!((u(&again, "added"), u(&again, "already")), (0, 72));
    let v = ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        path_str(&profile),
    ]);
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stdout)
    );
    assert_eq!(without_recent(state(&account)), before);

    // An IMAP backup into the POP3 archive is refused: different source.
    let mixed = ikou(&["backup", "-p", path_str(&profile), "-o", path_str(&zip)]);
    assert_eq!(mixed.status.code(), Some(2));
}

#[test]
fn foreign_and_corrupt_files_get_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = dir.path().join("notes.zip");
    std::fs::write(&text, "just text").expect("write");
    let foreign = dir.path().join("foreign.zip");
    {
        use std::io::Write as _;
        let file = std::fs::File::create(&foreign).expect("create");
        let mut zip = zip::ZipWriter::new(file);
        zip.start_file("notes.txt", zip::write::SimpleFileOptions::default())
            .expect("entry");
        zip.write_all(b"just text").expect("write");
        zip.finish().expect("finish");
    }
    let truncated = dir.path().join("truncated.zip");
    std::fs::write(&truncated, &std::fs::read(&foreign).expect("read")[..40]).expect("write");
    let cases: Vec<(&Path, &str)> = vec![
        (&text, "not a zip file"),
        (&foreign, "not an ikou backup"),
        (&truncated, "zip"),
    ];
    for (file, want) in cases {
        for args in [
            vec!["backup", "verify", path_str(file)],
            vec!["backup", "extract", path_str(file), path_str(dir.path())],
        ] {
            let out = ikou(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = stderr(&out);
            assert!(err.contains(want), "{args:?}: {err}");
            assert_eq!(err.trim().lines().count(), 1, "{err}");
        }
    }
}
