use super::*;
use crate::compare::testkit::{folder, holding, simple};
use crate::model::SpecialUse;

fn ids(prefix: &str, n: usize) -> Vec<crate::model::MessageInfo> {
    (0..n)
        .map(|i| {
            let id = format!("{prefix}{i}@example.ac.jp");
            simple(Some(&id), 1 + (i % 27) as u32, 9, &format!("{prefix} {i}"))
        })
        .collect()
}

fn entry<'a>(m: &'a Mapping, old: &str) -> &'a MapEntry {
    m.entries
        .iter()
        .find(|e| e.old == old)
        .unwrap_or_else(|| panic!("{old} mapped: {m:#?}"))
}

/// Old `INBOX.送信済みトレイ` (15) against new `Sent Items` (other mail) and `送信済みトレイ`
/// (9 of the 15): the contents decide, not the known name.
#[test]
fn contents_outrank_a_known_name() {
    let sent_tray = ids("tray", 15);
    let sent = ids("sent", 20);
    let old = vec![
        holding(folder("INBOX", '.', None), ids("in", 5)),
        holding(folder("INBOX.Sent", '.', None), sent.clone()),
        holding(folder("INBOX.送信済みトレイ", '.', None), sent_tray.clone()),
    ];
    let new = vec![
        holding(folder("INBOX", '/', Some(SpecialUse::Inbox)), ids("in", 5)),
        holding(folder("Sent Items", '/', Some(SpecialUse::Sent)), sent),
        holding(folder("送信済みトレイ", '/', None), sent_tray[..9].to_vec()),
    ];
    let names_only = map_folders(
        &old.iter().map(|f| f.folder.clone()).collect::<Vec<_>>(),
        &new.iter().map(|f| f.folder.clone()).collect::<Vec<_>>(),
        &[],
    );
    assert_eq!(entry(&names_only, "INBOX.送信済みトレイ").new, "Sent Items");

    let m = map_by_evidence(&old, &new, &[]);
    let tray = entry(&m, "INBOX.送信済みトレイ");
    assert_eq!(tray.new, "送信済みトレイ");
    assert_eq!(tray.reason, MapReason::Contents);
    assert_eq!(tray.evidence, Some(Evidence { found: 9, of: 15 }));
    let sent = entry(&m, "INBOX.Sent");
    assert_eq!(sent.new, "Sent Items");
    assert_eq!(sent.evidence, Some(Evidence { found: 20, of: 20 }));
    assert_eq!(
        entry(&m, "INBOX").evidence,
        Some(Evidence { found: 5, of: 5 })
    );
    assert!(m.unmapped_new.is_empty(), "{m:#?}");
    let order: Vec<&str> = m.entries.iter().map(|e| e.old.as_str()).collect();
    assert_eq!(order, ["INBOX", "INBOX.Sent", "INBOX.送信済みトレイ"]);
}

/// The profile is the final word, and INBOX stays INBOX.
#[test]
fn overrides_and_inbox_are_never_moved() {
    let tray = ids("tray", 10);
    let inbox = ids("in", 10);
    let old = vec![
        holding(folder("INBOX", '.', None), inbox.clone()),
        holding(folder("INBOX.送信済みトレイ", '.', None), tray.clone()),
    ];
    let new = vec![
        holding(folder("INBOX", '/', Some(SpecialUse::Inbox)), Vec::new()),
        holding(folder("Archive", '/', None), inbox),
        holding(
            folder("Sent Items", '/', Some(SpecialUse::Sent)),
            Vec::new(),
        ),
        holding(folder("送信済みトレイ", '/', None), tray),
    ];
    let overrides = vec![("INBOX.送信済みトレイ".to_string(), "Sent Items".to_string())];
    let m = map_by_evidence(&old, &new, &overrides);
    let tray = entry(&m, "INBOX.送信済みトレイ");
    assert_eq!(
        (tray.new.as_str(), tray.reason),
        ("Sent Items", MapReason::Override)
    );
    assert_eq!(tray.evidence, Some(Evidence { found: 0, of: 10 }));
    assert_eq!(entry(&m, "INBOX").new, "INBOX");
}

/// Names decide when the contents do not clearly disagree: a few messages filed elsewhere,
/// a mostly empty new folder, or nothing listed at all.
#[test]
fn names_stand_without_clear_evidence() {
    let tray = ids("tray", 10);
    let old = vec![holding(
        folder("INBOX.送信済みトレイ", '.', None),
        tray.clone(),
    )];
    let cases: Vec<(&str, Vec<FolderMessages>)> = vec![
        (
            "the named folder holds as many",
            vec![
                holding(
                    folder("Sent Items", '/', Some(SpecialUse::Sent)),
                    tray[..4].to_vec(),
                ),
                holding(folder("送信済みトレイ", '/', None), tray[4..9].to_vec()),
            ],
        ),
        (
            "a few in a big unrelated folder",
            vec![
                holding(
                    folder("Sent Items", '/', Some(SpecialUse::Sent)),
                    Vec::new(),
                ),
                holding(folder("Projects", '/', None), {
                    let mut v = ids("other", 40);
                    v.extend(tray[..2].to_vec());
                    v
                }),
            ],
        ),
        (
            "all missing",
            vec![
                holding(
                    folder("Sent Items", '/', Some(SpecialUse::Sent)),
                    ids("x", 3),
                ),
                holding(folder("送信済みトレイ", '/', None), Vec::new()),
            ],
        ),
    ];
    for (name, new) in cases {
        let m = map_by_evidence(&old, &new, &[]);
        assert_eq!(
            entry(&m, "INBOX.送信済みトレイ").new,
            "Sent Items",
            "{name}"
        );
    }
    // Count-only: no messages, no evidence.
    let bare = vec![holding(
        folder("INBOX.送信済みトレイ", '.', None),
        Vec::new(),
    )];
    let new = vec![holding(
        folder("Sent Items", '/', Some(SpecialUse::Sent)),
        Vec::new(),
    )];
    let m = map_by_evidence(&bare, &new, &[]);
    assert_eq!(entry(&m, "INBOX.送信済みトレイ").evidence, None);
}

/// A folder the names cannot place, or that is missing under its name, is paired with the
/// new folder that holds its messages (a renamed folder).
#[test]
fn renamed_and_ambiguous_folders_are_found_by_contents() {
    let lab = ids("lab", 8);
    let old = vec![holding(folder("INBOX.研究室", '.', None), lab.clone())];
    let new = vec![
        holding(folder("INBOX", '/', Some(SpecialUse::Inbox)), Vec::new()),
        holding(folder("Lab", '/', None), lab[..7].to_vec()),
    ];
    let m = map_by_evidence(&old, &new, &[]);
    let e = entry(&m, "INBOX.研究室");
    assert_eq!((e.new.as_str(), e.reason), ("Lab", MapReason::Contents));
    assert_eq!(e.evidence, Some(Evidence { found: 7, of: 8 }));
    assert_eq!(m.unmapped_new, ["INBOX"]);
}
