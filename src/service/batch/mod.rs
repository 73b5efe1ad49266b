//! # Helpdesk batch: snapshot, verify or restore many mailboxes with admin credentials
//!
//! `ikou batch snapshot|verify|restore ACCOUNTS.csv` checks every listed account exactly as
//! `ikou verify` checks one (the same gathering, mapping, identity and findings through
//! [`crate::service::verify::report_reduced`]), signed in with the IT centre's admin access
//! ([`admin`]). `restore` then plans what `ikou restore` would put back for each account
//! ([`crate::service::verify::restore::plan_restore`]) and, when applied, appends it to the
//! new server only, through the same presence re-check that makes a rerun append nothing.
//! Accounts run concurrently under one semaphore per server, with back-off on throttling;
//! each finished account is appended to a journal ([`journal`]) so a rerun or a Ctrl-C
//! leaves a consistent, resumable state. Nothing here prints: progress goes out as
//! [`BatchEvent`]s and the result is a [`report::BatchReport`].
//!
//! Here: the batch's options, errors and its loop over the accounts ([`run`]); one account's
//! check with its retries is in `job.rs`, its restore in `restore.rs`, and what every job
//! shares (admin access, semaphores, reading a mailbox) in `context.rs`.

pub mod accounts;
pub mod admin;
mod context;
mod job;
pub mod journal;
pub mod report;
mod restore;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use thiserror::Error;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::ServiceError;
use super::verify::VerifyReport;
use super::verify::restore::RestoreReport;
use super::verify::snapshot::SnapshotError;
use crate::i18n::Lang;
use crate::profile::{CredentialError, Profile, Side};
pub use accounts::{BatchAccount, LineProblem, parse_accounts};
pub use admin::AdminAuth;
use context::Context;
use job::{Done, check};
pub use report::{
    AccountCounts, AccountResult, BatchKind, BatchReport, Outcome, RestoreCounts, RestoreKind,
    RestoreTotals,
};

#[derive(Debug, Error)]
pub enum BatchError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error("{file}: {} problem(s) in the accounts list:\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Accounts {
        file: String,
        problems: Vec<LineProblem>,
    },
    #[error("admin access to the {side} server: {detail}")]
    Admin { side: Side, detail: String },
    #[error("{path}: cannot {action}: {detail}")]
    Io {
        path: PathBuf,
        action: &'static str,
        detail: String,
    },
    #[error("no snapshot for {address} in {dir} (run `ikou batch snapshot` before the migration)")]
    NoSnapshot { address: String, dir: PathBuf },
    #[error(transparent)]
    Restore(Box<super::verify::VerifyError>),
}

impl From<super::verify::VerifyError> for BatchError {
    fn from(e: super::verify::VerifyError) -> Self {
        match e {
            // Kept as a service error so a dropped connection is retried like any other.
            super::verify::VerifyError::Service(e) => BatchError::Service(e),
            other => BatchError::Restore(Box::new(other)),
        }
    }
}

impl From<CredentialError> for BatchError {
    fn from(e: CredentialError) -> Self {
        BatchError::Service(ServiceError::Credential(e))
    }
}

impl From<crate::imap::ImapError> for BatchError {
    fn from(e: crate::imap::ImapError) -> Self {
        BatchError::Service(ServiceError::Imap(e))
    }
}

/// Reads and checks the accounts file.
pub fn load_accounts(path: &Path) -> Result<Vec<BatchAccount>, BatchError> {
    let bytes =
        crate::input::read_bounded(path, crate::input::LARGE_FILE).map_err(|e| BatchError::Io {
            path: path.to_path_buf(),
            action: "read the accounts list",
            detail: e.to_string(),
        })?;
    let file = path.display().to_string();
    let text = accounts::decode_accounts(&bytes).map_err(|problems| BatchError::Accounts {
        file: file.clone(),
        problems,
    })?;
    parse_accounts(&text).map_err(|problems| BatchError::Accounts { file, problems })
}

