//! # Resume journal (`<archive>.journal`)
//!
//! JSON lines describing every entry appended to the file being written (`<archive>.partial`
//! for a new backup, the archive itself when an existing one is extended in place): where it
//! lies, the CRC-32 of its on-disk bytes and the manifest record it carries. The header
//! records the length the file had before the first appended byte (for an in-place append,
//! the archive's last committed length); after a crash the next run checks each journalled
//! entry against the file and keeps exactly the intact prefix, so fetched mail is not
//! fetched again and nothing half-written is trusted. An in-place append ends with a
//! `committed` line once its new central directory is durable.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::{IoContext, Result};
use super::manifest::{FolderRecord, MessageRecord, SourceKind};
use super::zipwrite::{CentralRecord, LOCAL_HEADER_LEN, local_header_name};

/// Journal layout version; a journal with another version is discarded.
pub(crate) const JOURNAL_VERSION: u32 = 1;

/// Identity of the archive a partial file was started from. If the archive changed since
/// (another tool rewrote it, a different run committed), the partial's copied prefix no
/// longer matches and must not be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BaseId {
    pub size: u64,
    /// SHA-256 of everything from the old manifest's local header to the end of the file
    /// (manifest + central directory): cheap, and changes with any commit.
    pub tail_sha256: String,
}

/// First line: what the partial file was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct JournalHeader {
    pub version: u32,
    pub base: Option<BaseId>,
    /// Length of the file before the first appended entry (bytes copied from the base
    /// archive into a partial file, or the archive's committed length when appending in place).
    pub prefix_len: u64,
    /// Entries are appended to the archive itself, after its last committed byte; the
    /// archive's first `prefix_len` bytes stay the previous version until the commit.
    #[serde(default)]
    pub in_place: bool,
    pub server: String,
    pub account: String,
    pub source: SourceKind,
}

/// An entry as written to the partial file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WrittenEntry {
    /// Central record; `offset` is where the local header starts.
    pub record: CentralRecord,
    /// Local header plus data length.
    pub span: u64,
    /// CRC-32 of those `span` bytes.
    pub raw_crc: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub(crate) enum JournalLine {
    Header(JournalHeader),
    /// An appended zip entry: a message, a folder's directory, or an implicit parent.
    Entry {
        entry: WrittenEntry,
        folder: Option<FolderRecord>,
        message: Option<Box<MessageRecord>>,
    },
    /// A new folder whose directory already existed in the archive.
    Folder {
        folder: FolderRecord,
    },
    /// An in-place append finished: the archive, `len` bytes long, ends with its new
    /// manifest and central directory, durably. Only the journal's removal was left to do.
    Committed {
        len: u64,
    },
}

/// Append handle on the journal file.
#[derive(Debug)]
pub(crate) struct Journal {
    file: BufWriter<File>,
    path: PathBuf,
    /// Length of the journal when this handle was made: lines from here on describe what
    /// this run appended; earlier ones were recovered from an interrupted run.
    start: u64,
}

impl Journal {
    /// Creates (truncating) the journal with its header line, durably.
    pub(crate) fn create(path: &Path, header: JournalHeader) -> Result<Self> {
        let file = super::fsutil::private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .ctx(path, "create")?;
        let mut j = Self {
            file: BufWriter::new(file),
            path: path.to_path_buf(),
            start: 0,
        };
        j.append(&JournalLine::Header(header))?;
        j.sync()?;
        j.start = j.file.get_mut().stream_position().ctx(path, "seek")?;
        Ok(j)
    }

    /// Opens an existing journal for appending after `len` bytes (the intact part).
    pub(crate) fn reopen(path: &Path, len: u64) -> Result<Self> {
        let mut file = OpenOptions::new()
            .write(true)
            .open(path)
            .ctx(path, "open")?;
        file.set_len(len).ctx(path, "truncate")?;
        file.seek(SeekFrom::Start(len)).ctx(path, "seek")?;
        file.sync_all().ctx(path, "fsync")?;
        Ok(Self {
            file: BufWriter::new(file),
            path: path.to_path_buf(),
            start: len,
        })
    }

