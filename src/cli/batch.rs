//! # `ikou batch snapshot|verify|restore ACCOUNTS.csv`: the helpdesk's whole-organisation check
//!
//! Thin face over `service::batch`: a progress bar on stderr (accounts done / failed / ETA),
//! Ctrl-C stops starting accounts and prints the partial report (the journal keeps what
//! was finished; the same command continues), then one verdict line per account and a
//! summary, or JSON; `--csv` and `--details` write files for the helpdesk.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::common::{Output, load_profile};
use crate::i18n::Lang;
use crate::report::{Align, Table};
use crate::service::batch::{
    self, BatchEvent, BatchKind, BatchOptions, BatchReport, DEFAULT_CONCURRENCY, Outcome,
    RestoreKind, report::file_stem,
};

#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(subcommand)]
    pub command: BatchCommand,
}

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// Before the migration: save a snapshot of every listed mailbox on the old server.
    Snapshot(CommonArgs),
    /// After the migration: verify every listed mailbox, old (live or snapshots) against new.
    Verify(VerifyArgs),
    /// After the migration: put back what verify finds missing (Sent items by default) for
    /// every listed mailbox; the plan, or with --apply appended to the new server. The old
    /// server is only read.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to put back: `sent` (missing Sent items) or `missing` (every missing message,
    /// creating folders missing on the new server).
    #[arg(long, value_enum, default_value = "sent")]
    pub kind: KindArg,
    /// Append for real. Without it, only the plan is shown and nothing is written.
    #[arg(long)]
    pub apply: bool,
    /// Write each account's plan and results here (<address>.json and .txt).
    #[arg(long, value_name = "DIR")]
    pub details: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    Sent,
    Missing,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Accounts list, CSV: address[,old_login[,new_login]] (header row optional).
    #[arg(value_name = "ACCOUNTS.csv")]
    pub accounts: PathBuf,
    /// The IT centre's profile, with [old.admin] / [new.admin]. Default: $IKOU_PROFILE.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: PathBuf,
    /// Journal and snapshots directory (default: next to the accounts file, `<name>.ikou/`).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Connections at once per server (default 4).
    #[arg(long, short = 'j', value_name = "N")]
    pub concurrency: Option<usize>,
    /// Connections at once to the old server (overrides --concurrency).
    #[arg(long, value_name = "N")]
    pub old_concurrency: Option<usize>,
    /// Connections at once to the new server (overrides --concurrency).
    #[arg(long, value_name = "N")]
    pub new_concurrency: Option<usize>,
    /// Attempts after a throttled or dropped connection.
    #[arg(long, default_value_t = 3)]
    pub retries: u32,
    /// First wait after a throttled or dropped connection, doubled per retry (seconds).
    #[arg(long, default_value_t = 2.0, value_name = "SECS")]
    pub backoff: f64,
    /// Check every account again instead of continuing the last run.
    #[arg(long)]
    pub again: bool,
    /// Also write the report as CSV (UTF-8 with BOM, one row per account).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Read the old side from `ikou batch snapshot`'s files (default: the state directory's
    /// snapshots/) instead of the old server.
    #[arg(long, value_name = "DIR", num_args = 0..=1)]
    #[allow(clippy::option_option)]
    pub snapshots: Option<Option<PathBuf>>,
    /// Write each checked account's full report here (<address>.json and .txt).
    #[arg(long, value_name = "DIR")]
    pub details: Option<PathBuf>,
}

fn default_state(accounts: &Path) -> PathBuf {
    let stem = accounts
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "accounts".into());
    accounts.with_file_name(format!("{stem}.ikou"))
}

