//! # Where passwords and tokens come from
//!
//! The profile's own sources: the environment variable it names (or `IKOU_OLD_PASSWORD` /
//! `IKOU_NEW_PASSWORD` / `IKOU_NEW_TOKEN`), a command it names, and a hidden prompt. The
//! value goes straight into a [`Secret`]. The one order in which these, a password typed on
//! screen and ikou's own token cache are tried is `service::access`'s.

use std::process::Command;

use thiserror::Error;

use super::Profile;
use crate::model::Side;
use crate::secret::Secret;

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

/// The token the profile gives for `side` (its `token_env`, default `IKOU_OLD_TOKEN` /
/// `IKOU_NEW_TOKEN`, else its `token_command`); `None` when neither gives one. The order in
/// which this and the other sources are tried lives in `service::access`.
pub fn given_token(profile: &Profile, side: Side) -> Result<Option<Secret>, CredentialError> {
    let server = profile.server(side);
    secret_from(
        &token_env(profile, side),
        server.token_command.as_deref(),
        side,
        "token_command",
    )
}

/// The password the profile gives for `side` (its `password_env`, default
/// `IKOU_OLD_PASSWORD` / `IKOU_NEW_PASSWORD`, else its `password_command`).
pub fn given_password(profile: &Profile, side: Side) -> Result<Option<Secret>, CredentialError> {
    let server = profile.server(side);
    secret_from(
        &password_env(profile, side),
        server.password_command.as_deref(),
        side,
        "password_command",
    )
}

/// The variable that holds `side`'s token.
pub fn token_env(profile: &Profile, side: Side) -> String {
    profile
        .server(side)
        .token_env
        .clone()
        .unwrap_or_else(|| format!("{}_TOKEN", side.env_prefix()))
}

/// The variable that holds `side`'s password.
pub fn password_env(profile: &Profile, side: Side) -> String {
    profile
        .server(side)
        .password_env
        .clone()
        .unwrap_or_else(|| format!("{}_PASSWORD", side.env_prefix()))
}

/// Asks for a password on the terminal, hidden, with `prompt` as the question.
pub fn prompt_password(prompt: &str) -> Result<Secret, CredentialError> {
    dialoguer::Password::new()
        .with_prompt(prompt)
        .interact()
        .map(Secret::new)
        .map_err(|e| CredentialError::Prompt(e.to_string()))
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
