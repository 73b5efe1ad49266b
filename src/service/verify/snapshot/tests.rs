use super::*;
use crate::model::{FolderMessages, SpecialUse};
use crate::service::verify::gather::Whole;
use serde::Deserialize;

fn mailbox() -> Vec<FolderMessages> {
    let message = |uid: u32, id: Option<&str>| MessageInfo {
        uid,
        size: 1000 + u64::from(uid),
        internal_date: Some("2025-01-20T09:00:00+09:00".into()),
        flags: vec!["\\Seen".into()],
        message_id: id.map(str::to_string),
        subject_raw: Some("=?UTF-8?B?5Lya6K2w?=".into()),
        subject: Some("会議".into()),
        body_hash: id.is_none().then(|| "ab".repeat(32)),
        ..MessageInfo::default()
    };
    let mut sent = FolderInfo::named("送信済み", Some('/'));
    sent.special_use = Some(SpecialUse::Sent);
    sent.raw_name = "&kAFP4W-".into();
    vec![
        FolderMessages {
            folder: FolderInfo::named("INBOX", None),
            messages: (1..=3)
                .map(|uid| message(uid, Some(&format!("<{uid}@example-univ.ac.jp>"))))
                .collect(),
        },
        FolderMessages {
            folder: FolderInfo::named("Empty", None),
            messages: Vec::new(),
        },
        FolderMessages {
            folder: sent,
            messages: vec![message(7, None)],
        },
    ]
}

fn write(path: &Path, folders: &[FolderMessages]) -> SnapshotSaved {
    let mut writer =
        SnapshotWriter::create(path, SnapshotHead::now("old:993 (tls)", "taro")).expect("create");
    for f in folders {
        writer
            .folder(&f.folder, f.messages.iter().cloned())
            .expect("folder");
    }
    writer.finish().expect("finish")
}

fn read(path: &Path) -> Result<(SnapshotHead, Vec<FolderMessages>), SnapshotError> {
    let mut sink = Whole::default();
    let head = read_snapshot(path, &mut sink)?;
    Ok((head, sink.0))
}

#[test]
fn written_folder_by_folder_and_read_back_message_by_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.json");
    let folders = mailbox();
    let saved = write(&path, &folders);
    assert_eq!((saved.folders, saved.messages), (3, 4));
    assert!(!dir.path().join("s.json.partial").exists());
    let (head, read_back) = read(&path).expect("read");
    assert_eq!(head, saved.head);
    assert_eq!(read_back, folders);

    // The file is the same JSON the whole-document form gives, so older ikou reads it.
    #[derive(Deserialize)]
    struct Whole {
        kind: String,
        server: String,
        folders: Vec<FolderMessages>,
    }
    let whole: Whole =
        serde_json::from_slice(&std::fs::read(&path).expect("file")).expect("one JSON document");
    assert_eq!(
        (whole.kind.as_str(), whole.server.as_str()),
        (SNAPSHOT_KIND, "old:993 (tls)")
    );
    assert_eq!(whole.folders, folders);

    // An empty mailbox is a valid snapshot too.
    let empty = dir.path().join("empty.json");
    write(&empty, &[]);
    assert_eq!(read(&empty).expect("read").1, Vec::new());
}

#[test]
fn the_head_may_come_in_any_order_and_the_folders_are_read_in_theirs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.json");
    let folders = mailbox();
    // serde_json's map sorts its keys: "folders" before "format" and "kind".
    let value = serde_json::json!({
        "kind": SNAPSHOT_KIND,
        "format": 1,
        "tool_version": "0.1.0",
        "server": "old:993 (tls)",
        "account": "taro",
        "taken": "2026-12-01T00:00:00Z",
        "folders": folders,
        "comment": "added by hand",
    });
    std::fs::write(&path, value.to_string()).expect("write");
    let (head, read_back) = read(&path).expect("read");
    assert_eq!(head.taken, "2026-12-01T00:00:00Z");
    assert_eq!(read_back, folders);
}

#[test]
fn refusals_name_the_snapshot_and_what_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.json");
    write(&path, &mailbox());
    let good: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("file")).expect("json");
    let refused = |text: &[u8]| {
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, text).expect("write");
        read(&bad).expect_err("refused")
    };

    let mut newer = good.clone();
    newer["format"] = 99.into();
    let err = refused(newer.to_string().as_bytes());
    assert!(
        matches!(err, SnapshotError::Newer { found: 99, .. }),
        "{err}"
    );
    // In the order ikou writes: refused before a single folder reaches the sink.
    let text = std::fs::read_to_string(&path).expect("file");
    let newer_in_order = dir.path().join("newer.json");
    std::fs::write(
        &newer_in_order,
        text.replace("\"format\": 1,", "\"format\": 99,"),
    )
    .expect("write");
    let mut sink = Whole::default();
    let err = read_snapshot(&newer_in_order, &mut sink).expect_err("newer");
    assert!(
        matches!(err, SnapshotError::Newer { found: 99, .. }),
        "{err}"
    );
    assert!(sink.0.is_empty(), "nothing read before the head is checked");

    let err = refused(b"{\"format\":1}");
    assert!(matches!(err, SnapshotError::NotSnapshot { .. }), "{err}");
    let err = refused(b"PK\x03\x04");
    assert!(err.to_string().contains("ikou snapshot"), "{err}");

    let mut headless = good.clone();
    headless.as_object_mut().expect("object").remove("server");
    let err = refused(headless.to_string().as_bytes());
    assert!(err.to_string().contains("`server`"), "{err}");

    // A folder whose messages come before what folder they are of.
    let text = good.to_string();
    let swapped = r#"[{"messages":[],"folder":{"name":"X"}}]"#;
    let at = text.find("\"folders\":").expect("folders") + "\"folders\":".len();
    let end = text.rfind(']').expect("end of folders") + 1;
    let err = refused(format!("{}{}{}", &text[..at], swapped, &text[end..]).as_bytes());
    assert!(err.to_string().contains("comes before"), "{err}");

    // Cut short in the middle of a message, and with something after the document.
    let bytes = std::fs::read(&path).expect("file");
    let err = refused(&bytes[..bytes.len() * 2 / 3]);
    assert!(matches!(err, SnapshotError::NotSnapshot { .. }), "{err}");
    let mut trailing = bytes.clone();
    trailing.extend_from_slice(b"{}");
    let err = refused(&trailing);
    assert!(matches!(err, SnapshotError::NotSnapshot { .. }), "{err}");
}

#[test]
fn a_snapshot_left_unfinished_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("s.json");
    std::fs::write(&path, b"the earlier snapshot").expect("write");
    let mut writer =
        SnapshotWriter::create(&path, SnapshotHead::now("old:993 (tls)", "taro")).expect("create");
    let inbox = &mailbox()[0];
    writer
        .folder(&inbox.folder, inbox.messages.iter().cloned())
        .expect("folder");
    assert!(dir.path().join("s.json.partial").exists());
    drop(writer);
    assert!(!dir.path().join("s.json.partial").exists());
    assert_eq!(
        std::fs::read(&path).expect("still there"),
        b"the earlier snapshot"
    );
}
