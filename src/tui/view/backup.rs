//! # Backup: folder checklist and destination, then per-folder and overall gauges

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::parts::{Theme, bar, clean, duration, fit, inside, scroll_hint, wrapped};
use crate::report::{grouped, human_size};
use crate::tui::app::App;
use crate::tui::backup::{BackupProgress, BackupRun};
use crate::tui::layout::list_page;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let state = &app.backup;
    match &state.run {
        BackupRun::Running(p) => progress(app, p, false, frame, area),
        BackupRun::Cancelling(p) => progress(app, p, true, frame, area),
        _ => checklist(app, frame, area),
    }
}

fn checklist(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let state = &app.backup;
    let [table_area, bottom] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let chosen: Vec<_> = state.folders.iter().filter(|f| f.chosen).collect();
    let title = format!(
        " {} ",
        tr!(
            lang,
            "backup-tui-title",
            chosen = chosen.len(),
            folders = state.folders.len(),
            messages = grouped(chosen.iter().map(|f| f.messages).sum()),
            size = human_size(chosen.iter().map(|f| f.size).sum()),
        )
    );
    let block = Block::bordered().title(title);
    if state.folders.is_empty() {
        frame.render_widget(
            wrapped(
                [Line::raw(tr!(lang, "backup-the-old-server-s-folders"))],
                inside(table_area),
            )
            .block(block),
            table_area,
        );
    } else {
        let page = list_page(app.size, lang);
        let right = |t: String| Cell::from(Line::from(t).right_aligned());
        let rows = state
            .folders
            .iter()
            .enumerate()
            .skip(state.offset)
            .take(page)
            .map(|(i, f)| {
                let row = Row::new(vec![
                    Cell::from(if f.chosen { "[x]" } else { "[ ]" }),
                    Cell::from(clean(&f.name)),
                    right(grouped(f.messages)),
                    right(human_size(f.size)),
                ]);
                if i == state.selected {
                    row.style(theme.selected())
                } else {
                    row
                }
            });
        let table = Table::new(
            rows,
            [
                Constraint::Length(3),
                Constraint::Fill(1),
                Constraint::Length(8),
                Constraint::Length(10),
            ],
        )
        .header(
            Row::new(vec![
                Cell::from(""),
                Cell::from(tr!(lang, "backup-folder-2")),
                right(tr!(lang, "backup-messages")),
                right(tr!(lang, "backup-size")),
            ])
            .style(theme.key()),
        )
        .block(
            match scroll_hint(
                lang,
                state.offset,
                page,
                state.folders.len(),
                "Up/Dn PgUp/PgDn",
            ) {
                Some(hint) => block.title(hint),
                None => block,
            },
        );
        frame.render_widget(table, table_area);
    }
    let destination = Line::from(vec![
        Span::styled(
            format!(" {}: ", tr!(lang, "backup-destination")),
            theme.key(),
        ),
        Span::styled(
            format!("{} ", state.path.display()),
            if state.editing {
                theme.selected()
            } else {
                Style::default()
            },
        ),
    ]);
    if state.editing {
        let prefix = unicode_width::UnicodeWidthStr::width(
            format!(" {}: ", tr!(lang, "backup-destination")).as_str(),
        );
        let x = bottom
            .x
            .saturating_add(u16::try_from(prefix + state.path.cursor_column()).unwrap_or(0));
        if x < bottom.right() {
            frame.set_cursor_position(ratatui::layout::Position::new(x, bottom.y));
        }
    }
    let status = status_line(app);
    frame.render_widget(Paragraph::new(vec![destination, status]), bottom);
}

