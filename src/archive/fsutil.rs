//! # File-system helpers for crash-safe writing
//!
//! Sibling paths, directory fsync, owner-only file mode and the `.lock` file that keeps two
//! ikou processes from writing the same backup. Kept apart so `update.rs` reads as the
//! update protocol itself.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use super::error::{ArchiveError, IoContext, Result};

pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Makes renames and new files in `dir` durable (power loss after `commit` returns).
pub(crate) fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .ctx(dir, "fsync directory")?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

pub(crate) fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(ArchiveError::io(path, "remove", e)),
        _ => Ok(()),
    }
}

/// Open options for files holding mail: readable by the owner only, since a backup holds
/// private mail (the committed archive keeps the partial's mode).
pub(crate) fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// `<archive>.lock`, held with an OS file lock so two ikou processes never write the same
/// partial file. Best effort: it is removed when the update ends.
#[derive(Debug)]
pub(crate) struct LockFile {
    path: PathBuf,
    _file: File,
}

impl LockFile {
    pub(crate) fn acquire(archive: &Path) -> Result<Self> {
        let path = sibling(archive, ".lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .ctx(&path, "create")?;
        match file.try_lock() {
            Ok(()) => Ok(Self { path, _file: file }),
            Err(TryLockError::WouldBlock) => Err(ArchiveError::Busy {
                path: archive.to_path_buf(),
                lock: path,
            }),
            Err(TryLockError::Error(e)) => Err(ArchiveError::io(&path, "lock", e)),
        }
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}
