//! # What `ikou local upload` would send: the local folders against the new server (pure)
//!
//! The verify rules decide: folders are mapped by name (a folder the new server lacks goes
//! into one of the same name), messages matched by identity, and what is only here is
//! planned, unless it is above the new server's size limit or its folder is left out.

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;

use super::{LocalMailbox, LocalServiceError, folder_info};
use crate::compare::findings::compare;
use crate::compare::mapping::{MapEntry, MapReason, map_folders};
use crate::compare::result::{Finding, FindingKind, Limits};
use crate::local::{FolderFile, Store};
use crate::model::{FolderInfo, FolderMessages, SpecialUse};

/// What to upload and whether to do it.
#[derive(Debug, Clone, Default)]
pub struct UploadOptions {
    pub thunderbird: Option<PathBuf>,
    /// Local folders (`folder` or `account/folder`); empty: every folder except Trash,
    /// Junk and Thunderbird's outbox (`Unsent Messages`).
    pub folders: Vec<String>,
    pub apply: bool,
}

/// Why a folder is not uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// Trash, Junk or the outbox, left out unless named with `--folder`.
    NotByDefault,
    /// Other folders were named with `--folder`.
    NotChosen,
}

/// One local folder against the new server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderComparison {
    pub store: String,
    pub folder: String,
    pub new_folder: String,
    /// The new folder does not exist yet (created when applying).
    pub new_folder_missing: bool,
    pub messages: u64,
    /// Found on the new server (in this folder or elsewhere).
    pub on_new: u64,
    pub only_here: u64,
    pub only_here_bytes: u64,
    /// Only here, but above the new server's size limit.
    pub oversize: u64,
    pub skipped: Option<Skipped>,
}

