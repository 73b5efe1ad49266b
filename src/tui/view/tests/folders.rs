//! The Folders screen's status column comes from the identity comparison, never from counts:
//! `INBOX 73 → 78` with one message missing and four duplicates is not shown as "=".

use std::sync::Arc;

use ratatui::crossterm::event::KeyCode;

use super::screen::verify_event;
use super::{draw, folder, inventory, press, report, screen, signed_in};
use crate::i18n::Lang;
use crate::model::{FolderInfo, FolderMessages, MessageInfo, SpecialUse};
use crate::profile::Side;
use crate::service::verify::{OldMailbox, RestoreBasis, build_report};
use crate::tui::app::App;
use crate::tui::screen::Screen;
use crate::tui::verify::{VerifyEvent, VerifyOutcome};
use crate::tui::view::fixtures::profile;

fn message(uid: u32, id: &str) -> MessageInfo {
    MessageInfo {
        uid,
        size: 4_000,
        message_id: Some(format!("{id}@example-univ.ac.jp")),
        date: Some(format!("{} Jan 2025 09:00:00 +0900", 1 + uid % 28)),
        from: Some("taro@example-univ.ac.jp".into()),
        subject: Some(format!("message {id}")),
        ..MessageInfo::default()
    }
}

fn holding(
    name: &str,
    special_use: Option<SpecialUse>,
    messages: Vec<MessageInfo>,
) -> FolderMessages {
    let mut info: FolderInfo = folder(name, special_use, 0, 0);
    info.messages = u32::try_from(messages.len()).unwrap_or(u32::MAX);
    info.size = messages.iter().map(|m| m.size).sum();
    FolderMessages {
        folder: info,
        messages,
    }
}

/// Old INBOX 73; new INBOX 78: one missing, four extra copies, two new arrivals. Sent: 5 = 5.
fn outcome(lang: Lang) -> Arc<VerifyOutcome> {
    let inbox: Vec<MessageInfo> = (0..73).map(|i| message(i + 1, &format!("m{i}"))).collect();
    let sent: Vec<MessageInfo> = (0..5).map(|i| message(i + 1, &format!("s{i}"))).collect();
    let mut new_inbox: Vec<MessageInfo> = inbox.iter().filter(|m| m.uid != 6).cloned().collect();
    for (k, copy) in inbox[..4].iter().enumerate() {
        let mut copy = copy.clone();
        copy.uid = 200 + k as u32;
        new_inbox.push(copy);
    }
    new_inbox.push(message(300, "later1"));
    new_inbox.push(message(301, "later2"));
    assert_eq!(new_inbox.len(), 78);
    let old = OldMailbox::live(
        "mail.example-univ.ac.jp:993 (SSL/TLS)".into(),
        vec![
            holding("INBOX", Some(SpecialUse::Inbox), inbox),
            holding("INBOX.送信済みトレイ", Some(SpecialUse::Sent), sent.clone()),
        ],
    );
    let mut new = vec![
        holding("INBOX", Some(SpecialUse::Inbox), new_inbox),
        holding("Sent Items", Some(SpecialUse::Sent), sent),
    ];
    for f in &mut new {
        f.folder.delimiter = Some('/');
    }
    let report = build_report(&profile(), &old, "outlook.office365.com:993", &new, lang);
    let basis = RestoreBasis::held(&report, &old, &new);
    Arc::new(VerifyOutcome { report, basis })
}

/// Both inventories with the same counts as the verification.
fn ready(lang: Lang) -> App {
    let mut app = signed_in(lang, (80, 24));
    let mut old = inventory(0);
    old.folders = vec![
        folder("INBOX", Some(SpecialUse::Inbox), 73, 292_000),
        folder("INBOX.送信済みトレイ", Some(SpecialUse::Sent), 5, 20_000),
    ];
    report(&mut app, Side::Old, Ok(old));
    let mut new = inventory(0);
    new.folders = vec![
        folder("INBOX", Some(SpecialUse::Inbox), 78, 312_000),
        folder("Sent Items", Some(SpecialUse::Sent), 5, 20_000),
    ];
    report(&mut app, Side::New, Ok(new));
    app
}

fn folders_screen(app: &mut App) -> String {
    press(app, KeyCode::Char('2'));
    assert_eq!(app.screen, Screen::Folders);
    screen(&draw(app, 80, 24))
}

/// The row whose folder cell starts with `prefix` (long names are cut at 80 columns).
fn line_of<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("│{prefix}")))
        .unwrap_or_else(|| panic!("no row for {prefix}: {text}"))
}

#[test]
fn statuses_come_from_the_verification_not_from_counts() {
    for (lang, inbox_status, sent_status, unverified) in [
        (Lang::En, "1 missing 4 dups", "=", "+5 unverified"),
        (Lang::Ja, "欠落1 重複4", "=", "+5 未確認"),
    ] {
        // Before any verification: the counts, and no claim.
        let mut app = ready(lang);
        let text = folders_screen(&mut app);
        let inbox = line_of(&text, "INBOX ");
        assert!(inbox.contains(unverified), "{inbox}");
        assert!(
            !inbox.trim_end_matches('│').trim_end().ends_with('='),
            "{inbox}"
        );

        // After it: the identity comparison's findings.
        let mut app = ready(lang);
        press(&mut app, KeyCode::Char('4'));
        press(&mut app, KeyCode::Char('v'));
        verify_event(&mut app, VerifyEvent::Finished(Ok(outcome(lang))));
        let text = folders_screen(&mut app);
        let inbox = line_of(&text, "INBOX ");
        assert!(inbox.contains("78"), "{inbox}");
        assert!(inbox.contains(inbox_status), "{inbox}");
        assert!(
            !inbox.trim_end_matches('│').trim_end().ends_with('='),
            "{inbox}"
        );
        let sent = line_of(&text, "INBOX.送信");
        assert!(
            sent.trim_end_matches('│').trim_end().ends_with(sent_status),
            "{sent}"
        );
        insta::assert_snapshot!(format!("folders_verified_{}", lang.code()), text);
    }
}

#[test]
fn long_japanese_folder_names_are_cut_by_display_width_with_an_ellipsis() {
    use unicode_width::UnicodeWidthStr;
    let long = "INBOX.研究室.国際学会発表資料アーカイブ二〇二四年度分";
    for lang in [Lang::Ja, Lang::En] {
        let mut app = signed_in(lang, (80, 24));
        let mut old = inventory(0);
        old.folders = vec![
            folder("INBOX", Some(SpecialUse::Inbox), 73, 292_000),
            folder(long, None, 12, 48_000),
        ];
        report(&mut app, Side::Old, Ok(old));
        let mut new = inventory(0);
        new.folders = vec![
            folder("INBOX", Some(SpecialUse::Inbox), 73, 292_000),
            folder(long, None, 12, 48_000),
        ];
        report(&mut app, Side::New, Ok(new));
        let text = folders_screen(&mut app);
        let row = line_of(&text, "INBOX.研究室");
        assert_eq!(row.width(), 80, "the row keeps the screen's width: {row}");
        // Both names are cut where their column ends, each with its ellipsis, and the
        // counts beside them stay whole.
        assert_eq!(row.matches('…').count(), 2, "{row}");
        assert!(row.contains("-> INBOX.研究"), "{row}");
        assert!(row.contains(" 12"), "{row}");
        for cell in row.split('…') {
            assert!(
                !cell.contains("二〇二四年度分"),
                "the name is not shown whole: {row}"
            );
        }
    }
}
