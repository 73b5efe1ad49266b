//! Views rendered into ratatui's TestBackend, driven through the real `update`. The shared
//! helpers are here; the suites by screen are the files beside this one.

mod folders;
mod local;
mod screen;
mod snapshot;

use std::path::PathBuf;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

use crate::i18n::Lang;
use crate::model::{FolderInfo, QuotaInfo, SpecialUse};
use crate::profile::Side;
use crate::service::inventory::{Inventory, LargeMessage, QuotaReport};
use crate::tui::app::{App, AppOptions};
use crate::tui::config::Remembered;
use crate::tui::protocol::{Effect, Msg, TaskEvent};
use crate::tui::screen::Screen;
use crate::tui::setup::SetupStep;

pub(super) fn shipped_profile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/profiles/exchange-online.toml")
}

pub(super) fn options(lang: Lang, size: (u16, u16)) -> AppOptions {
    AppOptions {
        lang,
        profile: Some(shipped_profile()),
        address: Some("taro@example-univ.ac.jp".into()),
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size,
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    }
}

/// A key through `update`, with the file and environment effects performed as the runtime
/// does; the other effects are returned.
pub(super) fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    crate::tui::files::update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub(super) fn folder(
    name: &str,
    special_use: Option<SpecialUse>,
    messages: u32,
    size: u64,
) -> FolderInfo {
    FolderInfo {
        name: name.into(),
        raw_name: name.into(),
        delimiter: Some('.'),
        special_use,
        selectable: true,
        messages,
        unseen: Some(messages / 2),
        uid_next: None,
        uid_validity: None,
        size,
    }
}

/// A legacy mailbox with Japanese folder names and a quota.
pub(super) fn inventory(folder_count: usize) -> Inventory {
    let mut folders = vec![
        folder("INBOX", Some(SpecialUse::Inbox), 1200, 734_003_200),
        folder(
            "INBOX.送信済みトレイ",
            Some(SpecialUse::Sent),
            310,
            52_428_800,
        ),
        folder("INBOX.研究室.学会", None, 42, 9_437_184),
        folder("INBOX.Drafts", Some(SpecialUse::Drafts), 3, 4096),
    ];
    for i in 0..folder_count.saturating_sub(folders.len()) {
        folders.push(folder(
            &format!("INBOX.年度{i:02}"),
            None,
            i as u32,
            (i as u64 + 1) * 1000,
        ));
    }
    let total_messages = folders.iter().map(|f| u64::from(f.messages)).sum();
    let total_size = folders.iter().map(|f| f.size).sum();
    Inventory {
        server: "mail.example-univ.ac.jp:993".into(),
        delimiter: Some('.'),
        folders,
        total_messages,
        total_size,
        quota: QuotaReport {
            reported_by_server: true,
            capability: true,
            roots: vec![QuotaInfo {
                root: "User quota".into(),
                storage_used: Some(total_size),
                storage_limit: Some(2 * 1024 * 1024 * 1024),
                messages_used: Some(total_messages),
                messages_limit: Some(50_000),
            }],
            usage_from_sizes: total_size,
            messages_from_counts: total_messages,
        },
        largest: vec![LargeMessage {
            folder: "INBOX.研究室.学会".into(),
            uid: 7,
            size: 40 * 1024 * 1024,
            date: Some("2025-06-01T09:00:00+09:00".into()),
            from: Some("学会事務局 <office@example.org>".into()),
            subject: Some("発表資料 (最終版)".into()),
            over_limit: true,
        }],
        size_limit: Some(35 * 1024 * 1024),
        over_limit: 1,
    }
}

