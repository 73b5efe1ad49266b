//! # Files only their owner can read
//!
//! Snapshots, CSV files, batch journals and reports, extracted messages: everything ikou
//! writes that holds subjects, addresses or mail is created with mode 0600, like the
//! backup archive, and an existing file of that name is narrowed to 0600 before it is
//! overwritten (on systems without Unix modes the defaults apply).

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

fn options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

/// Narrows an existing file to 0600 (the mode given at creation does not apply to it).
fn narrow(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(mode & 0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Creates or truncates `path` for writing, readable by the owner only.
pub fn create(path: &Path) -> io::Result<File> {
    let file = options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    narrow(&file)?;
    Ok(file)
}

/// Opens `path` for appending (created if missing), readable by the owner only.
pub fn append(path: &Path, truncate: bool) -> io::Result<File> {
    let mut o = options();
    o.create(true).write(true);
    if truncate {
        o.truncate(true);
    } else {
        o.append(true);
    }
    let file = o.open(path)?;
    narrow(&file)?;
    Ok(file)
}

/// Writes `bytes` to `path` like [`std::fs::write`], readable by the owner only.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let mut file = create(path)?;
    file.write_all(bytes.as_ref())?;
    file.flush()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("stat").permissions().mode() & 0o777
    }

    #[test]
    fn new_and_existing_files_end_up_0600() {
        let dir = tempfile::tempdir().expect("dir");
        let fresh = dir.path().join("fresh.csv");
        write(&fresh, "a").expect("write");
        assert_eq!(mode(&fresh), 0o600);
        let old = dir.path().join("old.json");
        std::fs::write(&old, "x").expect("write");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write(&old, "y").expect("write");
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).expect("read"), "y");
        let log = dir.path().join("journal.jsonl");
        append(&log, false).expect("append");
        assert_eq!(mode(&log), 0o600);
    }
}
