//! # Verify the migration: old mailbox against new, folder by folder and message by message
//!
//! Gathers both sides (the old one live, from a snapshot or from a backup's manifest; the new
//! one always live), maps folders (profile overrides first, see `compare::mapping`), runs the
//! pure comparison with the profile's limits and returns a [`VerifyReport`]. Nothing here
//! prints; `cli::verify` renders the report. Both servers are only read (EXAMINE, BODY.PEEK).

mod archived;
pub mod basis;
pub mod gather;
mod records;
mod reduced;
pub mod restore;
pub mod snapshot;
mod snapshot_side;
pub mod spill;

pub use basis::RestoreBasis;
pub use reduced::{
    Envelopes, ReducedSide, reduce_session, report_reduced, report_with_basis, verify,
    verify_report, verify_with,
};
pub use snapshot_side::{snapshot_session, take_snapshot};

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;
use thiserror::Error;

use super::progress::{Progress, ReadStep, silent};
use super::{AccountRef, ServiceError, open_read_session};
use crate::archive::{ArchiveError, Manifest};
use crate::compare::findings::compare_listed;
use crate::compare::listing::{Details, InMemory, Listing};
use crate::compare::mapping::evidence::{Evidence, map_listed};
use crate::compare::mapping::{MapReason, Mapping};
use crate::compare::result::{Comparison, Finding, FindingKind, Limits};
use crate::compare::rules::NameRule;
use crate::compare::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::model::{FolderInfo, FolderMessages, SpecialUse};
use crate::profile::{Profile, Side};
use gather::{Collector, Whole};
use snapshot::{SnapshotError, SnapshotHead};

#[derive(Debug, Error)]
pub enum VerifyError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("{path}: cannot read: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    #[error(
        "no folder named {name:?} on either server; use a name from the \"Folder mapping\" table of `ikou verify`"
    )]
    UnknownFolder { name: String },
    #[error(
        "the old and the new server in the profile are the same ({server}); restore refuses to write there"
    )]
    SameServer { server: String },
}

impl From<crate::imap::ImapError> for VerifyError {
    fn from(e: crate::imap::ImapError) -> Self {
        VerifyError::Service(ServiceError::Imap(e))
    }
}

/// Where the old side of the comparison comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OldSource {
    /// The old server, read live.
    Live,
    /// A file from `ikou snapshot`.
    Snapshot(PathBuf),
    /// An ikou backup zip; its manifest lists every archived message.
    Backup(PathBuf),
}

impl OldSource {
    /// A zip (by its magic bytes) is a backup, anything else is read as a snapshot.
    pub fn from_file(path: &Path) -> Result<Self, VerifyError> {
        use std::io::Read;
        let mut magic = [0u8; 4];
        let read = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut magic))
            .map_err(|e| VerifyError::Unreadable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            })?;
        Ok(if read == 4 && magic[..2] == *b"PK" {
            OldSource::Backup(path.to_path_buf())
        } else {
            OldSource::Snapshot(path.to_path_buf())
        })
    }
}

/// What the old side was read from, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// `live`, `snapshot` or `backup`.
    pub kind: &'static str,
    /// The server the data describes.
    pub server: String,
    pub file: Option<String>,
    /// When a snapshot or backup was taken (RFC 3339).
    pub taken: Option<String>,
}

/// The old mailbox, from whichever source.
#[derive(Debug, Clone)]
pub struct OldMailbox {
    pub source: SourceInfo,
    pub folders: Vec<FolderMessages>,
    /// The backup manifest when the source is a backup (restore reads bytes through it).
    pub manifest: Option<Manifest>,
}

impl SourceInfo {
    /// The old server, read live.
    pub fn live(server: String) -> Self {
        SourceInfo {
            kind: "live",
            server,
            file: None,
            taken: None,
        }
    }

    /// The snapshot at `path`, as its head describes it.
    pub fn snapshot(path: &Path, head: &SnapshotHead) -> Self {
        SourceInfo {
            kind: "snapshot",
            server: head.server.clone(),
            file: Some(path.display().to_string()),
            taken: Some(head.taken.clone()),
        }
    }

