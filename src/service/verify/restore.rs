//! # Restore: put messages that are missing on the new server back there
//!
//! Runs the verification, picks the *missing* findings (by default those from Sent folders,
//! or those of the folders named with `--folder`), and plans one APPEND per message into the
//! mapped new folder. Without `apply` that plan is the result. With `apply` every message's
//! bytes come from the old server (`BODY.PEEK[]`, read-only session) or from the backup zip,
//! and go to the NEW server only, through [`WriteSession`], with the original flags and
//! INTERNALDATE.
//!
//! Idempotent: right before appending into a folder, its messages' identities are read again
//! and a message whose key (Message-ID, else fingerprint) is already there is skipped; so a
//! second run appends nothing. Nothing is ever deleted or changed, on either server.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use futures::StreamExt;
use serde::Serialize;

use super::gather::HEADER_FIELDS;
use super::{OldSource, RestoreBasis, VerifyError, VerifyReport, is_sent_finding, verify};
use crate::archive::{ArchiveStream, EntryAt};
use crate::compare::identity::Identity;
use crate::compare::result::{Finding, FindingKind, Reason};
use crate::i18n::Lang;
use crate::imap::WriteSession;
use crate::mail::body::text_hash;
use crate::mail::envelope::Envelope;
use crate::model::MessageInfo;
use crate::profile::{Profile, Side};
use crate::service::{AccountRef, imap_options, open_read_session, open_write_session};

/// What to restore and whether to do it.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Old or new folder names to restore from; empty: the Sent folders.
    pub folders: Vec<String>,
    /// Take the bytes from this backup (and its manifest as the old side).
    pub from_backup: Option<PathBuf>,
    /// Append for real; otherwise only plan.
    pub apply: bool,
}

/// One message to put back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanItem {
    pub old_folder: String,
    pub new_folder: String,
    pub uid: u32,
    pub size: u64,
    pub date: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    /// Identity key (`mid:…` / `fp:…`) used for the presence check.
    pub key: String,
    /// For a message without a Message-ID: its body hash, which the presence check compares
    /// too, because headers alone may be shared by other messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_hash: Option<String>,
    pub flags: Vec<String>,
    pub internal_date: Option<String>,
}

/// What happened to one planned item when applying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcome {
    Appended,
    /// Found on the new server right before appending (a rerun, or someone else restored it).
    AlreadyPresent,
    /// Larger than the new server's limit: reported, not sent.
    TooLarge,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    #[serde(flatten)]
    pub item: PlanItem,
    pub outcome: ItemOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of `ikou restore`, planned or applied.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// Where the migration stands today (profile `[dates]`): during the centre's copy
    /// (`copying`) a message missing now may still arrive with the copy.
    pub phase: crate::profile::Phase,
    /// `live` (bytes from the old server) or `backup`.
    pub source: &'static str,
    pub new_server: String,
    pub applied: bool,
    /// Messages that would be (or were attempted to be) appended.
    pub plan: Vec<PlanItem>,
    pub plan_bytes: u64,
    /// Missing but above the size limit: never sent.
    pub oversize: Vec<PlanItem>,
    /// New folders that do not exist yet (created when applying).
    pub folders_to_create: Vec<String>,
    /// Filled when applied.
    pub results: Vec<ItemResult>,
    pub appended: u64,
    pub already_present: u64,
    pub failed: u64,
    /// The verification the plan was made from.
    #[serde(skip)]
    pub verification: Option<VerifyReport>,
}

impl RestoreReport {
    /// A report of `planned`, nothing applied yet (`ikou restore` and `ikou batch restore`).
    pub fn planned(
        planned: Planned,
        profile: &Profile,
        source: &'static str,
        new_server: String,
        applied: bool,
    ) -> Self {
        let Planned {
            plan,
            oversize,
            folders_to_create,
        } = planned;
        RestoreReport {
            phase: profile.dates.phase(chrono::Local::now().date_naive()),
            source,
            new_server,
            applied,
            plan_bytes: plan.iter().map(|i| i.size).sum(),
            plan,
            oversize,
            folders_to_create,
            results: Vec::new(),
            appended: 0,
            already_present: 0,
            failed: 0,
            verification: None,
        }
    }
}

