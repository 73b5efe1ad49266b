//! # Throughput measurement (ignored test)
//!
//! Writes about 200 MB of synthetic mail through the real pipeline with different
//! compression settings and prints MB/s, ratio and peak memory. Run in release mode:
//! `cargo test --release --lib archive::bench -- --ignored --nocapture`.

use std::time::Instant;

use super::testutil::pseudo_random;
use super::update::tests::{folder_info, msg_info, opts};
use super::{ArchiveUpdate, Compression, MessageKey, verify_archive};

/// A mailbox-like mix: about 1/3 of the bytes are text and HTML mail, 2/3 base64
/// attachments of already-compressed data (photos, PDFs), as in typical office mailboxes.
fn synthetic_pool() -> Vec<Vec<u8>> {
    let words = [
        "研究室",
        "会議",
        "資料",
        "よろしくお願いします",
        "the",
        "meeting",
        "report",
        "attached",
        "お世話になっております",
        "schedule",
        "2024年",
        "確認",
        "project",
    ];
    let mut pool = Vec::new();
    for i in 0..60u64 {
        let r = pseudo_random(i, 4096);
        let mut m = format!("From: user{i}@example.jp\r\nTo: taro@example.jp\r\nSubject: 件名 {i}\r\nMessage-ID: <{i}@example.jp>\r\nMIME-Version: 1.0\r\n").into_bytes();
        if i % 3 == 0 {
            m.extend_from_slice(b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee attachment\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            let raw = pseudo_random(i + 1000, 30_000 + (r[0] as usize) * 800);
            let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &raw);
            for chunk in b64.as_bytes().chunks(76) {
                m.extend_from_slice(chunk);
                m.extend_from_slice(b"\r\n");
            }
            m.extend_from_slice(b"--b--\r\n");
        } else {
            m.extend_from_slice(b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>\r\n");
            let target = 5_000 + (r[1] as usize) * 300;
            let mut k = 0;
            while m.len() < target {
                let w = words[r[k % r.len()] as usize % words.len()];
                m.extend_from_slice(
                    format!("<p>{w} {} {w}</p>\r\n", r[(k + 1) % r.len()]).as_bytes(),
                );
                k += 1;
            }
            m.extend_from_slice(b"</body></html>\r\n");
        }
        pool.push(m);
    }
    pool
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[test]
#[ignore = "benchmark; run in release mode with --ignored --nocapture"]
fn bench_pipeline() {
    let pool = synthetic_pool();
    let pool_bytes: usize = pool.iter().map(Vec::len).sum();
    let target = 200usize << 20;
    let modes: Vec<(&str, Compression, usize)> = vec![
        ("store, 2 workers", Compression::Store, 2),
        ("deflate 1, 1 worker", Compression::Deflate(1), 1),
        ("deflate 1, 2 workers", Compression::Deflate(1), 2),
        ("deflate 2, 2 workers", Compression::Deflate(2), 2),
        ("deflate 3, 2 workers", Compression::Deflate(3), 2),
        ("deflate 6, 2 workers", Compression::Deflate(6), 2),
    ];
    let only = std::env::var("IKOU_BENCH_MODE").ok();
    let attach: usize = pool
        .iter()
        .filter(|m| m.windows(6).any(|w| w == b"base64"))
        .map(Vec::len)
        .sum();
    println!(
        "pool: {} messages, {:.1} MB ({:.0}% base64 attachments); writing {} MB per run",
        pool.len(),
        pool_bytes as f64 / 1e6,
        100.0 * attach as f64 / pool_bytes as f64,
        target >> 20
    );
    for (label, compression, workers) in modes {
        if only.as_deref().is_some_and(|o| !label.starts_with(o)) {
            continue;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bench.zip");
        let mut o = opts();
        (o.compression, o.workers) = (compression, workers);
        if let Some(n) = std::env::var("IKOU_BENCH_INFLIGHT")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            o.max_in_flight = n;
        }
        let start = Instant::now();
        let (mut up, _) = ArchiveUpdate::open(&path, o).expect("open");
        up.folder(&folder_info("INBOX", 1)).expect("folder");
        let (mut written, mut uid) = (0usize, 0u32);
        while written < target {
            let m = &pool[uid as usize % pool.len()];
            uid += 1;
            written += m.len();
            up.add("INBOX", MessageKey::Uid(uid), &msg_info(uid), m.clone())
                .expect("add");
        }
        up.commit().expect("commit");
        let secs = start.elapsed().as_secs_f64();
        let size = std::fs::metadata(&path).expect("meta").len();
        let vstart = Instant::now();
        let report = verify_archive(&path).expect("verify");
        assert!(report.is_ok());
        println!(
            "{label:<22} {uid:>6} msgs  {:>7.1} MB/s  archive {:>5.1}% of input  verify {:>6.1} MB/s  peak RSS so far {:.0} MB",
            written as f64 / 1e6 / secs,
            100.0 * size as f64 / written as f64,
            written as f64 / 1e6 / vstart.elapsed().as_secs_f64(),
            peak_rss_mb()
        );
    }
}

fn run_child(name: &str, env: &[(&str, &std::ffi::OsStr)]) -> String {
    super::testutil::run_test_child(name, env, std::time::Duration::from_secs(600))
}

/// Peak memory of opening a backup whose run was interrupted after many small messages
/// (`IKOU_BENCH_RESUME_N`, default 100,000): a new backup (its `.partial`) and an in-place
/// append to a committed one. Each step is its own process, so each peak is that step's.
/// `cargo test --lib archive::bench::bench_resume_open -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark; run with --ignored --nocapture"]
fn bench_resume_open() {
    const NAME: &str = "archive::bench::bench_resume_open";
    let folder = "INBOX";
    if let Some(path) = std::env::var_os("IKOU_BENCH_RESUME_OPEN") {
        let start = Instant::now();
        let (up, prior) = ArchiveUpdate::open(std::path::Path::new(&path), opts()).expect("open");
        let secs = start.elapsed().as_secs_f64();
        println!(
            "RESULT held {} recovered {} open {secs:.2} s peak RSS {:.1} MiB",
            prior.map_or(0, |p| p.len()),
            up.recovered_messages(),
            peak_rss_mb()
        );
        return;
    }
    if let Some(path) = std::env::var_os("IKOU_BENCH_RESUME_WRITE") {
        let path = std::path::Path::new(&path);
        let n: u32 = std::env::var("IKOU_BENCH_RESUME_N")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        let first = if std::env::var_os("IKOU_BENCH_RESUME_IN_PLACE").is_some() {
            let (mut up, _) = ArchiveUpdate::open(path, opts()).expect("open");
            up.folder(&folder_info(folder, 1)).expect("folder");
            for uid in 1..=10 {
                let m = super::testutil::mail(u64::from(uid), 2);
                up.add(folder, MessageKey::Uid(uid), &msg_info(uid), m)
                    .expect("add");
            }
            up.commit().expect("commit");
            11
        } else {
            1
        };
        let (mut up, _) = ArchiveUpdate::open(path, opts()).expect("open");
        up.folder(&folder_info(folder, 1)).expect("folder");
        for uid in first..first + n {
            let m = super::testutil::mail(u64::from(uid), 2);
            up.add(folder, MessageKey::Uid(uid), &msg_info(uid), m)
                .expect("add");
        }
        // Dropped without a commit: the journal and the appended entries stay, as after
        // an interruption, for the next open to resume.
        drop(up);
        return;
    }
    for in_place in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("bench.zip");
        let mut env = vec![("IKOU_BENCH_RESUME_WRITE", path.as_os_str())];
        if in_place {
            env.push(("IKOU_BENCH_RESUME_IN_PLACE", std::ffi::OsStr::new("1")));
        }
        run_child(NAME, &env);
        let journal = std::fs::metadata(dir.path().join("bench.zip.journal"))
            .expect("the interrupted run left its journal")
            .len();
        let out = run_child(NAME, &[("IKOU_BENCH_RESUME_OPEN", path.as_os_str())]);
        let result = out
            .lines()
            .find_map(|l| Some(&l[l.find("RESULT ")? + 7..]))
            .expect("the open step reports");
        println!(
            "{:<28} journal {:>5.1} MB  {result}",
            if in_place {
                "in-place append resumed:"
            } else {
                "new backup resumed:"
            },
            journal as f64 / 1e6
        );
    }
}
