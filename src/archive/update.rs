//! # Crash-safe backup updates
//!
//! `ArchiveUpdate` creates or extends a backup. A new backup is built in `<archive>.partial`
//! and renamed into place on `commit`. An existing backup is extended in place, so a rerun
//! costs what is new, not a copy of the whole archive: new entries are appended after the
//! archive's last byte, then a new manifest and central directory; no byte of the previous
//! version is ever rewritten. Before the first appended byte, `<archive>.journal` records
//! the archive's committed length (and a hash of its manifest and directory), durably; every
//! appended entry is journalled with its CRC. Whatever point a run dies at:
//!
//! - the previous version is the file's first `committed length` bytes, intact; ikou's
//!   readers (verify, extract, upload) read exactly that part while the journal exists;
//! - the next `open` keeps the journalled entries that are intact, cuts what follows them
//!   (torn bytes, a half-written directory) and continues, so fetched mail is not fetched
//!   again; if the journal cannot be tied to the archive, it truncates back to the
//!   committed length, which restores the previous version byte for byte;
//! - a commit is complete once the new end record is durable; a `committed` journal line
//!   then tells the next `open` that only the journal's removal was left.
//!
//! A run that stops without dying (network failure, cancel) commits what it appended, so
//! the file is a valid zip for every tool again and nothing fetched is lost. The previous
//! manifest and directory stay in the file as unreferenced bytes (a few per cent of the
//! archive per changed run; see [`CommitReport::archive_bytes`]).

use std::collections::{HashMap, HashSet};
use std::fs::{self, OpenOptions};
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Serialize;

