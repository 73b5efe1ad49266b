//! The real `ikou` binary in a pseudo-terminal (util-linux `script`) against a real Dovecot:
//! it opens the full-screen view, signs in with the passwords from the environment, shows
//! both servers, switches screens, and leaves the terminal restored on `q` and on Ctrl-C.

mod common;

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const LEAVE_ALTERNATE_SCREEN: &str = "\u{1b}[?1049l";
const ENTER_ALTERNATE_SCREEN: &str = "\u{1b}[?1049h";

struct Pty {
    child: Child,
    stdin: ChildStdin,
    output: Arc<Mutex<Vec<u8>>>,
    _home: tempfile::TempDir,
}

impl Pty {
    /// `ikou` (no subcommand) in an 80x24 pseudo-terminal.
    fn start(env: &[(&str, &str)]) -> Pty {
        let home = tempfile::tempdir().expect("temp home");
        let command = format!("stty cols 80 rows 24; exec {}", env!("CARGO_BIN_EXE_ikou"));
        let mut cmd = Command::new("script");
        cmd.args(["-q", "-e", "-c", &command, "/dev/null"])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("LANG", "C")
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
        let stdin = child.stdin.take().expect("stdin");
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
            _home: home,
        }
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("lock")).into_owned()
    }

    fn wait_for(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.text().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{needle:?} never appeared; output:\n{}", self.text());
    }

    fn send(&mut self, bytes: &str) {
        self.stdin
            .write_all(bytes.as_bytes())
            .expect("write to pty");
        self.stdin.flush().expect("flush");
    }

    /// Waits for `ikou` to quit by itself and returns everything it wrote.
    fn finish(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(
                    status.success(),
                    "ikou exited with {status}:\n{}",
                    self.text()
                );
                break;
            }
            assert!(
                Instant::now() < deadline,
                "ikou did not quit:\n{}",
                self.text()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.text()
    }
}

/// A failed test must not leave `script` and `ikou` behind.
impl Drop for Pty {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn assert_restored(output: &str) {
    let entered = output
        .find(ENTER_ALTERNATE_SCREEN)
        .expect("alternate screen entered");
    let left = output.rfind(LEAVE_ALTERNATE_SCREEN).unwrap_or_else(|| {
        panic!("the terminal was not restored (no leave-alternate-screen):\n{output}")
    });
    assert!(left > entered);
}

#[test]
fn binary_signs_in_shows_both_servers_and_quits_cleanly() {
    let account = Account::start(Layout::Legacy, 21);
    let profile = account.default_profile();
    let before = server_state(&account.server);
    let mut pty = Pty::start(&[
        ("IKOU_PROFILE", path_str(&profile)),
        ("IKOU_OLD_PASSWORD", PASSWORD),
        ("IKOU_NEW_PASSWORD", PASSWORD),
    ]);
    // The screen is drawn as a diff: blank cells are skipped, so match single words.
    pty.wait_for("address:");
    // Address from the profile, then both password fields left empty: the environment's.
    pty.send("\r");
    pty.wait_for("IKOU_OLD_PASSWORD");
    pty.send("\r");
    pty.send("\r");
    pty.wait_for("messages");
    pty.wait_for("200.0");
    pty.send("2");
    pty.wait_for("Diff");
    pty.send("q");
    let output = pty.finish();
    assert_restored(&output);
    assert!(
        !output.contains(PASSWORD),
        "the password never reaches the screen"
    );
    assert_eq!(server_state(&account.server), before);
}

#[test]
fn ctrl_c_on_the_first_screen_restores_the_terminal() {
    let mut pty = Pty::start(&[]);
    pty.wait_for("file:");
    pty.send("\u{3}");
    let output = pty.finish();
    assert_restored(&output);
}

#[test]
fn without_a_terminal_it_says_what_to_run_instead() {
    let output = ikou(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("needs a terminal"),
        "{}",
        stderr(&output)
    );
    let output = ikou(&["--json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no JSON output"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty(), "--json prints data only");
}
