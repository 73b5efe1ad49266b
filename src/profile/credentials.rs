//! # Where passwords and tokens come from
//!
//! In order: the environment variable named in the profile (or `IKOU_OLD_PASSWORD` /
//! `IKOU_NEW_PASSWORD` / `IKOU_NEW_TOKEN`), a command the profile names, and, only when a
//! person is at a terminal, a hidden prompt. The value goes straight into a [`Secret`].

use std::process::Command;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::Profile;
use crate::imap::{AuthMethod, Credentials};
use crate::secret::Secret;

/// Which of the two servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

impl Side {
    pub fn env_prefix(self) -> &'static str {
        match self {
            Side::Old => "IKOU_OLD",
            Side::New => "IKOU_NEW",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Old => "old",
            Side::New => "new",
        })
    }
}

#[derive(Debug, Error)]
pub enum CredentialError {
    #[error(
        "no password for the {side} server: set {env}, add password_command to the profile, or run ikou in a terminal to be asked"
    )]
    NoPassword { side: Side, env: String },
    #[error(
        "no access token for the {side} server: add a [{side}.oauth] table (tenant, client_id) to the profile and run `ikou login`, or set {env}, or add token_command"
    )]
    NoToken { side: Side, env: String },
    #[error("the {what} command for the {side} server failed: {detail}")]
    Command {
        side: Side,
        what: &'static str,
        detail: String,
    },
    #[error("password prompt failed: {0}")]
    Prompt(String),
}

/// Finds the secret for `side` and returns complete credentials for `address`.
/// `interactive` allows a hidden prompt (never when stdin is not a terminal or with `--json`).
pub fn resolve_credentials(
    profile: &Profile,
    side: Side,
    address: &str,
    interactive: bool,
) -> Result<Credentials, CredentialError> {
    let server = profile.server(side);
    let username = server.username_for(address);
    let secret = match server.auth {
        AuthMethod::Xoauth2 => {
            let env = server
                .token_env
                .clone()
                .unwrap_or_else(|| format!("{}_TOKEN", side.env_prefix()));
            if let Some(value) = non_empty_env(&env) {
                value
            } else if let Some(command) = &server.token_command {
                run_secret_command(command, side, "token_command")?
            } else {
                return Err(CredentialError::NoToken { side, env });
            }
        }
        AuthMethod::Login | AuthMethod::Plain => {
            let env = server
                .password_env
                .clone()
                .unwrap_or_else(|| format!("{}_PASSWORD", side.env_prefix()));
            if let Some(value) = non_empty_env(&env) {
                value
            } else if let Some(command) = &server.password_command {
                run_secret_command(command, side, "password_command")?
            } else if interactive {
                let prompt = format!("Password for {username} on {} ({side} server)", server.host);
                Secret::new(
                    dialoguer::Password::new()
                        .with_prompt(prompt)
                        .interact()
                        .map_err(|e| CredentialError::Prompt(e.to_string()))?,
                )
            } else {
                return Err(CredentialError::NoPassword { side, env });
            }
        }
    };
    Ok(Credentials {
        username,
        method: server.auth,
        secret,
    })
}

/// A secret from the environment variable `env`, else from `command` (first output line);
/// `None` when neither gives one. For admin secrets (`ikou batch`), which are never prompted.
pub fn secret_from(
    env: &str,
    command: Option<&str>,
    side: Side,
    what: &'static str,
) -> Result<Option<Secret>, CredentialError> {
    if let Some(value) = non_empty_env(env) {
        return Ok(Some(value));
    }
    command
        .map(|c| run_secret_command(c, side, what))
        .transpose()
}

fn non_empty_env(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .map(Secret::new)
}

/// Runs a helper command and takes the first line of its output as the secret.
/// Its output is never logged; only the exit status is reported on failure.
fn run_secret_command(
    command: &str,
    side: Side,
    what: &'static str,
) -> Result<Secret, CredentialError> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| CredentialError::Command {
            side,
            what,
            detail: e.to_string(),
        })?;
    if !output.status.success() {
        return Err(CredentialError::Command {
            side,
            what,
            detail: format!("exited with {}", output.status),
        });
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(CredentialError::Command {
            side,
            what,
            detail: "printed nothing".into(),
        });
    }
    Ok(Secret::new(line))
}
