//! # Both mailboxes as compact identities, the rest looked up when a finding needs it
//!
//! A verify of 100,000 messages a side must not hold 200,000 envelopes: the folder mapping and
//! the matching need only each message's [`Compact`] identity and a digest of its wire-form
//! subject (about 90 bytes a message). A finding needs the whole envelope of the few messages
//! it is about; [`Details`] gives it, from memory or from wherever the gatherer put it.
//! Identities are computed and marked weak once, here, for the mapping and the comparison.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::identity::{Compact, mark_weak, weak_keys};
use crate::model::{FolderInfo, FolderMessages, MessageInfo, Side};

/// A digest of a message's wire-form subject, so two copies whose decoded subjects agree are
/// still judged when the bytes differ.
pub fn subject_digest(info: &MessageInfo) -> u64 {
    let mut hasher = DefaultHasher::new();
    info.subject_raw.hash(&mut hasher);
    hasher.finish()
}

/// One folder with its listed messages, in the order the server listed them: for message `i`,
/// `ids[i]`, `subjects[i]` (see [`subject_digest`]) and `uids[i]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub folder: FolderInfo,
    pub ids: Vec<Compact>,
    pub subjects: Vec<u64>,
    /// The UIDs, so that a finding's message can be found again (a restore plans from it).
    pub uids: Vec<u32>,
}

impl Listed {
    pub fn empty(folder: FolderInfo) -> Self {
        Self {
            folder,
            ids: Vec::new(),
            subjects: Vec::new(),
            uids: Vec::new(),
        }
    }

    pub fn of(folder: &FolderMessages) -> Self {
        let mut listed = Self::empty(folder.folder.clone());
        for info in &folder.messages {
            listed.push(info);
        }
        listed
    }

    /// Adds one message at the end.
    pub fn push(&mut self, info: &MessageInfo) {
        self.ids.push(Compact::of(info));
        self.subjects.push(subject_digest(info));
        self.uids.push(info.uid);
    }

    /// Where the first message with `uid` is listed.
    pub fn position(&self, uid: u32) -> Option<usize> {
        self.uids.iter().position(|u| *u == uid)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Listed messages, or the STATUS count when nothing was listed (a count-only run).
    pub fn count(&self) -> u64 {
        if self.ids.is_empty() {
            u64::from(self.folder.messages)
        } else {
            u64::try_from(self.ids.len()).unwrap_or(u64::MAX)
        }
    }
}

/// Both mailboxes, weak identities marked (see `compare::identity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub old: Vec<Listed>,
    pub new: Vec<Listed>,
}

impl Listing {
    /// Marks every identity whose loose fingerprint is weak on either side.
    pub fn new(mut old: Vec<Listed>, mut new: Vec<Listed>) -> Self {
        fn ids(side: &[Listed]) -> impl Iterator<Item = &Compact> {
            side.iter().flat_map(|f| f.ids.iter())
        }
        let weak = weak_keys(ids(&old), ids(&new));
        if !weak.is_empty() {
            let records = old.iter_mut().chain(new.iter_mut());
            let ids = records.flat_map(|f| f.ids.iter_mut());
            mark_weak(ids, &weak);
        }
        Self { old, new }
    }

    /// The listing of two mailboxes held in memory.
    pub fn of(old: &[FolderMessages], new: &[FolderMessages]) -> Self {
        Self::new(
            old.iter().map(Listed::of).collect(),
            new.iter().map(Listed::of).collect(),
        )
    }

    pub fn side(&self, side: Side) -> &[Listed] {
        match side {
            Side::Old => &self.old,
            Side::New => &self.new,
        }
    }
}

/// The whole envelope of one listed message: `folder` and `index` are positions in the
/// [`Listing`] of `side`.
pub trait Details {
    fn message(&self, side: Side, folder: usize, index: usize) -> MessageInfo;
}

/// Details of two mailboxes held in memory.
#[derive(Debug, Clone, Copy)]
pub struct InMemory<'a> {
    pub old: &'a [FolderMessages],
    pub new: &'a [FolderMessages],
}

impl Details for InMemory<'_> {
    fn message(&self, side: Side, folder: usize, index: usize) -> MessageInfo {
        let folders = match side {
            Side::Old => self.old,
            Side::New => self.new,
        };
        folders
            .get(folder)
            .and_then(|f| f.messages.get(index))
            .cloned()
            .unwrap_or_default()
    }
}
