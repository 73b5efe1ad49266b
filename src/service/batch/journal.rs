//! # The batch journal: one JSON line per finished account, synced to disk
//!
//! Appended (and `fsync`ed) as each account finishes, so a crash, a power cut or Ctrl-C
//! leaves exactly the accounts that were done. A rerun reads it and skips those accounts
//! (failed ones are tried again); `--again` starts a new journal. A torn last line from a
//! crash is ignored. Lines are [`AccountResult`]s, which never contain a secret.

use std::fs::File;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::BatchError;
use super::report::{AccountResult, Outcome};

pub struct Journal {
    path: PathBuf,
    file: File,
}

fn io(path: &Path, action: &'static str) -> impl Fn(std::io::Error) -> BatchError {
    let path = path.to_path_buf();
    move |e| BatchError::Io {
        path: path.clone(),
        action,
        detail: e.to_string(),
    }
}

impl Journal {
    /// Opens (creating) the journal; returns it and the accounts finished in earlier runs
    /// (the latest line per address wins). `again` empties it first.
    pub fn open(path: &Path, again: bool) -> Result<(Journal, Vec<AccountResult>), BatchError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir, "create the directory"))?;
        }
        let mut done: Vec<AccountResult> = Vec::new();
        if !again && path.exists() {
            let text = std::fs::read_to_string(path).map_err(io(path, "read the journal"))?;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match serde_json::from_str::<AccountResult>(line) {
                    Ok(result) => {
                        done.retain(|d| !d.address.eq_ignore_ascii_case(&result.address));
                        done.push(result);
                    }
                    Err(e) => {
                        tracing::warn!(journal = %path.display(), "skipping a torn journal line: {e}")
                    }
                }
            }
        }
        // Failed accounts are tried again, so only finished ones count as done.
        done.retain(|d| d.outcome != Outcome::Failed);
        let file =
            crate::private_file::append(path, again).map_err(io(path, "open the journal"))?;
        let mut journal = Journal {
            path: path.to_path_buf(),
            file,
        };
        // A torn last line would glue onto the next record: start on a fresh line.
        if !again
            && std::fs::read(path)
                .map(|b| !b.is_empty() && !b.ends_with(b"\n"))
                .unwrap_or(false)
        {
            journal
                .file
                .write_all(b"\n")
                .map_err(io(path, "write the journal"))?;
        }
        Ok((journal, done))
    }

    /// Appends one finished account and waits until it is on disk.
    pub fn append(&mut self, result: &AccountResult) -> Result<(), BatchError> {
        let mut line = serde_json::to_vec(result).map_err(|e| BatchError::Io {
            path: self.path.clone(),
            action: "encode a journal line",
            detail: e.to_string(),
        })?;
        line.push(b'\n');
        self.file
            .write_all(&line)
            .map_err(io(&self.path, "write the journal"))?;
        self.file
            .sync_data()
            .map_err(io(&self.path, "sync the journal"))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(address: &str, outcome: Outcome) -> AccountResult {
        AccountResult {
            address: address.into(),
            outcome,
            verdict: "v".into(),
            counts: None,
            error: None,
            finished: "2026-12-05T00:00:00Z".into(),
            seconds: 0.5,
            attempts: 1,
            file: None,
            earlier_run: false,
            restore: None,
        }
    }

    #[test]
    fn resume_skips_done_retries_failed_and_survives_a_torn_line() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("j/verify.jsonl");
        let (mut j, done) = Journal::open(&path, false).expect("open");
        assert!(done.is_empty());
        j.append(&result("a@x.jp", Outcome::Ok)).expect("append");
        j.append(&result("b@x.jp", Outcome::Failed))
            .expect("append");
        j.append(&result("c@x.jp", Outcome::Differences))
            .expect("append");
        drop(j);
        // A crash in the middle of a write.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(b"{\"address\":\"d@x").expect("torn");
        drop(f);
        let (mut j, done) = Journal::open(&path, false).expect("reopen");
        let names: Vec<&str> = done.iter().map(|d| d.address.as_str()).collect();
        assert_eq!(names, ["a@x.jp", "c@x.jp"]);
        // b failed before; now it is done and counts as such on the next run.
        j.append(&result("b@x.jp", Outcome::Ok)).expect("append");
        drop(j);
        let (_, done) = Journal::open(&path, false).expect("reopen");
        assert_eq!(done.len(), 3);
        let (_, done) = Journal::open(&path, true).expect("again");
        assert!(done.is_empty());
        assert_eq!(
            std::fs::read(&path).expect("read").len(),
            0,
            "--again empties it"
        );
    }
}
