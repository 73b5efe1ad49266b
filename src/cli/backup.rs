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
use serde::Serialize;

use super::{Output, ProtocolArg, ServerArg, load_profile};
use crate::archive::{self, ExtractReport, IntegrityReport};
use crate::i18n::Lang;
use crate::report::{Align, Table, exit, grouped, human_size};
use crate::service::backup::{
    self, BackupEvent, BackupOptions, BackupResult, Protocol, server_check,
};

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

fn backup_text(r: &BackupResult, lang: Lang) -> String {
    let mut table = Table::new(&[
        (&tr!(lang, "backup-folder-2"), Align::Left),
        (&tr!(lang, "backup-server"), Align::Right),
        (&tr!(lang, "backup-added"), Align::Right),
        (&tr!(lang, "backup-already"), Align::Right),
    ]);
    for f in &r.folders {
        table.row(vec![
            f.folder.clone(),
            grouped(f.server_messages),
            grouped(f.added),
            grouped(f.already + f.rekeyed),
        ]);
    }
    let mut s = format!(
        "{} {} ({} {}) -> {}\n\n{}\n",
        tr!(lang, "backup-backup"),
        r.account,
        r.server,
        match r.protocol {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
        },
        r.archive.display(),
        table.render()
    );
    s.push_str(&format!(
        "{}\n",
        tr!(
            lang,
            "backup-summary",
            added = grouped(r.added),
            fetched = human_size(r.bytes_fetched),
            seconds = format!("{:.1}", r.elapsed_ms as f64 / 1000.0),
            messages = grouped(r.messages),
            archive = human_size(r.archive_bytes),
        )
    ));
    if r.rekeyed > 0 {
        s.push_str(&format!(
            "{}\n",
            tr!(lang, "backup-rekeyed", count = r.rekeyed)
        ));
    }
    let vanished: Vec<&backup::FolderOutcome> =
        r.folders.iter().filter(|f| f.vanished > 0).collect();
    if !vanished.is_empty() {
        let list = vanished
            .iter()
            .map(|f| format!("{} ({})", f.folder, grouped(f.vanished)))
            .collect::<Vec<_>>()
            .join(", ");
        let total: u64 = vanished.iter().map(|f| f.vanished).sum();
        s.push_str(&tr!(lang, "backup-vanished", count = total, folders = list));
        s.push('\n');
    }
    if r.reconnects > 0 || r.throttled > 0 {
        s.push_str(&format!(
            "{}\n",
            tr!(
                lang,
                "backup-reconnects",
                reconnects = r.reconnects,
                throttled = r.throttled
            )
        ));
    }
    if !r.oversize.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            tr!(
                lang,
                "backup-oversize",
                count = r.oversize.len(),
                limit = human_size(r.limit_bytes)
            )
        ));
        let mut t = Table::new(&[
            (&tr!(lang, "backup-folder-2"), Align::Left),
            (&tr!(lang, "backup-size"), Align::Right),
            (&tr!(lang, "backup-date"), Align::Left),
            (&tr!(lang, "backup-subject"), Align::Left),
        ]);
        for o in &r.oversize {
            t.row(vec![
                o.folder.clone(),
                human_size(o.size),
                o.date.clone().unwrap_or_default(),
                crate::report::truncate(o.subject.as_deref().unwrap_or(""), 50),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}

/// `--json` shape of `backup verify`.
#[derive(Debug, Serialize)]
struct VerifyOutput {
    ok: bool,
    archive: IntegrityReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    server: Option<server_check::ServerCounts>,
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

/// One problem of a backup as a sentence in `lang` (the JSON keeps the fields).
fn problem_text(problem: &archive::Problem, lang: Lang) -> String {
    use archive::Problem;
    match problem {
        Problem::MissingEntry { folder, entry } => tr!(
            lang,
            "backup-problem-missing-entry",
            folder = folder.as_str(),
            entry = entry.as_str()
        ),
        Problem::ExtraEntry { entry } => {
            tr!(lang, "backup-problem-extra-entry", entry = entry.as_str())
        }
        Problem::DuplicateReference { entry } => {
            tr!(lang, "backup-problem-listed-twice", entry = entry.as_str())
        }
        Problem::Unreadable {
            folder,
            entry,
            error,
        } => tr!(
            lang,
            "backup-problem-unreadable",
            folder = folder.as_str(),
            entry = entry.as_str(),
            error = error.as_str()
        ),
        Problem::SizeMismatch {
            folder,
            entry,
            expected,
            actual,
        } => tr!(
            lang,
            "backup-problem-size-mismatch",
            folder = folder.as_str(),
            entry = entry.as_str(),
            expected = crate::report::size_text(*expected, lang),
            actual = crate::report::size_text(*actual, lang)
        ),
        Problem::HashMismatch { folder, entry, .. } => tr!(
            lang,
            "backup-problem-hash-mismatch",
            folder = folder.as_str(),
            entry = entry.as_str()
        ),
        Problem::UnsafeEntry { entry, reason } => tr!(
            lang,
            "backup-problem-unsafe-entry",
            entry = entry.as_str(),
            reason = reason.as_str()
        ),
    }
}

fn verify_text(v: &VerifyOutput, lang: Lang) -> String {
    let width = crate::report::wrap::terminal_width();
    let r = &v.archive;
    let mut s = format!(
        "{}\n",
        if r.is_ok() {
            tr!(
                lang,
                "backup-check-ok",
                path = r.path.display().to_string(),
                ok = grouped(r.ok),
                messages = grouped(r.messages),
                bytes = human_size(r.bytes),
            )
        } else {
            tr!(
                lang,
                "backup-check-problems",
                path = r.path.display().to_string(),
                ok = grouped(r.ok),
                messages = grouped(r.messages),
                bytes = human_size(r.bytes),
            )
        }
    );
    let mut t = Table::new(&[
        (&tr!(lang, "backup-folder-2"), Align::Left),
        (&tr!(lang, "backup-intact"), Align::Right),
        (&tr!(lang, "backup-manifest"), Align::Right),
        (&tr!(lang, "backup-server"), Align::Right),
        ("", Align::Left),
    ]);
    for f in &r.folders {
        let live = v
            .server
            .as_ref()
            .and_then(|s| s.folders.iter().find(|c| c.folder == f.folder));
        let mark = f.ok != f.messages || live.is_some_and(|c| !c.same);
        t.row(vec![
            f.folder.clone(),
            grouped(f.ok),
            grouped(f.messages),
            live.map(|c| c.server.map(grouped).unwrap_or_else(|| "-".into()))
                .unwrap_or_default(),
            if mark { "<-".into() } else { String::new() },
        ]);
    }
    if let Some(server) = &v.server {
        for c in server.folders.iter().filter(|c| c.archived.is_none()) {
            t.row(vec![
                c.folder.clone(),
                "-".into(),
                "-".into(),
                c.server.map(grouped).unwrap_or_default(),
                if c.same { String::new() } else { "<-".into() },
            ]);
        }
    }
    s.push_str(&t.render());
    for p in r.problems.iter().take(50) {
        s.push_str(
            &crate::report::wrap::wrap(&problem_text(p, lang), width, "  ! ", "    ").join("\n"),
        );
        s.push('\n');
    }
    if r.problems.len() > 50 {
        s.push_str(&tr!(
            lang,
            "backup-problems-more",
            count = r.problems.len() - 50
        ));
        s.push('\n');
    }
    if let Some(server) = &v.server {
        let line = if server.differences == 0 {
            tr!(
                lang,
                "backup-server-counts-match",
                server = server.server.as_str()
            )
        } else {
            tr!(
                lang,
                "backup-server-counts-differ",
                count = server.differences,
                server = server.server.as_str()
            )
        };
        s.push_str(&crate::report::wrap::wrap(&line, width, "", "").join("\n"));
        s.push('\n');
    }
    s
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

fn extract_text(r: &ExtractReport, dir: &Path, mbox: bool, lang: Lang) -> String {
    let kind = if mbox { "mbox" } else { ".eml" };
    let mut s = format!(
        "{}\n",
        tr!(
            lang,
            "backup-extracted",
            dir = dir.display().to_string(),
            files = grouped(r.files),
            kind = kind,
            bytes = human_size(r.bytes),
            dirs = grouped(r.dirs),
        )
    );
    for e in r.mismatches.iter().chain(&r.unreadable) {
        s.push_str(&format!("  ! {}: {e}\n", tr!(lang, "backup-damaged")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archive::Problem;

    #[test]
    fn backup_problems_are_sentences_in_both_languages() {
        let problems = vec![
            Problem::MissingEntry {
                folder: "INBOX.研究室".into(),
                entry: "INBOX.研究室/12.eml".into(),
            },
            Problem::ExtraEntry {
                entry: "stray.eml".into(),
            },
            Problem::DuplicateReference {
                entry: "INBOX/1.eml".into(),
            },
            Problem::Unreadable {
                folder: "INBOX".into(),
                entry: "INBOX/2.eml".into(),
                error: "CRC".into(),
            },
            Problem::SizeMismatch {
                folder: "INBOX".into(),
                entry: "INBOX/3.eml".into(),
                expected: 2048,
                actual: 1024,
            },
            Problem::HashMismatch {
                folder: "INBOX".into(),
                entry: "INBOX/4.eml".into(),
                expected: "aa".into(),
                actual: "bb".into(),
            },
            Problem::UnsafeEntry {
                entry: "../evil".into(),
                reason: "leaves the folder".into(),
            },
        ];
        let out = VerifyOutput {
            ok: false,
            archive: IntegrityReport {
                path: "backup.zip".into(),
                messages: 4,
                ok: 0,
                bytes: 4096,
                folders: Vec::new(),
                problems,
            },
            server: None,
        };
        for lang in [Lang::Ja, Lang::En] {
            let text = verify_text(&out, lang);
            assert!(!text.contains("{\""), "no raw JSON: {text}");
            assert!(!text.contains("hash_mismatch"), "{text}");
            assert_eq!(text.matches("  ! ").count(), 7, "{text}");
            assert!(
                text.contains("INBOX/4.eml") && text.contains("1.0 KiB"),
                "{text}"
            );
        }
        assert!(verify_text(&out, Lang::Ja).contains("保存時と違います"));
        assert!(verify_text(&out, Lang::En).contains("differs from what was saved"));
    }
}
