//! # Tests for `ArchiveUpdate`
//!
//! End-to-end checks of the write path: round trip against the zip crate and Info-ZIP,
//! crash and torn-write recovery, incremental updates, and the typed errors for bad input.

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::archive::testutil::{assert_unzip_ok, mail, pseudo_random, unzip_names};
use crate::archive::verify::verify_archive;
use crate::archive::*;
use crate::model::{FolderInfo, MessageInfo, SpecialUse};

pub(crate) fn folder_info(name: &str, uid_validity: u32) -> FolderInfo {
    FolderInfo {
        name: name.into(),
        raw_name: name.into(),
        delimiter: Some('.'),
        special_use: name.contains("送信").then_some(SpecialUse::Sent),
        selectable: true,
        messages: 0,
        unseen: None,
        uid_next: None,
        uid_validity: Some(uid_validity),
        size: 0,
    }
}

pub(crate) fn msg_info(uid: u32) -> MessageInfo {
    MessageInfo {
        uid,
        size: 0,
        internal_date: Some(format!(
            "2024-0{}-1{}T12:34:56+09:00",
            1 + uid % 9,
            uid % 10
        )),
        flags: vec!["\\Seen".into()],
        message_id: Some(format!("<{uid}@example.jp>")),
        date: None,
        from: Some(format!("太郎 <taro{uid}@example.jp>")),
        to: Some("hanako@example.jp".into()),
        subject_raw: None,
        subject: Some(format!("会議 {uid}: 資料/議事録")),
        body_hash: None,
    }
}

pub(crate) fn opts() -> UpdateOptions {
    let mut o = UpdateOptions::new("mail.example.jp:993", "taro", SourceKind::Imap);
    o.workers = 2;
    o
}

/// The test corpus: awkward bytes of every kind, one 3 MB message.
pub(crate) fn corpus() -> Vec<(u32, Vec<u8>)> {
    let mut v = vec![
        (1, Vec::new()),
        (2, b"\0\0\0".to_vec()),
        (3, b"no newline at end".to_vec()),
        (4, mail(4, 20)),
        (5, pseudo_random(5, 10_000)),
        (6, b"LF only\nFrom here\n>From there\n".to_vec()),
        (7, mail(7, 200)),
    ];
    let mut big = mail(8, 40_000);
    big.extend(pseudo_random(8, 3_000_000 - big.len().min(3_000_000)));
    v.push((8, big));
    v
}

pub(crate) fn read_all(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip =
        zip::ZipArchive::new(fs::File::open(path).expect("open")).expect("zip crate opens it");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data)
            .expect("entry reads with a valid CRC");
        let name = f.name().expect("utf-8").to_string();
        assert!(out.insert(name, data).is_none(), "duplicate entry");
    }
    out
}

/// Writes `msgs` into folder `INBOX.研究室.学会` of the archive at `path` and commits.
pub(crate) fn write_backup(
    path: &Path,
    options: UpdateOptions,
    msgs: &[(u32, Vec<u8>)],
) -> CommitReport {
    let (mut up, _) = ArchiveUpdate::open(path, options).expect("open");
    fill(&mut up, msgs);
    up.commit().expect("commit")
}

/// Declares folder `INBOX.研究室.学会` in `up` and adds `msgs` to it.
pub(crate) fn fill(up: &mut ArchiveUpdate, msgs: &[(u32, Vec<u8>)]) {
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    for (uid, bytes) in msgs {
        up.add(
            "INBOX.研究室.学会",
            MessageKey::Uid(*uid),
            &msg_info(*uid),
            bytes.clone(),
        )
        .expect("add");
    }
}

fn assert_matches_manifest(path: &Path, expect: &[(u32, Vec<u8>)]) {
    let files = read_all(path);
    let manifest = Manifest::read_from_zip(path).expect("manifest");
    assert_eq!(
        manifest.messages.len(),
        expect.len(),
        "every message exactly once"
    );
    for (uid, bytes) in expect {
        let rec = manifest
            .messages
            .iter()
            .find(|m| m.uid == Some(*uid))
            .expect("message in manifest");
        assert_eq!(files.get(&rec.entry), Some(bytes), "bytes of UID {uid}");
        assert_eq!(rec.size, bytes.len() as u64);
        assert_eq!(
            rec.sha256,
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
        );
    }
    assert_unzip_ok(path);
}

/// After an unfinished in-place append: the archive's first `original.len()` bytes are the
/// previous version byte for byte, ikou's readers see exactly that version, and (copied out
/// on their own) it passes the zip crate and `unzip -t` with `expect` as its messages.
fn assert_previous_version_intact(path: &Path, original: &[u8], expect: &[(u32, Vec<u8>)]) {
    let now = fs::read(path).expect("read");
    assert!(now.len() >= original.len(), "archive shrank");
    assert!(
        now[..original.len()] == *original,
        "the previous version's bytes changed"
    );
    let m = Manifest::read_from_zip(path).expect("ikou reads the previous version");
    assert_eq!(m.messages.len(), expect.len());
    let v = verify_archive(path).expect("verify");
    assert!(v.is_ok(), "{}", v.summary());
    let copy = path.with_extension("committed.zip");
    fs::write(&copy, original).expect("write copy");
    assert_matches_manifest(&copy, expect);
    fs::remove_file(&copy).expect("remove copy");
}

fn leftovers(path: &Path) -> (bool, bool) {
    let s = path.as_os_str().to_string_lossy().to_string();
    (
        Path::new(&format!("{s}.partial")).exists(),
        Path::new(&format!("{s}.journal")).exists(),
    )
}

