//! # Backup verification
//!
//! Re-reads every entry of a backup, recomputes SHA-256 and compares with the manifest,
//! reporting every difference instead of stopping at the first. This is what lets a user
//! trust the backup before the old server is switched off.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::error::Result;
use super::manifest::MANIFEST_NAME;
use super::reader::{open_zip, read_manifest};

/// One difference between the manifest and the zip content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    /// The manifest lists a message whose entry is not in the zip.
    MissingEntry { folder: String, entry: String },
    /// A file entry no manifest message refers to (left over; harmless but unexpected).
    ExtraEntry { entry: String },
    /// Two manifest messages point at the same entry.
    DuplicateReference { entry: String },
    /// The entry could not be decompressed or failed its CRC check.
    Unreadable {
        folder: String,
        entry: String,
        error: String,
    },
    SizeMismatch {
        folder: String,
        entry: String,
        expected: u64,
        actual: u64,
    },
    HashMismatch {
        folder: String,
        entry: String,
        expected: String,
        actual: String,
    },
    /// An entry `ikou backup extract` refuses: a name that would leave the target folder
    /// (`../`, absolute, drive letter) or a symbolic link.
    UnsafeEntry { entry: String, reason: String },
}

impl Problem {
    fn describe(&self) -> String {
        match self {
            Self::MissingEntry { entry, .. } => format!("missing: {entry}"),
            Self::ExtraEntry { entry } => format!("not in manifest: {entry}"),
            Self::DuplicateReference { entry } => format!("listed twice in manifest: {entry}"),
            Self::Unreadable { entry, error, .. } => format!("unreadable: {entry} ({error})"),
            Self::SizeMismatch {
                entry,
                expected,
                actual,
                ..
            } => format!("size differs: {entry} ({actual} bytes, manifest says {expected})"),
            Self::HashMismatch { entry, .. } => {
                format!("content differs from manifest (SHA-256): {entry}")
            }
            Self::UnsafeEntry { entry, reason } => {
                format!("extraction would refuse {entry:?}: {reason}")
            }
        }
    }
}

/// Per-folder outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderCounts {
    pub folder: String,
    pub dir: String,
    /// Messages the manifest lists for this folder.
    pub messages: u64,
    /// Of those, found intact.
    pub ok: u64,
}

/// Result of [`verify_archive`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntegrityReport {
    pub path: PathBuf,
    pub messages: u64,
    pub ok: u64,
    /// Uncompressed bytes checked.
    pub bytes: u64,
    pub folders: Vec<FolderCounts>,
    pub problems: Vec<Problem>,
}

impl IntegrityReport {
    /// True when every manifest message is present and intact. Extra entries are reported
    /// but do not make a backup bad: nothing the manifest promises is missing.
    pub fn is_ok(&self) -> bool {
        self.ok == self.messages
            && self
                .problems
                .iter()
                .all(|p| matches!(p, Problem::ExtraEntry { .. }))
    }

    /// A few lines for a person: verdict, per-folder counts, then up to 20 problems.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let verdict = if self.is_ok() { "OK" } else { "PROBLEMS FOUND" };
        let _ = writeln!(
            s,
            "{}: {verdict} — {} of {} messages intact ({:.1} MB checked)",
            self.path.display(),
            self.ok,
            self.messages,
            self.bytes as f64 / 1e6
        );
        for f in &self.folders {
            let mark = if f.ok == f.messages { "" } else { "  <-" };
            let _ = writeln!(
                s,
                "  {:<40} {:>7} / {:<7}{mark}",
                f.folder, f.ok, f.messages
            );
        }
        for p in self.problems.iter().take(20) {
            let _ = writeln!(s, "  ! {}", p.describe());
        }
        if self.problems.len() > 20 {
            let _ = writeln!(s, "  ... and {} more problems", self.problems.len() - 20);
        }
        s
    }
}

/// Progress of a running verification, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyProgress {
    pub messages_done: u64,
    pub messages_total: u64,
    pub bytes_done: u64,
}

/// Verifies the backup at `path`. Damage to individual entries is reported in the result;
/// only a file that cannot be read as an ikou backup at all is an error.
pub fn verify_archive(path: &Path) -> Result<IntegrityReport> {
    verify_archive_with_progress(path, &mut |_| {})
}

