//! The full-screen view's "mail on this PC" screen against a generated Thunderbird profile
//! and a real Exchange-like Dovecot as the new server: driven headless key by key (the
//! folder list, a backup into a zip, scrolling, the plan, an upload stopped half-way and
//! resumed, a last comparison that finds nothing to add), and as the real binary in a pseudo-terminal in
//! Japanese (a typed `~/…` path, list, plan, upload, a second upload that adds nothing).
//! The Thunderbird files' bytes and modification times are checked after each.

mod common;
mod local_support;
mod tui_support;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::pty::{Pty, Terminal};
use ikou::i18n::Lang;
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::config::Remembered;
use ikou::tui::local::{LocalBackup, Scan, Upload};
use ikou::tui::protocol::Msg;
use ikou::tui::screen::Screen;
use ikou_testbed::bounded::wait_within;
use local_support::{
    BULK_FOLDER, POP_NAME, file_states, make_profile, make_profile_with, new_server,
};
use ratatui::crossterm::event::KeyCode;
use tui_support::{press, type_text};

const WAIT: Duration = Duration::from_secs(120);

fn driver(profile: &std::path::Path, lang: Lang) -> Driver {
    let app = App::new(AppOptions {
        lang,
        profile: Some(profile.to_path_buf()),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: (120, 40),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    });
    let mut driver = Driver::new(app, None);
    // The address from the profile, then both passwords.
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, common::PASSWORD);
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, common::PASSWORD);
    press(&mut driver, KeyCode::Enter);
    driver
}

fn screen(app: &App) -> String {
    tui_support::screen_at(app, app.size.0, app.size.1)
}

