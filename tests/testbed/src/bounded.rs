//! Child processes with a deadline: a test that runs `ikou` (or anything else) never waits
//! for it without bound. When the deadline passes, the child is killed and the test fails
//! with everything the child printed, so a hang becomes a readable failure instead of a
//! run that never ends.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long one run of the binary under test may take in the tests, at most. Generous:
/// the machines that run the suite are small and busy; ikou's own network timeouts are
/// far shorter, so reaching this means a hang.
pub const RUN_LIMIT: Duration = Duration::from_secs(300);

/// Waits for `child` until `limit`; kills and reaps it when the limit passes. `Err` carries
/// the time waited.
pub fn wait_within(child: &mut Child, limit: Duration) -> Result<ExitStatus, Duration> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status),
            Ok(None) => {}
            Err(_) => break,
        }
        if start.elapsed() >= limit {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    Err(start.elapsed())
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut all = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut all);
        }
        all
    })
}

/// Like [`Command::output`] (stdin is closed unless the command set it), but the child is
/// killed after `limit`, and then this panics with the command and what it printed so far.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {:?}: {e}", command.get_program()));
    let what = format!(
        "{:?} {:?}",
        command.get_program(),
        command.get_args().collect::<Vec<_>>()
    );
    finish_named(child, limit, &what)
}

/// Waits for a started child until `limit`, collecting what is left of its stdout and
/// stderr pipes (those not already taken); kills it and panics with that output when the
/// limit passes. The bounded form of [`Child::wait_with_output`].
pub fn finish_within(child: Child, limit: Duration) -> Output {
    finish_named(child, limit, "the child")
}

fn finish_named(mut child: Child, limit: Duration, what: &str) -> Output {
    drop(child.stdin.take());
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let waited = wait_within(&mut child, limit);
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    match waited {
        Ok(status) => Output {
            status,
            stdout,
            stderr,
        },
        Err(after) => panic!(
            "{what} did not finish within {after:?} and was killed\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&stdout),
            String::from_utf8_lossy(&stderr)
        ),
    }
}
