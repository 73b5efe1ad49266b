use super::*;
use crate::compare::result::{FindingKind, Reason};
use crate::imap::FetchedMeta;
use crate::model::{FolderInfo, SpecialUse};
use crate::service::verify::OldMailbox;
use crate::service::verify::gather::{Collector, Whole};
use std::collections::BTreeSet;

fn profile() -> Profile {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/profiles/exchange-online.toml");
    Profile::load(&path).expect("shipped profile")
}

fn folder(name: &str, special_use: SpecialUse) -> FolderInfo {
    let mut info = crate::compare::path::tests::folder(name, Some('/'));
    info.raw_name = format!("{name}&AAA-");
    info.special_use = Some(special_use);
    info
}

/// A message as fetched; `id: None` gives one without a Message-ID.
fn meta(uid: u32, id: Option<&str>, subject: &str, size: u64) -> FetchedMeta {
    let mut header = String::new();
    if let Some(id) = id {
        header.push_str(&format!("Message-ID: <{id}@example-univ.ac.jp>\r\n"));
    }
    header.push_str(&format!(
        "Date: Mon, 20 Jan 2025 09:{:02}:00 +0900\r\nFrom: taro@example-univ.ac.jp\r\n\
         To: hanako@example-univ.ac.jp\r\nSubject: {subject}\r\n\r\n",
        uid % 60
    ));
    FetchedMeta {
        uid,
        size,
        internal_date: Some(format!("2025-01-20T09:{:02}:00+09:00", uid % 60)),
        flags: if uid.is_multiple_of(2) {
            vec!["\\Seen".into()]
        } else {
            vec!["\\Answered".into(), "$Label1".into()]
        },
        header: Some(header.into_bytes()),
    }
}

/// Each folder's messages, and the body hashes of those without a Message-ID.
type Side = Vec<(FolderInfo, Vec<FetchedMeta>, Vec<(u32, String)>)>;

fn feed(collector: &mut dyn Collector, side: &Side) {
    for (info, metas, bodies) in side {
        collector.begin(info.clone());
        for m in metas {
            collector.message(m.clone());
        }
        for (uid, hash) in bodies {
            collector.body_hash(*uid, hash.clone());
        }
        collector.end();
    }
}

/// Reduced as a live read reduces it: identities, envelopes in a temporary file.
fn spilled(side: &Side, server: &str) -> ReducedSide {
    let mut reduced = Reduced::new().expect("temporary file");
    feed(&mut reduced, side);
    let (folders, spill) = reduced.finish().expect("spill");
    ReducedSide {
        source: SourceInfo::live(server.into()),
        folders,
        envelopes: Envelopes::Spilled(spill),
    }
}

fn whole(side: &Side) -> Vec<crate::model::FolderMessages> {
    let mut whole = Whole::default();
    feed(&mut whole, side);
    whole.0
}

/// Old: INBOX with 200 messages (one without a Message-ID, one too large), Sent with 5.
/// New: the copy without INBOX 7, 8, 120 (no Message-ID), 150 (too large) and Sent 4, 5;
/// one garbled subject and one extra copy.
/// The report and basis of [`mailboxes`], both sides read through the spill.
fn spilled_report() -> (Side, Side, VerifyReport, RestoreBasis) {
    let (old, new) = mailboxes();
    let (report, basis) = report_with_basis(
        &profile(),
        spilled(&old, "old:993"),
        "new:993",
        spilled(&new, "new:993"),
        Lang::En,
    )
    .expect("report");
    (old, new, report, basis)
}

fn mailboxes() -> (Side, Side) {
    let big = 200 * 1024 * 1024;
    let inbox: Vec<FetchedMeta> = (1..=200)
        .map(|uid| match uid {
            120 => meta(uid, None, "no id", 4_000),
            150 => meta(uid, Some("m150"), "poster", big),
            42 => meta(uid, Some("m42"), "=?UTF-8?B?5Lya6K2w44Gu5Lu2?=", 5_000),
            _ => meta(uid, Some(&format!("m{uid}")), &format!("note {uid}"), 3_000),
        })
        .collect();
    let sent: Vec<FetchedMeta> = (1..=5)
        .map(|uid| meta(uid, Some(&format!("s{uid}")), &format!("sent {uid}"), 9_000))
        .collect();
    let old: Side = vec![
        (
            folder("INBOX", SpecialUse::Inbox),
            inbox.clone(),
            vec![(120, "b120".into())],
        ),
        (folder("Sent", SpecialUse::Sent), sent.clone(), vec![]),
    ];
    let mut new_inbox: Vec<FetchedMeta> = inbox
        .iter()
        .filter(|m| ![7, 8, 120, 150].contains(&m.uid))
        .cloned()
        .collect();
    for m in &mut new_inbox {
        if m.uid == 42 {
            m.header = meta(42, Some("m42"), "会議の\u{FFFD}\u{FFFD}", 5_000).header;
        }
    }
    let mut copy = inbox[0].clone();
    copy.uid = 900;
    new_inbox.push(copy);
    let new: Side = vec![
        (folder("INBOX", SpecialUse::Inbox), new_inbox, vec![]),
        (
            folder("Sent Items", SpecialUse::Sent),
            sent[..3].to_vec(),
            vec![],
        ),
    ];
    (old, new)
}

