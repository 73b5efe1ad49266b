//! # The `ikou-testbed` binary
//!
//! Scripts and the demo drive the test bed through its binary, so check that it publishes a
//! usable state file and shuts Dovecot down on EOF and on SIGTERM.

use std::io::Write as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn wait_for_file(path: &Path, child: &mut Child) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return serde_json::from_str(&text).expect("state file is JSON");
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("ikou-testbed exited early: {status}");
        }
        assert!(Instant::now() < deadline, "no state file after 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        assert!(Instant::now() < deadline, "ikou-testbed did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn up_publishes_state_and_stops_on_stdin_eof() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ikou-testbed"))
        .args(["up", "--layout", "exchange", "--state"])
        .arg(&state)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let v = wait_for_file(&state, &mut child);
    assert_eq!(v["user"], "taro");
    assert_eq!(v["password"], "taro-pass");
    assert_eq!(v["layout"], "exchange-like");
    assert_eq!(v["separator"], "/");
    let port = v["imap_port"].as_u64().expect("port") as u16;
    let mut imap = ikou_testbed::wire::Imap::connect("127.0.0.1", port).expect("connect");
    imap.login("taro", "taro-pass").expect("login");
    imap.logout();
    assert!(Path::new(v["ca_file"].as_str().expect("ca")).is_file());
    let run_dir = v["dir"].as_str().expect("dir").to_string();

    drop(child.stdin.take());
    assert!(wait_exit(&mut child).success());
    assert!(!state.exists(), "state file removed on exit");
    assert!(!Path::new(&run_dir).exists(), "run dir removed on exit");
    assert!(
        ikou_testbed::wire::Imap::connect("127.0.0.1", port).is_err(),
        "server stopped"
    );
}

#[test]
fn demo_runs_detached_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("demo.json");
    // As `cmd &` in a script: stdin is /dev/null, which must not stop it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_ikou-testbed"))
        .args(["demo", "--state"])
        .arg(&state)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let v = wait_for_file(&state, &mut child);
    assert_eq!(v["old"]["layout"], "legacy");
    assert_eq!(v["new"]["layout"], "exchange-like");
    assert_eq!(
        v["expected"]["missing_on_new"].as_array().map(Vec::len),
        Some(3)
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().expect("try_wait").is_none(),
        "demo must keep running with stdin at /dev/null"
    );
    let port = v["old"]["imap_port"].as_u64().expect("port") as u16;
    let out = Command::new("kill")
        .args(["-s", "TERM", &child.id().to_string()])
        .output()
        .expect("kill");
    assert!(out.status.success());
    assert!(wait_exit(&mut child).success());
    assert!(!state.exists());
    assert!(
        ikou_testbed::wire::Imap::connect("127.0.0.1", port).is_err(),
        "server stopped"
    );
    let _ = std::io::stderr().flush();
}
