//! # Helpdesk batch: snapshot, verify or restore many mailboxes with admin credentials
//!
//! `ikou batch snapshot|verify|restore ACCOUNTS.csv` checks every listed account exactly as
//! `ikou verify` checks one (the same gathering, mapping, identity and findings through
//! [`crate::service::verify::build_report`]), signed in with the IT centre's admin access
//! ([`admin`]). `restore` then plans what `ikou restore` would put back for each account
//! ([`plan_restore`]) and, when applied, appends it to the new server only, through the
//! same presence re-check that makes a rerun append nothing. Accounts run concurrently under one semaphore per server, with back-off on
//! throttling; each finished account is appended to a journal ([`journal`]) so a rerun or a
//! Ctrl-C leaves a consistent, resumable state. Nothing here prints: progress goes out as
//! [`BatchEvent`]s and the result is a [`report::BatchReport`].

pub mod accounts;
pub mod admin;
pub mod journal;
pub mod report;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use thiserror::Error;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::ServiceError;
use super::progress::silent;
use super::verify::restore::{
    ItemOutcome, Planned, RestoreReport, Selection, apply_with_sessions, create_folders,
    plan_restore,
};
use super::verify::snapshot::{Snapshot, SnapshotError};
use super::verify::{OldMailbox, VerifyReport, build_report, read_mailbox};
use crate::compare::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::model::FolderMessages;
use crate::profile::{CredentialError, Profile, Side};
pub use accounts::{BatchAccount, LineProblem, parse_accounts};
pub use admin::AdminAuth;
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

/// Everything a job needs, shared by all of them.
struct Context<'a> {
    profile: &'a Profile,
    options: &'a BatchOptions,
    old_auth: Option<&'a AdminAuth>,
    new_auth: Option<&'a AdminAuth>,
    old_permits: Arc<Semaphore>,
    new_permits: Arc<Semaphore>,
}

fn old_login(profile: &Profile, account: &BatchAccount) -> String {
    account
        .old_login
        .clone()
        .unwrap_or_else(|| profile.old.username_for(&account.address))
}

fn new_login(profile: &Profile, account: &BatchAccount) -> String {
    account
        .new_login
        .clone()
        .unwrap_or_else(|| profile.new.username_for(&account.address))
}

async fn read_live(
    ctx: &Context<'_>,
    side: Side,
    account: &BatchAccount,
) -> Result<(String, Vec<FolderMessages>), BatchError> {
    let (auth, permits, login) = match side {
        Side::Old => (
            ctx.old_auth.ok_or_else(|| BatchError::Admin {
                side,
                detail: "not configured".into(),
            })?,
            &ctx.old_permits,
            old_login(ctx.profile, account),
        ),
        Side::New => (
            ctx.new_auth.ok_or_else(|| BatchError::Admin {
                side,
                detail: "not configured".into(),
            })?,
            &ctx.new_permits,
            new_login(ctx.profile, account),
        ),
    };
    let _permit = permits.acquire().await.map_err(|_| BatchError::Admin {
        side,
        detail: "the batch is stopping".into(),
    })?;
    let session = auth.open(ctx.profile, &account.address, &login).await?;
    let (server, folders) = read_mailbox(session, side, &silent()).await;
    Ok((server, folders?))
}

async fn old_side(ctx: &Context<'_>, account: &BatchAccount) -> Result<OldMailbox, BatchError> {
    if let Some(dir) = &ctx.options.snapshots {
        let path = dir.join(format!("{}.json", report::file_stem(&account.address)));
        if !path.is_file() {
            return Err(BatchError::NoSnapshot {
                address: account.address.clone(),
                dir: dir.clone(),
            });
        }
        let snap = Snapshot::load(&path)?;
        return Ok(OldMailbox::snapshot(&path, snap));
    }
    live_old(ctx, account).await
}

/// The old mailbox read from the old server now (restore plans from it and reads its bytes
/// there, so never from a snapshot).
async fn live_old(ctx: &Context<'_>, account: &BatchAccount) -> Result<OldMailbox, BatchError> {
    let (server, folders) = read_live(ctx, Side::Old, account).await?;
    Ok(OldMailbox::live(server, folders))
}

