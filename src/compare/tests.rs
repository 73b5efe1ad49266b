//! # A whole migration, end to end in memory
//!
//! A legacy mailbox (`.` delimiter, `INBOX.` prefix, Japanese folder names, ISO-2022-JP
//! subjects) and its Exchange copy (`/`, `Sent Items`, SPECIAL-USE, re-encoded headers, other
//! sizes) with a known set of defects; the comparison must report exactly those.

use chrono::{TimeZone, Utc};

use super::findings::compare;
use super::mapping::{MapReason, map_folders};
use super::result::{FolderStatus, Limits, Reason, Severity};
use super::rules::NameRule;
use super::testkit::{Headers, folder, holding, utf8_word};
use super::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::mail::garble::{Defect, GarbleKind};
use crate::model::{FolderInfo, FolderMessages, MessageInfo, SpecialUse};

const OLD_FROM: &str = "=?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <taro@example.ac.jp>";
/// Exchange re-writes the display name in UTF-8 and keeps the address (here in other case).
const NEW_FROM: &str = "\"山田 太郎\" <Taro@Example.ac.jp>";
const TO: &str = "hanako@example.ac.jp";

/// The five subjects that get garbled: (ISO-2022-JP base64, decoded text).
const GARBLE_SUBJECTS: [(&str, &str); 5] = [
    ("GyRCMnE1RCROJCpDTiRpJDsbKEI=", "会議のお知らせ"),
    ("GyRCOCY1Zjw8JV8hPCVGJSMlcyUwGyhC", "研究室ミーティング"),
    ("GyRCPVBEJUpzOXAbKEI=", "出張報告"),
    ("GyRCTT07Oz89QEEkSyREJCQkRhsoQg==", "予算申請について"),
    ("GyRCM1gycSROJDQwRkZiGyhC", "学会のご案内"),
];

/// One message as old and new see it. `day`/`hour` in January 2024, JST.
#[derive(Clone)]
struct Mail {
    id: Option<String>,
    day: u32,
    hour: u32,
    old_subject_wire: String,
    size: u64,
}

impl Mail {
    fn new(id: Option<&str>, day: u32, hour: u32, subject: &str) -> Self {
        Self {
            id: id.map(str::to_string),
            day,
            hour,
            old_subject_wire: utf8_word(subject),
            size: 8_000 + u64::from(day) * 100 + u64::from(hour),
        }
    }

    fn old(&self) -> MessageInfo {
        Headers {
            message_id: self.id.clone(),
            date: format!("Wed, {} Jan 2024 {:02}:30:00 +0900", self.day, self.hour),
            from: OLD_FROM.into(),
            to: TO.into(),
            subject_wire: self.old_subject_wire.clone(),
            size: self.size,
        }
        .message()
    }

    /// The copy on Exchange: date in UTC, From re-encoded, size estimated differently.
    fn new_copy(&self) -> MessageInfo {
        self.new_with_subject(&self.old().subject.unwrap_or_default(), false)
    }

    fn new_with_subject(&self, subject_wire: &str, wire_as_is: bool) -> MessageInfo {
        let jst = Utc
            .with_ymd_and_hms(2024, 1, self.day, self.hour, 30, 0)
            .single()
            .unwrap_or_default()
            - chrono::Duration::hours(9);
        Headers {
            message_id: self.id.clone(),
            date: jst.format("%a, %d %b %Y %H:%M:%S +0000").to_string(),
            from: NEW_FROM.into(),
            to: TO.into(),
            subject_wire: if wire_as_is {
                subject_wire.to_string()
            } else {
                utf8_word(subject_wire)
            },
            size: self.size + self.size / 10,
        }
        .message()
    }
}

fn regular(prefix: &str, count: u32, first_day: u32, with_id: bool) -> Vec<Mail> {
    (0..count)
        .map(|i| {
            let id = format!("{prefix}{i}.20240101@mail.example.ac.jp");
            let subject = format!("{prefix} のお知らせ その{i}");
            Mail::new(
                with_id.then_some(id.as_str()),
                first_day + i,
                9 + i % 8,
                &subject,
            )
        })
        .collect()
}

struct Scenario {
    old: Vec<FolderMessages>,
    new: Vec<FolderMessages>,
}

fn copies(mails: &[Mail]) -> Vec<MessageInfo> {
    mails.iter().map(Mail::new_copy).collect()
}

fn olds(mails: &[Mail]) -> Vec<MessageInfo> {
    mails.iter().map(Mail::old).collect()
}

