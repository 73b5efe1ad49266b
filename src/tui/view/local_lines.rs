//! # Mail on this PC: the lines in the box (folder list, upload plan, gauge, outcome)
//!
//! Rows are cut to their columns by display width, sentences wrapped with [`wrap`].

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::parts::{Theme, bar, clean, fit, short_date};
use super::wrap::wrap;
use crate::i18n::Lang;
use crate::report::{grouped, human_size};
use crate::service::local::{LocalInventory, Skipped, UploadOutcome, UploadReport};
use crate::tui::local::{LocalState, Scan, Upload, UploadProgress};

/// What the screen's lines are made from: its state, the language and the colours.
#[derive(Clone, Copy)]
pub(super) struct Look<'a> {
    pub local: &'a LocalState,
    pub lang: Lang,
    pub theme: Theme,
}

/// `text` right-aligned in `width` columns (cut when longer).
fn right(text: &str, width: usize) -> String {
    let text = fit(text, width);
    let text = text.trim_end();
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

/// One row of fixed columns: (text, width, right-aligned); the first column takes what is
/// left of `width`.
fn row(width: usize, first: &str, rest: &[(String, usize)]) -> String {
    let used: usize = rest.iter().map(|(_, w)| w + 1).sum();
    let mut out = fit(first, width.saturating_sub(used).max(4));
    for (text, w) in rest {
        out.push(' ');
        out.push_str(&right(text, *w));
    }
    out
}

/// A column's header (message `id`) and its width: the header's, at least `min`.
fn column(lang: Lang, id: &str, min: usize) -> (String, usize) {
    let title = crate::i18n::message(lang, id, &[]);
    let width = title.width().max(min);
    (title, width)
}

/// The column widths of the folder list: messages, size, deleted (at least their header).
fn list_columns(lang: Lang) -> [(String, usize); 3] {
    [
        column(lang, "local-col-messages", 7),
        column(lang, "local-col-size", 9),
        column(lang, "local-col-deleted", 7),
    ]
}

/// The warning that folders changed while they were read, if any did.
fn changed_note(look: Look<'_>, changed: &[String]) -> Option<Line<'static>> {
    (!changed.is_empty()).then(|| {
        Line::styled(
            tr!(
                look.lang,
                "local-changed",
                folders = clean(&changed.join(", "))
            ),
            look.theme.bad(),
        )
    })
}

/// The folder list as lines `width` columns wide.
fn list_lines(look: Look<'_>, inv: &LocalInventory, width: usize) -> Vec<Line<'static>> {
    let lang = look.lang;
    let theme = look.theme;
    let mut lines = wrap(
        [Line::raw(tr!(
            lang,
            "local-profile",
            path = clean(&inv.profile.display().to_string())
        ))],
        u16::try_from(width).unwrap_or(u16::MAX),
    );
    if inv.stores.is_empty() {
        lines.extend(wrap(
            [Line::raw(tr!(lang, "local-no-stores"))],
            u16::try_from(width).unwrap_or(u16::MAX),
        ));
        return lines;
    }
    let columns = list_columns(lang);
    lines.push(Line::styled(
        row(width, &tr!(lang, "local-col-folder"), &columns),
        theme.key(),
    ));
    let widths: Vec<usize> = columns.iter().map(|(_, w)| *w).collect();
    for store in &inv.stores {
        lines.push(Line::styled(
            fit(
                &clean(&tr!(
                    lang,
                    "local-store",
                    name = store.name.as_str(),
                    messages = grouped(store.messages),
                    size = human_size(store.bytes)
                )),
                width,
            ),
            theme.busy(),
        ));
        for f in &store.folders {
            let mut name = format!("  {}", clean(&f.name));
            if f.changed_while_read {
                name.push_str(" *");
            }
            let rest: Vec<(String, usize)> = f.cells().into_iter().zip(widths.clone()).collect();
            lines.push(Line::raw(row(width, &name, &rest)));
        }
    }
    let mut notes = vec![
        Line::raw(""),
        Line::styled(
            tr!(
                lang,
                "local-total",
                messages = grouped(inv.messages),
                size = human_size(inv.bytes)
            ),
            theme.ok(),
        ),
    ];
    if inv.has_deleted() {
        notes.push(Line::styled(tr!(lang, "local-deleted-note"), theme.dim()));
    }
    notes.extend(changed_note(look, &inv.changed));
    lines.extend(wrap(notes, u16::try_from(width).unwrap_or(u16::MAX)));
    lines
}

/// The comparison, the plan (`planning`: what would be uploaded and created) and the
/// oversize list as lines `width` columns wide.
fn plan_lines(
    look: Look<'_>,
    report: &UploadReport,
    width: usize,
    planning: bool,
) -> Vec<Line<'static>> {
    let lang = look.lang;
    let theme = look.theme;
    let w16 = u16::try_from(width).unwrap_or(u16::MAX);
    let mut lines = wrap(
        [Line::raw(tr!(
            lang,
            "local-upload-against",
            server = clean(&report.new_server)
        ))],
        w16,
    );
    let numbers = [
        column(lang, "local-col-messages", 6),
        column(lang, "local-col-on-new", 6),
        column(lang, "local-col-only-here", 6),
        column(lang, "local-col-size", 9),
    ];
    let widths: Vec<usize> = numbers.iter().map(|(_, w)| *w).collect();
    let first = format!(
        "{} -> {}",
        tr!(lang, "local-col-folder"),
        tr!(lang, "local-col-new-folder")
    );
    lines.push(Line::styled(row(width, &first, &numbers), theme.key()));
    let mut store: Option<&str> = None;
    for f in &report.folders {
        // Each account once, its folders under it.
        if store != Some(f.store.as_str()) {
            store = Some(&f.store);
            lines.push(Line::styled(fit(&clean(&f.store), width), theme.busy()));
        }
        let name = clean(&format!("  {} -> {}", f.folder, f.new_folder));
        let values = [
            grouped(f.messages),
            grouped(f.on_new),
            grouped(f.only_here),
            human_size(f.only_here_bytes),
        ];
        let rest: Vec<(String, usize)> = values.into_iter().zip(widths.clone()).collect();
        let style = if f.skipped.is_some() {
            theme.dim()
        } else {
            Style::default()
        };
        lines.push(Line::styled(row(width, &name, &rest), style));
        let note = match f.skipped {
            Some(Skipped::NotByDefault) => Some(tr!(lang, "local-tui-skipped-default")),
            Some(Skipped::NotChosen) => Some(tr!(lang, "local-skipped-not-chosen")),
            None if f.new_folder_missing && f.only_here > 0 => Some(tr!(lang, "local-new-folder")),
            None => None,
        };
        if let Some(note) = note {
            lines.extend(wrap(
                [Line::styled(format!("      ({note})"), theme.dim())],
                w16,
            ));
        }
    }
    let mut notes = vec![Line::raw("")];
    if planning && report.plan.is_empty() {
        notes.push(Line::styled(tr!(lang, "local-upload-nothing"), theme.ok()));
    } else if planning {
        notes.push(Line::styled(
            tr!(
                lang,
                "local-upload-plan",
                count = report.plan.len(),
                size = human_size(report.plan_bytes)
            ),
            theme.busy(),
        ));
        for folder in &report.folders_to_create {
            notes.push(Line::raw(tr!(
                lang,
                "local-upload-create",
                folder = clean(folder)
            )));
        }
    }
    notes.extend(changed_note(look, &report.changed));
    if !report.oversize.is_empty() {
        notes.push(Line::styled(
            tr!(
                lang,
                "local-upload-oversize",
                count = report.oversize.len(),
                limit = human_size(report.limit_bytes)
            ),
            theme.bad(),
        ));
    }
    lines.extend(wrap(notes, w16));
    for item in &report.oversize {
        let what = format!(
            "  {}/{}  {}",
            item.store,
            item.folder,
            item.subject.as_deref().unwrap_or("")
        );
        let rest = [
            (short_date(item.date.as_deref()), 10),
            (human_size(item.size), 9),
        ];
        lines.push(Line::raw(row(width, &clean(&what), &rest)));
    }
    lines
}

/// The upload's outcome first, then what it was compared with.
fn done_lines(look: Look<'_>, report: &UploadReport, width: usize) -> Vec<Line<'static>> {
    let lang = look.lang;
    let theme = look.theme;
    let mut head = Vec::new();
    if report.cancelled {
        head.push(Line::styled(
            tr!(lang, "local-tui-cancelled", appended = report.appended),
            theme.bad(),
        ));
    }
    head.push(Line::styled(
        tr!(
            lang,
            "local-upload-done",
            appended = report.appended,
            already = report.already_present,
            failed = report.failed
        ),
        if report.failed > 0 || report.cancelled {
            theme.bad()
        } else {
            theme.ok()
        },
    ));
    for r in report
        .results
        .iter()
        .filter(|r| matches!(r.outcome, UploadOutcome::Failed | UploadOutcome::Gone))
    {
        head.push(Line::styled(
            tr!(
                lang,
                "local-upload-failed-item",
                folder = clean(&format!("{}/{}", r.item.store, r.item.folder)),
                subject = clean(r.item.subject.as_deref().unwrap_or("")),
                error = clean(
                    &r.error
                        .clone()
                        .unwrap_or_else(|| tr!(lang, "local-upload-gone"))
                )
            ),
            theme.bad(),
        ));
    }
    head.push(Line::raw(""));
    let mut lines = wrap(head, u16::try_from(width).unwrap_or(u16::MAX));
    lines.extend(plan_lines(look, report, width, false));
    lines
}

/// What the box shows, its title, and the sentence under it (what to press next).
pub(super) fn content(
    look: Look<'_>,
    width: usize,
) -> (String, Vec<Line<'static>>, Vec<Line<'static>>) {
    let lang = look.lang;
    let theme = look.theme;
    let state = &look.local;
    match &state.upload {
        Upload::None => {
            let title = match &state.scan {
                Scan::Read(inv) => tr!(
                    lang,
                    "local-tui-list-title",
                    messages = grouped(inv.messages),
                    size = human_size(inv.bytes)
                ),
                _ => tr!(lang, "local-tui-title"),
            };
            let (lines, next) = match &state.scan {
                Scan::NotRead | Scan::Reading => (
                    vec![Line::styled(tr!(lang, "local-tui-reading"), theme.busy())],
                    Vec::new(),
                ),
                Scan::Failed(reason) => (
                    wrap(
                        [
                            Line::styled(tr!(lang, "local-tui-read-failed"), theme.bad()),
                            Line::raw(clean(reason)),
                        ],
                        u16::try_from(width).unwrap_or(u16::MAX),
                    ),
                    vec![Line::styled(tr!(lang, "local-tui-path-hint"), theme.dim())],
                ),
                Scan::Read(inv) => (
                    list_lines(look, inv, width),
                    if inv.messages > 0 {
                        vec![Line::styled(
                            tr!(lang, "local-tui-compare-hint"),
                            theme.dim(),
                        )]
                    } else {
                        Vec::new()
                    },
                ),
            };
            (title, lines, next)
        }
        Upload::Planning => (
            tr!(lang, "local-tui-title"),
            vec![Line::styled(tr!(lang, "local-tui-comparing"), theme.busy())],
            Vec::new(),
        ),
        Upload::Plan(report) => {
            let next = if report.plan.is_empty() {
                Vec::new()
            } else {
                vec![Line::styled(
                    tr!(
                        lang,
                        "local-tui-confirm",
                        count = report.plan.len(),
                        size = human_size(report.plan_bytes)
                    ),
                    theme.key(),
                )]
            };
            (
                tr!(
                    lang,
                    "local-tui-plan-title",
                    server = clean(&report.new_server)
                ),
                plan_lines(look, report, width, true),
                next,
            )
        }
        Upload::Applying { plan, progress } => (
            tr!(
                lang,
                "local-tui-plan-title",
                server = clean(&plan.new_server)
            ),
            progress_lines(look, progress, width),
            vec![Line::styled(
                if progress.cancelling {
                    tr!(lang, "local-tui-cancelling")
                } else {
                    tr!(lang, "local-tui-cancel-hint")
                },
                theme.dim(),
            )],
        ),
        Upload::Done(report) => (
            tr!(
                lang,
                "local-tui-plan-title",
                server = clean(&report.new_server)
            ),
            done_lines(look, report, width),
            Vec::new(),
        ),
        Upload::Failed(reason) => (
            tr!(lang, "local-tui-title"),
            wrap(
                [
                    Line::styled(tr!(lang, "local-tui-failed"), theme.bad()),
                    Line::raw(clean(reason)),
                ],
                u16::try_from(width).unwrap_or(u16::MAX),
            ),
            Vec::new(),
        ),
    }
}

fn progress_lines(look: Look<'_>, p: &UploadProgress, width: usize) -> Vec<Line<'static>> {
    let lang = look.lang;
    let theme = look.theme;
    let ratio = if p.bytes == 0 {
        0.0
    } else {
        p.done_bytes as f64 / p.bytes as f64
    };
    let (filled, empty) = bar(ratio, width);
    let mut lines = wrap(
        [Line::styled(
            tr!(
                lang,
                "local-tui-uploading",
                done = grouped(p.done_messages),
                total = grouped(p.messages),
                done_bytes = human_size(p.done_bytes),
                bytes = human_size(p.bytes)
            ),
            theme.busy(),
        )],
        u16::try_from(width).unwrap_or(u16::MAX),
    );
    lines.push(Line::from(vec![
        Span::raw("["),
        Span::styled(filled, theme.ok()),
        Span::raw(format!("{empty}]")),
    ]));
    if let Some(folder) = &p.folder {
        lines.push(Line::raw(fit(&format!("-> {}", clean(folder)), width)));
    }
    lines
}
