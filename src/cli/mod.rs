//! # Command-line face
//!
//! clap definitions and one small function per subcommand: resolve the profile and the
//! account, call the service, print either JSON (stdout, data only) or text for people.
//! Errors go to stderr as one line naming the cause; exit codes are in `report::exit`.

mod backup;
mod backup_text;
mod batch;
mod doctor;
mod explain;
pub mod failure;
mod folders;
mod folders_text;
mod generate;
pub mod help;
mod local;
mod login;
mod profile_cmd;
mod report;
mod settings;
mod tui;
mod verify;
pub mod verify_text;

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::i18n::Lang;
use crate::profile::{Profile, Side};

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

/// An error as one line in the reader's language: the chain joined, outermost first, with
/// the errors the catalog knows put into its words.
pub fn error_line(error: &anyhow::Error, lang: Lang) -> String {
    let chain: Vec<String> = error
        .chain()
        .map(|cause| {
            if cause.downcast_ref::<ProfileUnusable>().is_some() {
                tr!(lang, "errors-profile-unusable")
            } else if let Some(profile) = cause.downcast_ref::<crate::profile::ProfileError>() {
                profile.text(lang)
            } else if let Some(local) = local_error(cause) {
                local.text(lang)
            } else if let Some(crate::service::local::LocalServiceError::UnknownFolder { name }) =
                cause.downcast_ref()
            {
                tr!(lang, "local-error-unknown-folder", name = name.as_str())
            } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                crate::i18n::io_reason(io.kind(), &io.to_string(), lang)
            } else {
                cause.to_string()
            }
        })
        .collect();
    // A cause an outer message already quotes is not repeated.
    let mut detail = String::new();
    for cause in chain {
        if detail.contains(cause.as_str()) {
            continue;
        }
        if !detail.is_empty() {
            detail.push_str(": ");
        }
        detail.push_str(&cause);
    }
    tr!(lang, "errors-line", detail = detail)
}

/// The local-folder error in an error of the chain (the local use cases wrap it
/// transparently, so the chain itself skips it).
fn local_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a crate::local::LocalError> {
    use crate::service::local::LocalServiceError;
    error
        .downcast_ref::<crate::local::LocalError>()
        .or_else(|| match error.downcast_ref::<LocalServiceError>() {
            Some(LocalServiceError::Local(e)) => Some(e),
            _ => None,
        })
}

/// Whether an error is only the reader of stdout having gone away.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs the parsed command and returns the process exit code. A sign-in error comes back
/// in the person's language.
pub async fn run(cli: Cli) -> Result<i32> {
    let lang = cli.language();
    run_in(cli, lang).await.map_err(|e| localized(e, lang))
}

/// Runs the parsed command and returns the process exit code; a failure is told on stderr
/// as one line in the person's language and, with `--json`, as a JSON object on stdout
/// (see [`failure`]).
pub async fn run_to_exit(cli: Cli) -> i32 {
    use crate::report::exit;
    let lang = cli.language();
    let json = cli.json;
    let context = failure::RunContext::of(&cli);
    let error = match run_in(cli, lang).await {
        Ok(code) => return code,
        Err(error) => error,
    };
    // The reader of stdout went away (`| head`): nothing is wrong, nothing to say.
    if is_broken_pipe(&error) {
        return exit::OK;
    }
    let kind = failure::kind_of(&error);
    // One line that names the cause: the chain joined, outermost first.
    let line = error_line(&localized(error, lang), lang);
    eprintln!("{line}");
    if json {
        let text = failure::failure_json(kind, line, &context, exit::ERROR);
        if let Err(e) = write_stdout(&text) {
            tracing::debug!("cannot write the failure object: {e}");
        }
    }
    exit::ERROR
}

/// A sign-in error (wherever a use case wrapped it) as one line in `lang`; other errors as
/// they are.
fn localized(error: anyhow::Error, lang: Lang) -> anyhow::Error {
    use crate::report::signin::oauth;
    use crate::service::{ServiceError, access, backup::BackupError, signin, verify::VerifyError};
    if lang == Lang::En {
        return error;
    }
    if let Some(e) = error.downcast_ref::<crate::oauth::OAuthError>() {
        return anyhow::anyhow!(oauth(e, lang));
    }
    let service = error
        .downcast_ref::<ServiceError>()
        .or_else(|| match error.downcast_ref::<VerifyError>() {
            Some(VerifyError::Service(s)) => Some(s),
            _ => None,
        })
        .or_else(|| match error.downcast_ref::<BackupError>() {
            Some(BackupError::Service(s)) => Some(s),
            _ => None,
        });
    match service {
        Some(s) if access::is_sign_in_error(s) => anyhow::anyhow!(signin::explain(s, lang)),
        _ => match error
            .chain()
            .find_map(net_error)
            .and_then(|e| net_reason(e, lang))
            .or_else(|| {
                error
                    .chain()
                    .find_map(archive_error)
                    .and_then(|e| archive_reason(e, lang))
            }) {
            Some(reason) => anyhow::anyhow!(reason),
            None => error,
        },
    }
}

/// The connection failure inside an error of the chain (IMAP wraps it transparently, so
/// the chain itself skips it).
fn net_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a crate::net::NetError> {
    use crate::imap::ImapError;
    use crate::service::ServiceError;
    let imap = |e: &'a ImapError| match e {
        ImapError::Net(n) => Some(n),
        _ => None,
    };
    error
        .downcast_ref::<crate::net::NetError>()
        .or_else(|| error.downcast_ref::<ImapError>().and_then(imap))
        .or_else(|| match error.downcast_ref::<ServiceError>() {
            Some(ServiceError::Imap(e)) => imap(e),
            _ => None,
        })
}