/// Profile and address are given; Enter at the address, a password for the old server,
/// and the new server signs in by OAuth2 (no field). Returns the app after sign-in.
pub(super) fn signed_in(lang: Lang, size: (u16, u16)) -> App {
    let mut app = App::new(options(lang, size));
    assert_eq!(
        app.setup.step,
        SetupStep::Address,
        "--profile skips the list"
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.setup.step, SetupStep::Password(Side::Old));
    type_text(&mut app, "secret-pass");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Overview);
    let gathers = effects
        .iter()
        .filter(|e| matches!(e, Effect::Gather(_)))
        .count();
    assert_eq!(gathers, 2, "both servers start at once");
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Remember(r) if r.address.as_deref() == Some("taro@example-univ.ac.jp"))));
    app
}

pub(super) fn report(app: &mut App, side: Side, result: Result<Inventory, String>) {
    app.update(Msg::Task(TaskEvent::Inventory {
        side,
        generation: 1,
        result: result.map(Box::new),
    }));
}

pub(super) fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| super::render(app, frame))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// One screen row as text, wide characters counted once (the cell they hide is skipped).
pub(super) fn row(buffer: &Buffer, y: u16) -> String {
    let mut out = String::new();
    let mut x = 0;
    while x < buffer.area.width {
        let symbol = buffer[(x, y)].symbol();
        out.push_str(symbol);
        x += u16::try_from(symbol.width().max(1)).unwrap_or(1);
    }
    out
}

