//! # One mailbox as plain data, from wherever it can still be read
//!
//! The comparison works on `Vec<FolderMessages>`. This module produces it from a live server
//! (read-only: LIST, EXAMINE, `UID FETCH 1:* (… BODY.PEEK[HEADER.FIELDS (…)])`), or from a
//! backup's manifest once the old server is switched off. Snapshots are in `snapshot`.

use futures::StreamExt;

use crate::archive::manifest::{FolderRecord, MessageRecord};
use crate::archive::{ArchiveReader, Manifest};
use crate::imap::{FetchedMeta, ReadSession};
use crate::mail::body::body_hash;
use crate::mail::envelope::Envelope;
use crate::model::{FolderInfo, FolderMessages, MessageInfo};

use super::super::ServiceError;

/// The header fields the identity and the findings need; nothing else is fetched.
pub const HEADER_FIELDS: [&str; 5] = crate::mail::envelope::FIELDS;

/// Where the messages of a mailbox being read go, folder by folder: kept whole
/// ([`Whole`]), or reduced to compact identities as they arrive (`spill::Reduced`).
pub trait Collector {
    /// A folder begins; its messages follow, then [`Collector::end`].
    fn begin(&mut self, folder: FolderInfo);
    /// One message of the current folder, as fetched.
    fn message(&mut self, meta: FetchedMeta);
    /// The UIDs of the current folder's messages without a Message-ID.
    fn without_id(&self) -> Vec<u32>;
    /// The body hash of one of them.
    fn body_hash(&mut self, uid: u32, hash: String);
    /// The current folder is complete.
    fn end(&mut self);
}

/// Every message kept whole: the mailbox as `Vec<FolderMessages>`.
#[derive(Debug, Default)]
pub struct Whole(pub Vec<FolderMessages>);

impl Collector for Whole {
    fn begin(&mut self, folder: FolderInfo) {
        // The server streams the replies of one FETCH back to back; room for them up front.
        let expected = (folder.messages as usize).min(1 << 20);
        self.0.push(FolderMessages {
            folder,
            messages: Vec::with_capacity(expected),
        });
    }

    fn message(&mut self, meta: FetchedMeta) {
        if let Some(folder) = self.0.last_mut() {
            folder.messages.push(message_info(meta));
        }
    }

    fn without_id(&self) -> Vec<u32> {
        self.0.last().map_or_else(Vec::new, |f| {
            f.messages
                .iter()
                .filter(|m| m.message_id.is_none())
                .map(|m| m.uid)
                .collect()
        })
    }

    fn body_hash(&mut self, uid: u32, hash: String) {
        let messages = self.0.last_mut().map(|f| f.messages.iter_mut());
        if let Some(m) = messages.and_then(|mut all| all.find(|m| m.uid == uid)) {
            m.body_hash = Some(hash);
        }
    }

    fn end(&mut self) {
        if let Some(f) = self.0.last_mut().filter(|f| f.folder.selectable) {
            f.folder.size = f.messages.iter().map(|m| m.size).sum();
        }
    }
}

/// Every selectable folder with the metadata of every message. `\Noselect` containers are
/// kept (without messages) so the mapping sees the whole tree.
pub async fn live_mailbox(session: &mut ReadSession) -> Result<Vec<FolderMessages>, ServiceError> {
    let mut whole = Whole::default();
    live_into(session, &mut whole, &mut |_, _, _| {}).await?;
    Ok(whole.0)
}

/// Reads every folder into `collector`, calling `progress(done, total, folder)` before each
/// folder is read (and once more with `done == total` at the end), for a gauge.
pub async fn live_into(
    session: &mut ReadSession,
    collector: &mut (dyn Collector + Send),
    progress: &mut (dyn FnMut(usize, usize, &str) + Send),
) -> Result<(), ServiceError> {
    let listed = session.list_folders().await?;
    let total = listed.len();
    for (done, entry) in listed.into_iter().enumerate() {
        progress(done, total, &entry.name);
        let mut info = FolderInfo::from(entry);
        if !info.selectable {
            collector.begin(info);
            collector.end();
            continue;
        }
        let status = session.examine(&info.raw_name).await?;
        info.messages = status.messages;
        info.uid_next = status.uid_next;
        info.uid_validity = status.uid_validity;
        collector.begin(info);
        if status.messages > 0 {
            // One pipelined UID FETCH for the whole folder: the server streams the replies
            // back to back, which is as fast as batching gets over one connection.
            session
                .fetch_meta_each("1:*", &HEADER_FIELDS, |meta| collector.message(meta))
                .await?;
            hash_bodies_without_id(session, collector).await?;
        }
        collector.end();
    }
    progress(total, total, "");
    Ok(())
}

