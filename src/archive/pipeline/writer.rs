//! The writer thread: appends finished entries in submission order, journals each after its
//! bytes reached the OS, and fsyncs every so often.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use super::{Counters, Done, Entry, Gate, PipelineConfig, WriterOutput};
use crate::archive::error::{ArchiveError, Result};
use crate::archive::journal::{Journal, JournalLine, WrittenEntry};
use crate::archive::zipwrite::ZipSink;

struct WriterState<'a> {
    sink: ZipSink,
    journal: Journal,
    jobs_done: u64,
    cfg: &'a PipelineConfig,
    unsynced_bytes: u64,
    unsynced_entries: usize,
    last_sync: Instant,
}

pub(super) fn writer_loop(
    sink: ZipSink,
    journal: Journal,
    rx: &Receiver<(u64, Result<Done>)>,
    cfg: &PipelineConfig,
    gate: &Gate,
    counters: &Counters,
) -> Result<WriterOutput> {
    let mut st = WriterState {
        sink,
        journal,
        jobs_done: 0,
        cfg,
        unsynced_bytes: 0,
        unsynced_entries: 0,
        last_sync: Instant::now(),
    };
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    while let Ok((seq, done)) = rx.recv() {
        pending.insert(seq, done?);
        // Take whatever else is ready, then write the contiguous run in one batch, so the
        // file and journal are flushed once per batch rather than once per small message.
        while let Ok((seq, done)) = rx.try_recv() {
            pending.insert(seq, done?);
        }
        let mut lines = Vec::new();
        let mut weights = Vec::new();
        while let Some(done) = pending.remove(&next) {
            next += 1;
            lines.push(st.write(done, &mut weights, counters)?);
        }
        if lines.is_empty() {
            continue;
        }
        // Entry bytes go to the OS before their journal lines: a killed process then never
        // leaves a journal line for bytes that were not written.
        st.sink.flush()?;
        for line in &lines {
            st.journal.append(line)?;
        }
        st.journal.flush()?;
        st.jobs_done += lines.len() as u64;
        counters
            .archive_bytes
            .store(st.sink.offset(), Ordering::Relaxed);
        st.maybe_sync(false)?;
        for w in weights {
            gate.release(w);
        }
    }
    if !pending.is_empty() {
        return Err(ArchiveError::Thread {
            path: st.sink.path().to_path_buf(),
            thread: "compression",
            detail: format!("entry {next} never arrived"),
        });
    }
    st.maybe_sync(true)?;
    Ok(WriterOutput {
        sink: st.sink,
        journal: st.journal,
        jobs_done: st.jobs_done,
    })
}

impl WriterState<'_> {
    fn write(
        &mut self,
        done: Done,
        weights: &mut Vec<u64>,
        counters: &Counters,
    ) -> Result<JournalLine> {
        weights.push(done.weight);
        let (record, span, raw_crc) = match done.entry {
            Entry::Encoded(encoded) => {
                let record = self.sink.write_entry(&encoded)?;
                (record, encoded.span_len(), encoded.raw_crc)
            }
            Entry::Streamed(big) => self.sink.write_entry_streaming(
                &big.name,
                &big.content,
                big.time,
                big.level,
                self.cfg.force_zip64,
            )?,
            Entry::None => {
                let folder = done.folder.ok_or_else(|| ArchiveError::Thread {
                    path: self.sink.path().to_path_buf(),
                    thread: "writer",
                    detail: "job without entry or folder".into(),
                })?;
                return Ok(JournalLine::Folder { folder });
            }
        };
        let entry = WrittenEntry {
            record,
            span,
            raw_crc,
        };
        self.unsynced_bytes += entry.span;
        self.unsynced_entries += 1;
        if let Some(m) = &done.message {
            counters.messages_written.fetch_add(1, Ordering::Relaxed);
            counters
                .message_bytes_written
                .fetch_add(m.size, Ordering::Relaxed);
        }
        Ok(JournalLine::Entry {
            entry,
            folder: done.folder,
            message: done.message.map(Box::new),
        })
    }

    /// fsync data then journal every so often: a power loss then costs at most that much
    /// refetching; the journal check on resume makes the order a matter of efficiency only.
    fn maybe_sync(&mut self, force: bool) -> Result<()> {
        let due = self.unsynced_bytes >= self.cfg.sync_bytes
            || self.unsynced_entries >= self.cfg.sync_entries
            || self.last_sync.elapsed() >= self.cfg.sync_interval;
        if force || (due && self.unsynced_entries > 0) {
            self.sink.sync()?;
            self.journal.sync()?;
            self.unsynced_bytes = 0;
            self.unsynced_entries = 0;
            self.last_sync = Instant::now();
        }
        Ok(())
    }
}