    /// The backup at `path`, as its manifest describes it.
    pub fn backup(path: &Path, manifest: &Manifest) -> Self {
        SourceInfo {
            kind: "backup",
            server: manifest.server.clone(),
            file: Some(path.display().to_string()),
            taken: Some(manifest.updated.clone()),
        }
    }
}

impl OldMailbox {
    /// The old mailbox as read live from `server`.
    pub fn live(server: String, folders: Vec<FolderMessages>) -> Self {
        OldMailbox {
            source: SourceInfo::live(server),
            folders,
            manifest: None,
        }
    }

    /// The old mailbox as the snapshot at `path` describes it.
    pub fn snapshot(path: &Path, head: &SnapshotHead, folders: Vec<FolderMessages>) -> Self {
        OldMailbox {
            source: SourceInfo::snapshot(path, head),
            folders,
            manifest: None,
        }
    }

    /// The old mailbox as the backup at `path` holds it: `folders` read from its manifest.
    pub fn backup(path: &Path, manifest: Manifest, folders: Vec<FolderMessages>) -> Self {
        OldMailbox {
            source: SourceInfo::backup(path, &manifest),
            folders,
            manifest: Some(manifest),
        }
    }
}

/// One line of the mapping with its reason in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingLine {
    pub old: String,
    pub new: String,
    pub reason: MapReason,
    pub reason_text: String,
    /// True when the new folder does not exist yet (an override to a new name).
    pub new_exists: bool,
    /// How many of the old folder's messages the new folder holds ("15 of 15 found here");
    /// absent when no messages were listed.
    pub evidence: Option<Evidence>,
    pub evidence_text: Option<String>,
}

/// The short list people look for first; every entry is also in `comparison.findings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Summary {
    /// Missing messages whose old folder is a Sent folder: the ones users restore.
    pub sent_missing: u64,
    pub missing: u64,
    pub duplicates: u64,
    pub garbled: u64,
    pub oversize: u64,
    pub extras: u64,
    pub unmapped_old: Vec<String>,
    pub unmapped_new: Vec<String>,
}

/// Everything `ikou verify` reports.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Address, profile, time and ikou's version.
    #[serde(flatten)]
    pub run: crate::report::RunInfo,
    /// One line: "OK: …" or the differences that matter most, always in English (stable for
    /// scripts and logs; the same whatever `--lang` is).
    pub verdict: String,
    /// The same line in the reader's language.
    pub verdict_text: String,
    /// The helpdesk's state code (`V<phase>-…-<check>`), for `ikou explain`.
    pub state_code: String,
    pub status: ExitStatus,
    pub old: SourceInfo,
    pub new_server: String,
    pub limits: Limits,
    pub mapping: Vec<MappingLine>,
    pub summary: Summary,
    pub comparison: Comparison,
    /// The folder mapping as the comparison used it (also for restore).
    #[serde(skip)]
    pub raw_mapping: Mapping,
}

impl VerifyReport {
    /// Process exit status: 0 all matches, 1 differences.
    pub fn exit_code(&self) -> i32 {
        self.status.code()
    }
}

/// The comparison limits from the profile.
pub fn limits_of(profile: &Profile) -> Limits {
    Limits {
        max_message_bytes: profile.limits.max_message_bytes(),
        junk_retention_days: u32::try_from(profile.limits.junk_retention_days).unwrap_or(u32::MAX),
    }
}

/// Reads the old mailbox from the chosen source.
pub async fn old_mailbox(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
) -> Result<OldMailbox, VerifyError> {
    old_mailbox_with(profile, account, source, &silent()).await
}

