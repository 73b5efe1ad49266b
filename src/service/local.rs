//! # The PC's own mail: inventory, backup and upload to the new server
//!
//! `inventory` lists what Thunderbird's Local Folders and POP accounts hold (only on this
//! PC); `backup` writes it into the eml-in-zip format under `Local/<account>/<folder>`;
//! `upload` compares it with the new server by message identity (the verify rules:
//! `compare::mapping`, `compare::findings`) and plans, and with `apply` performs, one APPEND
//! per message that exists only on the PC. The local files are only ever opened for
//! reading; the new server is only written through `imap::WriteSession`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

use super::verify::gather::HEADER_FIELDS;
use super::verify::restore::refuse_same_server;
use super::verify::{VerifyError, limits_of, new_mailbox};
use super::{AccountRef, ServiceError, open_write_session};
use crate::archive::{Added, ArchiveError, ArchiveUpdate, MessageKey, SourceKind, UpdateOptions};
use crate::compare::findings::compare;
use crate::compare::identity::Identity;
use crate::compare::mapping::{MapEntry, MapReason, map_folders};
use crate::compare::result::{Finding, FindingKind};
use crate::local::{self, FolderFile, LocalError, ReadOutcome, Store, StoreKind, Visit};
use crate::mail::envelope::Envelope;
use crate::model::{FolderInfo, FolderMessages, MessageInfo, SpecialUse};
use crate::profile::Profile;

/// The top-level folder of local mail in a backup.
pub const BACKUP_ROOT: &str = "Local";

#[derive(Debug, Error)]
pub enum LocalServiceError {
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error(transparent)]
    Verify(#[from] VerifyError),
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error(
        "no local folder named {name:?}; use a name from `ikou local` (account/folder or folder)"
    )]
    UnknownFolder { name: String },
}

impl From<crate::imap::ImapError> for LocalServiceError {
    fn from(e: crate::imap::ImapError) -> Self {
        Self::Service(ServiceError::Imap(e))
    }
}

/// One local message: its envelope and the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct LocalMessage {
    pub info: MessageInfo,
    pub sha256: String,
}

/// One folder as read from disk.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    pub file: FolderFile,
    pub messages: Vec<LocalMessage>,
    pub expunged: u64,
    pub expunged_bytes: u64,
    pub read: ReadOutcome,
}

/// One store with all its folders read.
#[derive(Debug, Clone)]
pub struct LocalMailbox {
    pub store: Store,
    pub folders: Vec<LocalFolder>,
}

/// Reads every folder of every local store (envelopes and hashes, not the bodies' meaning).
pub fn read_all(profile: &Path) -> Result<Vec<LocalMailbox>, LocalError> {
    local::store::stores(profile)?
        .into_iter()
        .map(|store| {
            let folders = local::store::folders(&store)?
                .into_iter()
                .map(read_one)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(LocalMailbox { store, folders })
        })
        .collect()
}

fn read_one(file: FolderFile) -> Result<LocalFolder, LocalError> {
    let mut folder = LocalFolder {
        file,
        messages: Vec::new(),
        expunged: 0,
        expunged_bytes: 0,
        read: ReadOutcome::default(),
    };
    if !folder.file.selectable {
        return Ok(folder);
    }
    let path = folder.file.path.clone();
    let mut messages = Vec::new();
    let (mut expunged, mut expunged_bytes) = (0, 0);
    let read = local::store::read_folder::<std::convert::Infallible>(&path, &mut |visit| {
        match visit {
            Visit::Message(m) => {
                let mut info = local::message_info(&m);
                info.uid = u32::try_from(messages.len() + 1).unwrap_or(u32::MAX);
                messages.push(LocalMessage {
                    info,
                    sha256: local::sha256_hex(&m.bytes),
                });
            }
            Visit::Expunged(m) => {
                expunged += 1;
                expunged_bytes += m.bytes.len() as u64;
            }
            Visit::Restart => {
                messages.clear();
                (expunged, expunged_bytes) = (0, 0);
            }
        }
        Ok(())
    });
    folder.read = match read {
        Ok(r) => r,
        Err(Err(e)) => return Err(e),
        Err(Ok(never)) => match never {},
    };
    folder.messages = messages;
    folder.expunged = expunged;
    folder.expunged_bytes = expunged_bytes;
    Ok(folder)
}

// ---------------------------------------------------------------------------------------
// Inventory

/// One folder in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderSummary {
    pub name: String,
    pub file: PathBuf,
    pub special_use: Option<SpecialUse>,
    pub selectable: bool,
    pub messages: u64,
    pub bytes: u64,
    /// Deleted in Thunderbird but still in the file until it is compacted; not counted.
    pub expunged: u64,
    pub expunged_bytes: u64,
    pub file_bytes: u64,
    /// The file kept changing while it was read (Thunderbird was writing to it).
    pub changed_while_read: bool,
    /// The last message was left out because it may still have been written.
    pub dropped_tail: bool,
}

