//! Fixed model data for view tests and snapshots: no network, no clock.

use std::sync::Arc;

use crate::i18n::Lang;
use crate::model::{FolderInfo, FolderMessages, MessageInfo, SpecialUse};
use crate::profile::Profile;
use crate::service::backup::{BackupResult, FolderOutcome, Protocol};
use crate::service::verify::{OldMailbox, RestoreBasis, build_report};
use crate::tui::verify::VerifyOutcome;

fn folder(name: &str, delimiter: char, special_use: Option<SpecialUse>) -> FolderInfo {
    FolderInfo {
        name: name.into(),
        raw_name: name.into(),
        delimiter: Some(delimiter),
        special_use,
        selectable: true,
        messages: 0,
        unseen: None,
        uid_next: None,
        uid_validity: Some(1),
        size: 0,
    }
}

fn message(uid: u32, id: &str, day: u32, subject: &str, size: u64) -> MessageInfo {
    MessageInfo {
        uid,
        size,
        internal_date: Some(format!("2025-01-{day:02}T09:00:00+09:00")),
        flags: vec!["\\Seen".into()],
        message_id: Some(format!("{id}@example-univ.ac.jp")),
        date: Some(format!("{day} Jan 2025 09:00:00 +0900")),
        from: Some("山田 太郎 <taro@example-univ.ac.jp>".into()),
        to: Some("佐藤 花子 <hanako@example-univ.ac.jp>".into()),
        subject_raw: None,
        subject: Some(subject.into()),
        body_hash: None,
    }
}

fn holding(mut info: FolderInfo, messages: Vec<MessageInfo>) -> FolderMessages {
    info.messages = u32::try_from(messages.len()).unwrap_or(u32::MAX);
    info.size = messages.iter().map(|m| m.size).sum();
    FolderMessages {
        folder: info,
        messages,
    }
}

pub fn profile() -> Profile {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/profiles/exchange-online.toml");
    Profile::load(&path).expect("shipped profile")
}

/// Old: INBOX (one 40 MiB message), Sent (two sent after the copy), a lab folder.
/// New: the copy, with one duplicate in INBOX and one garbled subject.
pub fn verify_outcome(lang: Lang) -> Arc<VerifyOutcome> {
    let inbox = vec![
        message(1, "a1", 6, "研究室ミーティングの議事録", 12_000),
        message(2, "a2", 7, "Re: 共同研究の打ち合わせ", 8_200),
        message(3, "a3", 8, "学会発表資料 (最終版)", 40 * 1024 * 1024),
        message(4, "a4", 9, "Lunch on Friday?", 3_100),
    ];
    let sent = vec![
        message(1, "s1", 10, "出張報告書の提出", 25_000),
        message(2, "s2", 20, "Draft paper for review", 310_000),
        message(3, "s3", 21, "請求書送付のご案内", 48_000),
    ];
    let lab = vec![
        message(1, "l1", 11, "会議の件", 5_000),
        message(2, "l2", 12, "Call for papers", 7_000),
    ];
    let old = OldMailbox::live(
        "mail.example-univ.ac.jp:993 (SSL/TLS)".into(),
        vec![
            holding(folder("INBOX", '.', Some(SpecialUse::Inbox)), inbox.clone()),
            holding(
                folder("INBOX.送信済みトレイ", '.', Some(SpecialUse::Sent)),
                sent.clone(),
            ),
            holding(folder("INBOX.研究室.学会", '.', None), lab.clone()),
        ],
    );
    let mut new_inbox: Vec<MessageInfo> = inbox
        .iter()
        .filter(|m| m.size < 1024 * 1024)
        .cloned()
        .collect();
    let mut dup = new_inbox[0].clone();
    dup.uid = 10;
    new_inbox.push(dup);
    let mut new_lab = lab.clone();
    new_lab[0].subject = Some("会議の\u{FFFD}\u{FFFD}".into());
    let new = vec![
        holding(folder("INBOX", '/', Some(SpecialUse::Inbox)), new_inbox),
        holding(folder("Sent Items", '/', None), vec![sent[0].clone()]),
        holding(folder("研究室/学会", '/', None), new_lab),
    ];
    let mut report = build_report(
        &profile(),
        &old,
        "outlook.office365.com:993 (SSL/TLS)",
        &new,
        lang,
    );
    // The code's phase digit as on the snapshots' day, not the day the tests run.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
    report.state_code =
        crate::service::verify::state_code(&report, profile().dates.phase(day)).to_string();
    let basis = RestoreBasis::held(&report, &old, &new);
    Arc::new(VerifyOutcome { report, basis })
}

