//! # Command-line face
//!
//! clap definitions and one small function per subcommand: resolve the profile and the
//! account, call the service, print either JSON (stdout, data only) or text for people.
//! Errors go to stderr as one line naming the cause; exit codes are in `report::exit`.

mod backup;
mod backup_text;
mod batch;
mod command;
mod common;
mod doctor;
mod error_text;
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

pub use command::{Cli, Command, LangArg, ProfileCommand, VERSION};
pub use common::{AccountArgs, Output, ProfileUnusable, ProtocolArg, ServerArg, write_stdout};
pub use error_text::{error_line, is_broken_pipe};

use std::io::IsTerminal;

use anyhow::Result;

use error_text::localized;

use crate::i18n::Lang;

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