fn plan_len(app: &App) -> usize {
    match &app.local.upload {
        Upload::Plan(report) => report.plan.len(),
        other => panic!("no plan: {other:?}\n{}", screen(app)),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn local_screen_lists_plans_uploads_stops_half_way_and_resumes() {
    const BULK: usize = 150;
    let f = make_profile_with(BULK);
    let tb = f.tb_dir();
    let before = file_states(&tb);
    let (account, profile) = new_server(&f);
    let mut driver = driver(&profile, Lang::Ja);
    assert!(driver.settle(WAIT).await, "both servers report");

    // The screen's first visit searches the usual places; then the typed profile is read.
    press(&mut driver, KeyCode::Char('7'));
    assert_eq!(driver.app.screen, Screen::Local);
    assert!(driver.settle(WAIT).await, "the usual places are searched");
    // A folder without a profile: said in Japanese, and the path can be typed again.
    press(&mut driver, KeyCode::Char('e'));
    type_text(
        &mut driver,
        common::path_str(&f.root.path().join("nothing")),
    );
    press(&mut driver, KeyCode::Enter);
    assert!(driver.settle(WAIT).await, "the wrong folder is read");
    assert!(matches!(driver.app.local.scan, Scan::Failed(_)));
    let text = screen(&driver.app);
    assert!(
        text.contains("ここには Thunderbird のプロファイルがありません"),
        "{text}"
    );
    press(&mut driver, KeyCode::Char('e'));
    for _ in 0.."nothing".len() {
        press(&mut driver, KeyCode::Backspace);
    }
    type_text(&mut driver, "thunderbird");
    press(&mut driver, KeyCode::Enter);
    assert!(matches!(driver.app.local.scan, Scan::Reading));
    assert!(driver.settle(WAIT).await, "the local folders are read");
    let Scan::Read(inv) = driver.app.local.scan.clone() else {
        panic!("not read: {:?}", driver.app.local.scan);
    };
    assert_eq!(inv.profile, f.profile_dir, "the profile from profiles.ini");
    for ((store, name), messages) in &f.expected {
        let folder = inv
            .stores
            .iter()
            .find(|s| &s.name == store)
            .and_then(|s| s.folders.iter().find(|x| &x.name == name))
            .unwrap_or_else(|| panic!("{store}/{name} not listed"));
        assert_eq!(folder.messages, messages.len() as u64, "{store}/{name}");
    }
    let inbox = inv
        .stores
        .iter()
        .find(|s| s.name == POP_NAME)
        .and_then(|s| s.folders.iter().find(|x| x.name == "Inbox"))
        .expect("POP Inbox");
    assert_eq!(inbox.expunged, 1, "deleted, not compacted");
    let text = screen(&driver.app);
    for want in [
        "研究室/学会",
        BULK_FOLDER,
        POP_NAME,
        "削除済み (未圧縮)",
        "合計",
        "p でこれらのフォルダを新サーバーと比べ",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    let total: usize = f.expected.values().map(Vec::len).sum();
    assert!(text.contains(&format!("合計 {total} 通")), "{text}");

    // The backup (`ikou local backup`'s): every message, byte for byte; a second run adds
    // nothing.
    let zip = f.root.path().join("ローカル.zip");
    press(&mut driver, KeyCode::Char('o'));
    press(&mut driver, KeyCode::End);
    for _ in 0..driver.app.local.backup_path.value().chars().count() {
        press(&mut driver, KeyCode::Backspace);
    }
    type_text(&mut driver, common::path_str(&zip));
    press(&mut driver, KeyCode::Enter);
    press(&mut driver, KeyCode::Char('b'));
    assert!(driver.app.busy(), "the backup runs");
    assert!(driver.settle(WAIT).await, "the backup finishes");
    let LocalBackup::Done(report) = driver.app.local.backup.clone() else {
        panic!("no backup: {:?}", driver.app.local.backup);
    };
    assert_eq!(report.added as usize, total);
    assert_eq!(report.messages as usize, total);
    let mut reader = ikou::archive::ArchiveReader::open(&zip).expect("open the backup");
    let manifest = reader.manifest().clone();
    for ((store, name), messages) in &f.expected {
        let folder = format!("Local/{store}/{name}");
        let mut archived: Vec<Vec<u8>> = manifest
            .messages
            .iter()
            .filter(|m| m.folder == folder)
            .map(|m| reader.read_message(m).expect("read archived"))
            .collect();
        let mut want = messages.clone();
        archived.sort();
        want.sort();
        assert_eq!(archived, want, "{folder}: byte-identical");
    }
    let text = screen(&driver.app);
    assert!(
        text.contains(&format!("{total} 通を追加")),
        "the backup's line:\n{text}"
    );
    press(&mut driver, KeyCode::Char('b'));
    assert!(driver.settle(WAIT).await, "the second backup finishes");
    let LocalBackup::Done(report) = driver.app.local.backup.clone() else {
        panic!("no backup: {:?}", driver.app.local.backup);
    };
    assert_eq!(report.added, 0, "nothing twice");
    assert_eq!(report.already as usize, total);
    assert_eq!(file_states(&tb), before, "the backup changed nothing local");

    // A short terminal: the list scrolls, the hint on the border says where.
    driver.handle(Msg::Resize(80, 16));
    let text = screen(&driver.app);
    assert!(text.contains("行中 1-"), "scroll hint:\n{text}");
    let total_line = format!("合計 {total} 通、");
    assert!(
        !text.contains(&total_line),
        "the total is below the fold:\n{text}"
    );
    press(&mut driver, KeyCode::End);
    assert!(driver.app.local.scroll > 0);
    let text = screen(&driver.app);
    assert!(
        text.contains(&total_line),
        "End shows the last rows:\n{text}"
    );
    let last = driver.app.local.scroll;
    press(&mut driver, KeyCode::Down);
    assert_eq!(driver.app.local.scroll, last, "the scroll stops at the end");
    press(&mut driver, KeyCode::Up);
    assert_eq!(driver.app.local.scroll, last - 1, "Up answers at once");
    press(&mut driver, KeyCode::Home);
    driver.handle(Msg::Resize(120, 40));

    // The plan: what exists only here (the centre's copy found, Trash left out, the large
    // message listed and not sent). Nothing written yet.
    press(&mut driver, KeyCode::Char('p'));
    assert!(matches!(driver.app.local.upload, Upload::Planning));
    assert!(driver.settle(WAIT).await, "the comparison finishes");
    let planned = plan_len(&driver.app);
    assert_eq!(planned, 5 + BULK);
    let text = screen(&driver.app);
    for want in [
        "y を押すと",
        "上限",
        "  Trash -> ",
        "対象外: ごみ箱",
        "  研究室 -> 研究室 ",
        "  研究室/学会 -> 研究室/学会",
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    let counts = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(counts.get("Sent Items"), Some(&0), "the plan wrote nothing");

    // Upload, stopped after the first messages: it says how many went.
    press(&mut driver, KeyCode::Char('y'));
    let deadline = Instant::now() + WAIT;
    loop {
        if let Upload::Applying { progress, .. } = &driver.app.local.upload
            && progress.done_messages > 0
        {
            break;
        }
        assert!(Instant::now() < deadline, "no upload progress");
        driver.step(Duration::from_secs(5)).await;
    }
    assert!(screen(&driver.app).contains("アップロード中"));
    press(&mut driver, KeyCode::Char('c'));
    assert!(screen(&driver.app).contains("止めています"));
    assert!(driver.settle(WAIT).await, "the upload stops");
    let Upload::Done(report) = driver.app.local.upload.clone() else {
        panic!("not done: {:?}", driver.app.local.upload);
    };
    assert!(report.cancelled, "stopped");
    let first = report.appended as usize;
    assert!(
        first >= 1 && first < planned,
        "stopped half-way: {first} of {planned}"
    );
    assert_eq!(report.failed, 0);
    let text = screen(&driver.app);
    assert!(
        text.contains(&format!("中止までに {first} 通をアップロードしました")),
        "{text}"
    );
    let on_server = |account: &common::Account| -> u64 {
        let counts = account.server.folder_counts(common::USER).expect("counts");
        counts.values().sum()
    };
    // The centre's copy plus what went before the stop.
    assert_eq!(on_server(&account), 1 + first as u64);

    // Comparing again plans the rest; uploading it adds each message once.
    press(&mut driver, KeyCode::Char('p'));
    assert!(driver.settle(WAIT).await, "the second comparison");
    assert_eq!(plan_len(&driver.app), planned - first);
    press(&mut driver, KeyCode::Char('y'));
    assert!(driver.settle(WAIT).await, "the rest is uploaded");
    let Upload::Done(report) = driver.app.local.upload.clone() else {
        panic!("not done: {:?}", driver.app.local.upload);
    };
    assert!(!report.cancelled);
    assert_eq!(report.appended as usize, planned - first);
    assert_eq!(report.failed, 0);
    assert_eq!(on_server(&account), 1 + planned as u64);
    let counts = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(counts.get(BULK_FOLDER), Some(&(BULK as u64)));
    assert_eq!(counts.get("Sent Items"), Some(&2));

    // A last comparison finds nothing to add; `y` does nothing.
    press(&mut driver, KeyCode::Char('p'));
    assert!(driver.settle(WAIT).await, "the last comparison");
    assert_eq!(plan_len(&driver.app), 0);
    assert!(screen(&driver.app).contains("アップロードするメールはありません"));
    press(&mut driver, KeyCode::Char('y'));
    assert!(!driver.app.busy());
    assert_eq!(on_server(&account), 1 + planned as u64);

    // Esc goes back to the list, then to the overview; it never quits.
    press(&mut driver, KeyCode::Esc);
    assert!(matches!(driver.app.local.upload, Upload::None));
    assert_eq!(driver.app.screen, Screen::Local);
    press(&mut driver, KeyCode::Esc);
    assert_eq!(driver.app.screen, Screen::Overview);
    assert!(!driver.app.quit);
    assert_eq!(
        file_states(&tb),
        before,
        "the Thunderbird files are unchanged"
    );
}

#[test]
fn binary_in_japanese_lists_plans_uploads_and_a_second_upload_adds_nothing() {
    let f = make_profile();
    let tb = f.tb_dir();
    let before = file_states(&tb);
    let (account, profile) = new_server(&f);
    let total: usize = f.expected.values().map(Vec::len).sum();
    let total_line = format!("合計 {total} 通");
    let mut pty = Pty::start_at(
        Terminal {
            cols: 120,
            rows: 40,
            lang: Some(Lang::Ja),
        },
        f.root.path(),
        &[
            ("IKOU_PROFILE", common::path_str(&profile)),
            ("IKOU_OLD_PASSWORD", common::PASSWORD),
            ("IKOU_NEW_PASSWORD", common::PASSWORD),
        ],
    );
    pty.wait_text("@example-univ");
    pty.send("\r");
    pty.wait_text("IKOU_OLD_PASSWORD");
    pty.send("\r");
    pty.wait_text("IKOU_NEW_PASSWORD");
    pty.send("\r");
    pty.wait_text("7 PCのメール");
    // The usual places hold no profile here (it is in ~/thunderbird): it says so.
    pty.send("7");
    pty.wait_text("ローカルフォルダを読めませんでした");
    pty.wait_text("プロファイルが見つかりませんでした");
    pty.send("e");
    pty.send("~/thunderbird\r");
    let text = pty.wait_text("研究室/学会");
    for want in [
        POP_NAME,
        "Local Folders",
        "削除済み (未圧縮)",
        total_line.as_str(),
    ] {
        assert!(text.contains(want), "{want:?} missing:\n{text}");
    }
    assert_eq!(file_states(&tb), before, "listing changed nothing");

    pty.send("p");
    let text = pty.wait_text("y を押すと");
    assert!(text.contains("5 通"), "{text}");
    assert!(text.contains("上限"), "the oversize list:\n{text}");
    assert_eq!(
        account
            .server
            .folder_counts(common::USER)
            .expect("counts")
            .get("Sent Items"),
        Some(&0),
        "the plan wrote nothing"
    );

    pty.send("y");
    let text = pty.wait_text("5 通をアップロード");
    assert!(text.contains("0 通は失敗"), "{text}");
    let counts = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(counts.get("Sent Items"), Some(&2));
    assert_eq!(counts.get("INBOX"), Some(&2));
    assert_eq!(counts.get("研究室/学会"), Some(&1));

    // The second time: nothing to upload, nothing added.
    pty.send("p");
    pty.wait_text("アップロードするメールはありません");
    pty.send("y");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        account.server.folder_counts(common::USER).expect("counts"),
        counts,
        "the second upload added nothing"
    );
    assert_eq!(
        file_states(&tb),
        before,
        "the Thunderbird files are unchanged"
    );

    // Esc goes back twice (the list, the overview) and never quits; q does.
    pty.send("\u{1b}");
    pty.wait_text(&total_line);
    std::thread::sleep(Duration::from_millis(200));
    pty.send("\u{1b}");
    pty.wait_for_screen("the overview", |s| !s.contains(&total_line));
    assert!(
        pty.child.try_wait().expect("wait").is_none(),
        "Esc never quits"
    );
    pty.send("q");
    pty.close_input();
    let status = wait_within(&mut pty.child, Duration::from_secs(20))
        .unwrap_or_else(|after| panic!("ikou did not quit within {after:?}"));
    assert!(status.success(), "ikou exited with {status}");
}