/// The header block a fetch returns for the first missing message.
pub const HEADERS: &str = "Return-Path: <taro@example-univ.ac.jp>\r\nMessage-ID: <s2@example-univ.ac.jp>\r\nDate: Mon, 20 Jan 2025 09:00:00 +0900\r\nFrom: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro@example-univ.ac.jp>\r\nTo: hanako@example-univ.ac.jp\r\nSubject: Draft paper for review\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"b1\"\r\n";

pub fn backup_result() -> BackupResult {
    BackupResult {
        archive: "taro@example-univ.ac.jp-20261125.zip".into(),
        server: "mail.example-univ.ac.jp:993".into(),
        account: "taro@example-univ.ac.jp".into(),
        protocol: Protocol::Imap,
        folders: vec![FolderOutcome {
            folder: "INBOX".into(),
            uid_validity: Some(1),
            server_messages: 1200,
            added: 1200,
            already: 0,
            rekeyed: 0,
            vanished: 0,
            unchanged: false,
        }],
        added: 1555,
        already: 0,
        rekeyed: 0,
        recovered: 0,
        messages: 1555,
        bytes_fetched: 795_000_000,
        archive_bytes: 612_000_000,
        rewritten: true,
        reconnects: 0,
        throttled: 0,
        limit_bytes: 32 * 1024 * 1024,
        oversize: vec![],
        elapsed_ms: 95_000,
    }
}

/// A diagnosis with one finding of each severity (words from the catalog, as in a real run).
pub fn doctor_report() -> crate::doctor::DoctorReport {
    use crate::doctor::finding::{Kind, finding};
    use crate::doctor::{Area, Counts, DoctorReport, Facts, Severity};
    let findings = vec![
        finding(
            Kind::MxExchangeOnline,
            Severity::Ok,
            Area::Dns,
            "example-univ.ac.jp MX",
        )
        .with("listed", "0 example-univ-ac-jp.mail.protection.outlook.com"),
        finding(
            Kind::AutodiscoverCnameMissing,
            Severity::Warning,
            Area::Autodiscover,
            "autodiscover.example-univ.ac.jp",
        )
        .with("name", "autodiscover.example-univ.ac.jp"),
        finding(
            Kind::SpfNoExchangeOnline,
            Severity::Error,
            Area::Dns,
            "example-univ.ac.jp TXT (SPF)",
        )
        .with("include", "spf.protection.outlook.com")
        .with("record", "v=spf1 ip4:192.0.2.25 -all"),
    ];
    DoctorReport {
        domain: "example-univ.ac.jp".into(),
        address: Some("taro@example-univ.ac.jp".into()),
        elapsed_ms: 1_200,
        counts: Counts {
            ok: 1,
            warnings: 1,
            errors: 1,
        },
        findings,
        facts: Facts::default(),
        state_code: String::new(),
    }
    .with_phase(crate::profile::Phase::Unknown)
}

