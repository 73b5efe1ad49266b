//! The Verify and Backup screens: messages in, state and effects out, and what is drawn.

use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

use super::{draw, inventory, press, report, screen, signed_in, type_text};
use crate::i18n::Lang;
use crate::profile::Side;
use crate::service::backup::BackupEvent;
use crate::service::verify::restore::{ItemOutcome, ItemResult};
use crate::tui::app::App;
use crate::tui::backup::BackupRun;
use crate::tui::protocol::{Effect, Msg, TaskEvent};
use crate::tui::screen::Screen;
use crate::tui::verify::{Headers, KINDS, VerifyEvent, VerifyMode, findings_of};
use crate::tui::view::fixtures::{self, HEADERS};

pub(super) fn verify_event(app: &mut App, event: VerifyEvent) -> Vec<Effect> {
    let generation = app.verify.generation;
    app.update(Msg::Task(TaskEvent::Verify { generation, event }))
}

/// Signed in, on the Verify screen, with the fixture's verification finished.
pub(super) fn verified(lang: Lang, size: (u16, u16)) -> App {
    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.screen, Screen::Verify);
    let effects = press(&mut app, KeyCode::Char('v'));
    assert!(matches!(effects.as_slice(), [Effect::Verify { .. }]));
    verify_event(
        &mut app,
        VerifyEvent::Finished(Ok(fixtures::verify_outcome(lang))),
    );
    app
}

/// Text without white space and box borders, to find wrapped text.
fn flat(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

fn assert_fits(text: &str, width: usize) {
    for line in text.lines() {
        assert_eq!(line.width(), width, "{line}");
    }
}

#[test]
fn verify_runs_as_a_task_with_progress_then_shows_the_verdict() {
    let mut app = signed_in(Lang::En, (80, 24));
    press(&mut app, KeyCode::Char('4'));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Press v or Enter to verify"), "{text}");
    assert!(text.contains("4 Verify"), "tab in the title bar: {text}");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Verify { generation, .. }] = effects.as_slice() else {
        panic!("one verify task: {effects:?}");
    };
    assert_eq!(*generation, app.verify.generation);
    assert!(app.busy(), "the work runs in the background");
    assert!(press(&mut app, KeyCode::Char('v')).is_empty(), "not twice");
    verify_event(&mut app, VerifyEvent::Connected(Side::Old));
    verify_event(
        &mut app,
        VerifyEvent::Progress {
            side: Side::Old,
            done: 2,
            total: 5,
            folder: "INBOX.送信済みトレイ".into(),
        },
    );
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("3/5 INBOX.送信済みトレイ"), "{text}");
    assert!(text.contains("New server: connecting"), "{text}");
    assert_fits(&text, 80);
    // A report from an older run is ignored.
    app.update(Msg::Task(TaskEvent::Verify {
        generation: app.verify.generation - 1,
        event: VerifyEvent::Finished(Err("old".into())),
    }));
    assert!(app.verify.running());

    let outcome = fixtures::verify_outcome(Lang::En);
    let verdict = outcome.report.comparison.verdict(Lang::En);
    verify_event(&mut app, VerifyEvent::Finished(Ok(outcome.clone())));
    assert!(!app.verify.running());
    let text = screen(&draw(&app, 80, 24));
    // The verdict wraps at 80 columns; all of it is on screen.
    assert!(flat(&text).contains(&flat(&verdict)), "{verdict}\n{text}");
    assert!(
        verdict.starts_with("2 missing from INBOX.送信済みトレイ"),
        "{verdict}"
    );
    // The four kinds with their counts: 2 sent messages missing, 1 duplicate, 1 garbled,
    // 1 too large.
    let counts: Vec<usize> = KINDS
        .iter()
        .map(|k| findings_of(&outcome.report, *k).len())
        .collect();
    assert_eq!(counts, [2, 1, 1, 1]);
    let missing_row = text
        .lines()
        .find(|l| l.contains("Missing on the new server"))
        .expect("missing row");
    assert!(missing_row.contains("    2  (2 sent)"), "{missing_row}");
    let sent_row = text
        .lines()
        .find(|l| l.contains("Sent Items"))
        .expect("sent row");
    assert!(
        sent_row.contains("-2") && sent_row.contains("DIFFERS"),
        "{sent_row}"
    );
    assert_fits(&text, 80);
    // The language key re-renders the verdict in Japanese.
    press(&mut app, KeyCode::Char('l'));
    let text = screen(&draw(&app, 80, 24));
    let verdict = outcome.report.comparison.verdict(Lang::Ja);
    assert!(flat(&text).contains(&flat(&verdict)), "{verdict}\n{text}");
    assert!(text.contains("送信済み 2"), "{text}");
    assert_fits(&text, 80);
}

