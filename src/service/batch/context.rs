//! # What every job of a batch shares: the admin access, one semaphore per server, and
//! reading one side's mailbox under them

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

use super::{AdminAuth, BatchAccount, BatchError, BatchOptions};
use crate::imap::ReadSession;
use crate::profile::{Profile, Side};
use crate::service::progress::silent;
use crate::service::verify::snapshot::SnapshotSaved;
use crate::service::verify::{ReducedSide, reduce_session, snapshot_session};

/// Everything a job needs, shared by all of them.
pub(super) struct Context<'a> {
    pub(super) profile: &'a Profile,
    pub(super) options: &'a BatchOptions,
    pub(super) old_auth: Option<&'a AdminAuth>,
    pub(super) new_auth: Option<&'a AdminAuth>,
    pub(super) old_permits: Arc<Semaphore>,
    pub(super) new_permits: Arc<Semaphore>,
}

pub(super) fn old_login(profile: &Profile, account: &BatchAccount) -> String {
    account
        .old_login
        .clone()
        .unwrap_or_else(|| profile.old.username_for(&account.address))
}

pub(super) fn new_login(profile: &Profile, account: &BatchAccount) -> String {
    account
        .new_login
        .clone()
        .unwrap_or_else(|| profile.new.username_for(&account.address))
}

/// Signs in to one side of `account` with the admin access, under that server's semaphore;
/// the permit must be held as long as the session is used.
async fn admin_session<'c>(
    ctx: &'c Context<'_>,
    side: Side,
    account: &BatchAccount,
) -> Result<(SemaphorePermit<'c>, ReadSession), BatchError> {
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
    let permit = permits.acquire().await.map_err(|_| BatchError::Admin {
        side,
        detail: "the batch is stopping".into(),
    })?;
    let session = auth.open(ctx.profile, &account.address, &login).await?;
    Ok((permit, session))
}

/// One side read live for a verify, reduced as it arrives (compact identities, envelopes in
/// a temporary file), so that a large mailbox does not have to fit in memory.
pub(super) async fn reduce_live(
    ctx: &Context<'_>,
    side: Side,
    account: &BatchAccount,
) -> Result<(String, ReducedSide), BatchError> {
    let (_permit, session) = admin_session(ctx, side, account).await?;
    Ok(reduce_session(session, side, &silent()).await?)
}

/// The old side read live and written as the account's snapshot at `path`, one folder at a
/// time (see `verify::snapshot_session`).
pub(super) async fn snapshot_live(
    ctx: &Context<'_>,
    account: &BatchAccount,
    path: &std::path::Path,
) -> Result<SnapshotSaved, BatchError> {
    let (_permit, session) = admin_session(ctx, Side::Old, account).await?;
    Ok(snapshot_session(session, &account.address, path).await?)
}
