//! The real `ikou` binary in a pseudo-terminal (util-linux `script`) of a chosen size and
//! language, its output replayed through a VT100 emulator, and the check that every box on
//! the screen keeps its border. Every wait here has a deadline and fails with what was seen;
//! dropping a `Pty` closes its input and ends `script` and `ikou` within a bound.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ikou::i18n::Lang;
use ikou_testbed::bounded::{output_within, wait_within};

pub const LEAVE_ALTERNATE_SCREEN: &str = "\u{1b}[?1049l";
pub const ENTER_ALTERNATE_SCREEN: &str = "\u{1b}[?1049h";

/// How long one screen may take to appear after a key or a resize ([`Pty::settle`]).
pub const STEP: Duration = Duration::from_secs(20);

fn size(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("non-zero")
}

/// The terminal `ikou` starts in.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub cols: u16,
    pub rows: u16,
    /// `None`: `LANG=C` (English, the tool's default); else that language's locale.
    pub lang: Option<Lang>,
}

impl Default for Terminal {
    fn default() -> Terminal {
        Terminal {
            cols: 80,
            rows: 24,
            lang: None,
        }
    }
}

pub struct Pty {
    pub child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<Vec<u8>>>,
    parser: vt100::Parser,
    fed: usize,
    tty: Option<PathBuf>,
    home: PathBuf,
    _own_home: Option<tempfile::TempDir>,
}

impl Pty {
    /// `ikou` (no subcommand) in an 80x24 pseudo-terminal, `LANG=C`.
    pub fn start(env: &[(&str, &str)]) -> Pty {
        Pty::start_in(Terminal::default(), env)
    }

    /// `ikou` (no subcommand) in a pseudo-terminal of `terminal`'s size and language, with
    /// a fresh home and none of ikou's variables but `env`.
    pub fn start_in(terminal: Terminal, env: &[(&str, &str)]) -> Pty {
        let own = tempfile::tempdir().expect("temp home");
        let home = own.path().to_path_buf();
        let mut pty = Pty::start_at(terminal, &home, env);
        pty._own_home = Some(own);
        pty
    }

