//! The same bytes give the same identity and subject whichever source ikou reads them
//! from: the old server live (the server's `BODY.PEEK[HEADER.FIELDS (…)]`), a snapshot, or
//! a backup made by `ikou backup` (ikou's own parse of the stored message). Malformed
//! messages come from a public test corpus: the `mail-parser` crate's own malformed samples,
//! which cargo has already fetched as a dependency.

mod common;

use std::path::PathBuf;

use common::{ikou, path_str};
use ikou_testbed::CorpusMessage;
use serde_json::Value;

/// `resources/eml/malformed/*.eml` of the mail-parser crate in cargo's registry.
fn malformed_samples() -> Vec<(String, Vec<u8>)> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .expect("CARGO_HOME or HOME");
    let registry = home.join("registry/src");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&registry)
        .unwrap_or_else(|e| panic!("{}: {e}", registry.display()))
        .flatten()
        .flat_map(|index| {
            std::fs::read_dir(index.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|crate_dir| crate_dir.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("mail-parser-0.11"))
        })
        .map(|p| p.join("resources/eml/malformed"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let dir = dirs
        .pop()
        .expect("mail-parser 0.11's malformed samples in cargo's registry (cargo fetch)");
    let mut samples: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("samples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read sample"))
        })
        .collect();
    samples.sort();
    // And the shapes the servers' HEADER.FIELDS and ikou's own parse could read apart.
    for (name, raw) in [
        (
            "space-in-name",
            "Sub ject: spaced name\r\nMessage-ID: <sp@x>\r\nFrom: a@x\r\n\r\nbody\r\n",
        ),
        (
            "leading-continuation",
            " folded first line\r\nSubject: after a continuation\r\nFrom: b@x\r\n\r\nbody\r\n",
        ),
        (
            "line-without-colon",
            "From: c@x\r\nthis line has no colon\r\nSubject: after the odd line\r\n\r\nbody\r\n",
        ),
        (
            "two-subjects",
            "Subject: first\r\nFrom: d@x\r\nSubject: second\r\nMessage-ID: <two@x>\r\n\r\nbody\r\n",
        ),
        (
            "folded-subject-8bit",
            "Subject: =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n \u{65e5}\u{672c}\r\nFrom: e@x\r\n\r\nbody\r\n",
        ),
    ] {
        samples.push((name.to_string(), raw.as_bytes().to_vec()));
    }
    assert!(
        samples.len() >= 10,
        "{}: {} samples",
        dir.display(),
        samples.len()
    );
    samples
}

/// CRLF line ends, as IMAP APPEND wants them (bare CR and LF become CRLF).
fn crlf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 20);
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'\r' if raw.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn run_json(args: &[&str]) -> Value {
    let out = ikou(args);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "ikou {args:?} failed ({code}): {}",
        common::stderr(&out)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Findings as comparable rows: kind, folders, identity and subject (ages left out: they
/// count days from now).
fn rows(report: &Value) -> Vec<String> {
    let mut rows: Vec<String> = report["comparison"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Some(map) = f.as_object_mut() {
                map.remove("age_days");
            }
            f.to_string()
        })
        .collect();
    rows.sort();
    rows
}

fn assert_same(what: &str, a: &[String], b: &[String]) {
    let only_a: Vec<&String> = a.iter().filter(|r| !b.contains(r)).collect();
    let only_b: Vec<&String> = b.iter().filter(|r| !a.contains(r)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: live only:\n{}\n{what} only:\n{}",
        only_a
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        only_b
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

#[test]
fn malformed_messages_give_the_same_findings_live_from_a_snapshot_and_from_a_backup() {
    // With subjects that a mail program shows garbled on the new server although ikou's
    // lenient decoder reads them like the old ones: the finding rests on the raw subject.
    let m = common::migration_with(
        41,
        ikou_testbed::scenario::Variant {
            subject_repairs: true,
            ..Default::default()
        },
    );
    let samples = malformed_samples();
    for (i, (_, raw)) in samples.iter().enumerate() {
        let message = CorpusMessage {
            raw: crlf(raw),
            internal_date: 1_700_000_000 + i64::try_from(i).expect("small") * 60,
            flags: Vec::new(),
        };
        m.old
            .append_message(&m.user, "INBOX", &message)
            .expect("append a malformed sample to the old server");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);

    let live = run_json(&["verify", "-p", p, "--json"]);
    let live_rows = rows(&live);
    // The samples are on the old server only: each is a difference, so each identity and
    // subject is in the findings being compared.
    assert!(
        live_rows.len() >= samples.len(),
        "{} findings for {} samples",
        live_rows.len(),
        samples.len()
    );

    let snap = dir.path().join("old.json");
    run_json(&["snapshot", "-p", p, "-o", path_str(&snap), "--json"]);
    let from_snap = run_json(&["verify", "-p", p, "--old-from", path_str(&snap), "--json"]);
    assert_same("snapshot", &live_rows, &rows(&from_snap));

    let zip = dir.path().join("old.zip");
    let out = ikou(&["backup", "-p", p, "-o", path_str(&zip)]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let from_zip = run_json(&["verify", "-p", p, "--old-from", path_str(&zip), "--json"]);
    assert_eq!(from_zip["old"]["kind"], "backup");
    assert_same("backup", &live_rows, &rows(&from_zip));
    let garbled = |r: &Value| {
        r["comparison"]["findings"]
            .as_array()
            .map(|f| f.iter().filter(|f| f["kind"] == "garbled").count())
            .unwrap_or(0)
    };
    assert!(
        garbled(&live) >= m.expected.garbled_subjects.len(),
        "the repaired subjects are found live: {}",
        garbled(&live)
    );
}
