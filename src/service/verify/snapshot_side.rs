//! # A snapshot as the old side, and a side written as a snapshot, in little memory
//!
//! A snapshot holds about 600 bytes of JSON a message; read whole, 100,000 messages cost
//! some 150 MB before anything is compared. [`read_snapshot_side`] parses it one message
//! at a time instead (`snapshot::read_snapshot`): each message is kept as its compact
//! identity (`compare::listing`), as a live read keeps it, and its envelope goes to a
//! temporary file from which only the envelopes of the messages a finding is about are read
//! back. The report is the one the whole snapshot in memory gives.
//!
//! Taking a snapshot ([`SnapshotCollector`]) is the other way round: the snapshot is
//! written as the old server is read, one folder at a time.

use std::io;
use std::path::Path;

use super::gather::{Collector, Whole, message_info};
use super::records::{FolderRecords, Positions, RecordWriter};
use super::snapshot::{SnapshotHead, SnapshotSaved, SnapshotSink, SnapshotWriter, read_snapshot};
use super::{AccountRef, SourceInfo, VerifyError, read_into};
use crate::compare::listing::Listed;
use crate::imap::FetchedMeta;
use crate::model::{FolderInfo, FolderMessages, MessageInfo};
use crate::profile::{Profile, Side};
use crate::service::open_read_session;
use crate::service::progress::silent;

/// A snapshot's envelopes in a temporary file, by folder and position.
#[derive(Debug)]
pub struct SnapshotEnvelopes(FolderRecords);

impl SnapshotEnvelopes {
    /// The envelope of message `index` of folder `folder` as the snapshot holds it; empty
    /// when it cannot be read back (see [`SnapshotEnvelopes::failure`]).
    pub fn message(&self, folder: usize, index: usize) -> MessageInfo {
        self.0
            .read(folder, index, |reader, at, _| reader.json(at))
            .unwrap_or_default()
    }

    /// The first error met while reading envelopes back, if any: a report built with an
    /// empty envelope in it must not be shown.
    pub fn failure(&self) -> Option<io::Error> {
        self.0.failure()
    }
}

/// The folders of a snapshot as they are read: compact identities here, envelopes in the
/// temporary file.
struct Reading {
    folders: Vec<Listed>,
    writer: RecordWriter,
    positions: Positions,
    text: Vec<u8>,
    error: Option<io::Error>,
}

impl SnapshotSink for Reading {
    fn folder(&mut self, folder: FolderInfo) {
        self.folders.push(Listed::empty(folder));
        self.positions.offsets.push(Vec::new());
        self.positions.bodies.push(Vec::new());
    }

    fn message(&mut self, message: MessageInfo) {
        let (Some(listed), Some(offsets)) =
            (self.folders.last_mut(), self.positions.offsets.last_mut())
        else {
            return;
        };
        self.text.clear();
        let written = serde_json::to_writer(&mut self.text, &message)
            .map_err(io::Error::other)
            .and_then(|()| self.writer.append(&self.text));
        match written {
            Ok(offset) => offsets.push(offset),
            Err(e) => {
                self.error.get_or_insert(e);
                offsets.push(0);
            }
        }
        listed.push(&message);
    }
}

/// An error of the temporary file that holds the envelopes.
fn temp_error(e: io::Error) -> VerifyError {
    VerifyError::Unreadable {
        path: std::env::temp_dir(),
        detail: e.to_string(),
    }
}

/// The snapshot at `path` as the old side: where it was taken, its folders (in its order)
/// as compact identities, and its envelopes in a temporary file.
pub fn read_snapshot_side(
    path: &Path,
) -> Result<(SourceInfo, Vec<Listed>, SnapshotEnvelopes), VerifyError> {
    let mut reading = Reading {
        folders: Vec::new(),
        writer: RecordWriter::new().map_err(temp_error)?,
        positions: Positions::default(),
        text: Vec::with_capacity(1024),
        error: None,
    };
    let head = read_snapshot(path, &mut reading)?;
    if let Some(e) = reading.error {
        return Err(temp_error(e));
    }
    let envelopes = SnapshotEnvelopes(FolderRecords::new(
        reading.writer.finish().map_err(temp_error)?,
        reading.positions,
    ));
    Ok((
        SourceInfo::snapshot(path, &head),
        reading.folders,
        envelopes,
    ))
}

/// A snapshot read whole, for the comparisons that hold both mailboxes.
impl SnapshotSink for Whole {
    fn folder(&mut self, folder: FolderInfo) {
        self.0.push(FolderMessages {
            folder,
            messages: Vec::new(),
        });
    }