/// One message to upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadItem {
    pub store: String,
    pub folder: String,
    pub new_folder: String,
    pub sha256: String,
    pub size: u64,
    pub date: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    /// Identity key (`mid:…` / `fp:…`).
    pub key: String,
    pub flags: Vec<String>,
    pub internal_date: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadOutcome {
    Appended,
    /// Found on the new server right before appending.
    AlreadyPresent,
    /// No longer in the local folder (deleted or changed since the plan).
    Gone,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadResult {
    #[serde(flatten)]
    pub item: UploadItem,
    pub outcome: UploadOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of `ikou local upload`, planned or applied.
#[derive(Debug, Clone, Serialize)]
pub struct UploadReport {
    pub profile: PathBuf,
    pub new_server: String,
    pub applied: bool,
    pub limit_bytes: u64,
    pub folders: Vec<FolderComparison>,
    pub plan: Vec<UploadItem>,
    pub plan_bytes: u64,
    /// Only on this PC but too large for the new server: never sent.
    pub oversize: Vec<UploadItem>,
    pub folders_to_create: Vec<String>,
    pub results: Vec<UploadResult>,
    pub appended: u64,
    pub already_present: u64,
    pub failed: u64,
    pub changed: Vec<String>,
    /// The upload was stopped between two messages; `appended` says how many went.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

/// Progress of an upload, for a gauge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadEvent {
    /// Appending starts: the plan's messages and bytes.
    Started { messages: u64, bytes: u64 },
    /// One planned message was handled (appended, found already there, or failed).
    Item {
        new_folder: String,
        bytes: u64,
        outcome: UploadOutcome,
    },
}

/// Where upload progress goes (the TUI's gauge; the CLI passes none).
pub type UploadSink = std::sync::Arc<dyn Fn(UploadEvent) + Send + Sync>;

fn excluded_by_default(folder: &FolderFile) -> bool {
    matches!(
        folder.special_use,
        Some(SpecialUse::Trash | SpecialUse::Junk)
    ) || (!folder.name.contains('/') && folder.name.eq_ignore_ascii_case("Unsent Messages"))
}

fn chosen(options: &UploadOptions, store: &Store, folder: &FolderFile) -> Option<Skipped> {
    if options.folders.is_empty() {
        return excluded_by_default(folder).then_some(Skipped::NotByDefault);
    }
    let full = format!("{}/{}", store.name, folder.name);
    let named = options
        .folders
        .iter()
        .any(|w| *w == folder.name || *w == full);
    (!named).then_some(Skipped::NotChosen)
}

/// The plain comparison of local mailboxes with the new one (no I/O).
pub fn plan(
    profile: &Path,
    mailboxes: &[LocalMailbox],
    new_server: &str,
    new: &[FolderMessages],
    options: &UploadOptions,
    limits: &Limits,
) -> Result<UploadReport, LocalServiceError> {
    for want in &options.folders {
        let known = mailboxes.iter().any(|mb| {
            mb.folders.iter().any(|f| {
                f.file.name == *want || format!("{}/{}", mb.store.name, f.file.name) == *want
            })
        });
        if !known {
            return Err(LocalServiceError::UnknownFolder { name: want.clone() });
        }
    }
    let new_infos: Vec<FolderInfo> = new.iter().map(|f| f.folder.clone()).collect();
    let delimiter = new_infos.iter().find_map(|f| f.delimiter).unwrap_or('/');
    let mut report = UploadReport {
        profile: profile.to_path_buf(),
        new_server: new_server.to_string(),
        applied: false,
        limit_bytes: limits.max_message_bytes,
        folders: Vec::new(),
        plan: Vec::new(),
        plan_bytes: 0,
        oversize: Vec::new(),
        folders_to_create: Vec::new(),
        results: Vec::new(),
        appended: 0,
        already_present: 0,
        failed: 0,
        changed: Vec::new(),
        cancelled: false,
    };
    for mb in mailboxes {
        let old: Vec<FolderMessages> = mb
            .folders
            .iter()
            .filter(|f| f.file.selectable)
            .map(|f| FolderMessages {
                folder: FolderInfo {
                    messages: u32::try_from(f.messages.len()).unwrap_or(u32::MAX),
                    size: f.messages.iter().map(|m| m.info.size).sum(),
                    ..folder_info(&f.file, f.file.name.clone(), f.file.name.clone())
                },
                messages: f.messages.iter().map(|m| m.info.clone()).collect(),
            })
            .collect();
        let old_infos: Vec<FolderInfo> = old.iter().map(|f| f.folder.clone()).collect();
        let mut mapping = map_folders(&old_infos, &new_infos, &[]);
        // A filed folder the new server lacks goes into a folder of the same name.
        for name in std::mem::take(&mut mapping.unmapped_old) {
            mapping.entries.push(MapEntry {
                new: name.replace('/', &delimiter.to_string()),
                old: name,
                reason: MapReason::SamePath,
                evidence: None,
            });
        }
        let comparison = compare(&old, new, &mapping, limits, Utc::now());
        for f in mb.folders.iter().filter(|f| f.file.selectable) {
            if f.read.changed {
                report
                    .changed
                    .push(format!("{}/{}", mb.store.name, f.file.name));
            }
            let Some(entry) = mapping.new_for(&f.file.name) else {
                continue;
            };
            let of_folder = |kind: FindingKind| {
                comparison
                    .of_kind(kind)
                    .filter(|x| x.old_folder.as_deref() == Some(f.file.name.as_str()))
                    .collect::<Vec<&Finding>>()
            };
            let missing = of_folder(FindingKind::Missing);
            let oversize = of_folder(FindingKind::Oversize);
            let skipped = chosen(options, &mb.store, &f.file);
            let item = |finding: &Finding| -> Option<UploadItem> {
                let m = finding.message.as_ref()?;
                let local = f.messages.iter().find(|l| l.info.uid == m.uid)?;
                Some(UploadItem {
                    store: mb.store.name.clone(),
                    folder: f.file.name.clone(),
                    new_folder: entry.new.clone(),
                    sha256: local.sha256.clone(),
                    size: local.info.size,
                    date: local.info.date.clone(),
                    from: local.info.from.clone(),
                    subject: local.info.subject.clone(),
                    key: m.key.clone(),
                    flags: local.info.flags.clone(),
                    internal_date: local.info.internal_date.clone(),
                })
            };
            let new_missing = !new_infos.iter().any(|n| n.name == entry.new);
            let only_here = (missing.len() + oversize.len()) as u64;
            report.folders.push(FolderComparison {
                store: mb.store.name.clone(),
                folder: f.file.name.clone(),
                new_folder: entry.new.clone(),
                new_folder_missing: new_missing,
                messages: f.messages.len() as u64,
                on_new: f.messages.len() as u64 - only_here.min(f.messages.len() as u64),
                only_here,
                only_here_bytes: missing
                    .iter()
                    .chain(&oversize)
                    .filter_map(|x| x.message.as_ref().map(|m| m.size))
                    .sum(),
                oversize: oversize.len() as u64,
                skipped,
            });
            if skipped.is_some() {
                continue;
            }
            report.plan.extend(missing.into_iter().filter_map(item));
            report
                .oversize
                .extend(oversize.into_iter().filter_map(item));
            if new_missing
                && report.plan.iter().any(|i| i.new_folder == entry.new)
                && !report.folders_to_create.contains(&entry.new)
            {
                report.folders_to_create.push(entry.new.clone());
            }
        }
    }
    report.plan_bytes = report.plan.iter().map(|i| i.size).sum();
    Ok(report)
}
