//! Opening a backup for an update: the committed archive, an interrupted run to resume or
//! discard, and the set of what the backup holds.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::archive::base::BaseArchive;
use crate::archive::error::{ArchiveError, Result};
use crate::archive::fsutil::{LockFile, remove_if_exists, sibling};
use crate::archive::journal::read_journal_ends;
use crate::archive::manifest::{MANIFEST_NAME, Manifest};
use crate::archive::names::Layout;
use crate::archive::pipeline::Counters;
use crate::archive::resume::{Mailbox, recover};

use super::commit::truncate_to;
use super::held::{Changes, LightRecord, Prior, Source};
use super::{ArchiveUpdate, UpdateOptions};

impl ArchiveUpdate {
    /// Opens `path` for updating. Returns the update and the backup's current content,
    /// compactly: the existing manifest's folders and messages plus messages recovered from
    /// an interrupted run, or `None` for a new backup. The caller skips messages listed
    /// there. The update shares that one copy rather than keeping its own; full records are
    /// read again from the archive when needed ([`ArchiveUpdate::held_records`]).
    pub fn open(path: &Path, options: UpdateOptions) -> Result<(Self, Option<Arc<Prior>>)> {
        let mut update = Self::open_lazily(path, options)?;
        let prior = update.load()?;
        Ok((update, prior))
    }

