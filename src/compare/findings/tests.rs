use chrono::TimeZone;

use super::*;
use crate::compare::mapping::map_folders;
use crate::compare::testkit::{folder, holding, simple};
use crate::i18n::Lang;
use crate::mail::garble::{Defect, GarbleKind};
use crate::model::FolderInfo;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn run(old: &[FolderMessages], new: &[FolderMessages]) -> Comparison {
    run_with(old, new, &[])
}

fn run_with(
    old: &[FolderMessages],
    new: &[FolderMessages],
    overrides: &[(String, String)],
) -> Comparison {
    let old_info: Vec<FolderInfo> = old.iter().map(|f| f.folder.clone()).collect();
    let new_info: Vec<FolderInfo> = new.iter().map(|f| f.folder.clone()).collect();
    let mapping = map_folders(&old_info, &new_info, overrides);
    compare(old, new, &mapping, &Limits::default(), now())
}

fn kinds(c: &Comparison) -> Vec<&'static str> {
    c.findings
        .iter()
        .map(|f| f.reason.kind().as_str())
        .collect()
}

fn inbox_old(messages: Vec<MessageInfo>) -> FolderMessages {
    holding(folder("INBOX", '.', None), messages)
}

fn inbox_new(messages: Vec<MessageInfo>) -> FolderMessages {
    holding(folder("INBOX", '/', None), messages)
}

#[test]
fn identical_mailboxes_give_no_findings() {
    let msgs = vec![
        simple(Some("a@x"), 1, 9, "会議"),
        simple(None, 2, 9, "連絡"),
    ];
    let c = run(&[inbox_old(msgs.clone())], &[inbox_new(msgs)]);
    assert!(c.findings.is_empty(), "{:?}", c.findings);
    assert_eq!(c.folders[0].status, FolderStatus::Match);
    assert_eq!((c.folders[0].old_count, c.folders[0].new_count), (2, 2));
}

#[test]
fn a_missing_message_is_classified_by_where_it_went() {
    let huge = {
        let mut m = simple(Some("big@x"), 3, 9, "大きい添付");
        m.size = 40 * 1024 * 1024;
        m
    };
    let old_junk = {
        let mut m = simple(Some("spam@x"), 1, 9, "spam");
        m.internal_date = Some("2023-11-01T00:00:00+09:00".into());
        m
    };
    // (name, old folder, old message, message placed in new "Other" folder?, expected kind)
    let cases: Vec<(&str, FolderInfo, MessageInfo, bool, &str)> = vec![
        (
            "plain missing",
            folder("INBOX", '.', None),
            simple(Some("m@x"), 1, 9, "a"),
            false,
            "missing",
        ),
        (
            "moved to another folder",
            folder("INBOX", '.', None),
            simple(Some("m@x"), 1, 9, "a"),
            true,
            "moved",
        ),
        (
            "moved without Message-ID",
            folder("INBOX", '.', None),
            simple(None, 1, 9, "a"),
            true,
            "moved",
        ),
        (
            "oversize",
            folder("INBOX", '.', None),
            huge,
            false,
            "oversize",
        ),
        (
            "old Junk item past retention",
            folder("INBOX.迷惑メール", '.', None),
            old_junk,
            false,
            "junk_expiring",
        ),
    ];
    for (name, old_folder, message, moved, expected) in cases {
        let old_name = old_folder.name.clone();
        let mut old = vec![holding(folder("INBOX.Other", '.', None), vec![])];
        if old_name == "INBOX" {
            old.push(inbox_old(vec![message.clone()]));
        } else {
            old.push(inbox_old(vec![]));
            old.push(holding(old_folder, vec![message.clone()]));
        }
        let other = if moved { vec![message] } else { vec![] };
        let new = vec![
            inbox_new(vec![]),
            holding(folder("Other", '/', None), other),
            holding(folder("Junk Email", '/', Some(SpecialUse::Junk)), vec![]),
        ];
        let c = run(&old, &new);
        let found: Vec<&str> = kinds(&c)
            .into_iter()
            .filter(|k| *k != "unmapped_new")
            .collect();
        assert_eq!(found, [expected], "{name}");
        let finding = &c.findings[0];
        assert_eq!(
            finding.old_folder.as_deref(),
            Some(old_name.as_str()),
            "{name}"
        );
        if moved {
            assert_eq!(
                finding.reason,
                Reason::Moved {
                    found_in: "Other".into()
                },
                "{name}: the copy in Other is not also an extra"
            );
        }
    }
}