/// A backup file's error inside an error of the chain.
fn archive_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a crate::archive::ArchiveError> {
    use crate::service::backup::BackupError;
    error
        .downcast_ref::<crate::archive::ArchiveError>()
        .or_else(|| match error.downcast_ref::<BackupError>() {
            Some(BackupError::Archive(e)) => Some(e),
            _ => None,
        })
}

/// Detail text from the operating system or a library (English only): quoted as it is in
/// English; in Japanese replaced by a pointer to `-v`, which logs it, so that no English
/// sentence reaches a Japanese reader.
fn system_detail(detail: String, lang: Lang) -> String {
    match lang {
        Lang::En => detail,
        Lang::Ja => {
            tracing::info!(%detail, "detail of the error above");
            tr!(lang, "errors-detail-with-v")
        }
    }
}

/// A file that is not a (whole) ikou backup, in `lang`; `None` for the other kinds.
fn archive_reason(error: &crate::archive::ArchiveError, lang: Lang) -> Option<String> {
    use crate::archive::ArchiveError;
    Some(match error {
        ArchiveError::NotZip { path, detail } => tr!(
            lang,
            "archive-not-zip",
            path = path.display().to_string(),
            detail = system_detail(detail.clone(), lang)
        ),
        ArchiveError::NotIkouArchive { path } => {
            tr!(lang, "archive-not-ikou", path = path.display().to_string())
        }
        ArchiveError::Corrupt { path, detail } => tr!(
            lang,
            "archive-corrupt",
            path = path.display().to_string(),
            detail = system_detail(detail.clone(), lang)
        ),
        _ => return None,
    })
}

/// A connection that could not be made, in `lang` (the name, the network or the
/// certificate); `None` for the kinds still shown as they are.
fn net_reason(error: &crate::net::NetError, lang: Lang) -> Option<String> {
    use crate::net::NetError;
    Some(match error {
        NetError::Resolve { host, source } => tr!(
            lang,
            "net-resolve",
            host = host.as_str(),
            detail = system_detail(source.to_string(), lang)
        ),
        NetError::Refused { host, port } => {
            tr!(lang, "net-refused", host = host.as_str(), port = *port)
        }
        NetError::ConnectTimeout { host, port, secs } => tr!(
            lang,
            "net-connect-timeout",
            host = host.as_str(),
            port = *port,
            secs = *secs
        ),
        NetError::Connect { host, port, source } => tr!(
            lang,
            "net-connect",
            host = host.as_str(),
            port = *port,
            detail = system_detail(source.to_string(), lang)
        ),
        _ => return None,
    })
}

async fn run_in(cli: Cli, lang: Lang) -> Result<i32> {
    let output = Output {
        lang,
        json: cli.json,
        interactive: !cli.json && std::io::stdin().is_terminal(),
    };
    let Some(command) = cli.command else {
        return tui::run(tui::TuiArgs::from_env(), output).await;
    };
    match command {
        Command::Tui(args) => tui::run(args, output).await,
        Command::Quota {
            account,
            server,
            protocol: ProtocolArg::Pop3,
            largest,
        } => folders::pop3(&account, server.into(), largest, output).await,
        Command::Quota {
            account,
            server,
            protocol: ProtocolArg::Imap,
            largest,
        } => folders::quota(&account, server.into(), largest, output).await,
        Command::Folders {
            account,
            server,
            protocol: ProtocolArg::Pop3,
        } => folders::pop3(&account, server.into(), 0, output).await,
        Command::Folders {
            account,
            server,
            protocol: ProtocolArg::Imap,
        } => folders::folders(&account, server.into(), output).await,
        Command::Login(args) => login::login(&args, output).await,
        Command::Logout(args) => login::logout(&args, output),
        Command::Snapshot(args) => verify::snapshot(&args, output).await,
        Command::Verify(args) => verify::run_verify(&args, output).await,
        Command::Restore(args) => verify::run_restore(&args, output).await,
        Command::Backup(args) => backup::run(args, output).await,
        Command::Doctor(args) => doctor::run(&args, output).await,
        Command::Settings(args) => settings::run(&args, output),
        Command::Batch(args) => batch::run(args, output).await,
        Command::Local(args) => local::run(args, output).await,
        Command::Explain(args) => explain::run(&args, output),
        Command::Report(args) => report::run(&args, output).await,
        Command::Profile {
            command: ProfileCommand::Check { file },
        } => profile_cmd::check(&file, output),
        Command::Profile {
            command: ProfileCommand::Find(args),
        } => profile_cmd::find(&args, output).await,
        Command::Completions { shell } => generate::completions(shell),
        Command::Manpages { dir } => generate::manpages(&dir),
    }
}

/// A profile that cannot be used; the cause says why.
#[derive(Debug, thiserror::Error)]
#[error("the profile is not usable (run `ikou profile check FILE` for details)")]
pub struct ProfileUnusable(#[source] crate::profile::ProfileError);

pub(crate) fn load_profile(path: &std::path::Path) -> Result<Profile> {
    Ok(Profile::load(path).map_err(ProfileUnusable)?)
}