/// Plans and, with `options.apply`, performs the restore.
pub async fn restore(
    profile: &Profile,
    account: &AccountRef,
    options: &RestoreOptions,
    lang: Lang,
) -> Result<RestoreReport, VerifyError> {
    if options.apply {
        refuse_same_server(profile)?;
    }
    let source = match &options.from_backup {
        Some(path) => OldSource::Backup(path.clone()),
        None => OldSource::Live,
    };
    let (report, basis) = verify(profile, account, &source, lang).await?;
    if let Some(unknown) = options
        .folders
        .iter()
        .find(|want| !basis.old_folders.iter().any(|f| f.name == **want) && !basis.new_has(want))
    {
        return Err(VerifyError::UnknownFolder {
            name: unknown.clone(),
        });
    }
    let selection = if options.folders.is_empty() {
        Selection::Sent
    } else {
        Selection::Folders(options.folders.clone())
    };
    let source = if options.from_backup.is_some() {
        "backup"
    } else {
        "live"
    };
    let mut result = RestoreReport::planned(
        plan_restore(&report, &basis, &selection),
        profile,
        source,
        report.new_server.clone(),
        options.apply,
    );
    if options.apply && !result.plan.is_empty() {
        let max = report.limits.max_message_bytes;
        result.results = apply_plan(
            profile,
            account,
            &result.plan,
            &basis,
            options.from_backup.as_deref(),
            max,
        )
        .await?;
        let count =
            |o: ItemOutcome| result.results.iter().filter(|r| r.outcome == o).count() as u64;
        result.appended = count(ItemOutcome::Appended);
        result.already_present = count(ItemOutcome::AlreadyPresent);
        result.failed = count(ItemOutcome::Failed) + count(ItemOutcome::TooLarge);
    } else if options.apply && !result.folders_to_create.is_empty() {
        // Only empty folders asked for: create them, nothing to append.
        let mut writer = open_write_session(profile, account).await?;
        let created = create_folders(&mut writer, &result.folders_to_create).await;
        writer.logout().await;
        created?;
    }
    result.verification = Some(report);
    Ok(result)
}

/// Which missing messages a restore puts back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Selection {
    /// The missing messages of the Sent folders (the default).
    #[default]
    Sent,
    /// Every missing message, with the folders missing on the new server (created).
    AllMissing,
    /// The missing messages of these old or new folders; empty ones among them are created.
    Folders(Vec<String>),
}

/// A restore plan: what to append, what is too large, which folders to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    pub plan: Vec<PlanItem>,
    pub oversize: Vec<PlanItem>,
    pub folders_to_create: Vec<String>,
}

/// Picks the findings `selection` names from a verification and turns them into a plan
/// (pure: `ikou restore` and `ikou batch restore` both plan with it).
pub fn plan_restore(report: &VerifyReport, basis: &RestoreBasis, selection: &Selection) -> Planned {
    let selected = |f: &&Finding| match selection {
        Selection::Sent => is_sent_finding(f, &report.raw_mapping, &basis.old_folders),
        Selection::AllMissing => true,
        Selection::Folders(folders) => folders.iter().any(|want| {
            f.old_folder.as_deref() == Some(want) || f.new_folder.as_deref() == Some(want)
        }),
    };
    let plan: Vec<PlanItem> = report
        .comparison
        .of_kind(FindingKind::Missing)
        .filter(selected)
        .filter_map(|f| plan_item(f, basis))
        .collect();
    let oversize: Vec<PlanItem> = report
        .comparison
        .of_kind(FindingKind::Oversize)
        .filter(selected)
        .filter_map(|f| plan_item(f, basis))
        .collect();
    // Folders missing on new: the ones holding planned messages, and empty ones asked for.
    let mut folders_to_create: Vec<String> = Vec::new();
    let empty_missing = report
        .comparison
        .of_kind(FindingKind::FolderMissing)
        .filter(|f| *selection != Selection::Sent && selected(f))
        .filter_map(|f| f.new_folder.clone());
    for name in plan
        .iter()
        .map(|i| i.new_folder.clone())
        .chain(empty_missing)
    {
        if !basis.new_has(&name) && !folders_to_create.contains(&name) {
            folders_to_create.push(name);
        }
    }
    Planned {
        plan,
        oversize,
        folders_to_create,
    }
}

/// Creates those of `names` the new server does not have yet (a plan with only empty
/// folders to restore).
pub async fn create_folders(
    writer: &mut WriteSession,
    names: &[String],
) -> Result<(), VerifyError> {
    let existing = writer.folder_names().await?;
    for name in names {
        if !existing.iter().any(|f| f.name == *name) {
            writer.create_folder(name).await?;
        }
    }
    Ok(())
}

/// The profile must not point "new" at the old server: restore would then write there.
pub fn refuse_same_server(profile: &Profile) -> Result<(), VerifyError> {
    let old = imap_options(profile, Side::Old)?.endpoint;
    let new = imap_options(profile, Side::New)?.endpoint;
    if old.host.eq_ignore_ascii_case(&new.host) && old.port == new.port {
        return Err(VerifyError::SameServer {
            server: new.to_string(),
        });
    }
    Ok(())
}

