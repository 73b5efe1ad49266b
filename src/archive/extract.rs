//! # Extracting a backup as a folder tree of `.eml` files
//!
//! Writes every entry under a target directory, refusing names that would escape it, and
//! dates each message file with its INTERNALDATE so file managers and Thunderbird's
//! ImportExportTools NG ("import all messages from a directory") sort them naturally.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::{ArchiveError, IoContext, Result};
use super::manifest::{MANIFEST_NAME, MessageRecord};
use super::names::message_time;
use super::reader::{open_zip, read_manifest, zip_entry_error};

/// What an extraction wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExtractReport {
    pub files: u64,
    pub dirs: u64,
    pub bytes: u64,
    /// Entries whose content does not match the manifest's SHA-256 (written anyway: for a
    /// damaged backup a partly readable message beats none).
    pub mismatches: Vec<String>,
    /// Entries that could not be decompressed (CRC error, damaged data); whatever was
    /// readable is left in the file, extraction continues with the next entry.
    pub unreadable: Vec<String>,
}

/// Turns an entry name into a relative path, or `None` if it could leave the target
/// directory or is not portable: absolute paths, `..`, drive letters, backslashes, NUL.
pub(crate) fn safe_relative(name: &str) -> Option<PathBuf> {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed.is_empty() || trimmed.starts_with('/') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in trimmed.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains(['\\', ':', '\0']) {
            return None;
        }
        out.push(part);
    }
    // Belt and braces: whatever the platform's parser makes of it must be plain names.
    out.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(out)
}

/// The INTERNALDATE (else Date header) of a message as a file time.
pub(crate) fn message_mtime(m: &MessageRecord) -> Option<SystemTime> {
    message_time(m.internal_date.as_deref(), m.date.as_deref()).map(SystemTime::from)
}

/// Extracts the backup at `zip_path` into `dir` (created if needed): the folder tree of
/// `.eml` files plus `ikou-manifest.json`. Existing files with the same names are replaced.
pub fn extract_tree(zip_path: &Path, dir: &Path) -> Result<ExtractReport> {
    let mut zip = open_zip(zip_path)?;
    let manifest = read_manifest(&mut zip, zip_path)?;
    let by_entry: HashMap<&str, &MessageRecord> = manifest
        .messages
        .iter()
        .map(|m| (m.entry.as_str(), m))
        .collect();
    // Check every name before writing anything, so a hostile archive writes nothing.
    let mut plan = Vec::with_capacity(zip.len());
    for i in 0..zip.len() {
        let raw = zip
            .by_index_raw(i)
            .map_err(|e| zip_entry_error(zip_path, &format!("#{i}"), e))?;
        let name = String::from_utf8_lossy(raw.name_raw()).into_owned();
        let symlink = raw.is_symlink();
        let rel = safe_relative(&name).filter(|_| !symlink).ok_or_else(|| {
            ArchiveError::UnsafeEntryName {
                path: zip_path.to_path_buf(),
                entry: name.clone(),
            }
        })?;
        plan.push((i, name, rel));
    }
    // Nothing is written beyond what the manifest says an entry holds (one byte more
    // shows the difference); entries it does not list get the largest message's size.
    let largest = manifest.messages.iter().map(|m| m.size).max().unwrap_or(0);
    fs::create_dir_all(dir).ctx(dir, "create directory")?;
    let mut report = ExtractReport::default();
    for (i, name, rel) in plan {
        let target = dir.join(&rel);
        if name.ends_with('/') {
            fs::create_dir_all(&target).ctx(&target, "create directory")?;
            report.dirs += 1;
            continue;
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).ctx(parent, "create directory")?;
        }
        let mut entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("{}", zip_entry_error(zip_path, &name, e));
                report.unreadable.push(name);
                continue;
            }
        };
        let mut out = crate::private_file::create(&target).ctx(&target, "create")?;
        let mut tee = HashingWriter {
            inner: &mut out,
            hasher: Sha256::new(),
        };
        let limit = match by_entry.get(name.as_str()) {
            Some(m) => m.size,
            None if name == MANIFEST_NAME => u64::MAX - 1,
            None => largest.max(1 << 20),
        };
        let mut capped = io::Read::take(&mut entry, limit.saturating_add(1));
        let n = match io::copy(&mut capped, &mut tee) {
            Ok(n) => n,
            Err(e) => match copy_error(zip_path, &target, &name, e) {
                e @ ArchiveError::Corrupt { .. } => {
                    tracing::warn!("{e}");
                    report.unreadable.push(name);
                    continue;
                }
                e => return Err(e),
            },
        };
        let sha = hex::encode(tee.hasher.finalize());
        report.files += 1;
        report.bytes += n;
        if let Some(m) = by_entry.get(name.as_str()) {
            if sha != m.sha256 || n != m.size {
                report.mismatches.push(name.clone());
            }
            if let Some(t) = message_mtime(m) {
                out.set_modified(t).ctx(&target, "set modification time")?;
            }
        } else if name != MANIFEST_NAME {
            tracing::debug!("extracting {name}, which the manifest does not list");
        }
    }
    Ok(report)
}

