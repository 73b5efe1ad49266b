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
//!
//! `open.rs` opens (and resumes), this file adds, `commit.rs` ends an update; `options.rs`
//! holds what goes in and out.

mod commit;
mod held;
mod open;
mod options;
#[cfg(test)]
pub(crate) mod tests;

pub use held::{HeldId, HeldView, Prior};
use options::key_id;
pub use options::{Added, CommitReport, Progress, UpdateOptions};

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::base::BaseArchive;
use super::error::{ArchiveError, IoContext, Result};
use super::fsutil::{LockFile, private_options, sync_dir};
use super::journal::{JOURNAL_VERSION, Journal, JournalHeader};
use super::manifest::{Manifest, MessageKey, MessageRecord, SourceKind};
use super::names::{Layout, message_file_name, message_time};
use super::pipeline::{Counters, Job, Pipeline};
use super::zipwrite::{EntryTime, ZipSink};
use crate::model::{FolderInfo, MessageBytes, MessageInfo};

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
    /// The backup's folders and header fields, with this run's changes; its message list
    /// stays empty: held messages are streamed from `source`, this run's from the journal,
    /// as the commit writes the manifest.
    manifest: Manifest,
    /// The messages the backup held when opened (plus those recovered from an interrupted
    /// run), compactly, shared with the caller.
    prior: Arc<Prior>,
    /// This run's changes to the held messages and identities.
    changes: held::Changes,
    /// Where the held messages' full records are read from.
    source: held::Source,
    /// The folders of the committed archive, to tell whether this run changed anything.
    base_folders: Vec<super::FolderRecord>,
    /// Messages the manifest listed whose entries the zip lacks were dropped.
    dropped_missing: bool,
    layout: Layout,
    /// Messages this run added, per folder: how many and the largest (for the folder
    /// records at commit).
    added_per_folder: HashMap<String, (u64, u64)>,
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
    /// The held messages' records were read (see [`ArchiveUpdate::open_lazily`]); until
    /// then `prior` holds only the manifest's head and `source` knows no records.
    loaded: bool,
    /// `load` hands `prior` out (not for a new backup).
    shares_prior: bool,
    /// Folder states recorded only if the commit writes ([`ArchiveUpdate::set_synced_if_written`]).
    synced_if_written: HashMap<String, super::FolderSync>,
    lock: Option<LockFile>,
}

impl ArchiveUpdate {
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

    /// Whether the backup (with what this run added) holds the message with this identity
    /// (for tests; `add` answers the same question itself). The records must be loaded.
    #[cfg(test)]
    pub(crate) fn holds(&self, folder: &str, key: &MessageKey, uid_validity: Option<u32>) -> bool {
        assert!(self.loaded, "holds() asked before the records were loaded");
        self.changes
            .holds(&self.prior, key_id(folder, key, uid_validity))
    }

    /// Creates the file to write (the partial file of a new backup, or the journal of an
    /// in-place append) now instead of on the first `folder`/`add` that needs it, so a
    /// problem with the directory is reported before fetching starts. Cheap either way.
    pub fn prepare(&mut self) -> Result<()> {
        self.check_usable()?;
        if !self.loaded {
            // An existing backup opened lazily: the lock file beside it shows the directory
            // is writable; that the archive is too is checked without writing a byte, so a
            // rerun that changes nothing writes nothing.
            let p = &self.path;
            OpenOptions::new().write(true).open(p).ctx(p, "open")?;
            return Ok(());
        }
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
        // A new folder's directory must not collide with any entry's name.
        self.load()?;
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
            largest: None,
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
        self.load()?;
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
        if self.changes.holds(&self.prior, id) {
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
        self.changes.add(id);
        let added = self.added_per_folder.entry(folder.to_string()).or_default();
        added.0 += 1;
        added.1 = added.1.max(bytes.len() as u64);
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

    /// [`ArchiveUpdate::set_synced`] for a state that need not be recorded because the one
    /// recorded still holds (only HIGHESTMODSEQ moved: flags changed): it is kept if the
    /// commit writes a new manifest anyway, and does not by itself make the commit write.
    pub fn set_synced_if_written(&mut self, folder: &str, sync: super::FolderSync) -> Result<()> {
        if self.manifest.folder(folder).is_none() {
            return Err(ArchiveError::UnknownFolder {
                folder: folder.to_string(),
            });
        }
        self.synced_if_written.insert(folder.to_string(), sync);
        Ok(())
    }

    /// Changes the identity of an archived message without re-downloading it (after a
    /// folder's UIDVALIDITY changed and the service matched it by Message-ID and size).
    pub fn rekey_held(
        &mut self,
        id: HeldId,
        key: MessageKey,
        uid_validity: Option<u32>,
    ) -> Result<()> {
        self.check_key(&key)?;
        self.load()?;
        let m = match self.prior.get(id) {
            Some(m) if !self.changes.is_forgotten(id) => m,
            _ => {
                return Err(ArchiveError::UnknownEntry {
                    entry: format!("#{}", id.0),
                });
            }
        };
        let old = self.changes.current_key_id(&self.prior, id);
        let new = key_id(m.folder, &key, uid_validity);
        if old != new && self.changes.holds(&self.prior, new) {
            return Err(ArchiveError::DuplicateKey {
                folder: m.folder.to_string(),
                key: key.to_string(),
            });
        }
        self.changes.rekey(&self.prior, id, key, uid_validity);
        Ok(())
    }

    /// [`ArchiveUpdate::rekey_held`] for the held message stored as `entry`. Reads the held
    /// records to find it: for a few messages, not for every one of a large backup.
    pub fn rekey(&mut self, entry: &str, key: MessageKey, uid_validity: Option<u32>) -> Result<()> {
        self.load()?;
        let mut found = None;
        let changes = &self.changes;
        self.source.stream(&mut |id, m| {
            if found.is_none() && m.entry == entry && !changes.is_forgotten(id) {
                found = Some(id);
            }
            Ok(())
        })?;
        match found {
            Some(id) => self.rekey_held(id, key, uid_validity),
            None => Err(ArchiveError::UnknownEntry {
                entry: entry.to_string(),
            }),
        }
    }

    /// The full records (as this run changed them) of the held messages `filter` picks,
    /// read from the archive's manifest and the journal of an interrupted run: for the few
    /// messages re-identification needs, without holding every record.
    pub fn held_records(
        &mut self,
        mut filter: impl FnMut(HeldView<'_>) -> bool,
    ) -> Result<Vec<(HeldId, MessageRecord)>> {
        self.load()?;
        let mut out = Vec::new();
        let (prior, changes) = (&self.prior, &self.changes);
        self.source.stream(&mut |id, m| {
            if let Some(view) = prior.get(id)
                && filter(view)
                && let Some(m) = changes.apply(id, m)
            {
                out.push((id, m));
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Removes messages the backup held when opened from the manifest; their zip entries
    /// stay (counted as unreferenced) until a future compaction. Returns how many were
    /// removed. Reads the held records once.
    pub fn forget(&mut self, mut remove: impl FnMut(&MessageRecord) -> bool) -> Result<usize> {
        self.load()?;
        let mut gone: Vec<HeldId> = Vec::new();
        let changes = &self.changes;
        self.source.stream(&mut |id, m| {
            if let Some(m) = changes.apply(id, m)
                && remove(&m)
            {
                gone.push(id);
            }
            Ok(())
        })?;
        for id in &gone {
            self.changes.forget(&self.prior, *id);
        }
        Ok(gone.len())
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
            // The journal ties the append to the archive's identity, read with the records.
            self.load()?;
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
