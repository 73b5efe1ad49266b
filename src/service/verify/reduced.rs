//! `ikou verify` without holding the mailboxes: each side is reduced, as it is read, to
//! compact identities, and the envelopes go to a temporary file (see `spill`) from which only
//! the messages a finding is about are read back. A face that may restore afterwards (the
//! full-screen verify, `ikou restore`) keeps a [`RestoreBasis`] besides the report: the
//! folders and the old copies of the messages the findings name, nothing more.

use super::basis::RestoreBasis;
use super::spill::{Reduced, Spill};
use super::{
    AccountRef, OldSource, SourceInfo, VerifyError, VerifyReport, read_into, report_listed,
};
use std::path::Path;

use super::archived::{Archived, read_backup};
use super::snapshot_side::{SnapshotEnvelopes, read_snapshot_side};
use crate::archive::Manifest;
use crate::archive::manifest::MessageRecord;
use crate::compare::listing::{Details, Listed, Listing};
use crate::i18n::Lang;
use crate::imap::ReadSession;
use crate::model::{FolderMessages, MessageInfo};
use crate::profile::{Profile, Side};
use crate::service::open_read_session;
use crate::service::progress::{Progress, silent};

/// Where the envelopes of one side's listed messages are.
#[derive(Debug)]
pub enum Envelopes {
    /// Held in memory (a snapshot, or a mailbox another step still needs), with the backup's
    /// manifest when they were read from one.
    Held {
        folders: Vec<FolderMessages>,
        manifest: Option<Manifest>,
    },
    /// Written to a temporary file as they were read live.
    Spilled(Spill),
    /// A snapshot's envelopes, written to a temporary file as it was read.
    Snapshot(SnapshotEnvelopes),
    /// A backup's records, written to a temporary file as its manifest was read.
    Archived(Archived),
}

impl Envelopes {
    fn message(&self, folder: usize, index: usize) -> MessageInfo {
        match self {
            Envelopes::Held { folders, .. } => folders
                .get(folder)
                .and_then(|f| f.messages.get(index))
                .cloned()
                .unwrap_or_default(),
            Envelopes::Spilled(spill) => spill.message(folder, index),
            Envelopes::Archived(archived) => archived.message(folder, index),
            Envelopes::Snapshot(snapshot) => snapshot.message(folder, index),
        }
    }

    /// The backup's record of a message, when the side was read from a backup (a restore
    /// reads its bytes through it). Only an IMAP record (with a UID) is given, as the
    /// whole-manifest reading pairs records with findings by folder and UID.
    fn record(&self, folder: usize, index: usize) -> Option<MessageRecord> {
        match self {
            Envelopes::Archived(archived) => {
                archived.record(folder, index).filter(|r| r.uid.is_some())
            }
            Envelopes::Held { .. } | Envelopes::Spilled(_) | Envelopes::Snapshot(_) => None,
        }
    }

    fn failure(&self) -> Option<std::io::Error> {
        match self {
            Envelopes::Held { .. } => None,
            Envelopes::Spilled(spill) => spill.failure(),
            Envelopes::Archived(archived) => archived.failure(),
            Envelopes::Snapshot(snapshot) => snapshot.failure(),
        }
    }

