//! Every box keeps its border at every terminal size, in Japanese and in English: the real
//! `ikou` binary in a pseudo-terminal (util-linux `script`) against the migration scenario's
//! two Dovecot servers, resized with `stty` (the kernel then sends SIGWINCH) across widths
//! 80-160 at heights 24 and 40. On each size it visits every screen, the Verify verdict
//! after a real verification, a list of findings, one message's headers, a restore plan and
//! the PC mail screen's list of a generated Thunderbird profile included, and replays the
//! bytes through a VT100 emulator: each `┌` must have its `┐`, `│` sides and `└─┘` bottom
//! where the layout puts them. A wide character one column too
//! far (ratatui's word wrapper, its issue #2679) erases a border in a real terminal and
//! fails here.

mod common;
mod local_support;

use std::num::NonZeroU16;
use std::time::{Duration, Instant};

use common::pty::{Pty, Terminal, borders, cell};
use ikou::i18n::Lang;
use ikou::tui::screen::Screen;
use ikou_testbed::bounded::wait_within;
use ikou_testbed::scenario::Migration;

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero")
}

/// The screen shows `marker`, the current tab is `tab` (drawn reversed in the title bar) and
/// every box is whole.
fn shows(
    screen: &vt100::Screen,
    lang: Lang,
    tab: Screen,
    marker: &str,
    min_boxes: usize,
) -> Result<(), String> {
    let contents = screen.contents();
    if !contents.contains(marker) {
        return Err(format!("{marker:?} is not on the screen"));
    }
    let title: String = screen
        .rows(0, screen.size().1.get())
        .next()
        .unwrap_or_default();
    let label = tab.title(lang);
    let at = title
        .find(&label)
        .ok_or(format!("the tab {label:?} is not in the title bar"))?;
    let column = u16::try_from(unicode_width::UnicodeWidthStr::width(&title[..at])).unwrap_or(0);
    if !screen.cell(0, column).is_some_and(|c| c.inverse()) {
        return Err(format!("the tab {label:?} is not the current one"));
    }
    let boxes = borders(screen)?;
    // Drawn for this size: a box reaches the last column.
    let (rows, cols) = screen.size();
    if !(0..rows.get()).any(|r| cell(screen, r, cols.get() - 1) == "┐") {
        return Err(format!("no box reaches column {}", cols.get()));
    }
    if boxes < min_boxes {
        return Err(format!("{boxes} boxes, expected at least {min_boxes}"));
    }
    Ok(())
}

fn sizes() -> Vec<(u16, u16)> {
    let mut widths: Vec<u16> = (80..=160).step_by(5).collect();
    widths.extend([115, 120]);
    widths.sort_unstable();
    widths.dedup();
    [24, 40]
        .into_iter()
        .flat_map(|rows| widths.iter().map(move |&cols| (cols, rows)))
        .collect()
}

