//! The helpdesk's state code is the same on the full-screen view as on the command line: one
//! migration scenario, `ikou verify --json` on the command line, the Verify screen driven by
//! keys against the same servers; the Verify and Overview screens show exactly the CLI's
//! code, and `ikou explain` reads it back.

mod common;
mod tui_support;

use std::time::Duration;
use tui_support::{press, type_text};

use chrono::NaiveDate;
use common::path_str;
use ikou::i18n::Lang;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions, Screen};
use ikou::tui::config::Remembered;
use ratatui::crossterm::event::KeyCode;

const WAIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn tui_verify_and_overview_show_the_cli_state_code() {
    let m = common::migration(41);
    let dir = tempfile::tempdir().expect("temp dir");

    // The command line, with the password from the profile's command.
    let cli_profile = common::migration_profile(&m, dir.path(), true);
    let out = common::ikou(&["verify", "-p", path_str(&cli_profile), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let code = report["state_code"]
        .as_str()
        .expect("state_code")
        .to_string();
    assert!(code.starts_with('V'), "{code}");

    // The full-screen view, signed in with the passwords typed on screen.
    let tui_dir = tempfile::tempdir().expect("temp dir");
    let app = App::new(AppOptions {
        lang: Lang::En,
        profile: Some(common::migration_profile(&m, tui_dir.path(), false)),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: (120, 40),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    });
    let mut driver = Driver::new(app, None);
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, &m.password);
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, &m.password);
    press(&mut driver, KeyCode::Enter);
    assert!(driver.settle(WAIT).await, "both servers report");
    let overview = tui_support::screen_at(&driver.app, 120, 40);
    assert!(
        overview.contains("shown after a verification") && !overview.contains(&code),
        "{overview}"
    );
    press(&mut driver, KeyCode::Char('4'));
    assert_eq!(driver.app.screen, Screen::Verify);
    press(&mut driver, KeyCode::Char('v'));
    assert!(driver.settle(WAIT).await, "verification finishes");
    let verify = tui_support::screen_at(&driver.app, 120, 40);
    assert!(
        verify.contains(&format!("State code for the helpdesk: {code}")),
        "the CLI's {code} on the Verify screen:\n{verify}"
    );
    press(&mut driver, KeyCode::Char('1'));
    assert_eq!(driver.app.screen, Screen::Overview);
    let overview = tui_support::screen_at(&driver.app, 120, 40);
    assert!(
        overview.contains(&format!("State code for the helpdesk: {code}")),
        "the CLI's {code} on the Overview screen:\n{overview}"
    );

    // The helpdesk types what the user read out.
    let out = common::ikou(&["explain", &code, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&code), "{text}");
}