/// The findings a person chose, with a folder missing on new standing for every message of it
/// that is missing there (restoring the folder means creating it and putting those back).
pub fn expand_folder_findings<'a>(chosen: &[&'a Finding], all: &'a [Finding]) -> Vec<&'a Finding> {
    let mut out: Vec<&Finding> = Vec::new();
    for finding in chosen {
        if matches!(finding.reason, Reason::FolderMissing { .. }) {
            out.extend(all.iter().filter(|f| {
                matches!(f.reason, Reason::Missing) && f.old_folder == finding.old_folder
            }));
        } else {
            out.push(finding);
        }
    }
    out
}

/// The plan line for one missing (or oversize) finding; `None` when the finding names no
/// message or the old mailbox no longer lists it.
pub fn plan_item(finding: &Finding, basis: &RestoreBasis) -> Option<PlanItem> {
    let message = finding.message.as_ref()?;
    let old_folder = finding.old_folder.clone()?;
    let new_folder = finding.new_folder.clone()?;
    let copy = basis.copy(&old_folder, message.uid)?;
    Some(PlanItem {
        old_folder,
        new_folder,
        uid: message.uid,
        size: message.size,
        date: message.date.clone(),
        from: message.from.clone(),
        subject: message.subject.clone(),
        key: message.key.clone(),
        body_hash: copy.body_hash.clone(),
        flags: copy.flags.clone(),
        internal_date: copy.internal_date.clone(),
    })
}

/// Where the bytes come from.
enum Bytes {
    Live(Box<crate::imap::ReadSession>),
    /// The backup, with where the planned messages' entries are in it.
    Backup(Box<ArchiveStream>, HashMap<String, EntryAt>),
}

/// The backup at `path`, opened to read the bytes of the messages `plan` puts back: their
/// entries are found with one pass over its directory; its manifest is not read again (the
/// plan's records came from the verification).
fn open_backup(
    path: &std::path::Path,
    plan: &[PlanItem],
    basis: &RestoreBasis,
) -> Result<Bytes, VerifyError> {
    let stream = ArchiveStream::open(path)?;
    let names: HashSet<&str> = plan
        .iter()
        .filter_map(|i| basis.copy(&i.old_folder, i.uid)?.record.as_ref())
        .map(|r| r.entry.as_str())
        .collect();
    let found = stream.locate(&names)?;
    Ok(Bytes::Backup(Box::new(stream), found))
}

/// Carries out a plan: bytes from the backup when given, else from the old server (read-only),
/// appended to the new server after re-checking presence. `basis` is what the plan was made
/// from (both sides' names on the wire, the backup's manifest records).
pub async fn apply_plan(
    profile: &Profile,
    account: &AccountRef,
    plan: &[PlanItem],
    basis: &RestoreBasis,
    from_backup: Option<&std::path::Path>,
    max_bytes: u64,
) -> Result<Vec<ItemResult>, VerifyError> {
    refuse_same_server(profile)?;
    let mut source = match from_backup {
        Some(path) => open_backup(path, plan, basis)?,
        None => Bytes::Live(Box::new(
            open_read_session(profile, Side::Old, account).await?,
        )),
    };
    let mut writer = open_write_session(profile, account).await?;
    let outcome = apply_with(&mut source, &mut writer, plan, basis, max_bytes).await;
    writer.logout().await;
    if let Bytes::Live(session) = source {
        session.logout().await;
    }
    outcome
}

/// Carries out a plan over sessions the caller opened (batch restore signs in with the
/// centre's admin access): bytes from the old server (read-only session), appended to the new one.
/// The caller checks [`refuse_same_server`] first. Both sessions are logged out.
pub async fn apply_with_sessions(
    reader: crate::imap::ReadSession,
    mut writer: WriteSession,
    plan: &[PlanItem],
    basis: &RestoreBasis,
    max_bytes: u64,
) -> Result<Vec<ItemResult>, VerifyError> {
    let mut source = Bytes::Live(Box::new(reader));
    let outcome = apply_with(&mut source, &mut writer, plan, basis, max_bytes).await;
    writer.logout().await;
    if let Bytes::Live(session) = source {
        session.logout().await;
    }
    outcome
}