    fn message(&mut self, message: MessageInfo) {
        if let Some(folder) = self.0.last_mut() {
            folder.messages.push(message);
        }
    }
}

/// The old server read straight into a snapshot: while a folder is read, its messages go,
/// as the JSON lines the snapshot holds, to a temporary file; once the folder is complete
/// they are copied into the snapshot (the body hashes of the messages without a Message-ID
/// come last, and only those lines are encoded again). Memory holds where each line of the
/// current folder starts, nothing more.
pub struct SnapshotCollector {
    writer: SnapshotWriter,
    folder: Option<FolderInfo>,
    lines: Option<RecordWriter>,
    offsets: Vec<u64>,
    /// The current folder's messages without a Message-ID: UID and position.
    without_id: Vec<(u32, usize)>,
    /// Their body hashes: position and hash.
    hashes: Vec<(usize, String)>,
    size: u64,
    text: Vec<u8>,
    error: Option<VerifyError>,
}

impl SnapshotCollector {
    /// Starts the snapshot at `path` (written to `<path>.partial` until it is complete).
    pub fn create(path: &Path, head: SnapshotHead) -> Result<Self, VerifyError> {
        Ok(SnapshotCollector {
            writer: SnapshotWriter::create(path, head)?,
            folder: None,
            lines: None,
            offsets: Vec::new(),
            without_id: Vec::new(),
            hashes: Vec::new(),
            size: 0,
            text: Vec::with_capacity(1024),
            error: None,
        })
    }

    /// Reading is over: the snapshot is put in place, unless something failed.
    pub fn finish(self) -> Result<SnapshotSaved, VerifyError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        Ok(self.writer.finish()?)
    }

    fn keep(&mut self, result: Result<(), VerifyError>) {
        if let Err(e) = result {
            self.error.get_or_insert(e);
        }
    }

    fn line(&mut self, info: &MessageInfo) -> Result<(), VerifyError> {
        let lines = match &mut self.lines {
            Some(lines) => lines,
            None => self.lines.insert(RecordWriter::new().map_err(temp_error)?),
        };
        self.text.clear();
        serde_json::to_writer(&mut self.text, info).map_err(|e| temp_error(e.into()))?;
        self.offsets
            .push(lines.append(&self.text).map_err(temp_error)?);
        Ok(())
    }

    /// Copies the complete folder into the snapshot.
    fn write_folder(&mut self, folder: &FolderInfo) -> Result<(), VerifyError> {
        self.writer.begin_folder(folder)?;
        if let Some(lines) = self.lines.take() {
            let mut reader = lines.finish().map_err(temp_error)?;
            self.hashes.sort_unstable();
            let mut hashes = self.hashes.drain(..).peekable();
            for (index, &offset) in self.offsets.iter().enumerate() {
                let line = reader.load(offset).map_err(temp_error)?;
                match hashes.next_if(|(at, _)| *at == index) {
                    Some((_, hash)) => {
                        let mut info: MessageInfo =
                            serde_json::from_slice(line).map_err(|e| temp_error(e.into()))?;
                        info.body_hash = Some(hash);
                        self.writer.message(&info)?;
                    }
                    None => self.writer.message_json(line)?,
                }
            }
        }
        Ok(self.writer.end_folder()?)
    }
}

impl Collector for SnapshotCollector {
    fn begin(&mut self, folder: FolderInfo) {
        self.folder = Some(folder);
        self.lines = None;
        self.offsets.clear();
        self.without_id.clear();
        self.hashes.clear();
        self.size = 0;
    }

    fn message(&mut self, meta: FetchedMeta) {
        if self.error.is_some() {
            return;
        }
        let info = message_info(meta);
        if info.message_id.is_none() {
            self.without_id.push((info.uid, self.offsets.len()));
        }
        self.size += info.size;
        let written = self.line(&info);
        self.keep(written);
    }

    fn without_id(&self) -> Vec<u32> {
        self.without_id.iter().map(|&(uid, _)| uid).collect()
    }

    fn body_hash(&mut self, uid: u32, hash: String) {
        // The first message with the UID, as the whole-mailbox reader finds it.
        if let Some(&(_, index)) = self.without_id.iter().find(|(u, _)| *u == uid)
            && !self.hashes.iter().any(|(at, _)| *at == index)
        {
            self.hashes.push((index, hash));
        }
    }

