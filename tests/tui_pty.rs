//! The real `ikou` binary in a pseudo-terminal (util-linux `script`) against a real Dovecot:
//! it opens the full-screen view, signs in with the passwords from the environment, shows
//! both servers, switches screens, and leaves the terminal restored on `q` and on Ctrl-C.

mod common;
mod doctor_support;
mod oauth_support;

use std::time::Duration;

use common::pty::{Pty, Terminal, assert_restored, borders, cell, dialog_borders};
use common::*;

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

/// The authorization server and an old/new migration (corpus `seed`, Japanese folder names)
/// whose new server signs in with XOAUTH2 only, its tokens checked by that server.
fn exchange_migration(seed: u64) -> (oauth_support::Idp, ikou_testbed::scenario::Migration) {
    use ikou_testbed::Auth;
    use ikou_testbed::scenario::{FolderLanguage, Migration};
    let idp = oauth_support::Idp::start(&["--interval", "1"]);
    let m = Migration::start_with(
        seed,
        FolderLanguage::Japanese,
        Auth::Xoauth2Only {
            introspection_url: format!(
                "http://dovecot:dovecot-introspection-secret@127.0.0.1:{}/introspect",
                idp.port
            ),
        },
    )
    .unwrap_or_else(|e| panic!("both Dovecot servers must start for this test: {e:#}"));
    (idp, m)
}

/// The profile for the Exchange-like new server: XOAUTH2 with the test authority.
fn exchange_profile(
    m: &ikou_testbed::scenario::Migration,
    idp: &oauth_support::Idp,
    dir: &std::path::Path,
) -> std::path::PathBuf {
    let profile = dir.join("exchange.toml");
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
    profile
}