/// One store in the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoreSummary {
    pub name: String,
    pub kind: StoreKind,
    pub hostname: String,
    pub directory: PathBuf,
    pub folders: Vec<FolderSummary>,
    pub messages: u64,
    pub bytes: u64,
}

/// What `ikou local` shows: the mail that exists only on this PC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalInventory {
    pub profile: PathBuf,
    pub stores: Vec<StoreSummary>,
    pub messages: u64,
    pub bytes: u64,
    /// Folders that changed while read (close Thunderbird and run again to be sure).
    pub changed: Vec<String>,
}

pub fn summarise(profile: &Path, mailboxes: &[LocalMailbox]) -> LocalInventory {
    let stores: Vec<StoreSummary> = mailboxes
        .iter()
        .map(|mb| {
            let folders: Vec<FolderSummary> = mb
                .folders
                .iter()
                .map(|f| FolderSummary {
                    name: f.file.name.clone(),
                    file: f.file.path.clone(),
                    special_use: f.file.special_use,
                    selectable: f.file.selectable,
                    messages: f.messages.len() as u64,
                    bytes: f.messages.iter().map(|m| m.info.size).sum(),
                    expunged: f.expunged,
                    expunged_bytes: f.expunged_bytes,
                    file_bytes: f.read.file_bytes,
                    changed_while_read: f.read.changed,
                    dropped_tail: f.read.dropped_tail,
                })
                .collect();
            StoreSummary {
                name: mb.store.name.clone(),
                kind: mb.store.kind,
                hostname: mb.store.hostname.clone(),
                directory: mb.store.directory.clone(),
                messages: folders.iter().map(|f| f.messages).sum(),
                bytes: folders.iter().map(|f| f.bytes).sum(),
                folders,
            }
        })
        .collect();
    let changed = stores
        .iter()
        .flat_map(|s| {
            s.folders
                .iter()
                .filter(|f| f.changed_while_read)
                .map(move |f| format!("{}/{}", s.name, f.name))
        })
        .collect();
    LocalInventory {
        profile: profile.to_path_buf(),
        messages: stores.iter().map(|s| s.messages).sum(),
        bytes: stores.iter().map(|s| s.bytes).sum(),
        stores,
        changed,
    }
}

/// Finds the profile (given, or in the usual places) and lists its local mail.
pub fn inventory(thunderbird: Option<&Path>) -> Result<LocalInventory, LocalError> {
    let profile = local::store::find_profile(thunderbird)?;
    let mailboxes = read_all(&profile)?;
    Ok(summarise(&profile, &mailboxes))
}

// ---------------------------------------------------------------------------------------
// Backup

/// What `ikou local backup` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocalBackupReport {
    pub profile: PathBuf,
    pub archive: PathBuf,
    pub added: u64,
    pub already: u64,
    /// Messages in the backup after the run.
    pub messages: u64,
    pub rewritten: bool,
    pub archive_bytes: u64,
    pub changed: Vec<String>,
}

/// The backup folder name of a local folder: `Local/<account>/<folder>`.
pub fn backup_folder_name(store: &Store, folder: &str) -> String {
    format!("{BACKUP_ROOT}/{}/{folder}", store.name.replace('/', "_"))
}

/// Backs the local folders up into `output` (created or extended; resumable like a
/// server backup: an interrupted run continues, a rerun adds only new messages).
pub fn backup(
    thunderbird: Option<&Path>,
    output: &Path,
    account: &str,
) -> Result<LocalBackupReport, LocalServiceError> {
    let profile = local::store::find_profile(thunderbird)?;
    let profile_name = profile
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let options = UpdateOptions::new(
        format!("thunderbird:{profile_name}"),
        account,
        SourceKind::Local,
    );
    let (mut update, _prior) = ArchiveUpdate::open(output, options)?;
    let (mut added, mut already) = (0u64, 0u64);
    let mut changed = Vec::new();
    for store in local::store::stores(&profile)? {
        for file in local::store::folders(&store)? {
            let name = backup_folder_name(&store, &file.name);
            let info = FolderInfo {
                name: name.clone(),
                raw_name: file.path.to_string_lossy().into_owned(),
                delimiter: Some('/'),
                special_use: file.special_use,
                selectable: file.selectable,
                messages: 0,
                unseen: None,
                uid_next: None,
                uid_validity: None,
                size: 0,
            };
            update.folder(&info)?;
            if !file.selectable {
                continue;
            }
            let mut copies: HashMap<String, u32> = HashMap::new();
            let read = local::store::read_folder::<ArchiveError>(&file.path, &mut |visit| {
                match visit {
                    Visit::Message(m) => {
                        let sha = local::sha256_hex(&m.bytes);
                        let copy = copies.entry(sha.clone()).or_insert(0);
                        *copy += 1;
                        let key = MessageKey::Uidl(local::archive_key(&sha, *copy));
                        let info = local::message_info(&m);
                        match update.add(&name, key, &info, m.bytes)? {
                            Added::Queued { .. } => added += 1,
                            Added::AlreadyArchived => already += 1,
                        }
                    }
                    Visit::Expunged(_) => {}
                    Visit::Restart => copies.clear(),
                }
                Ok(())
            });
            match read {
                Ok(r) if r.changed => changed.push(format!("{}/{}", store.name, file.name)),
                Ok(_) => {}
                Err(Ok(e)) => return Err(e.into()),
                Err(Err(e)) => return Err(e.into()),
            }
        }
    }
    let report = update.commit()?;
    Ok(LocalBackupReport {
        profile,
        archive: report.path,
        added,
        already,
        messages: report.messages as u64,
        rewritten: report.rewritten,
        archive_bytes: report.archive_bytes,
        changed,
    })
}

