//! Shared test support: real Dovecot servers from the `ikou-testbed` crate, profiles that
//! point at them, and a runner for the real `ikou` binary.
#![allow(dead_code)]

pub mod admin;
pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use ikou_testbed::{Corpus, Dovecot, Layout, ServerOptions, User};

pub const USER: &str = "taro";
pub const PASSWORD: &str = "taro-pass";
pub const ADDRESS: &str = "taro@example-univ.test";

/// A running server with the standard corpus, and a temp dir for profiles and archives.
pub struct Account {
    pub server: Dovecot,
    pub corpus: Corpus,
    pub dir: tempfile::TempDir,
}

impl Account {
    pub fn start(layout: Layout, seed: u64) -> Account {
        let corpus = Corpus::standard(seed);
        Account::start_with(layout, corpus)
    }

    pub fn start_with(layout: Layout, corpus: Corpus) -> Account {
        let quota = matches!(layout, Layout::Legacy);
        let server = Dovecot::start(ServerOptions {
            layout,
            users: vec![User {
                name: USER.into(),
                password: PASSWORD.into(),
                corpus: corpus.clone(),
            }],
            quota,
            master_user: None,
            auth: Default::default(),
        })
        .unwrap_or_else(|e| {
            panic!("Dovecot must start for this test (scripts/test installs it): {e:#}")
        });
        Account {
            server,
            corpus,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Writes a profile whose old and new servers are both this server, with `old_extra`
    /// TOML lines added to [old] (e.g. a different port or security).
    pub fn profile(&self, name: &str, old_imap: &str, old_extra: &str) -> PathBuf {
        let ca = self.server.ca_file().display().to_string();
        let host = self.server.host();
        let text = format!(
            r#"[account]
address = "{ADDRESS}"

[old]
host = "{host}"
username = "{{local}}"
imap = {old_imap}
pop3 = {{ port = {pop3s}, security = "tls" }}
ca_file = "{ca}"
{old_extra}

[new]
host = "{host}"
username = "{{local}}"
imap = {{ port = {imaps}, security = "tls" }}
ca_file = "{ca}"
"#,
            pop3s = self.server.pop3s_port(),
            imaps = self.server.imaps_port(),
        );
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write profile");
        path
    }

    /// The usual profile: IMAPS with the test CA.
    pub fn default_profile(&self) -> PathBuf {
        let imap = format!(
            "{{ port = {}, security = \"tls\" }}",
            self.server.imaps_port()
        );
        self.profile("profile.toml", &imap, "")
    }
}

/// Runs the real binary with the account's password in the environment.
pub fn ikou(args: &[&str]) -> Output {
    ikou_with_env(
        args,
        &[
            ("IKOU_OLD_PASSWORD", PASSWORD),
            ("IKOU_NEW_PASSWORD", PASSWORD),
        ],
    )
}

pub fn ikou_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ikou"));
    command
        .args(args)
        .env_remove("IKOU_OLD_PASSWORD")
        .env_remove("IKOU_NEW_PASSWORD")
        .env_remove("IKOU_PROFILE")
        .env("LANG", "C")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    ikou_testbed::bounded::output_within(&mut command, ikou_testbed::bounded::RUN_LIMIT)
}

/// Parses stdout as JSON, with the whole output in the panic message when it is not.
pub fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "ikou failed: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Everything observable about a mailbox that a read-only client must not change:
/// per-folder MESSAGES/UIDNEXT/UIDVALIDITY/UNSEEN and every message's flags.
pub fn server_state(server: &Dovecot) -> String {
    let status = server
        .doveadm(&[
            "mailbox",
            "status",
            "-u",
            USER,
            "messages uidnext uidvalidity unseen",
            "*",
        ])
        .expect("doveadm mailbox status");
    let flags = server
        .doveadm(&["fetch", "-u", USER, "mailbox uid flags", "all"])
        .expect("doveadm fetch flags");
    let mut status_lines: Vec<&str> = status.lines().collect();
    status_lines.sort_unstable();
    format!("{}\n---\n{flags}", status_lines.join("\n"))
}

/// The migration scenario's two servers (old = legacy, new = Exchange-like, with the known
/// differences in `expected`). A missing Dovecot fails the test loudly.
pub fn migration(seed: u64) -> ikou_testbed::scenario::Migration {
    ikou_testbed::scenario::Migration::start(seed).unwrap_or_else(|e| {
        panic!("both Dovecot servers must start for this test (scripts/test installs them): {e:#}")
    })
}

/// [`migration`] with extra cases (see `scenario::Variant`).
pub fn migration_with(
    seed: u64,
    variant: ikou_testbed::scenario::Variant,
) -> ikou_testbed::scenario::Migration {
    ikou_testbed::scenario::Migration::start_variant(seed, variant).unwrap_or_else(|e| {
        panic!("both Dovecot servers must start for this test (scripts/test installs them): {e:#}")
    })
}

/// A profile for the migration scenario, limit as Exchange Online (35 MB). With
/// `password_command`, both sides read the scenario's password from it; without, the
/// password comes from the environment or is typed on screen.
pub fn migration_profile(
    m: &ikou_testbed::scenario::Migration,
    dir: &Path,
    password_command: bool,
) -> PathBuf {
    let password = if password_command {
        format!("password_command = \"echo {}\"\n", m.password)
    } else {
        String::new()
    };
    let text = format!(
        r#"[account]
address = "{user}@example-univ.test"

[old]
host = "{oh}"
username = "{user}"
imap = {{ port = {op}, security = "tls" }}
ca_file = "{oca}"
{password}
[new]
host = "{nh}"
username = "{user}"
imap = {{ port = {np}, security = "tls" }}
ca_file = "{nca}"
{password}
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
    );
    let path = dir.join("migration.toml");
    std::fs::write(&path, text).expect("write profile");
    path
}

/// Every part of an error is said once: no stretch of 24 characters comes back later in
/// the same line (a wrapped error that quotes its cause, followed by the cause again).
pub fn said_once(err: &str) {
    for line in err.lines() {
        let chars: Vec<char> = line.chars().collect();
        let mut seen = std::collections::HashMap::new();
        for (i, window) in chars.windows(24).enumerate() {
            let text: String = window.iter().collect();
            // Runs like a test fingerprint of one repeated byte are not sentences, and a list
            // of paths repeats their common start.
            let distinct: std::collections::HashSet<&char> = window.iter().collect();
            if distinct.len() < 8 || window.iter().any(|c| matches!(c, '/' | '\\')) {
                continue;
            }
            if let Some(&first) = seen.get(&text) {
                assert!(
                    i < first + 24,
                    "said twice ({text:?} at {first} and {i}): {line}"
                );
            } else {
                seen.insert(text, i);
            }
        }
    }
}