pub async fn run(args: BatchArgs, output: Output) -> Result<i32> {
    let (mut restore_kind, mut apply) = (RestoreKind::Sent, false);
    let (kind, common, snapshots, details) = match args.command {
        BatchCommand::Snapshot(common) => (BatchKind::Snapshot, common, None, None),
        BatchCommand::Verify(v) => (BatchKind::Verify, v.common, v.snapshots, v.details),
        BatchCommand::Restore(r) => {
            restore_kind = match r.kind {
                KindArg::Sent => RestoreKind::Sent,
                KindArg::Missing => RestoreKind::Missing,
            };
            apply = r.apply;
            (BatchKind::Restore, r.common, None, r.details)
        }
    };
    let profile = load_profile(&common.profile)?;
    let accounts = batch::load_accounts(&common.accounts)?;
    let state_dir = common
        .state
        .clone()
        .unwrap_or_else(|| default_state(&common.accounts));
    let snapshots =
        snapshots.map(|dir| dir.unwrap_or_else(|| BatchOptions::snapshot_dir(&state_dir)));
    let per_server = common.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    let options = BatchOptions {
        kind,
        accounts_file: common.accounts.clone(),
        state_dir,
        snapshots,
        concurrency_old: common.old_concurrency.unwrap_or(per_server),
        concurrency_new: common.new_concurrency.unwrap_or(per_server),
        retries: common.retries,
        backoff: Duration::from_secs_f64(common.backoff.clamp(0.0, 600.0)),
        again: common.again,
        lang: output.lang,
        restore_kind,
        apply,
    };
    if let Some(dir) = &details {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the details directory {}", dir.display()))?;
    }

    let cancel = CancellationToken::new();
    let watcher = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
                // A second Ctrl-C does not wait for the report; the journal is consistent.
                if tokio::signal::ctrl_c().await.is_ok() {
                    std::process::exit(crate::report::exit::ERROR);
                }
            }
        })
    };
    let bar = progress_bar(!output.json && std::io::stderr().is_terminal());
    let lang = output.lang;
    let mut detail_error: Option<anyhow::Error> = None;
    let (mut ok, mut diff, mut failed) = (0u64, 0u64, 0u64);
    let mut on_event = |event: BatchEvent<'_>| match event {
        BatchEvent::Planned { total, earlier } => {
            bar.set_length(total as u64);
            bar.set_position(earlier as u64);
            bar.reset_eta();
            if earlier > 0 {
                bar.println(tr!(lang, "batch-earlier", earlier = earlier));
            }
        }
        BatchEvent::Finished {
            result,
            report,
            restore,
        } => {
            match result.outcome {
                Outcome::Ok => ok += 1,
                Outcome::Differences => diff += 1,
                Outcome::Failed => failed += 1,
            }
            bar.inc(1);
            bar.set_message(tr!(
                lang,
                "batch-progress",
                ok = ok,
                diff = diff,
                failed = failed
            ));
            let written = match (&details, restore, report) {
                _ if detail_error.is_some() => Ok(()),
                (Some(dir), Some(restore), _) => write_details(
                    dir,
                    &result.address,
                    restore,
                    super::verify::restore_text(restore, lang),
                ),
                (Some(dir), None, Some(report)) => write_details(
                    dir,
                    &result.address,
                    report,
                    super::verify_text::verify_text(report, lang, 120),
                ),
                _ => Ok(()),
            };
            if let Err(e) = written {
                detail_error = Some(e);
            }
        }
    };
    let result = batch::run(&profile, &options, &accounts, &cancel, &mut on_event).await;
    watcher.abort();
    bar.finish_and_clear();
    let report = result?;
    if let Some(e) = detail_error {
        return Err(e);
    }
    if let Some(path) = &common.csv {
        let mut text = String::from("\u{feff}");
        text.push_str(&report.to_csv(lang));
        crate::private_file::write(path, text)
            .with_context(|| format!("cannot write the CSV file {}", path.display()))?;
    }
    output.emit(&report, || batch_text(&report, lang))?;
    if report.interrupted {
        eprintln!(
            "{}",
            tr!(lang, "batch-interrupted", count = report.totals.not_checked)
        );
    }
    Ok(report.exit_code())
}

fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("[{bar:30}] {pos}/{len} {msg}  ETA {eta}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// One account's `--details`: its report as JSON and as the text a person reads, both 0600.
fn write_details(dir: &Path, address: &str, report: &impl Serialize, text: String) -> Result<()> {
    let stem = file_stem(address);
    let json = dir.join(format!("{stem}.json"));
    crate::private_file::write(&json, serde_json::to_vec_pretty(report)?)
        .with_context(|| format!("cannot write {}", json.display()))?;
    let path = dir.join(format!("{stem}.txt"));
    crate::private_file::write(&path, text)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// One verdict line per account (the accounts file's order), then the summary.
pub fn batch_text(report: &BatchReport, lang: Lang) -> String {
    let mut table = Table::new(&[
        (&tr!(lang, "batch-status"), Align::Left),
        (&tr!(lang, "batch-account"), Align::Left),
        (&tr!(lang, "batch-verdict"), Align::Left),
    ]);
    for a in &report.accounts {
        let mut verdict = a.verdict.clone();
        if a.earlier_run {
            verdict.push_str(&tr!(lang, "batch-earlier-run"));
        }
        table.row(vec![a.outcome.label(lang), a.address.clone(), verdict]);
    }
    for address in &report.not_checked {
        table.row(vec![
            "-".into(),
            address.clone(),
            tr!(lang, "batch-not-checked-interrupted"),
        ]);
    }
    let mut out = table.render();
    out.push('\n');
    let t = &report.totals;
    let what = match report.kind {
        BatchKind::Snapshot => tr!(lang, "batch-snapshot"),
        BatchKind::Verify => tr!(lang, "batch-verify"),
        BatchKind::Restore => tr!(lang, "batch-restore"),
    };
    out.push_str(&{
        let line = tr!(
            lang,
            "batch-totals",
            what = what.as_str(),
            accounts = t.accounts,
            ok = t.ok,
            differences = t.differences,
            failed = t.failed,
        );
        if t.not_checked > 0 {
            format!(
                "{line}{}\n",
                tr!(lang, "batch-totals-not-checked", count = t.not_checked)
            )
        } else {
            format!("{line}\n")
        }
    });
    if let Some(r) = &report.restore {
        let kind = match r.kind {
            RestoreKind::Sent => tr!(lang, "batch-restore-kind-sent"),
            RestoreKind::Missing => tr!(lang, "batch-restore-kind-missing"),
        };
        out.push_str(&format!(
            "{}\n{}\n",
            tr!(lang, "batch-restore-what", kind = kind.as_str()),
            tr!(
                lang,
                "batch-restore-totals",
                planned = r.planned,
                size = crate::report::human_size(r.planned_bytes),
                appended = r.appended,
                present = r.already_present,
                failed = r.failed,
                oversize = r.oversize,
            )
        ));
        if !r.applied {
            out.push_str(&format!("{}\n", tr!(lang, "batch-restore-plan-only")));
        }
    }
    out.push_str(&format!(
        "{}\n",
        tr!(
            lang,
            "batch-footer",
            old = report.old.as_str(),
            old_access = report.old_access.to_string(),
            new = report.new.as_deref().unwrap_or("-"),
            new_access = report.new_access.as_deref().unwrap_or("-"),
            concurrency_old = report.concurrency_old,
            concurrency_new = report.concurrency_new,
            seconds = format!("{:.1}", report.elapsed_secs),
            rate = format!("{:.2}", report.accounts_per_sec),
            earlier = t.from_earlier_runs,
            journal = report.journal.to_string(),
        )
    ));
    out
}
