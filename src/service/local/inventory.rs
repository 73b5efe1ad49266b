//! # `ikou local`: what the PC's local folders hold, store by store

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{LocalMailbox, read_all};
use crate::local::{self, LocalError, StoreKind};
use crate::model::SpecialUse;

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

impl FolderSummary {
    /// The folder's figures as a list shows them: messages, size, and the deleted messages
    /// still in the file (blank when there are none).
    pub fn cells(&self) -> [String; 3] {
        [
            crate::report::grouped(self.messages),
            crate::report::human_size(self.bytes),
            if self.expunged == 0 {
                String::new()
            } else {
                crate::report::grouped(self.expunged)
            },
        ]
    }
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

impl LocalInventory {
    /// Some folder still holds messages deleted in Thunderbird (the list explains the column).
    pub fn has_deleted(&self) -> bool {
        self.stores
            .iter()
            .flat_map(|s| &s.folders)
            .any(|f| f.expunged > 0)
    }
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