    /// Buffers one line; call [`Journal::flush`] to hand it to the OS.
    pub(crate) fn append(&mut self, line: &JournalLine) -> Result<()> {
        let mut json = serde_json::to_vec(line)
            .map_err(|e| super::error::ArchiveError::io(&self.path, "encode", e.into()))?;
        json.push(b'\n');
        self.file.write_all(&json).ctx(&self.path, "write")
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Where this run's lines begin (see the field).
    pub(crate) fn start(&self) -> u64 {
        self.start
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        self.file.flush().ctx(&self.path, "write")
    }

    pub(crate) fn sync(&mut self) -> Result<()> {
        self.flush()?;
        self.file.get_ref().sync_data().ctx(&self.path, "fsync")
    }
}

/// What a reader needs from the journal of an in-place append: the header, and the
/// committed length if the append finished. Reads the first and the last line only, so it
/// stays cheap however many entries the journal lists.
pub(crate) fn read_journal_ends(path: &Path) -> Result<Option<(JournalHeader, Option<u64>)>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(super::error::ArchiveError::io(path, "open", e)),
    };
    let len = file.metadata().ctx(path, "stat")?.len();
    // The header names server and account; a few KiB always hold it.
    let mut head = Vec::new();
    (&mut file)
        .take(16 << 10)
        .read_to_end(&mut head)
        .ctx(path, "read")?;
    let Some(nl) = head.iter().position(|&b| b == b'\n') else {
        return Ok(None);
    };
    let Ok(JournalLine::Header(header)) = serde_json::from_slice(&head[..nl]) else {
        return Ok(None);
    };
    let tail_len = len.min(256);
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len))
        .ctx(path, "seek")?;
    file.read_exact(&mut tail).ctx(path, "read")?;
    let committed = tail
        .strip_suffix(b"\n")
        .and_then(|t| {
            let start = t.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            serde_json::from_slice::<JournalLine>(&t[start..]).ok()
        })
        .and_then(|line| match line {
            JournalLine::Committed { len } => Some(len),
            _ => None,
        });
    Ok(Some((header, committed)))
}

/// The lines of a journal after its header, read one at a time (never into memory as a
/// whole), each with the offset it starts at; ends at the first line that is not intact
/// (torn: no newline, or not parsing), since everything after it is untrusted. Resume
/// checks what an interrupted run journalled with it; the commit writes the manifest and
/// the directory from what was journalled.
#[derive(Debug)]
pub(crate) struct JournalLines {
    reader: std::io::BufReader<File>,
    path: PathBuf,
    line: Vec<u8>,
    pos: u64,
    header_seen: bool,
    done: bool,
}

impl JournalLines {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).ctx(path, "open")?;
        Ok(Self {
            reader: std::io::BufReader::with_capacity(1 << 16, file),
            path: path.to_path_buf(),
            line: Vec::new(),
            pos: 0,
            header_seen: false,
            done: false,
        })
    }

    /// Opens the journal and reads its header line; `None` if it has no intact header.
    pub(crate) fn open_with_header(path: &Path) -> Result<Option<(JournalHeader, Self)>> {
        let mut lines = Self::open(path)?;
        lines.header_seen = true;
        match lines.read_line()? {
            Some(JournalLine::Header(h)) => Ok(Some((h, lines))),
            _ => Ok(None),
        }
    }

    /// Offset just past the last line read (the header included): where to cut the
    /// journal to keep exactly the lines read so far.
    pub(crate) fn end(&self) -> u64 {
        self.pos
    }

    /// The next intact line, advancing [`JournalLines::end`]; `None` from the first line
    /// that is torn or does not parse on.
    fn read_line(&mut self) -> Result<Option<JournalLine>> {
        use std::io::BufRead;
        if self.done {
            return Ok(None);
        }
        self.line.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line)
            .ctx(&self.path, "read")?;
        let parsed = match self.line.split_last() {
            Some((b'\n', text)) => serde_json::from_slice::<JournalLine>(text).ok(),
            _ => None,
        };
        match parsed {
            Some(line) => {
                self.pos += n as u64;
                Ok(Some(line))
            }
            None => {
                self.done = true;
                Ok(None)
            }
        }
    }
}

impl Iterator for JournalLines {
    type Item = Result<(JournalLine, u64)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let start = self.pos;
            let line = match self.read_line() {
                Ok(line) => line?,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if !std::mem::replace(&mut self.header_seen, true) {
                if !matches!(line, JournalLine::Header(_)) {
                    self.done = true;
                    return None;
                }
                continue;
            }
            return Some(Ok((line, start)));
        }
    }
}