#[test]
fn duplicates_and_extras_on_new() {
    let a = simple(Some("a@x"), 1, 9, "a");
    let mut b = simple(None, 2, 9, "b");
    // Stored twice on new without a Message-ID: told apart by the body the service read.
    b.body_hash = Some("body of b".into());
    let later = simple(Some("new@x"), 20, 9, "切り替え後");
    let old = [inbox_old(vec![a.clone(), b.clone()])];
    let new = [inbox_new(vec![a.clone(), b.clone(), a, b, later])];
    let c = run(&old, &new);
    assert_eq!(kinds(&c), ["duplicate", "duplicate", "extra"]);
    assert_eq!(
        c.findings[0].reason,
        Reason::Duplicate {
            original_uid: 1,
            original_received: None
        }
    );
    assert_eq!(
        c.findings[1].reason,
        Reason::Duplicate {
            original_uid: 2,
            original_received: None
        }
    );
    assert_eq!(c.findings[2].severity, Severity::Note);
    assert_eq!(c.folders[0].difference, 3);
    assert_eq!(c.folders[0].status, FolderStatus::Differs);
    assert_eq!((c.totals.duplicates, c.totals.extras), (2, 1));
}

#[test]
fn extras_alone_keep_the_folder_matching() {
    let a = simple(Some("a@x"), 1, 9, "a");
    let c = run(
        &[inbox_old(vec![a.clone()])],
        &[inbox_new(vec![a, simple(Some("n@x"), 20, 9, "new")])],
    );
    assert_eq!(kinds(&c), ["extra"]);
    assert_eq!(c.folders[0].status, FolderStatus::Match);
}

#[test]
fn garbled_subjects_are_problems_unless_broken_on_old() {
    let clean_old = simple(Some("g@x"), 1, 9, "会議のお知らせ");
    let mut garbled_new = clean_old.clone();
    garbled_new.subject = Some("=?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=".into());
    let mut broken_old = simple(Some("b@x"), 2, 9, "x");
    broken_old.subject = Some("壊れ�た".into());
    let mut changed_new = broken_old.clone();
    changed_new.subject = Some("壊れた".into());
    let c = run(
        &[inbox_old(vec![clean_old, broken_old])],
        &[inbox_new(vec![garbled_new, changed_new])],
    );
    let garbles: Vec<(&Reason, Severity)> =
        c.findings.iter().map(|f| (&f.reason, f.severity)).collect();
    assert_eq!(
        garbles,
        [
            (
                &Reason::Garbled {
                    garble: GarbleKind::OnNew(Defect::UndecodedEncodedWord),
                    new_subject: Some("=?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=".into()),
                },
                Severity::Problem
            ),
            (
                &Reason::Garbled {
                    garble: GarbleKind::BrokenOnOld(Defect::ReplacementChar),
                    new_subject: Some("壊れた".into()),
                },
                Severity::Note
            ),
        ]
    );
    assert_eq!(c.totals.garbled, 1);
}

