//! # What every command shares
//!
//! How a command talks to the person ([`Output`]: JSON on stdout, data only, or text in
//! their language), the profile and account arguments, and loading the profile.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::i18n::Lang;
use crate::profile::{Profile, Side};

/// Which protocol to read the mailbox with.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ProtocolArg {
    #[default]
    Imap,
    /// POP3: the server's INBOX only (STAT, LIST, UIDL).
    Pop3,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ServerArg {
    Old,
    New,
}

impl From<ServerArg> for Side {
    fn from(value: ServerArg) -> Self {
        match value {
            ServerArg::Old => Side::Old,
            ServerArg::New => Side::New,
        }
    }
}

/// Which profile and account to use; shared by every command that talks to a server.
#[derive(Debug, Args, Clone)]
pub struct AccountArgs {
    /// Organisation profile (TOML). Default: $IKOU_PROFILE.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: PathBuf,
    /// Your mail address (default: [account] address in the profile).
    #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
    pub address: Option<String>,
}

/// What every command needs to know about how to talk to the person.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub lang: Lang,
    pub json: bool,
    /// A hidden password prompt is allowed (a terminal, and not `--json`).
    pub interactive: bool,
}

impl Output {
    /// The account the command acts for, asking in this output's language.
    pub fn account(
        &self,
        profile: &Profile,
        address: Option<&str>,
    ) -> Result<crate::service::AccountRef, crate::service::ServiceError> {
        Ok(
            crate::service::AccountRef::resolve(profile, address, self.interactive)?
                .with_lang(self.lang),
        )
    }

    /// Prints a result: JSON on stdout, or the text for people.
    pub fn emit<T: serde::Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.json {
            let mut json = serde_json::to_string_pretty(value)?;
            json.push('\n');
            write_stdout(&json)
        } else {
            write_stdout(&text())
        }
    }

    /// [`Output::emit`] for a report about one account: in JSON, the run's address, profile
    /// name, time and ikou's version stand at the top level beside the report's own fields
    /// (a field the report has itself is kept), so a helpdesk can file any `--json` output.
    pub fn emit_run<T: serde::Serialize>(
        &self,
        value: &T,
        run: &crate::report::RunInfo,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if !self.json {
            return write_stdout(&text());
        }
        let mut value = serde_json::to_value(value)?;
        if let (Some(map), serde_json::Value::Object(extra)) =
            (value.as_object_mut(), serde_json::to_value(run)?)
        {
            for (key, field) in extra {
                map.entry(key).or_insert(field);
            }
        }
        let mut json = serde_json::to_string_pretty(&value)?;
        json.push('\n');
        write_stdout(&json)
    }
}

/// Writes to stdout and flushes. A reader that went away (`ikou folders | head -1`) gives an
/// `io::ErrorKind::BrokenPipe` error, which `main` ends quietly with exit code 0, as ripgrep
/// does, instead of the panic `print!` would raise.
pub fn write_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// A profile that cannot be used; the cause says why.
#[derive(Debug, thiserror::Error)]
#[error("the profile is not usable (run `ikou profile check FILE` for details)")]
pub struct ProfileUnusable(#[source] crate::profile::ProfileError);

pub(crate) fn load_profile(path: &std::path::Path) -> Result<Profile> {
    Ok(Profile::load(path).map_err(ProfileUnusable)?)
}
