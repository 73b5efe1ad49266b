//! # `ikou local backup`: the local folders into an eml-in-zip backup under `Local/`

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{BACKUP_ROOT, LocalServiceError, folder_info};
use crate::archive::{Added, ArchiveError, ArchiveUpdate, MessageKey, SourceKind, UpdateOptions};
use crate::local::{self, Store, Visit};

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
    /// Stopped on request before every folder was read; what was read is in the backup,
    /// and the next run continues from there.
    pub cancelled: bool,
}

/// One step of a local backup, for a face that shows how far it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalBackupStep {
    /// Reading this folder (`account/folder`).
    Folder(String),
    /// One message read; `added`: new to the backup (else it was already there).
    Message { bytes: u64, added: bool },
    /// The folder's file changed while it was read and is read again from its start: the
    /// messages and bytes already counted for it are to be counted again.
    Reread { messages: u64, bytes: u64 },
}

/// Why the reading of a folder stopped early.
enum Stop {
    Cancelled,
    Archive(ArchiveError),
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
    backup_with(thunderbird, output, account, &|_| {}, &|| false)
}

/// [`backup`] with progress; when `cancelled` turns true the run stops between two
/// messages and commits what it read (the report says `cancelled`).
pub fn backup_with(
    thunderbird: Option<&Path>,
    output: &Path,
    account: &str,
    progress: &dyn Fn(LocalBackupStep),
    cancelled: &dyn Fn() -> bool,
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
    // Messages read, counting only the last reading of a folder that was read again.
    let mut read_messages = 0u64;
    let mut changed = Vec::new();
    let mut stopped = false;
    'stores: for store in local::store::stores(&profile)? {
        for file in local::store::folders(&store)? {
            let name = backup_folder_name(&store, &file.name);
            let info = folder_info(
                &file,
                name.clone(),
                file.path.to_string_lossy().into_owned(),
            );
            update.folder(&info)?;
            if !file.selectable {
                continue;
            }
            if cancelled() {
                stopped = true;
                break 'stores;
            }
            progress(LocalBackupStep::Folder(format!(
                "{}/{}",
                store.name, file.name
            )));
            let mut copies: HashMap<String, u32> = HashMap::new();
            let (mut seen, mut seen_bytes) = (0u64, 0u64);
            let read = local::store::read_folder::<Stop>(&file.path, &mut |visit| {
                match visit {
                    Visit::Message(m) => {
                        if cancelled() {
                            return Err(Stop::Cancelled);
                        }
                        let bytes = m.bytes.len() as u64;
                        let sha = local::sha256_hex(&m.bytes);
                        let copy = copies.entry(sha.clone()).or_insert(0);
                        *copy += 1;
                        let key = MessageKey::Uidl(local::archive_key(&sha, *copy));
                        let info = local::message_info(&m);
                        let new = match update.add(&name, key, &info, m.bytes) {
                            Ok(Added::Queued { .. }) => true,
                            Ok(Added::AlreadyArchived) => false,
                            Err(e) => return Err(Stop::Archive(e)),
                        };
                        (seen, seen_bytes) = (seen + 1, seen_bytes + bytes);
                        progress(LocalBackupStep::Message { bytes, added: new });
                    }
                    Visit::Expunged(_) => {}
                    Visit::Restart => {
                        copies.clear();
                        progress(LocalBackupStep::Reread {
                            messages: seen,
                            bytes: seen_bytes,
                        });
                        (seen, seen_bytes) = (0, 0);
                    }
                }
                Ok(())
            });
            read_messages += seen;
            match read {
                Ok(r) if r.changed => changed.push(format!("{}/{}", store.name, file.name)),
                Ok(_) => {}
                Err(Ok(Stop::Cancelled)) => {
                    stopped = true;
                    break 'stores;
                }
                Err(Ok(Stop::Archive(e))) => return Err(e.into()),
                Err(Err(e)) => return Err(e.into()),
            }
        }
    }
    // A folder read again offers the messages its first reading queued once more; they are
    // this run's additions, not messages the backup already held.
    let added = update.progress().messages_queued;
    let already = read_messages.saturating_sub(added);
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
        cancelled: stopped,
    })
}