/// Calls `f(line, line_start)` for every intact line after the header ([`JournalLines`]).
#[cfg(test)]
pub(crate) fn scan_journal(
    path: &Path,
    mut f: impl FnMut(JournalLine, u64) -> Result<()>,
) -> Result<()> {
    for line in JournalLines::open(path)? {
        let (line, start) = line?;
        f(line, start)?;
    }
    Ok(())
}

/// Size of the buffer [`entry_is_intact`] reads through.
pub(crate) const INTACT_BUF_LEN: usize = 64 * 1024;

/// Checks that `entry` lies intact in `file`: in bounds, the local header names the entry,
/// and the CRC-32 of its bytes matches the journal. Streams through `buf` (reused from
/// entry to entry; [`INTACT_BUF_LEN`] bytes), so big messages are not loaded.
pub(crate) fn entry_is_intact(
    file: &mut File,
    file_len: u64,
    entry: &WrittenEntry,
    buf: &mut [u8],
) -> std::io::Result<bool> {
    let Some(end) = entry.record.offset.checked_add(entry.span) else {
        return Ok(false);
    };
    if end > file_len || entry.span < LOCAL_HEADER_LEN as u64 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(entry.record.offset))?;
    let mut reader = file.take(entry.span);
    // Names are at most a few hundred bytes, far below the buffer size.
    let head_len = (LOCAL_HEADER_LEN + entry.record.name.len())
        .min(entry.span as usize)
        .min(buf.len());
    reader.read_exact(&mut buf[..head_len])?;
    if local_header_name(&buf[..head_len]) != Some(entry.record.name.as_str()) {
        return Ok(false);
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&buf[..head_len]);
    loop {
        let n = reader.read(buf)?;
        if n == 0 {
            break;
        }
        crc.update(&buf[..n]);
    }
    Ok(crc.finalize() == entry.raw_crc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> JournalHeader {
        JournalHeader {
            version: JOURNAL_VERSION,
            base: None,
            prefix_len: 0,
            in_place: false,
            server: "h:1".into(),
            account: "a".into(),
            source: SourceKind::Imap,
        }
    }

    #[test]
    fn torn_last_line_is_ignored() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("j");
        let mut j = Journal::create(&path, header()).expect("create");
        let folder = FolderRecord {
            name: "INBOX".into(),
            raw_name: "INBOX".into(),
            delimiter: Some('.'),
            special_use: None,
            uid_validity: Some(1),
            messages: 0,
            dir: "INBOX/".into(),
            synced: None,
            largest: None,
        };
        j.append(&JournalLine::Folder {
            folder: folder.clone(),
        })
        .expect("append");
        j.flush().expect("flush");
        let good_len = std::fs::metadata(&path).expect("meta").len();
        j.append(&JournalLine::Folder { folder }).expect("append");
        j.flush().expect("flush");
        // Tear the second line in half.
        let f = OpenOptions::new().write(true).open(&path).expect("open");
        f.set_len(good_len + 10).expect("truncate");
        let (h, mut lines) = JournalLines::open_with_header(&path)
            .expect("read")
            .expect("header intact");
        assert_eq!(h, header());
        let header_end = lines.end();
        let first = lines.next().expect("one line").expect("read");
        assert!(matches!(first, (JournalLine::Folder { .. }, at) if at == header_end));
        assert_eq!(lines.end(), good_len);
        assert!(lines.next().is_none(), "the torn line is not read");
        assert!(lines.next().is_none(), "nor anything after it");
        assert_eq!(lines.end(), good_len);
    }

    #[test]
    fn missing_header_means_no_journal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("j");
        std::fs::write(&path, b"{\"t\":\"hea").expect("write");
        assert!(
            JournalLines::open_with_header(&path)
                .expect("read")
                .is_none()
        );
        // A journal whose first line is not a header has none either.
        std::fs::write(&path, b"{\"t\":\"committed\",\"len\":3}\n").expect("write");
        assert!(
            JournalLines::open_with_header(&path)
                .expect("read")
                .is_none()
        );
        assert_eq!(JournalLines::open(&path).expect("open").count(), 0);
    }
}
