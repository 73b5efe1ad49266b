//! The PC mail screen's transitions: what each key asks for, stale reports ignored, a
//! cancel asked once, `q` during an upload stopping it before quitting, Esc never quitting.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{draw, press, screen, signed_in};
use crate::i18n::Lang;
use crate::service::local::{UploadEvent, UploadOutcome};
use crate::tui::app::App;
use crate::tui::local::{LocalEvent, LocalRequest, Scan, Upload};
use crate::tui::protocol::{Effect, Msg, TaskEvent};
use crate::tui::screen::Screen;

fn local(app: &mut App, generation: u64, event: LocalEvent) {
    app.update(Msg::Task(TaskEvent::Local { generation, event }));
}

fn requests(effects: &[Effect]) -> Vec<LocalRequest> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Local { request, .. } => Some(request.clone()),
            _ => None,
        })
        .collect()
}

/// Signed in, on the PC mail screen with the fixture's folders read.
fn listed(lang: Lang) -> App {
    let mut app = signed_in(lang, (100, 30));
    let effects = press(&mut app, KeyCode::Char('7'));
    assert_eq!(
        requests(&effects),
        [LocalRequest::Read { thunderbird: None }],
        "the first visit searches the usual places"
    );
    let (inventory, _) = crate::tui::view::fixtures::local_mail();
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::Read(Ok(Box::new(inventory))),
    );
    app
}

#[test]
fn keys_ask_for_the_comparison_the_upload_and_the_backup_of_the_profile_read() {
    let mut app = listed(Lang::En);
    // A second visit does not read again.
    press(&mut app, KeyCode::Char('1'));
    assert!(requests(&press(&mut app, KeyCode::Char('7'))).is_empty());
    let profile = match &app.local.scan {
        Scan::Read(inv) => inv.profile.clone(),
        other => panic!("{other:?}"),
    };
    // `y` without a plan does nothing; `p` compares the profile that was read.
    assert!(requests(&press(&mut app, KeyCode::Char('y'))).is_empty());
    assert_eq!(
        requests(&press(&mut app, KeyCode::Char('p'))),
        [LocalRequest::Upload {
            thunderbird: profile.clone(),
            apply: false
        }]
    );
    let (_, report) = crate::tui::view::fixtures::local_mail();
    let stale = app.local.generation - 1;
    local(
        &mut app,
        stale,
        LocalEvent::Uploaded(Err("an older report".into())),
    );
    assert!(
        matches!(app.local.upload, Upload::Planning),
        "stale ignored"
    );
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::Uploaded(Ok(Box::new(report.clone()))),
    );
    assert_eq!(
        requests(&press(&mut app, KeyCode::Char('y'))),
        [LocalRequest::Upload {
            thunderbird: profile.clone(),
            apply: true
        }]
    );
    // Esc while uploading cancels (once) and stays on the screen.
    let effects = press(&mut app, KeyCode::Esc);
    assert!(matches!(effects.as_slice(), [Effect::CancelLocal]));
    assert!(press(&mut app, KeyCode::Esc).is_empty(), "asked once");
    assert_eq!(app.screen, Screen::Local);
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("Stopping after the current message"),
        "{text}"
    );
    let mut stopped = report;
    stopped.applied = true;
    stopped.cancelled = true;
    stopped.appended = 2;
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::Uploaded(Ok(Box::new(stopped))),
    );
    let text = screen(&draw(&app, 100, 30));
    assert!(
        text.contains("Stopped: 2 messages were uploaded before the stop"),
        "{text}"
    );
    // Back to the list, then the backup of what was read into the typed file.
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.local.upload, Upload::None));
    press(&mut app, KeyCode::Char('o'));
    press(&mut app, KeyCode::End);
    for _ in 0..app.local.backup_path.value().chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    for c in "/tmp/メール.zip".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        requests(&press(&mut app, KeyCode::Char('b'))),
        [LocalRequest::Backup {
            thunderbird: profile,
            output: "/tmp/メール.zip".into()
        }]
    );
    assert!(app.busy());
    // While the backup runs, Esc stops it (as during an upload); once it has ended, Esc on
    // the list goes to the overview, never out.
    assert!(matches!(
        press(&mut app, KeyCode::Esc).as_slice(),
        [Effect::CancelLocal]
    ));
    assert_eq!(app.screen, Screen::Local);
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::BackedUp(Ok(Box::new(backup_report(true)))),
    );
    assert!(!app.local.running());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Overview);
    assert!(!app.quit);
}

