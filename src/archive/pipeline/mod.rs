//! # Parallel compression pipeline
//!
//! `submit` hands entries to worker threads that hash and deflate them; one writer thread
//! appends the results to the partial file strictly in submission order and journals each.
//! A gate bounds the entries (and bytes) in flight, so memory stays bounded by a few of the
//! largest messages and a fast network cannot outrun the disk: `submit` blocks instead.
//! The compression threads live in `worker.rs`, the writer thread in `writer.rs`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

#[cfg(test)]
mod tests;
mod worker;
mod writer;

use crate::archive::error::{ArchiveError, Result};
use crate::archive::journal::Journal;
use crate::archive::manifest::{FolderRecord, MessageRecord};
use crate::archive::zipwrite::{Compression, EncodedEntry, EntryTime, ZipSink};
use crate::model::MessageBytes;
use worker::{Encoding, worker_loop};
use writer::writer_loop;

/// One unit of work, in archive order.
#[derive(Debug)]
pub(crate) enum Job {
    /// A message; the worker fills in `record.sha256`.
    Message {
        record: MessageRecord,
        bytes: MessageBytes,
        time: EntryTime,
    },
    /// A directory entry, optionally introducing a folder.
    Dir {
        name: String,
        folder: Option<FolderRecord>,
        time: EntryTime,
    },
    /// A new folder whose directory already exists: only a journal line.
    FolderNote(FolderRecord),
}

impl Job {
    fn weight(&self) -> u64 {
        match self {
            Self::Message { bytes, .. } => bytes.len() as u64,
            _ => 0,
        }
    }
}

/// A job after the worker: the entry to write (if any) and what to journal with it.
struct Done {
    entry: Entry,
    folder: Option<FolderRecord>,
    message: Option<MessageRecord>,
    weight: u64,
}

/// What the writer appends for one job.
enum Entry {
    /// Encoded by the worker, ready to append.
    Encoded(EncodedEntry),
    /// A large message left for the writer to deflate straight into the file.
    Streamed(StreamedEntry),
    /// Nothing to append (a folder note only goes to the journal).
    None,
}

/// A message entry whose compression happens while it is written (see
/// [`ZipSink::write_entry_streaming`]).
struct StreamedEntry {
    name: String,
    content: MessageBytes,
    time: EntryTime,
    level: u32,
}

/// Tuning knobs; see `UpdateOptions` for the public defaults.
#[derive(Debug, Clone)]
pub(crate) struct PipelineConfig {
    pub workers: usize,
    pub max_in_flight: usize,
    pub max_in_flight_bytes: u64,
    pub compression: Compression,
    pub force_zip64: bool,
    /// Deflate messages larger than this in the writer, straight into the file.
    pub stream_above: u64,
    /// fsync partial and journal after this many bytes / entries / seconds.
    pub sync_bytes: u64,
    pub sync_entries: usize,
    pub sync_interval: Duration,
}

/// What the writer produced, handed back by [`Pipeline::finish`].
#[derive(Debug)]
pub(crate) struct WriterOutput {
    pub sink: ZipSink,
    /// Every written entry (central record, and the message record with its SHA-256) is
    /// a journal line: the commit reads them back from there, so the writer keeps nothing
    /// per message in memory.
    pub journal: Journal,
    pub jobs_done: u64,
}

/// Counters the service can poll for progress display.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub messages_written: AtomicU64,
    pub message_bytes_written: AtomicU64,
    pub archive_bytes: AtomicU64,
}

#[derive(Debug, Default)]
struct Flight {
    count: usize,
    bytes: u64,
    failed: bool,
}

/// Counting gate for back-pressure; also carries the "writer failed" signal, so a blocked
/// `submit` wakes up and reports the failure instead of waiting forever.
#[derive(Debug)]
struct Gate {
    state: Mutex<Flight>,
    cond: Condvar,
    max_count: usize,
    max_bytes: u64,
}

impl Gate {
    /// Waits for room; a single entry larger than the byte budget still passes once the
    /// pipeline is empty. Returns false if the pipeline failed.
    fn acquire(&self, weight: u64) -> bool {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !s.failed
            && s.count > 0
            && (s.count >= self.max_count || s.bytes + weight > self.max_bytes)
        {
            s = self.cond.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if s.failed {
            return false;
        }
        s.count += 1;
        s.bytes += weight;
        true
    }

    fn release(&self, weight: u64) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.count = s.count.saturating_sub(1);
        s.bytes = s.bytes.saturating_sub(weight);
        self.cond.notify_all();
    }

    fn fail(&self) {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .failed = true;
        self.cond.notify_all();
    }
}

