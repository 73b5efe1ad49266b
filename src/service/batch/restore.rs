//! # One account's restore in a batch: plan it as `ikou restore` would, apply it when asked
//!
//! The bytes come from the old server through a read-only session; only the new server is
//! written, through the admin `WriteSession`, with the presence re-check that makes a rerun
//! append nothing.

use super::context::{Context, new_login, old_login, reduce_live};
use super::{BatchAccount, BatchError, Outcome, RestoreCounts, RestoreKind};
use crate::i18n::Lang;
use crate::profile::Side;
use crate::service::verify::report_with_basis;
use crate::service::verify::restore::{
    ItemOutcome, RestoreReport, Selection, apply_with_sessions, create_folders, plan_restore,
};

/// Verifies one account, plans its restore and, when applying, appends the plan: bytes from
/// the old server (read-only session), written to the new server only.
pub(super) async fn restore_account(
    ctx: &Context<'_>,
    account: &BatchAccount,
) -> Result<Box<RestoreReport>, BatchError> {
    // The old side from the old server now (restore reads its bytes there, so never from a
    // snapshot); both sides reduced as they are read, so a large mailbox need not fit in
    // memory: the plan needs only the folders and the missing messages' old copies.
    let (old, new) = tokio::join!(
        reduce_live(ctx, Side::Old, account),
        reduce_live(ctx, Side::New, account)
    );
    let (_, old) = old?;
    let (new_server, new) = new?;
    let (report, basis) = report_with_basis(ctx.profile, old, &new_server, new, ctx.options.lang)?;
    let selection = match ctx.options.restore_kind {
        RestoreKind::Sent => Selection::Sent,
        RestoreKind::Missing => Selection::AllMissing,
    };
    let mut result = RestoreReport::planned(
        plan_restore(&report, &basis, &selection),
        ctx.profile,
        "live",
        report.new_server.clone(),
        ctx.options.apply,
    );
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
            result.results = apply_with_sessions(reader, writer, &result.plan, &basis, max).await?;
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
pub(super) fn restore_counts(report: &RestoreReport) -> (Outcome, RestoreCounts) {
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
pub(super) fn restore_verdict(
    report: &RestoreReport,
    counts: &RestoreCounts,
    lang: Lang,
) -> String {
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
