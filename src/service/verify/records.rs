//! # Records in an unnamed temporary file, written once and read back by where they start
//!
//! A side of a verification keeps each message as its compact identity in memory and the
//! rest of what was read for it (the fetched items, a backup's record, a snapshot's
//! envelope) here, for the few messages a finding is about. The file is readable only by
//! this process and deleted by the system when it is closed. Each record is its length
//! (4 bytes, little-endian), then its bytes.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

/// Appends records to the temporary file.
pub struct RecordWriter {
    out: BufWriter<File>,
    written: u64,
    /// A reader was handed out while writing goes on. It shares the file's position, so
    /// from then on each record is written in place at the end and flushed at once.
    shared: bool,
}

impl RecordWriter {
    /// A new, empty temporary file in the system's temporary directory.
    pub fn new() -> io::Result<Self> {
        Ok(RecordWriter {
            out: BufWriter::with_capacity(1 << 16, tempfile::tempfile()?),
            written: 0,
            shared: false,
        })
    }

    /// Appends one record; returns where it starts.
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "record over 4 GiB"))?;
        if self.shared {
            // The buffer is empty (flushed after every record since the reader was made),
            // so the seek writes nothing where a read left the position.
            self.out.seek(SeekFrom::Start(self.written))?;
        }
        self.out.write_all(&len.to_le_bytes())?;
        self.out.write_all(bytes)?;
        if self.shared {
            self.out.flush()?;
        }
        let at = self.written;
        self.written += 4 + u64::from(len);
        Ok(at)
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// A reader of what is written, once it is flushed; writing may go on (unbuffered).
    pub fn reader(&mut self) -> io::Result<RecordReader> {
        self.out.flush()?;
        self.shared = true;
        Ok(RecordReader::new(self.out.get_ref().try_clone()?))
    }

    /// Writing is over: a reader of the whole file.
    pub fn finish(self) -> io::Result<RecordReader> {
        let file = self
            .out
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        Ok(RecordReader::new(file))
    }
}

/// Reads records back by where they start.
pub struct RecordReader {
    file: File,
    buffer: Vec<u8>,
}

impl RecordReader {
    fn new(file: File) -> Self {
        RecordReader {
            file,
            buffer: Vec::new(),
        }
    }

    /// The bytes of the record at `offset`.
    pub fn load(&mut self, offset: u64) -> io::Result<&[u8]> {
        self.file.seek(SeekFrom::Start(offset))?;
        let mut len = [0u8; 4];
        self.file.read_exact(&mut len)?;
        self.buffer.resize(u32::from_le_bytes(len) as usize, 0);
        self.file.read_exact(&mut self.buffer)?;
        Ok(&self.buffer)
    }

    /// The record at `offset`, a JSON value.
    pub fn json<T: serde::de::DeserializeOwned>(&mut self, offset: u64) -> io::Result<T> {
        serde_json::from_slice(self.load(offset)?)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    /// The record at `offset`, UTF-8 text.
    pub fn text(&mut self, offset: u64) -> io::Result<String> {
        String::from_utf8(self.load(offset)?.to_vec())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// A reader shared by the lookups of a report, which must not fail one by one: a record
/// that cannot be read back gives `None`, and the first such error is kept for
/// [`SharedRecords::failure`], so that a report built with an empty envelope in it is not
/// shown.
struct SharedRecords {
    inner: Mutex<(RecordReader, Option<io::Error>)>,
}

impl SharedRecords {
    pub fn new(reader: RecordReader) -> Self {
        SharedRecords {
            inner: Mutex::new((reader, None)),
        }
    }

    /// `read` on the reader; its error is kept and gives `None`.
    pub fn read<T>(&self, read: impl FnOnce(&mut RecordReader) -> io::Result<T>) -> Option<T> {
        let mut inner = match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        };
        let (reader, error) = &mut *inner;
        match read(reader) {
            Ok(value) => Some(value),
            Err(e) => {
                error.get_or_insert(e);
                None
            }
        }
    }

    /// The first error met while reading records back, if any.
    pub fn failure(&self) -> Option<io::Error> {
        match self.inner.lock() {
            Ok(mut inner) => inner.1.take(),
            Err(poisoned) => poisoned.into_inner().1.take(),
        }
    }
}

/// Where each message's record starts, by folder and position, with the body hashes of the
/// messages without a Message-ID.
#[derive(Debug, Default)]
pub struct Positions {
    /// `offsets[folder][index]`: where the message's record starts.
    pub offsets: Vec<Vec<u64>>,
    /// `bodies[folder]`: (message index, where its body hash starts), sorted by index.
    pub bodies: Vec<Vec<(u32, u64)>>,
}

impl Positions {
    /// Where the record of message `index` of folder `folder` starts.
    pub fn record(&self, folder: usize, index: usize) -> Option<u64> {
        self.offsets.get(folder)?.get(index).copied()
    }

    /// Where the body hash of message `index` of folder `folder` starts, if it has one.
    pub fn body(&self, folder: usize, index: usize) -> Option<u64> {
        let bodies = self.bodies.get(folder)?;
        let index = u32::try_from(index).ok()?;
        let at = bodies.binary_search_by_key(&index, |&(i, _)| i).ok()?;
        bodies.get(at).map(|&(_, offset)| offset)
    }
}

/// The records of a side's messages, by folder and position, read back one message at a
/// time by the lookups of a report.
pub struct FolderRecords {
    records: SharedRecords,
    positions: Positions,
}

impl std::fmt::Debug for FolderRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FolderRecords")
            .field("folders", &self.positions.offsets.len())
            .finish_non_exhaustive()
    }
}

