//! Ending an update: the new manifest and central directory, appended in place or written
//! to the partial file that replaces the archive; or nothing when nothing changed.

use std::collections::{HashMap, HashSet};
use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;

use crate::archive::error::{IoContext, Result};
use crate::archive::fsutil::{remove_if_exists, sync_dir};
use crate::archive::journal::{JournalLine, JournalLines};
use crate::archive::manifest::{MANIFEST_NAME, MessageRecord, now_rfc3339};
use crate::archive::zipwrite::EntryTime;

use super::{ArchiveUpdate, CommitReport, Progress};

impl ArchiveUpdate {
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
            .held
            .kept()
            .filter(|m| m.size > limit)
            .map(std::borrow::Cow::into_owned)
            .collect();
        self.recount();

        let unchanged = self.base.is_some()
            && self.appended == 0
            && !self.dropped_missing
            && !self.held.changed()
            && self.manifest.folders == self.base_folders;
        if unchanged {
            drop(partial);
            if let Some(b) = &self.base {
                // Nothing was appended; make sure of it before the journal goes.
                truncate_to(&self.path, b.id.size)?;
            }
            remove_if_exists(&self.journal_path)?;
            remove_if_exists(&self.partial_path)?;
            let archive_bytes = self.base.as_ref().map_or(0, |b| b.id.size);
            let unreferenced = self.unreferenced()?;
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
        let held = &self.held;
        let count = held.kept_count() + usize::try_from(self.queued_messages).unwrap_or(usize::MAX);
        // The held messages (with this run's changes), then this run's from the journal.
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
        let messages = held.kept().map(|m| Ok(m.into_owned())).chain(new_messages);
        let manifest_record = sink.write_produced_entry(
            MANIFEST_NAME,
            |out| {
                manifest
                    .write_json_with(out, count, messages)
                    .map_err(io::Error::other)
            },
            EntryTime::now(),
            6,
            force_zip64,
        )?;
        // Base entries, then every journalled entry (recovered and new) in write order.
        let used: HashSet<&str> = self.held.kept_entries().collect();
        let mut unreferenced = 0;
        let mut cd = sink.begin_central_directory(force_zip64);
        if let Some(b) = &self.base {
            b.for_each_record(&mut |r| {
                if !r.is_dir() && !used.contains(r.name.as_str()) {
                    unreferenced += 1;
                }
                cd.add(&mut sink, &r)
            })?;
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
        for i in self.held.kept_indices() {
            let folder = self.held.opened().messages[i].folder.as_str();
            *counts.entry(folder).or_default() += 1;
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

    /// Entries of the committed archive (not directories) that no held message refers to.
    fn unreferenced(&self) -> Result<usize> {
        let used: HashSet<&str> = self.held.kept_entries().collect();
        let mut n = 0;
        if let Some(b) = &self.base {
            b.for_each_record(&mut |r| {
                if !r.is_dir() && !used.contains(r.name.as_str()) {
                    n += 1;
                }
                Ok(())
            })?;
        }
        Ok(n)
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
            messages: self.held.kept_count() + self.queued_messages as usize,
            added: self.queued_messages as usize + self.recovered_messages,
            unreferenced_entries,
            archive_bytes,
        }
    }
}

/// Cuts `path` back to `len` bytes (if longer) and makes that durable.
pub(super) fn truncate_to(path: &Path, len: u64) -> Result<()> {
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