// ---------------------------------------------------------------------------------------
// Compare and upload

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
    limits: &crate::compare::result::Limits,
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
                    name: f.file.name.clone(),
                    raw_name: f.file.name.clone(),
                    delimiter: Some('/'),
                    special_use: f.file.special_use,
                    selectable: true,
                    messages: u32::try_from(f.messages.len()).unwrap_or(u32::MAX),
                    unseen: None,
                    uid_next: None,
                    uid_validity: None,
                    size: f.messages.iter().map(|m| m.info.size).sum(),
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

/// Compares the local folders with the new server and, with `options.apply`, uploads what
/// exists only on this PC.
pub async fn upload(
    profile: &Profile,
    account: &AccountRef,
    options: &UploadOptions,
) -> Result<UploadReport, LocalServiceError> {
    upload_with(profile, account, options, None, None).await
}

/// [`upload`] with progress events and a cancel that stops between two messages (what was
/// appended stays; a later run finds it on the new server and does not append it again).
pub async fn upload_with(
    profile: &Profile,
    account: &AccountRef,
    options: &UploadOptions,
    progress: Option<&UploadSink>,
    cancel: Option<&CancellationToken>,
) -> Result<UploadReport, LocalServiceError> {
    if options.apply {
        refuse_same_server(profile)?;
    }
    let given = options.thunderbird.clone();
    let (tb_profile, mailboxes) = tokio::task::spawn_blocking(move || {
        let p = local::store::find_profile(given.as_deref())?;
        let m = read_all(&p)?;
        Ok::<_, LocalError>((p, m))
    })
    .await
    .map_err(|e| LocalError::io(Path::new("."), std::io::Error::other(e)))??;
    let (new_server, new) = new_mailbox(profile, account).await?;
    let limits = limits_of(profile);
    let mut report = plan(&tb_profile, &mailboxes, &new_server, &new, options, &limits)?;
    let stopped = || cancel.is_some_and(CancellationToken::is_cancelled);
    if options.apply && !report.plan.is_empty() && !stopped() {
        if let Some(sink) = progress {
            sink(UploadEvent::Started {
                messages: report.plan.len() as u64,
                bytes: report.plan_bytes,
            });
        }
        let mut writer = open_write_session(profile, account).await?;
        let applied = apply(
            &mut writer,
            &report.plan,
            &mailboxes,
            &new,
            progress,
            cancel,
        )
        .await;
        writer.logout().await;
        let (results, cancelled) = applied?;
        report.results = results;
        report.cancelled = cancelled;
        let count =
            |o: UploadOutcome| report.results.iter().filter(|r| r.outcome == o).count() as u64;
        report.appended = count(UploadOutcome::Appended);
        report.already_present = count(UploadOutcome::AlreadyPresent);
        report.failed = count(UploadOutcome::Failed) + count(UploadOutcome::Gone);
    } else if options.apply && !report.plan.is_empty() {
        report.cancelled = true;
    }
    report.applied = options.apply;
    Ok(report)
}