#[test]
fn several_old_folders_are_summed() {
    let sent = folder("INBOX.Sent", '.', None);
    let sent_ja = folder("INBOX.送信済みトレイ", '.', None);
    let (a, b, c_msg) = (
        simple(Some("1@x"), 1, 9, "a"),
        simple(Some("2@x"), 1, 10, "b"),
        simple(Some("3@x"), 1, 11, "c"),
    );
    let old = [
        inbox_old(vec![]),
        holding(sent, vec![a.clone(), b.clone()]),
        holding(sent_ja, vec![c_msg.clone()]),
    ];
    let new = [
        inbox_new(vec![]),
        holding(folder("Sent Items", '/', None), vec![c_msg, a]),
    ];
    let c = run(&old, &new);
    let group = &c.folders[1];
    assert_eq!(group.new_folder, "Sent Items");
    assert_eq!(group.old_folders, ["INBOX.Sent", "INBOX.送信済みトレイ"]);
    assert_eq!(
        (group.old_count, group.new_count, group.difference),
        (3, 2, -1)
    );
    assert_eq!(kinds(&c), ["missing"]);
    assert_eq!(c.findings[0].old_folder.as_deref(), Some("INBOX.Sent"));
    assert_eq!(c.findings[0].new_folder.as_deref(), Some("Sent Items"));
}

#[test]
fn folder_findings() {
    let old = [
        inbox_old(vec![]),
        holding(
            folder("INBOX.旧プロジェクト", '.', None),
            vec![simple(Some("p@x"), 1, 9, "p")],
        ),
        holding(folder("INBOX.2023/2024", '.', None), vec![]),
    ];
    let new = [
        inbox_new(vec![]),
        holding(folder("2023/2024", '/', None), vec![]),
        holding(folder("RSS Feeds", '/', None), vec![]),
    ];
    let overrides = [
        ("INBOX.2023/2024".to_string(), "2023/2024".to_string()),
        ("typo".to_string(), "x".to_string()),
    ];
    let c = run_with(&old, &new, &overrides);
    assert_eq!(
        kinds(&c),
        [
            "missing",
            "folder_missing",
            "name_refused",
            "unmapped_new",
            "unused_override"
        ]
    );
    assert_eq!(c.findings[0].new_folder.as_deref(), Some("旧プロジェクト"));
    assert_eq!(c.findings[1].reason, Reason::FolderMissing { messages: 1 });
    assert_eq!(c.findings[1].severity, Severity::Problem);
    assert_eq!(c.findings[3].new_folder.as_deref(), Some("RSS Feeds"));
    assert_eq!(c.findings[3].severity, Severity::Note);
    let group = c.folders.iter().find(|f| f.new_folder == "旧プロジェクト");
    assert_eq!(group.map(|g| g.status), Some(FolderStatus::Differs));

    // An empty folder missing on new is a note only.
    let old = [
        inbox_old(vec![]),
        holding(folder("INBOX.空", '.', None), vec![]),
    ];
    let c = run(&old, &[inbox_new(vec![])]);
    assert_eq!(kinds(&c), ["folder_missing"]);
    assert_eq!(c.findings[0].severity, Severity::Note);
    assert_eq!(c.exit_status(), crate::compare::verdict::ExitStatus::Match);
}

#[test]
fn count_only_runs_use_status_counts() {
    let mut old_inbox = folder("INBOX", '.', None);
    old_inbox.messages = 10;
    let mut new_inbox = folder("INBOX", '/', None);
    new_inbox.messages = 8;
    let old = [FolderMessages {
        folder: old_inbox,
        messages: vec![],
    }];
    let new = [FolderMessages {
        folder: new_inbox,
        messages: vec![],
    }];
    let c = run(&old, &new);
    assert!(c.findings.is_empty());
    assert_eq!(c.folders[0].difference, -2);
    assert_eq!(c.folders[0].status, FolderStatus::Differs);
}

#[test]
fn sizes_are_not_part_of_identity() {
    let a = simple(Some("a@x"), 1, 9, "a");
    let mut a_new = a.clone();
    a_new.size += 1_234;
    a_new.uid = 99;
    let c = run(&[inbox_old(vec![a])], &[inbox_new(vec![a_new])]);
    assert!(c.findings.is_empty());
}