    fn end(&mut self) {
        let Some(mut folder) = self.folder.take() else {
            return;
        };
        if self.error.is_some() {
            return;
        }
        if folder.selectable {
            folder.size = self.size;
        }
        let written = self.write_folder(&folder);
        self.keep(written);
    }
}

/// Takes a snapshot of the old server into `path`, written folder by folder as the server
/// is read, so memory stays small whatever the number of messages.
pub async fn take_snapshot(
    profile: &Profile,
    account: &AccountRef,
    path: &Path,
) -> Result<SnapshotSaved, VerifyError> {
    let session = open_read_session(profile, Side::Old, account).await?;
    snapshot_session(session, &account.address, path).await
}

/// [`take_snapshot`] through a session already signed in (the person's, or the centre's
/// admin access); the session is logged out once read.
pub async fn snapshot_session(
    session: crate::imap::ReadSession,
    address: &str,
    path: &Path,
) -> Result<SnapshotSaved, VerifyError> {
    let head = SnapshotHead::now(session.server(), address);
    let collector = SnapshotCollector::create(path, head)?;
    let (_, read) = read_into(session, Side::Old, &silent(), collector).await;
    read?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uid: u32, id: Option<&str>) -> FetchedMeta {
        let mut header = String::new();
        if let Some(id) = id {
            header.push_str(&format!("Message-ID: <{id}@example-univ.ac.jp>\r\n"));
        }
        header.push_str("Subject: =?UTF-8?B?5Lya6K2w?=\r\nFrom: taro@example-univ.ac.jp\r\n\r\n");
        FetchedMeta {
            uid,
            size: 1000 + u64::from(uid),
            internal_date: Some("2025-01-20T09:00:00+09:00".into()),
            flags: vec!["\\Seen".into()],
            header: Some(header.into_bytes()),
        }
    }

    fn hashes_for(metas: &[FetchedMeta]) -> Vec<u32> {
        metas
            .iter()
            .filter(|m| {
                !m.header
                    .as_deref()
                    .is_some_and(|h| h.starts_with(b"Message-ID"))
            })
            .map(|m| m.uid)
            .collect()
    }

    /// Folders as a live read gives them: (folder, messages, body hashes by UID).
    fn feed(collector: &mut dyn Collector) {
        let mut noselect = FolderInfo::named("Archive", Some('/'));
        noselect.selectable = false;
        let folders = [
            (
                FolderInfo::named("INBOX", Some('/')),
                vec![
                    meta(1, Some("a")),
                    meta(2, None),
                    meta(3, Some("c")),
                    meta(2, None),
                ],
                vec![(2, "ab".repeat(32))],
            ),
            (noselect, vec![], vec![]),
            (FolderInfo::named("Empty", Some('/')), vec![], vec![]),
            (
                FolderInfo::named("Sent", Some('/')),
                vec![meta(9, None)],
                vec![(9, "cd".repeat(32))],
            ),
        ];
        for (folder, metas, hashes) in folders {
            collector.begin(folder);
            for m in metas.clone() {
                collector.message(m);
            }
            // Both collectors name the same messages to hash: those without a Message-ID.
            let expected: Vec<u32> = hashes_for(&metas);
            assert_eq!(collector.without_id(), expected);
            for (uid, hash) in hashes {
                collector.body_hash(uid, hash);
            }
            collector.end();
        }
    }

    /// The snapshot written as the server is read holds what the whole mailbox read into
    /// memory holds, body hashes and folder sizes included.
    #[test]
    fn a_snapshot_written_while_reading_is_the_mailbox_read_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.json");
        let mut collector =
            SnapshotCollector::create(&path, SnapshotHead::now("old:993 (tls)", "taro"))
                .expect("create");
        feed(&mut collector);
        let saved = collector.finish().expect("finish");
        assert_eq!((saved.folders, saved.messages), (4, 5));

        let mut whole = Whole::default();
        feed(&mut whole);
        let mut read_back = Whole::default();
        read_snapshot(&path, &mut read_back).expect("read");
        assert_eq!(read_back.0, whole.0);
        let inbox = &read_back.0[0];
        assert_eq!(inbox.folder.size, 1001 + 1002 + 1003 + 1002);
        // The first message with the UID has the hash, as the whole reader gives it.
        let hashes: Vec<bool> = inbox
            .messages
            .iter()
            .map(|m| m.body_hash.is_some())
            .collect();
        assert_eq!(hashes, [false, true, false, false]);
        assert!(read_back.0[3].messages[0].body_hash.is_some());
    }
}
