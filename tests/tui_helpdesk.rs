//! The full-screen view gives the helpdesk what the command line gives: one migration
//! scenario, `ikou verify --json` and `ikou report -o` on the command line, the screens
//! driven by keys against the same servers. The Verify and Overview screens show exactly the
//! CLI's state code (and `ikou explain` reads it back); the Doctor screen's support report
//! is shown as text first and then saved as the same file `ikou report` writes.

mod common;
mod tui_support;

use std::time::Duration;
use tui_support::{press, type_text};

use chrono::NaiveDate;
use common::path_str;
use ikou::i18n::Lang;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::config::Remembered;
use ikou::tui::screen::Screen;
use ratatui::crossterm::event::KeyCode;

const WAIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread")]
async fn tui_shows_the_cli_state_code_and_saves_the_cli_support_report() {
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
    // Nothing answers DNS there: the doctor part of the report fails fast, as a result.
    driver.doctor_dns = Some("127.0.0.1:9".parse().expect("address"));
    let saved = tempfile::tempdir().expect("temp dir");
    driver.report_dir = Some(saved.path().to_path_buf());
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

    // The support report: read on screen first, then saved as `ikou report` saves it.
    press(&mut driver, KeyCode::Char('5'));
    assert_eq!(driver.app.screen, Screen::Doctor);
    press(&mut driver, KeyCode::Char('h'));
    assert!(driver.app.busy(), "the report is made in the background");
    assert!(driver.settle(WAIT).await, "the report is made");
    let preview = tui_support::screen_at(&driver.app, 120, 40);
    assert!(
        preview.contains("Report for the helpdesk") && preview.contains(&code),
        "{preview}"
    );
    assert!(preview.contains("s saves it to"), "{preview}");
    assert!(
        std::fs::read_dir(saved.path())
            .expect("dir")
            .next()
            .is_none(),
        "nothing is written before s"
    );
    press(&mut driver, KeyCode::Char('s'));
    let files: Vec<_> = std::fs::read_dir(saved.path())
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let shown = tui_support::screen_at(&driver.app, 120, 40);
    assert!(shown.contains("Saved to"), "{shown}");
    let tui_text = std::fs::read_to_string(&files[0]).expect("saved report");
    assert!(!tui_text.contains(&m.password), "no password in the report");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&files[0])
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cli_file = dir.path().join("cli-report.json");
    let out = common::ikou(&[
        "report",
        "-p",
        path_str(&cli_profile),
        "-o",
        path_str(&cli_file),
        "--dns-server",
        "127.0.0.1:9",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let cli: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&cli_file).expect("cli report")).expect("json");
    let tui: serde_json::Value = serde_json::from_str(&tui_text).expect("json");
    let keys = |v: &serde_json::Value| -> Vec<String> {
        v.as_object().expect("object").keys().cloned().collect()
    };
    assert_eq!(keys(&tui), keys(&cli), "the same file");
    for field in ["format", "profile", "domain", "phase", "with_subjects"] {
        assert_eq!(tui[field], cli[field], "{field}");
    }
    assert_eq!(tui["verify"]["state_code"], code.as_str());
    assert_eq!(tui["verify"]["state_code"], cli["verify"]["state_code"]);
    assert_eq!(tui["verify"]["verdict_text"], cli["verify"]["verdict_text"]);
    assert_eq!(tui["quota"]["verdict_text"], cli["quota"]["verdict_text"]);

    // The helpdesk types what the user read out.
    let out = common::ikou(&["explain", &code, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&code), "{text}");
}
