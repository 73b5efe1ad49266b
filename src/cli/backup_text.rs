//! # How `ikou backup`, `backup verify` and `backup extract` read for people
//!
//! The text faces of the backup result, the archive check (with the server's counts) and
//! the extraction; `--json` prints the same values serialised.

use std::path::Path;

use serde::Serialize;

use crate::archive::{self, ExtractReport, IntegrityReport};
use crate::i18n::Lang;
use crate::report::{Align, Table, grouped, human_size};
use crate::service::backup::{self, BackupResult, Protocol, server_check};

/// `--json` shape of `backup verify`.
#[derive(Debug, Serialize)]
pub(super) struct VerifyOutput {
    pub(super) ok: bool,
    pub(super) archive: IntegrityReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) server: Option<server_check::ServerCounts>,
}

pub(super) fn backup_text(r: &BackupResult, lang: Lang) -> String {
    let mut table = Table::new(&[
        (&tr!(lang, "backup-folder-2"), Align::Left),
        (&tr!(lang, "backup-server"), Align::Right),
        (&tr!(lang, "backup-added"), Align::Right),
        (&tr!(lang, "backup-already"), Align::Right),
    ]);
    for f in &r.folders {
        table.row(vec![
            f.folder.clone(),
            grouped(f.server_messages),
            grouped(f.added),
            grouped(f.already + f.rekeyed),
        ]);
    }
    let mut s = format!(
        "{} {} ({} {}) -> {}\n\n{}\n",
        tr!(lang, "backup-backup"),
        r.account,
        r.server,
        match r.protocol {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
        },
        r.archive.display(),
        table.render()
    );
    s.push_str(&format!(
        "{}\n",
        tr!(
            lang,
            "backup-summary",
            added = grouped(r.added),
            fetched = human_size(r.bytes_fetched),
            seconds = format!("{:.1}", r.elapsed_ms as f64 / 1000.0),
            messages = grouped(r.messages),
            archive = human_size(r.archive_bytes),
        )
    ));
    if r.rekeyed > 0 {
        s.push_str(&format!(
            "{}\n",
            tr!(lang, "backup-rekeyed", count = r.rekeyed)
        ));
    }
    let vanished: Vec<&backup::FolderOutcome> =
        r.folders.iter().filter(|f| f.vanished > 0).collect();
    if !vanished.is_empty() {
        let list = vanished
            .iter()
            .map(|f| format!("{} ({})", f.folder, grouped(f.vanished)))
            .collect::<Vec<_>>()
            .join(", ");
        let total: u64 = vanished.iter().map(|f| f.vanished).sum();
        s.push_str(&tr!(lang, "backup-vanished", count = total, folders = list));
        s.push('\n');
    }
    if r.reconnects > 0 || r.throttled > 0 {
        s.push_str(&format!(
            "{}\n",
            tr!(
                lang,
                "backup-reconnects",
                reconnects = r.reconnects,
                throttled = r.throttled
            )
        ));
    }
    if !r.oversize.is_empty() {
        s.push_str(&format!(
            "\n{}\n",
            tr!(
                lang,
                "backup-oversize",
                count = r.oversize.len(),
                limit = human_size(r.limit_bytes)
            )
        ));
        let mut t = Table::new(&[
            (&tr!(lang, "backup-folder-2"), Align::Left),
            (&tr!(lang, "backup-size"), Align::Right),
            (&tr!(lang, "backup-date"), Align::Left),
            (&tr!(lang, "backup-subject"), Align::Left),
        ]);
        for o in &r.oversize {
            t.row(vec![
                o.folder.clone(),
                human_size(o.size),
                o.date.clone().unwrap_or_default(),
                crate::report::truncate(o.subject.as_deref().unwrap_or(""), 50),
            ]);
        }
        s.push_str(&t.render());
    }
    s
}

/// One problem of a backup as a sentence in `lang` (the JSON keeps the fields).
fn problem_text(problem: &archive::Problem, lang: Lang) -> String {
    use archive::Problem;
    match problem {
        Problem::MissingEntry { folder, entry } => tr!(
            lang,
            "backup-problem-missing-entry",
            folder = folder.as_str(),
            entry = entry.as_str()
        ),
        Problem::ExtraEntry { entry } => {
            tr!(lang, "backup-problem-extra-entry", entry = entry.as_str())
        }
        Problem::DuplicateReference { entry } => {
            tr!(lang, "backup-problem-listed-twice", entry = entry.as_str())
        }
        Problem::Unreadable {
            folder,
            entry,
            error,
        } => tr!(
            lang,
            "backup-problem-unreadable",
            folder = folder.as_str(),
            entry = entry.as_str(),
            error = error.as_str()
        ),
        Problem::SizeMismatch {
            folder,
            entry,
            expected,
            actual,
        } => tr!(
            lang,
            "backup-problem-size-mismatch",
            folder = folder.as_str(),
            entry = entry.as_str(),
            expected = crate::report::size_text(*expected, lang),
            actual = crate::report::size_text(*actual, lang)
        ),
        Problem::HashMismatch { folder, entry, .. } => tr!(
            lang,
            "backup-problem-hash-mismatch",
            folder = folder.as_str(),
            entry = entry.as_str()
        ),
        Problem::UnsafeEntry { entry, reason } => tr!(
            lang,
            "backup-problem-unsafe-entry",
            entry = entry.as_str(),
            reason = reason.as_str()
        ),
    }
}