/// What one successful attempt produced.
enum Done {
    Snapshot {
        file: PathBuf,
        folders: usize,
        messages: u64,
    },
    Verify(Box<VerifyReport>),
    Restore(Box<RestoreReport>),
}

async fn attempt(ctx: &Context<'_>, account: &BatchAccount) -> Result<Done, BatchError> {
    match ctx.options.kind {
        BatchKind::Snapshot => {
            let old = old_side(ctx, account).await?;
            let snap = Snapshot::new(&old.source.server, &account.address, old.folders);
            let dir = BatchOptions::snapshot_dir(&ctx.options.state_dir);
            let file = dir.join(format!("{}.json", report::file_stem(&account.address)));
            let (folders, messages) = (snap.folders.len(), snap.messages());
            // Encoding and writing a large snapshot is blocking work; keep it off the
            // reactor so other accounts' connections keep flowing.
            let path = file.clone();
            tokio::task::spawn_blocking(move || snap.save(&path))
                .await
                .map_err(|e| BatchError::Io {
                    path: file.clone(),
                    action: "write the snapshot",
                    detail: e.to_string(),
                })??;
            Ok(Done::Snapshot {
                file,
                folders,
                messages,
            })
        }
        BatchKind::Verify => {
            let (old, new) =
                tokio::join!(old_side(ctx, account), read_live(ctx, Side::New, account));
            let old = old?;
            let (new_server, new) = new?;
            let report = build_report(ctx.profile, &old, &new_server, &new, ctx.options.lang);
            Ok(Done::Verify(Box::new(report)))
        }
        BatchKind::Restore => restore_account(ctx, account).await.map(Done::Restore),
    }
}

/// Verifies one account, plans its restore and, when applying, appends the plan: bytes from
/// the old server (read-only session), written to the new server only.
async fn restore_account(
    ctx: &Context<'_>,
    account: &BatchAccount,
) -> Result<Box<RestoreReport>, BatchError> {
    let (old, new) = tokio::join!(live_old(ctx, account), read_live(ctx, Side::New, account));
    let old = old?;
    let (new_server, new) = new?;
    let report = build_report(ctx.profile, &old, &new_server, &new, ctx.options.lang);
    let selection = match ctx.options.restore_kind {
        RestoreKind::Sent => Selection::Sent,
        RestoreKind::Missing => Selection::AllMissing,
    };
    let Planned {
        plan,
        oversize,
        folders_to_create,
    } = plan_restore(&report, &old, &new, &selection);
    let mut result = RestoreReport {
        phase: ctx.profile.dates.phase(chrono::Local::now().date_naive()),
        source: "live",
        new_server: report.new_server.clone(),
        applied: ctx.options.apply,
        plan_bytes: plan.iter().map(|i| i.size).sum(),
        plan,
        oversize,
        folders_to_create,
        results: Vec::new(),
        appended: 0,
        already_present: 0,
        failed: 0,
        verification: None,
    };
    if ctx.options.apply && (!result.plan.is_empty() || !result.folders_to_create.is_empty()) {
        let (old_auth, new_auth) = match (ctx.old_auth, ctx.new_auth) {
            (Some(o), Some(n)) => (o, n),
            _ => {
                return Err(BatchError::Admin {
                    side: Side::New,
                    detail: "not configured".into(),
                });
            }
        };
        // Old before new in every job, so two jobs never wait on each other's permit.
        let stopping = |side| BatchError::Admin {
            side,
            detail: "the batch is stopping".into(),
        };
        let _old_permit = ctx
            .old_permits
            .acquire()
            .await
            .map_err(|_| stopping(Side::Old))?;
        let _new_permit = ctx
            .new_permits
            .acquire()
            .await
            .map_err(|_| stopping(Side::New))?;
        let mut writer = new_auth
            .open_write(
                ctx.profile,
                &account.address,
                &new_login(ctx.profile, account),
            )
            .await?;
        if result.plan.is_empty() {
            let created = create_folders(&mut writer, &result.folders_to_create).await;
            writer.logout().await;
            created?;
        } else {
            let reader = match old_auth
                .open(
                    ctx.profile,
                    &account.address,
                    &old_login(ctx.profile, account),
                )
                .await
            {
                Ok(reader) => reader,
                Err(e) => {
                    writer.logout().await;
                    return Err(e);
                }
            };
            let max = report.limits.max_message_bytes;
            result.results =
                apply_with_sessions(reader, writer, &result.plan, &old, &new, max).await?;
            let count =
                |o: ItemOutcome| result.results.iter().filter(|r| r.outcome == o).count() as u64;
            result.appended = count(ItemOutcome::Appended);
            result.already_present = count(ItemOutcome::AlreadyPresent);
            result.failed = count(ItemOutcome::Failed) + count(ItemOutcome::TooLarge);
        }
    }
    result.verification = Some(report);
    Ok(Box::new(result))
}

