//! # Reading backups
//!
//! Opens a backup with the `zip` crate and classifies failures into "not a zip", "not an
//! ikou backup" and "damaged", so a person learns what is wrong with which file. Also gives
//! the service checked access to single messages (for example to upload from a backup).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::result::ZipError;

use super::error::{ArchiveError, IoContext, Result};
use super::manifest::{Manifest, MessageRecord};

pub(crate) type ZipFileReader = zip::ZipArchive<BufReader<File>>;

/// Opens `path` as a zip, mapping failures to typed errors.
pub(crate) fn open_zip(path: &Path) -> Result<ZipFileReader> {
    let file = File::open(path).ctx(path, "open")?;
    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| classify_open_error(path, e))
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
        let manifest = Manifest::read_from(&mut zip, path)?;
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
        let sha = hex::encode(Sha256::digest(&bytes));
        if bytes.len() as u64 != record.size || sha != record.sha256 {
            return Err(ArchiveError::corrupt(
                &self.path,
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
}