pub(super) fn screen(buffer: &Buffer) -> String {
    (0..buffer.area.height)
        .map(|y| row(buffer, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Display column where `needle` ends on the row that contains `anchor`.
fn end_column(buffer: &Buffer, anchor: &str, needle: &str) -> usize {
    let text = screen(buffer);
    let line = text
        .lines()
        .find(|l| l.contains(anchor))
        .unwrap_or_else(|| panic!("no row with {anchor}:\n{text}"));
    let at = line[line.find(anchor).expect("anchor")..]
        .find(needle)
        .map(|i| i + line.find(anchor).expect("anchor"))
        .unwrap_or_else(|| panic!("no {needle} after {anchor} in {line}"));
    line[..at + needle.len()].width()
}

#[test]
fn japanese_folder_names_align_by_display_width() {
    for lang in [Lang::Ja, Lang::En] {
        let mut app = signed_in(lang, (80, 24));
        report(&mut app, Side::Old, Ok(inventory(4)));
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.screen, Screen::Folders);
        let buffer = draw(&app, 80, 24);
        let text = screen(&buffer);
        // Sizes and counts end in the same column whatever the width of the name.
        let sizes = [
            end_column(&buffer, "INBOX  ", "700.0 MiB"),
            end_column(&buffer, "INBOX.送信済みトレイ", "50.0 MiB"),
            end_column(&buffer, "INBOX.研究室.学会", "9.0 MiB"),
            end_column(&buffer, "INBOX.Drafts", "4.0 KiB"),
        ];
        assert!(sizes.iter().all(|c| *c == sizes[0]), "{sizes:?}\n{text}");
        let counts = [
            end_column(&buffer, "INBOX  ", "1,200"),
            end_column(&buffer, "INBOX.送信済みトレイ", "310"),
            end_column(&buffer, "INBOX.研究室.学会", "42"),
        ];
        assert!(counts.iter().all(|c| *c == counts[0]), "{counts:?}\n{text}");
        // Every row is exactly 80 columns: nothing pushed past the border.
        for line in text.lines() {
            assert_eq!(line.width(), 80, "{line}");
        }
        let role = tr!(lang, "inventory-role-sent");
        assert!(text.contains(&role), "{text}");
    }
}

#[test]
fn overview_fits_80x24_with_quota_and_failure_reason() {
    let mut app = signed_in(Lang::En, (80, 24));
    report(&mut app, Side::Old, Ok(inventory(4)));
    report(
        &mut app,
        Side::New,
        Err("127.0.0.1:993: sign-in rejected for user taro: Authentication failed. (wrong user name or password?)".into()),
    );
    let buffer = draw(&app, 80, 24);
    let text = screen(&buffer);
    assert!(
        text.contains("Old server mail.example-univ.ac.jp"),
        "{text}"
    );
    assert!(text.contains("Connected"), "{text}");
    // The quota gauge: usage against the server's limit.
    assert!(text.contains("Quota  759.0"), "{text}");
    assert!(text.contains("759.0 MiB / 2.0 GiB (37%)"), "{text}");
    // The new server's panel shows why it is not connected.
    assert!(text.contains("Cannot connect:"), "{text}");
    assert!(text.contains("sign-in rejected"), "{text}");
    // The phase from the profile's dates (today is 2026-11-25 in the test).
    assert!(
        text.contains("copying starts 2026-12-01, in 6 days"),
        "{text}"
    );
    // The largest message, marked over the 32 MB limit is not visible without colour,
    // but its size and subject are.
    assert!(text.contains("40.0 MiB"), "{text}");
    assert!(text.contains("発表資料"), "{text}");
    // The help bar comes from the keymap.
    assert!(text.contains("q quit"), "{text}");
    for line in text.lines() {
        assert_eq!(line.width(), 80, "{line}");
    }
    // A larger terminal: the same content, laid out wider.
    let text = screen(&draw(&app, 120, 40));
    assert!(text.contains("759.0 MiB / 2.0 GiB (37%)"), "{text}");
    assert!(text.contains("rejected for user taro"), "{text}");
    assert!(text.contains("a: sign in again"), "{text}");
    for line in text.lines() {
        assert_eq!(line.width(), 120, "{line}");
    }
}

#[test]
fn overview_in_japanese_without_quota_shows_usage_from_sizes() {
    let mut app = signed_in(Lang::Ja, (80, 24));
    let mut no_quota = inventory(4);
    no_quota.quota.reported_by_server = false;
    no_quota.quota.roots.clear();
    report(&mut app, Side::New, Ok(no_quota));
    let buffer = draw(&app, 80, 24);
    let text = screen(&buffer);
    assert!(text.contains("クォータ報告なし"), "{text}");
    // Usage against the profile's 5 GB target, from the sum of sizes.
    assert!(text.contains("移行目標  759.0"), "{text}");
    assert!(text.contains("759.0 MiB / 5.0 GiB (15%)"), "{text}");
    assert!(text.contains("1,555 通 / 4 フォルダ"), "{text}");
    // The old server is still working.
    assert!(text.contains("接続中"), "{text}");
}

#[test]
fn folders_scroll_and_sort_by_size() {
    let mut app = signed_in(Lang::En, (80, 24));
    report(&mut app, Side::Old, Ok(inventory(40)));
    press(&mut app, KeyCode::Char('2'));
    let page = crate::tui::layout::folder_page((80, 24), Lang::En);
    assert_eq!(
        page, 17,
        "24 rows less title, two help rows, borders, header, totals"
    );
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.folders.selected, 2 * page);
    assert_eq!(app.folders.offset, page + 1);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("19-35 of 40 folders"), "{text}");
    assert!(
        !text.contains("INBOX.送信済みトレイ"),
        "scrolled off: {text}"
    );
    press(&mut app, KeyCode::End);
    assert_eq!(app.folders.selected, 39);
    press(&mut app, KeyCode::Char('s'));
    assert_eq!((app.folders.selected, app.folders.offset), (0, 0));
    let text = screen(&draw(&app, 80, 24));
    let order: Vec<usize> = ["INBOX  ", "送信済みトレイ", "研究室.学会", "年度35"]
        .iter()
        .map(|n| {
            text.find(n)
                .unwrap_or_else(|| panic!("{n} missing:\n{text}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "largest first: {text}"
    );
    assert!(text.contains("largest first"), "{text}");
    // A smaller terminal: the selection stays visible.
    press(&mut app, KeyCode::End);
    app.update(Msg::Resize(80, 12));
    let page = crate::tui::layout::folder_page((80, 12), Lang::En);
    assert!(app.folders.offset + page > app.folders.selected);
    let text = screen(&draw(&app, 80, 12));
    assert!(text.contains("of 40 folders"), "{text}");
}

#[test]
fn setup_hides_the_password_and_lists_profiles() {
    let mut opts = options(Lang::Ja, (80, 24));
    opts.profile = None;
    opts.profile_dirs = vec![shipped_profile().parent().expect("dir").to_path_buf()];
    let mut app = App::new(opts);
    let text = screen(&draw(&app, 80, 24));
    assert!(
        text.contains("Example University (exchange-online.toml)"),
        "{text}"
    );
    assert!(text.contains("> "), "a line is selected: {text}");
    assert!(text.contains("ファイルのパス"), "{text}");
    // A typed path that does not exist: the reason, and still on the list.
    while app.setup.selected < app.setup.choices.len() {
        press(&mut app, KeyCode::Down);
    }
    type_text(&mut app, "/nonexistent/profile.toml");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.setup.step, SetupStep::Profile);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("/nonexistent/profile.toml"), "{text}");
    assert!(text.contains("No such file"), "the reason is shown: {text}");
    // Corrected path: accepted.
    for _ in 0.."/nonexistent/profile.toml".len() {
        press(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, &shipped_profile().display().to_string());
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.setup.step, SetupStep::Address);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "hunter2");
    let text = screen(&draw(&app, 80, 24));
    assert!(!text.contains("hunter2"), "{text}");
    assert!(
        !format!("{app:?}").contains("hunter2"),
        "not in Debug output"
    );
    let effects = press(&mut app, KeyCode::Enter);
    assert!(!format!("{app:?} {effects:?}").contains("hunter2"));
    assert_eq!(app.screen, Screen::Overview);
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "hunter2");
    assert!(text.contains("*******"), "{text}");
    assert!(
        text.contains("ユーザー名 taro"),
        "{{local}} user name: {text}"
    );
    assert!(text.contains("Microsoft 365"), "{text}");
    assert!(
        !text.contains("IKOU_NEW_TOKEN"),
        "no developer text: {text}"
    );
    // Esc goes back a step, Ctrl-C quits from anywhere.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.setup.step, SetupStep::Address);
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.quit);
}

