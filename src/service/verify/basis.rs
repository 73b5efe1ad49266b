//! # What a restore needs of a verification, without the mailboxes
//!
//! Planning and carrying out a restore needs both sides' folders (names, names on the wire,
//! special use) and, of the old side, only the messages a *missing* or *oversize* finding
//! names: their flags, INTERNALDATE and, for a message without a Message-ID, the body hash
//! the presence check compares (and, when the old side is a backup, the manifest record its
//! bytes are read through). [`RestoreBasis`] keeps exactly that, so a verification shown on
//! screen, with a restore to follow, costs memory in the number of findings, not of messages.

use std::collections::BTreeMap;

use crate::archive::{Manifest, manifest::MessageRecord};
use crate::compare::result::{Finding, FindingKind};
use crate::model::{FolderInfo, FolderMessages, MessageInfo};

use super::{OldMailbox, SourceInfo, VerifyReport};

/// The old copy of one message a finding names: what its plan line takes from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OldCopy {
    pub flags: Vec<String>,
    pub internal_date: Option<String>,
    /// The body hash, kept only for a message without a Message-ID (the presence check then
    /// compares bodies, because headers alone may be shared by other messages).
    pub body_hash: Option<String>,
    /// The backup's manifest record, when the old side was read from a backup.
    pub record: Option<MessageRecord>,
}

/// Both sides' folders and the old copies of the messages the findings name.
#[derive(Debug, Clone)]
pub struct RestoreBasis {
    /// Where the old side was read from.
    pub source: SourceInfo,
    pub old_folders: Vec<FolderInfo>,
    pub new_folders: Vec<FolderInfo>,
    /// By old folder name, then UID.
    copies: BTreeMap<String, BTreeMap<u32, OldCopy>>,
}

/// The findings whose messages a restore may put back: missing ones and those too large.
pub fn restorable(report: &VerifyReport) -> impl Iterator<Item = &Finding> {
    let comparison = &report.comparison;
    comparison
        .of_kind(FindingKind::Missing)
        .chain(comparison.of_kind(FindingKind::Oversize))
}

impl RestoreBasis {
    /// The basis of `report`: `find(folder, uid)` gives the old side's message (the first
    /// one with that UID in the first folder of that name) with its backup record when the
    /// side was read from a backup's records one by one; `manifest`, a backup's records
    /// held whole.
    pub fn gather(
        report: &VerifyReport,
        source: SourceInfo,
        old_folders: Vec<FolderInfo>,
        new_folders: Vec<FolderInfo>,
        mut find: impl FnMut(&str, u32) -> Option<(MessageInfo, Option<MessageRecord>)>,
        manifest: Option<&Manifest>,
    ) -> Self {
        let mut copies: BTreeMap<String, BTreeMap<u32, OldCopy>> = BTreeMap::new();
        for finding in restorable(report) {
            let (Some(message), Some(folder)) = (&finding.message, &finding.old_folder) else {
                continue;
            };
            if copies
                .get(folder)
                .is_some_and(|f| f.contains_key(&message.uid))
            {
                continue;
            }
            let Some((info, record)) = find(folder, message.uid) else {
                continue;
            };
            let copy = OldCopy {
                body_hash: info
                    .message_id
                    .is_none()
                    .then_some(info.body_hash)
                    .flatten(),
                flags: info.flags,
                internal_date: info.internal_date,
                record,
            };
            copies
                .entry(folder.clone())
                .or_default()
                .insert(message.uid, copy);
        }
        if let Some(manifest) = manifest {
            // One pass over the manifest; the first record of a folder and UID is the one.
            for record in &manifest.messages {
                let Some(uid) = record.uid else { continue };
                if let Some(copy) = copies
                    .get_mut(&record.folder)
                    .and_then(|f| f.get_mut(&uid))
                    .filter(|c| c.record.is_none())
                {
                    copy.record = Some(record.clone());
                }
            }
        }
        RestoreBasis {
            source,
            old_folders,
            new_folders,
            copies,
        }
    }

    /// The basis of `report` over both mailboxes held in memory.
    pub fn held(report: &VerifyReport, old: &OldMailbox, new: &[FolderMessages]) -> Self {
        let find = |folder: &str, uid: u32| {
            old.folders
                .iter()
                .find(|f| f.folder.name == folder)?
                .messages
                .iter()
                .find(|m| m.uid == uid)
                .map(|m| (m.clone(), None))
        };
        Self::gather(
            report,
            old.source.clone(),
            old.folders.iter().map(|f| f.folder.clone()).collect(),
            new.iter().map(|f| f.folder.clone()).collect(),
            find,
            old.manifest.as_ref(),
        )
    }

    /// The old copy of message `uid` of the old folder `folder`, when a finding named it.
    pub fn copy(&self, folder: &str, uid: u32) -> Option<&OldCopy> {
        self.copies.get(folder)?.get(&uid)
    }

    /// Every old copy kept, as (old folder, UID, copy), by folder and UID.
    pub fn copies(&self) -> impl Iterator<Item = (&str, u32, &OldCopy)> {
        self.copies
            .iter()
            .flat_map(|(folder, by_uid)| by_uid.iter().map(|(uid, c)| (folder.as_str(), *uid, c)))
    }

    /// The old folder's name on the wire (modified UTF-7), when it is listed.
    pub fn old_raw_name(&self, folder: &str) -> Option<&str> {
        raw_name(&self.old_folders, folder)
    }

    /// The new folder's name on the wire, when the new server had it.
    pub fn new_raw_name(&self, folder: &str) -> Option<&str> {
        raw_name(&self.new_folders, folder)
    }

    /// True when the new server had a folder of that name when it was read.
    pub fn new_has(&self, folder: &str) -> bool {
        self.new_folders.iter().any(|f| f.name == folder)
    }
}

fn raw_name<'a>(folders: &'a [FolderInfo], name: &str) -> Option<&'a str> {
    folders
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.raw_name.as_str())
}
