//! What the backup held when an update was opened, kept compactly: the manifest's fields and
//! folders, and per message only what planning and the update need (its identity digest,
//! folder, UID and UIDVALIDITY, size): about 40 bytes a message instead of the ~1 KB of its
//! full record. [`Prior`] is shared with the caller that plans from it; [`Changes`] are
//! this run's re-identifications and forgets, applied as the commit streams the previous
//! records (from the archive's manifest and the journal of an interrupted run) into the
//! new manifest.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::options::{KeyId, key_id};
use crate::archive::base::BaseArchive;
use crate::archive::error::{ArchiveError, Result};
use crate::archive::journal::{JournalLine, JournalLines};
use crate::archive::manifest::{FolderRecord, Manifest, MessageKey, MessageRecord};

/// Which held message: its position among the messages the update was opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HeldId(pub(crate) u32);

/// One held message, compactly.
#[derive(Debug, Clone, Copy)]
pub(super) struct HeldMessage {
    /// [`KeyId`] of folder, key and UIDVALIDITY, as two halves (no 16-byte alignment).
    id: [u64; 2],
    size: u64,
    uid: u32,
    uid_validity: u32,
    folder: u32,
    /// Bit 0: `uid` is set; bit 1: `uid_validity` is set.
    flags: u8,
}

/// A held message as [`Prior::messages`] shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldView<'a> {
    pub id: HeldId,
    pub folder: &'a str,
    pub uid: Option<u32>,
    pub uid_validity: Option<u32>,
    pub size: u64,
}

/// The fields of a manifest record that opening keeps or checks; the others are skipped
/// by the parser without being copied.
#[derive(Debug, Deserialize)]
pub(super) struct LightRecord<'a> {
    #[serde(borrow)]
    pub folder: Cow<'a, str>,
    #[serde(default)]
    pub uid: Option<u32>,
    #[serde(default, borrow)]
    pub uidl: Option<Cow<'a, str>>,
    pub uid_validity: Option<u32>,
    pub size: u64,
    #[serde(borrow)]
    pub entry: Cow<'a, str>,
}

impl LightRecord<'_> {
    fn key(&self) -> Option<MessageKey> {
        match (self.uid, &self.uidl) {
            (Some(uid), _) => Some(MessageKey::Uid(uid)),
            (None, Some(uidl)) => Some(MessageKey::Uidl(uidl.to_string())),
            (None, None) => None,
        }
    }
}

fn split(id: KeyId) -> [u64; 2] {
    [id as u64, (id >> 64) as u64]
}

fn join(id: [u64; 2]) -> KeyId {
    u128::from(id[0]) | (u128::from(id[1]) << 64)
}

/// The backup's content when the update was opened (the committed manifest plus what an
/// interrupted run had written), compactly; see the module notes.
#[derive(Debug)]
pub struct Prior {
    /// The manifest's fields and folders; its message list is empty.
    head: Manifest,
    /// Folder names the messages refer to, by index.
    folder_names: Vec<String>,
    messages: Vec<HeldMessage>,
    /// Identities of the held messages ([`KeyId`]); messages without a key have none.
    keys: HashSet<KeyId>,
    /// Keyless messages get an identity no key can have.
    keyless: usize,
}

impl Prior {
    pub(super) fn new(head: Manifest) -> Self {
        Self {
            head,
            folder_names: Vec::new(),
            messages: Vec::new(),
            keys: HashSet::new(),
            keyless: 0,
        }
    }

    pub(super) fn reserve(&mut self, n: usize) {
        self.messages.reserve_exact(n);
        self.keys.reserve(n);
    }

