//! # Restore: the plan for the marked missing messages, then what each append did
//!
//! Nothing is written before `y`; the plan names every message, its folders and size, and
//! the folders to be created on the new server.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::parts::{Theme, block, clean, scroll_hint, short_date, with_hint, wrapped};
use super::wrap::wrap;
use crate::i18n::Lang;
use crate::report::human_size;
use crate::service::verify::restore::{ItemOutcome, ItemResult, PlanItem};
use crate::tui::app::App;
use crate::tui::verify::{RestoreStep, VerifyOutcome};

fn plan_table<'a>(items: &'a [PlanItem], lang: Lang, app: &App) -> Table<'a> {
    let theme = Theme::new(app.colour);
    let rows = items.iter().map(|i| {
        Row::new(vec![
            Cell::from(clean(&i.old_folder)),
            Cell::from(format!("-> {}", clean(&i.new_folder))),
            Cell::from(short_date(i.date.as_deref())),
            Cell::from(clean(i.subject.as_deref().unwrap_or(""))),
            Cell::from(Line::from(human_size(i.size)).right_aligned()),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Length(10),
            Constraint::Fill(4),
            Constraint::Length(9),
        ],
    )
    .header(
        Row::new(vec![
            Cell::from(tr!(lang, "tui-verify-old-folder")),
            Cell::from(tr!(lang, "tui-verify-new-folder")),
            Cell::from(tr!(lang, "tui-verify-date")),
            Cell::from(tr!(lang, "tui-verify-subject")),
            Cell::from(Line::from(tr!(lang, "tui-verify-size")).right_aligned()),
        ])
        .style(theme.key()),
    )
}

pub(super) fn restore_view(
    app: &App,
    outcome: &VerifyOutcome,
    plan: &[PlanItem],
    folders_to_create: &[String],
    step: &RestoreStep,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let bytes: u64 = plan.iter().map(|i| i.size).sum();
    let title = format!(
        " {} ",
        tr!(
            lang,
            "tui-verify-restore-plan-title",
            count = plan.len(),
            size = human_size(bytes),
            server = clean(&outcome.report.new_server)
        )
    );
    let outer = block(title);
    let inner = outer.inner(area);
    // During the centre's copy a restore may double what the copy still brings: said first.
    let warning = matches!(step, RestoreStep::Plan)
        .then(|| {
            let phase = app.profile.as_ref()?.dates.phase(app.today);
            crate::report::restore_phase_warning(phase, lang)
        })
        .flatten()
        .map(|w| wrap([Line::styled(w, theme.bad())], inner.width));
    let warning_rows = warning
        .as_ref()
        .map_or(0, |w| u16::try_from(w.len()).unwrap_or(4).min(4));
    let [warn_area, intro, table_area, notes] = Layout::vertical([
        Constraint::Length(warning_rows),
        Constraint::Length(2),
        Constraint::Min(0),
        Constraint::Length(3),
    ])
    .areas(inner);
    if let Some(lines) = warning {
        frame.render_widget(Paragraph::new(lines), warn_area);
    }
    // The plan's (or the results') rows under the table's header; Up/Dn PgUp/PgDn scroll.
    let rows = match step {
        RestoreStep::Done(Ok(results)) => results.len(),
        _ => plan.len(),
    };
    let fit = usize::from(table_area.height.saturating_sub(1)).max(1);
    let first = app.verify.plan_offset.min(rows.saturating_sub(fit));
    let hint = scroll_hint(lang, first, fit, rows, "Up/Dn PgUp/PgDn");
    frame.render_widget(with_hint(outer, hint), area);
    frame.render_widget(
        wrapped(
            [Line::raw(tr!(
                lang,
                "tui-verify-the-old-server-is-not-changed-messages-a"
            ))],
            intro.width,
        ),
        intro,
    );
    match step {
        RestoreStep::Plan | RestoreStep::Applying => {
            frame.render_widget(
                plan_table(&plan[first.min(plan.len())..], lang, app),
                table_area,
            );
            let mut lines: Vec<Line> = folders_to_create
                .iter()
                .map(|f| {
                    Line::raw(tr!(
                        lang,
                        "tui-verify-folder-will-be-created",
                        folder = clean(f)
                    ))
                })
                .collect();
            if plan.is_empty() {
                lines.push(Line::styled(
                    tr!(lang, "tui-verify-nothing-to-restore-too-large-or-no-longe"),
                    theme.bad(),
                ));
            } else if matches!(step, RestoreStep::Applying) {
                lines.push(Line::styled(
                    tr!(lang, "tui-verify-restoring-to-the-new-server"),
                    theme.busy(),
                ));
            } else {
                lines.push(Line::styled(
                    tr!(lang, "tui-verify-press-y-to-restore-them-now-esc-to-go-ba"),
                    theme.key(),
                ));
            }
            frame.render_widget(wrapped(lines, notes.width), notes);
        }
        RestoreStep::Done(Err(reason)) => {
            let lines = vec![
                Line::styled(tr!(lang, "tui-verify-the-restore-failed"), theme.bad()),
                Line::raw(clean(reason)),
            ];
            frame.render_widget(wrapped(lines, table_area.width), table_area);
        }
        RestoreStep::Done(Ok(results)) => {
            frame.render_widget(
                results_table(&results[first.min(results.len())..], app),
                table_area,
            );
            let count = |o: ItemOutcome| results.iter().filter(|r| r.outcome == o).count();
            let failed = count(ItemOutcome::Failed) + count(ItemOutcome::TooLarge);
            let line = tr!(
                lang,
                "tui-verify-restore-result",
                appended = count(ItemOutcome::Appended),
                present = count(ItemOutcome::AlreadyPresent),
                failed = failed
            );
            frame.render_widget(
                wrapped(
                    [Line::styled(
                        line,
                        if failed > 0 { theme.bad() } else { theme.ok() },
                    )],
                    notes.width,
                ),
                notes,
            );
        }
    }
}

fn results_table<'a>(results: &'a [ItemResult], app: &App) -> Table<'a> {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let rows = results.iter().map(|r| {
        let (what, style) = match r.outcome {
            ItemOutcome::Appended => (tr!(lang, "tui-verify-appended"), theme.ok()),
            ItemOutcome::AlreadyPresent => {
                (tr!(lang, "tui-verify-already-there"), Style::default())
            }
            ItemOutcome::TooLarge => (tr!(lang, "tui-verify-too-large"), theme.bad()),
            ItemOutcome::Failed => (tr!(lang, "tui-verify-failed"), theme.bad()),
        };
        let mut subject = clean(r.item.subject.as_deref().unwrap_or(""));
        if let Some(e) = &r.error {
            subject.push_str(&format!(" ({})", clean(e)));
        }
        Row::new(vec![
            Cell::from(what).style(style),
            Cell::from(clean(&r.item.new_folder)),
            Cell::from(subject),
        ])
    });
    Table::new(
        rows,
        [
            Constraint::Length(13),
            Constraint::Max(20),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            Cell::from(tr!(lang, "tui-verify-result")),
            Cell::from(tr!(lang, "tui-verify-new-folder")),
            Cell::from(tr!(lang, "tui-verify-subject")),
        ])
        .style(theme.key()),
    )
}