#[test]
fn a_failed_verification_shows_an_error_panel() {
    let mut app = signed_in(Lang::Ja, (80, 24));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('v'));
    verify_event(
        &mut app,
        VerifyEvent::Finished(Err("127.0.0.1:993: connection refused".into())),
    );
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("検証できませんでした"), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    let effects = press(&mut app, KeyCode::Char('v'));
    assert!(matches!(effects.as_slice(), [Effect::Verify { .. }]));
}

#[test]
fn drill_into_lists_open_headers_and_restore_only_after_the_plan() {
    let mut app = verified(Lang::En, (80, 24));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.verify.mode, VerifyMode::List));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Missing on the new server (2)"), "{text}");
    assert!(text.contains("Draft paper for review"), "{text}");
    assert!(text.contains("請求書送付のご案内"), "{text}");
    assert!(
        text.contains("-> 佐藤 花子"),
        "the recipient of sent mail: {text}"
    );
    assert!(text.contains("p restore plan"), "help bar: {text}");
    assert_fits(&text, 80);
    // The other kinds, one key each.
    for (kind, subject) in [
        ("Duplicates", "研究室ミーティングの議事録"),
        ("Garbled", "会議の"),
        ("Too large", "学会発表資料"),
    ] {
        press(&mut app, KeyCode::Right);
        let text = screen(&draw(&app, 80, 24));
        assert!(text.contains(kind) && text.contains(subject), "{text}");
        assert!(
            !text.contains("p restore"),
            "only missing mail restores: {text}"
        );
        assert_fits(&text, 80);
    }
    for _ in 0..3 {
        press(&mut app, KeyCode::Left);
    }

    // One message's headers: fetched by a task from the old server.
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Headers { target, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(target.side, Side::Old);
    assert_eq!(target.folder, "INBOX.送信済みトレイ");
    assert_eq!(target.uid, 2);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Reading the header"), "{text}");
    verify_event(
        &mut app,
        VerifyEvent::Headers {
            uid: 2,
            result: Ok(HEADERS.into()),
        },
    );
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("Message-ID: <s2@example-univ.ac.jp>"),
        "{text}"
    );
    assert!(text.contains("boundary="), "{text}");
    assert!(!text.contains('\r'), "{text}");
    assert_fits(&text, 80);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.verify.mode, VerifyMode::List));

    // Space only toggles, the cursor stays: twice is no mark at all.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert!(app.verify.marked.is_empty());
    assert_eq!(app.verify.selected, 0);
    // Mark both (Space, Down, Space), see the plan; nothing is written until `y`.
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.verify.marked.len(), 2);
    assert_eq!(app.verify.selected, 1);
    assert!(
        press(&mut app, KeyCode::Char('p')).is_empty(),
        "a plan, no effect"
    );
    let VerifyMode::Restore { plan, .. } = &app.verify.mode else {
        panic!("plan");
    };
    assert_eq!(plan.len(), 2);
    assert!(plan.iter().all(|i| i.new_folder == "Sent Items"));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Restore plan: 2 messages"), "{text}");
    assert!(text.contains("-> Sent Items"), "{text}");
    assert!(text.contains("y restore to the new server"), "{text}");
    assert_fits(&text, 80);
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.verify.mode, VerifyMode::List),
        "Esc: back, nothing done"
    );
    press(&mut app, KeyCode::Char('p'));
    let effects = press(&mut app, KeyCode::Char('y'));
    let [Effect::Restore { plan, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(plan.len(), 2);
    assert!(app.busy());
    let results = plan
        .iter()
        .map(|item| ItemResult {
            item: item.clone(),
            outcome: ItemOutcome::Appended,
            error: None,
        })
        .collect();
    verify_event(&mut app, VerifyEvent::Restored(Ok(results)));
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("2 appended, 0 already there, 0 failed"),
        "{text}"
    );
    let effects = press(&mut app, KeyCode::Char('v'));
    assert!(
        matches!(effects.as_slice(), [Effect::Verify { .. }]),
        "verify again"
    );
}

