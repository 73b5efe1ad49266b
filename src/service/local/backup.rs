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
            let info = folder_info(
                &file,
                name.clone(),
                file.path.to_string_lossy().into_owned(),
            );
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