/// The numbers of one account's restore, and its outcome: failed when an item failed,
/// differences when something is left (a plan not applied, or messages too large).
fn restore_counts(report: &RestoreReport) -> (Outcome, RestoreCounts) {
    let counts = RestoreCounts {
        planned: report.plan.len() as u64,
        planned_bytes: report.plan_bytes,
        oversize: report.oversize.len() as u64,
        folders_to_create: report.folders_to_create.len() as u64,
        appended: report.appended,
        already_present: report.already_present,
        failed: report.failed,
    };
    let outcome = if counts.failed > 0 {
        Outcome::Failed
    } else if counts.oversize > 0
        || (!report.applied && (counts.planned > 0 || counts.folders_to_create > 0))
    {
        Outcome::Differences
    } else {
        Outcome::Ok
    };
    (outcome, counts)
}

/// One line for the account's restore, in the batch's language.
fn restore_verdict(report: &RestoreReport, counts: &RestoreCounts, lang: Lang) -> String {
    let mut line = if !report.applied {
        if counts.planned == 0 && counts.folders_to_create == 0 {
            tr!(lang, "batch-restore-nothing")
        } else {
            tr!(
                lang,
                "batch-restore-plan",
                count = counts.planned,
                size = crate::report::human_size(counts.planned_bytes),
                folders = counts.folders_to_create
            )
        }
    } else {
        tr!(
            lang,
            "batch-restore-done",
            appended = counts.appended,
            present = counts.already_present,
            failed = counts.failed,
            folders = counts.folders_to_create
        )
    };
    if counts.oversize > 0 {
        line.push_str(&tr!(
            lang,
            "batch-restore-oversize",
            count = counts.oversize
        ));
    }
    line
}