#[test]
fn headers_that_cannot_be_read_say_why() {
    let mut app = verified(Lang::Ja, (80, 24));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Headers { target, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        target.side,
        Side::New,
        "a duplicate is read on the new server"
    );
    let uid = target.uid;
    verify_event(
        &mut app,
        VerifyEvent::Headers {
            uid,
            result: Err("UID 10 is no longer in INBOX".into()),
        },
    );
    assert!(matches!(
        &app.verify.mode,
        VerifyMode::Headers {
            headers: Headers::Failed(_),
            ..
        }
    ));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("読み取れませんでした"), "{text}");
}

fn backup_event(app: &mut App, event: BackupEvent, elapsed_ms: u64) {
    let generation = app.backup.generation;
    app.update(Msg::Task(TaskEvent::Backup {
        generation,
        event,
        elapsed_ms,
    }));
}

fn backup_ended(
    app: &mut App,
    result: Result<Box<crate::service::backup::BackupResult>, String>,
    cancelled: bool,
) {
    let generation = app.backup.generation;
    app.update(Msg::Task(TaskEvent::BackupEnded {
        generation,
        result,
        cancelled,
    }));
}

/// Signed in with the old inventory, on the Backup screen.
pub(super) fn backup_screen(lang: Lang, size: (u16, u16)) -> App {
    let mut app = signed_in(lang, size);
    report(&mut app, Side::Old, Ok(inventory(4)));
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.screen, Screen::Backup);
    app
}

/// A backup running: planned 100 messages / 10 MiB, 30 messages / 3 MiB done in 2 s.
pub(super) fn backup_running(app: &mut App) {
    let effects = press(app, KeyCode::Char('s'));
    assert!(matches!(effects.as_slice(), [Effect::Backup { .. }]));
    backup_event(
        app,
        BackupEvent::Preparing {
            path: "x.zip".into(),
        },
        0,
    );
    backup_event(
        app,
        BackupEvent::Planned {
            folders: 2,
            messages: 100,
            bytes: 10 << 20,
        },
        300,
    );
    backup_event(
        app,
        BackupEvent::FolderStarted {
            folder: "INBOX.送信済みトレイ".into(),
            messages: 40,
            bytes: 4 << 20,
        },
        400,
    );
    for _ in 0..30 {
        backup_event(
            app,
            BackupEvent::MessageWritten {
                folder: "INBOX.送信済みトレイ".into(),
                bytes: (3 << 20) / 30,
            },
            2000,
        );
    }
}

#[test]
fn backup_chooses_folders_and_destination_then_shows_gauges_rate_and_eta() {
    let mut app = backup_screen(Lang::En, (80, 24));
    assert_eq!(app.backup.folders.len(), 4);
    assert_eq!(
        app.backup.path.value(),
        "taro@example-univ.ac.jp-20261125.zip",
        "from the address and today"
    );
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("4 of 4 folders"), "{text}");
    assert!(text.contains("[x] INBOX.送信済みトレイ"), "{text}");
    assert_fits(&text, 80);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.backup.chosen(),
        ["INBOX", "INBOX.研究室.学会", "INBOX.Drafts"]
    );
    // Typing the destination: letters go to the field, not to the global keys.
    press(&mut app, KeyCode::Char('e'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "-lab.zip");
    assert!(!app.quit && app.screen == Screen::Backup);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.backup.path.value(),
        "taro@example-univ.ac.jp-20261125-lab.zip"
    );
    let effects = press(&mut app, KeyCode::Char('s'));
    let [
        Effect::Backup {
            folders, output, ..
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(folders.len(), 3);
    // A typed (or proposed) relative name is made absolute from the current directory.
    assert_eq!(
        *output,
        std::env::current_dir()
            .expect("cwd")
            .join("taro@example-univ.ac.jp-20261125-lab.zip")
    );
    // Restart the run with the fixed events.
    app.backup.run = BackupRun::Idle;
    backup_running(&mut app);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Overall 30 / 100 messages"), "{text}");
    // 3 MiB in 2 s: 1.5 MiB/s; 7 MiB left: 5 s.
    assert!(text.contains("Rate 1.5 MiB/s  ETA 5 s"), "{text}");
    assert!(text.contains("30/40"), "the folder's gauge: {text}");
    assert_fits(&text, 80);
    // Cancel: asked for, then confirmed by the task; the status says how to resume.
    let effects = press(&mut app, KeyCode::Char('c'));
    assert!(matches!(effects.as_slice(), [Effect::CancelBackup]));
    assert!(screen(&draw(&app, 80, 24)).contains("Cancelling"));
    backup_ended(&mut app, Err(String::new()), true);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Cancelled after 30 messages"), "{text}");
    assert!(text.contains("s resumes"), "{text}");
    let before = app.backup.generation;
    let effects = press(&mut app, KeyCode::Char('s'));
    assert!(
        matches!(effects.as_slice(), [Effect::Backup { generation, .. }] if *generation == before + 1),
        "a new run: {effects:?}"
    );
    backup_ended(&mut app, Ok(Box::new(fixtures::backup_result())), false);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Done: 1,555 added"), "{text}");
    // A failure is a status line, not a crash.
    press(&mut app, KeyCode::Char('s'));
    backup_ended(&mut app, Err("disk full".into()), false);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("Failed: disk full"), "{text}");
}

