//! # The text report of `ikou verify`, laid out for the terminal's width
//!
//! Verdict, sources, the folder mapping, counts per folder, then one block per finding:
//! problems first, notes after. Tables are used only where they fit the width; otherwise
//! each row becomes a short block. Every line fits `width` display columns (a Japanese
//! character takes two); dates are in the reader's language and local time zone.

use unicode_width::UnicodeWidthStr;

use crate::compare::result::{Finding, FindingKind, FolderStatus, Severity};
use crate::i18n::Lang;
use crate::report::wrap::{fit, wrap};
use crate::report::{Align, Table, grouped, header_date, local_time};
use crate::service::verify::VerifyReport;

/// The whole report, no line wider than `width` columns.
pub fn verify_text(report: &VerifyReport, lang: Lang, width: usize) -> String {
    let width = width.max(40);
    let mut out = Vec::<String>::new();
    out.extend(wrap(&report.verdict_text, width, "", "  "));
    out.extend(wrap(
        &tr!(
            lang,
            "helpdesk-state-code-line",
            code = report.state_code.as_str()
        ),
        width,
        "",
        "  ",
    ));
    out.push(String::new());
    out.extend(wrap(
        &tr!(lang, "verify-text-old", source = source(report, lang)),
        width,
        "",
        "    ",
    ));
    out.extend(wrap(
        &tr!(lang, "verify-text-new", server = report.new_server.as_str()),
        width,
        "",
        "    ",
    ));
    out.push(String::new());
    out.push(tr!(lang, "verify-text-mapping-title"));
    out.extend(mapping(report, lang, width));
    out.push(String::new());
    out.push(tr!(lang, "verify-text-counts-title"));
    out.extend(counts(report, lang, width));

    let findings = &report.comparison.findings;
    for (severity, title) in [
        (Severity::Problem, "verify-text-problems"),
        (Severity::Note, "verify-text-notes"),
    ] {
        let chosen: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        if chosen.is_empty() {
            continue;
        }
        out.push(String::new());
        let count = chosen.len();
        out.push(match title {
            "verify-text-problems" => tr!(lang, "verify-text-problems", count = count),
            _ => tr!(lang, "verify-text-notes", count = count),
        });
        for finding in chosen {
            out.extend(block(finding, lang, width));
        }
    }
    if report.summary.sent_missing > 0 {
        out.push(String::new());
        out.extend(wrap(
            &tr!(
                lang,
                "verify-text-sent-missing",
                count = report.summary.sent_missing
            ),
            width,
            "",
            "",
        ));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn source(report: &VerifyReport, lang: Lang) -> String {
    let old = &report.old;
    let file = old.file.clone().unwrap_or_else(|| "-".into());
    let taken = old
        .taken
        .as_deref()
        .map(|t| local_time(t, lang).unwrap_or_else(|| t.to_string()))
        .unwrap_or_else(|| "-".into());
    let server = old.server.as_str();
    match old.kind {
        "snapshot" => tr!(
            lang,
            "verify-text-source-snapshot",
            file = file,
            server = server,
            taken = taken
        ),
        "backup" => tr!(
            lang,
            "verify-text-source-backup",
            file = file,
            server = server,
            taken = taken
        ),
        _ => server.to_string(),
    }
}

/// The table when it fits, else one line per folder pair with its reason below.
fn mapping(report: &VerifyReport, lang: Lang, width: usize) -> Vec<String> {
    let mut rows: Vec<[String; 3]> = report
        .mapping
        .iter()
        .map(|line| {
            let new = if line.new_exists {
                line.new.clone()
            } else {
                tr!(lang, "verify-text-not-there", folder = line.new.as_str())
            };
            let reason = match &line.evidence_text {
                Some(evidence) => tr!(
                    lang,
                    "verify-map-reason-evidence",
                    reason = line.reason_text.as_str(),
                    evidence = evidence.as_str()
                ),
                None => line.reason_text.clone(),
            };
            [line.old.clone(), new, reason]
        })
        .collect();
    for name in &report.summary.unmapped_old {
        if report.mapping.iter().any(|l| l.old == *name) {
            continue;
        }
        rows.push([
            name.clone(),
            "-".into(),
            tr!(lang, "verify-text-not-mapped"),
        ]);
    }
    let mut table = Table::new(&[
        (&tr!(lang, "verify-text-col-old-folder"), Align::Left),
        (&tr!(lang, "verify-text-col-new-folder"), Align::Left),
        (&tr!(lang, "verify-text-col-reason"), Align::Left),
    ]);
    for row in &rows {
        table.row(row.to_vec());
    }
    if table.width() <= width {
        return table.render().lines().map(str::to_string).collect();
    }
    let mut out = Vec::new();
    for [old, new, reason] in rows {
        out.extend(wrap(&format!("{old} → {new}"), width, "- ", "    "));
        out.extend(wrap(&reason, width, "    ", "    "));
    }
    out
}

/// The counts table when it fits, else a block per folder group.
fn counts(report: &VerifyReport, lang: Lang, width: usize) -> Vec<String> {
    let status = |s: FolderStatus| match s {
        FolderStatus::Match => tr!(lang, "verify-text-status-ok"),
        FolderStatus::Differs => tr!(lang, "verify-text-status-differs"),
    };
    let mut table = Table::new(&[
        (&tr!(lang, "verify-text-col-new-folder"), Align::Left),
        (&tr!(lang, "verify-text-col-old-folders"), Align::Left),
        (&tr!(lang, "verify-text-col-old"), Align::Right),
        (&tr!(lang, "verify-text-col-new"), Align::Right),
        (&tr!(lang, "verify-text-col-diff"), Align::Right),
        (&tr!(lang, "verify-text-col-status"), Align::Left),
    ]);
    let folders = &report.comparison.folders;
    for f in folders {
        table.row(vec![
            f.new_folder.clone(),
            f.old_folders.join(", "),
            grouped(f.old_count),
            grouped(f.new_count),
            format!("{:+}", f.difference),
            status(f.status),
        ]);
    }
    let t = &report.comparison.totals;
    let total_diff = format!(
        "{:+}",
        i128::from(t.new_messages) - i128::from(t.old_messages)
    );
    table.row(vec![
        tr!(lang, "verify-text-total"),
        String::new(),
        grouped(t.old_messages),
        grouped(t.new_messages),
        total_diff.clone(),
        String::new(),
    ]);
    if table.width() <= width {
        return table.render().lines().map(str::to_string).collect();
    }
    let mut out = Vec::new();
    for f in folders {
        out.extend(wrap(&f.new_folder, width, "- ", "    "));
        let line = tr!(
            lang,
            "verify-text-count-line",
            old = grouped(f.old_count),
            new = grouped(f.new_count),
            diff = format!("{:+}", f.difference),
            status = status(f.status)
        );
        out.extend(wrap(&line, width, "    ", "    "));
        if f.old_folders.len() != 1 || f.old_folders[0] != f.new_folder {
            let from = tr!(
                lang,
                "verify-text-fed-by",
                folders = f.old_folders.join(", ")
            );
            out.extend(wrap(&from, width, "    ", "      "));
        }
    }
    let total = format!(
        "{}: {} → {} ({total_diff})",
        tr!(lang, "verify-text-total"),
        grouped(t.old_messages),
        grouped(t.new_messages)
    );
    out.extend(wrap(&total, width, "", "    "));
    out
}

/// One finding: its kind and folder, then the message (date, who, subject), then what it
/// means. Date, person and subject share a line when they fit.
fn block(finding: &Finding, lang: Lang, width: usize) -> Vec<String> {
    let folder = finding
        .old_folder
        .as_deref()
        .or(finding.new_folder.as_deref())
        .unwrap_or("-");
    let mut out = wrap(
        &format!("{} · {folder}", finding.reason.kind().label(lang)),
        width,
        "- ",
        "    ",
    );
    let indent = "    ";
    if let Some(m) = finding.message.as_ref() {
        let mut parts = Vec::new();
        if let Some(date) = m.date.as_deref() {
            parts.push(tr!(
                lang,
                "verify-text-date",
                date = header_date(date, lang)
            ));
        }
        let sent = finding.reason.kind() == FindingKind::Missing && m.to.is_some();
        match (sent, m.to.as_deref(), m.from.as_deref()) {
            (true, Some(to), _) => parts.push(tr!(lang, "verify-text-to", who = to.trim())),
            (_, _, Some(from)) => parts.push(tr!(lang, "verify-text-from", who = from.trim())),
            _ => {}
        }
        let subject = match m.subject.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => tr!(lang, "verify-text-no-subject"),
        };
        let subject = tr!(lang, "verify-text-subject", subject = subject);
        let one_line = parts.join("  ");
        if !one_line.is_empty() && indent.width() + one_line.width() <= width {
            out.push(format!("{indent}{one_line}"));
        } else {
            for part in parts {
                out.extend(wrap(&part, width, indent, "      "));
            }
        }
        // A subject longer than two lines is cut: the JSON and the CSV keep it whole.
        let room = (width - indent.width()) * 2 - 2;
        out.extend(wrap(&fit(&subject, room), width, indent, "      "));
    }
    out.extend(wrap(&finding.describe(lang), width, indent, "      "));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::result::{MessageRef, Reason};

    fn message() -> MessageRef {
        MessageRef {
            uid: 3,
            size: 100,
            message_id: Some("a@x".into()),
            date: Some("Tue, 24 Jan 2023 10:15:00 +0900".into()),
            from: Some("山田 太郎 <yamada@example-univ.ac.jp>".into()),
            to: None,
            subject: Some("研究室の打ち合わせについて (再送) ".repeat(6)),
            received: None,
            key: "mid:a@x".into(),
        }
    }

    #[test]
    fn a_block_fits_any_width_in_both_languages() {
        let finding = Finding::new(
            Reason::Missing,
            Some("INBOX.送信済みトレイ"),
            Some("送信済みアイテム"),
            Some(message()),
        );
        for lang in [Lang::Ja, Lang::En] {
            for width in [40, 60, 80, 120] {
                let lines = block(&finding, lang, width);
                for line in &lines {
                    assert!(line.width() <= width, "{width}: {line:?}");
                }
                assert!(lines.len() >= 3, "{lines:?}");
            }
        }
        let ja = block(&finding, Lang::Ja, 80).join("\n");
        assert!(ja.contains("新サーバになし"), "{ja}");
        assert!(ja.contains("2023年1月"), "{ja}");
        assert!(!ja.contains("missing"), "{ja}");
    }
}