/// [`old_mailbox`] with progress (a live read reports each folder).
pub async fn old_mailbox_with(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    progress: &Progress,
) -> Result<OldMailbox, VerifyError> {
    match source {
        OldSource::Live => {
            let session = open_read_session(profile, Side::Old, account).await?;
            let (server, folders) = read_mailbox(session, Side::Old, progress).await;
            Ok(OldMailbox::live(server, folders?))
        }
        OldSource::Snapshot(path) => snapshot_mailbox(path),
        OldSource::Backup(path) => {
            let manifest = Manifest::read_from_zip(path)?;
            let mut folders = gather::manifest_mailbox(&manifest);
            let mut reader = crate::archive::ArchiveReader::open(path)?;
            gather::hash_archived_bodies(&mut reader, &manifest, &mut folders)?;
            Ok(OldMailbox::backup(path, manifest, folders))
        }
    }
}

/// The old mailbox from a file written by `ikou snapshot`, read whole (a verification
/// reads it one message at a time: `ReducedSide::snapshot`).
pub fn snapshot_mailbox(path: &Path) -> Result<OldMailbox, VerifyError> {
    let mut whole = Whole::default();
    let head = snapshot::read_snapshot(path, &mut whole)?;
    Ok(OldMailbox::snapshot(path, &head, whole.0))
}

/// Reads a whole mailbox over an open read-only session (however it was signed in: the
/// person's credentials or the centre's admin access), reporting each folder, and signs
/// out. Returns the server's name and the folders.
pub async fn read_mailbox(
    session: crate::imap::ReadSession,
    side: Side,
    progress: &Progress,
) -> (String, Result<Vec<FolderMessages>, ServiceError>) {
    let (server, result) = read_into(session, side, progress, Whole::default()).await;
    (server, result.map(|whole| whole.0))
}

/// [`read_mailbox`] into any collector.
async fn read_into<C: Collector + Send>(
    mut session: crate::imap::ReadSession,
    side: Side,
    progress: &Progress,
    mut collector: C,
) -> (String, Result<C, ServiceError>) {
    progress(ReadStep::Connected(side));
    let mut each = |done: usize, total: usize, folder: &str| {
        progress(ReadStep::Folder {
            side,
            done,
            total,
            folder: folder.to_string(),
        });
    };
    let result = gather::live_into(&mut session, &mut collector, &mut each).await;
    let server = session.server().to_string();
    session.logout().await;
    (server, result.map(|()| collector))
}

/// Reads the new mailbox live (read-only).
pub async fn new_mailbox(
    profile: &Profile,
    account: &AccountRef,
) -> Result<(String, Vec<FolderMessages>), VerifyError> {
    new_mailbox_with(profile, account, &silent()).await
}

/// [`new_mailbox`] with progress.
pub async fn new_mailbox_with(
    profile: &Profile,
    account: &AccountRef,
    progress: &Progress,
) -> Result<(String, Vec<FolderMessages>), VerifyError> {
    let session = open_read_session(profile, Side::New, account).await?;
    let (server, result) = read_mailbox(session, Side::New, progress).await;
    Ok((server, result?))
}

/// The header block of one message (EXAMINE + `BODY.PEEK[HEADER]`, nothing marked read),
/// for a person checking what a finding is about. `None` when the UID is gone.
pub async fn message_header(
    profile: &Profile,
    account: &AccountRef,
    side: Side,
    raw_folder: &str,
    uid: u32,
) -> Result<Option<Vec<u8>>, VerifyError> {
    let mut session = open_read_session(profile, side, account).await?;
    let fetched = async {
        session.examine(raw_folder).await?;
        session.fetch_header(uid).await
    }
    .await;
    session.logout().await;
    Ok(fetched?)
}

/// The pure part: mapping, comparison, summary and verdict.
pub fn build_report(
    profile: &Profile,
    old: &OldMailbox,
    new_server: &str,
    new: &[FolderMessages],
    lang: Lang,
) -> VerifyReport {
    let listing = Listing::of(&old.folders, new);
    let details = InMemory {
        old: &old.folders,
        new,
    };
    report_listed(profile, &old.source, new_server, &listing, &details, lang)
}