/// Running pipeline: worker threads plus the ordered writer.
#[derive(Debug)]
pub(crate) struct Pipeline {
    jobs: Option<Sender<(u64, Job)>>,
    workers: Vec<JoinHandle<()>>,
    writer: Option<JoinHandle<Result<WriterOutput>>>,
    gate: Arc<Gate>,
    submitted: u64,
    path: PathBuf,
}

impl Pipeline {
    /// Starts the threads; the writer appends to `sink` and journals to `journal`.
    pub(crate) fn start(
        sink: ZipSink,
        journal: Journal,
        cfg: PipelineConfig,
        counters: Arc<Counters>,
    ) -> Result<Self> {
        let path = sink.path().to_path_buf();
        let gate = Arc::new(Gate {
            state: Mutex::new(Flight::default()),
            cond: Condvar::new(),
            max_count: cfg.max_in_flight.max(1),
            max_bytes: cfg.max_in_flight_bytes.max(1),
        });
        let (job_tx, job_rx) = mpsc::channel::<(u64, Job)>();
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = mpsc::channel::<(u64, Result<Done>)>();
        let mut workers = Vec::new();
        for i in 0..cfg.workers.max(1) {
            let rx = Arc::clone(&job_rx);
            let tx = done_tx.clone();
            let encoding = Encoding {
                compression: cfg.compression,
                force_zip64: cfg.force_zip64,
                stream_above: cfg.stream_above,
            };
            let p = path.clone();
            let handle = thread::Builder::new()
                .name(format!("ikou-zip-{i}"))
                .spawn(move || worker_loop(&rx, &tx, encoding, &p))
                .map_err(|e| ArchiveError::io(&path, "spawn thread", e))?;
            workers.push(handle);
        }
        drop(done_tx);
        let writer_gate = Arc::clone(&gate);
        let writer_counters = Arc::clone(&counters);
        let writer = thread::Builder::new()
            .name("ikou-zip-writer".into())
            .spawn(move || {
                let p = sink.path().to_path_buf();
                // A panic must still fail the gate, or a blocked `submit` would wait forever.
                let result = catch_unwind(AssertUnwindSafe(|| {
                    writer_loop(
                        sink,
                        journal,
                        &done_rx,
                        &cfg,
                        &writer_gate,
                        &writer_counters,
                    )
                }))
                .unwrap_or_else(|_| {
                    Err(ArchiveError::Thread {
                        path: p,
                        thread: "writer",
                        detail: "panicked".into(),
                    })
                });
                if result.is_err() {
                    writer_gate.fail();
                }
                result
            })
            .map_err(|e| ArchiveError::io(&path, "spawn thread", e))?;
        Ok(Self {
            jobs: Some(job_tx),
            workers,
            writer: Some(writer),
            gate,
            submitted: 0,
            path,
        })
    }

    /// Queues a job, blocking while the pipeline is full. On failure returns the error that
    /// stopped the pipeline (the pipeline is then finished and must not be used again).
    pub(crate) fn submit(&mut self, job: Job) -> Result<()> {
        let weight = job.weight();
        let sent = self.gate.acquire(weight)
            && self
                .jobs
                .as_ref()
                .is_some_and(|tx| tx.send((self.submitted, job)).is_ok());
        if sent {
            self.submitted += 1;
            return Ok(());
        }
        Err(match self.shutdown() {
            Err(e) => e,
            Ok(_) => self.thread_error("writer", "stopped without reporting an error"),
        })
    }

    /// Waits for every queued job to be written and returns the writer's state.
    pub(crate) fn finish(mut self) -> Result<WriterOutput> {
        let out = self.shutdown()?;
        if out.jobs_done != self.submitted {
            return Err(self.thread_error(
                "worker",
                &format!(
                    "{} of {} entries were lost",
                    self.submitted - out.jobs_done,
                    self.submitted
                ),
            ));
        }
        Ok(out)
    }

    /// Closes the job queue and joins all threads (workers first, then the writer).
    fn shutdown(&mut self) -> Result<WriterOutput> {
        self.jobs = None;
        for w in self.workers.drain(..) {
            let _ = w.join(); // workers catch their own panics and report them as results
        }
        match self.writer.take() {
            Some(handle) => match handle.join() {
                Ok(result) => result,
                Err(_) => Err(self.thread_error("writer", "panicked")),
            },
            None => Err(self.thread_error("writer", "already stopped")),
        }
    }

    fn thread_error(&self, thread: &'static str, detail: &str) -> ArchiveError {
        ArchiveError::Thread {
            path: self.path.clone(),
            thread,
            detail: detail.to_string(),
        }
    }
}

impl Drop for Pipeline {
    /// Dropping without `finish` (error paths) still drains and joins the threads, so the
    /// entries already queued reach the partial file and its journal.
    fn drop(&mut self) {
        if self.writer.is_some()
            && let Err(e) = self.shutdown()
        {
            tracing::warn!("archive pipeline stopped with an error: {e}");
        }
    }
}