pub(super) fn verify_text(v: &VerifyOutput, lang: Lang) -> String {
    let width = crate::report::wrap::terminal_width();
    let r = &v.archive;
    let mut s = format!(
        "{}\n",
        if r.is_ok() {
            tr!(
                lang,
                "backup-check-ok",
                path = r.path.display().to_string(),
                ok = grouped(r.ok),
                messages = grouped(r.messages),
                bytes = human_size(r.bytes),
            )
        } else {
            tr!(
                lang,
                "backup-check-problems",
                path = r.path.display().to_string(),
                ok = grouped(r.ok),
                messages = grouped(r.messages),
                bytes = human_size(r.bytes),
            )
        }
    );
    let mut t = Table::new(&[
        (&tr!(lang, "backup-folder-2"), Align::Left),
        (&tr!(lang, "backup-intact"), Align::Right),
        (&tr!(lang, "backup-manifest"), Align::Right),
        (&tr!(lang, "backup-server"), Align::Right),
        ("", Align::Left),
    ]);
    for f in &r.folders {
        let live = v
            .server
            .as_ref()
            .and_then(|s| s.folders.iter().find(|c| c.folder == f.folder));
        let mark = f.ok != f.messages || live.is_some_and(|c| !c.same);
        t.row(vec![
            f.folder.clone(),
            grouped(f.ok),
            grouped(f.messages),
            live.map(|c| c.server.map(grouped).unwrap_or_else(|| "-".into()))
                .unwrap_or_default(),
            if mark { "<-".into() } else { String::new() },
        ]);
    }
    if let Some(server) = &v.server {
        for c in server.folders.iter().filter(|c| c.archived.is_none()) {
            t.row(vec![
                c.folder.clone(),
                "-".into(),
                "-".into(),
                c.server.map(grouped).unwrap_or_default(),
                if c.same { String::new() } else { "<-".into() },
            ]);
        }
    }
    s.push_str(&t.render());
    for p in r.problems.iter().take(50) {
        s.push_str(
            &crate::report::wrap::wrap(&problem_text(p, lang), width, "  ! ", "    ").join("\n"),
        );
        s.push('\n');
    }
    if r.problems.len() > 50 {
        s.push_str(&tr!(
            lang,
            "backup-problems-more",
            count = r.problems.len() - 50
        ));
        s.push('\n');
    }
    if let Some(server) = &v.server {
        let line = if server.differences == 0 {
            tr!(
                lang,
                "backup-server-counts-match",
                server = server.server.as_str()
            )
        } else {
            tr!(
                lang,
                "backup-server-counts-differ",
                count = server.differences,
                server = server.server.as_str()
            )
        };
        s.push_str(&crate::report::wrap::wrap(&line, width, "", "").join("\n"));
        s.push('\n');
    }
    s
}

pub(super) fn extract_text(r: &ExtractReport, dir: &Path, mbox: bool, lang: Lang) -> String {
    let kind = if mbox { "mbox" } else { ".eml" };
    let mut s = format!(
        "{}\n",
        tr!(
            lang,
            "backup-extracted",
            dir = dir.display().to_string(),
            files = grouped(r.files),
            kind = kind,
            bytes = human_size(r.bytes),
            dirs = grouped(r.dirs),
        )
    );
    for e in r.mismatches.iter().chain(&r.unreadable) {
        s.push_str(&format!("  ! {}: {e}\n", tr!(lang, "backup-damaged")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use archive::Problem;

    #[test]
    fn backup_problems_are_sentences_in_both_languages() {
        let problems = vec![
            Problem::MissingEntry {
                folder: "INBOX.研究室".into(),
                entry: "INBOX.研究室/12.eml".into(),
            },
            Problem::ExtraEntry {
                entry: "stray.eml".into(),
            },
            Problem::DuplicateReference {
                entry: "INBOX/1.eml".into(),
            },
            Problem::Unreadable {
                folder: "INBOX".into(),
                entry: "INBOX/2.eml".into(),
                error: "CRC".into(),
            },
            Problem::SizeMismatch {
                folder: "INBOX".into(),
                entry: "INBOX/3.eml".into(),
                expected: 2048,
                actual: 1024,
            },
            Problem::HashMismatch {
                folder: "INBOX".into(),
                entry: "INBOX/4.eml".into(),
                expected: "aa".into(),
                actual: "bb".into(),
            },
            Problem::UnsafeEntry {
                entry: "../evil".into(),
                reason: "leaves the folder".into(),
            },
        ];
        let out = VerifyOutput {
            ok: false,
            archive: IntegrityReport {
                path: "backup.zip".into(),
                messages: 4,
                ok: 0,
                bytes: 4096,
                folders: Vec::new(),
                problems,
            },
            server: None,
        };
        for lang in [Lang::Ja, Lang::En] {
            let text = verify_text(&out, lang);
            assert!(!text.contains("{\""), "no raw JSON: {text}");
            assert!(!text.contains("hash_mismatch"), "{text}");
            assert_eq!(text.matches("  ! ").count(), 7, "{text}");
            assert!(
                text.contains("INBOX/4.eml") && text.contains("1.0 KiB"),
                "{text}"
            );
        }
        assert!(verify_text(&out, Lang::Ja).contains("保存時と違います"));
        assert!(verify_text(&out, Lang::En).contains("differs from what was saved"));
    }
}
