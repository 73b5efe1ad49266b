//! Writes an ikou organisation profile (TOML) for running test-bed servers, so that the demo
//! and the benchmark use exactly the same profile format users get from their IT centre.

use crate::ServerInfo;

/// The demo organisation's mail domain (addresses are `<user>@DEMO_DOMAIN`).
pub const DEMO_DOMAIN: &str = "example-univ.test";

/// An ikou profile for an old server and, optionally, a new one; `user` is the login name.
pub fn ikou_profile(old: &ServerInfo, new: Option<&ServerInfo>, user: &str) -> String {
    let mut text = format!(
        r#"# ikou profile for the local demo servers (written by ikou-testbed; ports change per run).

[organisation]
name = "Example University (demo)"
domain = "{DEMO_DOMAIN}"

[account]
address = "{user}@{DEMO_DOMAIN}"

{old}
[limits]
max_message_mb = 32
target_mailbox_gb = 5
junk_retention_days = 30

[dates]
copy_start = 2026-12-01
cutover = 2026-12-15
old_shutdown = 2027-03-31
"#,
        old = server_section("old", old),
    );
    if let Some(new) = new {
        text.push('\n');
        text.push_str(&server_section("new", new));
    }
    text
}

fn server_section(side: &str, server: &ServerInfo) -> String {
    format!(
        r#"[{side}]
host = "{host}"
username = "{{local}}"
auth = "login"
imap = {{ port = {imaps}, security = "tls" }}
pop3 = {{ port = {pop3s}, security = "tls" }}
ca_file = "{ca}"
pin_sha256 = "{pin}"
"#,
        host = server.host,
        imaps = server.imaps_port,
        pop3s = server.pop3s_port,
        ca = server.ca_file.display(),
        pin = server.cert_sha256,
    )
}