    fn folder_index(&mut self, folder: &str) -> u32 {
        // Records of one folder mostly come together: look at the last one first.
        let found = self
            .messages
            .last()
            .map(|m| m.folder as usize)
            .filter(|&i| self.folder_names[i] == folder)
            .or_else(|| self.folder_names.iter().position(|f| f == folder));
        let i = found.unwrap_or_else(|| {
            self.folder_names.push(folder.to_string());
            self.folder_names.len() - 1
        });
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    fn push(
        &mut self,
        folder: &str,
        key: Option<MessageKey>,
        uid_validity: Option<u32>,
        size: u64,
    ) {
        let id = match &key {
            Some(k) => {
                let id = key_id(folder, k, uid_validity);
                self.keys.insert(id);
                id
            }
            None => {
                // Never equal to a digest in practice, and never looked up.
                self.keyless += 1;
                u128::MAX - self.keyless as u128
            }
        };
        let uid = match key {
            Some(MessageKey::Uid(u)) => Some(u),
            _ => None,
        };
        let folder = self.folder_index(folder);
        self.messages.push(HeldMessage {
            id: split(id),
            size,
            uid: uid.unwrap_or(0),
            uid_validity: uid_validity.unwrap_or(0),
            folder,
            flags: u8::from(uid.is_some()) | (u8::from(uid_validity.is_some()) << 1),
        });
    }

    pub(super) fn push_light(&mut self, m: &LightRecord<'_>) {
        let key = m.key();
        self.push(&m.folder, key, m.uid_validity, m.size);
    }

    pub(super) fn push_record(&mut self, m: &MessageRecord) {
        self.push(&m.folder, m.key(), m.uid_validity, m.size);
    }

    pub(super) fn head_mut(&mut self) -> &mut Manifest {
        &mut self.head
    }

    /// The manifest's fields and folders as opened (its message list is empty: see
    /// [`Prior::messages`]).
    pub fn manifest(&self) -> &Manifest {
        &self.head
    }

    pub fn folder(&self, name: &str) -> Option<&FolderRecord> {
        self.head.folder(name)
    }

    /// How many messages the backup held.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Whether the backup held the message with this identity when opened.
    pub fn holds(&self, folder: &str, key: &MessageKey, uid_validity: Option<u32>) -> bool {
        self.keys.contains(&key_id(folder, key, uid_validity))
    }

    pub(super) fn holds_id(&self, id: KeyId) -> bool {
        self.keys.contains(&id)
    }

    fn view(&self, i: usize) -> HeldView<'_> {
        let m = &self.messages[i];
        HeldView {
            id: HeldId(i as u32),
            folder: &self.folder_names[m.folder as usize],
            uid: (m.flags & 1 != 0).then_some(m.uid),
            uid_validity: (m.flags & 2 != 0).then_some(m.uid_validity),
            size: m.size,
        }
    }

    /// Every held message, in manifest order.
    pub fn messages(&self) -> impl Iterator<Item = HeldView<'_>> + '_ {
        (0..self.messages.len()).map(|i| self.view(i))
    }

    /// The held messages of one folder.
    pub fn messages_in<'a>(&'a self, folder: &str) -> impl Iterator<Item = HeldView<'a>> + 'a {
        let index = self.folder_names.iter().position(|f| f == folder);
        self.messages
            .iter()
            .enumerate()
            .filter(move |(_, m)| Some(m.folder as usize) == index)
            .map(|(i, _)| self.view(i))
    }

    pub(super) fn get(&self, id: HeldId) -> Option<HeldView<'_>> {
        ((id.0 as usize) < self.messages.len()).then(|| self.view(id.0 as usize))
    }

    pub(super) fn key_id_of(&self, id: HeldId) -> KeyId {
        join(self.messages[id.0 as usize].id)
    }
}

/// This run's changes to the held messages.
#[derive(Debug, Default)]
pub(super) struct Changes {
    rekeyed: HashMap<HeldId, (MessageKey, Option<u32>)>,
    forgotten: HashSet<HeldId>,
    /// Identities this run added (new messages, new identities).
    added: HashSet<KeyId>,
    /// Held identities this run took away (forgotten or re-identified messages).
    removed: HashSet<KeyId>,
}

impl Changes {
    /// Whether this run re-identified or forgot any held message.
    pub(super) fn any(&self) -> bool {
        !self.rekeyed.is_empty() || !self.forgotten.is_empty()
    }

    pub(super) fn holds(&self, prior: &Prior, id: KeyId) -> bool {
        self.added.contains(&id) || (prior.holds_id(id) && !self.removed.contains(&id))
    }

    pub(super) fn add(&mut self, id: KeyId) {
        self.added.insert(id);
    }