/// One language's sweep; returns how many screens were checked.
fn sweep(m: &Migration, profile: &std::path::Path, lang: Lang) -> usize {
    let ja = lang == Lang::Ja;
    let pick = |j: &'static str, e: &'static str| if ja { j } else { e };
    let mut pty = Pty::start_in(
        Terminal {
            lang: Some(lang),
            ..Terminal::default()
        },
        &[
            ("IKOU_PROFILE", common::path_str(profile)),
            ("IKOU_OLD_PASSWORD", m.password.as_str()),
            ("IKOU_NEW_PASSWORD", m.password.as_str()),
        ],
    );
    let mut checked = 0;
    // The first screen, before signing in, at every size.
    for (cols, rows) in sizes() {
        pty.resize(cols, rows);
        pty.settle("the sign-in screen", |s| {
            shows(s, lang, Screen::Setup, "@example-univ.test", 1)
        });
        checked += 1;
    }
    pty.resize(120, 40);
    pty.send("\r");
    pty.settle("the old password", |s| {
        shows(s, lang, Screen::Setup, "IKOU_OLD_PASSWORD", 1)
    });
    pty.send("\r");
    pty.settle("the new password", |s| {
        shows(s, lang, Screen::Setup, "IKOU_NEW_PASSWORD", 1)
    });
    pty.send("\r");
    // Both servers read: each box shows the migration target's gauge.
    pty.settle("the overview with both servers", |s| {
        if s.contents().matches("/ 5.0 GiB").count() < 2 {
            return Err("the servers are not read yet".into());
        }
        shows(s, lang, Screen::Overview, "", 2)
    });
    // A real verification against both servers.
    pty.send("4");
    pty.send("v");
    let verdict_box = pick("判定", "Verdict");
    pty.settle("the verdict", |s| {
        shows(s, lang, Screen::Verify, verdict_box, 3)
    });
    // Every size, every screen; switching screens without a resize in between too, so a
    // border erased on one screen and never redrawn shows on the next.
    // The PC mail screen lists a generated Thunderbird profile (Japanese folder names) that
    // is where Thunderbird keeps profiles in this home.
    let thunderbird = local_support::make_profile();
    std::os::unix::fs::symlink(thunderbird.tb_dir(), pty.home().join(".thunderbird"))
        .expect("link ~/.thunderbird");
    let local_list = "研究室/学会";
    let steps: [(&str, Screen, &str, usize); 12] = [
        ("1", Screen::Overview, "", 2),
        ("2", Screen::Folders, "", 1),
        ("3", Screen::Backup, "", 1),
        ("5", Screen::Doctor, "", 1),
        ("6", Screen::Settings, "", 1),
        ("7", Screen::Local, local_list, 1),
        ("4", Screen::Verify, verdict_box, 3),
        ("\r", Screen::Verify, "[1/4]", 1),
        ("\r", Screen::Verify, "UID", 1),
        ("\u{7f}", Screen::Verify, "[1/4]", 1),
        (" p", Screen::Verify, "APPEND", 1),
        ("\u{7f}\u{7f}", Screen::Verify, verdict_box, 3),
    ];
    for (cols, rows) in sizes() {
        pty.resize(cols, rows);
        // Keys only once the new size is drawn: crossterm may hold a key typed at the very
        // moment of a resize until the next one arrives.
        pty.settle("the verdict after a resize", |s| {
            shows(s, lang, Screen::Verify, verdict_box, 3)
        });
        checked += 1;
        for (keys, screen, marker, min_boxes) in steps {
            // Backspace goes back like Esc, without Esc's wait for a key sequence.
            pty.send(keys);
            pty.settle(&format!("{screen:?} after {keys:?}"), |s| {
                shows(s, lang, screen, marker, min_boxes)
            });
            checked += 1;
        }
    }
    // Quitting asks (a result is on screen); `y` leaves.
    pty.send("q");
    std::thread::sleep(Duration::from_millis(200));
    pty.send("y");
    pty.close_input();
    let status = wait_within(&mut pty.child, Duration::from_secs(20))
        .unwrap_or_else(|after| panic!("ikou did not quit within {after:?}"));
    assert!(status.success(), "ikou exited with {status}");
    checked
}

#[test]
fn every_box_keeps_its_border_at_every_size_in_both_languages() {
    let m = common::migration(47);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), false);
    let started = Instant::now();
    let (ja, en) = std::thread::scope(|scope| {
        let ja = scope.spawn(|| sweep(&m, &profile, Lang::Ja));
        let en = scope.spawn(|| sweep(&m, &profile, Lang::En));
        (ja.join(), en.join())
    });
    let (ja, en) = match (ja, en) {
        (Ok(ja), Ok(en)) => (ja, en),
        (Err(e), _) | (_, Err(e)) => std::panic::resume_unwind(e),
    };
    let sizes = sizes().len();
    assert_eq!(ja, sizes * 14, "every screen at every size (ja)");
    assert_eq!(en, ja);
    eprintln!("{} screens checked in {:?}", ja + en, started.elapsed());
}

/// The check itself: a wide character written one column too far, as ratatui's word
/// wrapper does, erases the right border in the emulator and is reported.
#[test]
fn a_wide_character_over_the_right_border_is_caught() {
    let mut parser = vt100::Parser::new(size(4), size(10), 0);
    let frame = "\u{1b}[1;1H┌ 判定 ──┐\u{1b}[2;1H│        │\u{1b}[3;1H└────────┘";
    parser.process(frame.as_bytes());
    assert_eq!(borders(parser.screen()), Ok(1));
    // The wrapped line's last character lands on columns 9-10 (the border is column 10).
    parser.process("\u{1b}[2;2H1234567検".as_bytes());
    let err = borders(parser.screen()).expect_err("a broken border");
    assert!(err.contains("right border"), "{err}");
}