/// Connections per server when not configured: below the usual per-IP limits (Dovecot's
/// `mail_max_userip_connections` is per user, but legacy servers often cap connections per
/// client IP at 10-20; Exchange Online throttles an app well before 20 at once).
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub kind: BatchKind,
    pub accounts_file: PathBuf,
    /// Where the journal (and, for `snapshot`, the snapshots) go.
    pub state_dir: PathBuf,
    /// `verify` only: read the old side from these snapshots instead of the old server.
    pub snapshots: Option<PathBuf>,
    pub concurrency_old: usize,
    pub concurrency_new: usize,
    /// Extra attempts after a transient failure (throttling, network).
    pub retries: u32,
    /// First back-off delay; doubled on each retry.
    pub backoff: Duration,
    /// Check every account again, ignoring the journal.
    pub again: bool,
    pub lang: Lang,
    /// `restore` only: which missing messages to put back.
    pub restore_kind: RestoreKind,
    /// `restore` only: append for real (otherwise the plan only).
    pub apply: bool,
}

impl BatchOptions {
    pub fn journal_path(&self) -> PathBuf {
        self.state_dir.join(match self.kind {
            BatchKind::Snapshot => "snapshot-journal.jsonl".to_string(),
            BatchKind::Verify => "verify-journal.jsonl".to_string(),
            // A plan run must not make an apply run skip accounts, nor one kind another.
            BatchKind::Restore => format!(
                "restore-{}{}-journal.jsonl",
                self.restore_kind.name(),
                if self.apply { "" } else { "-plan" }
            ),
        })
    }

    /// Where `batch snapshot` writes, and `batch verify --snapshots` reads by default.
    pub fn snapshot_dir(state_dir: &Path) -> PathBuf {
        state_dir.join("snapshots")
    }
}

/// What the batch tells its face while it runs.
#[derive(Debug)]
pub enum BatchEvent<'a> {
    /// Before the first account: how many there are and how many an earlier run finished.
    Planned { total: usize, earlier: usize },
    /// An account is finished (already in the journal); `report` is the full verify
    /// report and `restore` the restore plan and results, for `--details`.
    Finished {
        result: &'a AccountResult,
        report: Option<&'a VerifyReport>,
        restore: Option<&'a RestoreReport>,
    },
}