/// Runs one account with retries; never fails (a failure is a result).
async fn check(ctx: &Context<'_>, account: &BatchAccount) -> (AccountResult, Option<Box<Done>>) {
    let started = Instant::now();
    let mut attempts = 0u32;
    let outcome = loop {
        attempts += 1;
        match attempt(ctx, account).await {
            Err(e) if attempts <= ctx.options.retries && admin::is_transient(&e) => {
                let delay = ctx.options.backoff * 2u32.saturating_pow(attempts - 1);
                tracing::info!(address = %account.address, attempts, ?delay, "transient failure, backing off: {e}");
                tokio::time::sleep(delay).await;
            }
            other => break other,
        }
    };
    let finished = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut result = AccountResult {
        address: account.address.clone(),
        outcome: Outcome::Failed,
        verdict: String::new(),
        counts: None,
        error: None,
        finished,
        seconds: started.elapsed().as_secs_f64(),
        attempts,
        file: None,
        earlier_run: false,
        restore: None,
    };
    let lang = ctx.options.lang;
    match outcome {
        Ok(Done::Snapshot {
            file,
            folders,
            messages,
        }) => {
            result.outcome = Outcome::Ok;
            result.verdict = tr!(
                lang,
                "batch-snapshot-verdict",
                folders = folders,
                messages = messages
            );
            result.file = Some(file.display().to_string());
            (result, None)
        }
        Ok(Done::Verify(report)) => {
            result.outcome = match report.status {
                ExitStatus::Match => Outcome::Ok,
                ExitStatus::Differences => Outcome::Differences,
            };
            result.verdict = report.verdict_text.clone();
            result.counts = Some(AccountCounts::of(&report));
            (result, Some(Box::new(Done::Verify(report))))
        }
        Ok(Done::Restore(restore)) => {
            let (outcome, counts) = restore_counts(&restore);
            result.outcome = outcome;
            result.verdict = restore_verdict(&restore, &counts, lang);
            result.counts = restore.verification.as_ref().map(AccountCounts::of);
            if let Some(failure) = restore.results.iter().find_map(|r| r.error.as_deref()) {
                result.error = Some(failure.to_string());
            }
            result.restore = Some(counts);
            (result, Some(Box::new(Done::Restore(restore))))
        }
        Err(e) => {
            let mut text = e.to_string();
            // Dovecot (and Exchange: "User is authenticated but not connected") accept the
            // sign-in and then drop the connection when the login has no mailbox.
            if matches!(
                e,
                BatchError::Service(ServiceError::Imap(crate::imap::ImapError::Closed { .. }))
            ) {
                text.push_str(&tr!(lang, "batch-mailbox-may-not-exist"));
            }
            result.verdict = text.lines().next().unwrap_or_default().to_string();
            result.error = Some(text);
            (result, None)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::verify::restore::{ItemResult, PlanItem};

    fn item(uid: u32) -> PlanItem {
        PlanItem {
            old_folder: "INBOX.Sent".into(),
            new_folder: "Sent Items".into(),
            uid,
            size: 1000,
            date: None,
            from: None,
            subject: None,
            key: format!("mid:{uid}@x"),
            body_hash: None,
            flags: vec![],
            internal_date: None,
        }
    }

    fn restore(
        applied: bool,
        plan: usize,
        oversize: usize,
        outcomes: &[ItemOutcome],
    ) -> RestoreReport {
        let plan: Vec<PlanItem> = (1..=plan as u32).map(item).collect();
        let results: Vec<ItemResult> = plan
            .iter()
            .zip(outcomes)
            .map(|(i, o)| ItemResult {
                item: i.clone(),
                outcome: o.clone(),
                error: None,
            })
            .collect();
        let count = |o: ItemOutcome| results.iter().filter(|r| r.outcome == o).count() as u64;
        RestoreReport {
            phase: crate::profile::Phase::Unknown,
            source: "live",
            new_server: "new".into(),
            applied,
            plan_bytes: plan.iter().map(|i| i.size).sum(),
            oversize: (100..100 + oversize as u32).map(item).collect(),
            folders_to_create: vec![],
            appended: count(ItemOutcome::Appended),
            already_present: count(ItemOutcome::AlreadyPresent),
            failed: count(ItemOutcome::Failed) + count(ItemOutcome::TooLarge),
            plan,
            results,
            verification: None,
        }
    }

    #[test]
    fn restore_outcomes_and_verdicts() {
        use ItemOutcome::{AlreadyPresent, Appended, Failed};
        let cases: [(RestoreReport, Outcome, &str); 6] = [
            (restore(false, 0, 0, &[]), Outcome::Ok, "nothing to restore"),
            (
                restore(false, 3, 0, &[]),
                Outcome::Differences,
                "3 messages to restore (2.9 KiB)",
            ),
            (
                restore(true, 3, 0, &[Appended, Appended, AlreadyPresent]),
                Outcome::Ok,
                "restored 2, already there 1, failed 0",
            ),
            (
                restore(true, 2, 0, &[Appended, Failed]),
                Outcome::Failed,
                "restored 1, already there 0, failed 1",
            ),
            (
                restore(true, 1, 1, &[Appended]),
                Outcome::Differences,
                "restored 1, already there 0, failed 0; 1 too large for the new server (not restored)",
            ),
            (
                restore(true, 0, 0, &[]),
                Outcome::Ok,
                "restored 0, already there 0, failed 0",
            ),
        ];
        for (report, outcome, verdict) in cases {
            let (got, counts) = restore_counts(&report);
            assert_eq!(got, outcome, "{verdict}");
            assert_eq!(restore_verdict(&report, &counts, Lang::En), verdict);
            assert!(!restore_verdict(&report, &counts, Lang::Ja).is_empty());
        }
    }
}