#[test]
fn language_toggle_and_tiny_terminal() {
    let mut app = signed_in(Lang::En, (80, 24));
    press(&mut app, KeyCode::Char('l'));
    assert_eq!(app.lang, Lang::Ja);
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("旧サーバー"), "{text}");
    assert!(text.contains("1 概要"), "{text}");
    let text = screen(&draw(&app, 30, 8));
    assert!(text.contains("端末が小さすぎます"), "{text}");
}

#[test]
fn stale_reports_are_ignored_after_reload() {
    let mut app = signed_in(Lang::En, (80, 24));
    let effects = press(&mut app, KeyCode::Char('r'));
    assert_eq!(effects.len(), 2);
    // A report from the first sign-in (generation 1) arrives late.
    report(&mut app, Side::Old, Ok(inventory(4)));
    assert!(matches!(
        app.server(Side::Old),
        crate::tui::protocol::ServerStatus::Working(_)
    ));
}

#[test]
fn folders_show_where_old_folders_go_and_what_is_missing() {
    let mut app = signed_in(Lang::En, (80, 24));
    let mut new = inventory(0);
    new.server = "outlook.office365.com:993".into();
    new.folders = vec![
        folder("INBOX", None, 1200, 734_003_200),
        folder("Sent Items", None, 300, 50_000_000),
        folder("研究室/学会", None, 42, 9_437_184),
    ];
    for f in &mut new.folders {
        f.delimiter = Some('/');
    }
    report(&mut app, Side::Old, Ok(inventory(4)));
    assert!(app.mapping.is_none(), "needs both servers");
    report(&mut app, Side::New, Ok(new));
    let mapping = app.mapping.as_ref().expect("mapping once both are ready");
    assert_eq!(
        mapping
            .new_for("INBOX.送信済みトレイ")
            .map(|e| e.new.as_str()),
        Some("Sent Items")
    );
    press(&mut app, KeyCode::Char('2'));
    let buffer = draw(&app, 80, 24);
    let text = screen(&buffer);
    assert!(text.contains("-> Sent Items"), "{text}");
    assert!(text.contains("-> 研究室/学会"), "{text}");
    // 310 sent on the old server, 300 arrived: 10 fewer, on the sent folder's row.
    let sent_row = text
        .lines()
        .find(|l| l.contains("INBOX.送信済みトレイ"))
        .expect("sent row");
    assert!(sent_row.contains("-10"), "{sent_row}");
    let lab_row = text
        .lines()
        .find(|l| l.contains("INBOX.研究室.学会"))
        .expect("lab row");
    // Equal counts prove nothing: without a verification no row claims "=".
    assert!(lab_row.contains("+0 unverified"), "{lab_row}");
    assert!(
        !lab_row.trim_end_matches('│').trim_end().ends_with('='),
        "{lab_row}"
    );
    for line in text.lines() {
        assert_eq!(line.width(), 80, "{line}");
    }
    // The new server's own list is one key away.
    press(&mut app, KeyCode::Char('o'));
    let text = screen(&draw(&app, 80, 24));
    assert!(text.contains("New server folders"), "{text}");
    assert!(!text.contains("->"), "{text}");
}

