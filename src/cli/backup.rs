//! # `ikou backup`, `ikou backup verify`, `ikou backup extract`
//!
//! Thin face over `service::backup` and `archive`: parses options, draws an indicatif bar
//! from the service's progress events (only on a terminal, never with `--json`), and prints
//! the typed result as JSON or as text in Japanese or English.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Result;
use clap::{Args, Subcommand};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::backup_text::{VerifyOutput, backup_text, extract_text, verify_text};
use super::common::{Output, ProtocolArg, ServerArg, load_profile};
use crate::archive;
use crate::i18n::Lang;
use crate::report::{exit, grouped};
use crate::service::backup::{self, BackupEvent, BackupOptions, Protocol, server_check};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub action: Option<BackupAction>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Organisation profile (TOML). Default: $IKOU_PROFILE.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Your mail address (default: [account] address in the profile).
    #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
    pub address: Option<String>,
    /// Which server to back up.
    #[arg(long, value_enum, default_value = "old")]
    pub server: ServerArg,
    /// Read the mailbox over IMAP (every folder) or POP3 (the inbox only).
    #[arg(long, value_enum, default_value = "imap")]
    pub protocol: ProtocolArg,
    /// Back up only this folder (repeatable; names as `ikou folders` shows them).
    #[arg(long = "folder", value_name = "NAME")]
    pub folders: Vec<String>,
    /// Archive file (default: <address>-<YYYYMMDD>.zip). An existing backup of the same
    /// mailbox is extended with what is new.
    #[arg(long, short = 'o', value_name = "FILE.zip")]
    pub output: Option<PathBuf>,
    /// Messages per pipelined fetch.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub batch: u64,
}

#[derive(Debug, Subcommand)]
pub enum BackupAction {
    /// Re-read every message of a backup and check it against the manifest (and, with
    /// -p, the per-folder counts against the server).
    Verify {
        /// The backup (.zip) to check.
        file: PathBuf,
        /// Also compare per-folder counts with the server of this profile.
        #[arg(long, short = 'p')]
        profile: Option<PathBuf>,
        /// Your mail address (default: [account] address in the profile).
        #[arg(long, short = 'a')]
        address: Option<String>,
        /// Which server to compare with.
        #[arg(long, value_enum, default_value = "old")]
        server: ServerArg,
    },
    /// Write the backup as a folder tree of .eml files (or one mbox per folder).
    Extract {
        /// The backup (.zip).
        file: PathBuf,
        /// Target directory (created if needed).
        dir: PathBuf,
        /// One mbox file per folder instead of .eml files.
        #[arg(long)]
        mbox: bool,
    },
}

pub async fn run(args: BackupArgs, output: Output) -> Result<i32> {
    match args.action {
        None => backup(args.run, output).await,
        Some(BackupAction::Verify {
            file,
            profile,
            address,
            server,
        }) => {
            verify(
                &file,
                profile.as_deref(),
                address.as_deref(),
                server,
                output,
            )
            .await
        }
        Some(BackupAction::Extract { file, dir, mbox }) => extract(&file, &dir, mbox, output),
    }
}

async fn backup(args: RunArgs, output: Output) -> Result<i32> {
    // Required here but not for `verify`/`extract`, which clap cannot express with a
    // flattened required argument next to subcommands.
    let Some(profile_path) = args.profile else {
        anyhow::bail!("{}", tr!(output.lang, "backup-no-profile-given-use-p"));
    };
    let profile = load_profile(&profile_path)?;
    let mut account = output.account(&profile, args.address.as_deref())?;
    let protocol = match args.protocol {
        ProtocolArg::Imap => Protocol::Imap,
        ProtocolArg::Pop3 => Protocol::Pop3,
    };
    let path = args
        .output
        .unwrap_or_else(|| backup::default_output(&account.address, protocol));
    let mut options = BackupOptions::new(path);
    options.side = args.server.into();
    options.protocol = protocol;
    options.folders = args.folders;
    options.batch_messages = usize::try_from(args.batch).unwrap_or(200);

    // A password prompt or a device code comes now, before any bar is drawn.
    account.sign_in_ahead(&profile, options.side).await?;
    let bars = Bars::new(!output.json && std::io::stderr().is_terminal(), output.lang);
    let sink = bars.sink();
    // Ctrl-C cancels between messages, so the archive writer saves what it has (an existing
    // backup gets it committed; a new one keeps its resumable partial file) before exiting.
    let cancel = tokio_util::sync::CancellationToken::new();
    options.cancel = Some(cancel.clone());
    let work = backup::run(&profile, &account, &options, sink);
    tokio::pin!(work);
    let result = tokio::select! {
        r = &mut work => r,
        _ = tokio::signal::ctrl_c() => {
            cancel.cancel();
            bars.clear();
            // A run stuck in a network call is not waited for long: the journal makes a hard
            // stop safe too, it only costs the next run a little more work.
            let _ = tokio::time::timeout(std::time::Duration::from_secs(15), &mut work).await;
            eprintln!("{}", tr!(output.lang, "backup-ikou-interrupted-the-previous-backup"));
            return Ok(exit::ERROR);
        }
    };
    bars.clear();
    let result = result?;
    let run = crate::report::RunInfo::now(Some(&profile), Some(&account.address));
    output.emit_run(&result, &run, || backup_text(&result, output.lang))?;
    Ok(exit::OK)
}

