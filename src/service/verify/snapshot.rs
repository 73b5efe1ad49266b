//! # Snapshot: the old mailbox's metadata in one JSON file
//!
//! `ikou snapshot` saves every folder and every message's identity, envelope, size, flags and
//! INTERNALDATE (never a body) so `ikou verify --old-from FILE.json` still works after the old
//! server is switched off. The file carries a format number; newer formats are refused.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::FolderMessages;

/// Snapshot format written by this version.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Marks the JSON as an ikou snapshot, so a random JSON file gives a clear error.
pub const SNAPSHOT_KIND: &str = "ikou-snapshot";

#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("{path}: cannot {action}: {detail}")]
    Io {
        path: PathBuf,
        action: &'static str,
        detail: String,
    },
    #[error(
        "{path}: not an ikou snapshot ({detail}); create one with `ikou snapshot -o FILE.json`"
    )]
    NotSnapshot { path: PathBuf, detail: String },
    #[error(
        "{path}: snapshot format {found} is newer than this ikou understands ({supported}); update ikou"
    )]
    Newer {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
}

/// The whole snapshot file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub kind: String,
    pub format: u32,
    pub tool_version: String,
    /// `host:port (security)` of the server the snapshot was taken from.
    pub server: String,
    pub account: String,
    /// RFC 3339, UTC.
    pub taken: String,
    pub folders: Vec<FolderMessages>,
}

impl Snapshot {
    pub fn new(server: &str, account: &str, folders: Vec<FolderMessages>) -> Self {
        Self {
            kind: SNAPSHOT_KIND.into(),
            format: SNAPSHOT_FORMAT,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            server: server.to_string(),
            account: account.to_string(),
            taken: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            folders,
        }
    }

    pub fn messages(&self) -> u64 {
        self.folders.iter().map(|f| f.messages.len() as u64).sum()
    }

    /// Writes the file atomically (temporary file, then rename) so a crash never leaves half
    /// a snapshot where a good one was.
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let io = |action: &'static str| {
            move |e: std::io::Error| SnapshotError::Io {
                path: path.to_path_buf(),
                action,
                detail: e.to_string(),
            }
        };
        let json = serde_json::to_vec_pretty(self).map_err(|e| SnapshotError::Io {
            path: path.to_path_buf(),
            action: "encode",
            detail: e.to_string(),
        })?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".partial");
        let tmp = PathBuf::from(tmp);
        crate::private_file::write(&tmp, json).map_err(io("write"))?;
        std::fs::rename(&tmp, path).map_err(io("rename into place"))
    }

    pub fn load(path: &Path) -> Result<Self, SnapshotError> {
        let bytes = crate::input::read_bounded(path, crate::input::LARGE_FILE).map_err(|e| {
            SnapshotError::Io {
                path: path.to_path_buf(),
                action: "read",
                detail: e.to_string(),
            }
        })?;
        Self::from_json(&bytes, path)
    }

    pub fn from_json(bytes: &[u8], path: &Path) -> Result<Self, SnapshotError> {
        #[derive(Deserialize)]
        struct Probe {
            kind: Option<String>,
            format: Option<u32>,
        }
        let not = |detail: String| SnapshotError::NotSnapshot {
            path: path.to_path_buf(),
            detail,
        };
        let probe: Probe = serde_json::from_slice(bytes).map_err(|e| not(e.to_string()))?;
        if probe.kind.as_deref() != Some(SNAPSHOT_KIND) {
            return Err(not(format!("\"kind\" is not \"{SNAPSHOT_KIND}\"")));
        }
        match probe.format {
            Some(found) if found > SNAPSHOT_FORMAT => Err(SnapshotError::Newer {
                path: path.to_path_buf(),
                found,
                supported: SNAPSHOT_FORMAT,
            }),
            Some(1..) => serde_json::from_slice(bytes).map_err(|e| not(e.to_string())),
            _ => Err(not("no valid \"format\"".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("s.json");
        let snap = Snapshot::new("old:993 (tls)", "taro", Vec::new());
        snap.save(&path).expect("save");
        assert_eq!(Snapshot::load(&path).expect("load"), snap);

        let mut newer = serde_json::to_value(&snap).expect("json");
        newer["format"] = 99.into();
        let err = Snapshot::from_json(newer.to_string().as_bytes(), &path).expect_err("newer");
        assert!(
            matches!(err, SnapshotError::Newer { found: 99, .. }),
            "{err}"
        );
        let err = Snapshot::from_json(b"{\"format\":1}", &path).expect_err("not ours");
        assert!(matches!(err, SnapshotError::NotSnapshot { .. }), "{err}");
        let err = Snapshot::from_json(b"PK\x03\x04", &path).expect_err("not json");
        assert!(err.to_string().contains("ikou snapshot"), "{err}");
    }
}