#[test]
fn quitting_during_a_backup_cancels_it_first() {
    let mut app = backup_screen(Lang::Ja, (80, 24));
    backup_running(&mut app);
    let effects = press(&mut app, KeyCode::Char('q'));
    assert!(matches!(effects.as_slice(), [Effect::CancelBackup]));
    assert!(!app.quit, "waits for the backup to stop");
    backup_ended(&mut app, Err(String::new()), true);
    assert!(app.quit);
}

#[test]
fn signing_in_again_forgets_the_last_verification() {
    let mut app = verified(Lang::En, (80, 24));
    let generation = app.verify.generation;
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Overview);
    assert!(app.verify.outcome().is_none());
    // A report from the run before the new sign-in is ignored.
    app.update(Msg::Task(TaskEvent::Verify {
        generation,
        event: VerifyEvent::Finished(Ok(fixtures::verify_outcome(Lang::En))),
    }));
    assert!(app.verify.outcome().is_none());
}

#[test]
fn with_the_mouse_a_click_opens_a_tab_and_the_wheel_scrolls() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let mut app = signed_in(Lang::En, (120, 40));
    report(&mut app, Side::Old, Ok(inventory(10)));
    // The title bar as drawn: find the columns of "4 Verify" and "2 Folders".
    let title = super::row(&draw(&app, 120, 40), 0);
    let column = |label: &str| {
        let at = title.find(label).expect("tab");
        u16::try_from(title[..at].width()).expect("column")
    };
    app.update(mouse(
        MouseEventKind::Down(MouseButton::Left),
        column("4 Verify"),
        0,
    ));
    assert_eq!(app.screen, Screen::Verify);
    app.update(mouse(
        MouseEventKind::Down(MouseButton::Left),
        column("2 Folders") + 3,
        0,
    ));
    assert_eq!(app.screen, Screen::Folders);
    app.update(mouse(MouseEventKind::ScrollDown, 10, 10));
    app.update(mouse(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(app.folders.selected, 2);
    // A click elsewhere does nothing.
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 2, 0));
    assert_eq!(app.screen, Screen::Folders);
}

#[test]
fn doctor_runs_as_a_task_and_shows_marks_meaning_and_fix() {
    let mut app = signed_in(Lang::En, (80, 24));
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.screen, Screen::Doctor);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("diagnose example-univ.ac.jp"), "{text}");
    let effects = press(&mut app, KeyCode::Char('d'));
    let [Effect::Doctor { generation, .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let generation = *generation;
    assert!(app.doctor.running());
    assert!(screen(&draw(&app, 80, 24)).contains("Diagnosing"));
    app.update(Msg::Task(TaskEvent::Doctor {
        generation,
        result: Ok(Box::new(fixtures::doctor_report())),
    }));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("1 OK, 1 warnings, 1 errors"), "{text}");
    assert!(
        text.contains("[OK]") && text.contains("[WARN]") && text.contains("[ERROR]"),
        "{text}"
    );
    assert_fits(&text, 80);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("Fix: Add include:spf.protection.outlook.com"),
        "{text}"
    );
    press(&mut app, KeyCode::Char('l'));
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("[エラー]") && text.contains("対処:"),
        "{text}"
    );
    assert_fits(&text, 80);
    // A failure is a panel, and d tries again.
    press(&mut app, KeyCode::Char('d'));
    let generation = app.doctor.generation;
    app.update(Msg::Task(TaskEvent::Doctor {
        generation,
        result: Err("cannot read the system DNS settings".into()),
    }));
    assert!(screen(&draw(&app, 80, 24)).contains("診断できませんでした"));
}