    /// [`Pty::start_in`] with `home` as the home directory.
    pub fn start_at(terminal: Terminal, home: &std::path::Path, env: &[(&str, &str)]) -> Pty {
        let command = format!(
            "stty cols {} rows {}; exec {}",
            terminal.cols,
            terminal.rows,
            env!("CARGO_BIN_EXE_ikou")
        );
        let mut cmd = Command::new("script");
        cmd.args(["-q", "-e", "-c", &command, "/dev/null"])
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env(
                "LANG",
                match terminal.lang {
                    None => "C",
                    Some(Lang::Ja) => "ja_JP.UTF-8",
                    Some(Lang::En) => "C.UTF-8",
                },
            )
            .env("TERM", "xterm-256color")
            .env_remove("IKOU_OLD_PASSWORD")
            .env_remove("IKOU_NEW_PASSWORD")
            .env_remove("IKOU_PROFILE")
            .env_remove("IKOU_ADDRESS")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .expect("util-linux `script` must be installed (bsdutils) for this test");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("stdout");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").extend_from_slice(&chunk[..n]);
            }
        });
        Pty {
            child,
            stdin,
            output,
            parser: vt100::Parser::new(size(terminal.rows), size(terminal.cols), 0),
            fed: 0,
            tty: None,
            home: home.to_path_buf(),
            _own_home: None,
        }
    }

    /// The home directory `ikou` runs with.
    pub fn home(&self) -> &std::path::Path {
        &self.home
    }

    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("lock")).into_owned()
    }

    /// How many bytes have arrived so far.
    pub fn written(&self) -> usize {
        self.output.lock().expect("lock").len()
    }

    /// Waits (at most 60 s) until the raw output contains `needle`.
    pub fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{needle:?} never appeared; output:\n{}", self.text());
    }

    /// Replays what arrived since the last call; the terminal as a person sees it now.
    pub fn feed(&mut self) -> &vt100::Screen {
        let bytes = self.output.lock().expect("lock")[self.fed..].to_vec();
        self.fed += bytes.len();
        self.parser.process(&bytes);
        self.parser.screen()
    }

    /// The visible text and whether the alternate screen is on.
    pub fn screen(&mut self) -> (String, bool) {
        let screen = self.feed();
        (screen.contents(), screen.alternate_screen())
    }

    /// Waits (at most 120 s) until the visible text satisfies `check`; returns it.
    pub fn wait_for_screen(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(120);
        while Instant::now() < deadline {
            let (text, _) = self.screen();
            if check(&text) {
                return text;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("{what} never appeared; screen:\n{}", self.screen().0);
    }

    /// Waits (at most 120 s) until the visible text contains `needle`; returns it.
    pub fn wait_text(&mut self, needle: &str) -> String {
        self.wait_for_screen(needle, |s| s.contains(needle))
    }

    /// Waits (at most [`STEP`]) until the screen satisfies `check` and has stopped
    /// changing; else fails with the last reason and the screen.
    pub fn settle(&mut self, what: &str, check: impl Fn(&vt100::Screen) -> Result<(), String>) {
        self.settle_within(STEP, what, check)
    }

    /// [`Pty::settle`] with its own deadline (a step that waits for a server).
    pub fn settle_within(
        &mut self,
        limit: Duration,
        what: &str,
        check: impl Fn(&vt100::Screen) -> Result<(), String>,
    ) {
        let deadline = Instant::now() + limit;
        let mut last = usize::MAX;
        loop {
            let before = self.written();
            let screen = self.feed();
            let verdict = check(screen);
            if verdict.is_ok() && before == last {
                return;
            }
            if Instant::now() >= deadline {
                let (rows, cols) = screen.size();
                panic!(
                    "{what} at {cols}x{rows}: {}\n{}",
                    verdict.err().unwrap_or_else(|| "never settled".into()),
                    screen.contents()
                );
            }
            last = before;
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    pub fn send(&mut self, bytes: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes.as_bytes()).expect("write to pty");
        stdin.flush().expect("flush");
    }

    /// Closes the input (`script` then hangs up on `ikou`).
    pub fn close_input(&mut self) {
        drop(self.stdin.take());
    }

    /// The pseudo-terminal `ikou` runs in (the child of `script`, once it has exec'd).
    pub fn tty(&mut self) -> PathBuf {
        if let Some(tty) = &self.tty {
            return tty.clone();
        }
        let script = self.child.id();
        let deadline = Instant::now() + STEP;
        loop {
            let children =
                std::fs::read_to_string(format!("/proc/{script}/task/{script}/children"))
                    .unwrap_or_default();
            for pid in children.split_whitespace() {
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
                if exe.file_name().is_some_and(|n| n == "ikou")
                    && let Ok(tty) = std::fs::read_link(format!("/proc/{pid}/fd/0"))
                {
                    self.tty = Some(tty.clone());
                    return tty;
                }
            }
            assert!(Instant::now() < deadline, "ikou never started under script");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Resizes the terminal: `stty` sets the size and the kernel signals `ikou`; the
    /// emulator takes the new size at the same point of the byte stream.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        let tty = self.tty();
        self.feed();
        let out = output_within(
            Command::new("stty")
                .arg("-F")
                .arg(&tty)
                .args(["cols", &cols.to_string(), "rows", &rows.to_string()])
                .stdin(Stdio::null()),
            Duration::from_secs(10),
        );
        assert!(out.status.success(), "stty: {out:?}");
        self.parser.screen_mut().set_size(size(rows), size(cols));
    }

    /// Waits (at most 20 s) for `ikou` to quit by itself, requires success, and returns
    /// everything it wrote.
    pub fn finish(&mut self) -> String {
        let status = wait_within(&mut self.child, Duration::from_secs(20))
            .unwrap_or_else(|after| panic!("ikou did not quit within {after:?}:\n{}", self.text()));
        assert!(
            status.success(),
            "ikou exited with {status}:\n{}",
            self.text()
        );
        std::thread::sleep(Duration::from_millis(100));
        self.text()
    }
}

/// A failed test must not leave `script` and `ikou` behind.
impl Drop for Pty {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = wait_within(&mut self.child, Duration::from_millis(10));
    }
}

/// The terminal was put back: the alternate screen was left after it was entered.
pub fn assert_restored(output: &str) {
    let entered = output
        .find(ENTER_ALTERNATE_SCREEN)
        .expect("alternate screen entered");
    let left = output.rfind(LEAVE_ALTERNATE_SCREEN).unwrap_or_else(|| {
        panic!("the terminal was not restored (no leave-alternate-screen):\n{output}")
    });
    assert!(left > entered);
}

pub fn cell(screen: &vt100::Screen, row: u16, col: u16) -> &str {
    screen.cell(row, col).map_or("", |c| c.contents())
}

/// The box whose top-left corner is at `top`, `left`: its right column and bottom row, or
/// what is broken (a lost corner, a side cut, a wide character over the border).
pub fn whole_box(screen: &vt100::Screen, top: u16, left: u16) -> Result<(u16, u16), String> {
    whole_box_beside(screen, top, left, |_, _| false)
}

/// [`whole_box`] for a box partly covered: cells where `hidden(row, column)` may hold
/// anything. `Ok((right, bottom))`; `right` is the last column when its corner is covered.
fn whole_box_beside(
    screen: &vt100::Screen,
    top: u16,
    left: u16,
    hidden: impl Fn(u16, u16) -> bool,
) -> Result<(u16, u16), String> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let is = |r: u16, c: u16, symbol: &str| hidden(r, c) || cell(screen, r, c) == symbol;
    if cell(screen, top, left) != "┌" {
        return Err(format!("no box at row {top}, column {left}"));
    }
    let right = (left + 1..cols)
        .take_while(|&c| hidden(top, c) || cell(screen, top, c) != "┌")
        .find(|&c| !hidden(top, c) && cell(screen, top, c) == "┐")
        .or_else(|| (left + 1..cols).rev().find(|&c| hidden(top, c)))
        .ok_or(format!(
            "the box at row {top}, column {left} has lost its top-right corner"
        ))?;
    // The bottom row: the `└` under the left side, or the last covered row when the side
    // runs under the cover and does not come out again.
    let broken_side = || format!("the left side of the box at row {top}, column {left} is broken");
    let mut bottom = None;
    for r in top + 1..rows {
        // Under the cover the left side cannot tell; the right side's corner can.
        if hidden(r, left) && !hidden(r, right) && cell(screen, r, right) == "┘" {
            bottom = Some(r);
            break;
        }
        if hidden(r, left) || cell(screen, r, left) == "│" {
            continue;
        }
        bottom = if cell(screen, r, left) == "└" {
            Some(r)
        } else if hidden(r - 1, left) {
            Some(r - 1)
        } else {
            return Err(broken_side());
        };
        break;
    }
    let bottom = match bottom {
        Some(bottom) => bottom,
        None if hidden(rows - 1, left) => rows - 1,
        None => return Err(broken_side()),
    };
    for r in top + 1..bottom {
        if !is(r, right, "│") {
            return Err(format!(
                "the right border of the box at row {top}, column {left} is broken at row {r}, column {right} ({:?})",
                cell(screen, r, right)
            ));
        }
    }
    if !is(bottom, right, "┘") {
        return Err(format!(
            "the box at row {top}, column {left} has lost its bottom-right corner"
        ));
    }
    if let Some(c) = (left + 1..right).find(|&c| !is(bottom, c, "─")) {
        return Err(format!(
            "the bottom of the box at row {top}, column {left} is broken at column {c}"
        ));
    }
    Ok((right, bottom))
}

/// The top-left corner of the box titled `title` (`┌ title ─...`), if one is on the screen.
pub fn find_box(screen: &vt100::Screen, title: &str) -> Option<(u16, u16)> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let want = format!(" {title} ");
    (0..rows)
        .flat_map(|r| (0..cols).map(move |c| (r, c)))
        .find(|&(r, c)| {
            cell(screen, r, c) == "┌"
                && (c + 1..cols)
                    .filter_map(|c| screen.cell(r, c))
                    .filter(|cell| !cell.is_wide_continuation())
                    .map(|cell| match cell.contents() {
                        "" => " ",
                        text => text,
                    })
                    .collect::<String>()
                    .starts_with(&want)
        })
}