#[test]
fn finding_json_shape() {
    let c = run(
        &[inbox_old(vec![simple(Some("m@x"), 1, 9, "a")])],
        &[inbox_new(vec![])],
    );
    let json = serde_json::to_value(&c.findings[0]).expect("serialize");
    assert_eq!(json["kind"], "missing");
    assert_eq!(json["severity"], "problem");
    assert_eq!(json["old_folder"], "INBOX");
    assert_eq!(json["message"]["key"], "mid:m@x");
    let back: Finding = serde_json::from_value(json).expect("deserialize");
    assert_eq!(back, c.findings[0]);
}

/// A message with no Message-ID, Date, From or To; `body` as the service would read it.
fn headerless(subject: &str, body: Option<&str>) -> MessageInfo {
    MessageInfo {
        uid: 1,
        size: 100,
        subject: (!subject.is_empty()).then(|| subject.to_string()),
        body_hash: body.map(str::to_string),
        ..MessageInfo::default()
    }
}

#[test]
fn header_less_messages_are_never_proven_by_headers() {
    let work = |d| holding(folder(&format!("INBOX{d}work"), d, None), vec![]);
    let with = |mut f: FolderMessages, m: Vec<MessageInfo>| {
        f.messages = m;
        f
    };
    // Old: three header-less messages in INBOX; new: two of them, and an unrelated
    // header-less message in another folder.
    let old = [
        inbox_old(vec![
            headerless("", Some("a")),
            headerless("", Some("b")),
            headerless("", Some("c")),
        ]),
        work('.'),
    ];
    let new = [
        inbox_new(vec![headerless("", Some("a")), headerless("", Some("c"))]),
        with(work('/'), vec![headerless("", Some("z"))]),
    ];
    let c = run(&old, &new);
    assert_eq!(kinds(&c), ["missing", "extra"], "{:#?}", c.findings);
    assert_eq!(
        c.exit_status(),
        crate::compare::verdict::ExitStatus::Differences
    );
    assert_eq!(c.folders[0].status, FolderStatus::Differs);

    // The same message really moved to the other folder: proven by its body.
    let new = [
        inbox_new(vec![headerless("", Some("a")), headerless("", Some("c"))]),
        with(work('/'), vec![headerless("", Some("b"))]),
    ];
    let c = run(&old, &new);
    assert_eq!(kinds(&c), ["moved"]);

    // Bodies not read (a snapshot without them): nothing is proven, nothing is called OK.
    let strip = |f: &FolderMessages| {
        let mut f = f.clone();
        for m in &mut f.messages {
            m.body_hash = None;
        }
        f
    };
    let old: Vec<FolderMessages> = old.iter().map(strip).collect();
    let new: Vec<FolderMessages> = new.iter().map(strip).collect();
    let c = run(&old, &new);
    assert_eq!(
        kinds(&c),
        [
            "unproven", "unproven", "unproven", "extra", "extra", "extra"
        ]
    );
    assert_eq!(c.totals.unproven, 3);
    assert_eq!(
        c.exit_status(),
        crate::compare::verdict::ExitStatus::Differences
    );
    assert!(
        c.verdict(Lang::En).contains("not proven"),
        "{}",
        c.verdict(Lang::En)
    );
    assert!(c.verdict(Lang::Ja).contains("確認できません"));
}

#[test]
fn one_new_message_vouches_for_one_old_message_only() {
    let a = simple(None, 1, 9, "a");
    let archive = |d| folder(&format!("INBOX{d}Archive"), d, None);
    // Old holds the same message in two folders; new only in one.
    let old = [
        inbox_old(vec![a.clone()]),
        holding(archive('.'), vec![a.clone()]),
    ];
    let mut a_new = a.clone();
    a_new.body_hash = Some("x".into());
    let mut a_old = a;
    a_old.body_hash = Some("x".into());
    let old: Vec<FolderMessages> = old
        .into_iter()
        .map(|mut f| {
            f.messages = vec![a_old.clone()];
            f
        })
        .collect();
    let new = [inbox_new(vec![]), holding(archive('/'), vec![a_new])];
    let c = run(&old, &new);
    assert_eq!(kinds(&c), ["missing"], "{:#?}", c.findings);
}
