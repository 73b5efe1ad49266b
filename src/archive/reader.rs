//! # Reading backups
//!
//! Opens a backup with the `zip` crate and classifies failures into "not a zip", "not an
//! ikou backup" and "damaged", so a person learns what is wrong with which file. Also gives
//! the service checked access to single messages (for example to upload from a backup).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::result::ZipError;

use super::error::{ArchiveError, IoContext, Result};
use super::manifest::{MANIFEST_NAME, MAX_MANIFEST_BYTES, Manifest, MessageRecord};

pub(crate) type ZipFileReader = zip::ZipArchive<BufReader<FileView>>;

/// A file seen only up to `len` bytes: the committed version of an archive while (or after)
/// an in-place append wrote past it. Bytes before `len` never change during an append.
#[derive(Debug)]
pub(crate) struct FileView {
    file: File,
    len: u64,
    pos: u64,
}

impl FileView {
    pub(crate) fn new(file: File, len: u64) -> Self {
        Self { file, len, pos: 0 }
    }
}

impl Read for FileView {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.len.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for FileView {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before 0"))?;
        self.pos = self.file.seek(SeekFrom::Start(target))?;
        Ok(self.pos)
    }
}

/// How much of the file at `path` is the committed archive: all of it, unless an in-place
/// append was interrupted (or is running), in which case the length its journal recorded.
pub(crate) fn committed_len(path: &Path, file_len: u64) -> Result<u64> {
    let journal = super::fsutil::sibling(path, ".journal");
    Ok(match super::journal::read_journal_ends(&journal)? {
        Some((h, committed)) if h.in_place && committed != Some(file_len) => {
            h.base.map_or(file_len, |b| b.size.min(file_len))
        }
        _ => file_len,
    })
}

/// Opens `path` as a zip (its committed part, see [`committed_len`]), mapping failures to
/// typed errors.
pub(crate) fn open_zip(path: &Path) -> Result<ZipFileReader> {
    let file = File::open(path).ctx(path, "open")?;
    // Length first, journal second: an append starts only after its journal exists.
    let file_len = file.metadata().ctx(path, "stat")?.len();
    let len = committed_len(path, file_len)?;
    open_zip_view(path, file, len)
}

/// Opens the first `len` bytes of `file` as a zip.
pub(crate) fn open_zip_view(path: &Path, file: File, len: u64) -> Result<ZipFileReader> {
    zip::ZipArchive::new(BufReader::new(FileView::new(file, len)))
        .map_err(|e| classify_open_error(path, e))
}

/// A zip crate error while opening: a file that does not even start like a zip is "not a
/// zip"; one that does (a truncated or overwritten backup) is "damaged".
fn classify_open_error(path: &Path, err: ZipError) -> ArchiveError {
    if let ZipError::Io(e) = &err
        && e.kind() != std::io::ErrorKind::UnexpectedEof
    {
        return ArchiveError::io(path, "read", std::io::Error::new(e.kind(), e.to_string()));
    }
    let mut magic = [0u8; 4];
    let starts_like_zip = File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && (magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06");
    if starts_like_zip {
        ArchiveError::corrupt(path, format!("zip structure unreadable: {err}"))
    } else {
        ArchiveError::NotZip {
            path: path.to_path_buf(),
            detail: err.to_string(),
        }
    }
}

/// A zip crate error while reading one entry.
pub(crate) fn zip_entry_error(path: &Path, entry: &str, err: ZipError) -> ArchiveError {
    ArchiveError::corrupt(path, format!("entry {entry:?}: {err}"))
}

/// Reads and checks the manifest entry of an opened backup.
pub(crate) fn read_manifest(zip: &mut ZipFileReader, path: &Path) -> Result<Manifest> {
    let file = match zip.by_name(MANIFEST_NAME) {
        Ok(f) => f,
        Err(ZipError::FileNotFound) => {
            return Err(ArchiveError::NotIkouArchive {
                path: path.to_path_buf(),
            });
        }
        Err(e) => return Err(zip_entry_error(path, MANIFEST_NAME, e)),
    };
    if file.size() > MAX_MANIFEST_BYTES {
        return Err(ArchiveError::corrupt(
            path,
            format!("{MANIFEST_NAME} claims {} bytes", file.size()),
        ));
    }
    // Read as it is decompressed: the text of a large manifest is never held whole.
    Manifest::from_reader(file, path)
}

// Reading from a zip lives here with the other zip reading; the manifest module is data.
impl Manifest {
    /// Reads and checks the manifest of the backup at `path`.
    pub fn read_from_zip(path: &Path) -> Result<Self> {
        let mut zip = open_zip(path)?;
        read_manifest(&mut zip, path)
    }
}

/// Read access to a backup and its manifest.
pub struct ArchiveReader {
    path: PathBuf,
    zip: ZipFileReader,
    manifest: Manifest,
}

impl std::fmt::Debug for ArchiveReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArchiveReader")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ArchiveReader {
    /// Opens the backup at `path` and reads its manifest.
    pub fn open(path: &Path) -> Result<Self> {
        let mut zip = open_zip(path)?;
        let manifest = read_manifest(&mut zip, path)?;
        Ok(Self {
            path: path.to_path_buf(),
            zip,
            manifest,
        })
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The bytes of one entry (CRC-checked by the zip reader).
    pub fn read_entry(&mut self, name: &str) -> Result<Vec<u8>> {
        let mut file = self
            .zip
            .by_name(name)
            .map_err(|e| zip_entry_error(&self.path, name, e))?;
        let mut out = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 30));
        file.read_to_end(&mut out)
            .map_err(|e| ArchiveError::corrupt(&self.path, format!("entry {name:?}: {e}")))?;
        Ok(out)
    }

    /// The bytes of an archived message, checked against the manifest's size and SHA-256.
    pub fn read_message(&mut self, record: &MessageRecord) -> Result<Vec<u8>> {
        let bytes = self.read_entry(&record.entry)?;
        check_message(&self.path, record, bytes)
    }
}

/// `bytes`, read from `record`'s entry of the archive at `path`, if they are the message the
/// manifest records: its size and SHA-256.
pub(crate) fn check_message(
    path: &Path,
    record: &MessageRecord,
    bytes: Vec<u8>,
) -> Result<Vec<u8>> {
    let sha = hex::encode(Sha256::digest(&bytes));
    if bytes.len() as u64 != record.size || sha != record.sha256 {
        return Err(ArchiveError::corrupt(
            path,
            format!(
                "entry {:?} does not match the manifest (size {} vs {}, sha256 {} vs {})",
                record.entry,
                bytes.len(),
                record.size,
                sha,
                record.sha256
            ),
        ));
    }
    Ok(bytes)
}
