//! # One account of a batch: read, compare or snapshot it, with retries
//!
//! Every job signs in with the admin access under its server's semaphore, does what the
//! batch's kind asks ([`attempt`]) and retries a transient failure with exponential back-off
//! ([`check`]); a failure that stays is the account's result, never the batch's.

use std::path::PathBuf;
use std::time::Instant;

use super::context::{Context, reduce_live, snapshot_live};
use super::restore::{restore_account, restore_counts, restore_verdict};
use super::{
    AccountCounts, AccountResult, BatchAccount, BatchError, BatchKind, BatchOptions, Outcome,
    admin, report,
};
use crate::compare::verdict::ExitStatus;
use crate::profile::Side;
use crate::service::ServiceError;
use crate::service::verify::restore::RestoreReport;
use crate::service::verify::{ReducedSide, VerifyReport, report_reduced};

/// The old side of a verify: the account's snapshot when the batch reads snapshots (one
/// message at a time), else the old server now, reduced as it is read.
async fn old_reduced(ctx: &Context<'_>, account: &BatchAccount) -> Result<ReducedSide, BatchError> {
    if let Some(dir) = &ctx.options.snapshots {
        let path = dir.join(format!("{}.json", report::file_stem(&account.address)));
        if !path.is_file() {
            return Err(BatchError::NoSnapshot {
                address: account.address.clone(),
                dir: dir.clone(),
            });
        }
        return Ok(ReducedSide::snapshot(&path)?);
    }
    Ok(reduce_live(ctx, Side::Old, account).await?.1)
}

/// What one successful attempt produced.
pub(super) enum Done {
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
            let dir = BatchOptions::snapshot_dir(&ctx.options.state_dir);
            let file = dir.join(format!("{}.json", report::file_stem(&account.address)));
            let saved = snapshot_live(ctx, account, &file).await?;
            Ok(Done::Snapshot {
                file,
                folders: saved.folders,
                messages: saved.messages,
            })
        }
        BatchKind::Verify => {
            let (old, new) = tokio::join!(
                old_reduced(ctx, account),
                reduce_live(ctx, Side::New, account)
            );
            let old = old?;
            let (new_server, new) = new?;
            let report = report_reduced(ctx.profile, old, &new_server, new, ctx.options.lang)?;
            Ok(Done::Verify(Box::new(report)))
        }
        BatchKind::Restore => restore_account(ctx, account).await.map(Done::Restore),
    }
}

/// Runs one account with retries; never fails (a failure is a result).
pub(super) async fn check(
    ctx: &Context<'_>,
    account: &BatchAccount,
) -> (AccountResult, Option<Box<Done>>) {
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
