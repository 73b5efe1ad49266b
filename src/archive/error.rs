//! # Archive errors
//!
//! One typed error for everything the archive module can report, each variant naming the
//! file it concerns. The service turns these into messages for a person, so every variant
//! says what is wrong and with which file, never just "invalid data".

use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong while writing, reading, verifying or extracting a backup.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An operating-system call failed (disk full, permission denied, ...).
    #[error("{path}: {op} failed: {source}")]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },

    /// The file is not a zip file at all (empty, random bytes, another format).
    #[error("{path} is not a zip file ({detail})")]
    NotZip { path: PathBuf, detail: String },

    /// A valid zip file, but without `ikou-manifest.json`: not written by ikou.
    #[error("{path} is a zip file but not an ikou backup (it has no ikou-manifest.json)")]
    NotIkouArchive { path: PathBuf },

    /// The file looks like a zip or ikou backup but is damaged (truncated, bad records, ...).
    #[error("{path} is damaged: {detail}")]
    Corrupt { path: PathBuf, detail: String },

    /// The manifest was written by a newer ikou with a format this version cannot read.
    #[error(
        "{path} uses backup format {found}; this ikou reads up to format {supported}, please update ikou"
    )]
    UnsupportedFormat {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    /// The archive belongs to another mailbox than the one being backed up.
    #[error("{path} is a backup of {found}, not of {expected}; choose another backup file")]
    DifferentMailbox {
        path: PathBuf,
        found: String,
        expected: String,
    },

    /// Another ikou process is updating the same backup right now.
    #[error("{path} is being updated by another ikou process (lock held on {lock})")]
    Busy { path: PathBuf, lock: PathBuf },

    /// A message was added to a folder that was not registered with `ArchiveUpdate::folder`.
    #[error(
        "folder {folder:?} is not registered in the backup; register it before adding messages"
    )]
    UnknownFolder { folder: String },

    /// An IMAP UID was given for a POP3 backup or a UIDL for an IMAP backup.
    #[error("message key {key} does not match the backup's source kind {source_kind}")]
    KeyMismatch { key: String, source_kind: String },

    /// `rekey` would give a message the identity another archived message already has.
    #[error("folder {folder:?} already has a message with {key}")]
    DuplicateKey { folder: String, key: String },

    /// `rekey` named a zip entry that no manifest message refers to.
    #[error("no message in the backup manifest is stored as {entry:?}")]
    UnknownEntry { entry: String },

    /// An entry name would escape the extraction directory (`../x`, `/etc/x`, `C:x`).
    #[error(
        "{path}: refusing to extract entry {entry:?}: it would be written outside the target directory"
    )]
    UnsafeEntryName { path: PathBuf, entry: String },

    /// A background compression or writer thread died unexpectedly.
    #[error("{path}: background {thread} thread failed: {detail}")]
    Thread {
        path: PathBuf,
        thread: &'static str,
        detail: String,
    },
}

/// Short alias used throughout the module.
pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

impl ArchiveError {
    /// An I/O error on `path` during `op` ("open", "write", "rename", ...).
    pub(crate) fn io(path: &Path, op: &'static str, source: io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            op,
            source,
        }
    }

    pub(crate) fn corrupt(path: &Path, detail: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.to_path_buf(),
            detail: detail.into(),
        }
    }
}

/// Adds file context to an `io::Result`.
pub(crate) trait IoContext<T> {
    fn ctx(self, path: &Path, op: &'static str) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn ctx(self, path: &Path, op: &'static str) -> Result<T> {
        self.map_err(|e| ArchiveError::io(path, op, e))
    }
}
