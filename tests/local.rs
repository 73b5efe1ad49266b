//! `ikou local` (list, backup, upload) against a generated Thunderbird profile and a real
//! Exchange-like Dovecot as the new server. The profile has Local Folders and a POP account,
//! nested and Japanese folder names, a deleted-but-not-compacted message, `From ` lines in
//! bodies, a message without Message-ID, LF and CRLF files and a message over the size
//! limit. After every command the local files' bytes and modification times are checked.

mod common;
mod local_support;

use std::collections::BTreeSet;

use common::{ADDRESS, ikou, json, path_str};
use ikou::archive::ArchiveReader;
use local_support::{POP_NAME, file_states, folder, make_profile, new_server, sha};

#[test]
fn list_backup_upload_and_nothing_local_changes() {
    let f = make_profile();
    let tb = f.tb_dir();
    let before = file_states(&tb);
    let unchanged = |after: &str| {
        assert_eq!(
            file_states(&tb),
            before,
            "local files changed (bytes or mtime) after {after}"
        );
    };

    // --- list
    let inv = json(&ikou(&["local", "--thunderbird", path_str(&tb), "--json"]));
    unchanged("ikou local");
    assert_eq!(
        inv["profile"].as_str(),
        Some(path_str(&f.profile_dir)),
        "profile from profiles.ini"
    );
    let stores: Vec<&str> = inv["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        stores,
        [POP_NAME, "Local Folders"],
        "the IMAP cache is not listed"
    );
    for ((store, name), messages) in &f.expected {
        let entry = folder(&inv, store, name);
        assert_eq!(
            entry["messages"].as_u64(),
            Some(messages.len() as u64),
            "{store}/{name}"
        );
        let bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes), "{store}/{name}");
    }
    let pop_inbox = folder(&inv, POP_NAME, "Inbox");
    assert_eq!(pop_inbox["expunged"], 1);
    assert_eq!(
        pop_inbox["expunged_bytes"].as_u64(),
        Some(f.expunged.len() as u64)
    );
    assert_eq!(folder(&inv, "Local Folders", "Sent")["special_use"], "sent");
    let total: usize = f.expected.values().map(Vec::len).sum();
    assert_eq!(inv["messages"].as_u64(), Some(total as u64));
    // Text in both languages names the Japanese folders.
    for lang in ["ja", "en"] {
        let out = ikou(&["local", "--thunderbird", path_str(&tb), "--lang", lang]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("研究室/学会"), "{text}");
        assert!(
            text.contains(if lang == "ja" {
                "この PC だけ"
            } else {
                "only on this PC"
            }),
            "{text}"
        );
    }
    unchanged("ikou local (text)");

    // --- backup: byte-identical to what the mbox files hold, verified, resumable.
    let zip = f.root.path().join("local.zip");
    let report = json(&ikou(&[
        "local",
        "backup",
        "--thunderbird",
        path_str(&tb),
        "-o",
        path_str(&zip),
        "-a",
        ADDRESS,
        "--json",
    ]));
    unchanged("ikou local backup");
    assert_eq!(report["added"].as_u64(), Some(total as u64));
    let mut reader = ArchiveReader::open(&zip).expect("open backup");
    let manifest = reader.manifest().clone();
    assert_eq!(manifest.source, ikou::archive::SourceKind::Local);
    for ((store, name), messages) in &f.expected {
        let folder_name = format!("Local/{store}/{name}");
        let mut archived: Vec<Vec<u8>> = manifest
            .messages
            .iter()
            .filter(|m| m.folder == folder_name)
            .map(|m| reader.read_message(m).expect("read archived"))
            .collect();
        let mut want = messages.clone();
        archived.sort();
        want.sort();
        assert_eq!(archived, want, "{folder_name}: byte-identical");
    }
    assert!(
        !manifest
            .messages
            .iter()
            .any(|m| m.message_id.as_deref() == Some("gone@example.test")),
        "expunged message not backed up"
    );
    let verify = ikou(&["backup", "verify", path_str(&zip), "--json"]);
    assert!(
        verify.status.success(),
        "backup verify: {}",
        common::stderr(&verify)
    );
    let again = json(&ikou(&[
        "local",
        "backup",
        "--thunderbird",
        path_str(&tb),
        "-o",
        path_str(&zip),
        "-a",
        ADDRESS,
        "--json",
    ]));
    assert_eq!(again["added"], 0);
    assert_eq!(again["already"].as_u64(), Some(total as u64));
    assert_eq!(again["rewritten"], false);
    unchanged("second ikou local backup");

    // --- upload: plan, apply, apply again, compare again.
    let (account, profile) = new_server(&f);
    let upload = |extra: &[&str]| {
        let mut args = vec![
            "local",
            "upload",
            "--thunderbird",
            path_str(&tb),
            "-p",
            path_str(&profile),
            "--json",
        ];
        args.extend_from_slice(extra);
        json(&ikou(&args))
    };
    let plan = upload(&[]);
    unchanged("ikou local upload (plan)");
    let planned: BTreeSet<(String, String)> = plan["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .map(|i| {
            (
                format!(
                    "{}/{}",
                    i["store"].as_str().expect("s"),
                    i["folder"].as_str().expect("f")
                ),
                i["new_folder"].as_str().expect("n").to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("Local Folders/Sent", "Sent Items"),
        ("Local Folders/研究室", "研究室"),
        ("Local Folders/研究室/学会", "研究室/学会"),
        ("taro@example-univ.test/Inbox", "INBOX"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(planned, want);
    // Sent 2 + 研究室 1 + 学会 1 + Inbox 1 (one is the centre's copy, one too large).
    assert_eq!(plan["plan"].as_array().map(Vec::len), Some(5), "{plan:#}");
    let oversize = plan["oversize"].as_array().expect("oversize");
    assert_eq!(oversize.len(), 1);
    assert_eq!(
        oversize[0]["sha256"].as_str(),
        Some(sha(&f.oversize).as_str())
    );
    assert!(
        plan["folders_to_create"]
            .as_array()
            .expect("create")
            .iter()
            .any(|x| x == "研究室")
    );
    let trash = plan["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|x| x["folder"] == "Trash")
        .expect("trash row");
    assert_eq!(trash["skipped"], "not_by_default");
    assert_eq!(plan["applied"], false);
    let counts_before = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(
        counts_before.get("Sent Items"),
        Some(&0),
        "plan wrote nothing"
    );

    let applied = upload(&["--apply"]);
    unchanged("ikou local upload --apply");
    assert_eq!(applied["appended"], 5, "{applied:#}");
    assert_eq!(applied["failed"], 0, "{applied:#}");
    let counts = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(counts.get("Sent Items"), Some(&2));
    assert_eq!(counts.get("INBOX"), Some(&2));
    assert_eq!(counts.get("研究室/学会"), Some(&1));

    let second = upload(&["--apply"]);
    unchanged("second ikou local upload --apply");
    assert_eq!(
        second["plan"].as_array().map(Vec::len),
        Some(0),
        "{second:#}"
    );
    assert_eq!(second["appended"], 0);
    assert_eq!(
        account.server.folder_counts(common::USER).expect("counts"),
        counts
    );
    for row in second["folders"].as_array().expect("folders") {
        if row["skipped"].is_null() {
            let left = row["only_here"].as_u64().unwrap_or(0);
            let over = row["oversize"].as_u64().unwrap_or(0);
            assert_eq!(left, over, "only the oversize message is left: {row}");
        }
    }

    // Flags and dates kept: the Sent message with `From ` lines, byte for byte.
    let fetched = account
        .server
        .doveadm(&[
            "fetch",
            "-u",
            common::USER,
            "flags date.received text",
            "mailbox",
            "Sent Items",
            "header",
            "Message-ID",
            "sent1@example-univ.test",
        ])
        .expect("doveadm fetch");
    assert!(
        fetched.contains("\\Seen") && fetched.contains("\\Answered"),
        "{fetched}"
    );
    assert!(
        fetched.contains("2024-01-02 10:00:00"),
        "INTERNALDATE from the From line: {fetched}"
    );
    assert!(
        fetched.contains("\n>From a quote") && fetched.contains("\nFrom the minutes"),
        "{fetched}"
    );
}

/// A local backup stopped between two messages (what the full-screen view's `c` does)
/// commits what it read: the zip opens with every tool and holds exactly those messages,
/// byte for byte, and the next run adds the rest, each message once.
#[test]
fn a_stopped_local_backup_keeps_what_it_read_and_the_next_run_adds_the_rest() {
    use std::cell::Cell;
    use std::collections::BTreeMap;

    use ikou::service::local::{LocalBackupStep, backup, backup_with};

    let f = local_support::make_profile_with(40);
    let tb = f.tb_dir();
    let before = file_states(&tb);
    let total: u64 = f.expected.values().map(|m| m.len() as u64).sum();
    let zip = f.root.path().join("stopped.zip");
    let read = Cell::new(0u64);
    let folders = Cell::new(0usize);
    let report = backup_with(
        Some(&tb),
        &zip,
        ADDRESS,
        &|step| match step {
            LocalBackupStep::Message { .. } => read.set(read.get() + 1),
            LocalBackupStep::Folder(_) => folders.set(folders.get() + 1),
            LocalBackupStep::Reread { .. } => panic!("nothing writes the files"),
        },
        &|| read.get() >= 7,
    )
    .expect("stopped backup");
    assert!(report.cancelled, "{report:?}");
    assert_eq!((report.added, report.messages), (7, 7), "{report:?}");
    assert!(folders.get() >= 1);
    assert_eq!(file_states(&tb), before, "the backup changed nothing local");

    let all: BTreeMap<String, &Vec<u8>> =
        f.expected.values().flatten().map(|m| (sha(m), m)).collect();
    let check = |want: u64| {
        let test = std::process::Command::new("unzip")
            .args(["-tq", path_str(&zip)])
            .output()
            .expect("unzip");
        assert!(test.status.success(), "unzip -t: {:?}", test);
        let mut reader = ArchiveReader::open(&zip).expect("open the backup");
        let manifest = reader.manifest().clone();
        assert_eq!(manifest.messages.len() as u64, want);
        let mut seen = BTreeSet::new();
        for m in &manifest.messages {
            let bytes = reader.read_message(m).expect("read archived");
            let digest = sha(&bytes);
            assert!(
                all.contains_key(&digest),
                "{}: not a local message",
                m.entry
            );
            assert!(
                seen.insert((m.folder.clone(), digest, m.uidl.clone())),
                "twice"
            );
        }
    };
    check(7);

    let report = backup(Some(&tb), &zip, ADDRESS).expect("second backup");
    assert!(!report.cancelled);
    assert_eq!(report.added, total - 7, "{report:?}");
    assert_eq!(report.already, 7, "{report:?}");
    assert_eq!(report.messages, total);
    check(total);
    assert_eq!(file_states(&tb), before, "the backup changed nothing local");
}
