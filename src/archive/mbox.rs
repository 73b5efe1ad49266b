//! # Extracting a backup as Thunderbird-style mbox files
//!
//! One mbox file per folder in Thunderbird's own layout: folder `INBOX/研究室/` becomes the
//! file `INBOX.sbd/研究室` next to the (possibly empty) parent mbox `INBOX`, so copying the
//! tree into a Thunderbird "Local Folders" directory, or ImportExportTools NG's "import
//! mbox file with its structure", reproduces the hierarchy.
//!
//! Format choices: mboxrd quoting (a line matching `^>*From ` gets one more `>`, which
//! makes the transformation reversible), a `From <sender> <asctime UTC>` separator line,
//! and each message keeps its own line endings. Thunderbird reads CRLF and LF mbox files
//! alike (its own files on Windows use CRLF), and keeping the bytes avoids silently
//! rewriting signed messages; the separator line and the blank line that ends each message
//! use the message's line ending. A message that does not end in a line break gets one.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::error::{IoContext, Result};
use super::extract::{ExtractReport, safe_relative};
use super::manifest::MessageRecord;
use super::names::message_time;
use super::reader::{open_zip, read_manifest};
use crate::archive::ArchiveError;

/// Extracts the backup at `zip_path` into `dir` as mbox files (see the module docs).
pub fn extract_mbox(zip_path: &Path, dir: &Path) -> Result<ExtractReport> {
    let mut zip = open_zip(zip_path)?;
    let manifest = read_manifest(&mut zip, zip_path)?;
    // Group by the directory the message is stored in: that is its folder's directory.
    let mut groups: BTreeMap<String, Vec<&MessageRecord>> = BTreeMap::new();
    for f in &manifest.folders {
        groups.entry(f.dir.clone()).or_default();
    }
    for m in &manifest.messages {
        let parent = m.entry.rfind('/').map_or("", |i| &m.entry[..=i]);
        groups.entry(parent.to_string()).or_default().push(m);
    }
    let mut plan = Vec::with_capacity(groups.len());
    for (zip_dir, msgs) in groups {
        let components =
            mbox_components(&zip_dir).ok_or_else(|| ArchiveError::UnsafeEntryName {
                path: zip_path.to_path_buf(),
                entry: zip_dir.clone(),
            })?;
        plan.push((components, msgs));
    }

    let mut report = ExtractReport::default();
    fs::create_dir_all(dir).ctx(dir, "create directory")?;
    for (components, msgs) in plan {
        let target = mbox_path(dir, &components, &mut report)?;
        let file = crate::private_file::create(&target).ctx(&target, "create")?;
        report.files += 1;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        for m in msgs {
            let mut bytes = Vec::with_capacity(usize::try_from(m.size).unwrap_or(0).min(1 << 24));
            // Never more than the manifest's size (and one byte to show a difference),
            // whatever the entry inflates to.
            let read = zip
                .by_name(&m.entry)
                .map_err(io::Error::other)
                .and_then(|e| e.take(m.size.saturating_add(1)).read_to_end(&mut bytes));
            if let Err(e) = read {
                tracing::warn!(
                    "{}: entry {:?} unreadable: {e}",
                    zip_path.display(),
                    m.entry
                );
                report.unreadable.push(m.entry.clone());
                continue;
            }
            if hex::encode(Sha256::digest(&bytes)) != m.sha256 {
                report.mismatches.push(m.entry.clone());
            }
            report.bytes += bytes.len() as u64;
            write_message(
                &mut w,
                &envelope_sender(m.from.as_deref()),
                &asctime(m),
                &bytes,
            )
            .ctx(&target, "write")?;
        }
        w.into_inner()
            .map_err(|e| ArchiveError::io(&target, "write", e.into_error()))?
            .sync_all()
            .ctx(&target, "fsync")?;
    }
    Ok(report)
}

/// Folder path components from a zip directory (`INBOX/研究室/` -> [INBOX, 研究室]); the
/// root (messages without a folder directory) becomes an mbox named `Unfiled`.
fn mbox_components(zip_dir: &str) -> Option<Vec<String>> {
    if zip_dir.is_empty() {
        return Some(vec!["Unfiled".into()]);
    }
    let rel = safe_relative(zip_dir)?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect(),
    )
}

/// `dir/A.sbd/B.sbd/C` for [A, B, C]; creates the `.sbd` directories and an empty mbox
/// for each parent that has none, because Thunderbird expects the pair.
fn mbox_path(dir: &Path, components: &[String], report: &mut ExtractReport) -> Result<PathBuf> {
    let mut base = dir.to_path_buf();
    for (i, c) in components.iter().enumerate() {
        if i + 1 == components.len() {
            return Ok(base.join(c));
        }
        let parent_mbox = base.join(c);
        if !parent_mbox.exists() {
            crate::private_file::create(&parent_mbox).ctx(&parent_mbox, "create")?;
            report.files += 1;
        }
        base = base.join(format!("{c}.sbd"));
        if !base.is_dir() {
            fs::create_dir_all(&base).ctx(&base, "create directory")?;
            report.dirs += 1;
        }
    }
    Ok(base.join("Unfiled"))
}

/// The address for the `From ` line: the part in `<...>`, else a word with `@`, without
/// spaces (a space would end the field); `MAILER-DAEMON` as mbox tools do when unknown.
pub(crate) fn envelope_sender(from: Option<&str>) -> String {
    let from = from.unwrap_or("");
    let candidate = match (from.rfind('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from
            .split_whitespace()
            .find(|w| w.contains('@'))
            .unwrap_or(""),
    };
    let clean: String = candidate
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '"' | ',' | '<' | '>'))
        .collect();
    if clean.is_empty() {
        "MAILER-DAEMON".into()
    } else {
        clean
    }
}

