//! The old server is never modified: every inventory command leaves flags (\Seen
//! included), counts, UIDNEXT and UIDVALIDITY of every folder exactly as they were.

mod common;

use common::*;

#[test]
fn inventory_commands_change_nothing_on_the_server() {
    let account = Account::start(Layout::Legacy, 11);
    let before = server_state(&account.server);
    assert!(
        before.contains("\\Seen"),
        "the corpus must have seen messages: {before}"
    );
    assert!(
        before.lines().count() > 20,
        "state too small to prove anything: {before}"
    );
    let profile = account.default_profile();
    let starttls = account.profile(
        "starttls.toml",
        &format!(
            "{{ port = {}, security = \"starttls\" }}",
            account.server.imap_port()
        ),
        "",
    );
    for args in [
        vec!["--json", "folders", "-p", path_str(&profile)],
        vec!["folders", "-p", path_str(&profile)],
        vec![
            "--json",
            "quota",
            "-p",
            path_str(&profile),
            "--largest",
            "50",
        ],
        vec!["quota", "-p", path_str(&starttls)],
        vec![
            "--json",
            "folders",
            "-p",
            path_str(&profile),
            "--server",
            "new",
        ],
    ] {
        let output = ikou(&args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
    let after = server_state(&account.server);
    assert_eq!(before, after, "the server state changed (IMAP)");

    // POP3 has no read-only mode: a POP3 session on Dovecot ends the \Recent state of the
    // INBOX (a per-session flag that IMAP4rev2 removed, invisible to users). Everything
    // else must stay: TOP is used for the largest messages' headers, never RETR, which would
    // set \Seen.
    for args in [
        vec![
            "--json",
            "quota",
            "-p",
            path_str(&profile),
            "--protocol",
            "pop3",
            "--largest",
            "50",
        ],
        vec!["folders", "-p", path_str(&profile), "--protocol", "pop3"],
    ] {
        let output = ikou(&args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    }
    let after_pop3 = server_state(&account.server);
    assert_ne!(
        after_pop3.matches("\\Seen").count(),
        0,
        "state lost its flags: {after_pop3}"
    );
    assert_eq!(
        without_recent(&before),
        without_recent(&after_pop3),
        "the server state changed (POP3)"
    );
}

/// The state with the session flag \\Recent removed (and the spacing it leaves).
fn without_recent(state: &str) -> String {
    state
        .lines()
        .map(|line| {
            line.replace("\\Recent", "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
