//! Shared by the sign-in tests: the Authlib authorization server (tests/oauth/idp.py), the
//! real `ikou` binary run with its own token cache, and `ikou login` played as a person.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::USER;

pub const PYTHON: &str = "/usr/bin/python3";
pub const CLIENT_ID: &str = "ikou-test-client";

/// The Authlib authorization server, killed on drop.
pub struct Idp {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Idp {
    pub fn start(extra: &[&str]) -> Idp {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oauth/idp.py");
        let check = Command::new(PYTHON)
            .args(["-c", "import authlib, flask"])
            .output()
            .unwrap_or_else(|e| panic!("{PYTHON} must exist for this test: {e}"));
        assert!(
            check.status.success(),
            "the OAuth tests need Authlib and Flask for {PYTHON} (scripts/test installs python3-authlib python3-flask): {}",
            String::from_utf8_lossy(&check.stderr)
        );
        let dir = tempfile::tempdir().expect("tmp");
        let port_file = dir.path().join("port");
        let child = Command::new(PYTHON)
            .arg(&script)
            .arg(&port_file)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start idp.py");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut idp = Idp {
            child,
            port: 0,
            _dir: dir,
        };
        loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                idp.port = text.trim().parse().expect("port");
                return idp;
            }
            if let Ok(Some(status)) = idp.child.try_wait() {
                panic!("idp.py exited during start-up: {status}");
            }
            assert!(Instant::now() < deadline, "idp.py did not start in 20 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn authority(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A minimal HTTP/1.0 request; returns the body.
    pub fn call(&self, method: &str, path: &str, form: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect idp");
        // Bounded: a stuck authorization server fails the test instead of hanging it.
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("read timeout");
        write!(
            stream,
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .expect("write");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        assert!(head.contains(" 200 "), "{method} {path}: {head}");
        body.to_string()
    }

    pub fn stats(&self) -> serde_json::Value {
        serde_json::from_str(&self.call("GET", "/test/stats", "")).expect("stats json")
    }

    pub fn decide(&self, user_code: &str, decision: &str) {
        self.call(
            "POST",
            "/test/device",
            &format!("user_code={user_code}&decision={decision}&user={USER}"),
        );
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs ikou with its own token cache, no terminal, LANG=C.
pub fn ikou(cache: &Path, args: &[&str]) -> Output {
    ikou_testbed::bounded::output_within(
        &mut command(cache, args),
        ikou_testbed::bounded::RUN_LIMIT,
    )
}

pub fn ikou_env(cache: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = command(cache, args);
    for (k, v) in env {
        c.env(k, v);
    }
    ikou_testbed::bounded::output_within(&mut c, ikou_testbed::bounded::RUN_LIMIT)
}

/// Runs ikou on a pseudo-terminal (util-linux `script`), so it may ask the person; plays
/// the person by approving the code it shows. Terminal output (stdout and stderr) is in
/// `stdout`.
pub fn at_terminal(cache: &Path, args: &[&str], idp: &Idp) -> Output {
    let line = std::iter::once(env!("CARGO_BIN_EXE_ikou"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect::<Vec<_>>()
        .join(" ");
    // Same environment as `command` (cache dir, LANG=C, no given token).
    let c = command(cache, &[]);
    let mut child = Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .envs(
            c.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .env_remove("IKOU_NEW_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs ikou on a terminal");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all.join("\n")
    });
    let mut seen = Vec::new();
    let code = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no user code on the terminal within 30 s: {seen:?}"));
        seen.push(line.clone());
        if let Some(code) = line.split_whitespace().find(|w| is_user_code(w)) {
            break code.to_string();
        }
    };
    idp.decide(&code, "approve");
    let done = ikou_testbed::bounded::finish_within(child, ikou_testbed::bounded::RUN_LIMIT);
    let stdout = reader.join().expect("reader");
    Output {
        status: done.status,
        stdout: stdout.into_bytes(),
        stderr: done.stderr,
    }
}

pub fn command(cache: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ikou"));
    c.args(args)
        .env("IKOU_CACHE_DIR", cache)
        .env("LANG", "C")
        .env_remove("IKOU_NEW_TOKEN")
        .env_remove("IKOU_PROFILE")
        .env_remove("IKOU_LOG")
        .env("NO_PROXY", "127.0.0.1")
        .stdin(Stdio::null());
    c
}

/// `ikou login`, acting as the person: read the code from stderr, then approve or deny it
/// at the IdP. Returns the finished output (stderr includes everything printed).
pub fn login(cache: &Path, profile: &Path, idp: &Idp, decision: Option<&str>) -> Output {
    login_after_polls(cache, profile, idp, decision, 0)
}

/// Like [`login`], but the person takes their time: the decision comes only after ikou
/// has polled `polls` times (so the IdP's pending / slow_down answers are exercised).
pub fn login_after_polls(
    cache: &Path,
    profile: &Path,
    idp: &Idp,
    decision: Option<&str>,
    polls: u64,
) -> Output {
    let mut child = command(cache, &["login", "-p", profile.to_str().expect("utf-8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ikou login");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(line.clone());
            all.push(line);
        }
        all.join("\n")
    });
    let mut seen = Vec::new();
    let code = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no user code on stderr within 30 s: {seen:?}"));
        seen.push(line.clone());
        if let Some(code) = line.split_whitespace().find(|w| is_user_code(w)) {
            break code.to_string();
        }
    };
    assert!(
        seen.iter()
            .any(|l| l.contains(&format!("{}/test/device", idp.authority()))),
        "the verification URL is shown: {seen:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while idp.stats()["device_poll"].as_u64().unwrap_or(0) < polls {
        assert!(Instant::now() < deadline, "ikou did not poll {polls} times");
        std::thread::sleep(Duration::from_millis(100));
    }
    if let Some(decision) = decision {
        idp.decide(&code, decision);
    }
    let done = ikou_testbed::bounded::finish_within(child, ikou_testbed::bounded::RUN_LIMIT);
    let stderr = reader.join().expect("reader");
    Output {
        status: done.status,
        stdout: done.stdout,
        stderr: stderr.into_bytes(),
    }
}

/// Authlib's user codes: two groups of four consonants, e.g. BCDF-GHJK.
pub fn is_user_code(word: &str) -> bool {
    let bytes = word.as_bytes();
    bytes.len() == 9
        && bytes[4] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_uppercase())
}

pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

pub fn token_files(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("tokens");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files
}

/// The cached (access, refresh) tokens, for checking they never appear in any output.
pub fn cached_tokens(cache: &Path) -> (String, String) {
    let files = token_files(cache);
    assert_eq!(files.len(), 1, "one token file: {files:?}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).expect("read")).expect("json");
    (
        v["access_token"].as_str().expect("access").to_string(),
        v["refresh_token"].as_str().expect("refresh").to_string(),
    )
}

pub fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
