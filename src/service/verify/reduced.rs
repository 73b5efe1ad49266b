//! `ikou verify` without holding the mailboxes: each side is reduced, as it is read, to
//! compact identities, and the envelopes go to a temporary file (see `spill`) from which only
//! the messages a finding is about are read back.

use super::spill::{Reduced, Spill};
use super::{
    AccountRef, OldSource, SourceInfo, VerifyError, VerifyReport, old_mailbox_with, read_into,
    report_listed,
};
use crate::compare::listing::{Details, Listed, Listing};
use crate::i18n::Lang;
use crate::imap::ReadSession;
use crate::model::FolderMessages;
use crate::profile::{Profile, Side};
use crate::service::open_read_session;
use crate::service::progress::Progress;

/// Where the envelopes of one side's listed messages are.
#[derive(Debug)]
pub enum Envelopes {
    /// Held in memory (a snapshot or a backup's manifest).
    Held(Vec<FolderMessages>),
    /// Written to a temporary file as they were read live.
    Spilled(Spill),
}

impl Envelopes {
    fn message(&self, folder: usize, index: usize) -> crate::model::MessageInfo {
        match self {
            Envelopes::Held(folders) => folders
                .get(folder)
                .and_then(|f| f.messages.get(index))
                .cloned()
                .unwrap_or_default(),
            Envelopes::Spilled(spill) => spill.message(folder, index),
        }
    }

    fn failure(&self) -> Option<std::io::Error> {
        match self {
            Envelopes::Held(_) => None,
            Envelopes::Spilled(spill) => spill.failure(),
        }
    }
}

/// Both sides' envelopes, for the findings.
struct BothEnvelopes<'a> {
    old: &'a Envelopes,
    new: &'a Envelopes,
}

impl Details for BothEnvelopes<'_> {
    fn message(&self, side: Side, folder: usize, index: usize) -> crate::model::MessageInfo {
        match side {
            Side::Old => self.old.message(folder, index),
            Side::New => self.new.message(folder, index),
        }
    }
}

/// One side reduced for the comparison: where it was read, its folders as compact
/// identities, and where their envelopes are.
#[derive(Debug)]
pub struct ReducedSide {
    source: SourceInfo,
    folders: Vec<Listed>,
    envelopes: Envelopes,
}

impl ReducedSide {
    /// A side already held in memory (a snapshot, a backup's manifest, or a live read that
    /// another step still needs).
    pub fn held(old: super::OldMailbox) -> Self {
        ReducedSide {
            source: old.source,
            folders: old.folders.iter().map(Listed::of).collect(),
            envelopes: Envelopes::Held(old.folders),
        }
    }
}

/// An error of the temporary file that holds the envelopes.
fn spill_error(e: std::io::Error) -> VerifyError {
    VerifyError::Unreadable {
        path: std::env::temp_dir(),
        detail: e.to_string(),
    }
}

/// Reads one side live into compact identities and a spill.
async fn read_reduced(
    profile: &Profile,
    account: &AccountRef,
    side: Side,
    progress: &Progress,
) -> Result<(String, ReducedSide), VerifyError> {
    let session = open_read_session(profile, side, account).await?;
    reduce_session(session, side, progress).await
}

/// Reads one side live, through a session already signed in, into compact identities and a
/// spill; the session is logged out at the end. Returns the server's name and the side.
pub async fn reduce_session(
    session: ReadSession,
    side: Side,
    progress: &Progress,
) -> Result<(String, ReducedSide), VerifyError> {
    let reduced = Reduced::new().map_err(spill_error)?;
    let (server, result) = read_into(session, side, progress, reduced).await;
    let (folders, spill) = result?.finish().map_err(spill_error)?;
    let side = ReducedSide {
        source: SourceInfo::live(server.clone()),
        folders,
        envelopes: Envelopes::Spilled(spill),
    };
    Ok((server, side))
}

/// The old side, reduced: live as it is read, from a file once loaded.
async fn old_reduced(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    progress: &Progress,
) -> Result<ReducedSide, VerifyError> {
    if *source == OldSource::Live {
        return Ok(read_reduced(profile, account, Side::Old, progress).await?.1);
    }
    let old = old_mailbox_with(profile, account, source, progress).await?;
    Ok(ReducedSide::held(old))
}

/// The report of [`verify_with`] without the mailboxes, for a face that shows only the
/// report (`ikou verify`): each message is reduced to its compact identity as it arrives and
/// its envelope goes to a temporary file, so memory stays small whatever the number of
/// messages (see `spill`).
pub async fn verify_report(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
    progress: &Progress,
) -> Result<VerifyReport, VerifyError> {
    // The new side is read on a task of its own, so that the two sides' parsing can use two
    // cores; the guard stops it if this future is dropped before it ends.
    let new_side = {
        let (profile, account, progress) = (profile.clone(), account.clone(), progress.clone());
        AbortOnDrop(tokio::spawn(async move {
            read_reduced(&profile, &account, Side::New, &progress).await
        }))
    };
    let old = old_reduced(profile, account, source, progress).await;
    // A task is cancelled only when the runtime shuts down under it.
    let new = new_side.join().await.unwrap_or_else(|| {
        Err(crate::imap::ImapError::Closed {
            server: format!("the {} server", Side::New),
            detail: "reading stopped before it was complete".to_string(),
        }
        .into())
    });
    let old = old?;
    let (new_server, new) = new?;
    let mut report = report_reduced(profile, old, &new_server, new, lang)?;
    report.run.address = Some(account.address.clone());
    Ok(report)
}

/// The report over two reduced sides (what [`super::build_report`] is over two held
/// mailboxes). Fails only when the temporary file of envelopes could not be read back, so
/// that a finding never lacks its message.
pub fn report_reduced(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
) -> Result<VerifyReport, VerifyError> {
    let listing = Listing::new(old.folders, new.folders);
    let details = BothEnvelopes {
        old: &old.envelopes,
        new: &new.envelopes,
    };
    let report = report_listed(profile, &old.source, new_server, &listing, &details, lang);
    if let Some(e) = old.envelopes.failure().or_else(|| new.envelopes.failure()) {
        return Err(spill_error(e));
    }
    Ok(report)
}

/// A spawned task that is aborted when its handle is dropped unjoined.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    /// The task's result, `None` when it was cancelled; a panic in the task goes on in the
    /// caller, as it would have had the task's future been awaited in place.
    async fn join(mut self) -> Option<T> {
        match (&mut self.0).await {
            Ok(value) => Some(value),
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => None,
            },
        }
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