/// The last run's outcome, or what `s` will do.
fn status_line(app: &App) -> Line<'static> {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    match &app.backup.run {
        BackupRun::Done(result) => Line::styled(
            format!(
                " {}",
                tr!(
                    lang,
                    "backup-tui-done",
                    added = grouped(result.added),
                    messages = grouped(result.messages),
                    size = human_size(result.archive_bytes),
                )
            ),
            theme.ok(),
        ),
        BackupRun::Cancelled(p) => Line::styled(
            format!(
                " {}",
                tr!(
                    lang,
                    "backup-tui-cancelled",
                    messages = grouped(p.done_messages)
                )
            ),
            theme.bad(),
        ),
        BackupRun::Failed(reason) => Line::styled(
            format!(
                " {} {} {}",
                tr!(lang, "backup-failed"),
                clean(reason),
                tr!(lang, "backup-s-resumes")
            ),
            theme.bad(),
        ),
        _ => Line::styled(tr!(lang, "backup-space-ticks-e-edits-the"), theme.dim()),
    }
}

fn progress(app: &App, p: &BackupProgress, cancelling: bool, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let [overall, folders] =
        Layout::vertical([Constraint::Length(6), Constraint::Min(0)]).areas(area);
    let title = if cancelling {
        tr!(lang, "backup-cancelling")
    } else {
        tr!(lang, "backup-backing-up")
    };
    let outer = Block::bordered().title(title);
    let inner = outer.inner(overall);
    frame.render_widget(outer, overall);
    let width = usize::from(inner.width);
    let (planned_messages, planned_bytes) = p.planned.unwrap_or((0, 0));
    let mut lines = vec![Line::raw(clean(&app.backup.path.display()))];
    if p.preparing && p.planned.is_none() {
        lines.push(Line::styled(
            tr!(lang, "backup-preparing-checking-what-the-archive"),
            theme.busy(),
        ));
    } else {
        lines.push(Line::raw(tr!(
            lang,
            "backup-tui-overall",
            done = grouped(p.done_messages),
            planned = grouped(planned_messages),
            done_bytes = human_size(p.done_bytes),
            planned_bytes = human_size(planned_bytes),
        )));
        let ratio = if planned_bytes == 0 {
            if p.committing { 1.0 } else { 0.0 }
        } else {
            p.done_bytes as f64 / planned_bytes as f64
        };
        let (filled, empty) = bar(ratio, width);
        lines.push(Line::from(vec![
            Span::raw("["),
            Span::styled(filled, theme.ok()),
            Span::raw(format!("{empty}]")),
        ]));
        let rate = p
            .rate()
            .map(|r| format!("{}/s", human_size(r as u64)))
            .unwrap_or_else(|| "-".into());
        let eta = p.eta_seconds().map(duration).unwrap_or_else(|| "-".into());
        let mut text = tr!(
            lang,
            "backup-tui-rate",
            rate = rate.as_str(),
            eta = eta.as_str(),
            elapsed = duration(p.elapsed_ms / 1000),
        );
        if p.committing {
            text.push_str(&tr!(lang, "backup-committing-the-archive"));
        }
        lines.push(Line::raw(text));
    }
    frame.render_widget(Paragraph::new(lines), inner);

    let block = Block::bordered().title(tr!(lang, "backup-per-folder"));
    let rows_fit = usize::from(folders.height.saturating_sub(2));
    // The newest folders stay in view.
    let skip = p.folders.len().saturating_sub(rows_fit);
    let inner_width = usize::from(folders.width.saturating_sub(2));
    let name_width = (inner_width / 3).max(8);
    let gauge_width = inner_width.saturating_sub(name_width + 22).max(4);
    let mut lines: Vec<Line> = p
        .folders
        .iter()
        .skip(skip)
        .map(|g| {
            let ratio = if g.bytes == 0 {
                if g.finished { 1.0 } else { 0.0 }
            } else {
                g.done_bytes as f64 / g.bytes as f64
            };
            let (filled, empty) = bar(ratio, gauge_width);
            let name = fit(&clean(&g.name), name_width);
            let mark = if g.finished { "ok" } else { ".." };
            Line::from(vec![
                Span::raw(format!("{name} ")),
                Span::raw("["),
                Span::styled(filled, theme.ok()),
                Span::raw(format!("{empty}]")),
                Span::raw(format!(
                    " {:>6}/{:<6} {mark}",
                    grouped(g.done_messages),
                    grouped(g.messages)
                )),
            ])
        })
        .collect();
    if let Some(note) = &p.note {
        lines.push(Line::styled(clean(note), theme.bad()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), folders);
}
