//! # The command line: `ikou`'s arguments and subcommands (clap)
//!
//! The whole tree in one place, so `--help`, the completions and the man pages follow it;
//! each subcommand's own arguments live in its file.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::common::{AccountArgs, ProtocolArg, ServerArg};
use super::{
    backup, batch, doctor, explain, local, login, profile_cmd, report, settings, tui, verify,
};
use crate::i18n::Lang;

/// What `ikou --version` says: the version, the commit and the build date.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("IKOU_COMMIT"),
    ", built ",
    env!("IKOU_BUILD_DATE"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "ikou",
    version = VERSION,
    about = "移行 — carry your mail safely from a legacy IMAP/POP server to Microsoft 365"
)]
pub struct Cli {
    /// Output language (default: from LANG).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Print machine-readable JSON on stdout instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output on stderr (-v info, -vv debug). IKOU_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Without a subcommand, the full-screen view opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The language asked for with `--lang`, else the environment's.
    pub fn language(&self) -> Lang {
        match self.lang {
            Some(LangArg::Ja) => Lang::Ja,
            Some(LangArg::En) => Lang::En,
            None => Lang::from_env(),
        }
    }

    /// True when the full-screen view will own the terminal (logs must stay off it).
    pub fn is_tui(&self) -> bool {
        matches!(self.command, None | Some(Command::Tui(_)))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Ja,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Quota and usage: server quota, sum of sizes, the largest messages.
    Quota {
        #[command(flatten)]
        account: AccountArgs,
        /// Which server to look at.
        #[arg(long, value_enum, default_value = "old")]
        server: ServerArg,
        /// Read over IMAP (all folders) or POP3 (INBOX only).
        #[arg(long, value_enum, default_value = "imap")]
        protocol: ProtocolArg,
        /// How many of the largest messages to list.
        #[arg(long, default_value_t = 10)]
        largest: usize,
    },
    /// Folders with message counts, unseen counts and sizes.
    Folders {
        #[command(flatten)]
        account: AccountArgs,
        #[arg(long, value_enum, default_value = "old")]
        server: ServerArg,
        /// Read over IMAP (all folders) or POP3 (INBOX only).
        #[arg(long, value_enum, default_value = "imap")]
        protocol: ProtocolArg,
    },
    /// Sign in to Microsoft 365 (device code: open a page, type a code) and save the token.
    Login(login::LoginArgs),
    /// Forget the saved Microsoft 365 sign-in (this account, or --all).
    Logout(login::LogoutArgs),
    /// Save the old server's folders and message identities to a JSON file (no bodies).
    Snapshot(verify::SnapshotArgs),
    /// Compare old and new folder by folder: missing, duplicates, garbled subjects, oversize.
    Verify(verify::VerifyArgs),
    /// Put messages missing on the new server back there (plan only unless --apply).
    Restore(verify::RestoreArgs),
    /// The full-screen view (the same as `ikou` with no subcommand).
    Tui(tui::TuiArgs),
    /// Back up a mailbox to an eml-in-zip archive; verify or extract a backup.
    Backup(backup::BackupArgs),
    /// Diagnose autoconfiguration: DNS, autoconfig/autodiscover, TLS, login, Thunderbird.
    /// Exit code 0 all ok, 1 warnings, 2 errors.
    Doctor(doctor::DoctorArgs),
    /// What to type into a mail program for the new server (text, JSON, autoconfig, .mobileconfig).
    Settings(settings::SettingsArgs),
    /// Write a support report for the helpdesk (no passwords, no message text; subjects hidden).
    Report(report::ReportArgs),
    /// Mail kept only on this PC (Thunderbird Local Folders, POP accounts): list, back up, upload.
    Local(local::LocalArgs),
    /// Helpdesk: turn a state code read out by a user back into sentences.
    Explain(explain::ExplainArgs),
    /// Helpdesk: snapshot, verify or restore every mailbox in an accounts list with admin access.
    Batch(batch::BatchArgs),
    /// Organisation profiles.
    Profile {
        #[command(subcommand)]
        command: ProfileCommand,
    },
    /// Print the shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages into a folder (used when packaging).
    #[command(hide = true)]
    Manpages { dir: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// Check a profile and explain every problem.
    Check { file: PathBuf },
    /// Find your organisation's profile from your address alone (built in, the
    /// organisation's web server, a saved copy, files here) and save it for next time.
    Find(profile_cmd::FindArgs),
}
