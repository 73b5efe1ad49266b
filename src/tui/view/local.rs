//! # Mail on this PC: Thunderbird's local folders, the upload plan, the upload's gauge
//!
//! The list and the plan are one column of lines in a box that scrolls (the rows are cut
//! to their columns by display width, the sentences wrapped with [`super::wrap`]); what to
//! press next stays under it. [`max_scroll`] gives `update` the same line count the view
//! draws, so scrolling stops at the last page.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::{Theme, bar, clean, fit, short_date, wrap};
use crate::i18n::Lang;
use crate::report::{grouped, human_size};
use crate::service::local::{LocalInventory, Skipped, UploadOutcome, UploadReport};
use crate::tui::app::{App, help_rows};
use crate::tui::local::{Field, LocalBackup, Scan, Upload, UploadProgress};

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

/// The column widths of the folder list: messages, size, deleted (at least their header).
fn list_columns(lang: Lang) -> [(String, usize); 3] {
    let col = |id: &str, min: usize| {
        let title = crate::i18n::message(lang, id, &[]);
        let w = title.width().max(min);
        (title, w)
    };
    [
        col("local-col-messages", 7),
        col("local-col-size", 9),
        col("local-col-deleted", 7),
    ]
}

/// The folder list as lines `width` columns wide.
fn list_lines(app: &App, inv: &LocalInventory, width: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = Theme::of(app);
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
            let values = [
                grouped(f.messages),
                human_size(f.bytes),
                if f.expunged == 0 {
                    String::new()
                } else {
                    grouped(f.expunged)
                },
            ];
            let rest: Vec<(String, usize)> = values.into_iter().zip(widths.clone()).collect();
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
    if inv
        .stores
        .iter()
        .flat_map(|s| &s.folders)
        .any(|f| f.expunged > 0)
    {
        notes.push(Line::styled(tr!(lang, "local-deleted-note"), theme.dim()));
    }
    if !inv.changed.is_empty() {
        notes.push(Line::styled(
            tr!(
                lang,
                "local-changed",
                folders = clean(&inv.changed.join(", "))
            ),
            theme.bad(),
        ));
    }
    lines.extend(wrap(notes, u16::try_from(width).unwrap_or(u16::MAX)));
    lines
}

/// The comparison, the plan (`planning`: what would be uploaded and created) and the
/// oversize list as lines `width` columns wide.
fn plan_lines(
    app: &App,
    report: &UploadReport,
    width: usize,
    planning: bool,
) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = Theme::of(app);
    let w16 = u16::try_from(width).unwrap_or(u16::MAX);
    let mut lines = wrap(
        [Line::raw(tr!(
            lang,
            "local-upload-against",
            server = clean(&report.new_server)
        ))],
        w16,
    );
    let col = |id: &str, min: usize| {
        let title = crate::i18n::message(lang, id, &[]);
        let w = title.width().max(min);
        (title, w)
    };
    let numbers = [
        col("local-col-messages", 6),
        col("local-col-on-new", 6),
        col("local-col-only-here", 6),
        col("local-col-size", 9),
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
    if !report.changed.is_empty() {
        notes.push(Line::styled(
            tr!(
                lang,
                "local-changed",
                folders = clean(&report.changed.join(", "))
            ),
            theme.bad(),
        ));
    }
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
fn done_lines(app: &App, report: &UploadReport, width: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = Theme::of(app);
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
    lines.extend(plan_lines(app, report, width, false));
    lines
}

/// What the box shows, its title, and the sentence under it (what to press next).
fn content(app: &App, width: usize) -> (String, Vec<Line<'static>>, Vec<Line<'static>>) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let state = &app.local;
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
                    list_lines(app, inv, width),
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
                plan_lines(app, report, width, true),
                next,
            )
        }
        Upload::Applying { plan, progress } => (
            tr!(
                lang,
                "local-tui-plan-title",
                server = clean(&plan.new_server)
            ),
            progress_lines(app, progress, width),
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
            done_lines(app, report, width),
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

fn progress_lines(app: &App, p: &UploadProgress, width: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = Theme::of(app);
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

/// The box, the lines under it, and the path line (list only) inside `area`.
struct Areas {
    outer: Rect,
    text: Rect,
    next: Rect,
    path: Rect,
}

/// The backup's state under the list (wrapped to `width`), if any.
fn backup_status(app: &App, width: u16) -> Vec<Line<'static>> {
    let lang = app.lang;
    let theme = Theme::of(app);
    let line = match &app.local.backup {
        LocalBackup::Idle => return Vec::new(),
        LocalBackup::Running => Line::styled(tr!(lang, "local-tui-backing-up"), theme.busy()),
        LocalBackup::Done(report) => Line::styled(
            tr!(
                lang,
                "local-backup-done",
                path = clean(&report.archive.display().to_string()),
                added = report.added,
                already = report.already,
                total = report.messages
            ),
            theme.ok(),
        ),
        LocalBackup::Failed(reason) => Line::styled(
            format!("{} {}", tr!(lang, "local-tui-backup-failed"), clean(reason)),
            theme.bad(),
        ),
    };
    let mut lines = wrap([line], width.saturating_sub(1));
    lines.truncate(2);
    lines
        .into_iter()
        .map(|l| {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(l.spans);
            Line::from(spans)
        })
        .collect()
}

fn areas(app: &App, area: Rect, next_rows: u16) -> Areas {
    let path_rows = if matches!(app.local.upload, Upload::None) {
        2 + u16::try_from(backup_status(app, area.width).len()).unwrap_or(0)
    } else {
        0
    };
    let [outer, path] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(path_rows)]).areas(area);
    let inner = Block::bordered().inner(outer);
    let [text, next] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(next_rows)]).areas(inner);
    Areas {
        outer,
        text,
        next,
        path,
    }
}

