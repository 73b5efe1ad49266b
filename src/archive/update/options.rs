//! What an update is told (options) and what it tells back (progress, the commit's report),
//! and the compact identity of an archived message.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::archive::manifest::{MessageKey, SourceKind};
use crate::archive::pipeline::PipelineConfig;
use crate::archive::resume::Mailbox;
use crate::archive::zipwrite::Compression;

/// How to write; [`UpdateOptions::new`] gives good defaults.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Source server as `host:port`.
    pub server: String,
    pub account: String,
    pub source: SourceKind,
    pub compression: Compression,
    /// Compression threads; 0 = available parallelism (at least 2).
    pub workers: usize,
    /// Messages queued or compressing at once; 0 = 16 x workers. A window much wider than
    /// the worker count avoids head-of-line stalls behind one large message (measured: 4 ->
    /// 101 MB/s, 16 -> 125 MB/s, 64 -> 145 MB/s at level 1 on 2 cores); memory is bounded
    /// by `max_in_flight_bytes`, not by this count.
    pub max_in_flight: usize,
    /// Message bytes queued or compressing at once (a larger single message still passes);
    /// peak memory is about twice this (input plus compressed output).
    pub max_in_flight_bytes: u64,
    /// Write ZIP64 records even when not needed (tests, or tools that want uniformity).
    pub force_zip64: bool,
    /// Messages larger than this are deflated by the writer straight into the file instead
    /// of into a buffer, so the largest message is held once, not twice.
    pub stream_above: u64,
}

impl UpdateOptions {
    pub fn new(server: impl Into<String>, account: impl Into<String>, source: SourceKind) -> Self {
        Self {
            server: server.into(),
            account: account.into(),
            source,
            compression: Compression::default(),
            workers: 0,
            max_in_flight: 0,
            max_in_flight_bytes: 64 << 20,
            force_zip64: false,
            stream_above: 4 << 20,
        }
    }

    pub(super) fn mailbox(&self) -> Mailbox {
        Mailbox {
            server: self.server.clone(),
            account: self.account.clone(),
            source: self.source,
        }
    }

    pub(super) fn pipeline_config(&self) -> PipelineConfig {
        let workers = if self.workers == 0 {
            std::thread::available_parallelism()
                .map_or(2, usize::from)
                .max(2)
        } else {
            self.workers
        };
        PipelineConfig {
            workers,
            max_in_flight: if self.max_in_flight == 0 {
                16 * workers
            } else {
                self.max_in_flight
            },
            max_in_flight_bytes: self.max_in_flight_bytes,
            compression: self.compression,
            force_zip64: self.force_zip64,
            stream_above: self.stream_above,
            sync_bytes: 64 << 20,
            sync_entries: 2000,
            sync_interval: Duration::from_secs(10),
        }
    }
}

/// Result of [`ArchiveUpdate::add`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Queued for writing as this zip entry.
    Queued { entry: String },
    /// The backup already holds this message (same folder, key and UIDVALIDITY); skipped.
    AlreadyArchived,
}

/// Progress counters, cheap to poll from a UI thread through the service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub messages_queued: u64,
    pub messages_written: u64,
    pub message_bytes_written: u64,
    /// Current size of the partial file.
    pub archive_bytes: u64,
}

/// What [`ArchiveUpdate::commit`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitReport {
    pub path: PathBuf,
    /// False when nothing changed and the archive was left untouched.
    pub rewritten: bool,
    /// Messages in the manifest after the commit.
    pub messages: usize,
    /// Messages added since the last commit (including ones recovered from a dead run).
    pub added: usize,
    /// Zip entries (not directories) that no manifest message refers to.
    pub unreferenced_entries: usize,
    pub archive_bytes: u64,
}

/// A message's identity in the backup (folder, UID or UIDL, UIDVALIDITY) as a 128-bit
/// digest: 16 bytes per archived message instead of the strings, so the set of what the
/// backup holds stays small on a large mailbox. Two identities share a digest with a
/// probability of about n^2 / 2^129 (under 10^-26 for a million messages).
pub(super) type KeyId = u128;

pub(super) fn key_id(folder: &str, key: &MessageKey, uid_validity: Option<u32>) -> KeyId {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update((folder.len() as u64).to_le_bytes());
    h.update(folder.as_bytes());
    match key {
        MessageKey::Uid(u) => {
            h.update([1]);
            h.update(u.to_le_bytes());
        }
        MessageKey::Uidl(s) => {
            h.update([2]);
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    match uid_validity {
        Some(v) => {
            h.update([1]);
            h.update(v.to_le_bytes());
        }
        None => h.update([0]),
    }
    let digest = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}