/// [`build_report`] over both mailboxes as compact identities (see `compare::listing`);
/// `details` gives the envelopes of the messages the findings are about.
pub fn report_listed(
    profile: &Profile,
    old_source: &SourceInfo,
    new_server: &str,
    listing: &Listing,
    details: &dyn Details,
    lang: Lang,
) -> VerifyReport {
    let overrides: Vec<(String, String)> = profile
        .folder_map
        .iter()
        .map(|(o, n)| (o.clone(), n.clone()))
        .collect();
    let old_infos: Vec<FolderInfo> = listing.old.iter().map(|f| f.folder.clone()).collect();
    let new_infos: Vec<FolderInfo> = listing.new.iter().map(|f| f.folder.clone()).collect();
    let mapping = map_listed(listing, &overrides);
    let limits = limits_of(profile);
    let comparison = compare_listed(listing, details, &mapping, &limits, Utc::now());
    let summary = summarise(&comparison, &mapping, &old_infos);
    let lines = mapping
        .entries
        .iter()
        .map(|e| MappingLine {
            old: e.old.clone(),
            new: e.new.clone(),
            reason: e.reason,
            reason_text: e.reason.describe(lang),
            new_exists: new_infos.iter().any(|f| f.name == e.new),
            evidence: e.evidence,
            evidence_text: e
                .evidence
                .map(|ev| tr!(lang, "verify-map-evidence", found = ev.found, count = ev.of)),
        })
        .collect();
    let mut report = VerifyReport {
        run: crate::report::RunInfo::now(Some(profile), None),
        verdict: comparison.verdict(Lang::En),
        verdict_text: comparison.verdict(lang),
        state_code: String::new(),
        status: comparison.exit_status(),
        old: old_source.clone(),
        new_server: new_server.to_string(),
        limits,
        mapping: lines,
        summary,
        comparison,
        raw_mapping: mapping,
    };
    let phase = profile.dates.phase(chrono::Local::now().date_naive());
    report.state_code = state_code(&report, phase).to_string();
    report
}

/// The helpdesk's state code of a verify run (see [`crate::helpdesk::code`]).
pub fn state_code(
    report: &VerifyReport,
    phase: crate::profile::Phase,
) -> crate::helpdesk::StateCode {
    let summary = &report.summary;
    crate::helpdesk::StateCode::Verify {
        phase: phase.digit(),
        missing: summary.missing,
        unproven: report.comparison.totals.unproven,
        duplicates: summary.duplicates,
        garbled: summary.garbled,
        oversize: summary.oversize,
        unmapped: summary.unmapped_old.len() as u64,
    }
}

/// True when the finding's old folder is a Sent folder (by its attribute or by the rule that
/// mapped it): the items the seed briefing asks users to carry over themselves.
pub fn is_sent_finding(finding: &Finding, mapping: &Mapping, old: &[FolderInfo]) -> bool {
    let Some(name) = finding.old_folder.as_deref() else {
        return false;
    };
    let by_attribute = old
        .iter()
        .any(|f| f.name == name && f.special_use == Some(SpecialUse::Sent));
    let by_rule = mapping.new_for(name).is_some_and(|e| {
        matches!(
            e.reason,
            MapReason::SpecialUse(SpecialUse::Sent) | MapReason::NameRule(NameRule::Sent)
        )
    });
    by_attribute || by_rule
}

fn summarise(comparison: &Comparison, mapping: &Mapping, old: &[FolderInfo]) -> Summary {
    let t = &comparison.totals;
    Summary {
        sent_missing: comparison
            .of_kind(FindingKind::Missing)
            .filter(|f| is_sent_finding(f, mapping, old))
            .count() as u64,
        missing: t.missing,
        duplicates: t.duplicates,
        garbled: t.garbled,
        oversize: t.oversize,
        extras: t.extras,
        // Old folders with nothing on new to compare with: unmapped, or missing there.
        unmapped_old: mapping
            .unmapped_old
            .iter()
            .cloned()
            .chain(
                mapping
                    .entries
                    .iter()
                    .filter(|e| e.reason == MapReason::NotOnNew)
                    .map(|e| e.old.clone()),
            )
            .collect(),
        unmapped_new: mapping.unmapped_new.clone(),
    }
}