/// The progress bars: overall bytes, and a line for the current folder and events.
struct Bars {
    multi: Option<MultiProgress>,
    total: ProgressBar,
    folder: ProgressBar,
    lang: Lang,
}

impl Bars {
    fn new(visible: bool, lang: Lang) -> Self {
        let multi = visible.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        let (total, folder) = match &multi {
            Some(m) => (m.add(ProgressBar::new(0)), m.add(ProgressBar::new(0))),
            None => (ProgressBar::hidden(), ProgressBar::hidden()),
        };
        let total_style = ProgressStyle::with_template(
            "{prefix:>8} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        total.set_style(total_style);
        total.set_prefix(tr!(lang, "backup-total"));
        folder.set_style(
            ProgressStyle::with_template("{prefix:>8} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        folder.set_prefix(tr!(lang, "backup-folder"));
        if multi.is_some() {
            total.enable_steady_tick(Duration::from_millis(200));
        }
        Self {
            multi,
            total,
            folder,
            lang,
        }
    }

    fn sink(&self) -> backup::ProgressSink {
        let (total, folder, lang) = (self.total.clone(), self.folder.clone(), self.lang);
        let (done, planned) = (AtomicU64::new(0), AtomicU64::new(0));
        Arc::new(move |event| match event {
            BackupEvent::Preparing { path } => {
                folder.set_message(format!(
                    "{} {}",
                    tr!(lang, "backup-preparing-backup-file"),
                    path.display()
                ));
            }
            BackupEvent::Planned {
                bytes, messages, ..
            } => {
                planned.store(messages, Ordering::Relaxed);
                total.set_length(bytes);
                total.reset_eta();
            }
            BackupEvent::FolderStarted {
                folder: name,
                messages,
                ..
            } => {
                folder.set_length(messages);
                folder.set_position(0);
                folder.set_message(name);
            }
            BackupEvent::MessageWritten { bytes, .. } => {
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                total.inc(bytes);
                total.set_message(format!(
                    "{}/{} {}",
                    grouped(n),
                    grouped(planned.load(Ordering::Relaxed)),
                    tr!(lang, "backup-msgs")
                ));
                folder.inc(1);
            }
            BackupEvent::FolderDone { .. } => {}
            BackupEvent::Reconnecting {
                attempt,
                max,
                delay_ms,
                reason,
            } => folder.set_message(format!(
                "{} {attempt}/{max} ({:.1} s): {reason}",
                tr!(lang, "backup-reconnecting"),
                delay_ms as f64 / 1000.0
            )),
            BackupEvent::Throttled { delay_ms, detail } => folder.set_message(format!(
                "{} {:.1} s: {detail}",
                tr!(lang, "backup-server-asked-to-slow-down"),
                delay_ms as f64 / 1000.0
            )),
            BackupEvent::Committing => folder.set_message(tr!(lang, "backup-writing-the-manifest")),
            BackupEvent::Finished { .. } => {}
        })
    }

    fn clear(&self) {
        if let Some(m) = &self.multi {
            self.total.finish_and_clear();
            self.folder.finish_and_clear();
            let _ = m.clear();
        }
    }
}

async fn verify(
    file: &Path,
    profile: Option<&Path>,
    address: Option<&str>,
    side: ServerArg,
    output: Output,
) -> Result<i32> {
    let report = archive::verify_archive(file)?;
    let server = match profile {
        Some(p) => {
            let profile = load_profile(p)?;
            let account = output.account(&profile, address)?;
            let manifest = archive::Manifest::read_from_zip(file)?;
            Some(server_check::compare_counts(&profile, &account, side.into(), &manifest).await?)
        }
        None => None,
    };
    let ok = report.is_ok() && server.as_ref().is_none_or(|s| s.differences == 0);
    let out = VerifyOutput {
        ok,
        archive: report,
        server,
    };
    output.emit(&out, || verify_text(&out, output.lang))?;
    Ok(if ok { exit::OK } else { exit::DIFFERENCES })
}

fn extract(file: &Path, dir: &Path, mbox: bool, output: Output) -> Result<i32> {
    let report = if mbox {
        archive::extract_mbox(file, dir)?
    } else {
        archive::extract_tree(file, dir)?
    };
    output.emit(&report, || extract_text(&report, dir, mbox, output.lang))?;
    Ok(
        if report.mismatches.is_empty() && report.unreadable.is_empty() {
            exit::OK
        } else {
            exit::DIFFERENCES
        },
    )
}