/// A dialog drawn over the screen: the box titled `title` is whole, and every box beneath
/// it is whole wherever the dialog does not cover it. Returns how many boxes there are.
pub fn dialog_borders(screen: &vt100::Screen, title: &str) -> Result<usize, String> {
    let (top, left) = find_box(screen, title).ok_or(format!("no box titled {title:?}"))?;
    let (right, bottom) = whole_box(screen, top, left)?;
    let under = |r: u16, c: u16| (top..=bottom).contains(&r) && (left..=right).contains(&c);
    let (rows, cols) = screen.size();
    let mut boxes = 1;
    for r in 0..rows.get() {
        for c in 0..cols.get() {
            if (r, c) != (top, left) && !under(r, c) && cell(screen, r, c) == "┌" {
                whole_box_beside(screen, r, c, under)?;
                boxes += 1;
            }
        }
    }
    Ok(boxes)
}

/// Checks every box on the screen (each `┌` has its `┐`, `│` sides and `└─┘` bottom);
/// returns how many there are.
pub fn borders(screen: &vt100::Screen) -> Result<usize, String> {
    let (rows, cols) = screen.size();
    let (rows, cols) = (rows.get(), cols.get());
    let mut boxes = 0;
    let count = |symbol: &str| {
        (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .filter(|&(r, c)| cell(screen, r, c) == symbol)
            .count()
    };
    for top in 0..rows {
        for left in 0..cols {
            if cell(screen, top, left) == "┌" {
                whole_box(screen, top, left)?;
                boxes += 1;
            }
        }
    }
    for corner in ["┐", "└", "┘"] {
        if count(corner) != boxes {
            return Err(format!("a stray or lost {corner}: {boxes} whole boxes"));
        }
    }
    Ok(boxes)
}