/// [`verify_archive`] calling `progress` after each message.
pub fn verify_archive_with_progress(
    path: &Path,
    progress: &mut dyn FnMut(VerifyProgress),
) -> Result<IntegrityReport> {
    let mut zip = open_zip(path)?;
    let manifest = read_manifest(&mut zip, path)?;
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let (mut ok, mut bytes) = (0u64, 0u64);
    let mut ok_by_folder: BTreeMap<&str, u64> = BTreeMap::new();
    let total = manifest.messages.len() as u64;
    for (i, m) in manifest.messages.iter().enumerate() {
        let (folder, entry) = (m.folder.clone(), m.entry.clone());
        if !seen.insert(m.entry.as_str()) {
            problems.push(Problem::DuplicateReference { entry });
            continue;
        }
        match zip.by_name(&m.entry) {
            Err(zip::result::ZipError::FileNotFound) => {
                problems.push(Problem::MissingEntry { folder, entry })
            }
            Err(e) => problems.push(Problem::Unreadable {
                folder,
                entry,
                error: e.to_string(),
            }),
            Ok(mut file) => {
                let mut hasher = Sha256::new();
                // One byte more than the manifest says is enough to know the size differs;
                // an entry that inflates without end is not read to its end.
                let mut capped = io::Read::take(&mut file, m.size.saturating_add(1));
                match io::copy(&mut capped, &mut hasher) {
                    Err(e) => problems.push(Problem::Unreadable {
                        folder,
                        entry,
                        error: e.to_string(),
                    }),
                    Ok(n) => {
                        bytes += n;
                        let actual = hex::encode(hasher.finalize());
                        if n != m.size {
                            problems.push(Problem::SizeMismatch {
                                folder,
                                entry,
                                expected: m.size,
                                actual: n,
                            });
                        } else if actual != m.sha256 {
                            problems.push(Problem::HashMismatch {
                                folder,
                                entry,
                                expected: m.sha256.clone(),
                                actual,
                            });
                        } else {
                            ok += 1;
                            *ok_by_folder.entry(m.folder.as_str()).or_default() += 1;
                        }
                    }
                }
            }
        }
        progress(VerifyProgress {
            messages_done: i as u64 + 1,
            messages_total: total,
            bytes_done: bytes,
        });
    }
    for i in 0..zip.len() {
        let Ok(file) = zip.by_index_raw(i) else {
            continue;
        };
        let name = String::from_utf8_lossy(file.name_raw()).into_owned();
        let reason = if super::extract::safe_relative(&name).is_none() {
            Some("the name would leave the target folder or is not portable")
        } else if file.is_symlink() {
            Some("it is a symbolic link")
        } else {
            None
        };
        if let Some(reason) = reason {
            problems.push(Problem::UnsafeEntry {
                entry: name,
                reason: reason.into(),
            });
        }
    }
    for raw in zip.file_names_raw() {
        let name = String::from_utf8_lossy(raw);
        if !name.ends_with('/') && name != MANIFEST_NAME && !seen.contains(name.as_ref()) {
            problems.push(Problem::ExtraEntry {
                entry: name.into_owned(),
            });
        }
    }
    let mut folders: Vec<FolderCounts> = manifest
        .folders
        .iter()
        .map(|f| FolderCounts {
            folder: f.name.clone(),
            dir: f.dir.clone(),
            messages: manifest
                .messages
                .iter()
                .filter(|m| m.folder == f.name)
                .count() as u64,
            ok: ok_by_folder.get(f.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    // Messages whose folder record is missing still get counted somewhere visible.
    let known: HashSet<&str> = manifest.folders.iter().map(|f| f.name.as_str()).collect();
    let orphans: Vec<&str> = manifest
        .messages
        .iter()
        .map(|m| m.folder.as_str())
        .filter(|f| !known.contains(f))
        .collect();
    for name in orphans
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
    {
        folders.push(FolderCounts {
            folder: name.to_string(),
            dir: String::new(),
            messages: orphans.iter().filter(|f| **f == name).count() as u64,
            ok: ok_by_folder.get(name).copied().unwrap_or(0),
        });
    }
    Ok(IntegrityReport {
        path: path.to_path_buf(),
        messages: total,
        ok,
        bytes,
        folders,
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::manifest::{FolderRecord, Manifest, MessageRecord, SourceKind};
    use crate::archive::testutil::pseudo_random;
    use crate::archive::update::tests::{corpus, opts, write_backup};
    use crate::archive::zipwrite::{Compression, EntryTime, ZipSink, encode_entry};
    use crate::archive::{ArchiveError, zipwrite};

    fn sha(b: &[u8]) -> String {
        hex::encode(Sha256::digest(b))
    }

    #[test]
    fn good_backup_verifies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.zip");
        let msgs = corpus();
        write_backup(&path, opts(), &msgs);
        let mut calls = 0;
        let report = verify_archive_with_progress(&path, &mut |_| calls += 1).expect("verify");
        assert!(report.is_ok(), "{}", report.summary());
        assert_eq!(
            (report.messages, report.ok, calls),
            (msgs.len() as u64, msgs.len() as u64, msgs.len())
        );
        assert_eq!(
            report.bytes,
            msgs.iter().map(|m| m.1.len() as u64).sum::<u64>()
        );
        assert_eq!(report.folders.len(), 1);
        assert_eq!(
            (report.folders[0].messages, report.folders[0].ok),
            (msgs.len() as u64, msgs.len() as u64)
        );
        assert!(report.summary().contains("OK"));
        let json = serde_json::to_string(&report).expect("serializes");
        assert!(json.contains("\"problems\":[]"));
    }

    /// A hand-built archive with one of each kind of damage.
    #[test]
    fn every_difference_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bad.zip");
        let good = b"good message\r\n".to_vec();
        let stored = pseudo_random(3, 1000); // stays stored, so we can flip a data byte
        let rec = |uid: u32, entry: &str, bytes: &[u8]| MessageRecord {
            folder: "INBOX".into(),
            uid: Some(uid),
            size: bytes.len() as u64,
            sha256: sha(bytes),
            entry: entry.into(),
            ..Default::default()
        };
        let mut manifest = Manifest::new("h:1", "a", SourceKind::Imap);
        manifest.folders.push(FolderRecord {
            name: "INBOX".into(),
            raw_name: "INBOX".into(),
            delimiter: None,
            special_use: None,
            uid_validity: None,
            messages: 6,
            dir: "INBOX/".into(),
            synced: None,
            largest: None,
        });
        manifest.messages = vec![
            rec(1, "INBOX/good.eml", &good),
            rec(2, "INBOX/missing.eml", b"x"),
            rec(3, "INBOX/crc.eml", &stored),
            MessageRecord {
                size: 99,
                ..rec(4, "INBOX/size.eml", b"size")
            },
            MessageRecord {
                sha256: sha(b"other"),
                ..rec(5, "INBOX/hash.eml", b"hash")
            },
            rec(6, "INBOX/good.eml", &good),
        ];
        let file = std::fs::File::create(&path).expect("create");
        let mut sink = ZipSink::new(file, &path, 0);
        let mut records = Vec::new();
        let mut crc_data_offset = 0;
        for (name, data) in [
            ("INBOX/", Vec::new()),
            ("INBOX/good.eml", good.clone()),
            ("INBOX/crc.eml", stored.clone()),
            ("INBOX/size.eml", b"size".to_vec()),
            ("INBOX/hash.eml", b"hash".to_vec()),
            ("INBOX/extra.eml", b"extra".to_vec()),
            (MANIFEST_NAME, manifest.to_json().expect("encodes")),
        ] {
            let e = encode_entry(
                name,
                data,
                EntryTime::UNKNOWN,
                Compression::Deflate(1),
                false,
            );
            if name == "INBOX/crc.eml" {
                crc_data_offset = sink.offset() + e.header.len() as u64 + 10;
            }
            records.push(sink.write_entry(&e).expect("write"));
        }
        sink.write_central_directory(&records, false).expect("cd");
        drop(sink.into_file().expect("close"));
        let mut bytes = std::fs::read(&path).expect("read");
        bytes[crc_data_offset as usize] ^= 0xFF;
        std::fs::write(&path, bytes).expect("write");

        let report = verify_archive(&path).expect("verify");
        assert!(!report.is_ok());
        assert_eq!((report.messages, report.ok), (6, 1));
        let kinds: Vec<&str> = report
            .problems
            .iter()
            .map(|p| match p {
                Problem::MissingEntry { .. } => "missing",
                Problem::Unreadable { .. } => "unreadable",
                Problem::SizeMismatch { .. } => "size",
                Problem::HashMismatch { .. } => "hash",
                Problem::DuplicateReference { .. } => "dup",
                Problem::ExtraEntry { .. } => "extra",
                Problem::UnsafeEntry { .. } => "unsafe",
            })
            .collect();
        assert_eq!(
            kinds,
            ["missing", "unreadable", "size", "hash", "dup", "extra"],
            "{}",
            report.summary()
        );
        assert_eq!(report.folders[0].ok, 1);
        let summary = report.summary();
        assert!(
            summary.contains("PROBLEMS FOUND") && summary.contains("missing: INBOX/missing.eml"),
            "{summary}"
        );
    }

    #[test]
    fn unreadable_files_are_typed_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let random = dir.path().join("random.zip");
        std::fs::write(&random, pseudo_random(9, 4096)).expect("write");
        assert!(matches!(
            verify_archive(&random),
            Err(ArchiveError::NotZip { .. })
        ));

        let path = dir.path().join("b.zip");
        write_backup(&path, opts(), &corpus()[..3]);
        let bytes = std::fs::read(&path).expect("read");
        for cut in [bytes.len() - 10, bytes.len() / 2, 100] {
            let t = dir.path().join(format!("cut{cut}.zip"));
            std::fs::write(&t, &bytes[..cut]).expect("write");
            let err = verify_archive(&t).expect_err("truncated");
            assert!(
                matches!(err, ArchiveError::Corrupt { .. }),
                "cut at {cut}: {err}"
            );
            assert!(err.to_string().contains(&format!("cut{cut}.zip")));
        }

        let no_manifest = dir.path().join("plain.zip");
        let mut sink = ZipSink::new(
            std::fs::File::create(&no_manifest).expect("create"),
            &no_manifest,
            0,
        );
        let r = sink
            .write_entry(&zipwrite::encode_entry(
                "x.eml",
                b"x".to_vec(),
                EntryTime::UNKNOWN,
                Compression::Store,
                false,
            ))
            .expect("write");
        sink.write_central_directory(&[r], false).expect("cd");
        drop(sink.into_file().expect("close"));
        assert!(matches!(
            verify_archive(&no_manifest),
            Err(ArchiveError::NotIkouArchive { .. })
        ));
    }
}
