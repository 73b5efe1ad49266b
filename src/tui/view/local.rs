//! # Mail on this PC: Thunderbird's local folders, the upload plan, the upload's gauge
//!
//! The list and the plan are one column of lines (`local_lines.rs`) in a box that scrolls;
//! what to press next stays under it, and under the list the two paths typed on the screen.
//! [`max_scroll`] gives `update` the same line count the view draws, so scrolling stops at
//! the last page.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::local_lines::{Look, content};
use super::parts::{Theme, bar, clean, fit, scroll_hint};
use super::wrap::wrap;
use crate::i18n::Lang;
use crate::report::{grouped, human_size};
use crate::tui::input::Input;
use crate::tui::local::{Field, LocalBackup, LocalState, Upload};

/// The box, the lines under it, and the path line (list only) inside `area`.
struct Areas {
    outer: Rect,
    text: Rect,
    next: Rect,
    path: Rect,
}

/// The backup's state under the list (wrapped to `width`), if any: while it runs, how far it
/// is, a gauge and how to stop it; then its result.
fn backup_status(look: Look<'_>, width: u16) -> Vec<Line<'static>> {
    let lang = look.lang;
    let theme = look.theme;
    let inner = usize::from(width.saturating_sub(1));
    let (lines, max) = match &look.local.backup {
        LocalBackup::Idle => return Vec::new(),
        LocalBackup::Running(p) => {
            let text = tr!(
                lang,
                "local-tui-backing-up",
                done = grouped(p.done_messages),
                total = grouped(p.messages),
                done_bytes = human_size(p.done_bytes),
                bytes = human_size(p.bytes)
            );
            let (filled, empty) = bar(p.ratio(), inner);
            let hint = if p.cancelling {
                tr!(lang, "local-tui-backup-stopping")
            } else {
                tr!(lang, "local-tui-backup-stop-hint")
            };
            let status = Line::styled(fit(&text, inner), theme.busy());
            let gauge = Line::from(vec![
                Span::raw("["),
                Span::styled(filled, theme.ok()),
                Span::raw(format!("{empty}]")),
            ]);
            let hint = Line::styled(fit(&hint, inner), theme.dim());
            (vec![status, gauge, hint], 3)
        }
        LocalBackup::Done(report) => {
            let path = clean(&report.archive.display().to_string());
            let text = if report.cancelled {
                tr!(
                    lang,
                    "local-tui-backup-stopped",
                    path = path,
                    added = report.added,
                    total = report.messages
                )
            } else {
                tr!(
                    lang,
                    "local-backup-done",
                    path = path,
                    added = report.added,
                    already = report.already,
                    total = report.messages
                )
            };
            let line = Line::styled(text, theme.ok());
            (wrap([line], width.saturating_sub(1)), 2)
        }
        LocalBackup::Failed(reason) => {
            let line = Line::styled(
                format!("{} {}", tr!(lang, "local-tui-backup-failed"), clean(reason)),
                theme.bad(),
            );
            (wrap([line], width.saturating_sub(1)), 2)
        }
    };
    lines
        .into_iter()
        .take(max)
        .map(|l| {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(l.spans);
            Line::from(spans)
        })
        .collect()
}

fn areas(look: Look<'_>, area: Rect, next_rows: u16) -> Areas {
    let path_rows = if matches!(look.local.upload, Upload::None) {
        2 + u16::try_from(backup_status(look, area.width).len()).unwrap_or(0)
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

/// The body area of a terminal of `size` with `help` rows of help (what `render` is given).
fn body(size: (u16, u16), help: u16) -> Rect {
    let (w, h) = size;
    Rect::new(0, 1, w, h.saturating_sub(1 + help))
}

fn layout(look: Look<'_>, area: Rect) -> (Areas, String, Vec<Line<'static>>, Vec<Line<'static>>) {
    let width = area.width.saturating_sub(2);
    let (title, lines, next) = content(look, usize::from(width));
    let next = wrap(next, width);
    let next_rows = u16::try_from(next.len()).unwrap_or(3).min(4);
    (areas(look, area, next_rows), title, lines, next)
}

/// The last first row the box can show on a terminal of `size` with `help` rows of help
/// (so a scroll key past the end answers at once).
pub fn max_scroll(local: &LocalState, lang: Lang, size: (u16, u16), help: u16) -> usize {
    let look = Look {
        local,
        lang,
        theme: Theme::new(false),
    };
    let (areas, _, lines, _) = layout(look, body(size, help));
    lines
        .len()
        .saturating_sub(usize::from(areas.text.height).max(1))
}

pub(super) fn render(look: Look<'_>, frame: &mut Frame, area: Rect) {
    let lang = look.lang;
    let theme = look.theme;
    let (areas, title, lines, next) = layout(look, area);
    let fit_rows = usize::from(areas.text.height).max(1);
    let first = look.local.scroll.min(lines.len().saturating_sub(fit_rows));
    let mut block = Block::bordered().title(format!(" {} ", clean(&title)));
    if let Some(hint) = scroll_hint(lang, first, fit_rows, lines.len(), "Up/Dn PgUp/PgDn") {
        block = block.title(hint);
    }
    frame.render_widget(block, areas.outer);
    let shown: Vec<Line> = lines.into_iter().skip(first).take(fit_rows).collect();
    frame.render_widget(Paragraph::new(shown), areas.text);
    frame.render_widget(Paragraph::new(next), areas.next);
    if areas.path.height > 0 {
        let state = &look.local;
        let editing = |field: Field| state.editing && state.field == field;
        let input_line = |label: String, input: &Input, empty: Option<String>, field: Field| {
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
        bottom.extend(backup_status(look, areas.path.width));
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
