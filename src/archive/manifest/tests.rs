use super::*;

#[test]
fn json_round_trip_and_key_fields() {
    let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
    m.messages.push(MessageRecord {
        folder: "INBOX".into(),
        uid: Some(5),
        entry: "INBOX/a.eml".into(),
        ..Default::default()
    });
    m.messages.push(MessageRecord {
        folder: "INBOX".into(),
        uidl: Some("abc".into()),
        ..Default::default()
    });
    let json = m.to_json().expect("encodes");
    let text = String::from_utf8(json.clone()).expect("manifest is UTF-8");
    assert!(text.contains("\"uid\": 5") && text.contains("\"uidl\": \"abc\""));
    assert!(text.contains("\"source\": \"imap\""));
    let back = Manifest::from_json(&json, Path::new("x.zip")).expect("parses back");
    assert_eq!(back, m);
    assert_eq!(back.messages[0].key(), Some(MessageKey::Uid(5)));
    assert_eq!(back.messages[1].key(), Some(MessageKey::Uidl("abc".into())));
}

#[test]
fn streamed_json_equals_derived_json() {
    let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
    let rec = |uid| MessageRecord {
        folder: "INBOX".into(),
        uid: Some(uid),
        sha256: "ab".repeat(32),
        subject: Some("件名".into()),
        entry: format!("INBOX/{uid}.eml"),
        ..Default::default()
    };
    m.messages.push(rec(1));
    let mut out = Vec::new();
    m.write_json_with(&mut out, 0, std::iter::empty())
        .expect("writes");
    assert_eq!(out, m.to_json().expect("encodes"));
    let mut out = Vec::new();
    m.write_json_with(&mut out, 2, [Ok(rec(2)), Ok(rec(3))].into_iter())
        .expect("writes");
    m.messages.extend([rec(2), rec(3)]);
    assert_eq!(out, m.to_json().expect("encodes"));
    let mut empty = Manifest::new("h:1", "a", SourceKind::Pop3);
    empty.messages.clear();
    let mut out = Vec::new();
    empty
        .write_json_with(&mut out, 0, std::iter::empty())
        .expect("writes");
    assert_eq!(out, empty.to_json().expect("encodes"));
    // A record missing from the journal is an error, not a shorter manifest.
    assert!(
        m.write_json_with(&mut Vec::new(), 1, std::iter::empty())
            .is_err()
    );
}

/// The message list's text is picked out of a manifest fed in chunks of any size
/// (strings full of brackets, quotes and escapes included) and spliced into a new one:
/// from pretty JSON the result equals the derived serialisation byte for byte, from
/// compact JSON with another member order it reads back the same.
#[test]
fn message_list_text_is_copied_exactly() {
    let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
    m.folders.push(FolderRecord {
        name: "INBOX".into(),
        raw_name: "INBOX".into(),
        delimiter: Some('.'),
        special_use: None,
        uid_validity: Some(7),
        messages: 3,
        dir: "INBOX/".into(),
        synced: None,
        largest: None,
    });
    let rec = |uid: u32, subject: &str| MessageRecord {
        folder: "INBOX".into(),
        uid: Some(uid),
        uid_validity: Some(7),
        sha256: "ab".repeat(32),
        flags: vec!["\\Seen".into(), "]".into()],
        subject: Some(subject.into()),
        entry: format!("INBOX/{uid}.eml"),
        ..Default::default()
    };
    m.messages = vec![
        rec(1, r#"tricky "]}" \" [{ 件名"#),
        rec(2, "messages: [1, 2]"),
    ];
    let added = rec(3, "new ]");
    let mut whole = m.clone();
    whole.messages.push(added.clone());
    let expected = whole.to_json().expect("json");

    let pretty = m.to_json().expect("json");
    let mut compact: serde_json::Value = serde_json::from_slice(&pretty).expect("value");
    let obj = compact.as_object_mut().expect("object");
    let messages = obj.remove("messages").expect("messages");
    let mut reordered = serde_json::Map::new();
    reordered.insert("messages".into(), messages);
    reordered.extend(std::mem::take(obj));
    let compact = serde_json::to_vec(&serde_json::Value::Object(reordered)).expect("json");

    for (input, exact) in [(&pretty, true), (&compact, false)] {
        for size in [1, 7, 4096] {
            let mut text = MessagesText::default();
            let mut copied = Vec::new();
            for chunk in input.chunks(size) {
                text.feed(chunk, &mut copied).expect("feed");
            }
            assert!(text.complete);
            assert_eq!(text.records, 2);
            let mut out = Vec::new();
            whole
                .write_json_spliced(
                    &mut out,
                    |w| w.write_all(&copied).map(|()| true),
                    std::iter::once(Ok(added.clone())),
                )
                .expect("splice");
            if exact {
                assert_eq!(
                    String::from_utf8_lossy(&out),
                    String::from_utf8_lossy(&expected)
                );
            }
            let back = Manifest::from_json(&out, Path::new("x.zip")).expect("valid JSON");
            assert_eq!(back, whole, "chunk size {size}");
        }
    }
    // No records at all, before or after: an empty list as the derived form writes it.
    let mut empty = m.clone();
    empty.messages.clear();
    let mut out = Vec::new();
    empty
        .write_json_spliced(&mut out, |_| Ok(false), std::iter::empty())
        .expect("splice");
    assert_eq!(out, empty.to_json().expect("json"));
}

#[test]
fn newer_format_is_refused() {
    let mut m = Manifest::new("h:1", "a", SourceKind::Pop3);
    m.format = FORMAT_VERSION + 1;
    let err = Manifest::from_json(&m.to_json().expect("encodes"), Path::new("x.zip"))
        .expect_err("newer format");
    assert!(
        matches!(err, ArchiveError::UnsupportedFormat { found, .. } if found == FORMAT_VERSION + 1)
    );
    let err =
        Manifest::from_json(b"{\"format\":1}", Path::new("x.zip")).expect_err("missing fields");
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
}