async fn apply_with(
    source: &mut Bytes,
    writer: &mut WriteSession,
    plan: &[PlanItem],
    basis: &RestoreBasis,
    max_bytes: u64,
) -> Result<Vec<ItemResult>, VerifyError> {
    let mut results = Vec::with_capacity(plan.len());
    let existing = writer.folder_names().await?;
    let mut targets: Vec<&str> = Vec::new();
    for item in plan {
        if !targets.contains(&item.new_folder.as_str()) {
            targets.push(&item.new_folder);
        }
    }
    for target in targets {
        let raw_target = match existing.iter().find(|f| f.name == target) {
            Some(f) => f.raw_name.clone(),
            None => match basis.new_raw_name(target) {
                Some(raw) => raw.to_string(),
                None => writer.create_folder(target).await?,
            },
        };
        // Presence re-checked now, not taken from the verification: another run (or the
        // IT centre's copy) may have put the message there in the meantime. Only the
        // messages with a planned key are kept: the folder may hold 100,000 others.
        let planned: HashSet<&str> = plan
            .iter()
            .filter(|i| i.new_folder == target)
            .map(|i| i.key.as_str())
            .collect();
        let mut present: HashMap<String, Vec<u32>> = HashMap::new();
        writer
            .for_each_header(&raw_target, &HEADER_FIELDS, |m| {
                let mut info = MessageInfo::default();
                Envelope::parse(&m.header).apply_to(&mut info);
                let key = Identity::of(&info).key();
                if planned.contains(key.as_str()) {
                    present.entry(key).or_default().push(m.uid);
                }
            })
            .await?;
        // Bodies of messages whose headers are shared, read once per folder when needed.
        let mut bodies: HashMap<u32, String> = HashMap::new();
        let mut appended_bodies: HashSet<(String, String)> = HashSet::new();
        for item in plan.iter().filter(|i| i.new_folder == target) {
            let mut result = ItemResult {
                item: item.clone(),
                outcome: ItemOutcome::Appended,
                error: None,
            };
            let uids = present.get(&item.key).map_or(&[][..], Vec::as_slice);
            let already = match &item.body_hash {
                // Same headers are not enough: only the same body proves it is there.
                Some(body) => {
                    let unread: Vec<u32> = uids
                        .iter()
                        .copied()
                        .filter(|u| !bodies.contains_key(u))
                        .collect();
                    for (uid, text) in writer.body_texts(&unread).await? {
                        bodies.insert(uid, text_hash(&text));
                    }
                    uids.iter().any(|u| bodies.get(u) == Some(body))
                        || appended_bodies.contains(&(item.key.clone(), body.clone()))
                }
                None => !uids.is_empty(),
            };
            if already {
                result.outcome = ItemOutcome::AlreadyPresent;
                results.push(result);
                continue;
            }
            let bytes = match read_bytes(source, item, basis).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    result.outcome = ItemOutcome::Failed;
                    result.error = Some(e.to_string());
                    results.push(result);
                    continue;
                }
            };
            if bytes.len() as u64 > max_bytes {
                result.outcome = ItemOutcome::TooLarge;
                results.push(result);
                continue;
            }
            match writer
                .append(
                    &raw_target,
                    &bytes,
                    &item.flags,
                    item.internal_date.as_deref(),
                )
                .await
            {
                Ok(()) => {
                    tracing::info!(folder = %target, uid = item.uid, "appended");
                    match &item.body_hash {
                        Some(body) => {
                            appended_bodies.insert((item.key.clone(), body.clone()));
                        }
                        None => present.entry(item.key.clone()).or_default().push(0),
                    }
                }
                Err(e) => {
                    result.outcome = ItemOutcome::Failed;
                    result.error = Some(e.to_string());
                }
            }
            results.push(result);
        }
    }
    Ok(results)
}

async fn read_bytes(
    source: &mut Bytes,
    item: &PlanItem,
    basis: &RestoreBasis,
) -> Result<Vec<u8>, VerifyError> {
    match source {
        Bytes::Backup(stream, found) => {
            let record = basis
                .copy(&item.old_folder, item.uid)
                .and_then(|c| c.record.as_ref())
                .ok_or_else(|| VerifyError::Unreadable {
                    path: stream.path().to_path_buf(),
                    detail: format!(
                        "the manifest lists no UID {} in {}",
                        item.uid, item.old_folder
                    ),
                })?;
            let at = found
                .get(&record.entry)
                .ok_or_else(|| stream.no_entry(record))?;
            Ok(stream.read_message(at, record)?)
        }
        Bytes::Live(session) => {
            let raw = basis
                .old_raw_name(&item.old_folder)
                .unwrap_or(&item.old_folder)
                .to_string();
            session.examine(&raw).await?;
            let server = session.server().to_string();
            let mut stream = session.fetch_bodies(&item.uid.to_string()).await?;
            let mut found = None;
            while let Some(body) = stream.next().await {
                let body = body?;
                if body.meta.uid == item.uid {
                    found = Some(body.bytes.into_vec());
                }
            }
            found.ok_or_else(|| {
                VerifyError::from(crate::imap::ImapError::Protocol {
                    server,
                    command: "FETCH".into(),
                    detail: format!(
                        "UID {} of {} is no longer on the old server",
                        item.uid, item.old_folder
                    ),
                })
            })
        }
    }
}
