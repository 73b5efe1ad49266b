//! # Parallel compression pipeline
//!
//! `submit` hands entries to worker threads that hash and deflate them; one writer thread
//! appends the results to the partial file strictly in submission order and journals each.
//! A gate bounds the entries (and bytes) in flight, so memory stays bounded by a few of the
//! largest messages and a fast network cannot outrun the disk: `submit` blocks instead.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use super::error::{ArchiveError, Result};
use super::journal::{Journal, JournalLine, WrittenEntry};
use super::manifest::{FolderRecord, MessageRecord};
use super::zipwrite::{Compression, EncodedEntry, EntryTime, ZipSink, encode_entry};
use crate::model::MessageBytes;

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

/// How workers encode entries (a copy of the relevant `PipelineConfig` fields).
#[derive(Debug, Clone, Copy)]
struct Encoding {
    compression: Compression,
    force_zip64: bool,
    stream_above: u64,
}

fn worker_loop(
    rx: &Mutex<Receiver<(u64, Job)>>,
    tx: &Sender<(u64, Result<Done>)>,
    encoding: Encoding,
    path: &Path,
) {
    loop {
        // Hold the lock only while receiving, so workers take jobs one at a time.
        let next = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((seq, job)) = next else { return };
        let result = catch_unwind(AssertUnwindSafe(|| process(job, encoding))).map_err(|panic| {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panicked".into());
            ArchiveError::Thread {
                path: path.to_path_buf(),
                thread: "compression",
                detail,
            }
        });
        if tx.send((seq, result)).is_err() {
            return; // the writer is gone; it reports why
        }
    }
}

fn process(job: Job, encoding: Encoding) -> Done {
    let Encoding {
        compression,
        force_zip64,
        stream_above,
    } = encoding;
    match job {
        Job::Message {
            mut record,
            bytes,
            time,
        } => {
            let weight = bytes.len() as u64;
            record.sha256 = hex::encode(Sha256::digest(&bytes));
            if let Compression::Deflate(level) = compression
                && weight > stream_above
            {
                return Done {
                    entry: Entry::Streamed(StreamedEntry {
                        name: record.entry.clone(),
                        content: bytes,
                        time,
                        level,
                    }),
                    folder: None,
                    message: Some(record),
                    weight,
                };
            }
            let encoded = encode_entry(
                &record.entry,
                bytes.into_vec(),
                time,
                compression,
                force_zip64,
            );
            Done {
                entry: Entry::Encoded(encoded),
                folder: None,
                message: Some(record),
                weight,
            }
        }
        Job::Dir { name, folder, time } => Done {
            entry: Entry::Encoded(encode_entry(
                &name,
                Vec::new(),
                time,
                Compression::Store,
                force_zip64,
            )),
            folder,
            message: None,
            weight: 0,
        },
        Job::FolderNote(folder) => Done {
            entry: Entry::None,
            folder: Some(folder),
            message: None,
            weight: 0,
        },
    }
}

struct WriterState<'a> {
    sink: ZipSink,
    journal: Journal,
    jobs_done: u64,
    cfg: &'a PipelineConfig,
    unsynced_bytes: u64,
    unsynced_entries: usize,
    last_sync: Instant,
}

