//! # Reading a file the user named, within a size bound
//!
//! `-p /dev/zero`, a FIFO that never ends or a multi-gigabyte file given by mistake must
//! end in a clear error, not in a process that reads until memory runs out. Every file ikou
//! reads whole (profile, CA certificate, accounts list, snapshot, settings) goes through
//! [`read_bounded`] with a limit far above any real file of that kind.

use std::io::{self, Read as _};
use std::path::Path;

/// Profiles, CA files, settings: real ones are a few kilobytes.
pub const SMALL_FILE: u64 = 1 << 20;

/// Accounts lists and snapshots: real ones are megabytes.
pub const LARGE_FILE: u64 = 1 << 30;

/// The whole file at `path`, or an error when it holds more than `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "larger than {} MiB, which is not a file of this kind",
                limit >> 20
            ),
        ));
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_text_bounded(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_bounded(path, limit)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_input_stops_at_the_limit() {
        let e = read_bounded(Path::new("/dev/zero"), 1 << 10).expect_err("endless");
        assert!(e.to_string().contains("larger than"), "{e}");
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("small");
        std::fs::write(&p, "abc").expect("write");
        assert_eq!(read_text_bounded(&p, 3).expect("fits"), "abc");
    }
}
