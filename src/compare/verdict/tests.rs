use super::*;
use crate::compare::result::{FolderCount, Reason, Totals};

fn group(name: &str, old: u64, new: u64, status: FolderStatus, problems: u64) -> FolderCount {
    FolderCount {
        new_folder: name.into(),
        old_folders: vec![name.into()],
        old_count: old,
        new_count: new,
        difference: i64::try_from(new).unwrap_or(0) - i64::try_from(old).unwrap_or(0),
        status,
        problems,
    }
}

fn finding(reason: Reason, old: Option<&str>, new: Option<&str>) -> Finding {
    Finding::new(reason, old, new, None)
}

fn comparison(folders: Vec<FolderCount>, findings: Vec<Finding>) -> Comparison {
    let old_messages = folders.iter().map(|f| f.old_count).sum();
    let extras = findings
        .iter()
        .filter(|f| f.reason == Reason::Extra)
        .count();
    Comparison {
        totals: Totals {
            folders: u64::try_from(folders.len()).unwrap_or(0),
            old_messages,
            extras: u64::try_from(extras).unwrap_or(0),
            ..Totals::default()
        },
        folders,
        findings,
    }
}

#[test]
fn ok_lines() {
    let twelve: Vec<FolderCount> = (0..12)
        .map(|i| {
            let n = if i == 0 { 1_224 } else { 1 };
            group(&format!("f{i}"), n, n, FolderStatus::Match, 0)
        })
        .collect();
    let c = comparison(twelve, vec![]);
    assert_eq!(c.exit_status(), ExitStatus::Match);
    assert_eq!(c.exit_status().code(), 0);
    assert_eq!(
        c.verdict(Lang::En),
        "OK: all 12 folders match (1,235 messages)"
    );
    assert_eq!(c.verdict(Lang::Ja), "OK: 12 フォルダすべて一致 (1,235 通)");
    let one = comparison(vec![group("INBOX", 3, 3, FolderStatus::Match, 0)], vec![]);
    assert_eq!(one.verdict(Lang::En), "OK: 1 folder matches (3 messages)");
}

#[test]
fn notes_do_not_change_the_verdict() {
    let c = comparison(
        vec![group("INBOX", 3, 4, FolderStatus::Match, 0)],
        vec![
            finding(Reason::Extra, None, Some("INBOX")),
            finding(Reason::UnmappedNew { messages: 0 }, None, Some("RSS Feeds")),
        ],
    );
    assert_eq!(c.exit_status(), ExitStatus::Match);
    assert_eq!(
        c.verdict(Lang::En),
        "OK: 1 folder matches (3 messages), 1 only on new"
    );
}

#[test]
fn differences_name_the_worst_first() {
    let mut findings = vec![
        finding(
            Reason::Duplicate {
                original_uid: 1,
                original_received: None,
            },
            None,
            Some("INBOX"),
        ),
        finding(
            Reason::Duplicate {
                original_uid: 2,
                original_received: None,
            },
            None,
            Some("INBOX"),
        ),
    ];
    for _ in 0..3 {
        findings.push(finding(
            Reason::Missing,
            Some("INBOX.Sent"),
            Some("Sent Items"),
        ));
    }
    let c = comparison(
        vec![
            group("INBOX", 5, 7, FolderStatus::Differs, 2),
            group("Sent Items", 4, 1, FolderStatus::Differs, 3),
        ],
        findings,
    );
    assert_eq!(c.exit_status(), ExitStatus::Differences);
    assert_eq!(c.exit_status().code(), 1);
    assert_eq!(
        c.verdict(Lang::En),
        "3 missing from INBOX.Sent, 2 duplicates in INBOX"
    );
    assert_eq!(
        c.verdict(Lang::Ja),
        "「INBOX.Sent」の 3 通が新サーバにありません、「INBOX」に重複 2 通"
    );
}

#[test]
fn long_verdicts_are_cut() {
    let findings: Vec<Finding> = (0..6)
        .map(|i| {
            let name = format!("F{i}");
            finding(Reason::Missing, Some(&name), Some(&name))
        })
        .collect();
    let c = comparison(vec![], findings);
    assert!(c.verdict(Lang::En).ends_with(", and 2 more"));
    assert!(c.verdict(Lang::Ja).ends_with("、ほか 2 件"));
}

#[test]
fn count_only_shortfall_is_named() {
    let c = comparison(
        vec![group("INBOX", 10, 8, FolderStatus::Differs, 0)],
        vec![],
    );
    assert_eq!(c.verdict(Lang::En), "fewer messages in INBOX (10 → 8)");
    assert_eq!(c.verdict(Lang::Ja), "「INBOX」の件数が不足 (10 → 8)");
}

/// Every computed phrase id exists in the catalogs with exactly the variables it is given.
#[test]
fn phrase_ids_exist_with_their_variables() {
    let kinds = FindingKind::ALL.iter().copied().map(Some).chain([None]);
    for kind in kinds.filter(|k| *k != Some(FindingKind::FolderMissing)) {
        let (id, names_folder) = phrase_id(kind);
        let mut expected: std::collections::BTreeSet<String> =
            ["count", "shown"].map(String::from).into();
        if names_folder {
            expected.insert("folder".into());
        }
        assert_eq!(
            crate::i18n::tests::variables(id),
            Some(expected),
            "{kind:?} -> {id}"
        );
    }
}