fn scenario() -> Scenario {
    let legacy = |name: &str| folder(name, '.', None);
    let exchange = |name: &str, use_: Option<SpecialUse>| folder(name, '/', use_);

    // INBOX: 12 with Message-ID, 3 without, 5 to be garbled (one without Message-ID),
    // 1 oversize that never arrives.
    let inbox = regular("受信", 12, 1, true);
    let inbox_no_id = regular("無ID受信", 3, 13, false);
    let garble_mails: Vec<Mail> = GARBLE_SUBJECTS
        .iter()
        .enumerate()
        .map(|(i, (b64, _))| {
            let index = u32::try_from(i).unwrap_or(0);
            let id = format!("garble{i}@mail.example.ac.jp");
            let mut mail = Mail::new((i != 1).then_some(id.as_str()), 16 + index, 14, "");
            mail.old_subject_wire = format!("=?ISO-2022-JP?B?{b64}?=");
            mail
        })
        .collect();
    let mut oversize = Mail::new(
        Some("big@mail.example.ac.jp"),
        21,
        10,
        "実験データ (大容量)",
    );
    oversize.size = 40 * 1024 * 1024;
    let later = regular("切り替え後", 2, 30, true);

    let garbled_new = vec![
        // Live@edu: the encoded-word survived as text.
        garble_mails[0].new_with_subject("=?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=", false),
        garble_mails[1]
            .new_with_subject("=?ISO-2022-JP?B?GyRCOCY1Zjw8JV8hPCVGJSMlcyUwGyhC?=", false),
        // ISO-2022-JP bytes passed through as if they were text.
        garble_mails[2].new_with_subject("\u{1b}$B=PD%Js9p\u{1b}(B", false),
        // Re-labelled with the wrong charset: invalid Shift_JIS.
        garble_mails[3].new_with_subject("=?Shift_JIS?B?gv+CoA==?=", true),
        // Cut while re-folding: the encoded-word lost its tail.
        garble_mails[4].new_with_subject("=?ISO-2022-JP?B?GyRCM1gycSRO", true),
    ];

    let mut old_inbox = olds(&inbox);
    old_inbox.extend(olds(&inbox_no_id));
    old_inbox.extend(olds(&garble_mails));
    old_inbox.push(oversize.old());

    let mut new_inbox = copies(&inbox);
    new_inbox.extend(copies(&inbox_no_id));
    new_inbox.extend(garbled_new);
    // POP clients that left mail on the server fetched these again and stored them back.
    new_inbox.extend(copies(&inbox[..3]));
    new_inbox.push(inbox_no_id[0].new_copy());
    new_inbox.extend(copies(&later));

    // Sent: two old folders, one new. Three replies sent from old after the copy.
    let sent_en = [
        regular("Sent", 2, 2, true),
        regular("無ID送信", 2, 3, false),
    ]
    .concat();
    let sent_ja = regular("送信", 8, 10, true);

    let trash = regular("削除", 3, 5, true);
    let junk = regular("迷惑", 2, 20, true);
    let drafts = regular("下書き", 1, 28, false);
    let work = regular("仕事", 2, 6, true);
    let work_2024 = regular("仕事2024", 2, 7, false);
    let old_project = regular("旧プロジェクト", 2, 1, true);

    let old = vec![
        holding(legacy("INBOX"), old_inbox),
        holding(legacy("INBOX.Sent"), olds(&sent_en)),
        holding(legacy("INBOX.送信済みトレイ"), olds(&sent_ja)),
        holding(legacy("INBOX.ゴミ箱"), olds(&trash)),
        holding(legacy("INBOX.迷惑メール"), olds(&junk)),
        holding(legacy("INBOX.下書き"), olds(&drafts)),
        holding(legacy("INBOX.仕事"), olds(&work)),
        holding(legacy("INBOX.仕事.2024"), olds(&work_2024)),
        holding(legacy("INBOX.旧プロジェクト"), olds(&old_project)),
    ];
    let mut new_sent = copies(&sent_en);
    new_sent.extend(copies(&sent_ja[..5]));
    let new = vec![
        holding(exchange("INBOX", None), new_inbox),
        holding(exchange("Sent Items", Some(SpecialUse::Sent)), new_sent),
        holding(
            exchange("Deleted Items", Some(SpecialUse::Trash)),
            copies(&trash),
        ),
        holding(
            exchange("Junk Email", Some(SpecialUse::Junk)),
            copies(&junk),
        ),
        holding(
            exchange("Drafts", Some(SpecialUse::Drafts)),
            copies(&drafts),
        ),
        holding(exchange("仕事", None), copies(&work)),
        holding(exchange("仕事/2024", None), copies(&work_2024)),
    ];
    Scenario {
        old: with_bodies(old),
        new: with_bodies(new),
    }
}