/// A read error from the zip side is damage to the backup; a write error is the target's.
pub(crate) fn copy_error(
    zip_path: &Path,
    target: &Path,
    entry: &str,
    e: io::Error,
) -> ArchiveError {
    if e.kind() == io::ErrorKind::InvalidData
        || e.kind() == io::ErrorKind::UnexpectedEof
        || e.to_string().contains("checksum")
    {
        ArchiveError::corrupt(zip_path, format!("entry {entry:?}: {e}"))
    } else {
        ArchiveError::io(target, "write", e)
    }
}

/// Writes through while hashing, so extraction checks content without a second pass.
struct HashingWriter<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Manifest;
    use crate::archive::update::tests::{corpus, opts, write_backup};
    use crate::archive::zipwrite::{Compression, EntryTime, ZipSink, encode_entry};
    use std::fs::File;

    #[test]
    fn safe_relative_rules() {
        assert_eq!(
            safe_relative("INBOX/研究室/a.eml"),
            Some(PathBuf::from("INBOX").join("研究室").join("a.eml"))
        );
        assert_eq!(safe_relative("INBOX/"), Some(PathBuf::from("INBOX")));
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "C:x",
            "a\\..\\x",
            "a//b",
            "./a",
            "",
            "/",
            "a/\0",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn tree_round_trip_with_mtimes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.zip");
        let msgs = corpus();
        write_backup(&path, opts(), &msgs);
        let out = dir.path().join("out");
        let report = extract_tree(&path, &out).expect("extract");
        assert_eq!(report.files, msgs.len() as u64 + 1, "messages + manifest");
        assert_eq!(report.dirs, 3);
        assert!(report.mismatches.is_empty() && report.unreadable.is_empty());
        let manifest = Manifest::read_from_zip(&path).expect("manifest");
        for m in &manifest.messages {
            let file = out.join(safe_relative(&m.entry).expect("safe"));
            let bytes = fs::read(&file).expect("extracted file");
            let (_, want) = msgs
                .iter()
                .find(|(u, _)| Some(*u) == m.uid)
                .expect("known uid");
            assert_eq!(&bytes, want);
            let mtime = fs::metadata(&file)
                .expect("meta")
                .modified()
                .expect("mtime");
            assert_eq!(Some(mtime), message_mtime(m), "mtime is INTERNALDATE");
        }
        assert!(out.join("INBOX").join("研究室").join("学会").is_dir());
        assert!(out.join(MANIFEST_NAME).is_file());
    }

    #[test]
    fn traversal_is_refused_before_writing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("evil.zip");
        let mut sink = ZipSink::new(File::create(&path).expect("create"), &path, 0);
        let mut records = Vec::new();
        for name in ["ok.eml", "../escape.eml", MANIFEST_NAME] {
            let data = if name == MANIFEST_NAME {
                Manifest::new("h:1", "a", crate::archive::SourceKind::Imap)
                    .to_json()
                    .expect("encodes")
            } else {
                b"x".to_vec()
            };
            records.push(
                sink.write_entry(&encode_entry(
                    name,
                    data,
                    EntryTime::UNKNOWN,
                    Compression::Store,
                    false,
                ))
                .expect("write"),
            );
        }
        sink.write_central_directory(&records, false).expect("cd");
        drop(sink.into_file().expect("close"));
        let out = dir.path().join("out");
        let err = extract_tree(&path, &out).expect_err("must refuse");
        assert!(
            matches!(&err, ArchiveError::UnsafeEntryName { entry, .. } if entry == "../escape.eml"),
            "{err}"
        );
        assert!(!dir.path().join("escape.eml").exists());
        assert!(
            !out.join("ok.eml").exists(),
            "nothing written from a hostile archive"
        );
    }

    #[test]
    fn damaged_entry_is_reported_and_extraction_continues() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.zip");
        let mut o = opts();
        o.compression = Compression::Store;
        let msgs = corpus();
        write_backup(&path, o, &msgs);
        let manifest = Manifest::read_from_zip(&path).expect("manifest");
        let victim = manifest
            .messages
            .iter()
            .find(|m| m.size > 100)
            .expect("a message with data");
        let offset = {
            let mut zip = zip::ZipArchive::new(File::open(&path).expect("open")).expect("zip");
            let f = zip.by_name(&victim.entry).expect("entry");
            f.data_start().expect("data start") + 50
        };
        let mut bytes = fs::read(&path).expect("read");
        bytes[offset as usize] ^= 0x55;
        fs::write(&path, bytes).expect("write");
        let report = extract_tree(&path, &dir.path().join("out")).expect("extract");
        assert_eq!(report.unreadable, vec![victim.entry.clone()]);
        assert_eq!(
            report.files,
            msgs.len() as u64,
            "all other messages and the manifest written"
        );
    }
}