/// A Thunderbird profile's local mail (a POP account and Local Folders, nested Japanese
/// names, a deleted message not compacted, one message over the limit) and the new
/// mailbox it is compared with, through the service's own pure functions.
pub fn local_mail() -> (
    crate::service::local::LocalInventory,
    crate::service::local::UploadReport,
) {
    use crate::local::{FolderFile, ReadOutcome, Store, StoreKind};
    use crate::service::local::{
        LocalFolder, LocalMailbox, LocalMessage, UploadOptions, plan, summarise,
    };
    use std::path::{Path, PathBuf};
    let profile = Path::new("/home/taro/.thunderbird/x1y2z3.default-release");
    let local_folder = |dir: &str, name: &str, special_use, messages: Vec<MessageInfo>| {
        let mut numbered = Vec::new();
        for (i, mut info) in messages.into_iter().enumerate() {
            info.uid = u32::try_from(i + 1).unwrap_or(u32::MAX);
            numbered.push(LocalMessage {
                sha256: format!("{:064x}", u64::from(info.uid) + info.size),
                info,
            });
        }
        LocalFolder {
            file: FolderFile {
                name: name.into(),
                path: PathBuf::from(dir).join(name),
                special_use,
                selectable: true,
            },
            expunged: u64::from(name == "Inbox"),
            expunged_bytes: if name == "Inbox" { 2_048 } else { 0 },
            read: ReadOutcome {
                file_bytes: numbered.iter().map(|m| m.info.size).sum(),
                attempts: 1,
                changed: false,
                dropped_tail: false,
            },
            messages: numbered,
        }
    };
    let store = |name: &str, kind, dir: &str| Store {
        name: name.into(),
        kind,
        hostname: String::new(),
        directory: profile.join(dir),
        sent_folders: Vec::new(),
    };
    let pop_dir = "/home/taro/.thunderbird/x1y2z3.default-release/Mail/pop.example-univ.ac.jp";
    let local_dir = "/home/taro/.thunderbird/x1y2z3.default-release/Mail/Local Folders";
    let mailboxes = vec![
        LocalMailbox {
            store: store(
                "taro@example-univ.ac.jp",
                StoreKind::Pop3,
                "Mail/pop.example-univ.ac.jp",
            ),
            folders: vec![local_folder(
                pop_dir,
                "Inbox",
                None,
                vec![
                    message(0, "pop1", 3, "ようこそ", 4_096),
                    message(0, "copied", 4, "センターがコピー済み", 5_120),
                    message(0, "big", 5, "実験データ (大きい添付)", 48_000_000),
                ],
            )],
        },
        LocalMailbox {
            store: store(
                "Local Folders",
                StoreKind::LocalFolders,
                "Mail/Local Folders",
            ),
            folders: vec![
                local_folder(
                    local_dir,
                    "Sent",
                    Some(SpecialUse::Sent),
                    vec![
                        message(0, "sent1", 6, "Re: 会議の件", 3_000),
                        message(0, "sent2", 7, "報告書", 9_000),
                    ],
                ),
                local_folder(
                    local_dir,
                    "Trash",
                    Some(SpecialUse::Trash),
                    vec![message(0, "old", 8, "古いメール", 1_000)],
                ),
                local_folder(
                    local_dir,
                    "研究室",
                    None,
                    vec![message(0, "lab", 9, "研究室の予定", 2_000)],
                ),
                local_folder(
                    local_dir,
                    "研究室/学会",
                    None,
                    vec![message(0, "conf", 10, "学会の案内", 2_500)],
                ),
            ],
        },
    ];
    let inventory = summarise(profile, &mailboxes);
    let mut inbox = folder("INBOX", '/', None);
    inbox.messages = 1;
    let mut sent = folder("Sent Items", '/', Some(SpecialUse::Sent));
    sent.messages = 0;
    let new = vec![
        FolderMessages {
            folder: inbox,
            messages: vec![message(1, "copied", 4, "センターがコピー済み", 5_100)],
        },
        FolderMessages {
            folder: sent,
            messages: Vec::new(),
        },
    ];
    let report = plan(
        profile,
        &mailboxes,
        "outlook.office365.com:993",
        &new,
        &UploadOptions::default(),
        &crate::compare::result::Limits::default(),
    )
    .expect("plan");
    (inventory, report)
}