    fn take_away(&mut self, id: KeyId) {
        if !self.added.remove(&id) {
            self.removed.insert(id);
        }
    }

    pub(super) fn is_forgotten(&self, id: HeldId) -> bool {
        self.forgotten.contains(&id)
    }

    /// The identity message `id` has now.
    pub(super) fn current_key_id(&self, prior: &Prior, id: HeldId) -> KeyId {
        match (self.rekeyed.get(&id), prior.get(id)) {
            (Some((key, validity)), Some(m)) => key_id(m.folder, key, *validity),
            _ => prior.key_id_of(id),
        }
    }

    pub(super) fn rekey(
        &mut self,
        prior: &Prior,
        id: HeldId,
        key: MessageKey,
        uid_validity: Option<u32>,
    ) {
        let old = self.current_key_id(prior, id);
        self.take_away(old);
        if let Some(m) = prior.get(id) {
            self.add(key_id(m.folder, &key, uid_validity));
        }
        self.rekeyed.insert(id, (key, uid_validity));
    }

    pub(super) fn forget(&mut self, prior: &Prior, id: HeldId) {
        let old = self.current_key_id(prior, id);
        self.take_away(old);
        self.forgotten.insert(id);
    }

    /// `m` (held message `id` as recorded) as the commit writes it, or `None` if forgotten.
    pub(super) fn apply(&self, id: HeldId, mut m: MessageRecord) -> Option<MessageRecord> {
        if self.forgotten.contains(&id) {
            return None;
        }
        if let Some((key, uid_validity)) = self.rekeyed.get(&id) {
            match key {
                MessageKey::Uid(u) => (m.uid, m.uidl) = (Some(*u), None),
                MessageKey::Uidl(s) => (m.uid, m.uidl) = (None, Some(s.clone())),
            }
            m.uid_validity = *uid_validity;
        }
        Some(m)
    }

    pub(super) fn kept_count(&self, prior: &Prior) -> usize {
        prior.len() - self.forgotten.len()
    }

    /// Held messages still kept, per folder name: how many, and the largest one's size.
    pub(super) fn kept_per_folder<'a>(&self, prior: &'a Prior) -> HashMap<&'a str, (u64, u64)> {
        let mut per = vec![(0u64, 0u64); prior.folder_names.len()];
        for (i, m) in prior.messages.iter().enumerate() {
            if !self.forgotten.contains(&HeldId(i as u32)) {
                let p = &mut per[m.folder as usize];
                p.0 += 1;
                p.1 = p.1.max(m.size);
            }
        }
        prior
            .folder_names
            .iter()
            .zip(per)
            .map(|(f, n)| (f.as_str(), n))
            .collect()
    }
}

/// Where the held messages' full records are: the committed manifest, then the message
/// lines an interrupted run journalled. Streamed again whenever they are needed (the commit,
/// re-identification after a UIDVALIDITY change), never kept.
#[derive(Debug, Clone, Default)]
pub(super) struct Source {
    pub base: Option<BaseArchive>,
    /// Records of the committed manifest (those dropped at open included).
    pub base_records: u64,
    pub journal: PathBuf,
    /// Journal lines before this offset were recovered from an interrupted run (0: none).
    pub recovered_end: u64,
    /// Positions (base records, then recovered messages) that were not taken at open: an
    /// entry the zip lacks, or a folder the backup does not know. Ascending.
    pub dropped: Vec<u64>,
    /// How many were taken ([`Prior::len`]).
    pub held: usize,
}