#[test]
fn settings_show_the_tables_and_copy_or_export_them() {
    let mut app = signed_in(Lang::En, (80, 24));
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.screen, Screen::Settings);
    let text = screen(&draw(&app, 80, 24));
    let built = app.settings.build(app.profile.as_deref(), &app.address);
    let imap = built
        .server(crate::settings::ClientProtocol::Imap)
        .expect("IMAP settings");
    assert!(text.contains(&imap.host), "{text}");
    assert!(text.contains("Protocol: all"), "{text}");
    assert_fits(&text, 80);
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Char('c'));
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("Protocol: IMAP  Mail program: Thunderbird"),
        "{text}"
    );
    let effects = press(&mut app, KeyCode::Char('y'));
    let [Effect::Copy(copied)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(
        copied,
        &crate::settings::render_text(
            &app.settings.build(app.profile.as_deref(), &app.address),
            Lang::En
        )
    );
    assert!(screen(&draw(&app, 80, 24)).contains("Copied"));
    let effects = press(&mut app, KeyCode::Char('x'));
    let [Effect::Export(files)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    assert!(
        names.iter().any(|n| n.ends_with(".config-v1.1.xml")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n.ends_with(".ja.txt")), "{names:?}");
    let xml = &files
        .iter()
        .find(|(p, _)| p.display().to_string().ends_with(".xml"))
        .expect("xml")
        .1;
    assert!(crate::settings::parse_autoconfig(xml).is_ok(), "{xml}");
    app.update(Msg::Task(TaskEvent::Notice("written: a, b".into())));
    assert!(screen(&draw(&app, 80, 24)).contains("written: a, b"));
}

#[test]
fn at_80_columns_the_title_keeps_the_address_and_numbers_the_other_tabs() {
    use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = signed_in(Lang::En, (80, 24));
    report(&mut app, Side::Old, Ok(inventory(10)));
    let title = super::row(&draw(&app, 80, 24), 0);
    assert!(title.contains(&app.address), "{title}");
    assert!(
        title.contains("1 Overview"),
        "the current screen is named: {title}"
    );
    assert!(
        !title.contains("Folders"),
        "the others are numbers: {title}"
    );
    // A click on a number opens that screen, as on the whole label.
    let at = title.find(" 4 ").expect("tab 4");
    let column = u16::try_from(title[..at].width()).expect("column") + 1;
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row: 0,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.screen, Screen::Verify);
    let title = super::row(&draw(&app, 80, 24), 0);
    assert!(
        title.contains("4 Verify") && title.contains(&app.address),
        "{title}"
    );
}

#[test]
fn the_question_before_quitting_shows_on_every_screen() {
    for lang in [Lang::Ja, Lang::En] {
        let mut app = verified(lang, (80, 24));
        press(&mut app, KeyCode::Char('q'));
        assert!(
            !app.quit,
            "a verification result is on screen: it asks first"
        );
        let question = tr!(lang, "tui-quit-confirm");
        let text = flat(&screen(&draw(&app, 80, 24)));
        assert!(text.contains(&flat(&question)), "{text}");
        press(&mut app, KeyCode::Char('y'));
        assert!(app.quit);
    }
}

