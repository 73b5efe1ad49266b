//! # A snapshot as the old side, and a side written as a snapshot, in little memory
//!
//! A snapshot holds about 600 bytes of JSON a message; read whole, 100,000 messages cost
//! some 150 MB before anything is compared. [`read_snapshot_side`] parses it one message
//! at a time instead (`snapshot::read_snapshot`): each message is kept as its compact
//! identity (`compare::listing`), as a live read keeps it, and its envelope goes to a
//! temporary file from which only the envelopes of the messages a finding is about are read
//! back. The report is the one the whole snapshot in memory gives.
//!
//! Taking a snapshot ([`write_snapshot`]) is the other way round: the old server is read
//! reduced, as for a verification, and the snapshot is then written folder by folder from
//! the envelopes in the temporary file.

use std::io;
use std::path::Path;

use super::gather::Whole;
use super::records::{Positions, RecordWriter, SharedRecords};
use super::reduced::ReducedSide;
use super::snapshot::{SnapshotHead, SnapshotSaved, SnapshotSink, SnapshotWriter, read_snapshot};
use super::{SourceInfo, VerifyError};
use crate::compare::listing::Listed;
use crate::model::{FolderInfo, FolderMessages, MessageInfo};

/// A snapshot's envelopes in a temporary file, by folder and position.
pub struct SnapshotEnvelopes {
    records: SharedRecords,
    positions: Positions,
}

impl std::fmt::Debug for SnapshotEnvelopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotEnvelopes")
            .field("folders", &self.positions.offsets.len())
            .finish_non_exhaustive()
    }
}

impl SnapshotEnvelopes {
    /// The envelope of message `index` of folder `folder` as the snapshot holds it; empty
    /// when it cannot be read back (see [`SnapshotEnvelopes::failure`]).
    pub fn message(&self, folder: usize, index: usize) -> MessageInfo {
        self.positions
            .record(folder, index)
            .and_then(|offset| self.records.read(|r| r.json(offset)))
            .unwrap_or_default()
    }

    /// The first error met while reading envelopes back, if any: a report built with an
    /// empty envelope in it must not be shown.
    pub fn failure(&self) -> Option<io::Error> {
        self.records.failure()
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
    let envelopes = SnapshotEnvelopes {
        records: SharedRecords::new(reading.writer.finish().map_err(temp_error)?),
        positions: reading.positions,
    };
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

/// Writes `side` (the old server as read, reduced) as the snapshot of `account` at `path`,
/// folder by folder, each message's envelope read back from the side's temporary file.
/// Blocking: file work only.
pub fn write_snapshot(
    side: ReducedSide,
    account: &str,
    path: &Path,
) -> Result<SnapshotSaved, VerifyError> {
    let head = SnapshotHead::now(&side.source.server, account);
    let mut writer = SnapshotWriter::create(path, head)?;
    for (at, listed) in side.folders.iter().enumerate() {
        let messages = (0..listed.len()).map(|index| side.envelopes.message(at, index));
        writer.folder(&listed.folder, messages)?;
        // An envelope that could not be read back would be written empty: stop before the
        // snapshot is put in place.
        if let Some(e) = side.envelopes.failure() {
            return Err(temp_error(e));
        }
    }
    Ok(writer.finish()?)
}
