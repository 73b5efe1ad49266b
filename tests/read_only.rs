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
    assert_eq!(before, after, "the server state changed");
}