#[test]
fn the_folder_table_of_the_verdict_scrolls_with_a_hint() {
    let mut app = verified(Lang::En, (80, 18));
    let text = screen(&draw(&app, 80, 18));
    assert!(text.contains("1-2 of 3 (PgUp/PgDn)"), "{text}");
    assert!(!text.contains("研究室/学会 "), "{text}");
    press(&mut app, KeyCode::PageDown);
    let text = screen(&draw(&app, 80, 18));
    assert!(text.contains("2-3 of 3 (PgUp/PgDn)"), "{text}");
    assert!(text.contains("研究室/学会"), "{text}");
    // Up/Down still choose the kind; PgUp goes back at once.
    press(&mut app, KeyCode::PageUp);
    assert!(screen(&draw(&app, 80, 18)).contains("1-2 of 3"));
    // At 120x40 everything fits: no hint.
    let app = verified(Lang::Ja, (120, 40));
    assert!(!screen(&draw(&app, 120, 40)).contains("PgUp/PgDn)"));
}

#[test]
fn settings_notes_wrap_and_scroll_to_their_last_line() {
    for lang in [Lang::Ja, Lang::En] {
        let mut app = signed_in(lang, (80, 24));
        press(&mut app, KeyCode::Char('6'));
        assert_eq!(app.screen, Screen::Settings);
        let text = screen(&draw(&app, 80, 24));
        assert!(text.contains("(Up/Dn PgUp/PgDn)"), "a hint: {text}");
        assert_fits(&text, 80);
        press(&mut app, KeyCode::End);
        let end = app.settings.scroll;
        let text = screen(&draw(&app, 80, 24));
        // The last note's end is on screen, whole.
        let built = app.settings.build(app.profile.as_deref(), &app.address);
        let all = crate::settings::render_text(&built, lang);
        let last = all.lines().last().expect("a last line");
        let tail: String = flat(last)
            .chars()
            .rev()
            .take(8)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(flat(&text).contains(&tail), "{tail}\n{text}");
        // One Up moves at once (the scroll stopped at the last page).
        press(&mut app, KeyCode::Up);
        assert_eq!(app.settings.scroll, end - 1);
    }
}

#[test]
fn quitting_with_a_result_on_screen_asks_on_every_screen() {
    for lang in [Lang::Ja, Lang::En] {
        let mut app = signed_in(lang, (80, 24));
        press(&mut app, KeyCode::Char('4'));
        press(&mut app, KeyCode::Enter);
        verify_event(
            &mut app,
            VerifyEvent::Finished(Ok(fixtures::verify_outcome(lang))),
        );
        let question = tr!(lang, "tui-quit-confirm");
        for screen_key in ['4', '2', '1'] {
            press(&mut app, KeyCode::Char(screen_key));
            press(&mut app, KeyCode::Char('q'));
            assert!(!app.quit, "asks first");
            let text = screen(&draw(&app, 80, 24));
            assert!(
                flat(&text).contains(&flat(&question)),
                "{lang:?} screen {screen_key}: the question is on screen:\n{text}"
            );
            // Any other key stays, and the question goes.
            press(&mut app, KeyCode::Char('x'));
            assert!(!app.quit);
            let text = screen(&draw(&app, 80, 24));
            assert!(!flat(&text).contains(&flat(&question)), "{text}");
        }
        press(&mut app, KeyCode::Char('q'));
        press(&mut app, KeyCode::Char('y'));
        assert!(app.quit, "q then y quits");
    }
}

#[test]
fn a_restore_plan_during_the_centres_copy_warns_first() {
    for lang in [Lang::Ja, Lang::En] {
        let mut app = verified(lang, (80, 24));
        let dates = app.profile.as_ref().expect("profile").dates.clone();
        let copying = (0..1500)
            .map(|d| {
                chrono::NaiveDate::from_ymd_opt(2025, 1, 1).expect("day")
                    + chrono::Duration::days(d)
            })
            .find(|day| matches!(dates.phase(*day), crate::profile::Phase::Copying { .. }))
            .expect("the fixture's profile has a copy period");
        let warning = crate::report::restore_phase_warning(dates.phase(copying), lang)
            .expect("a warning while copying");
        press(&mut app, KeyCode::Enter);
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Char('p'));
        let before = screen(&draw(&app, 80, 24));
        assert!(
            !flat(&before).contains(&flat(&warning)),
            "{lang:?}: no warning outside the copy: {before}"
        );
        app.today = copying;
        let text = screen(&draw(&app, 80, 24));
        assert!(
            flat(&text).contains(&flat(&warning)),
            "{lang:?}: the warning is on the plan:\n{text}"
        );
        assert_fits(&text, 80);
    }
}