#[test]
fn q_during_an_upload_stops_it_first_then_quits() {
    let mut app = listed(Lang::Ja);
    press(&mut app, KeyCode::Char('p'));
    let (_, report) = crate::tui::view::fixtures::local_mail();
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::Uploaded(Ok(Box::new(report.clone()))),
    );
    press(&mut app, KeyCode::Char('y'));
    local(
        &mut app,
        generation + 1,
        LocalEvent::Progress(UploadEvent::Item {
            new_folder: "Sent Items".into(),
            bytes: 3_000,
            outcome: UploadOutcome::Appended,
        }),
    );
    let Upload::Applying { progress, .. } = &app.local.upload else {
        panic!("{:?}", app.local.upload);
    };
    assert_eq!((progress.done_messages, progress.appended), (1, 1));
    press(&mut app, KeyCode::Char('1'));
    let effects = press(&mut app, KeyCode::Char('q'));
    assert!(matches!(effects.as_slice(), [Effect::CancelLocal]));
    assert!(!app.quit, "not before the upload has stopped");
    let mut stopped = report;
    stopped.cancelled = true;
    local(
        &mut app,
        generation + 1,
        LocalEvent::Uploaded(Ok(Box::new(stopped))),
    );
    assert!(app.quit);
    // Ctrl-C during an upload asks the same.
    let mut app = listed(Lang::En);
    press(&mut app, KeyCode::Char('p'));
    let (_, report) = crate::tui::view::fixtures::local_mail();
    let generation = app.local.generation;
    local(
        &mut app,
        generation,
        LocalEvent::Uploaded(Ok(Box::new(report))),
    );
    press(&mut app, KeyCode::Char('y'));
    let effects = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(matches!(effects.as_slice(), [Effect::CancelLocal]));
    assert!(!app.quit);
}

fn backup_report(cancelled: bool) -> crate::service::local::LocalBackupReport {
    crate::service::local::LocalBackupReport {
        profile: "/home/taro/.thunderbird/x.default".into(),
        archive: "/home/taro/local.zip".into(),
        added: 2,
        already: 0,
        messages: 2,
        rewritten: false,
        archive_bytes: 9_000,
        changed: Vec::new(),
        cancelled,
    }
}

#[test]
fn a_running_backup_shows_its_gauge_and_c_stops_it_once() {
    use crate::service::local::LocalBackupStep;
    use crate::tui::local::LocalBackup;
    let mut app = listed(Lang::Ja);
    let total = match &app.local.scan {
        Scan::Read(inv) => inv.messages,
        other => panic!("{other:?}"),
    };
    let effects = press(&mut app, KeyCode::Char('b'));
    assert!(
        matches!(requests(&effects).as_slice(), [LocalRequest::Backup { .. }]),
        "{effects:?}"
    );
    let generation = app.local.generation;
    let step =
        |app: &mut App, s: LocalBackupStep| local(app, generation, LocalEvent::BackupStep(s));
    step(
        &mut app,
        LocalBackupStep::Folder("Local Folders/研究室".into()),
    );
    for _ in 0..3 {
        step(
            &mut app,
            LocalBackupStep::Message {
                bytes: 1_000,
                added: true,
            },
        );
    }
    // The folder changed while read: its three are counted again from its start.
    step(
        &mut app,
        LocalBackupStep::Reread {
            messages: 3,
            bytes: 3_000,
        },
    );
    for _ in 0..2 {
        step(
            &mut app,
            LocalBackupStep::Message {
                bytes: 1_000,
                added: false,
            },
        );
    }
    let LocalBackup::Running(progress) = &app.local.backup else {
        panic!("{:?}", app.local.backup);
    };
    assert_eq!((progress.messages, progress.done_messages), (total, 2));
    assert_eq!((progress.done_bytes, progress.added), (2_000, 3));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&draw(&app, w, h));
        assert!(
            text.contains(&format!(
                "バックアップ中 (ファイルは読むだけです): {total} 通中 2 通"
            )),
            "{w}x{h}:\n{text}"
        );
        assert!(text.contains("[#"), "the gauge at {w}x{h}:\n{text}");
        assert!(
            text.contains("c か Esc で"),
            "how to stop at {w}x{h}:\n{text}"
        );
    }
    // Only the stop keys work while it runs; c asks once.
    assert!(requests(&press(&mut app, KeyCode::Char('p'))).is_empty());
    assert!(matches!(
        press(&mut app, KeyCode::Char('c')).as_slice(),
        [Effect::CancelLocal]
    ));
    assert!(press(&mut app, KeyCode::Esc).is_empty(), "asked once");
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("読んだ分を保存しています"), "{text}");
    local(
        &mut app,
        generation,
        LocalEvent::BackedUp(Ok(Box::new(backup_report(true)))),
    );
    let text = screen(&draw(&app, 120, 40));
    assert!(text.contains("中止しました"), "{text}");
    assert!(text.contains("b で続きから"), "{text}");
    assert!(!app.quit);
}

#[test]
fn q_during_a_backup_stops_it_first_then_quits() {
    let mut app = listed(Lang::En);
    press(&mut app, KeyCode::Char('b'));
    let generation = app.local.generation;
    press(&mut app, KeyCode::Char('1'));
    let effects = press(&mut app, KeyCode::Char('q'));
    assert!(matches!(effects.as_slice(), [Effect::CancelLocal]));
    assert!(!app.quit, "not before the backup has stopped");
    local(
        &mut app,
        generation,
        LocalEvent::BackedUp(Ok(Box::new(backup_report(true)))),
    );
    assert!(app.quit);
}