fn writer_loop(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::journal::JournalHeader;
    use crate::archive::manifest::SourceKind;
    use crate::archive::testutil::pseudo_random;
    use crate::archive::zipwrite::CentralRecord;
    use crate::archive::zipwrite::Method;
    use std::sync::atomic::AtomicBool;

    fn cfg(workers: usize, max_in_flight: usize) -> PipelineConfig {
        PipelineConfig {
            workers,
            max_in_flight,
            max_in_flight_bytes: 1 << 20,
            compression: Compression::Deflate(1),
            force_zip64: false,
            // The 200,000-byte messages below take the streamed path.
            stream_above: 100_000,
            sync_bytes: 1 << 20,
            sync_entries: 10,
            sync_interval: Duration::from_secs(10),
        }
    }

    fn journal(dir: &Path) -> Journal {
        let header = JournalHeader {
            version: 1,
            base: None,
            prefix_len: 0,
            in_place: false,
            server: "h:1".into(),
            account: "a".into(),
            source: SourceKind::Imap,
        };
        Journal::create(&dir.join("j"), header).expect("journal")
    }

    /// The central records and message SHA-256s the journal holds, in write order.
    fn journalled(dir: &std::path::Path) -> (Vec<CentralRecord>, Vec<String>) {
        let (mut records, mut hashes) = (Vec::new(), Vec::new());
        crate::archive::journal::scan_journal(&dir.join("j"), |line, _| {
            if let JournalLine::Entry { entry, message, .. } = line {
                records.push(entry.record);
                hashes.extend(message.map(|m| m.sha256));
            }
            Ok(())
        })
        .expect("scan");
        (records, hashes)
    }

    fn message(i: usize) -> Job {
        // Sizes vary a lot so workers finish out of order.
        let len = if i.is_multiple_of(5) { 200_000 } else { i * 37 };
        let record = MessageRecord {
            entry: format!("m/{i:04}.eml"),
            size: len as u64,
            ..Default::default()
        };
        Job::Message {
            record,
            bytes: pseudo_random(i as u64, len).into(),
            time: EntryTime::UNKNOWN,
        }
    }

    #[test]
    fn output_keeps_submission_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.zip");
        let sink = ZipSink::new(std::fs::File::create(&path).expect("create"), &path, 0);
        let counters = Arc::new(Counters::default());
        let mut p = Pipeline::start(sink, journal(dir.path()), cfg(4, 3), Arc::clone(&counters))
            .expect("start");
        for i in 0..200 {
            p.submit(message(i)).expect("submit");
        }
        let out = p.finish().expect("finish");
        let (records, hashes) = journalled(dir.path());
        let names: Vec<String> = records.iter().map(|r| r.name.clone()).collect();
        let want: Vec<String> = (0..200).map(|i| format!("m/{i:04}.eml")).collect();
        assert_eq!(names, want);
        assert_eq!(hashes.len(), 200);
        assert!(hashes.iter().all(|h| h.len() == 64));
        assert_eq!(counters.messages_written.load(Ordering::Relaxed), 200);
        // Offsets are contiguous: each entry starts where the previous one ended.
        let lines = crate::archive::journal::read_journal(&dir.path().join("j"))
            .expect("read")
            .expect("header");
        let mut expect = 0;
        for (line, _) in &lines.lines {
            let JournalLine::Entry { entry, .. } = line else {
                panic!("only entries expected")
            };
            assert_eq!(entry.record.offset, expect);
            expect += entry.span;
        }
        assert_eq!(expect, out.sink.offset());
    }

    #[test]
    fn large_entries_are_deflated_into_the_file() {
        use std::io::Read;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("big.zip");
        let sink = ZipSink::new(std::fs::File::create(&path).expect("create"), &path, 0);
        let mut p = Pipeline::start(
            sink,
            journal(dir.path()),
            cfg(2, 4),
            Arc::new(Counters::default()),
        )
        .expect("start");
        // Small, large and compressible, large and incompressible, interleaved.
        let contents: Vec<Vec<u8>> = (0..12u64)
            .map(|i| match i % 3 {
                0 => format!("Subject: {i}\r\n\r\nhello\r\n").into_bytes(),
                1 => b"Subject: big\r\n\r\n"
                    .iter()
                    .copied()
                    .chain((0..300_000u32).map(|n| b"ABCDEFGH"[(n % 8) as usize]))
                    .collect(),
                _ => pseudo_random(i, 300_000),
            })
            .collect();
        for (i, bytes) in contents.iter().enumerate() {
            let record = MessageRecord {
                entry: format!("m/{i:02}.eml"),
                size: bytes.len() as u64,
                ..Default::default()
            };
            p.submit(Job::Message {
                record,
                // Large ones as the IMAP layer hands them over: still in a shared buffer.
                bytes: if bytes.len() > 1000 {
                    MessageBytes::shared(bytes.clone())
                } else {
                    bytes.clone().into()
                },
                time: EntryTime::UNKNOWN,
            })
            .expect("submit");
        }
        let mut out = p.finish().expect("finish");
        let (records, _) = journalled(dir.path());
        for (i, r) in records.iter().enumerate() {
            match i % 3 {
                1 => assert_eq!(r.method, Method::Deflated, "entry {i} shrinks"),
                2 => assert_eq!(r.method, Method::Stored, "entry {i} does not shrink"),
                _ => {}
            }
        }
        out.sink
            .write_central_directory(&records, false)
            .expect("cd");
        out.sink.sync().expect("sync");
        let file_bytes = std::fs::read(&path).expect("read");
        // The journal's span and CRC describe the bytes exactly as they lie in the file,
        // which is what resume checks after a crash.
        let lines = crate::archive::journal::read_journal(&dir.path().join("j"))
            .expect("read")
            .expect("header");
        for (line, _) in &lines.lines {
            let JournalLine::Entry { entry, .. } = line else {
                panic!("only entries expected")
            };
            let start = entry.record.offset as usize;
            let span = &file_bytes[start..start + entry.span as usize];
            assert_eq!(
                crc32fast::hash(span),
                entry.raw_crc,
                "{}",
                entry.record.name
            );
        }
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open"))
            .expect("zip crate reads it");
        for (i, want) in contents.iter().enumerate() {
            let mut f = zip.by_index(i).expect("entry");
            let mut got = Vec::new();
            f.read_to_end(&mut got).expect("read entry (CRC checked)");
            assert_eq!(&got, want, "entry {i}");
        }
        crate::archive::testutil::assert_unzip_ok(&path);
    }

    #[test]
    fn gate_blocks_until_release() {
        let gate = Arc::new(Gate {
            state: Mutex::new(Flight::default()),
            cond: Condvar::new(),
            max_count: 2,
            max_bytes: 100,
        });
        assert!(gate.acquire(10) && gate.acquire(10));
        let passed = Arc::new(AtomicBool::new(false));
        let (g, flag) = (Arc::clone(&gate), Arc::clone(&passed));
        let t = thread::spawn(move || {
            let ok = g.acquire(10);
            flag.store(true, Ordering::SeqCst);
            ok
        });
        thread::sleep(Duration::from_millis(100));
        assert!(
            !passed.load(Ordering::SeqCst),
            "third acquire must wait while two are in flight"
        );
        gate.release(10);
        assert!(t.join().expect("thread"), "acquire succeeds after release");
        // Byte budget: a big entry waits for the pipeline to drain, then passes alone.
        gate.release(10);
        gate.release(10);
        assert!(
            gate.acquire(1000),
            "oversized entry passes when nothing else is in flight"
        );
        gate.fail();
        assert!(
            !gate.acquire(1),
            "a failed pipeline refuses new work instead of blocking"
        );
    }

    #[test]
    fn writer_errors_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ro.zip");
        std::fs::write(&path, b"").expect("create");
        // Writing to a read-only handle fails like a full or vanished disk would.
        let ro = std::fs::File::open(&path).expect("open read-only");
        let sink = ZipSink::new(ro, &path, 0);
        let mut p = Pipeline::start(
            sink,
            journal(dir.path()),
            cfg(2, 2),
            Arc::new(Counters::default()),
        )
        .expect("start");
        let mut result = Ok(());
        for i in 0..100 {
            result = p.submit(message(i));
            if result.is_err() {
                break;
            }
        }
        let err = match result {
            Err(e) => e,
            Ok(()) => p
                .finish()
                .expect_err("writing to a read-only file must fail"),
        };
        assert!(matches!(err, ArchiveError::Io { op: "write", .. }), "{err}");
        assert!(err.to_string().contains("ro.zip"), "{err}");
    }
}
