//! Ending an update: the new manifest and central directory, appended in place or written
//! to the partial file that replaces the archive; or nothing when nothing changed.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::Path;

use crate::archive::error::{ArchiveError, IoContext, Result};
use crate::archive::fsutil::{remove_if_exists, sync_dir};
use crate::archive::journal::{JournalLine, JournalLines};
use crate::archive::manifest::{MANIFEST_NAME, MessageRecord, MessagesText, now_rfc3339};
use crate::archive::zipwrite::{CentralRecord, EntryTime, ZipSink};

use super::{ArchiveUpdate, CommitReport, HeldId, Progress};

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
        if let Some(quick) = self.unchanged_unloaded(limit) {
            return Ok((quick, Vec::new()));
        }
        self.load()?;
        let partial = match self.pipeline.take() {
            Some(p) => {
                let out = p.finish().inspect_err(|_| self.broken = true)?;
                Some((out.sink, out.journal))
            }
            None => self.partial.take(),
        };
        self.recount();

        let unchanged = self.base.is_some()
            && self.appended == 0
            && !self.dropped_missing
            && !self.changes.any()
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
            let files = self.base.as_ref().map_or(0, |b| b.files);
            let unreferenced = files.saturating_sub(self.prior.len());
            // The large messages are only read from the archive when there are any.
            let large = if self.prior.messages().any(|m| m.size > limit) {
                self.held_records(|m| m.size > limit)?
                    .into_iter()
                    .map(|(_, m)| m)
                    .collect()
            } else {
                Vec::new()
            };
            return Ok((self.report(false, unreferenced, archive_bytes), large));
        }

        // A new manifest is written: it carries the folder states kept for that case.
        for (folder, sync) in std::mem::take(&mut self.synced_if_written) {
            if let Some(f) = self.manifest.folders.iter_mut().find(|f| f.name == folder) {
                f.synced = Some(sync);
            }
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
        let kept = self.changes.kept_count(&self.prior);
        let count = kept + usize::try_from(self.queued_messages).unwrap_or(usize::MAX);
        // Unless this run re-identified or forgot archived messages (or dropped some at
        // open), the previous records' text is copied into the new manifest as it is,
        // instead of being parsed and written again record by record.
        let copy_text =
            self.base.is_some() && !self.changes.any() && self.source.dropped.is_empty();
        let (manifest_record, mut large) = if copy_text {
            self.write_manifest_copying(&mut sink, &journal_file, count, limit)?
        } else {
            self.write_manifest_streaming(&mut sink, &journal_file, own_start, count, limit)?
        };
        if copy_text && self.prior.messages().any(|m| m.size > limit) {
            // Only the large ones, which are few, are read as records.
            let held = self.held_records(|m| m.size > limit)?;
            large.splice(0..0, held.into_iter().map(|(_, m)| m));
        }
        // Base entries, then every journalled entry (recovered and new) in write order.
        let mut files = 0usize;
        let mut cd = sink.begin_central_directory(force_zip64);
        if let Some(b) = &self.base {
            files += b.files;
            b.for_each_record(&mut |r| cd.add(&mut sink, &r))?;
        }
        for line in JournalLines::open(&journal_file)? {
            let (line, at) = line?;
            if let JournalLine::Entry { entry, message, .. } = line {
                // This run's messages are in the manifest by construction.
                let own = at >= own_start && message.is_some();
                let r = &entry.record;
                if !own && !r.is_dir() {
                    files += 1;
                }
                cd.add(&mut sink, r)?;
            }
        }
        // Every held message refers to an entry of its own (checked at open).
        let unreferenced = files.saturating_sub(kept);
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

    /// Writes the new manifest with the held messages' records parsed from the previous
    /// manifest (and an interrupted run's journal) by a second thread, with this run's
    /// changes applied, then this run's records from the journal. Returns its central
    /// record and the records larger than `limit`.
    fn write_manifest_streaming(
        &self,
        sink: &mut ZipSink,
        journal_file: &Path,
        own_start: u64,
        count: usize,
        limit: u64,
    ) -> Result<(CentralRecord, Vec<MessageRecord>)> {
        let mut large: Vec<MessageRecord> = Vec::new();
        let (manifest, changes, source) = (&self.manifest, &self.changes, &self.source);
        let record = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(HeldId, MessageRecord)>>(256);
            scope.spawn(move || {
                let streamed = source.stream(&mut |id, m| {
                    tx.send(Ok((id, m)))
                        .map_err(|_| ArchiveError::corrupt(journal_file, "commit stopped"))
                });
                if let Err(e) = streamed {
                    let _ = tx.send(Err(e));
                }
            });
            let held = rx.into_iter().filter_map(|r| match r {
                Err(e) => Some(Err(io::Error::other(e.to_string()))),
                Ok((id, m)) => changes.apply(id, m).map(Ok),
            });
            let messages = held
                .chain(journal_messages(journal_file, own_start)?)
                .inspect(|m| {
                    if let Ok(m) = m
                        && m.size > limit
                    {
                        large.push(m.clone());
                    }
                });
            sink.write_produced_entry(
                MANIFEST_NAME,
                |out| {
                    manifest
                        .write_json_with(out, count, messages)
                        .map_err(io::Error::other)
                },
                EntryTime::now(),
                6,
                self.options.force_zip64,
            )
        })?;
        Ok((record, large))
    }

    /// Writes the new manifest with the previous manifest's message list copied as text
    /// (decompressed and picked out by a second thread), then every record the journal
    /// holds (an interrupted run's, then this run's). Only when this run changed no held
    /// message and none was dropped at open: the copied text is then exactly the held
    /// records. Returns its central record and this run's records larger than `limit`.
    fn write_manifest_copying(
        &self,
        sink: &mut ZipSink,
        journal_file: &Path,
        count: usize,
        limit: u64,
    ) -> Result<(CentralRecord, Vec<MessageRecord>)> {
        enum Piece {
            Text(Vec<u8>),
            End(MessagesText),
            Failed(ArchiveError),
        }
        struct Pieces<'a>(&'a std::sync::mpsc::SyncSender<Piece>);
        impl io::Write for Pieces<'_> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0
                    .send(Piece::Text(buf.to_vec()))
                    .map_err(|_| io::Error::other("commit stopped"))?;
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let Some(base) = &self.base else {
            return Err(ArchiveError::corrupt(
                &self.path,
                "no previous manifest to copy",
            ));
        };
        let expected = self.source.base_records;
        let mut large: Vec<MessageRecord> = Vec::new();
        let mut extra_count = 0usize;
        let manifest = &self.manifest;
        let record = std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Piece>(32);
            scope.spawn(move || {
                let mut text = MessagesText::default();
                let streamed = base.stream_manifest_text(&mut |chunk| {
                    text.feed(chunk, &mut Pieces(&tx))
                        .map_err(|e| ArchiveError::corrupt(journal_file, e.to_string()))
                });
                let _ = tx.send(match streamed {
                    Ok(()) => Piece::End(text),
                    Err(e) => Piece::Failed(e),
                });
            });
            let copied = |out: &mut dyn io::Write| -> io::Result<bool> {
                for piece in rx {
                    match piece {
                        Piece::Text(t) => out.write_all(&t)?,
                        Piece::Failed(e) => return Err(io::Error::other(e.to_string())),
                        Piece::End(text) if text.complete && text.records == expected => {
                            return Ok(text.records > 0);
                        }
                        Piece::End(text) => {
                            return Err(io::Error::other(format!(
                                "the previous manifest lists {} messages, {expected} expected",
                                text.records
                            )));
                        }
                    }
                }
                Err(io::Error::other("the previous manifest ended early"))
            };
            let extra = journal_messages(journal_file, 0)?.inspect(|m| {
                if let Ok(m) = m {
                    extra_count += 1;
                    if m.size > limit {
                        large.push(m.clone());
                    }
                }
            });
            sink.write_produced_entry(
                MANIFEST_NAME,
                |out| manifest.write_json_spliced(out, copied, extra),
                EntryTime::now(),
                6,
                self.options.force_zip64,
            )
        })?;
        let written = usize::try_from(expected).unwrap_or(usize::MAX) + extra_count;
        if written != count {
            return Err(ArchiveError::corrupt(
                journal_file,
                format!("{written} of {count} messages were written to the manifest"),
            ));
        }
        Ok((record, large))
    }

    /// Sets every folder's message count: the messages held when opened plus this run's.
    /// The folder records' message counts and largest sizes, as this commit leaves them.
    fn recount(&mut self) {
        let mut counts = self.changes.kept_per_folder(&self.prior);
        for (f, (n, largest)) in &self.added_per_folder {
            let c = counts.entry(f.as_str()).or_default();
            c.0 += n;
            c.1 = c.1.max(*largest);
        }
        let counts: Vec<(u64, u64)> = self
            .manifest
            .folders
            .iter()
            .map(|f| counts.get(f.name.as_str()).copied().unwrap_or_default())
            .collect();
        for (f, (n, largest)) in self.manifest.folders.iter_mut().zip(counts) {
            f.messages = n;
            f.largest = Some(largest);
        }
    }

    /// The report of a commit with nothing to do, when the records were never read: no
    /// folder record changed and none holds a message above `limit`. `None` otherwise (the
    /// commit then reads the records).
    fn unchanged_unloaded(&self, limit: u64) -> Option<CommitReport> {
        let base = self.base.as_ref()?;
        let untouched = !self.loaded
            && self.appended == 0
            && self.pipeline.is_none()
            && self.partial.is_none()
            && self.manifest.folders == self.base_folders
            && self
                .base_folders
                .iter()
                .all(|f| f.largest.is_some_and(|l| l <= limit));
        if !untouched {
            return None;
        }
        // Opening checked that the folders count no more messages than the zip has files.
        let held: u64 = self.base_folders.iter().map(|f| f.messages).sum();
        let held = usize::try_from(held).unwrap_or(usize::MAX);
        Some(CommitReport {
            path: self.path.clone(),
            rewritten: false,
            messages: held,
            added: 0,
            unreferenced_entries: base.files.saturating_sub(held),
            archive_bytes: base.id.size,
        })
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
            messages: self.changes.kept_count(&self.prior) + self.queued_messages as usize,
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

/// The message records of the journal's entry lines from offset `from` on, in order.
fn journal_messages(
    journal_file: &Path,
    from: u64,
) -> Result<impl Iterator<Item = io::Result<MessageRecord>>> {
    Ok(
        JournalLines::open(journal_file)?.filter_map(move |line| match line {
            Err(e) => Some(Err(io::Error::other(e.to_string()))),
            Ok((
                JournalLine::Entry {
                    message: Some(m), ..
                },
                at,
            )) if at >= from => Some(Ok(*m)),
            Ok(_) => None,
        }),
    )
}