#[test]
fn round_trip_japanese_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("open");
    assert!(prior.is_none(), "new backup");
    up.folder(&folder_info("INBOX", 1)).expect("folder");
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    up.folder(&folder_info("INBOX.送信済み", 9))
        .expect("folder");
    for (uid, bytes) in &msgs {
        let folder = if uid % 2 == 0 {
            "INBOX.研究室.学会"
        } else {
            "INBOX.送信済み"
        };
        let added = up
            .add(
                folder,
                MessageKey::Uid(*uid),
                &msg_info(*uid),
                bytes.clone(),
            )
            .expect("add");
        assert!(matches!(added, Added::Queued { .. }));
    }
    let again = up
        .add("INBOX.送信済み", MessageKey::Uid(1), &msg_info(1), vec![1])
        .expect("add");
    assert!(matches!(again, Added::AlreadyArchived), "duplicate skipped");
    let report = up.commit().expect("commit");
    assert!(report.rewritten);
    assert_eq!(
        (report.messages, report.added, report.unreferenced_entries),
        (msgs.len(), msgs.len(), 0)
    );
    assert_eq!(
        leftovers(&path),
        (false, false),
        "no partial or journal after commit"
    );
    assert!(!dir.path().join("backup.zip.lock").exists());

    assert_matches_manifest(&path, &msgs);
    let manifest = Manifest::read_from_zip(&path).expect("manifest");
    let gakkai = manifest.folder("INBOX.研究室.学会").expect("folder record");
    assert_eq!(
        (gakkai.dir.as_str(), gakkai.messages, gakkai.uid_validity),
        ("INBOX/研究室/学会/", 4, Some(7))
    );
    assert_eq!(
        manifest
            .folder("INBOX.送信済み")
            .and_then(|f| f.special_use),
        Some(SpecialUse::Sent)
    );
    let m2 = manifest
        .messages
        .iter()
        .find(|m| m.uid == Some(2))
        .expect("uid 2");
    assert_eq!(
        m2.entry,
        "INBOX/研究室/学会/20240312-123456_0000000002_会議 2_ 資料_議事録.eml"
    );
    assert_eq!(
        (m2.uid_validity, m2.flags.as_slice()),
        (Some(7), &["\\Seen".to_string()][..])
    );

    let names = unzip_names(&path);
    assert_eq!(
        names.last().map(String::as_str),
        Some(MANIFEST_NAME),
        "manifest is the last entry"
    );
    for want in [
        "INBOX/",
        "INBOX/研究室/",
        "INBOX/研究室/学会/",
        "INBOX/送信済み/",
        m2.entry.as_str(),
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "unzip lists {want}: {names:?}"
        );
    }
    // The reader hands back checked bytes.
    let mut reader = ArchiveReader::open(&path).expect("reader");
    assert_eq!(reader.read_message(m2).expect("read"), msgs[1].1);
}

#[test]
fn forced_zip64_update_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("z64.zip");
    let mut o = opts();
    o.force_zip64 = true;
    let msgs = corpus();
    write_backup(&path, o.clone(), &msgs[..4]);
    write_backup(&path, o, &msgs);
    assert_matches_manifest(&path, &msgs);
}

#[test]
fn incremental_update_copies_old_bytes_and_skips_no_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    let (a, b) = msgs.split_at(4);
    write_backup(&path, opts(), a);
    let first = fs::read(&path).expect("read");
    let first_prefix = {
        let mut zip = zip::ZipArchive::new(fs::File::open(&path).expect("open")).expect("zip");
        zip.by_name(MANIFEST_NAME).expect("manifest").header_start() as usize
    };

    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("open");
    let prior = prior.expect("existing backup");
    assert_eq!(prior.len(), a.len());
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    for (uid, bytes) in &msgs {
        let added = up
            .add(
                "INBOX.研究室.学会",
                MessageKey::Uid(*uid),
                &msg_info(*uid),
                bytes.clone(),
            )
            .expect("add");
        assert_eq!(
            matches!(added, Added::AlreadyArchived),
            a.iter().any(|(u, _)| u == uid)
        );
    }
    let report = up.commit().expect("commit");
    assert_eq!(
        (report.rewritten, report.added, report.messages),
        (true, b.len(), msgs.len())
    );
    let second = fs::read(&path).expect("read");
    assert_eq!(
        &second[..first_prefix],
        &first[..first_prefix],
        "old entries copied byte for byte"
    );
    assert_matches_manifest(&path, &msgs);

    // Nothing new: the file is not rewritten (same inode, same mtime, same bytes).
    let meta = fs::metadata(&path).expect("meta");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    let report = up.commit().expect("commit");
    assert!(!report.rewritten);
    let after = fs::metadata(&path).expect("meta");
    assert_eq!(
        after.modified().expect("mtime"),
        meta.modified().expect("mtime")
    );
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&after),
        std::os::unix::fs::MetadataExt::ino(&meta)
    );
    assert_eq!(fs::read(&path).expect("read"), second);
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn crash_and_torn_entry_are_recovered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..2]);
    let original = fs::read(&path).expect("read");

    // A run that dies after queueing messages 3..=7 (dropped without commit).
    {
        let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
        up.folder(&folder_info("INBOX.研究室.学会", 7))
            .expect("folder");
        up.folder(&folder_info("INBOX.新規", 3))
            .expect("new folder");
        for (uid, bytes) in &msgs[2..7] {
            up.add(
                "INBOX.研究室.学会",
                MessageKey::Uid(*uid),
                &msg_info(*uid),
                bytes.clone(),
            )
            .expect("add");
        }
        up.add(
            "INBOX.新規",
            MessageKey::Uid(1),
            &msg_info(1),
            b"new folder mail\r\n".to_vec(),
        )
        .expect("add");
    }
    assert_previous_version_intact(&path, &original, &msgs[..2]);
    assert_eq!(leftovers(&path), (false, true), "appended in place");

    // Tear the last entry: cut the archive in the middle of its data.
    let len = fs::metadata(&path).expect("meta").len();
    OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open")
        .set_len(len - 5)
        .expect("truncate");

    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
    let prior = prior.expect("prior content");
    let uids: Vec<(String, Option<u32>)> = prior
        .messages()
        .map(|m| (m.folder.to_string(), m.uid))
        .collect();
    assert_eq!(
        up.recovered_messages(),
        5,
        "messages 3..=7 recovered, the torn one not: {uids:?}"
    );
    assert!(
        !uids.contains(&("INBOX.新規".into(), Some(1))),
        "torn entry not recovered"
    );
    assert!(
        prior.folder("INBOX.新規").is_some(),
        "journalled folder recovered"
    );
    // The service skips what the prior manifest lists; `add` would skip it anyway.
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    up.folder(&folder_info("INBOX.新規", 3)).expect("folder");
    for (uid, bytes) in &msgs {
        if prior
            .messages()
            .any(|m| m.uid == Some(*uid) && m.folder == "INBOX.研究室.学会")
        {
            continue;
        }
        up.add(
            "INBOX.研究室.学会",
            MessageKey::Uid(*uid),
            &msg_info(*uid),
            bytes.clone(),
        )
        .expect("add");
    }
    up.add(
        "INBOX.新規",
        MessageKey::Uid(1),
        &msg_info(1),
        b"new folder mail\r\n".to_vec(),
    )
    .expect("add");
    let report = up.commit().expect("commit");
    assert_eq!(
        (report.messages, report.unreferenced_entries),
        (msgs.len() + 1, 0)
    );
    let files = read_all(&path);
    let manifest = Manifest::read_from_zip(&path).expect("manifest");
    assert_eq!(manifest.messages.len(), msgs.len() + 1);
    let mut entries: Vec<&str> = manifest.messages.iter().map(|m| m.entry.as_str()).collect();
    entries.sort_unstable();
    entries.dedup();
    assert_eq!(entries.len(), msgs.len() + 1, "no duplicates");
    assert_eq!(
        files.keys().filter(|k| k.ends_with(".eml")).count(),
        msgs.len() + 1,
        "no stray entries"
    );
    assert_unzip_ok(&path);
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn stale_or_unjournalled_partials_are_discarded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..2]);
    {
        let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
        up.folder(&folder_info("INBOX.研究室.学会", 7))
            .expect("folder");
        up.add(
            "INBOX.研究室.学会",
            MessageKey::Uid(3),
            &msg_info(3),
            msgs[2].1.clone(),
        )
        .expect("add");
    }
    // The archive is replaced under the partial (restored from elsewhere, another tool).
    let other = dir.path().join("other.zip");
    write_backup(&other, opts(), &msgs[..1]);
    fs::copy(&other, &path).expect("replace archive");
    let (up, prior) = ArchiveUpdate::open(&path, opts()).expect("open");
    assert_eq!(
        (up.recovered_messages(), prior.map(|p| p.len())),
        (0, Some(1))
    );
    assert_eq!(leftovers(&path), (false, false), "stale partial removed");
    drop(up);

    // A partial without journal is never trusted.
    fs::write(format!("{}.partial", path.display()), b"PK\x03\x04 junk").expect("write");
    let (up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
    assert_eq!(up.recovered_messages(), 0);
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn rekey_and_forget_rewrite_the_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..3]);
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("open");
    let prior = prior.expect("prior");
    assert_eq!(prior.messages_in("INBOX.研究室.学会").count(), 3);
    // UIDVALIDITY changed 7 -> 8: re-identify message 1 as UID 101, forget message 2.
    up.folder(&folder_info("INBOX.研究室.学会", 8))
        .expect("folder");
    let e1 = up
        .held_records(|m| m.uid == Some(1))
        .expect("held records")
        .pop()
        .expect("uid 1")
        .1
        .entry;
    up.rekey(&e1, MessageKey::Uid(101), Some(8)).expect("rekey");
    assert!(up.holds("INBOX.研究室.学会", &MessageKey::Uid(101), Some(8)));
    assert!(matches!(
        up.rekey("nope", MessageKey::Uid(1), None),
        Err(ArchiveError::UnknownEntry { .. })
    ));
    assert_eq!(up.forget(|m| m.uid == Some(2)).expect("forget"), 1);
    let report = up.commit().expect("commit");
    assert_eq!(
        (
            report.rewritten,
            report.messages,
            report.unreferenced_entries
        ),
        (true, 2, 1)
    );
    let m = Manifest::read_from_zip(&path).expect("manifest");
    let rec = m.messages.iter().find(|r| r.entry == e1).expect("rekeyed");
    assert_eq!((rec.uid, rec.uid_validity), (Some(101), Some(8)));
    assert_eq!(
        m.folder("INBOX.研究室.学会")
            .map(|f| (f.uid_validity, f.messages)),
        Some((Some(8), 2))
    );
}