/// UIDs per FETCH command when reading bodies: keeps the command line short.
const BODY_BATCH: usize = 200;

/// Reads the body hash of every message without a Message-ID (`BODY.PEEK[]`): headers alone
/// may not tell such a message apart (see `compare::identity`), and they are few.
async fn hash_bodies_without_id(
    session: &mut ReadSession,
    collector: &mut (dyn Collector + Send),
) -> Result<(), ServiceError> {
    let wanted = collector.without_id();
    for batch in wanted.chunks(BODY_BATCH) {
        let set: Vec<String> = batch.iter().map(u32::to_string).collect();
        let mut hashes: Vec<(u32, String)> = Vec::with_capacity(batch.len());
        {
            let mut stream = session.fetch_bodies(&set.join(",")).await?;
            while let Some(body) = stream.next().await {
                let body = body?;
                hashes.push((body.meta.uid, body_hash(&body.bytes)));
            }
        }
        for (uid, hash) in hashes {
            collector.body_hash(uid, hash);
        }
    }
    Ok(())
}

/// Envelope fields from the fetched header block, the rest from the FETCH items.
pub fn message_info(meta: FetchedMeta) -> MessageInfo {
    let mut info = MessageInfo {
        uid: meta.uid,
        size: meta.size,
        internal_date: meta.internal_date,
        flags: meta.flags,
        ..MessageInfo::default()
    };
    if let Some(header) = meta.header {
        Envelope::parse(&header).apply_to(&mut info);
    }
    info
}

/// The mailbox a backup describes: its folders and, per folder, the archived messages with
/// the envelope recorded at backup time. Folders keep the manifest's order.
pub fn manifest_mailbox(manifest: &Manifest) -> Vec<FolderMessages> {
    manifest
        .folders
        .iter()
        .map(|record| {
            let messages: Vec<MessageInfo> = manifest
                .messages
                .iter()
                .filter(|m| m.folder == record.name)
                .map(archived_message)
                .collect();
            let size = messages.iter().map(|m| m.size).sum();
            let folder = archived_folder(record, messages.len(), size);
            FolderMessages { folder, messages }
        })
        .collect()
}

/// One archived message's envelope as recorded at backup time (no body hash).
pub fn archived_message(m: &MessageRecord) -> MessageInfo {
    MessageInfo {
        uid: m.uid.unwrap_or(0),
        size: m.size,
        internal_date: m.internal_date.clone(),
        flags: m.flags.clone(),
        message_id: m.message_id.clone(),
        date: m.date.clone(),
        from: m.from.clone(),
        to: m.to.clone(),
        subject_raw: m.subject_raw.clone(),
        subject: m.subject.clone(),
        body_hash: None,
    }
}

/// One archived folder, holding `messages` messages of `size` octets in all.
pub fn archived_folder(record: &FolderRecord, messages: usize, size: u64) -> FolderInfo {
    FolderInfo {
        name: record.name.clone(),
        raw_name: record.raw_name.clone(),
        delimiter: record.delimiter,
        special_use: record.special_use,
        selectable: true,
        messages: u32::try_from(messages).unwrap_or(u32::MAX),
        unseen: None,
        uid_next: None,
        uid_validity: record.uid_validity,
        size,
    }
}

/// Fills the body hash of every archived message without a Message-ID from the backup's own
/// bytes, as [`hash_bodies_without_id`] does live.
pub fn hash_archived_bodies(
    reader: &mut ArchiveReader,
    manifest: &Manifest,
    folders: &mut [FolderMessages],
) -> Result<(), crate::archive::ArchiveError> {
    for folder in folders.iter_mut() {
        // `manifest_mailbox` lists a folder's records in manifest order; POP3 records have no
        // UID, so records and messages are paired by that order.
        let records = manifest
            .messages
            .iter()
            .filter(|r| r.folder == folder.folder.name);
        for (message, record) in folder.messages.iter_mut().zip(records) {
            if message.message_id.is_none() {
                message.body_hash = Some(body_hash(&reader.read_message(record)?));
            }
        }
    }
    Ok(())
}