impl FolderRecords {
    pub fn new(reader: RecordReader, positions: Positions) -> Self {
        FolderRecords {
            records: SharedRecords::new(reader),
            positions,
        }
    }

    /// `read(reader, record, body)` for message `index` of folder `folder`: where its
    /// record starts and, when it has one, its body hash. `None` when there is no such
    /// message or the read failed (the error is kept for [`FolderRecords::failure`]).
    pub fn read<T>(
        &self,
        folder: usize,
        index: usize,
        read: impl FnOnce(&mut RecordReader, u64, Option<u64>) -> io::Result<T>,
    ) -> Option<T> {
        let record = self.positions.record(folder, index)?;
        let body = self.positions.body(folder, index);
        self.records.read(|reader| read(reader, record, body))
    }

    /// The first error met while reading records back, if any: a report built with an
    /// empty envelope in it must not be shown.
    pub fn failure(&self) -> Option<io::Error> {
        self.records.failure()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_in_any_order_while_writing_goes_on() {
        let mut writer = RecordWriter::new().expect("temp file");
        let a = writer.append(b"first").expect("append");
        let b = writer.append(&[]).expect("append");
        let mut early = writer.reader().expect("reader");
        // Reads and writes interleaved: the reader moves the shared file position.
        assert_eq!(early.load(a).expect("a"), b"first");
        let c = writer.append("三番目".as_bytes()).expect("append");
        assert_eq!(early.load(b).expect("b"), b"");
        let d = writer.append(b"fourth").expect("append");
        assert_eq!(early.text(c).expect("c"), "三番目");
        assert_eq!(early.load(d).expect("d"), b"fourth");
        assert_eq!(writer.written(), 4 + 5 + 4 + 4 + 9 + 4 + 6);
        assert_eq!(early.load(a).expect("a"), b"first");
        assert_eq!(early.load(b).expect("b"), b"");
        let shared = SharedRecords::new(writer.finish().expect("finish"));
        assert_eq!(shared.read(|r| r.text(c)).as_deref(), Some("三番目"));
        assert!(shared.failure().is_none());
        // A record that is not JSON, and an offset past the end: None, and the first
        // error is kept once.
        assert_eq!(shared.read(|r| r.json::<u32>(a)), None);
        assert_eq!(shared.read(|r| r.load(1 << 20).map(<[u8]>::len)), None);
        let kept = shared.failure().expect("an error is kept");
        assert_eq!(kept.kind(), io::ErrorKind::InvalidData, "{kept}");
        assert!(shared.failure().is_none());
    }

    #[test]
    fn body_positions_are_found_by_index() {
        let positions = Positions {
            offsets: vec![vec![0, 10, 20], vec![]],
            bodies: vec![vec![(0, 100), (2, 140)], vec![]],
        };
        assert_eq!(positions.record(0, 2), Some(20));
        assert_eq!(positions.record(1, 0), None);
        assert_eq!(positions.body(0, 2), Some(140));
        assert_eq!(positions.body(0, 1), None);
        assert_eq!(positions.body(3, 0), None);
    }
}
