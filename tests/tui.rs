//! The TUI's state machine driven by key events against a real Dovecot: sign-in, the
//! overview with the server's real quota numbers, a refused login, and nothing changed
//! on the old server.

mod common;
mod tui_support;

use std::path::{Path, PathBuf};
use std::time::Duration;
use tui_support::{press, type_text};

use chrono::NaiveDate;
use common::*;
use ikou::i18n::Lang;
use ikou::profile::Side;
use ikou::report::human_size;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::config::Remembered;
use ikou::tui::protocol::ServerStatus;
use ikou::tui::screen::Screen;
use ratatui::crossterm::event::KeyCode;

fn driver(profile: &Path, remember: PathBuf) -> Driver {
    let app = App::new(AppOptions {
        lang: Lang::En,
        profile: Some(profile.to_path_buf()),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: (80, 24),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    });
    Driver::new(app, Some(remember))
}

fn screen(app: &App) -> String {
    tui_support::screen_at(app, 80, 24)
}

/// Address from the profile (Enter), then the two passwords.
async fn sign_in(driver: &mut Driver, old: &str, new: &str) {
    assert_eq!(driver.app.screen, Screen::Setup);
    press(driver, KeyCode::Enter);
    type_text(driver, old);
    press(driver, KeyCode::Enter);
    type_text(driver, new);
    press(driver, KeyCode::Enter);
    assert_eq!(driver.app.screen, Screen::Overview);
    assert!(driver.app.busy(), "work runs in the background");
    assert!(
        driver.settle(Duration::from_secs(60)).await,
        "both servers report within a minute"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn overview_shows_the_real_quota_and_changes_nothing() {
    let account = Account::start(Layout::Legacy, 11);
    let profile = account.default_profile();
    let before = server_state(&account.server);
    let remember = account.dir.path().join("config/tui.toml");
    let mut driver = driver(&profile, remember.clone());
    sign_in(&mut driver, PASSWORD, PASSWORD).await;

    let ServerStatus::Ready(inventory) = driver.app.server(Side::Old) else {
        panic!("old server not ready: {:?}", driver.app.server(Side::Old));
    };
    let root = inventory
        .quota
        .roots
        .first()
        .expect("legacy layout reports a quota");
    let limit_mib = account.server.quota_limit_mib().expect("quota on");
    assert_eq!(root.storage_limit, Some(limit_mib * 1024 * 1024));
    let used = root.storage_used.expect("usage");
    let corpus_bytes: u64 = account
        .corpus
        .folders
        .iter()
        .flat_map(|f| &f.messages)
        .map(|m| m.raw.len() as u64)
        .sum();
    assert_eq!(inventory.total_size, corpus_bytes);
    // The quota plugin counts in KiB: within one KiB per message of the exact sum.
    let messages = inventory.total_messages;
    assert!(
        used.abs_diff(corpus_bytes) <= 1024 * messages,
        "{used} vs {corpus_bytes}"
    );
    assert!(!inventory.largest.is_empty(), "largest messages are listed");

    let text = screen(&driver.app);
    let quota_label = format!(
        "{} / {}",
        human_size(used),
        human_size(limit_mib * 1024 * 1024)
    );
    assert!(
        text.contains(&quota_label),
        "{quota_label} not on screen:\n{text}"
    );
    assert!(text.contains("Connected"), "{text}");
    assert!(
        text.contains(&format!("{} messages in", ikou::report::grouped(messages))),
        "{text}"
    );
    // The new (Exchange-like here: same server) side is ready too.
    assert!(matches!(
        driver.app.server(Side::New),
        ServerStatus::Ready(_)
    ));

    // Folders screen lists the corpus's Japanese folders.
    press(&mut driver, KeyCode::Char('2'));
    let text = screen(&driver.app);
    assert!(
        text.contains("INBOX.送信済みトレイ") || text.contains("INBOX.Sent"),
        "{text}"
    );

    // Remembered: profile and address, never the password.
    let saved = std::fs::read_to_string(&remember).expect("remembered file");
    assert!(saved.contains(ADDRESS), "{saved}");
    assert!(!saved.contains(PASSWORD), "{saved}");

    // Reload works over the same in-memory password.
    press(&mut driver, KeyCode::Char('r'));
    assert!(driver.settle(Duration::from_secs(60)).await);
    assert!(matches!(
        driver.app.server(Side::Old),
        ServerStatus::Ready(_)
    ));

    assert_eq!(
        server_state(&account.server),
        before,
        "the old server must not change"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_login_shows_the_reason_on_screen() {
    let account = Account::start(Layout::Legacy, 12);
    let profile = account.default_profile();
    let mut driver = driver(&profile, account.dir.path().join("tui.toml"));
    sign_in(&mut driver, PASSWORD, "wrong-password").await;
    assert!(matches!(
        driver.app.server(Side::Old),
        ServerStatus::Ready(_)
    ));
    let ServerStatus::Failed(reason) = driver.app.server(Side::New) else {
        panic!("new server should fail: {:?}", driver.app.server(Side::New));
    };
    assert!(reason.contains("sign-in rejected"), "{reason}");
    assert!(
        !reason.contains("wrong-password"),
        "no secret in errors: {reason}"
    );
    let text = screen(&driver.app);
    assert!(text.contains("Cannot connect:"), "{text}");
    assert!(text.contains("rejected for user taro"), "{text}");
    // Sign in again from the overview: `a`, through the form, right password this time.
    press(&mut driver, KeyCode::Char('a'));
    assert_eq!(driver.app.screen, Screen::Setup);
    press(&mut driver, KeyCode::Enter);
    sign_in(&mut driver, PASSWORD, PASSWORD).await;
    assert!(matches!(
        driver.app.server(Side::New),
        ServerStatus::Ready(_)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_password_falls_back_to_the_profile_command() {
    let account = Account::start(Layout::Legacy, 13);
    let imap = format!(
        "{{ port = {}, security = \"tls\" }}",
        account.server.imaps_port()
    );
    let profile = account.profile(
        "command.toml",
        &imap,
        &format!("password_command = \"echo {PASSWORD}\""),
    );
    let mut driver = driver(&profile, account.dir.path().join("tui.toml"));
    // Nothing typed for either server: old uses its command, new has no password at all.
    sign_in(&mut driver, "", "").await;
    assert!(
        matches!(driver.app.server(Side::Old), ServerStatus::Ready(_)),
        "{:?}",
        driver.app.server(Side::Old)
    );
    let ServerStatus::Failed(reason) = driver.app.server(Side::New) else {
        panic!(
            "new server has no password: {:?}",
            driver.app.server(Side::New)
        );
    };
    assert!(
        reason.contains("no password for the new server"),
        "{reason}"
    );
}