#[test]
fn bad_inputs_give_typed_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let random = dir.path().join("random.zip");
    fs::write(&random, pseudo_random(1, 5000)).expect("write");
    assert!(matches!(
        ArchiveUpdate::open(&random, opts()),
        Err(ArchiveError::NotZip { .. })
    ));
    let empty = dir.path().join("empty.zip");
    fs::write(&empty, b"").expect("write");
    assert!(matches!(
        Manifest::read_from_zip(&empty),
        Err(ArchiveError::NotZip { .. })
    ));

    // A valid zip that ikou did not write.
    let foreign = dir.path().join("foreign.zip");
    {
        let file = fs::File::create(&foreign).expect("create");
        let mut sink = zipwrite::ZipSink::new(file, &foreign, 0);
        let e = zipwrite::encode_entry(
            "a.txt",
            b"hi".to_vec(),
            zipwrite::EntryTime::UNKNOWN,
            Compression::Store,
            false,
        );
        let r = sink.write_entry(&e).expect("write");
        sink.write_central_directory(&[r], false).expect("cd");
        sink.sync().expect("sync");
    }
    let err = ArchiveUpdate::open(&foreign, opts()).expect_err("foreign zip");
    assert!(matches!(err, ArchiveError::NotIkouArchive { .. }), "{err}");
    assert!(
        err.to_string().contains("foreign.zip"),
        "error names the file: {err}"
    );

    // A truncated backup.
    let path = dir.path().join("backup.zip");
    write_backup(&path, opts(), &corpus()[..4]);
    let bytes = fs::read(&path).expect("read");
    let cut = dir.path().join("cut.zip");
    fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let err = ArchiveUpdate::open(&cut, opts()).expect_err("truncated");
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");

    // Another mailbox, a lock held by another update, wrong key kinds, unknown folders.
    let other = UpdateOptions::new("mail.example.jp:993", "hanako", SourceKind::Imap);
    assert!(matches!(
        ArchiveUpdate::open(&path, other),
        Err(ArchiveError::DifferentMailbox { .. })
    ));
    let upper = UpdateOptions::new("MAIL.Example.JP:993", "taro", SourceKind::Imap);
    drop(ArchiveUpdate::open(&path, upper).expect("host names compare case-insensitively"));
    let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
    assert!(matches!(
        ArchiveUpdate::open(&path, opts()),
        Err(ArchiveError::Busy { .. })
    ));
    assert!(matches!(
        up.add("INBOX", MessageKey::Uid(1), &msg_info(1), vec![]),
        Err(ArchiveError::UnknownFolder { .. })
    ));
    up.folder(&folder_info("INBOX", 1)).expect("folder");
    assert!(matches!(
        up.add("INBOX", MessageKey::Uidl("x".into()), &msg_info(1), vec![]),
        Err(ArchiveError::KeyMismatch { .. })
    ));
    drop(up);
    assert!(
        ArchiveUpdate::open(&path, opts()).is_ok(),
        "lock released on drop"
    );
}

