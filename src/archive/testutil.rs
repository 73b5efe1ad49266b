//! # Test helpers
//!
//! Runs the real Info-ZIP `unzip` against written archives and builds synthetic mail, so
//! tests check the files other tools will see rather than only our own reader.

use std::path::Path;
use std::process::Command;

/// Runs `unzip` with `args` on `path`; panics loudly when the binary is missing, because a
/// silently skipped compatibility check is worse than a failing test.
pub(crate) fn run_unzip(args: &[&str], path: &Path) -> std::process::Output {
    Command::new("unzip")
        .args(args)
        .arg(path)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("the `unzip` binary (Info-ZIP) must be installed for archive tests: apt-get install -y unzip")
}

/// `unzip -t` must report no errors.
pub(crate) fn assert_unzip_ok(path: &Path) {
    let out = run_unzip(&["-t"], path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("No errors detected"),
        "unzip -t failed on {}:\n{stdout}\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Entry names as `unzip -Z1` lists them (must be valid UTF-8).
pub(crate) fn unzip_names(path: &Path) -> Vec<String> {
    let out = run_unzip(&["-Z1"], path);
    assert!(
        out.status.success(),
        "unzip -Z1 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("unzip lists UTF-8 names")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
pub(crate) fn pseudo_random(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A mail-like message: CRLF headers, 8-bit Japanese text, a NUL, a `From ` body line.
pub(crate) fn mail(seed: u64, body_lines: usize) -> Vec<u8> {
    let mut m = format!("From: 太郎 <taro{seed}@example.jp>\r\nSubject: テスト {seed}\r\nMessage-ID: <{seed}@example.jp>\r\n\r\n").into_bytes();
    for i in 0..body_lines {
        m.extend_from_slice(
            format!("行 {i} of message {seed}: 研究室の会議は火曜日です。\r\n").as_bytes(),
        );
        if i % 7 == 3 {
            m.extend_from_slice(b"From the desk of >From quoting\r\n>>From deep\r\n");
        }
    }
    m.extend_from_slice(b"NUL:\0 8-bit: \xff\xfe\r\n");
    m
}

/// Runs this test binary's (ignored) test `name` as a child process with `env`; kills it
/// and fails if it takes longer than `deadline`, fails if it fails; returns its stdout.
/// Its output is read by threads, so a chatty child cannot block on a full pipe.
pub(crate) fn run_test_child(
    name: &str,
    env: &[(&str, &std::ffi::OsStr)],
    deadline: std::time::Duration,
) -> String {
    use std::io::Read;
    use std::process::Stdio;
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args([
        name,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn child");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll child") {
            break status;
        }
        if start.elapsed() > deadline {
            child.kill().expect("kill");
            child.wait().expect("reap");
            panic!("{name} did not finish within {deadline:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    assert!(status.success(), "{name} failed:\n{stdout}\n{stderr}");
    stdout
}
