//! The real `ikou` binary in a pseudo-terminal (util-linux `script`) against a real Dovecot:
//! it opens the full-screen view, signs in with the passwords from the environment, shows
//! both servers, switches screens, and leaves the terminal restored on `q` and on Ctrl-C.

mod common;
mod doctor_support;
mod oauth_support;

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

    /// The terminal as a person sees it now: everything written, replayed through a VT100
    /// emulator (80x24).
    fn screen(&self) -> (String, bool) {
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("non-zero");
        let mut parser = vt100::Parser::new(size(24), size(80), 0);
        parser.process(&self.output.lock().expect("lock"));
        let screen = parser.screen();
        (screen.contents(), screen.alternate_screen())
    }

    /// Waits until the visible screen satisfies `check`; returns it.
    fn wait_for_screen(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
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
    pty.wait_for("Status");
    pty.send("q");
    let output = pty.finish();
    assert_restored(&output);
    assert!(
        !output.contains(PASSWORD),
        "the password never reaches the screen"
    );
    assert_eq!(server_state(&account.server), before);
}

/// The first run of non-blank characters of a subject, at most `n` characters: the screen is
/// drawn as a diff, so only text without blanks is sure to appear in one piece.
fn word(subject: &str, n: usize) -> String {
    let mut words = subject.split_whitespace();
    let first = words.clone().next().unwrap_or("");
    words
        .find(|w| w.chars().count() >= 3 && !w.ends_with(':'))
        .unwrap_or(first)
        .chars()
        .take(n)
        .collect()
}

#[test]
fn binary_verifies_the_migration_and_shows_the_known_differences() {
    let m = common::migration(41);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), false);
    let mut pty = Pty::start(&[
        ("IKOU_PROFILE", path_str(&profile)),
        ("IKOU_OLD_PASSWORD", m.password.as_str()),
        ("IKOU_NEW_PASSWORD", m.password.as_str()),
    ]);
    pty.wait_for("address:");
    pty.send("\r");
    pty.wait_for("IKOU_OLD_PASSWORD");
    pty.send("\r");
    pty.send("\r");
    pty.wait_for_screen("the overview", |s| s.contains("messages in"));
    // Screen 4: Verify; run it.
    pty.send("4");
    pty.wait_for_screen("the Verify screen", |s| {
        s.contains("Press v or Enter to verify.")
    });
    pty.send("v");
    let text = pty.wait_for_screen("the verdict", |s| s.contains("Differences (Enter"));
    // The known differences, with the numbers the scenario injected.
    let e = &m.expected;
    let missing = e.missing_on_new.len();
    assert!(text.contains(&format!("{missing} missing from")), "{text}");
    let count = |title: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("no {title} row:\n{text}"));
        line.split(title)
            .nth(1)
            .unwrap_or("")
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    };
    // A folder missing on the new server is a difference: its messages count as missing too.
    let in_missing_folders: u64 = e.unmapped_folders.iter().map(|u| u.messages).sum();
    let all_missing = missing as u64 + in_missing_folders;
    assert_eq!(
        count("Missing on the new server"),
        all_missing.to_string(),
        "{text}"
    );
    assert!(text.contains(&format!("({missing} sent)")), "{text}");
    assert_eq!(
        count("Duplicates on the new server"),
        e.pop_duplicates.len().to_string()
    );
    assert_eq!(
        count("Garbled subjects"),
        e.garbled_subjects.len().to_string()
    );
    assert_eq!(count("Too large to migrate"), e.oversize.len().to_string());
    // Drill into the missing list: the injected messages by subject.
    pty.send("\r");
    let text = pty.wait_for_screen("the missing list", |s| {
        s.contains(&format!("Missing on the new server ({all_missing})"))
    });
    for r in &e.missing_on_new {
        let subject = r.subject.as_deref().expect("subject");
        assert!(text.contains(&word(subject, 5)), "{subject}\n{text}");
    }
    // And the oversize list, three kinds further.
    pty.send("\u{1b}[C\u{1b}[C\u{1b}[C");
    let text = pty.wait_for_screen("the oversize list", |s| {
        s.contains("Too large to migrate (")
    });
    for r in &e.oversize {
        let subject = r.subject.as_deref().expect("subject");
        assert!(text.contains(&word(subject, 5)), "{subject}\n{text}");
    }
    // Esc goes back, never out; quitting with a result on screen asks first.
    for _ in 0..3 {
        pty.send("\u{1b}");
        std::thread::sleep(Duration::from_millis(300));
    }
    pty.wait_for_screen("the overview after Esc", |s| s.contains("messages in"));
    pty.send("q");
    pty.wait_for_screen("the question before quitting", |s| {
        s.contains("Quitting loses the verification result")
    });
    pty.send("y");
    let output = pty.finish();
    assert_restored(&output);
    let (_, alternate) = pty.screen();
    assert!(!alternate, "back on the normal screen");
    assert!(
        !output.contains(&m.password),
        "the password never reaches the screen"
    );
}