#[test]
fn device_code_dialog_counts_down_copies_and_closes_with_the_result() {
    use crate::tui::protocol::DeviceCode;
    for lang in [Lang::Ja, Lang::En] {
        let mut app = signed_in(lang, (80, 24));
        let device = |remaining_secs| {
            Msg::Task(TaskEvent::DeviceCode(DeviceCode {
                side: Side::New,
                generation: 1,
                user_code: "BCDF-GHJK".into(),
                verification_uri: "https://microsoft.com/devicelogin".into(),
                remaining_secs,
            }))
        };
        app.update(device(900));
        app.update(device(899));
        let text = screen(&draw(&app, 80, 24));
        assert!(text.contains("B C D F - G H J K"), "{text}");
        assert!(text.contains("https://microsoft.com/devicelogin"), "{text}");
        assert!(text.contains("14:59"), "countdown: {text}");
        assert!(text.contains("Microsoft 365"), "{text}");
        let effects = press(&mut app, KeyCode::Char('y'));
        assert!(
            matches!(effects.as_slice(), [Effect::Copy(c)] if c == "BCDF-GHJK"),
            "{effects:?}"
        );
        let effects = press(&mut app, KeyCode::Char('u'));
        assert!(
            matches!(effects.as_slice(), [Effect::Copy(c)] if c.contains("devicelogin")),
            "{effects:?}"
        );
        // Other keys wait: the screen does not change under the dialog.
        press(&mut app, KeyCode::Char('2'));
        assert_eq!(app.screen, Screen::Overview);
        // The sign-in ended (here: declined): the dialog goes, the reason stays on screen.
        report(&mut app, Side::New, Err("sign-in was declined".into()));
        assert!(app.device_code.is_none());
        let text = screen(&draw(&app, 80, 24));
        assert!(!text.contains("B C D F"), "{text}");
        assert!(text.contains("declined"), "{text}");
        // r signs in again (a new device code for the new generation).
        let effects = press(&mut app, KeyCode::Char('r'));
        assert_eq!(
            effects
                .iter()
                .filter(|e| matches!(e, Effect::Gather(_)))
                .count(),
            2
        );
    }
}

#[test]
fn typed_paths_expand_the_home_directory_and_relative_names() {
    use crate::tui::input::typed_path;
    let home = std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    assert_eq!(typed_path(" ~/univ.toml "), home.join("univ.toml"));
    assert_eq!(typed_path("~"), home);
    let here = std::env::current_dir().expect("cwd");
    assert_eq!(typed_path("a/b.zip"), here.join("a/b.zip"));
    assert_eq!(
        typed_path("/etc/x.toml"),
        std::path::PathBuf::from("/etc/x.toml")
    );
}