/// The body area of a terminal of `app.size` (what `render` is given).
fn body(app: &App) -> Rect {
    let (w, h) = app.size;
    let help = help_rows(app.key_mode(), app.lang, w);
    Rect::new(0, 1, w, h.saturating_sub(1 + help))
}

fn layout(app: &App, area: Rect) -> (Areas, String, Vec<Line<'static>>, Vec<Line<'static>>) {
    let width = area.width.saturating_sub(2);
    let (title, lines, next) = content(app, usize::from(width));
    let next = wrap(next, width);
    let next_rows = u16::try_from(next.len()).unwrap_or(3).min(4);
    (areas(app, area, next_rows), title, lines, next)
}

/// The last first row the box can show (so a scroll key past the end answers at once).
pub fn max_scroll(app: &App) -> usize {
    let (areas, _, lines, _) = layout(app, body(app));
    lines
        .len()
        .saturating_sub(usize::from(areas.text.height).max(1))
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let (areas, title, lines, next) = layout(app, area);
    let fit_rows = usize::from(areas.text.height).max(1);
    let first = app.local.scroll.min(lines.len().saturating_sub(fit_rows));
    let mut block = Block::bordered().title(format!(" {} ", clean(&title)));
    if let Some(hint) = super::scroll_hint(lang, first, fit_rows, lines.len(), "Up/Dn PgUp/PgDn") {
        block = block.title(hint);
    }
    frame.render_widget(block, areas.outer);
    let shown: Vec<Line> = lines.into_iter().skip(first).take(fit_rows).collect();
    frame.render_widget(Paragraph::new(shown), areas.text);
    frame.render_widget(Paragraph::new(next), areas.next);
    if areas.path.height > 0 {
        let state = &app.local;
        let editing = |field: Field| state.editing && state.field == field;
        let input_line = |label: String,
                          input: &crate::tui::input::Input,
                          empty: Option<String>,
                          field: Field| {
            let value = match empty {
                Some(text) if input.is_empty() && !editing(field) => {
                    Span::styled(text, theme.dim())
                }
                _ => Span::styled(
                    format!("{} ", input.display()),
                    if editing(field) {
                        theme.selected()
                    } else {
                        Style::default()
                    },
                ),
            };
            Line::from(vec![Span::styled(label, theme.key()), value])
        };
        let profile_label = format!(" {}: ", tr!(lang, "local-tui-profile-label"));
        let backup_label = format!(" {}: ", tr!(lang, "local-tui-backup-label"));
        let mut bottom = vec![
            input_line(
                profile_label.clone(),
                &state.path,
                Some(tr!(lang, "local-tui-profile-search")),
                Field::Profile,
            ),
            input_line(
                backup_label.clone(),
                &state.backup_path,
                None,
                Field::Backup,
            ),
        ];
        bottom.extend(backup_status(app, areas.path.width));
        frame.render_widget(Paragraph::new(bottom), areas.path);
        if state.editing {
            let (label, input, row) = match state.field {
                Field::Profile => (&profile_label, &state.path, 0),
                Field::Backup => (&backup_label, &state.backup_path, 1),
            };
            let x = areas
                .path
                .x
                .saturating_add(u16::try_from(label.width() + input.cursor_column()).unwrap_or(0));
            if x < areas.path.right() {
                frame.set_cursor_position(Position::new(x, areas.path.y + row));
            }
        }
    }
}
