//! insta snapshots of every screen, in Japanese and English, at 80x24 and 120x40, from
//! fixed model data (no network, no clock). Regenerate with `INSTA_UPDATE=always cargo test
//! --lib tui::view::snapshot_tests` and review the diff.

use ratatui::crossterm::event::KeyCode;

use super::screen::{backup_running, backup_screen, verified, verify_event};
use super::{draw, folder, inventory, options, press, report, screen, shipped_profile, signed_in};
use crate::i18n::Lang;
use crate::profile::Side;
use crate::service::local::{UploadEvent, UploadOutcome};
use crate::tui::app::App;
use crate::tui::local::LocalEvent;
use crate::tui::protocol::{Msg, TaskEvent};
use crate::tui::verify::VerifyEvent;
use crate::tui::view::fixtures::HEADERS;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];
const LANGS: [(Lang, &str); 2] = [(Lang::Ja, "ja"), (Lang::En, "en")];

/// Both servers ready: the legacy inventory and an Exchange-like one.
fn both_ready(lang: Lang, size: (u16, u16)) -> App {
    let mut app = signed_in(lang, size);
    report(&mut app, Side::Old, Ok(inventory(6)));
    let mut new = inventory(0);
    new.server = "outlook.office365.com:993".into();
    new.quota.reported_by_server = false;
    new.quota.roots.clear();
    new.folders = vec![
        folder("INBOX", None, 1200, 734_003_200),
        folder("Sent Items", None, 300, 50_000_000),
        folder("研究室/学会", None, 42, 9_437_184),
    ];
    report(&mut app, Side::New, Ok(new));
    app
}

/// Every screen, by name, built for one language and size.
fn screens(lang: Lang, size: (u16, u16)) -> Vec<(&'static str, App)> {
    let mut out = Vec::new();

    let mut opts = options(lang, size);
    opts.profile = None;
    opts.remembered.profile = Some(shipped_profile());
    out.push(("setup_profile", App::new(opts)));

    // The first run: the address typed, the organisation's profile being looked up.
    let mut opts = options(lang, size);
    opts.profile = None;
    opts.address = Some("taro@example-univ.test".into());
    let mut app = App::new(opts);
    press(&mut app, KeyCode::Enter);
    out.push(("setup_find", app));

    let mut app = App::new(options(lang, size));
    press(&mut app, KeyCode::Enter);
    out.push(("setup_password", app));

    out.push(("overview", both_ready(lang, size)));

    let mut app = both_ready(lang, size);
    press(&mut app, KeyCode::Char('2'));
    out.push(("folders", app));

    let app = backup_screen(lang, size);
    out.push(("backup_choose", app));

    let mut app = backup_screen(lang, size);
    backup_running(&mut app);
    out.push(("backup_running", app));

    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('4'));
    out.push(("verify_idle", app));
    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('v'));
    verify_event(&mut app, VerifyEvent::Connected(Side::Old));
    verify_event(
        &mut app,
        VerifyEvent::Progress {
            side: Side::Old,
            done: 1,
            total: 3,
            folder: "INBOX.送信済みトレイ".into(),
        },
    );
    out.push(("verify_running", app));

    out.push(("verify_summary", verified(lang, size)));

    let mut app = verified(lang, size);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    out.push(("verify_missing", app));

    let mut app = verified(lang, size);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Right);
    out.push(("verify_garbled", app));

    let mut app = verified(lang, size);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    verify_event(
        &mut app,
        VerifyEvent::Headers {
            uid: 2,
            result: Ok(HEADERS.into()),
        },
    );
    out.push(("verify_headers", app));

    let mut app = verified(lang, size);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('p'));
    out.push(("verify_plan", app));

    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('5'));
    out.push(("doctor_idle", app));

    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('d'));
    let generation = app.doctor.generation;
    app.update(Msg::Task(crate::tui::protocol::TaskEvent::Doctor {
        generation,
        result: Ok(Box::new(crate::tui::view::fixtures::doctor_report())),
    }));
    press(&mut app, KeyCode::Down);
    out.push(("doctor_findings", app));

    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('6'));
    out.push(("settings", app));

    // The PC mail screen: the folder list, the plan, the upload, a stopped upload.
    for (stage, name) in [
        "local_list",
        "local_plan",
        "local_uploading",
        "local_stopped",
    ]
    .into_iter()
    .enumerate()
    {
        out.push((name, local_screen(lang, size, stage)));
    }

    for (_, app) in &mut out {
        app.update(Msg::Resize(size.0, size.1));
    }
    out
}

/// The PC mail screen after `stage` steps: 0 the list, 1 the plan, 2 uploading, 3 stopped.
fn local_screen(lang: Lang, size: (u16, u16), stage: usize) -> App {
    let (inventory, report) = crate::tui::view::fixtures::local_mail();
    let local = |app: &mut App, event: LocalEvent| {
        let generation = app.local.generation;
        app.update(Msg::Task(TaskEvent::Local { generation, event }));
    };
    let mut app = signed_in(lang, size);
    press(&mut app, KeyCode::Char('7'));
    local(&mut app, LocalEvent::Read(Ok(Box::new(inventory))));
    if stage >= 1 {
        press(&mut app, KeyCode::Char('p'));
        local(&mut app, LocalEvent::Uploaded(Ok(Box::new(report.clone()))));
    }
    if stage >= 2 {
        press(&mut app, KeyCode::Char('y'));
        local(
            &mut app,
            LocalEvent::Progress(UploadEvent::Item {
                new_folder: "Sent Items".into(),
                bytes: 3_000,
                outcome: UploadOutcome::Appended,
            }),
        );
    }
    if stage >= 3 {
        let mut stopped = report;
        stopped.applied = true;
        stopped.cancelled = true;
        stopped.appended = 1;
        local(&mut app, LocalEvent::Uploaded(Ok(Box::new(stopped))));
    }
    app
}

#[test]
fn every_screen_in_both_languages_at_two_sizes() {
    for (lang, code) in LANGS {
        for size in SIZES {
            for (name, app) in screens(lang, size) {
                let text = screen(&draw(&app, size.0, size.1));
                // Nothing is pushed past the edge, whatever the width of the text.
                for line in text.lines() {
                    assert_eq!(
                        unicode_width::UnicodeWidthStr::width(line),
                        usize::from(size.0),
                        "{name} {code}: {line}"
                    );
                }
                let snapshot = format!("{name}_{code}_{}x{}", size.0, size.1);
                insta::assert_snapshot!(snapshot, text);
            }
        }
    }
}