/// Exchange Online as the new server: XOAUTH2 only, Japanese folder names, no token in the
/// environment or the cache. The full-screen view shows the device code, the authorization
/// server approves it, and the Overview, Verify and a restore all reach the new server.
#[test]
fn binary_signs_in_to_microsoft_365_with_a_device_code_then_verifies_and_restores() {
    let (idp, m) = exchange_migration(43);
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("token cache");
    let profile = exchange_profile(&m, &idp, dir.path());
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

/// The Microsoft 365 path in Japanese, at one terminal size: the first screen, the device
/// code dialog (Japanese words, the page and the code whole, every border intact), the
/// authorization server's approval, the new server's folders, and a verification.
fn microsoft_365_in_japanese_at(
    cols: u16,
    rows: u16,
    m: &ikou_testbed::scenario::Migration,
    idp: &oauth_support::Idp,
    profile: &std::path::Path,
) {
    use ikou::i18n::Lang::Ja;
    let at = format!("{cols}x{rows}");
    let cache = tempfile::tempdir().expect("token cache");
    let mut pty = Pty::start_in(
        Terminal {
            cols,
            rows,
            lang: Some(Ja),
        },
        &[
            ("IKOU_PROFILE", path_str(profile)),
            ("IKOU_OLD_PASSWORD", m.password.as_str()),
            ("IKOU_CACHE_DIR", path_str(cache.path())),
            ("NO_PROXY", "127.0.0.1"),
        ],
    );
    let title = ikou::tr!(Ja, "signin-dialog-title");
    let whole = |what: &str, s: &vt100::Screen, want: usize| -> Result<(), String> {
        let boxes = if what == "the sign-in dialog" {
            dialog_borders(s, &title)
        } else {
            borders(s)
        }
        .map_err(|e| format!("{what}: {e}"))?;
        let (r, c) = s.size();
        if (r.get(), c.get()) != (rows, cols) {
            return Err(format!("{what}: drawn at {}x{}", c.get(), r.get()));
        }
        if boxes < want {
            return Err(format!("{what}: {boxes} boxes, expected at least {want}"));
        }
        if !(0..rows).any(|row| cell(s, row, cols - 1) == "┐") {
            return Err(format!("{what}: no box reaches column {cols}"));
        }
        Ok(())
    };
    // The first screen, in Japanese, with the profile's address.
    let address_label = ikou::tr!(Ja, "setup-mail-address");
    pty.settle("the first screen", |s| {
        let text = s.contents();
        if !text.contains("@example-univ.test") || !text.contains(&address_label) {
            return Err("the address line is not there yet".into());
        }
        whole("the first screen", s, 1)
    });
    pty.send("\r");
    pty.wait_for("IKOU_OLD_PASSWORD");
    pty.send("\r");
    // No token anywhere: the sign-in dialog, in Japanese, with the page and the code whole.
    let page = format!("{}/test/device", idp.authority());
    let words = [
        title.clone(),
        ikou::tr!(Ja, "signin-dialog-open"),
        ikou::tr!(Ja, "signin-dialog-code"),
    ];
    let left = ikou::tr!(Ja, "signin-dialog-waiting", time = "");
    pty.settle_within(Duration::from_secs(60), "the device code", |s| {
        let text = s.contents();
        if device_code_on(&text).is_none() {
            return Err("no device code on the screen".into());
        }
        for w in &words {
            if !text.contains(w.as_str()) {
                return Err(format!("{w:?} is not on the screen"));
            }
        }
        if !text.contains(left.trim_end()) {
            return Err(format!("no countdown {left:?}"));
        }
        // The page to open on one line, not cut or wrapped.
        if !text
            .lines()
            .any(|l| l.split_whitespace().any(|w| w == page))
        {
            return Err(format!("the page {page} is not whole on one line"));
        }
        whole("the sign-in dialog", s, 2)
    });
    let (text, _) = pty.screen();
    let code = device_code_on(&text).expect("code");
    assert_eq!(code.len(), 9, "{at}: {code}");
    idp.decide(&code, "approve");
    // Signed in: the Overview shows the new server's count, in Japanese.
    let total: u64 = m.expected.new_counts.values().sum();
    let count = format!("{} 通 /", ikou::report::grouped(total));
    pty.settle_within(Duration::from_secs(90), "the new server's count", |s| {
        let text = s.contents();
        if device_code_on(&text).is_some() || !text.contains(&count) {
            return Err(format!("{count:?} is not on the screen"));
        }
        whole("the overview", s, 2)
    });
    assert_eq!(
        oauth_support::token_files(cache.path()).len(),
        1,
        "{at}: the sign-in is saved where `ikou login` saves it"
    );
    // The folders: the old server's Sent goes to the new server's 送信済みアイテム; `o`
    // shows the new server's own list, where the name is whole at every size.
    pty.send("2");
    pty.settle("the folders", |s| {
        if !s.contents().contains("INBOX.送信済みトレイ") {
            return Err("the old server's folders are not listed".into());
        }
        whole("the folders", s, 1)
    });
    pty.send("o");
    pty.settle("the new server's folders", |s| {
        let text = s.contents();
        if !text.contains("送信済みアイテム") || text.contains("INBOX.送信済みトレイ")
        {
            return Err("the new server's folders are not listed".into());
        }
        whole("the new server's folders", s, 1)
    });
    // A verification: the verdict names the messages missing on the new server.
    pty.send("4");
    let press = ikou::tr!(Ja, "tui-verify-press-v-or-enter-to-verify");
    pty.settle("the Verify screen", |s| {
        if !s.contents().contains(&press) {
            return Err(format!("{press:?} is not on the screen"));
        }
        whole("the Verify screen", s, 1)
    });
    pty.send("v");
    let missing = m.expected.missing_on_new.len();
    let verdict_box = ikou::tr!(Ja, "tui-verify-verdict");
    let differences = ikou::tr!(Ja, "tui-verify-differences-enter-lists-them");
    let verdict = format!("{missing} 通が新サーバにありません");
    pty.settle_within(Duration::from_secs(120), "the verdict", |s| {
        let text = s.contents();
        for w in [&verdict_box, &differences, &verdict] {
            if !text.contains(w.as_str()) {
                return Err(format!("{w:?} is not on the screen"));
            }
        }
        whole("the verdict", s, 3)
    });
    let log = m.new.log();
    assert!(log.contains("method=XOAUTH2"), "{at}: {log}");
    // A verification result is on screen: quitting asks first, in Japanese.
    pty.send("q");
    let question = ikou::tr!(Ja, "tui-quit-confirm");
    let start: String = question.chars().take(12).collect();
    pty.wait_for_screen("the question before quitting", |s| s.contains(&start));
    pty.send("y");
    let output = pty.finish();
    assert_restored(&output);
    assert!(
        !output.contains(&m.password),
        "{at}: the password never reaches the screen"
    );
}

/// The Microsoft 365 path in Japanese at 120x40 and at 80x24 (see
/// [`microsoft_365_in_japanese_at`]), against the same Exchange-like server.
#[test]
fn binary_signs_in_to_microsoft_365_in_japanese_at_two_sizes() {
    let (idp, m) = exchange_migration(45);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = exchange_profile(&m, &idp, dir.path());
    for (cols, rows) in [(120, 40), (80, 24)] {
        microsoft_365_in_japanese_at(cols, rows, &m, &idp, &profile);
    }
}

/// The dialog check itself: a dialog over two boxes is fine; a border broken away from the
/// dialog, or the dialog's own, is reported.
#[test]
fn a_dialog_check_allows_the_cover_and_catches_broken_borders() {
    let frame = |over_right: &str, dialog_side: &str| {
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(8).expect("rows"),
            std::num::NonZeroU16::new(20).expect("cols"),
            0,
        );
        let rows = [
            "┌ A ─────┐┌ B ─────┐",
            "│        ││        │",
            "│  ┌ D ──────┐     │",
            &format!("│  │ x       {dialog_side}     │"),
            "└──└─────────┘─────┘",
            "┌ C ──────────────┐ ",
            &format!("│                 {over_right} "),
            "└─────────────────┘ ",
        ];
        let mut bytes = String::new();
        for (i, row) in rows.iter().enumerate() {
            bytes.push_str(&format!("\u{1b}[{};1H{row}", i + 1));
        }
        parser.process(bytes.as_bytes());
        parser
    };
    let good = frame("│", "│");
    assert_eq!(dialog_borders(good.screen(), "D"), Ok(4));
    let beside = frame("検", "│");
    let err = dialog_borders(beside.screen(), "D").expect_err("C is broken");
    assert!(err.contains("row 5"), "{err}");
    let cut = frame("│", "検");
    let err = dialog_borders(cut.screen(), "D").expect_err("the dialog is broken");
    assert!(err.contains("row 2"), "{err}");
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
