//! # The PC's own mail: inventory, backup and upload to the new server
//!
//! `inventory` lists what Thunderbird's Local Folders and POP accounts hold (only on this
//! PC); `backup` writes it into the eml-in-zip format under `Local/<account>/<folder>`;
//! `upload` compares it with the new server by message identity (the verify rules:
//! `compare::mapping`, `compare::findings`) and plans, and with `apply` performs, one APPEND
//! per message that exists only on the PC. The local files are only ever opened for
//! reading; the new server is only written through `imap::WriteSession`.
//!
//! Here: the local mail as read from disk, shared by every part. `inventory.rs`,
//! `backup.rs`, `plan.rs` (the pure comparison and its result) and `upload.rs` (signing in,
//! appending) hold one job each.

mod backup;
mod inventory;
mod plan;
mod upload;

pub use backup::{LocalBackupReport, LocalBackupStep, backup, backup_folder_name, backup_with};
pub use inventory::{FolderSummary, LocalInventory, StoreSummary, inventory, summarise};
pub use plan::{
    FolderComparison, Skipped, UploadEvent, UploadItem, UploadOptions, UploadOutcome, UploadReport,
    UploadResult, UploadSink, plan,
};
pub use upload::{upload, upload_with};

use std::path::Path;

use thiserror::Error;

use super::ServiceError;
use super::verify::VerifyError;
use crate::archive::ArchiveError;
use crate::local::{self, FolderFile, LocalError, ReadOutcome, Store, Visit};
use crate::model::{FolderInfo, MessageInfo};

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

/// A local folder as the comparison and the archive see a server's: `/` between levels,
/// no UIDs or unseen counts; `messages` and `size` are left at zero.
fn folder_info(file: &FolderFile, name: String, raw_name: String) -> FolderInfo {
    FolderInfo {
        name,
        raw_name,
        delimiter: Some('/'),
        special_use: file.special_use,
        selectable: file.selectable,
        messages: 0,
        unseen: None,
        uid_next: None,
        uid_validity: None,
        size: 0,
    }
}