/// The service reads the body of every message without a Message-ID whose headers are shared;
/// here a message's body is told by its Date, a different instant for every message.
fn with_bodies(mut folders: Vec<FolderMessages>) -> Vec<FolderMessages> {
    for message in folders.iter_mut().flat_map(|f| f.messages.iter_mut()) {
        if message.message_id.is_none() {
            message.body_hash = message
                .date
                .as_deref()
                .map(crate::compare::identity::normalized_date);
        }
    }
    folders
}

fn infos(folders: &[FolderMessages]) -> Vec<FolderInfo> {
    folders.iter().map(|f| f.folder.clone()).collect()
}

#[test]
fn scenario_mapping() {
    let s = scenario();
    let mapping = map_folders(&infos(&s.old), &infos(&s.new), &[]);
    let expected = [
        ("INBOX", "INBOX", MapReason::SamePath),
        (
            "INBOX.Sent",
            "Sent Items",
            MapReason::NameRule(NameRule::Sent),
        ),
        (
            "INBOX.送信済みトレイ",
            "Sent Items",
            MapReason::NameRule(NameRule::Sent),
        ),
        (
            "INBOX.ゴミ箱",
            "Deleted Items",
            MapReason::NameRule(NameRule::Trash),
        ),
        (
            "INBOX.迷惑メール",
            "Junk Email",
            MapReason::NameRule(NameRule::Junk),
        ),
        (
            "INBOX.下書き",
            "Drafts",
            MapReason::NameRule(NameRule::Drafts),
        ),
        ("INBOX.仕事", "仕事", MapReason::SamePath),
        ("INBOX.仕事.2024", "仕事/2024", MapReason::SamePath),
        (
            "INBOX.旧プロジェクト",
            "旧プロジェクト",
            MapReason::NotOnNew,
        ),
    ];
    let got: Vec<(&str, &str, MapReason)> = mapping
        .entries
        .iter()
        .map(|e| (e.old.as_str(), e.new.as_str(), e.reason))
        .collect();
    assert_eq!(got, expected);
    assert!(mapping.unmapped_old.is_empty());
    assert!(mapping.unmapped_new.is_empty());
}