/// Appends the planned messages, target folder by target folder, re-reading each target's
/// identities first and each local folder's bytes (matched by SHA-256) from disk. Returns
/// the results and whether `cancel` stopped it (then only what was handled is listed).
async fn apply(
    writer: &mut crate::imap::WriteSession,
    plan: &[UploadItem],
    mailboxes: &[LocalMailbox],
    new: &[FolderMessages],
    progress: Option<&UploadSink>,
    cancel: Option<&CancellationToken>,
) -> Result<(Vec<UploadResult>, bool), LocalServiceError> {
    let stopped = || cancel.is_some_and(CancellationToken::is_cancelled);
    let mut cancelled = false;
    let existing = writer.folder_names().await?;
    let mut targets: Vec<&str> = Vec::new();
    for item in plan {
        if !targets.contains(&item.new_folder.as_str()) {
            targets.push(&item.new_folder);
        }
    }
    let mut results = Vec::with_capacity(plan.len());
    for target in targets {
        if cancelled || stopped() {
            cancelled = true;
            break;
        }
        let raw_target = match existing.iter().find(|f| f.name == target) {
            Some(f) => f.raw_name.clone(),
            None => match new.iter().find(|f| f.folder.name == target) {
                Some(f) => f.folder.raw_name.clone(),
                None => writer.create_folder(target).await?,
            },
        };
        let mut present: HashSet<String> = writer
            .folder_headers(&raw_target, &HEADER_FIELDS)
            .await?
            .into_iter()
            .map(|m| {
                let mut info = MessageInfo::default();
                Envelope::parse(&m.header).apply_to(&mut info);
                Identity::of(&info).key()
            })
            .collect();
        let items: Vec<&UploadItem> = plan.iter().filter(|i| i.new_folder == target).collect();
        let mut sources: Vec<(&str, &str)> = Vec::new();
        for i in &items {
            if !sources.contains(&(i.store.as_str(), i.folder.as_str())) {
                sources.push((&i.store, &i.folder));
            }
        }
        for (store, folder) in sources {
            if cancelled {
                break;
            }
            let Some(path) = mailboxes
                .iter()
                .filter(|mb| mb.store.name == store)
                .flat_map(|mb| &mb.folders)
                .find(|f| f.file.name == folder)
                .map(|f| f.file.path.clone())
            else {
                continue;
            };
            let wanted: Vec<&UploadItem> = items
                .iter()
                .copied()
                .filter(|i| i.store == store && i.folder == folder)
                .collect();
            let want: HashSet<String> = wanted.iter().map(|i| i.sha256.clone()).collect();
            // The reader thread hands over one wanted message at a time (bounded), so a
            // large Sent folder is never held in memory at once.
            let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(2);
            let reader = tokio::task::spawn_blocking(move || {
                local::store::read_folder::<()>(&path, &mut |visit| {
                    if let Visit::Message(m) = visit {
                        let sha = local::sha256_hex(&m.bytes);
                        if want.contains(&sha) {
                            tx.blocking_send((sha, m.bytes)).map_err(|_| ())?;
                        }
                    }
                    Ok(())
                })
            });
            let mut done: HashSet<String> = HashSet::new();
            while let Some((sha, data)) = rx.recv().await {
                if done.contains(&sha) {
                    continue;
                }
                if stopped() {
                    cancelled = true;
                    break;
                }
                done.insert(sha.clone());
                for item in wanted.iter().filter(|i| i.sha256 == sha) {
                    let mut result = UploadResult {
                        item: (*item).clone(),
                        outcome: UploadOutcome::Appended,
                        error: None,
                    };
                    if present.contains(&item.key) {
                        result.outcome = UploadOutcome::AlreadyPresent;
                    } else {
                        match writer
                            .append(
                                &raw_target,
                                &data,
                                &item.flags,
                                item.internal_date.as_deref(),
                            )
                            .await
                        {
                            Ok(()) => {
                                tracing::info!(folder = %target, "uploaded");
                                present.insert(item.key.clone());
                            }
                            Err(e) => {
                                result.outcome = UploadOutcome::Failed;
                                result.error = Some(e.to_string());
                            }
                        }
                    }
                    if let Some(sink) = progress {
                        sink(UploadEvent::Item {
                            new_folder: item.new_folder.clone(),
                            bytes: item.size,
                            outcome: result.outcome,
                        });
                    }
                    results.push(result);
                }
            }
            // The reader may be waiting to hand over the next message: closing the channel
            // ends it.
            drop(rx);
            match reader.await {
                Ok(Ok(_)) | Ok(Err(Ok(()))) => {}
                Ok(Err(Err(e))) => return Err(e.into()),
                Err(e) => {
                    return Err(LocalError::io(Path::new("."), std::io::Error::other(e)).into());
                }
            }
            if cancelled {
                break;
            }
            for item in wanted.iter().filter(|i| !done.contains(&i.sha256)) {
                if let Some(sink) = progress {
                    sink(UploadEvent::Item {
                        new_folder: item.new_folder.clone(),
                        bytes: item.size,
                        outcome: UploadOutcome::Gone,
                    });
                }
                results.push(UploadResult {
                    item: (*item).clone(),
                    outcome: UploadOutcome::Gone,
                    error: None,
                });
            }
        }
    }
    Ok((results, cancelled))
}