#[test]
fn pop3_messages_use_uidl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("pop.zip");
    let o = UpdateOptions::new("pop.example.jp:995", "taro", SourceKind::Pop3);
    let (mut up, _) = ArchiveUpdate::open(&path, o.clone()).expect("open");
    let mut inbox = folder_info("INBOX", 0);
    (inbox.delimiter, inbox.uid_validity) = (None, None);
    up.folder(&inbox).expect("folder");
    for uidl in ["AAA/1", "AAA:1", "aaa_1"] {
        up.add(
            "INBOX",
            MessageKey::Uidl(uidl.into()),
            &msg_info(1),
            uidl.as_bytes().to_vec(),
        )
        .expect("add");
    }
    up.commit().expect("commit");
    let m = Manifest::read_from_zip(&path).expect("manifest");
    let entries: Vec<&str> = m.messages.iter().map(|r| r.entry.as_str()).collect();
    assert_eq!(entries.len(), 3);
    assert!(
        entries[1].ends_with("~2.eml") && entries[2].ends_with("~3.eml"),
        "{entries:?}"
    );
    assert_eq!(m.messages[0].uidl.as_deref(), Some("AAA/1"));
    assert!(m.messages[0].uid.is_none());
    let (up, prior) = ArchiveUpdate::open(&path, o).expect("reopen");
    assert!(up.holds("INBOX", &MessageKey::Uidl("AAA:1".into()), None));
    assert_eq!(prior.map(|p| p.len()), Some(3));
}

#[test]
fn update_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<ArchiveUpdate>();
}

/// Child half of `kill_9_mid_write_is_recovered`: adds messages until it is killed.
#[test]
#[ignore = "run as a child process by kill_9_mid_write_is_recovered"]
fn kill_9_child() {
    let Some(path) = std::env::var_os("IKOU_KILL9_ARCHIVE") else {
        return;
    };
    let (mut up, _) = ArchiveUpdate::open(Path::new(&path), opts()).expect("open");
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    for uid in 100..100_000 {
        up.add(
            "INBOX.研究室.学会",
            MessageKey::Uid(uid),
            &msg_info(uid),
            mail(u64::from(uid), 300),
        )
        .expect("add");
    }
    std::thread::sleep(std::time::Duration::from_secs(60));
}

#[test]
fn kill_9_mid_write_is_recovered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..3]);
    let original = fs::read(&path).expect("read");
    let journal = PathBuf::from(format!("{}.journal", path.display()));

    let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "archive::update::tests::kill_9_child",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env("IKOU_KILL9_ARCHIVE", &path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn child");
    let start = std::time::Instant::now();
    while fs::read(&journal)
        .map(|j| j.iter().filter(|&&b| b == b'\n').count())
        .unwrap_or(0)
        < 200
    {
        assert!(start.elapsed().as_secs() < 60, "child made no progress");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL"); // kill -9: no destructors, no flush
    child.wait().expect("reap");

    assert_previous_version_intact(&path, &original, &msgs[..3]);
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen after kill -9");
    let prior = prior.expect("prior");
    let recovered = up.recovered_messages();
    assert!(
        recovered >= 150,
        "most journalled messages recovered, got {recovered}"
    );
    let max_uid = prior.messages().filter_map(|m| m.uid).max().expect("uids");
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    // The rerun fetches everything the prior manifest does not list (plus a few more).
    let mut fetched = 0;
    for uid in 100..=max_uid + 20 {
        if !up.holds("INBOX.研究室.学会", &MessageKey::Uid(uid), Some(7)) {
            up.add(
                "INBOX.研究室.学会",
                MessageKey::Uid(uid),
                &msg_info(uid),
                mail(u64::from(uid), 300),
            )
            .expect("add");
            fetched += 1;
        }
    }
    assert!(
        fetched <= 20 + 5,
        "at most a handful of messages fetched twice ({fetched})"
    );
    let report = up.commit().expect("commit");
    assert_eq!(report.unreferenced_entries, 0);
    let v = verify_archive(&path).expect("verify");
    assert!(v.is_ok(), "{}", v.summary());
    assert_eq!(
        v.messages as u32,
        3 + (max_uid + 20 - 100 + 1),
        "every message exactly once"
    );
    assert_unzip_ok(&path);
}

/// What a commit writes before it completes: a manifest entry and part of a directory.
fn fake_commit_tail() -> Vec<u8> {
    let mut tail = b"PK\x03\x04".to_vec();
    tail.extend(pseudo_random(1, 3000));
    tail.extend_from_slice(b"PK\x01\x02");
    tail
}

fn append_bytes(path: &Path, bytes: &[u8]) {
    let mut f = OpenOptions::new().append(true).open(path).expect("open");
    std::io::Write::write_all(&mut f, bytes).expect("append");
}

#[test]
fn commit_that_died_before_rename_is_resumed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    {
        let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
        fill(&mut up, &msgs[..3]);
        up.suspend().expect("suspend");
    }
    assert_eq!(
        leftovers(&path),
        (true, true),
        "a new backup waits in its partial"
    );
    assert!(!path.exists());
    append_bytes(
        &PathBuf::from(format!("{}.partial", path.display())),
        &fake_commit_tail(),
    );

    let (up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
    assert_eq!(
        (up.recovered_messages(), prior.map(|p| p.len())),
        (3, Some(3))
    );
    let report = up.commit().expect("commit");
    assert_eq!((report.messages, report.added), (3, 3));
    assert_matches_manifest(&path, &msgs[..3]);
}

#[test]
fn in_place_commit_that_died_is_resumed_and_suspend_commits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..2]);
    let original = fs::read(&path).expect("read");
    // Dies after appending 3 messages, in the middle of writing its directory.
    {
        let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
        fill(&mut up, &msgs[2..5]);
    }
    append_bytes(&path, &fake_commit_tail());
    assert_previous_version_intact(&path, &original, &msgs[..2]);

    // A run that stops without dying commits what it has: valid for every tool at once.
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
    assert_eq!(
        (up.recovered_messages(), prior.map(|p| p.len())),
        (3, Some(5))
    );
    up.folder(&folder_info("INBOX.研究室.学会", 7))
        .expect("folder");
    let (uid, bytes) = &msgs[5];
    up.add(
        "INBOX.研究室.学会",
        MessageKey::Uid(*uid),
        &msg_info(*uid),
        bytes.clone(),
    )
    .expect("add");
    up.suspend().expect("suspend");
    assert_eq!(leftovers(&path), (false, false));
    let now = fs::read(&path).expect("read");
    assert_eq!(&now[..original.len()], &original[..], "old bytes kept");
    assert_matches_manifest(&path, &msgs[..6]);

    // A journal whose append finished (its `committed` line names the file's length) only
    // needed removing: the next open keeps the new version as it is.
    let len = now.len() as u64;
    let journal = PathBuf::from(format!("{}.journal", path.display()));
    let header = crate::archive::journal::JournalHeader {
        version: crate::archive::journal::JOURNAL_VERSION,
        base: Some(crate::archive::journal::BaseId {
            size: original.len() as u64,
            tail_sha256: "x".into(),
        }),
        prefix_len: original.len() as u64,
        in_place: true,
        server: "mail.example.jp:993".into(),
        account: "taro".into(),
        source: SourceKind::Imap,
    };
    let mut j = crate::archive::journal::Journal::create(&journal, header).expect("journal");
    j.append(&crate::archive::journal::JournalLine::Committed { len })
        .expect("line");
    j.sync().expect("sync");
    drop(j);
    assert_eq!(
        Manifest::read_from_zip(&path)
            .expect("reads")
            .messages
            .len(),
        6
    );
    let (up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
    assert_eq!(prior.map(|p| p.len()), Some(6));
    assert!(!up.commit().expect("commit").rewritten);
    assert_eq!(fs::read(&path).expect("read"), now);
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn archive_is_private_and_rekey_refuses_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..3]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o600
        );
    }
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("open");
    let prior = prior.expect("prior");
    let first = prior.messages().next().expect("a held message").id;
    let e1 = &up.held_records(|m| m.id == first).expect("held")[0]
        .1
        .entry
        .clone();
    let err = up
        .rekey(e1, MessageKey::Uid(2), Some(7))
        .expect_err("UID 2 is taken");
    assert!(matches!(err, ArchiveError::DuplicateKey { .. }), "{err}");
    up.prepare().expect("prepare");
    assert_eq!(leftovers(&path), (false, true));
    let report = up.commit().expect("commit");
    assert!(!report.rewritten, "prepare alone does not force a rewrite");
    assert_eq!(leftovers(&path), (false, false));
}