/// Runs the batch until every account is done or `cancel` fires; `on_event` sees each
/// finished account after it is safely in the journal.
pub async fn run(
    profile: &Profile,
    options: &BatchOptions,
    accounts: &[BatchAccount],
    cancel: &CancellationToken,
    on_event: &mut dyn FnMut(BatchEvent<'_>),
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let live_old = options.kind != BatchKind::Verify || options.snapshots.is_none();
    // Secrets only for the servers this batch talks to.
    let old_auth = match live_old {
        true => Some(AdminAuth::resolve(profile, Side::Old).await?),
        false => None,
    };
    let new_auth = match options.kind {
        BatchKind::Verify | BatchKind::Restore => {
            Some(AdminAuth::resolve(profile, Side::New).await?)
        }
        BatchKind::Snapshot => None,
    };
    if options.kind == BatchKind::Restore && options.apply {
        // Checked before any account: a profile whose "new" is the old server is refused.
        crate::service::verify::restore::refuse_same_server(profile).map_err(|e| {
            BatchError::Admin {
                side: Side::New,
                detail: e.to_string(),
            }
        })?;
    }
    if options.kind == BatchKind::Snapshot {
        let dir = BatchOptions::snapshot_dir(&options.state_dir);
        std::fs::create_dir_all(&dir).map_err(|e| BatchError::Io {
            path: dir.clone(),
            action: "create the snapshot directory",
            detail: e.to_string(),
        })?;
    }
    let journal_path = options.journal_path();
    let (mut journal, earlier) = journal::Journal::open(&journal_path, options.again)?;
    let is_done = |a: &BatchAccount| {
        earlier
            .iter()
            .any(|d| d.address.eq_ignore_ascii_case(&a.address))
    };
    let todo: Vec<&BatchAccount> = accounts.iter().filter(|a| !is_done(a)).collect();
    on_event(BatchEvent::Planned {
        total: accounts.len(),
        earlier: accounts.len() - todo.len(),
    });

    let ctx = Context {
        profile,
        options,
        old_auth: old_auth.as_ref(),
        new_auth: new_auth.as_ref(),
        old_permits: Arc::new(Semaphore::new(options.concurrency_old.max(1))),
        new_permits: Arc::new(Semaphore::new(options.concurrency_new.max(1))),
    };
    // Enough accounts in flight to keep both servers' permits busy, no more: each one
    // holds its mailbox's metadata in memory until it is compared.
    let in_flight = match options.kind {
        BatchKind::Snapshot => options.concurrency_old.max(1),
        BatchKind::Verify | BatchKind::Restore => {
            options.concurrency_old.max(1) + options.concurrency_new.max(1)
        }
    };
    let mut results: Vec<AccountResult> = Vec::with_capacity(accounts.len());
    let mut jobs = futures::stream::iter(todo.iter().copied())
        .map(|account| check(&ctx, account))
        .buffer_unordered(in_flight);
    let mut interrupted = false;
    loop {
        let next = tokio::select! {
            biased;
            () = cancel.cancelled() => { interrupted = true; break; }
            next = jobs.next() => next,
        };
        let Some((result, done)) = next else { break };
        journal.append(&result)?;
        let (report, restore) = match done.as_deref() {
            Some(Done::Verify(report)) => (Some(&**report), None),
            Some(Done::Restore(restore)) => (restore.verification.as_ref(), Some(&**restore)),
            _ => (None, None),
        };
        on_event(BatchEvent::Finished {
            result: &result,
            report,
            restore,
        });
        results.push(result);
    }
    // Dropping the stream closes the connections of accounts still in progress; they are
    // not in the journal and are reported as not checked.
    drop(jobs);
    let checked_now = results.len();

    let mut ordered = Vec::with_capacity(accounts.len());
    let mut not_checked = Vec::new();
    for account in accounts {
        let same = |r: &&AccountResult| r.address.eq_ignore_ascii_case(&account.address);
        if let Some(r) = results.iter().find(same) {
            ordered.push(r.clone());
        } else if let Some(r) = earlier.iter().find(same) {
            let mut r = r.clone();
            r.earlier_run = true;
            ordered.push(r);
        } else {
            not_checked.push(account.address.clone());
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let old_server = profile
        .old
        .imap_endpoint()
        .map(|e| e.to_string())
        .unwrap_or_else(|| profile.old.host.clone());
    let mut report = BatchReport {
        kind: options.kind,
        accounts_file: options.accounts_file.display().to_string(),
        journal: journal.path().display().to_string(),
        old: match (&options.snapshots, live_old) {
            (Some(dir), false) => format!("snapshots {}", dir.display()),
            _ => old_server,
        },
        new: (options.kind != BatchKind::Snapshot).then(|| {
            profile
                .new
                .imap_endpoint()
                .map(|e| e.to_string())
                .unwrap_or_else(|| profile.new.host.clone())
        }),
        old_access: old_auth
            .as_ref()
            .map_or_else(|| "-".to_string(), |a| a.describe(options.lang)),
        new_access: new_auth.as_ref().map(|a| a.describe(options.lang)),
        concurrency_old: options.concurrency_old.max(1),
        concurrency_new: options.concurrency_new.max(1),
        accounts: ordered,
        not_checked,
        totals: report::BatchTotals::default(),
        interrupted,
        elapsed_secs: elapsed,
        accounts_per_sec: if elapsed > 0.0 {
            checked_now as f64 / elapsed
        } else {
            0.0
        },
        restore: (options.kind == BatchKind::Restore).then(|| RestoreTotals {
            kind: options.restore_kind,
            applied: options.apply,
            ..RestoreTotals::default()
        }),
    };
    report.compute_totals();
    Ok(report)
}
