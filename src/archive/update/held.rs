//! What the backup held when an update was opened: one copy of its manifest, shared with the
//! caller that plans from it, plus this run's changes to those messages (new identities,
//! forgotten messages), applied as the commit writes them. A rerun thus holds the previous
//! manifest once, not once for the archive, once for the update and once for the planner.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::archive::manifest::{Manifest, MessageKey, MessageRecord};

#[derive(Debug)]
pub(super) struct Held {
    manifest: Arc<Manifest>,
    rekeyed: HashMap<usize, (MessageKey, Option<u32>)>,
    forgotten: HashSet<usize>,
    /// Entry name -> message index, made on the first re-identification only.
    by_entry: Option<HashMap<String, usize>>,
}

impl Held {
    pub(super) fn new(manifest: Arc<Manifest>) -> Self {
        Self {
            manifest,
            rekeyed: HashMap::new(),
            forgotten: HashSet::new(),
            by_entry: None,
        }
    }

    /// The shared manifest as it was opened.
    pub(super) fn opened(&self) -> &Arc<Manifest> {
        &self.manifest
    }

    /// Whether this run re-identified or forgot any held message.
    pub(super) fn changed(&self) -> bool {
        !self.rekeyed.is_empty() || !self.forgotten.is_empty()
    }

    /// The index of the held (not forgotten) message stored as `entry`.
    pub(super) fn index_of(&mut self, entry: &str) -> Option<usize> {
        let messages = &self.manifest.messages;
        let by_entry = self.by_entry.get_or_insert_with(|| {
            messages
                .iter()
                .enumerate()
                .map(|(i, m)| (m.entry.clone(), i))
                .collect()
        });
        by_entry
            .get(entry)
            .copied()
            .filter(|i| !self.forgotten.contains(i))
    }

    /// Message `i` with this run's new identity, if it got one.
    pub(super) fn current(&self, i: usize) -> Cow<'_, MessageRecord> {
        let m = &self.manifest.messages[i];
        match self.rekeyed.get(&i) {
            None => Cow::Borrowed(m),
            Some((key, uid_validity)) => {
                let mut m = m.clone();
                match key {
                    MessageKey::Uid(u) => (m.uid, m.uidl) = (Some(*u), None),
                    MessageKey::Uidl(s) => (m.uid, m.uidl) = (None, Some(s.clone())),
                }
                m.uid_validity = *uid_validity;
                Cow::Owned(m)
            }
        }
    }

    pub(super) fn rekey(&mut self, i: usize, key: MessageKey, uid_validity: Option<u32>) {
        self.rekeyed.insert(i, (key, uid_validity));
    }

    pub(super) fn forget(&mut self, i: usize) {
        self.forgotten.insert(i);
    }

    /// Indices of the messages still held.
    pub(super) fn kept_indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.manifest.messages.len()).filter(|i| !self.forgotten.contains(i))
    }

    /// The messages still held, as they will be written.
    pub(super) fn kept(&self) -> impl Iterator<Item = Cow<'_, MessageRecord>> + '_ {
        self.kept_indices().map(|i| self.current(i))
    }

    /// Entry names of the messages still held (re-identification keeps the entry).
    pub(super) fn kept_entries(&self) -> impl Iterator<Item = &str> + '_ {
        self.kept_indices()
            .map(|i| self.manifest.messages[i].entry.as_str())
    }

    pub(super) fn kept_count(&self) -> usize {
        self.manifest.messages.len() - self.forgotten.len()
    }
}