/// The device code on the screen: nine cells `B C D F - G H J K` (spaced for reading).
fn device_code_on(screen: &str) -> Option<String> {
    screen.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        words.windows(9).find_map(|w| {
            let ok = w[4] == "-"
                && w.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || (c.len() == 1 && c.as_bytes()[0].is_ascii_uppercase()));
            ok.then(|| w.concat())
        })
    })
}

/// Exchange Online as the new server: XOAUTH2 only, Japanese folder names, no token in the
/// environment or the cache. The full-screen view shows the device code, the authorization
/// server approves it, and the Overview, Verify and a restore all reach the new server.
#[test]
fn binary_signs_in_to_microsoft_365_with_a_device_code_then_verifies_and_restores() {
    use ikou_testbed::Auth;
    use ikou_testbed::scenario::{FolderLanguage, Migration};
    let idp = oauth_support::Idp::start(&["--interval", "1"]);
    let m = Migration::start_with(
        43,
        FolderLanguage::Japanese,
        Auth::Xoauth2Only {
            introspection_url: format!(
                "http://dovecot:dovecot-introspection-secret@127.0.0.1:{}/introspect",
                idp.port
            ),
        },
    )
    .unwrap_or_else(|e| panic!("both Dovecot servers must start for this test: {e:#}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("token cache");
    let profile = dir.path().join("exchange.toml");
    std::fs::write(
        &profile,
        format!(
            r#"[account]
address = "{user}@example-univ.test"

[old]
host = "{oh}"
username = "{user}"
imap = {{ port = {op}, security = "tls" }}
ca_file = "{oca}"

[new]
host = "{nh}"
username = "{user}"
auth = "xoauth2"
imap = {{ port = {np}, security = "tls" }}
ca_file = "{nca}"

[new.oauth]
tenant = "example-univ.test"
client_id = "{client}"
authority = "{authority}"

[limits]
max_message_mb = 35
"#,
            user = m.user,
            oh = m.old.host(),
            op = m.old.imaps_port(),
            oca = m.old.ca_file().display(),
            nh = m.new.host(),
            np = m.new.imaps_port(),
            nca = m.new.ca_file().display(),
            client = oauth_support::CLIENT_ID,
            authority = idp.authority(),
        ),
    )
    .expect("write profile");
    let mut pty = Pty::start(&[
        ("IKOU_PROFILE", path_str(&profile)),
        ("IKOU_OLD_PASSWORD", m.password.as_str()),
        ("IKOU_CACHE_DIR", path_str(cache.path())),
        ("NO_PROXY", "127.0.0.1"),
    ]);
    pty.wait_for("address:");
    pty.send("\r");
    pty.wait_for("IKOU_OLD_PASSWORD");
    pty.send("\r");
    // No token anywhere: the sign-in dialog with the code and the page to open.
    let text = pty.wait_for_screen("the device code", |s| device_code_on(s).is_some());
    let code = device_code_on(&text).expect("code");
    assert!(text.contains("Sign in to Microsoft 365"), "{text}");
    assert!(text.contains("/test/device"), "the page to open: {text}");
    assert!(text.contains("Time left"), "a countdown: {text}");
    idp.decide(&code, "approve");
    // The Overview then shows the new server's count.
    let total: u64 = m.expected.new_counts.values().sum();
    let want = format!("{} messages in", ikou::report::grouped(total));
    pty.wait_for_screen("the new server's count", |s| {
        s.contains(&want) && device_code_on(s).is_none()
    });
    assert_eq!(
        oauth_support::token_files(cache.path()).len(),
        1,
        "the sign-in is saved where `ikou login` saves it"
    );
    // Verify: the known differences.
    pty.send("4");
    pty.wait_for_screen("the Verify screen", |s| {
        s.contains("Press v or Enter to verify.")
    });
    pty.send("v");
    let text = pty.wait_for_screen("the verdict", |s| s.contains("Differences (Enter"));
    let missing = m.expected.missing_on_new.len();
    assert!(text.contains(&format!("{missing} missing from")), "{text}");
    // Restore the missing Sent messages to 送信済みアイテム; they lead the list, before the
    // messages of the folder missing on the new server.
    let in_missing_folders: u64 = m.expected.unmapped_folders.iter().map(|u| u.messages).sum();
    let all_missing = missing as u64 + in_missing_folders;
    pty.send("\r");
    pty.wait_for_screen("the missing list", |s| {
        s.contains(&format!("Missing on the new server ({all_missing})"))
    });
    // Space marks, Down moves on.
    for _ in 0..missing {
        pty.send(" \u{1b}[B");
    }
    pty.send("p");
    pty.wait_for_screen("the plan", |s| {
        s.contains(&format!("Restore plan: {missing} messages"))
    });
    pty.send("y");
    pty.wait_for_screen("the restore result", |s| {
        s.contains(&format!("{missing} appended"))
    });
    let log = m.new.log();
    assert!(log.contains("method=XOAUTH2"), "{log}");
    assert!(!log.contains("method=OAUTHBEARER"), "{log}");
    // A verification result is on screen: quitting asks first.
    pty.send("q");
    pty.wait_for_screen("the question before quitting", |s| {
        s.contains("Quitting loses the verification result")
    });
    pty.send("y");
    let output = pty.finish();
    assert_restored(&output);
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
    // --json gets data only: the failure as one JSON error object.
    let error: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("a JSON error object on stdout");
    assert_eq!(error["error"]["exit_code"], 2, "{error}");
}

/// The first screen with only an address: the profile comes from the organisation's
/// autoconfig host (a real HTTPS server and DNS zone on loopback), its origin is shown, and
/// signing in with it reaches the real Dovecot (pinned certificate: a fetched profile may
/// not name a local CA file).
#[test]
fn first_screen_finds_the_profile_from_the_address() {
    use doctor_support::{Dnsmasq, HttpsServer, Reply, pki};
    let account = Account::start(Layout::Legacy, 21);
    let server = &account.server;
    let side = |name: &str| {
        format!(
            "[{name}]\nhost = \"{}\"\nusername = \"{{local}}\"\nimap = {{ port = {}, security = \"tls\" }}\npin_sha256 = \"{}\"\n",
            server.host(),
            server.imaps_port(),
            server.cert_sha256()
        )
    };
    let profile = format!(
        "[organisation]\nname = \"Autoconfig University\"\ndomain = \"example-univ.test\"\n{}{}",
        side("old"),
        side("new")
    );
    let web = HttpsServer::start(pki().identity("web"), move |_, path, host| {
        if host.starts_with("autoconfig.example-univ.test") && path == "/ikou/profile.toml" {
            Reply {
                status: 200,
                content_type: "application/toml",
                body: profile.clone(),
            }
        } else {
            Reply {
                status: 404,
                content_type: "text/plain",
                body: String::new(),
            }
        }
    });
    let dns = Dnsmasq::start(&[
        "host-record=autoconfig.example-univ.test,127.0.0.1".to_string(),
        "host-record=example-univ.test,127.0.0.1".to_string(),
    ]);
    let port = web.port.to_string();
    let ca = pki().ca.display().to_string();
    let no_profiles = tempfile::tempdir().expect("tmp");
    let before = server_state(server);
    let mut pty = Pty::start(&[
        ("IKOU_DNS_SERVER", &dns.addr()),
        ("IKOU_HTTPS_PORT", &port),
        ("IKOU_CA_FILE", &ca),
        ("IKOU_PROFILE_DIR", path_str(no_profiles.path())),
        ("IKOU_OLD_PASSWORD", PASSWORD),
        ("IKOU_NEW_PASSWORD", PASSWORD),
    ]);
    pty.wait_for_screen("the address line", |s| s.contains("> Mail address:"));
    pty.send(ADDRESS);
    pty.send("\r");
    let url = format!("https://autoconfig.example-univ.test:{port}/ikou/profile.toml");
    let screen = pty.wait_for_screen("the profile found", |s| {
        s.contains("Profile: Autoconfig University") && s.contains("fetched from")
    });
    assert!(
        screen.replace(char::is_whitespace, "").contains(&url),
        "the origin is named: {screen}"
    );
    // The address is already there; both passwords from the environment.
    pty.send("\r");
    pty.wait_for("IKOU_OLD_PASSWORD");
    pty.send("\r");
    pty.send("\r");
    pty.wait_for("messages");
    pty.send("q");
    let output = pty.finish();
    assert_restored(&output);
    assert_eq!(server_state(server), before);
}
