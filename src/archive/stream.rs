//! # Reading a backup without holding it
//!
//! [`ArchiveReader`](super::ArchiveReader) reads the whole manifest (about 1 KB a message)
//! and the zip crate's index of every entry. [`ArchiveStream`] holds neither: its manifest's
//! records are handed out one by one as the manifest is decompressed
//! ([`ArchiveStream::for_each_message`], with the manifest's CRC and size still checked),
//! and the entries of the few messages a caller reads are found with one pass over the
//! central directory ([`ArchiveStream::locate`]). Memory stays the same whatever the number
//! of messages in the backup.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::path::Path;

use super::base::BaseArchive;
use super::error::{ArchiveError, IoContext, Result};
use super::manifest::{MANIFEST_NAME, Manifest, MessageRecord};
use super::reader::{check_message, committed_len};
use super::zipwrite::CentralRecord;

/// A backup opened for streaming: its central directory checked, nothing held per entry.
#[derive(Debug)]
pub struct ArchiveStream {
    base: BaseArchive,
    file: File,
}

/// Where an entry's data is in the zip, as [`ArchiveStream::locate`] found it.
#[derive(Debug, Clone)]
pub struct EntryAt(CentralRecord);

impl ArchiveStream {
    /// Opens the backup at `path` (its committed part, while an append is unfinished) and
    /// checks its central directory; the manifest is not read yet.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).ctx(path, "open")?;
        let file_len = file.metadata().ctx(path, "stat")?.len();
        let len = committed_len(path, file_len)?;
        let base = BaseArchive::open_checked(path, len)?;
        Ok(Self { base, file })
    }

    pub fn path(&self) -> &Path {
        self.base.path()
    }

    /// Hands every message record of the manifest to `on_message`, in the manifest's order,
    /// as the manifest is decompressed, and returns the manifest's head (every field, with
    /// an empty message list). The manifest's CRC and size are checked after its last
    /// record: a damaged manifest is an error even when every record could be read, so a
    /// caller must not use what it gathered unless this returns `Ok`. An error from
    /// `on_message` stops the reading and is returned as it is.
    pub fn for_each_message(
        &self,
        mut on_message: impl FnMut(MessageRecord) -> Result<()>,
    ) -> Result<Manifest> {
        let path = self.path().to_path_buf();
        // A record that does not parse is reported after the head, so that a manifest of a
        // newer format is refused as such ("update ikou"), not as damage.
        let mut unparsed = None;
        let head = self.base.manifest_records(|text| {
            match serde_json::from_slice::<MessageRecord>(text) {
                Ok(record) => on_message(record),
                Err(e) => {
                    unparsed.get_or_insert_with(|| {
                        ArchiveError::corrupt(&path, format!("{MANIFEST_NAME} is not valid: {e}"))
                    });
                    Ok(())
                }
            }
        })?;
        match unparsed {
            Some(e) => Err(e),
            None => Ok(head),
        }
    }

    /// Where the entries named `names` are: one pass over the central directory. A name the
    /// zip does not hold is not in the answer.
    pub fn locate(&self, names: &HashSet<&str>) -> Result<HashMap<String, EntryAt>> {
        let mut found = HashMap::with_capacity(names.len());
        if names.is_empty() {
            return Ok(found);
        }
        self.base.for_each_record(&mut |r| {
            if names.contains(r.name.as_str()) && !found.contains_key(&r.name) {
                found.insert(r.name.clone(), EntryAt(r));
            }
            Ok(())
        })?;
        Ok(found)
    }

    /// The bytes of the archived message `record`, whose entry is `at`: CRC-checked as the
    /// zip records it, then checked against the manifest's size and SHA-256 (as
    /// [`ArchiveReader::read_message`](super::ArchiveReader::read_message) does).
    pub fn read_message(&mut self, at: &EntryAt, record: &MessageRecord) -> Result<Vec<u8>> {
        if at.0.name != record.entry {
            return Err(ArchiveError::corrupt(
                self.path(),
                format!("entry {:?} asked for {:?}", at.0.name, record.entry),
            ));
        }
        let bytes = self.base.read_entry(&mut self.file, &at.0)?;
        check_message(self.path(), record, bytes)
    }

    /// The error for a record whose entry the zip does not hold.
    pub fn no_entry(&self, record: &MessageRecord) -> ArchiveError {
        ArchiveError::corrupt(
            self.path(),
            format!("entry {:?}: not in the zip", record.entry),
        )
    }
}

#[cfg(test)]
mod tests;