/// A real ZIP64 archive: offsets beyond 4 GiB, then an incremental update on top of it.
/// Takes a minute and 9 GB of temporary disk; run with
/// `cargo test --release --lib archive::update::tests::over_4gib -- --ignored`.
#[test]
#[ignore = "writes about 4.3 GB twice"]
fn over_4gib_archive_and_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.zip");
    let pool: Vec<Vec<u8>> = (0..8).map(|i| pseudo_random(i, 8 << 20)).collect();
    let count = 4_400_000_000u64.div_ceil(8 << 20) as u32;
    let mut o = opts();
    o.compression = Compression::Store;
    let (mut up, _) = ArchiveUpdate::open(&path, o.clone()).expect("open");
    up.folder(&folder_info("INBOX", 1)).expect("folder");
    for uid in 1..=count {
        up.add(
            "INBOX",
            MessageKey::Uid(uid),
            &msg_info(uid),
            pool[uid as usize % 8].clone(),
        )
        .expect("add");
    }
    up.commit().expect("commit");
    assert!(fs::metadata(&path).expect("meta").len() > 1 << 32);

    let (mut up, prior) = ArchiveUpdate::open(&path, o).expect("reopen");
    assert_eq!(prior.map(|p| p.len()), Some(count as usize));
    up.folder(&folder_info("INBOX", 1)).expect("folder");
    for uid in count + 1..=count + 3 {
        up.add(
            "INBOX",
            MessageKey::Uid(uid),
            &msg_info(uid),
            format!("small {uid}\r\n").into_bytes(),
        )
        .expect("add");
    }
    up.commit().expect("commit");
    let report = verify_archive(&path).expect("verify");
    assert!(
        report.is_ok() && report.messages == u64::from(count) + 3,
        "{}",
        report.summary()
    );
    assert_unzip_ok(&path);
    let mut reader = ArchiveReader::open(&path).expect("reader");
    let last = reader.manifest().messages.last().cloned().expect("last");
    assert_eq!(
        reader.read_message(&last).expect("read"),
        format!("small {}\r\n", count + 3).into_bytes()
    );
}

/// Content of message `uid` in the random-kill test: mostly small, every 7th large enough to
/// take the writer's streamed path (`stream_above` is lowered in `kill_opts`).
fn kill_mail(uid: u32) -> Vec<u8> {
    if uid.is_multiple_of(7) {
        let mut m = mail(u64::from(uid), 10);
        m.extend(pseudo_random(u64::from(uid), 40_000));
        m
    } else {
        mail(u64::from(uid), 2 + (uid as usize % 30))
    }
}

fn kill_opts() -> UpdateOptions {
    let mut o = opts();
    o.stream_above = 20_000;
    o
}

const KILL_TOTAL: u32 = 400;