    /// The backup's manifest, when the side was read whole from one.
    fn manifest(&self) -> Option<&Manifest> {
        match self {
            Envelopes::Held { manifest, .. } => manifest.as_ref(),
            Envelopes::Spilled(_) | Envelopes::Archived(_) | Envelopes::Snapshot(_) => None,
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
    /// A side already held in memory (a snapshot, or a live read that another step still
    /// needs).
    pub fn held(old: super::OldMailbox) -> Self {
        ReducedSide {
            source: old.source,
            folders: old.folders.iter().map(Listed::of).collect(),
            envelopes: Envelopes::Held {
                folders: old.folders,
                manifest: old.manifest,
            },
        }
    }

    /// The snapshot at `path` as the old side, parsed one message at a time: each message
    /// kept as its compact identity, its envelope in a temporary file (see
    /// `snapshot_side`).
    pub fn snapshot(path: &Path) -> Result<Self, VerifyError> {
        let (source, folders, envelopes) = read_snapshot_side(path)?;
        Ok(ReducedSide {
            source,
            folders,
            envelopes: Envelopes::Snapshot(envelopes),
        })
    }

    /// The backup at `path` as the old side, its manifest streamed: each message kept as
    /// its compact identity, its record in a temporary file (see `archived`). The body of
    /// each message without a Message-ID is hashed from the backup's own bytes, as it is
    /// read live from a server.
    pub fn backup(path: &Path) -> Result<Self, VerifyError> {
        let (source, folders, archived) = read_backup(path)?;
        Ok(ReducedSide {
            source,
            folders,
            envelopes: Envelopes::Archived(archived),
        })
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
    match source {
        OldSource::Live => Ok(read_reduced(profile, account, Side::Old, progress).await?.1),
        OldSource::Backup(path) => ReducedSide::backup(path),
        OldSource::Snapshot(path) => ReducedSide::snapshot(path),
    }
}

/// Reads both sides reduced: the new one on a task of its own, so that the two sides'
/// parsing can use two cores, the old one from `source`.
async fn read_both(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    progress: &Progress,
) -> Result<(ReducedSide, String, ReducedSide), VerifyError> {
    // The guard stops the new side's task if this future is dropped before it ends.
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
    Ok((old, new_server, new))
}

/// The report of a verification without the mailboxes, for a face that shows only the
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
    let (old, new_server, new) = read_both(profile, account, source, progress).await?;
    let mut report = report_reduced(profile, old, &new_server, new, lang)?;
    report.run.address = Some(account.address.clone());
    Ok(report)
}

/// Gathers both sides (concurrently: two servers, two connections) and compares them; the
/// report comes with what a restore from it needs ([`RestoreBasis`]).
pub async fn verify(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    verify_with(profile, account, source, lang, &silent()).await
}

/// The whole verify use case for a face that may restore afterwards (the full-screen verify,
/// `ikou restore`): [`verify`] with each folder of each side reported to `progress` as it is
/// read. Memory as for [`verify_report`], plus the findings' old copies.
pub async fn verify_with(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
    progress: &Progress,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    let (old, new_server, new) = read_both(profile, account, source, progress).await?;
    let (mut report, basis) = report_with_basis(profile, old, &new_server, new, lang)?;
    report.run.address = Some(account.address.clone());
    Ok((report, basis))
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
    compare_reduced(profile, old, new_server, new, lang, |_, _, _| ()).map(|(report, ())| report)
}

/// [`report_reduced`] with what a restore from the report needs.
pub fn report_with_basis(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    compare_reduced(
        profile,
        old,
        new_server,
        new,
        lang,
        |report, listing, old| {
            let find = |folder: &str, uid: u32| {
                let at = listing.old.iter().position(|f| f.folder.name == folder)?;
                let index = listing.old.get(at)?.position(uid)?;
                let info = old.envelopes.message(at, index);
                Some((info, old.envelopes.record(at, index)))
            };
            RestoreBasis::gather(
                report,
                old.source.clone(),
                listing.old.iter().map(|f| f.folder.clone()).collect(),
                listing.new.iter().map(|f| f.folder.clone()).collect(),
                find,
                old.envelopes.manifest(),
            )
        },
    )
}

/// The comparison of two reduced sides, and `more` taken from it while the envelopes are
/// still at hand; checked for a failed read-back of the envelopes after both.
fn compare_reduced<T>(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
    more: impl FnOnce(&VerifyReport, &Listing, &OldSide) -> T,
) -> Result<(VerifyReport, T), VerifyError> {
    let listing = Listing::new(old.folders, new.folders);
    let details = BothEnvelopes {
        old: &old.envelopes,
        new: &new.envelopes,
    };
    let report = report_listed(profile, &old.source, new_server, &listing, &details, lang);
    let old = OldSide {
        source: old.source,
        envelopes: old.envelopes,
    };
    let extra = more(&report, &listing, &old);
    if let Some(e) = old.envelopes.failure().or_else(|| new.envelopes.failure()) {
        return Err(spill_error(e));
    }
    Ok((report, extra))
}

/// The old side once its folders went into the comparison's listing.
struct OldSide {
    source: SourceInfo,
    envelopes: Envelopes,
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

#[cfg(test)]
mod tests;