use super::base::BaseArchive;
use super::error::{ArchiveError, IoContext, Result};
use super::fsutil::{LockFile, private_options, remove_if_exists, sibling, sync_dir};
use super::journal::{
    JOURNAL_VERSION, Journal, JournalHeader, JournalLine, JournalLines, read_journal_ends,
};
use super::manifest::{
    MANIFEST_NAME, Manifest, MessageKey, MessageRecord, SourceKind, now_rfc3339,
};
use super::names::{Layout, message_file_name, message_time};
use super::pipeline::{Counters, Job, Pipeline, PipelineConfig};
use super::resume::{Mailbox, Recovered, recover};
use super::zipwrite::{CentralRecord, Compression, EntryTime, ZipSink};
use crate::model::{FolderInfo, MessageBytes, MessageInfo};

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

    fn mailbox(&self) -> Mailbox {
        Mailbox {
            server: self.server.clone(),
            account: self.account.clone(),
            source: self.source,
        }
    }

    fn pipeline_config(&self) -> PipelineConfig {
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
type KeyId = u128;

fn key_id(folder: &str, key: &MessageKey, uid_validity: Option<u32>) -> KeyId {
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

fn record_key_id(m: &MessageRecord) -> Option<KeyId> {
    m.key().map(|k| key_id(&m.folder, &k, m.uid_validity))
}

/// An open update of one backup file. Single-threaded API (call it from one thread; the
/// compression threads are internal). Dropping it without `commit` keeps the work for the
/// next `open` to resume.
#[derive(Debug)]
pub struct ArchiveUpdate {
    path: PathBuf,
    partial_path: PathBuf,
    journal_path: PathBuf,
    options: UpdateOptions,
    base: Option<BaseArchive>,
    /// The backup's content when opened (plus messages recovered from an interrupted run).
    /// Messages added by this run are not listed here: their records are in the journal,
    /// from which the commit writes them into the manifest.
    manifest: Manifest,
    layout: Layout,
    /// Every message in the backup, this run's included.
    keys: HashSet<KeyId>,
    /// Messages this run added, per folder (for the folder counts at commit).
    added_per_folder: HashMap<String, u64>,
    recovered_messages: usize,
    /// A recovered partial not yet handed to a pipeline.
    partial: Option<(ZipSink, Journal)>,
    pipeline: Option<Pipeline>,
    counters: Arc<Counters>,
    /// Entries appended after the base prefix (recovered plus queued).
    appended: usize,
    queued_messages: u64,
    /// A write failed; the update can only be dropped (its journal allows resuming).
    broken: bool,
    lock: Option<LockFile>,
}

impl ArchiveUpdate {
    /// Opens `path` for updating. Returns the update and the backup's current content:
    /// the existing manifest plus messages recovered from an interrupted run, or `None` for
    /// a new backup. The caller skips messages listed there.
    pub fn open(path: &Path, options: UpdateOptions) -> Result<(Self, Option<Manifest>)> {
        let lock = LockFile::acquire(path)?;
        let partial_path = sibling(path, ".partial");
        let journal_path = sibling(path, ".journal");
        let mailbox = options.mailbox();
        let file_len = match fs::metadata(path) {
            Ok(m) => Some(m.len()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(ArchiveError::io(path, "stat", e)),
        };
        // An in-place append that did not finish: the archive's committed version is the
        // file's first `size` bytes; the rest is resumed (or cut off) below.
        let mut in_place_journal = None;
        if let Some(len) = file_len
            && let Some((header, committed)) = read_journal_ends(&journal_path)?
            && header.in_place
        {
            match header.base {
                _ if committed == Some(len) => {
                    // The commit finished; only the journal's removal was left.
                    remove_if_exists(&journal_path)?;
                }
                Some(b) if b.size <= len => in_place_journal = Some(b),
                _ => {
                    tracing::warn!(
                        "discarding {}: the archive is shorter than it recorded",
                        journal_path.display()
                    );
                    remove_if_exists(&journal_path)?;
                }
            }
        }
        let base = match (file_len, &in_place_journal) {
            (_, Some(b)) => Some(BaseArchive::open(path, b.size)?),
            (Some(len), None) => Some(BaseArchive::open(path, len)?),
            (None, None) => None,
        };
        let mut manifest = match &base {
            Some(b) => {
                let m = &b.manifest;
                if !mailbox.is(&m.server, &m.account, m.source) {
                    return Err(ArchiveError::DifferentMailbox {
                        path: path.to_path_buf(),
                        found: m.mailbox_label(),
                        expected: format!(
                            "{} on {} ({})",
                            options.account, options.server, options.source
                        ),
                    });
                }
                m.clone()
            }
            None => Manifest::new(&options.server, &options.account, options.source),
        };

        let mut recovered = None;
        if let (Some(b), Some(_)) = (&base, &in_place_journal) {
            match recover(path, &journal_path, Some(b), &mailbox, true) {
                Ok(Ok(r)) => recovered = Some(r),
                Ok(Err(reason)) => tracing::warn!("not resuming {}: {reason}", path.display()),
                Err(e) => tracing::warn!("not resuming {}: {e}", path.display()),
            }
            if recovered.is_none() {
                truncate_to(path, b.id.size)?;
                remove_if_exists(&journal_path)?;
            }
        } else if partial_path.exists() && base.is_none() {
            match recover(&partial_path, &journal_path, None, &mailbox, false) {
                Ok(Ok(r)) => recovered = Some(r),
                Ok(Err(reason)) => {
                    tracing::warn!("discarding {}: {reason}", partial_path.display())
                }
                Err(e) => tracing::warn!("discarding {}: {e}", partial_path.display()),
            }
            if recovered.is_none() {
                remove_if_exists(&journal_path)?;
                remove_if_exists(&partial_path)?;
            }
        } else {
            // A journal without its partial is left over from a commit that finished; a
            // partial next to an existing archive is from a version that copied archives.
            remove_if_exists(&journal_path)?;
            remove_if_exists(&partial_path)?;
        }

        let mut layout = Layout::new();
        let mut names: HashSet<String> = HashSet::new();
        for r in base
            .iter()
            .flat_map(|b| &b.records)
            .chain(recovered.iter().flat_map(|r| &r.records))
        {
            layout.note_entry(&r.name);
            names.insert(r.name.clone());
        }
        // A manifest naming entries the zip lacks would promise mail that is not there;
        // forgetting them makes the service fetch them again.
        manifest.messages.retain(|m| {
            let ok = names.contains(&m.entry);
            if !ok {
                tracing::warn!(
                    "{}: manifest lists missing entry {:?}; it will be fetched again",
                    path.display(),
                    m.entry
                );
            }
            ok
        });
        let mut recovered_entries = 0;
        let mut recovered_messages = 0;
        let mut partial = None;
        if let Some(r) = recovered {
            let Recovered {
                sink,
                journal,
                records,
                folders,
                messages,
                dropped,
            } = r;
            tracing::info!(
                "resuming {}: {} entries recovered, {} journal lines dropped",
                partial_path.display(),
                records.len(),
                dropped
            );
            for f in folders {
                if manifest.folder(&f.name).is_none() {
                    manifest.folders.push(f);
                }
            }
            for m in messages {
                if manifest.folder(&m.folder).is_some() {
                    manifest.messages.push(m);
                    recovered_messages += 1;
                }
            }
            recovered_entries = records.len();
            partial = Some((sink, journal));
        }
        for f in &manifest.folders {
            layout.note_folder(&f.name, f.delimiter, &f.dir);
        }
        let keys = manifest.messages.iter().filter_map(record_key_id).collect();
        let prior = (base.is_some() || partial.is_some()).then(|| manifest.clone());
        let appended = recovered_entries;
        let update = Self {
            path: path.to_path_buf(),
            partial_path,
            journal_path,
            options,
            base,
            manifest,
            layout,
            keys,
            added_per_folder: HashMap::new(),
            recovered_messages,
            partial,
            pipeline: None,
            counters: Arc::new(Counters::default()),
            appended,
            queued_messages: 0,
            broken: false,
            lock: Some(lock),
        };
        Ok((update, prior))
    }

    /// The manifest as it was opened (with messages recovered from an interrupted run), and
    /// with this run's folder changes and re-identifications. Messages added by this run
    /// are not in it (they are in the journal until `commit` writes them).
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Messages recovered from an interrupted run when this update was opened.
    pub fn recovered_messages(&self) -> usize {
        self.recovered_messages
    }

    pub fn progress(&self) -> Progress {
        Progress {
            messages_queued: self.queued_messages,
            messages_written: self.counters.messages_written.load(Ordering::Relaxed),
            message_bytes_written: self.counters.message_bytes_written.load(Ordering::Relaxed),
            archive_bytes: self.counters.archive_bytes.load(Ordering::Relaxed),
        }
    }

    /// Whether the backup (with what this run added) holds the message with this identity.
    pub fn holds(&self, folder: &str, key: &MessageKey, uid_validity: Option<u32>) -> bool {
        self.keys.contains(&key_id(folder, key, uid_validity))
    }

    /// Creates the file to write (the partial file of a new backup, or the journal of an
    /// in-place append) now instead of on the first `folder`/`add` that needs it, so a
    /// problem with the directory is reported before fetching starts. Cheap either way.
    pub fn prepare(&mut self) -> Result<()> {
        self.check_usable()?;
        if self.pipeline.is_none() && self.partial.is_none() {
            self.partial = Some(self.start_writing()?);
        }
        Ok(())
    }

    /// The file entries are appended to: the archive itself, or the partial file.
    fn target(&self) -> &Path {
        if self.base.is_some() {
            &self.path
        } else {
            &self.partial_path
        }
    }

    /// Registers a folder (or refreshes its special use, raw name and UIDVALIDITY) before
    /// messages are added to it. A new folder gets its directory entries.
    pub fn folder(&mut self, info: &FolderInfo) -> Result<super::FolderRecord> {
        self.check_usable()?;
        if let Some(f) = self
            .manifest
            .folders
            .iter_mut()
            .find(|f| f.name == info.name)
        {
            f.raw_name.clone_from(&info.raw_name);
            f.special_use = info.special_use;
            f.uid_validity = info.uid_validity;
            return Ok(f.clone());
        }
        let (dir, created) = self.layout.folder_dir(&info.name, info.delimiter);
        let record = super::FolderRecord {
            name: info.name.clone(),
            raw_name: info.raw_name.clone(),
            delimiter: info.delimiter,
            special_use: info.special_use,
            uid_validity: info.uid_validity,
            messages: 0,
            dir: dir.clone(),
            synced: None,
        };
        self.manifest.folders.push(record.clone());
        let time = EntryTime::now();
        if created.is_empty() {
            self.submit(Job::FolderNote(record.clone()))?;
        }
        for name in created {
            let folder = (name == dir).then(|| record.clone());
            self.appended += 1;
            self.submit(Job::Dir { name, folder, time })?;
        }
        Ok(record)
    }

    /// Queues one message for the backup; blocks while the pipeline is full. `key` is its
    /// identity (UID for IMAP, UIDL for POP3; `info.uid` is not used). An IMAP message gets
    /// the folder's current UIDVALIDITY.
    pub fn add(
        &mut self,
        folder: &str,
        key: MessageKey,
        info: &MessageInfo,
        bytes: impl Into<MessageBytes>,
    ) -> Result<Added> {
        let bytes = bytes.into();
        self.check_usable()?;
        self.check_key(&key)?;
        let f = self
            .manifest
            .folder(folder)
            .ok_or_else(|| ArchiveError::UnknownFolder {
                folder: folder.to_string(),
            })?;
        let uid_validity = if matches!(key, MessageKey::Uid(_)) {
            f.uid_validity
        } else {
            None
        };
        let dir = f.dir.clone();
        let id = key_id(folder, &key, uid_validity);
        if self.keys.contains(&id) {
            return Ok(Added::AlreadyArchived);
        }
        let time = message_time(info.internal_date.as_deref(), info.date.as_deref());
        let file = message_file_name(time.map(|t| t.naive_local()), &key, info.subject.as_deref());
        let entry = self.layout.message_entry(&dir, &file);
        let (uid, uidl) = match key {
            MessageKey::Uid(u) => (Some(u), None),
            MessageKey::Uidl(s) => (None, Some(s)),
        };
        let record = MessageRecord {
            folder: folder.to_string(),
            uid,
            uidl,
            uid_validity,
            size: bytes.len() as u64,
            sha256: String::new(),
            internal_date: info.internal_date.clone(),
            flags: info.flags.clone(),
            message_id: info.message_id.clone(),
            date: info.date.clone(),
            from: info.from.clone(),
            to: info.to.clone(),
            subject: info.subject.clone(),
            subject_raw: info.subject_raw.clone(),
            entry: entry.clone(),
        };
        self.keys.insert(id);
        *self.added_per_folder.entry(folder.to_string()).or_default() += 1;
        self.appended += 1;
        self.queued_messages += 1;
        let time = time
            .as_ref()
            .map_or(EntryTime::UNKNOWN, EntryTime::from_datetime);
        self.submit(Job::Message {
            record,
            bytes,
            time,
        })?;
        Ok(Added::Queued { entry })
    }

    /// Records that every message of `folder` below `sync.uid_next` is in the backup (or
    /// forgets that, with `None`), so the next run can skip the folder while the server
    /// reports the same state.
    pub fn set_synced(&mut self, folder: &str, sync: Option<super::FolderSync>) -> Result<()> {
        let f = self
            .manifest
            .folders
            .iter_mut()
            .find(|f| f.name == folder)
            .ok_or_else(|| ArchiveError::UnknownFolder {
                folder: folder.to_string(),
            })?;
        f.synced = sync;
        Ok(())
    }

    /// Changes the identity of an archived message without re-downloading it (after a
    /// folder's UIDVALIDITY changed and the service matched it by Message-ID and size).
    pub fn rekey(&mut self, entry: &str, key: MessageKey, uid_validity: Option<u32>) -> Result<()> {
        self.check_key(&key)?;
        let idx = self
            .manifest
            .messages
            .iter()
            .position(|m| m.entry == entry)
            .ok_or_else(|| ArchiveError::UnknownEntry {
                entry: entry.to_string(),
            })?;
        let m = &mut self.manifest.messages[idx];
        let old = record_key_id(m);
        let new = key_id(&m.folder, &key, uid_validity);
        if old != Some(new) && self.keys.contains(&new) {
            return Err(ArchiveError::DuplicateKey {
                folder: m.folder.clone(),
                key: key.to_string(),
            });
        }
        if let Some(old) = old {
            self.keys.remove(&old);
        }
        match key {
            MessageKey::Uid(u) => (m.uid, m.uidl) = (Some(u), None),
            MessageKey::Uidl(s) => (m.uid, m.uidl) = (None, Some(s)),
        }
        m.uid_validity = uid_validity;
        self.keys.insert(new);
        Ok(())
    }

    /// Removes messages the backup held when opened from the manifest; their zip entries
    /// stay (counted as unreferenced) until a future compaction. Returns how many were
    /// removed.
    pub fn forget(&mut self, mut remove: impl FnMut(&MessageRecord) -> bool) -> usize {
        let before = self.manifest.messages.len();
        let keys = &mut self.keys;
        self.manifest.messages.retain(|m| {
            let gone = remove(m);
            if gone && let Some(id) = record_key_id(m) {
                keys.remove(&id);
            }
            !gone
        });
        before - self.manifest.messages.len()
    }

    fn check_key(&self, key: &MessageKey) -> Result<()> {
        let ok = matches!(
            (key, self.options.source),
            (MessageKey::Uid(_), SourceKind::Imap)
                | (MessageKey::Uidl(_), SourceKind::Pop3 | SourceKind::Local)
        );
        if ok {
            Ok(())
        } else {
            Err(ArchiveError::KeyMismatch {
                key: key.to_string(),
                source_kind: self.options.source.to_string(),
            })
        }
    }

    fn check_usable(&self) -> Result<()> {
        if self.broken {
            return Err(ArchiveError::Thread {
                path: self.partial_path.clone(),
                thread: "writer",
                detail: "an earlier write failed".into(),
            });
        }
        Ok(())
    }

    fn submit(&mut self, job: Job) -> Result<()> {
        if self.pipeline.is_none() {
            let (sink, journal) = match self.partial.take() {
                Some(p) => p,
                None => self.start_writing()?,
            };
            self.pipeline = Some(Pipeline::start(
                sink,
                journal,
                self.options.pipeline_config(),
                Arc::clone(&self.counters),
            )?);
        }
        let result = match self.pipeline.as_mut() {
            Some(p) => p.submit(job),
            None => Ok(()),
        };
        if result.is_err() {
            self.broken = true;
            self.pipeline = None;
        }
        result
    }

    /// Starts appending: for an existing archive, journals its committed length (durably,
    /// before any byte is appended) and positions after its last byte; for a new backup,
    /// creates `<archive>.partial`. Returns the sink and the journal.
    fn start_writing(&self) -> Result<(ZipSink, Journal)> {
        let p = self.target().to_path_buf();
        let mut file = match &self.base {
            Some(_) => OpenOptions::new()
                .read(true)
                .write(true)
                .open(&p)
                .ctx(&p, "open")?,
            None => private_options()
                .read(true)
                .write(true)
                .create(true)
                .truncate(true)
                .open(&p)
                .ctx(&p, "create")?,
        };
        let prefix_len = self.base.as_ref().map_or(0, |b| b.id.size);
        let len = file.metadata().ctx(&p, "stat")?.len();
        if len != prefix_len {
            return Err(ArchiveError::corrupt(
                &p,
                format!("changed while open ({len} bytes, expected {prefix_len})"),
            ));
        }
        let header = JournalHeader {
            version: JOURNAL_VERSION,
            base: self.base.as_ref().map(|b| b.id.clone()),
            prefix_len,
            in_place: self.base.is_some(),
            server: self.options.server.clone(),
            account: self.options.account.clone(),
            source: self.options.source,
        };
        // The journal (synced by `create`) and its directory entry are durable before the
        // first byte is appended, so a crash can always be traced back to `prefix_len`.
        let journal = Journal::create(&self.journal_path, header)?;
        sync_dir(&p)?;
        file.seek(SeekFrom::Start(prefix_len)).ctx(&p, "seek")?;
        Ok((ZipSink::new(file, &p, prefix_len), journal))
    }

    /// Waits for queued messages. A new backup's partial file and journal are left for a
    /// later `open` to resume; an in-place append is committed with what it holds, so the
    /// archive is a valid zip for every tool again and nothing written is lost.
    pub fn suspend(mut self) -> Result<Progress> {
        if self.base.is_some() && !self.broken {
            let progress = self.progress();
            self.commit()?;
            return Ok(progress);
        }
        if let Some(p) = self.pipeline.take() {
            p.finish()?;
        }
        Ok(self.progress())
    }

    /// Writes the manifest and central directory: appended to the archive (in place), or
    /// to the partial file, which then atomically replaces the archive path. When nothing
    /// changed, the archive is not touched.
    pub fn commit(self) -> Result<CommitReport> {
        self.commit_listing_above(u64::MAX)
            .map(|(report, _)| report)
    }

    /// [`ArchiveUpdate::commit`], also returning the backup's messages larger than `limit`
    /// bytes (as committed), gathered while the manifest is written.
    pub fn commit_listing_above(
        mut self,
        limit: u64,
    ) -> Result<(CommitReport, Vec<MessageRecord>)> {
        self.check_usable()?;
        let partial = match self.pipeline.take() {
            Some(p) => {
                let out = p.finish().inspect_err(|_| self.broken = true)?;
                Some((out.sink, out.journal))
            }
            None => self.partial.take(),
        };
        let mut large: Vec<MessageRecord> = self
            .manifest
            .messages
            .iter()
            .filter(|m| m.size > limit)
            .cloned()
            .collect();
        self.recount();

        let unchanged = self
            .base
            .as_ref()
            .is_some_and(|b| self.appended == 0 && self.manifest.same_content(&b.manifest));
        if unchanged {
            drop(partial);
            if let Some(b) = &self.base {
                // Nothing was appended; make sure of it before the journal goes.
                truncate_to(&self.path, b.id.size)?;
            }
            remove_if_exists(&self.journal_path)?;
            remove_if_exists(&self.partial_path)?;
            let archive_bytes = self.base.as_ref().map_or(0, |b| b.id.size);
            let unreferenced = self.unreferenced(self.base.iter().flat_map(|b| &b.records));
            return Ok((self.report(false, unreferenced, archive_bytes), large));
        }

        let (mut sink, mut journal) = match partial {
            Some(p) => p,
            None => self.start_writing()?,
        };
        // Everything appended is in the journal: the manifest's new messages and the new
        // central records are read back from it rather than kept in memory.
        journal.flush()?;
        let journal_file = journal.path().to_path_buf();
        let own_start = journal.start();
        self.manifest.updated = now_rfc3339();
        self.manifest.tool = "ikou".into();
        self.manifest.tool_version = env!("CARGO_PKG_VERSION").into();
        let force_zip64 = self.options.force_zip64;
        let manifest = &self.manifest;
        let added = usize::try_from(self.queued_messages).unwrap_or(usize::MAX);
        let new_messages = JournalLines::open(&journal_file)?
            .filter_map(|line| match line {
                Err(e) => Some(Err(io::Error::other(e.to_string()))),
                Ok((
                    JournalLine::Entry {
                        message: Some(m), ..
                    },
                    at,
                )) if at >= own_start => Some(Ok(*m)),
                Ok(_) => None,
            })
            .inspect(|m| {
                if let Ok(m) = m
                    && m.size > limit
                {
                    large.push(m.clone());
                }
            });
        let manifest_record = sink.write_produced_entry(
            MANIFEST_NAME,
            |out| {
                manifest
                    .write_json_with(out, added, new_messages)
                    .map_err(io::Error::other)
            },
            EntryTime::now(),
            6,
            force_zip64,
        )?;
        // Base entries, then every journalled entry (recovered and new) in write order.
        let used: HashSet<&str> = self
            .manifest
            .messages
            .iter()
            .map(|m| m.entry.as_str())
            .collect();
        let mut unreferenced = 0;
        let mut cd = sink.begin_central_directory(force_zip64);
        for r in self.base.iter().flat_map(|b| &b.records) {
            if !r.is_dir() && !used.contains(r.name.as_str()) {
                unreferenced += 1;
            }
            cd.add(&mut sink, r)?;
        }
        for line in JournalLines::open(&journal_file)? {
            let (line, at) = line?;
            if let JournalLine::Entry { entry, message, .. } = line {
                // This run's messages are in the manifest by construction.
                let own = at >= own_start && message.is_some();
                let r = &entry.record;
                if !own && !r.is_dir() && !used.contains(r.name.as_str()) {
                    unreferenced += 1;
                }
                cd.add(&mut sink, r)?;
            }
        }
        drop(used);
        cd.add(&mut sink, &manifest_record)?;
        cd.finish(&mut sink)?;
        sink.sync()?;
        let archive_bytes = sink.offset();
        drop(sink.into_file()?);
        if self.base.is_some() {
            // The new end record is durable: this is the new version. Say so before the
            // journal goes, so a crash in between is not mistaken for an unfinished append.
            journal.append(&JournalLine::Committed { len: archive_bytes })?;
            journal.sync()?;
        } else {
            fs::rename(&self.partial_path, &self.path)
                .ctx(&self.path, "rename partial file over")?;
            sync_dir(&self.path)?;
        }
        drop(journal);
        remove_if_exists(&self.journal_path)?;
        Ok((self.report(true, unreferenced, archive_bytes), large))
    }

    /// Sets every folder's message count: the messages held when opened plus this run's.
    fn recount(&mut self) {
        let mut counts: HashMap<&str, u64> = self
            .added_per_folder
            .iter()
            .map(|(f, n)| (f.as_str(), *n))
            .collect();
        for m in &self.manifest.messages {
            *counts.entry(m.folder.as_str()).or_default() += 1;
        }
        let counts: Vec<u64> = self
            .manifest
            .folders
            .iter()
            .map(|f| counts.get(f.name.as_str()).copied().unwrap_or(0))
            .collect();
        for (f, n) in self.manifest.folders.iter_mut().zip(counts) {
            f.messages = n;
        }
    }

    fn unreferenced<'a>(&self, records: impl Iterator<Item = &'a CentralRecord>) -> usize {
        let used: HashSet<&str> = self
            .manifest
            .messages
            .iter()
            .map(|m| m.entry.as_str())
            .collect();
        records
            .filter(|r| !r.is_dir() && !used.contains(r.name.as_str()))
            .count()
    }

    fn report(
        &self,
        rewritten: bool,
        unreferenced_entries: usize,
        archive_bytes: u64,
    ) -> CommitReport {
        CommitReport {
            path: self.path.clone(),
            rewritten,
            messages: self.manifest.messages.len() + self.queued_messages as usize,
            added: self.queued_messages as usize + self.recovered_messages,
            unreferenced_entries,
            archive_bytes,
        }
    }
}

/// Cuts `path` back to `len` bytes (if longer) and makes that durable.
fn truncate_to(path: &Path, len: u64) -> Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .ctx(path, "open")?;
    if file.metadata().ctx(path, "stat")?.len() > len {
        file.set_len(len).ctx(path, "truncate")?;
        file.sync_all().ctx(path, "fsync")?;
    }
    Ok(())
}

impl Drop for ArchiveUpdate {
    /// Without `commit` or `suspend`: let queued entries reach the file and journal (so the
    /// next run resumes them), then release the lock. The committed archive is untouched.
    fn drop(&mut self) {
        drop(self.pipeline.take());
        drop(self.partial.take());
        drop(self.lock.take());
    }
}
