//! Tests of the compression pipeline: order, streaming of large entries, the gate, errors.

use std::path::Path;
use std::sync::atomic::Ordering;

use super::*;
use crate::archive::journal::{JournalHeader, JournalLine};
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

/// Every line of the journal after its header, in order.
fn journal_lines(dir: &std::path::Path) -> Vec<JournalLine> {
    let mut lines = Vec::new();
    crate::archive::journal::scan_journal(&dir.join("j"), |line, _| {
        lines.push(line);
        Ok(())
    })
    .expect("scan");
    lines
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
    let lines = journal_lines(dir.path());
    let mut expect = 0;
    for line in &lines {
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
    let lines = journal_lines(dir.path());
    for line in &lines {
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