    /// Opens `path` for updating like [`ArchiveUpdate::open`], but reads an existing
    /// backup's message records only when they are needed: its central directory is
    /// checked and only the manifest's head (mailbox, folders and their recorded server
    /// state) is read, so a rerun that finds every folder as recorded costs kilobytes
    /// whatever the backup's size. [`ArchiveUpdate::load`] reads the records; every step
    /// that needs them (adding, re-identifying, a new folder, a commit that writes) loads
    /// them itself. An interrupted run is always resumed at once, records and all.
    pub fn open_lazily(path: &Path, options: UpdateOptions) -> Result<Self> {
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
        let mut layout = Layout::new();
        let base_len = match (file_len, &in_place_journal) {
            (_, Some(b)) => Some(b.size),
            (Some(len), None) => Some(len),
            (None, None) => None,
        };
        if let (Some(len), None, false) = (base_len, &in_place_journal, partial_path.exists())
            && let Some((base, head)) = read_head_only(path, len, &mailbox, &options)?
        {
            // A journal without its partial is left over from a commit that finished.
            remove_if_exists(&journal_path)?;
            for f in &head.folders {
                layout.note_folder(&f.name, f.delimiter, &f.dir);
            }
            let source = Source {
                journal: journal_path.clone(),
                base: Some(base.clone()),
                ..Source::default()
            };
            return Ok(Self {
                path: path.to_path_buf(),
                partial_path,
                journal_path,
                options,
                base: Some(base),
                base_folders: head.folders.clone(),
                prior: Arc::new(Prior::new(head.clone())),
                manifest: head,
                changes: Changes::default(),
                source,
                dropped_missing: false,
                layout,
                added_per_folder: HashMap::new(),
                recovered_messages: 0,
                partial: None,
                pipeline: None,
                counters: Arc::new(Counters::default()),
                appended: 0,
                queued_messages: 0,
                broken: false,
                loaded: false,
                shares_prior: true,
                synced_if_written: HashMap::new(),
                lock: Some(lock),
            });
        }
        // The held messages, compactly; full records are streamed again when needed.
        let mut prior = Prior::new(Manifest::new(
            &options.server,
            &options.account,
            options.source,
        ));
        let mut source = Source {
            journal: journal_path.clone(),
            ..Source::default()
        };
        let mut dropped_missing = false;
        let opened = match base_len {
            Some(len) => Some(read_base(
                path,
                len,
                &mut layout,
                &mut prior,
                &mut source,
                &mut dropped_missing,
            )?),
            None => None,
        };
        let (base, base_manifest) = opened.unzip();
        let mut manifest = match base_manifest {
            Some(m) => {
                check_mailbox(path, &m, &mailbox, &options)?;
                m
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

        let base_folders = manifest.folders.clone();
        let mut recovered_entries = 0;
        let mut recovered_messages = 0;
        let mut partial = None;
        if let Some(r) = recovered {
            tracing::info!(
                "resuming {}: {} entries recovered, {} journal lines dropped",
                partial_path.display(),
                r.entries,
                r.dropped
            );
            for f in &r.folders {
                if manifest.folder(&f.name).is_none() {
                    manifest.folders.push(f.clone());
                }
            }
            // The recovered entries are read once more from the journal, one at a time:
            // only their names (compactly, in the layout) and the messages' compact form
            // are kept, never the records.
            prior.reserve(r.messages);
            let mut position = source.base_records;
            r.for_each_entry(&mut |record, message| {
                layout.note_entry(&record.name);
                if let Some(m) = message {
                    if manifest.folder(&m.folder).is_some() {
                        prior.push_record(m);
                        recovered_messages += 1;
                    } else {
                        source.dropped.push(position);
                    }
                    position += 1;
                }
                Ok(())
            })?;
            recovered_entries = r.entries;
            source.recovered_end = r.journal.start();
            partial = Some((r.sink, r.journal));
        }
        for f in &manifest.folders {
            layout.note_folder(&f.name, f.delimiter, &f.dir);
        }
        manifest.messages.clear();
        *prior.head_mut() = manifest.clone();
        source.held = prior.len();
        source.base.clone_from(&base);
        let shares_prior = base.is_some() || partial.is_some();
        let appended = recovered_entries;
        Ok(Self {
            path: path.to_path_buf(),
            partial_path,
            journal_path,
            options,
            base,
            manifest,
            prior: Arc::new(prior),
            changes: Changes::default(),
            source,
            base_folders,
            dropped_missing,
            layout,
            added_per_folder: HashMap::new(),
            recovered_messages,
            partial,
            pipeline: None,
            counters: Arc::new(Counters::default()),
            appended,
            queued_messages: 0,
            broken: false,
            loaded: true,
            shares_prior,
            synced_if_written: HashMap::new(),
            lock: Some(lock),
        })
    }

    /// Reads the backup's message records if [`ArchiveUpdate::open_lazily`] left them
    /// unread, and returns its content as [`ArchiveUpdate::open`] does: `None` for a new
    /// backup. Reading them also checks the manifest's CRC and that every entry it names
    /// is in the zip (a missing one is forgotten, so it is fetched again).
    pub fn load(&mut self) -> Result<Option<Arc<Prior>>> {
        if !self.loaded {
            let len = self.base.as_ref().map_or(0, |b| b.id.size);
            let head = self.prior.manifest().clone();
            let mut prior = Prior::new(head);
            let mut source = Source {
                journal: self.journal_path.clone(),
                ..Source::default()
            };
            let mut dropped = false;
            let (base, manifest) = read_base(
                &self.path,
                len,
                &mut self.layout,
                &mut prior,
                &mut source,
                &mut dropped,
            )?;
            if manifest.folders != prior.manifest().folders {
                return Err(ArchiveError::corrupt(&self.path, "changed while open"));
            }
            source.held = prior.len();
            source.base = Some(base.clone());
            self.base = Some(base);
            self.source = source;
            self.dropped_missing = dropped;
            self.prior = Arc::new(prior);
            self.loaded = true;
        }
        Ok(self.shares_prior.then(|| Arc::clone(&self.prior)))
    }

    /// Whether the message records were read ([`ArchiveUpdate::load`]).
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// The backup's fields and folders as opened (its message list is empty), loaded or
    /// not: what a rerun compares the server with first.
    pub fn head(&self) -> &Manifest {
        self.prior.manifest()
    }
}

/// The checked central directory and the manifest's head of the committed archive (its
/// first `len` bytes), or `None` when they do not allow opening without the records: no
/// head readable on its own, or folders counting more messages than the zip has files.
fn read_head_only(
    path: &Path,
    len: u64,
    mailbox: &Mailbox,
    options: &UpdateOptions,
) -> Result<Option<(BaseArchive, Manifest)>> {
    let base = BaseArchive::open_checked(path, len)?;
    let Some(head) = base.read_head()? else {
        return Ok(None);
    };
    check_mailbox(path, &head, mailbox, options)?;
    let counted: u64 = head.folders.iter().map(|f| f.messages).sum();
    if counted > base.files as u64 {
        return Ok(None);
    }
    Ok(Some((base, head)))
}

/// Refuses a backup of another mailbox.
fn check_mailbox(
    path: &Path,
    m: &Manifest,
    mailbox: &Mailbox,
    options: &UpdateOptions,
) -> Result<()> {
    if mailbox.is(&m.server, &m.account, m.source) {
        return Ok(());
    }
    Err(ArchiveError::DifferentMailbox {
        path: path.to_path_buf(),
        found: m.mailbox_label(),
        expected: format!(
            "{} on {} ({})",
            options.account, options.server, options.source
        ),
    })
}

/// Reads the committed archive (its first `len` bytes): the central directory (every
/// entry's name noted in `layout`) and the manifest, whose messages go into `prior`
/// compactly; where their records are is noted in `source`. A record naming an entry the
/// zip lacks is not taken (`dropped_missing` is set). Returns the archive and the
/// manifest's head.
fn read_base(
    path: &Path,
    len: u64,
    layout: &mut Layout,
    prior: &mut Prior,
    source: &mut Source,
    dropped_missing: &mut bool,
) -> Result<(BaseArchive, Manifest)> {
    let (mut b, names) = BaseArchive::open(path, len, &mut |r| layout.note_entry(&r.name))?;
    prior.reserve(b.files);
    let mut position = 0u64;
    let m = b.read_manifest_records(|text| {
        let m: LightRecord = serde_json::from_slice(text).map_err(|e| {
            ArchiveError::corrupt(path, format!("{MANIFEST_NAME} is not valid: {e}"))
        })?;
        // A manifest naming entries the zip lacks would promise mail that is not there;
        // forgetting them makes the service fetch them again.
        if names.contains(&m.entry) {
            prior.push_light(&m);
        } else {
            tracing::warn!(
                "{}: manifest lists missing entry {:?}; it will be fetched again",
                path.display(),
                m.entry
            );
            *dropped_missing = true;
            source.dropped.push(position);
        }
        position += 1;
        Ok(())
    })?;
    source.base_records = position;
    Ok((b, m))
}