#[test]
fn scenario_reports_exactly_the_planted_defects() {
    let s = scenario();
    let mapping = map_folders(&infos(&s.old), &infos(&s.new), &[]);
    let now = Utc
        .with_ymd_and_hms(2024, 2, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let c = compare(&s.old, &s.new, &mapping, &Limits::default(), now);

    let mut summary: Vec<(&str, Option<&str>, Option<&str>)> = c
        .findings
        .iter()
        .map(|f| {
            (
                f.reason.kind().as_str(),
                f.old_folder.as_deref(),
                f.new_folder.as_deref(),
            )
        })
        .collect();
    summary.sort();
    let mut expected = vec![("duplicate", None, Some("INBOX")); 4];
    expected.extend(vec![("extra", None, Some("INBOX")); 2]);
    expected.extend(vec![("garbled", Some("INBOX"), Some("INBOX")); 5]);
    expected.extend(vec![
        (
            "missing",
            Some("INBOX.送信済みトレイ"),
            Some("Sent Items")
        );
        3
    ]);
    expected.push(("oversize", Some("INBOX"), Some("INBOX")));
    // The folder missing on new, and its two messages.
    let project = (Some("INBOX.旧プロジェクト"), Some("旧プロジェクト"));
    expected.push(("folder_missing", project.0, project.1));
    expected.extend(vec![("missing", project.0, project.1); 2]);
    expected.sort();
    assert_eq!(summary, expected, "{:#?}", c.findings);

    // The garbled ones are the planted five, all blamed on the migration.
    let mut garbled: Vec<String> = c
        .of_kind(super::result::FindingKind::Garbled)
        .map(|f| {
            assert_eq!(f.severity, Severity::Problem);
            f.message
                .as_ref()
                .and_then(|m| m.subject.clone())
                .unwrap_or_default()
        })
        .collect();
    garbled.sort();
    let mut planted: Vec<String> = GARBLE_SUBJECTS.iter().map(|(_, s)| s.to_string()).collect();
    planted.sort();
    assert_eq!(garbled, planted);
    let kinds: Vec<GarbleKind> = c
        .of_kind(super::result::FindingKind::Garbled)
        .filter_map(|f| match &f.reason {
            Reason::Garbled { garble, .. } => Some(*garble),
            _ => None,
        })
        .collect();
    // Named by the repair a mail program would need.
    assert_eq!(
        kinds,
        [
            GarbleKind::OnNew(Defect::DoubleEncoded),
            GarbleKind::OnNew(Defect::DoubleEncoded),
            GarbleKind::OnNew(Defect::WrongCharset),
            GarbleKind::OnNew(Defect::WrongCharset),
            GarbleKind::OnNew(Defect::MissingEncodedWordEnd),
        ]
    );

    let oversize = c
        .of_kind(super::result::FindingKind::Oversize)
        .next()
        .map(|f| f.reason.clone());
    assert_eq!(
        oversize,
        Some(Reason::Oversize {
            size: 40 * 1024 * 1024,
            limit: Limits::default().max_message_bytes
        })
    );

    let counts: Vec<(&str, u64, u64, i64, FolderStatus)> = c
        .folders
        .iter()
        .map(|f| {
            (
                f.new_folder.as_str(),
                f.old_count,
                f.new_count,
                f.difference,
                f.status,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("INBOX", 21, 26, 5, FolderStatus::Differs),
            ("Sent Items", 12, 9, -3, FolderStatus::Differs),
            ("Deleted Items", 3, 3, 0, FolderStatus::Match),
            ("Junk Email", 2, 2, 0, FolderStatus::Match),
            ("Drafts", 1, 1, 0, FolderStatus::Match),
            ("仕事", 2, 2, 0, FolderStatus::Match),
            ("仕事/2024", 2, 2, 0, FolderStatus::Match),
            ("旧プロジェクト", 2, 0, -2, FolderStatus::Differs),
        ]
    );
    assert_eq!(c.totals.problems, 16);
    assert_eq!(c.totals.notes, 2);
    assert_eq!(c.exit_status(), ExitStatus::Differences);
    assert_eq!(
        c.verdict(Lang::En),
        "3 missing from INBOX.送信済みトレイ, \
         folder INBOX.旧プロジェクト not on the new server (2 messages), \
         1 too large to migrate in INBOX, 5 garbled subjects in INBOX, and 1 more"
    );
    assert!(
        c.verdict(Lang::Ja)
            .starts_with("「INBOX.送信済みトレイ」の 3 通が新サーバにありません")
    );

    let csv = c.to_csv();
    assert_eq!(csv.lines().count(), 1 + 18);
    let json = serde_json::to_string(&c).expect("serialize");
    let back: super::result::Comparison = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, c);
}

#[test]
fn scenario_after_fixing_is_ok() {
    // The same mailboxes once the user carried the missing and oversize mail over by hand,
    // removed the duplicates and the centre re-synced the subjects: only extras remain.
    let s = scenario();
    let mut new = s.new.clone();
    let old_inbox = &s.old[0].messages;
    let old_sent_ja = &s.old[2].messages;
    let extras: Vec<MessageInfo> = new[0].messages[new[0].messages.len() - 2..].to_vec();
    new[0].messages = old_inbox.clone();
    new[0].messages.extend(extras);
    new[1].messages.extend(old_sent_ja[5..].iter().cloned());
    let overrides = [("INBOX.旧プロジェクト".to_string(), "INBOX".to_string())];
    let mut old = s.old.clone();
    let project = old[8].messages.clone();
    new[0].messages.extend(project);
    old.truncate(9);
    let mapping = map_folders(&infos(&old), &infos(&new), &overrides);
    let now = Utc
        .with_ymd_and_hms(2024, 2, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let c = compare(&old, &new, &mapping, &Limits::default(), now);
    let kinds: Vec<&str> = c
        .findings
        .iter()
        .map(|f| f.reason.kind().as_str())
        .collect();
    assert_eq!(kinds, ["extra", "extra"]);
    assert_eq!(c.exit_status(), ExitStatus::Match);
    assert_eq!(
        c.verdict(Lang::En),
        "OK: all 7 folders match (45 messages), 2 only on new"
    );
    assert_eq!(
        c.verdict(Lang::Ja),
        "OK: 7 フォルダすべて一致 (45 通)、新サーバのみ 2 通"
    );
}