/// Child half of `sigkill_at_random_points_of_in_place_appends`: runs short updates of
/// five new messages each (open, append, commit) until every message is in, then waits to
/// be killed. Each kill lands somewhere in recovery, appending, committing or cleanup.
#[test]
#[ignore = "run as a child process by sigkill_at_random_points_of_in_place_appends"]
fn kill_random_child() {
    let Some(path) = std::env::var_os("IKOU_KILL_RANDOM_ARCHIVE") else {
        return;
    };
    let path = Path::new(&path);
    loop {
        let (mut up, _) = ArchiveUpdate::open(path, kill_opts()).expect("open");
        up.folder(&folder_info("INBOX.研究室.学会", 7))
            .expect("folder");
        let mut added = 0;
        for uid in 1..=KILL_TOTAL {
            if added == 5 {
                break;
            }
            if !up.holds("INBOX.研究室.学会", &MessageKey::Uid(uid), Some(7)) {
                up.add(
                    "INBOX.研究室.学会",
                    MessageKey::Uid(uid),
                    &msg_info(uid),
                    kill_mail(uid),
                )
                .expect("add");
                added += 1;
            }
        }
        up.commit().expect("commit");
        if added == 0 {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

/// The UIDs the committed archive holds, after checking it as every reader would: ikou's
/// verify, and its committed bytes on their own through the zip crate and `unzip -t`, each
/// message exactly once with its exact bytes.
fn check_committed(path: &Path, round: usize) -> Vec<u32> {
    let ctx = format!("after kill {round}");
    let manifest = Manifest::read_from_zip(path).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    let v = verify_archive(path).unwrap_or_else(|e| panic!("{ctx}: {e}"));
    assert!(v.is_ok(), "{ctx}: {}", v.summary());
    let file_len = fs::metadata(path).expect("meta").len();
    let len = crate::archive::reader::committed_len(path, file_len).expect("committed length");
    let mut bytes = fs::read(path).expect("read");
    bytes.truncate(len as usize);
    let copy = path.with_extension("check.zip");
    fs::write(&copy, &bytes).expect("copy");
    let files = read_all(&copy);
    assert_unzip_ok(&copy);
    fs::remove_file(&copy).expect("remove");
    let mut uids: Vec<u32> = manifest.messages.iter().filter_map(|m| m.uid).collect();
    uids.sort_unstable();
    let n = uids.len();
    uids.dedup();
    assert_eq!(uids.len(), n, "{ctx}: a message is listed twice");
    for m in &manifest.messages {
        let uid = m.uid.expect("uid");
        assert_eq!(
            files.get(&m.entry),
            Some(&kill_mail(uid)),
            "{ctx}: bytes of UID {uid}"
        );
    }
    assert_eq!(
        files.keys().filter(|k| k.ends_with(".eml")).count(),
        n,
        "{ctx}: stray entries"
    );
    uids
}

#[test]
fn sigkill_at_random_points_of_in_place_appends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs: Vec<(u32, Vec<u8>)> = (1..=20).map(|u| (u, kill_mail(u))).collect();
    write_backup(&path, kill_opts(), &msgs);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    eprintln!("random kill points from seed {seed}");
    let mut rng = seed | 1;
    let mut next = move |bound: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % bound
    };
    let mut have = check_committed(&path, 0);
    let mut kills = 0;
    for round in 1..=40 {
        let mut child = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "archive::update::tests::kill_random_child",
                "--exact",
                "--ignored",
                "--test-threads=1",
            ])
            .env("IKOU_KILL_RANDOM_ARCHIVE", &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn child");
        // Start-up takes some milliseconds; kill anywhere from before it opens the archive
        // to a few update cycles in.
        std::thread::sleep(std::time::Duration::from_micros(5_000 + next(250_000)));
        if child.try_wait().expect("wait").is_none() {
            kills += 1;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let now = check_committed(&path, round);
        assert!(
            have.iter().all(|u| now.binary_search(u).is_ok()),
            "after kill {round} (seed {seed}): committed messages lost"
        );
        have = now;
    }
    assert!(
        kills >= 30,
        "only {kills} children were killed while running"
    );
    // A rerun completes: every message exactly once, in the file as it is. The first rerun
    // that finds every message may still finish an append the last kill interrupted (then it
    // rewrites the end of the file); the run after it has nothing to do and writes nothing.
    let mut whole = false;
    let mut settled = false;
    for _ in 0..5 {
        let (mut up, prior) = ArchiveUpdate::open(&path, kill_opts()).expect("rerun");
        up.folder(&folder_info("INBOX.研究室.学会", 7))
            .expect("folder");
        let prior = prior.expect("prior");
        for uid in 1..=KILL_TOTAL {
            if !up.holds("INBOX.研究室.学会", &MessageKey::Uid(uid), Some(7)) {
                up.add(
                    "INBOX.研究室.学会",
                    MessageKey::Uid(uid),
                    &msg_info(uid),
                    kill_mail(uid),
                )
                .expect("add");
            }
        }
        let report = up.commit().expect("commit");
        if whole {
            assert!(
                !report.rewritten,
                "a run with nothing new wrote (seed {seed})"
            );
            settled = true;
            break;
        }
        whole = prior.len() == KILL_TOTAL as usize;
    }
    assert!(settled, "reruns never found every message (seed {seed})");
    assert_eq!(leftovers(&path), (false, false));
    let all: Vec<(u32, Vec<u8>)> = (1..=KILL_TOTAL).map(|u| (u, kill_mail(u))).collect();
    assert_matches_manifest(&path, &all);
    assert_eq!(check_committed(&path, 41).len(), KILL_TOTAL as usize);
}

/// Rewrites the backup at `path` as another zip writer (the zip crate) would, with its
/// manifest in an older, looser form: compact JSON, `messages` before `folders`, no
/// `subject_raw`, and a field this version does not know.
fn rewrite_with_old_manifest(path: &Path) {
    let mut value: serde_json::Value = serde_json::from_slice(
        &Manifest::read_from_zip(path)
            .expect("manifest")
            .to_json()
            .expect("json"),
    )
    .expect("value");
    let obj = value.as_object_mut().expect("object");
    for m in obj["messages"].as_array_mut().expect("messages") {
        let m = m.as_object_mut().expect("record");
        m.remove("subject_raw");
        m.insert("legacy".into(), serde_json::json!({"kept": [1, 2]}));
    }
    let messages = obj.remove("messages").expect("messages");
    let mut reordered = serde_json::Map::new();
    reordered.insert("format".into(), obj.remove("format").expect("format"));
    reordered.insert("messages".into(), messages);
    reordered.extend(std::mem::take(obj));
    reordered.insert("written_by_an_older_ikou".into(), serde_json::json!(true));
    let json = serde_json::to_vec(&serde_json::Value::Object(reordered)).expect("json");
    replace_manifest(path, &json);
}

/// Rewrites the archive with `json` as its manifest (the other entries copied raw), as
/// another writer or an older ikou would have laid it out.
pub(crate) fn replace_manifest(path: &Path, json: &[u8]) {
    use std::io::Write as _;
    let copy = path.with_extension("new.zip");
    {
        let mut original = zip::ZipArchive::new(fs::File::open(path).expect("open")).expect("zip");
        let mut writer = zip::ZipWriter::new(fs::File::create(&copy).expect("create"));
        for i in 0..original.len() {
            let entry = original.by_index_raw(i).expect("entry");
            if entry.name().expect("name") != MANIFEST_NAME {
                writer.raw_copy_file(entry).expect("copy");
            }
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(MANIFEST_NAME, options).expect("start");
        writer.write_all(json).expect("write");
        writer.finish().expect("finish");
    }
    fs::rename(&copy, path).expect("rename");
}

/// The held messages are kept compactly and streamed into the new manifest at commit: an
/// old-form manifest is read, a re-identified message keeps every other field, a forgotten
/// one is left out, and the same holds for messages an interrupted run had journalled.
#[test]
fn streamed_commit_applies_rekeys_and_forgets_to_old_and_recovered_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..4]);
    rewrite_with_old_manifest(&path);
    let before = Manifest::read_from_zip(&path).expect("the old form reads");
    assert!(before.messages.iter().all(|m| m.subject_raw.is_none()));
    let folder = "INBOX.研究室.学会";

    // A run adds UID 5 and 6 and dies before its commit.
    {
        let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("open old form");
        let prior = prior.expect("prior");
        assert_eq!(prior.len(), 4);
        assert!(prior.holds(folder, &MessageKey::Uid(3), Some(7)));
        assert_eq!(
            prior.messages_in(folder).map(|m| m.size).sum::<u64>(),
            msgs[..4].iter().map(|m| m.1.len() as u64).sum::<u64>()
        );
        up.folder(&folder_info(folder, 7)).expect("folder");
        for (uid, bytes) in &msgs[4..6] {
            up.add(
                folder,
                MessageKey::Uid(*uid),
                &msg_info(*uid),
                bytes.clone(),
            )
            .expect("add");
        }
        drop(up);
    }

    // The rerun resumes them, re-identifies UID 1 (from the manifest) and UID 5 (from the
    // journal), forgets UID 2 and UID 6, and adds UID 7.
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
    let prior = prior.expect("prior");
    assert_eq!((up.recovered_messages(), prior.len()), (2, 6));
    let id_of = |uid: u32| {
        prior
            .messages()
            .find(|m| m.uid == Some(uid))
            .map(|m| m.id)
            .expect("held")
    };
    up.folder(&folder_info(folder, 7)).expect("folder");
    up.rekey_held(id_of(1), MessageKey::Uid(101), Some(7))
        .expect("rekey from the manifest");
    up.rekey_held(id_of(5), MessageKey::Uid(105), Some(7))
        .expect("rekey from the journal");
    assert_eq!(
        up.forget(|m| m.uid == Some(2) || m.uid == Some(6))
            .expect("forget"),
        2
    );
    assert!(up.holds(folder, &MessageKey::Uid(101), Some(7)));
    assert!(!up.holds(folder, &MessageKey::Uid(1), Some(7)));
    assert!(!up.holds(folder, &MessageKey::Uid(6), Some(7)));
    // Full records are read back with this run's changes.
    let stale = up.held_records(|m| m.uid == Some(1)).expect("records");
    assert_eq!(stale[0].1.uid, Some(101));
    up.add(folder, MessageKey::Uid(7), &msg_info(7), msgs[6].1.clone())
        .expect("add");
    let report = up.commit().expect("commit");
    assert_eq!(
        (
            report.rewritten,
            report.messages,
            report.unreferenced_entries
        ),
        (true, 5, 2)
    );

    let after = Manifest::read_from_zip(&path).expect("manifest");
    let uids: Vec<Option<u32>> = after.messages.iter().map(|m| m.uid).collect();
    assert_eq!(uids, [Some(101), Some(3), Some(4), Some(105), Some(7)]);
    let old = |uid: u32| {
        before
            .messages
            .iter()
            .find(|m| m.uid == Some(uid))
            .expect("old")
    };
    let mut expect1 = old(1).clone();
    expect1.uid = Some(101);
    assert_eq!(after.messages[0], expect1, "every other field kept");
    assert_eq!(&after.messages[1], old(3));
    assert_eq!(after.messages[3].sha256.len(), 64);
    assert_eq!(after.folder(folder).map(|f| f.messages), Some(5));
    let files = read_all(&path);
    for m in &after.messages {
        assert_eq!(files[&m.entry].len() as u64, m.size, "{}", m.entry);
    }
    let v = verify_archive(&path).expect("verify");
    assert!(v.is_ok(), "{}", v.summary());
    assert_unzip_ok(&path);

    // Nothing new: nothing is written.
    let (up, prior) = ArchiveUpdate::open(&path, opts()).expect("open again");
    assert_eq!(prior.map(|p| p.len()), Some(5));
    let report = up.commit().expect("commit");
    assert_eq!((report.rewritten, report.unreferenced_entries), (false, 2));
}