/// The basis keeps the folders of both sides and the old copies of exactly the messages
/// a missing or oversize finding names, with what their plan lines take; read from a
/// spill it is the basis the whole mailboxes in memory give.
#[test]
fn the_basis_holds_only_the_messages_the_findings_name() {
    let (old, new, report, basis) = spilled_report();

    let kinds: BTreeSet<FindingKind> = report
        .comparison
        .findings
        .iter()
        .map(|f| f.reason.kind())
        .collect();
    for kind in [
        FindingKind::Missing,
        FindingKind::Oversize,
        FindingKind::Garbled,
        FindingKind::Duplicate,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    let kept: Vec<(&str, u32)> = basis.copies().map(|(f, uid, _)| (f, uid)).collect();
    assert_eq!(
        kept,
        vec![
            ("INBOX", 7),
            ("INBOX", 8),
            ("INBOX", 120),
            ("INBOX", 150),
            ("Sent", 4),
            ("Sent", 5)
        ]
    );
    let named: BTreeSet<(&str, u32)> = crate::service::verify::basis::restorable(&report)
        .filter_map(|f| Some((f.old_folder.as_deref()?, f.message.as_ref()?.uid)))
        .collect();
    assert_eq!(kept.iter().copied().collect::<BTreeSet<_>>(), named);
    let garbled = report
        .comparison
        .of_kind(FindingKind::Garbled)
        .find_map(|f| f.message.as_ref())
        .expect("garbled");
    assert!(basis.copy("INBOX", garbled.uid).is_none());

    let (folder, uid) = ("INBOX", 7);
    let copy = basis.copy(folder, uid).expect("kept");
    assert_eq!(copy.flags, vec!["\\Answered".to_string(), "$Label1".into()]);
    assert_eq!(
        copy.internal_date.as_deref(),
        Some("2025-01-20T09:07:00+09:00")
    );
    assert_eq!(copy.body_hash, None, "a Message-ID identifies it");
    assert_eq!(copy.record, None, "read live, not from a backup");
    let no_id = basis.copy("INBOX", 120).expect("kept");
    assert_eq!(no_id.body_hash.as_deref(), Some("b120"));
    assert_eq!(no_id.flags, vec!["\\Seen".to_string()]);
    assert!(
        report.comparison.findings.iter().any(|f| {
            matches!(f.reason, Reason::Oversize { .. })
                && f.message.as_ref().is_some_and(|m| m.uid == 150)
        }),
        "{:?}",
        report.comparison.findings
    );

    let names = |folders: &[FolderInfo]| -> Vec<(String, String)> {
        folders
            .iter()
            .map(|f| (f.name.clone(), f.raw_name.clone()))
            .collect()
    };
    assert_eq!(
        names(&basis.old_folders),
        vec![
            ("INBOX".into(), "INBOX&AAA-".into()),
            ("Sent".into(), "Sent&AAA-".into())
        ]
    );
    assert_eq!(basis.new_raw_name("Sent Items"), Some("Sent Items&AAA-"));
    assert_eq!(basis.old_raw_name("Sent"), Some("Sent&AAA-"));
    assert!(basis.new_has("INBOX") && !basis.new_has("Sent"));
    assert_eq!(basis.source.server, "old:993");

    // The same from both mailboxes held whole.
    let held_old = OldMailbox::live("old:993".into(), whole(&old));
    let held_new = whole(&new);
    let held = RestoreBasis::held(&report, &held_old, &held_new);
    let all = |b: &RestoreBasis| -> Vec<(String, u32, crate::service::verify::basis::OldCopy)> {
        b.copies()
            .map(|(f, u, c)| (f.to_string(), u, c.clone()))
            .collect()
    };
    assert_eq!(all(&held), all(&basis));
    assert_eq!(held.old_folders, basis.old_folders);
    assert_eq!(held.new_folders, basis.new_folders);
}

/// The plan made from the basis carries the old copy's flags, date and body hash.
#[test]
fn the_plan_from_the_basis_carries_the_old_copies() {
    use crate::service::verify::restore::{Selection, plan_restore};
    let (_, _, report, basis) = spilled_report();
    let sent = plan_restore(&report, &basis, &Selection::Sent);
    let uids: Vec<(String, u32, Vec<String>)> = sent
        .plan
        .iter()
        .map(|i| (i.new_folder.clone(), i.uid, i.flags.clone()))
        .collect();
    assert_eq!(
        uids,
        vec![
            ("Sent Items".into(), 4, vec!["\\Seen".into()]),
            (
                "Sent Items".into(),
                5,
                vec!["\\Answered".into(), "$Label1".into()]
            )
        ]
    );
    let all = plan_restore(&report, &basis, &Selection::AllMissing);
    let planned: Vec<u32> = all.plan.iter().map(|i| i.uid).collect();
    assert_eq!(planned, vec![7, 8, 120, 4, 5]);
    let no_id = all.plan.iter().find(|i| i.uid == 120).expect("planned");
    assert_eq!(no_id.body_hash.as_deref(), Some("b120"));
    assert_eq!(
        no_id.internal_date.as_deref(),
        Some("2025-01-20T09:00:00+09:00")
    );
    assert_eq!(
        all.oversize.iter().map(|i| i.uid).collect::<Vec<_>>(),
        vec![150]
    );
    assert!(all.folders_to_create.is_empty());
}