impl Source {
    /// Calls `f` with every held message's full record, as recorded, in [`HeldId`] order.
    pub(super) fn stream(
        &self,
        f: &mut dyn FnMut(HeldId, MessageRecord) -> Result<()>,
    ) -> Result<()> {
        let mut pos = 0u64;
        let mut held = 0u32;
        let mut dropped = self.dropped.iter().copied().peekable();
        let mut step = |m: MessageRecord| -> Result<()> {
            let p = pos;
            pos += 1;
            if dropped.next_if_eq(&p).is_some() {
                return Ok(());
            }
            let id = HeldId(held);
            held += 1;
            f(id, m)
        };
        let changed = |path: &Path| ArchiveError::corrupt(path, "changed while open");
        if let Some(b) = &self.base
            && b.stream_messages(&mut step)? != self.base_records
        {
            return Err(changed(b.path()));
        }
        if self.recovered_end > 0 {
            for line in JournalLines::open(&self.journal)? {
                let (line, at) = line?;
                if at >= self.recovered_end {
                    break;
                }
                if let JournalLine::Entry {
                    message: Some(m), ..
                } = line
                {
                    step(*m)?;
                }
            }
        }
        if held as usize != self.held {
            return Err(changed(&self.journal));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(folder: &str, uid: u32, validity: u32) -> MessageRecord {
        MessageRecord {
            folder: folder.into(),
            uid: Some(uid),
            uid_validity: Some(validity),
            size: u64::from(uid) * 10,
            entry: format!("{folder}/{uid}.eml"),
            subject: Some("件名".into()),
            ..Default::default()
        }
    }

    #[test]
    fn compact_state_answers_like_the_records() {
        let mut p = Prior::new(Manifest::new("h:1", "a", crate::archive::SourceKind::Imap));
        let records = [
            record("INBOX", 1, 7),
            record("INBOX", 2, 7),
            record("Sent", 1, 9),
            MessageRecord {
                folder: "INBOX".into(),
                uidl: Some("X".into()),
                size: 3,
                entry: "INBOX/x.eml".into(),
                ..Default::default()
            },
        ];
        for r in &records {
            p.push_record(r);
        }
        assert_eq!(std::mem::size_of::<HeldMessage>(), 40);
        assert_eq!(p.len(), 4);
        assert!(p.holds("INBOX", &MessageKey::Uid(2), Some(7)));
        assert!(!p.holds("INBOX", &MessageKey::Uid(2), Some(8)));
        assert!(p.holds("INBOX", &MessageKey::Uidl("X".into()), None));
        let inbox: Vec<(Option<u32>, Option<u32>, u64)> = p
            .messages_in("INBOX")
            .map(|m| (m.uid, m.uid_validity, m.size))
            .collect();
        assert_eq!(
            inbox,
            [
                (Some(1), Some(7), 10),
                (Some(2), Some(7), 20),
                (None, None, 3)
            ]
        );
        let sent: Vec<HeldView<'_>> = p.messages_in("Sent").collect();
        assert_eq!(
            (sent.len(), sent[0].id, sent[0].folder),
            (1, HeldId(2), "Sent")
        );

        // Re-identify INBOX UID 1 under UIDVALIDITY 8, forget Sent UID 1.
        let mut c = Changes::default();
        c.rekey(&p, HeldId(0), MessageKey::Uid(101), Some(8));
        c.forget(&p, HeldId(2));
        assert!(c.holds(&p, key_id("INBOX", &MessageKey::Uid(101), Some(8))));
        assert!(!c.holds(&p, key_id("INBOX", &MessageKey::Uid(1), Some(7))));
        assert!(!c.holds(&p, key_id("Sent", &MessageKey::Uid(1), Some(9))));
        assert!(c.holds(&p, key_id("INBOX", &MessageKey::Uid(2), Some(7))));
        // A second re-identification takes the first one's identity away again.
        c.rekey(&p, HeldId(0), MessageKey::Uid(102), Some(8));
        assert!(!c.holds(&p, key_id("INBOX", &MessageKey::Uid(101), Some(8))));
        let out: Vec<Option<MessageRecord>> = records
            .iter()
            .enumerate()
            .map(|(i, r)| c.apply(HeldId(i as u32), r.clone()))
            .collect();
        let first = out[0].as_ref().expect("kept");
        assert_eq!((first.uid, first.uid_validity), (Some(102), Some(8)));
        assert_eq!(first.subject.as_deref(), Some("件名"));
        assert_eq!(out[1].as_ref(), Some(&records[1]));
        assert!(out[2].is_none());
        assert_eq!(c.kept_count(&p), 3);
        let per = c.kept_per_folder(&p);
        // Forgotten messages count neither in the number nor in the largest size.
        assert_eq!((per["INBOX"], per["Sent"]), ((3, 20), (0, 0)));
    }
}