/// The raw JSON text of the manifest entry.
fn manifest_text(path: &Path) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).expect("open")).expect("zip");
    let mut f = zip.by_name(MANIFEST_NAME).expect("manifest");
    let mut out = Vec::new();
    f.read_to_end(&mut out).expect("read");
    out
}

/// A rerun that only adds copies the previous records' text into the new manifest: the
/// result is the same pretty JSON a full serialisation gives, and an older, compact
/// manifest is carried over correctly too (an interrupted run's records included).
#[test]
fn add_only_rerun_copies_the_previous_records() {
    let folder = "INBOX.研究室.学会";
    let msgs = corpus();
    for old_form in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("backup.zip");
        write_backup(&path, opts(), &msgs[..3]);
        if old_form {
            rewrite_with_old_manifest(&path);
        }
        let before = Manifest::read_from_zip(&path).expect("manifest");
        // An interrupted run journals UID 4; the rerun resumes it and adds UID 5.
        {
            let (mut up, _) = ArchiveUpdate::open(&path, opts()).expect("open");
            up.folder(&folder_info(folder, 7)).expect("folder");
            up.add(folder, MessageKey::Uid(4), &msg_info(4), msgs[3].1.clone())
                .expect("add");
        }
        let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("reopen");
        assert_eq!(
            (up.recovered_messages(), prior.map(|p| p.len())),
            (1, Some(4))
        );
        up.folder(&folder_info(folder, 7)).expect("folder");
        up.add(folder, MessageKey::Uid(5), &msg_info(5), msgs[4].1.clone())
            .expect("add");
        let report = up.commit().expect("commit");
        assert_eq!((report.messages, report.unreferenced_entries), (5, 0));
        let after = Manifest::read_from_zip(&path).expect("manifest");
        assert_eq!(after.messages[..3], before.messages[..]);
        let uids: Vec<Option<u32>> = after.messages.iter().map(|m| m.uid).collect();
        assert_eq!(uids, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
        assert_eq!(after.folder(folder).map(|f| f.messages), Some(5));
        if !old_form {
            assert!(
                manifest_text(&path) == after.to_json().expect("json"),
                "the copied text is the pretty JSON"
            );
        }
        assert_matches_manifest(&path, &msgs[..5]);
    }
}

/// Metadata of message `uid` in the many-recovered test: long header fields, so each
/// journalled record is a few KB and holding them all would show in the peak memory.
fn long_info(uid: u32) -> MessageInfo {
    let mut info = msg_info(uid);
    info.subject = Some(format!("会議 {uid}: {}", "研究室の資料と議事録".repeat(60)));
    info.from = Some(format!("{} <taro{uid}@example.jp>", "太郎".repeat(200)));
    info
}

/// Peak resident memory of this process so far, in KiB.
fn peak_rss_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmHWM in /proc/self/status")
}

