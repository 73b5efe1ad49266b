use super::*;
use crate::model::MessageInfo;

/// A message: Message-ID, Date seconds (as a day offset), subject; From/To fixed.
fn m(id: Option<&str>, second: u32, subject: &str) -> Identity {
    Identity::of(&MessageInfo {
        message_id: id.map(str::to_string),
        date: Some(format!("Mon, 23 Jan 2012 10:15:{second:02} +0900")),
        from: Some("a@example.ac.jp".into()),
        to: Some("b@example.ac.jp".into()),
        subject: Some(subject.into()),
        ..MessageInfo::default()
    })
}

fn run(old: &[Identity], new: &[Identity]) -> FolderMatch {
    match_messages(old, new)
}

fn outcome(
    pairs: &[(usize, usize)],
    missing: &[usize],
    missing_copies: &[(usize, usize)],
    duplicates: &[(usize, usize)],
    extras: &[usize],
) -> FolderMatch {
    FolderMatch {
        pairs: pairs.to_vec(),
        missing: missing.to_vec(),
        unproven: Vec::new(),
        missing_copies: missing_copies.to_vec(),
        duplicates: duplicates.to_vec(),
        extras: extras.to_vec(),
    }
}

#[test]
fn matching_table() {
    let x = Some("x@h");
    let y = Some("y@h");
    let z = Some("z@h");
    let cases: Vec<(&str, Vec<Identity>, Vec<Identity>, FolderMatch)> = vec![
        (
            "all present",
            vec![m(x, 1, "a"), m(y, 2, "b")],
            vec![m(y, 2, "b"), m(x, 1, "a")],
            outcome(&[(0, 1), (1, 0)], &[], &[], &[], &[]),
        ),
        (
            "one missing",
            vec![m(x, 1, "a"), m(y, 2, "b")],
            vec![m(x, 1, "a")],
            outcome(&[(0, 0)], &[1], &[], &[], &[]),
        ),
        (
            "POP duplicate on new points at the matched copy",
            vec![m(x, 1, "a")],
            vec![m(x, 1, "a"), m(x, 1, "a")],
            outcome(&[(0, 0)], &[], &[], &[(1, 0)], &[]),
        ),
        (
            "new-only message twice: one extra, one duplicate",
            vec![],
            vec![m(z, 3, "c"), m(z, 3, "c")],
            outcome(&[], &[], &[], &[(1, 0)], &[0]),
        ),
        (
            "no Message-ID, same fingerprint",
            vec![m(None, 1, "a"), m(None, 2, "b")],
            vec![m(None, 2, "b"), m(None, 1, "a")],
            outcome(&[(0, 1), (1, 0)], &[], &[], &[], &[]),
        ),
        (
            "no Message-ID, subject garbled on new: loose pass",
            vec![m(None, 1, "会議")],
            vec![m(None, 1, "=?ISO-2022-JP?B?GyRCMnE1RBsoQg==?=")],
            outcome(&[(0, 0)], &[], &[], &[], &[]),
        ),
        (
            "new server added a Message-ID",
            vec![m(None, 1, "a")],
            vec![m(x, 1, "a")],
            outcome(&[(0, 0)], &[], &[], &[], &[]),
        ),
        (
            "Message-ID reused for two messages on old",
            vec![m(x, 1, "a"), m(x, 2, "b")],
            vec![m(x, 2, "b")],
            outcome(&[(1, 0)], &[0], &[], &[], &[]),
        ),
        (
            "same Message-ID, date rewritten on new",
            vec![m(x, 1, "a")],
            vec![m(x, 9, "a")],
            outcome(&[(0, 0)], &[], &[], &[], &[]),
        ),
        (
            "different Message-IDs never pair",
            vec![m(x, 1, "a")],
            vec![m(y, 1, "a")],
            outcome(&[], &[0], &[], &[], &[0]),
        ),
        (
            "old held a message twice, new once",
            vec![m(x, 1, "a"), m(x, 1, "a")],
            vec![m(x, 1, "a")],
            outcome(&[(0, 0)], &[], &[(1, 0)], &[], &[]),
        ),
        (
            "identical messages without Message-ID duplicated on new",
            vec![m(None, 1, "a")],
            vec![m(None, 1, "a"), m(None, 1, "a"), m(None, 1, "a")],
            outcome(&[(0, 0)], &[], &[], &[(1, 0), (2, 0)], &[]),
        ),
        (
            "the exact copy pairs, the changed one is the duplicate",
            vec![m(x, 1, "a")],
            vec![m(x, 1, "a (re-sent)"), m(x, 1, "a")],
            outcome(&[(0, 1)], &[], &[], &[(0, 1)], &[]),
        ),
        ("empty", vec![], vec![], outcome(&[], &[], &[], &[], &[])),
    ];
    for (name, old, new, expected) in cases {
        assert_eq!(run(&old, &new), expected, "{name}");
    }
}

#[test]
fn same_identity_rule() {
    assert!(same_identity(
        &m(Some("x@h"), 1, "a"),
        &m(Some("x@h"), 2, "b")
    ));
    assert!(!same_identity(&m(Some("x@h"), 1, "a"), &m(None, 1, "a")));
    assert!(same_identity(&m(None, 1, "a"), &m(None, 1, "a")));
    assert!(!same_identity(&m(None, 1, "a"), &m(None, 1, "b")));
}

/// A message without Message-ID, Date, From and To: weak by itself.
fn bare(subject: &str, body: Option<&str>) -> Identity {
    let mut id = Identity::of(&MessageInfo {
        subject: Some(subject.into()),
        body_hash: body.map(str::to_string),
        ..MessageInfo::default()
    });
    id.weak = true;
    id
}

#[test]
fn weak_identities_pair_only_by_body() {
    let cases: Vec<(&str, Vec<Identity>, Vec<Identity>, FolderMatch)> = vec![
        (
            "header-less messages pair by body, the deleted one is missing",
            vec![
                bare("", Some("1")),
                bare("", Some("2")),
                bare("", Some("3")),
            ],
            vec![bare("", Some("3")), bare("", Some("1"))],
            outcome(&[(0, 1), (2, 0)], &[1], &[], &[], &[]),
        ),
        (
            "bodies unknown: not proven, never paired",
            vec![bare("", None)],
            vec![bare("", None)],
            FolderMatch {
                unproven: vec![0],
                extras: vec![0],
                ..FolderMatch::default()
            },
        ),
        (
            "one body unknown: not proven either",
            vec![bare("", Some("1"))],
            vec![bare("", None)],
            FolderMatch {
                unproven: vec![0],
                extras: vec![0],
                ..FolderMatch::default()
            },
        ),
        (
            "different bodies under one weak key: missing and extra",
            vec![bare("", Some("1"))],
            vec![bare("", Some("2"))],
            outcome(&[], &[0], &[], &[], &[0]),
        ),
        (
            "identical copies count as a multiset",
            vec![
                bare("", Some("1")),
                bare("", Some("1")),
                bare("", Some("1")),
            ],
            vec![bare("", Some("1"))],
            outcome(&[(0, 0)], &[], &[(1, 0), (2, 0)], &[], &[]),
        ),
        (
            "a weak duplicate on new is one only with the same body",
            vec![bare("", Some("1"))],
            vec![
                bare("", Some("1")),
                bare("", Some("1")),
                bare("", Some("2")),
            ],
            outcome(&[(0, 0)], &[], &[], &[(1, 0)], &[2]),
        ),
    ];
    for (name, old, new, expected) in cases {
        assert_eq!(run(&old, &new), expected, "{name}");
    }
}