/// asctime of INTERNALDATE (else the Date header) in UTC, e.g. `Tue Mar  5 07:08:09 2024`.
fn asctime(m: &MessageRecord) -> String {
    let t = message_time(m.internal_date.as_deref(), m.date.as_deref())
        .map_or(chrono::DateTime::UNIX_EPOCH, |t| t.to_utc());
    t.format("%a %b %e %H:%M:%S %Y").to_string()
}

/// Lines that a reader would take for a separator, with any number of `>` in front.
fn needs_quote(line: &[u8]) -> bool {
    let start = line.iter().position(|&b| b != b'>').unwrap_or(line.len());
    line[start..].starts_with(b"From ")
}

/// One mboxrd message: separator, quoted content, line break if missing, blank line.
pub(crate) fn write_message(
    w: &mut impl Write,
    sender: &str,
    date: &str,
    msg: &[u8],
) -> io::Result<()> {
    let crlf = msg
        .iter()
        .position(|&b| b == b'\n')
        .is_some_and(|i| i > 0 && msg[i - 1] == b'\r');
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    write!(w, "From {sender} {date}")?;
    w.write_all(eol)?;
    for line in msg.split_inclusive(|&b| b == b'\n') {
        if needs_quote(line) {
            w.write_all(b">")?;
        }
        w.write_all(line)?;
    }
    if !msg.is_empty() && !msg.ends_with(b"\n") {
        w.write_all(eol)?;
    }
    w.write_all(eol)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::update::tests::{corpus, opts, write_backup};

    /// A strict mboxrd reader: splits on `From ` lines, drops each message's final blank
    /// line, and removes one `>` from quoted `From ` lines.
    fn parse_mboxrd(data: &[u8]) -> Vec<Vec<u8>> {
        let mut msgs: Vec<Vec<&[u8]>> = Vec::new();
        for line in data.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b"From ") {
                msgs.push(Vec::new());
            } else {
                msgs.last_mut()
                    .expect("an mbox starts with a From line")
                    .push(line);
            }
        }
        msgs.into_iter()
            .map(|mut lines| {
                let last = lines.pop().expect("every message ends with a blank line");
                assert!(
                    last == b"\n" || last == b"\r\n",
                    "separator blank line, got {last:?}"
                );
                let mut out = Vec::new();
                for l in lines {
                    out.extend_from_slice(if l.starts_with(b">") && needs_quote(l) {
                        &l[1..]
                    } else {
                        l
                    });
                }
                out
            })
            .collect()
    }

    #[test]
    fn mbox_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("b.zip");
        let msgs = corpus();
        write_backup(&path, opts(), &msgs);
        let out = dir.path().join("mbox");
        let report = extract_mbox(&path, &out).expect("extract");
        assert!(report.mismatches.is_empty() && report.unreadable.is_empty());
        assert_eq!(
            fs::metadata(out.join("INBOX")).expect("parent mbox").len(),
            0
        );
        assert!(
            out.join("INBOX.sbd").join("研究室").is_file(),
            "intermediate parent mbox"
        );
        let data =
            fs::read(out.join("INBOX.sbd").join("研究室.sbd").join("学会")).expect("folder mbox");
        let parsed = parse_mboxrd(&data);
        assert_eq!(parsed.len(), msgs.len());
        for ((uid, original), got) in msgs.iter().zip(&parsed) {
            let mut want = original.clone();
            if !want.is_empty() && !want.ends_with(b"\n") {
                // The missing line break is added in the message's own style.
                let crlf = want
                    .iter()
                    .position(|&b| b == b'\n')
                    .is_some_and(|i| i > 0 && want[i - 1] == b'\r');
                want.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            assert!(
                got == &want,
                "message {uid} survives quoting ({} vs {} bytes)",
                got.len(),
                want.len()
            );
        }
        let text = String::from_utf8_lossy(&data);
        assert!(
            text.contains("\r\n>From the desk of"),
            "From_ line in body quoted"
        );
        assert!(
            text.contains("\r\n>>>From deep"),
            "already quoted line gets one more >"
        );
        assert!(
            text.contains("\n>From here\n>>From there\n"),
            "LF message keeps LF"
        );
        // UID 1: INTERNALDATE 2024-02-11 12:34:56 +09:00; its empty body uses LF.
        assert!(
            text.starts_with(
                "From taro1@example.jp Sun Feb 11 03:34:56 2024\n\nFrom taro2@example.jp "
            ),
            "{}",
            &text[..80]
        );
    }

    #[test]
    fn sender_and_separator() {
        assert_eq!(
            envelope_sender(Some("\"Taro, Y\" <taro@example.jp>")),
            "taro@example.jp"
        );
        assert_eq!(
            envelope_sender(Some("taro@example.jp (Taro)")),
            "taro@example.jp"
        );
        assert_eq!(envelope_sender(Some("太郎")), "MAILER-DAEMON");
        assert_eq!(envelope_sender(None), "MAILER-DAEMON");
        let m = MessageRecord {
            internal_date: Some("2024-03-05T16:08:09+09:00".into()),
            ..Default::default()
        };
        assert_eq!(asctime(&m), "Tue Mar  5 07:08:09 2024");
        let mut out = Vec::new();
        write_message(&mut out, "a@b", "Tue Mar  5 07:08:09 2024", b"").expect("write");
        assert_eq!(out, b"From a@b Tue Mar  5 07:08:09 2024\n\n");
    }
}