/// Child half of `resumed_run_with_many_recovered_messages_keeps_each_once`: opens the
/// interrupted backup (resuming it) and prints its peak memory before and after, and
/// what it recovered. Leaves the backup as it found it (nothing is appended). A small
/// interrupted backup is resumed first, so the code's pages are already counted before.
#[test]
#[ignore = "run as a child process by resumed_run_with_many_recovered_messages_keeps_each_once"]
fn resume_memory_child() {
    let (Some(path), Some(warm)) = (
        std::env::var_os("IKOU_RESUME_MEM_ARCHIVE"),
        std::env::var_os("IKOU_RESUME_MEM_WARM_UP"),
    ) else {
        return;
    };
    let (up, _) = ArchiveUpdate::open(Path::new(&warm), opts()).expect("open warm-up");
    assert!(up.recovered_messages() > 0, "the warm-up resumes too");
    drop(up);
    let before = peak_rss_kib();
    let (up, prior) = ArchiveUpdate::open(Path::new(&path), opts()).expect("open");
    let after = peak_rss_kib();
    println!(
        "RESUMED before={before} after={after} recovered={} held={}",
        up.recovered_messages(),
        prior.map_or(0, |p| p.len())
    );
}

/// Runs `resume_memory_child` on `path` (after `warm`), with a deadline; returns (peak KiB
/// before open, peak KiB after, recovered, held).
fn resume_in_child(path: &Path, warm: &Path) -> (u64, u64, usize, usize) {
    let stdout = crate::archive::testutil::run_test_child(
        "archive::update::tests::resume_memory_child",
        &[
            ("IKOU_RESUME_MEM_ARCHIVE", path.as_os_str()),
            ("IKOU_RESUME_MEM_WARM_UP", warm.as_os_str()),
        ],
        std::time::Duration::from_secs(120),
    );
    let line = stdout
        .lines()
        .find_map(|l| Some(&l[l.find("RESUMED ")? + 8..]))
        .unwrap_or_else(|| panic!("no report from the child:\n{stdout}"));
    let field = |name: &str| -> u64 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} missing in {line:?}"))
    };
    (
        field("before"),
        field("after"),
        field("recovered") as usize,
        field("held") as usize,
    )
}

/// An in-place append of a few thousand messages dies (the update is dropped, its journal's
/// last line torn and junk after the last entry). The next open resumes every intact entry
/// without holding the interrupted run's records (its peak memory barely moves, while the
/// records and the journal are many MB), the rerun fetches only what was lost and the new
/// ones, and the committed backup holds every message exactly once.
#[test]
fn resumed_run_with_many_recovered_messages_keeps_each_once() {
    const BASE: u32 = 5;
    const INTERRUPTED: u32 = 3_000;
    const NEW: u32 = 10;
    let folder = "INBOX.研究室.学会";
    let body = |uid: u32| mail(u64::from(uid), 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("backup.zip");
    let warm = dir.path().join("warm-up.zip");
    let journal = PathBuf::from(format!("{}.journal", path.display()));
    let base: Vec<(u32, Vec<u8>)> = (1..=BASE).map(|u| (u, body(u))).collect();
    let interrupt = |path: &Path, n: u32| {
        let (mut up, _) = ArchiveUpdate::open(path, opts()).expect("open");
        up.folder(&folder_info(folder, 7)).expect("folder");
        for uid in BASE + 1..=BASE + n {
            up.add(folder, MessageKey::Uid(uid), &long_info(uid), body(uid))
                .expect("add");
        }
        drop(up); // interrupted: no commit
    };
    write_backup(&warm, opts(), &base);
    interrupt(&warm, 20);
    write_backup(&path, opts(), &base);
    let original = fs::read(&path).expect("read");
    interrupt(&path, INTERRUPTED);
    let journal_len = fs::metadata(&journal).expect("journal kept").len();
    assert!(
        journal_len > 10 << 20,
        "the records are large ({journal_len} bytes)"
    );
    // The last journal line torn, junk after the last entry.
    let j = OpenOptions::new().write(true).open(&journal).expect("open");
    j.set_len(journal_len - 5).expect("tear");
    append_bytes(&path, &fake_commit_tail());
    assert_previous_version_intact(&path, &original, &base);

    let (before, after, recovered, held) = resume_in_child(&path, &warm);
    eprintln!("resumed {recovered} messages: peak memory {before} KiB before, {after} KiB after");
    assert_eq!(recovered, INTERRUPTED as usize - 1, "all but the torn one");
    assert_eq!(held, recovered + BASE as usize);
    // Holding the records (or the journal's text) would take more than the journal's size.
    assert!(
        after - before < 8 << 10,
        "resuming {recovered} messages ({journal_len} bytes of journal) raised the peak \
         memory from {before} KiB to {after} KiB"
    );

    // The rerun, as the service does it: fetch what the backup does not hold.
    let (mut up, prior) = ArchiveUpdate::open(&path, opts()).expect("resume");
    let prior = prior.expect("prior");
    assert_eq!(
        (up.recovered_messages(), prior.len()),
        (recovered, held),
        "the child left the backup as it found it"
    );
    up.folder(&folder_info(folder, 7)).expect("folder");
    let total = BASE + INTERRUPTED + NEW;
    let mut fetched = Vec::new();
    for uid in 1..=total {
        if !up.holds(folder, &MessageKey::Uid(uid), Some(7)) {
            up.add(folder, MessageKey::Uid(uid), &long_info(uid), body(uid))
                .expect("add");
            fetched.push(uid);
        }
    }
    let lost = BASE + INTERRUPTED;
    let expect_fetched: Vec<u32> = std::iter::once(lost).chain(lost + 1..=total).collect();
    assert_eq!(
        fetched, expect_fetched,
        "only the torn one and the new ones"
    );
    let report = up.commit().expect("commit");
    assert_eq!(report.messages, total as usize);
    assert_eq!(report.unreferenced_entries, 0);
    assert_eq!(leftovers(&path), (false, false));

    let manifest = Manifest::read_from_zip(&path).expect("manifest");
    let mut uids: Vec<u32> = manifest.messages.iter().filter_map(|m| m.uid).collect();
    uids.sort_unstable();
    assert_eq!(uids, (1..=total).collect::<Vec<_>>(), "every message once");
    let files = read_all(&path);
    for m in &manifest.messages {
        let uid = m.uid.expect("uid");
        assert_eq!(files.get(&m.entry), Some(&body(uid)), "bytes of UID {uid}");
    }
    assert_eq!(
        files.keys().filter(|k| k.ends_with(".eml")).count(),
        total as usize,
        "no stray entries"
    );
    let v = verify_archive(&path).expect("verify");
    assert!(v.is_ok(), "{}", v.summary());
    assert_unzip_ok(&path);
}

mod lazy;
