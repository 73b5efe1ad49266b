//! # Verify: the verdict, the findings by kind, one message's headers, the restore plan

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, bar, clean, inside, short_date, side_title, wrapped};
use crate::compare::result::{Finding, FindingKind, FolderStatus};
use crate::compare::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::profile::Side;
use crate::report::{grouped, human_size};
use crate::service::verify::restore::{ItemOutcome, ItemResult, PlanItem};
use crate::tui::app::{App, side_index};
use crate::tui::verify::{
    Headers, KINDS, ReadProgress, RestoreStep, VerifyMode, VerifyOutcome, VerifyRun, findings_of,
};

/// The list title for a kind of finding.
pub fn kind_title(kind: FindingKind, lang: Lang) -> String {
    match kind {
        FindingKind::Missing => tr!(lang, "tui-verify-kind-missing"),
        FindingKind::Duplicate => tr!(lang, "tui-verify-kind-duplicate"),
        FindingKind::Garbled => tr!(lang, "tui-verify-kind-garbled"),
        FindingKind::Oversize => tr!(lang, "tui-verify-kind-oversize"),
        other => other.label(lang),
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let state = &app.verify;
    match &state.run {
        VerifyRun::Idle => idle(app, frame, area),
        VerifyRun::Running(progress) => running(app, progress, frame, area),
        VerifyRun::Failed(reason) => failed(app, reason, frame, area),
        VerifyRun::Done(outcome) => match &state.mode {
            VerifyMode::Summary => summary(app, outcome, frame, area),
            VerifyMode::List => list(app, outcome, frame, area),
            VerifyMode::Headers {
                target,
                headers,
                scroll,
            } => {
                let where_ = format!(
                    "{} {} UID {}",
                    side_title(target.side, app.lang),
                    clean(&target.folder),
                    target.uid
                );
                headers_view(app, &target.subject, &where_, headers, *scroll, frame, area)
            }
            VerifyMode::Restore {
                plan,
                folders_to_create,
                step,
            } => restore_view(app, outcome, plan, folders_to_create, step, frame, area),
        },
    }
}

fn block(title: String) -> Block<'static> {
    Block::bordered().title(title)
}

/// A box with the scroll hint, when there is one, after its title.
fn with_hint(block: Block<'static>, hint: Option<Line<'static>>) -> Block<'static> {
    match hint {
        Some(hint) => block.title(hint),
        None => block,
    }
}

fn idle(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let mut lines = vec![
        Line::raw(tr!(
            lang,
            "tui-verify-compares-the-old-mailbox-with-the-new-on"
        )),
        Line::raw(tr!(
            lang,
            "tui-verify-both-servers-are-only-read-nothing-is-ch"
        )),
        Line::default(),
    ];
    if app.profile.is_some() {
        lines.push(Line::styled(
            tr!(lang, "tui-verify-press-v-or-enter-to-verify"),
            theme.key(),
        ));
    } else {
        lines.push(Line::styled(
            tr!(lang, "tui-verify-sign-in-first-a"),
            theme.dim(),
        ));
    }
    frame.render_widget(
        wrapped(lines, inside(area)).block(block(format!(" {} ", tr!(lang, "tui-verify-verify")))),
        area,
    );
}

fn running(app: &App, progress: &[ReadProgress; 2], frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let outer = block(format!(" {} ", tr!(lang, "tui-verify-verifying")));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for side in [Side::Old, Side::New] {
        let p = &progress[side_index(side)];
        let status = if !p.connected {
            tr!(lang, "tui-verify-connecting").to_string()
        } else if p.total == 0 {
            tr!(lang, "tui-verify-listing-folders").to_string()
        } else if p.done >= p.total {
            tr!(lang, "tui-verify-read").to_string()
        } else {
            format!("{}/{} {}", p.done + 1, p.total, clean(&p.folder))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", side_title(side, lang)), theme.busy()),
            Span::raw(status),
        ]));
        let ratio = if p.total == 0 {
            0.0
        } else {
            p.done as f64 / p.total as f64
        };
        let (filled, empty) = bar(ratio, width);
        lines.push(Line::from(vec![
            Span::raw("["),
            Span::styled(filled, theme.ok()),
            Span::raw(format!("{empty}]")),
        ]));
        lines.push(Line::default());
    }
    lines.push(Line::styled(
        tr!(lang, "tui-verify-reading-both-servers-at-once-read-only"),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn failed(app: &App, reason: &str, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let lines = vec![
        Line::styled(tr!(lang, "tui-verify-verification-failed"), theme.bad()),
        Line::raw(clean(reason)),
        Line::default(),
        Line::styled(
            tr!(lang, "tui-verify-v-try-again-a-sign-in-again"),
            theme.dim(),
        ),
    ];
    frame.render_widget(
        wrapped(lines, inside(area)).block(block(format!(" {} ", tr!(lang, "tui-verify-verify")))),
        area,
    );
}

fn summary(app: &App, outcome: &VerifyOutcome, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let report = &outcome.report;
    let ok = report.status == ExitStatus::Match;
    let verdict = vec![
        Line::styled(
            clean(&report.comparison.verdict(lang)),
            if ok { theme.ok() } else { theme.bad() },
        ),
        // The same code `ikou verify` prints, for the user to read out to the helpdesk.
        Line::styled(
            tr!(
                lang,
                "helpdesk-state-code-line",
                code = report.state_code.as_str()
            ),
            theme.key(),
        ),
        Line::raw(format!(
            "{} {}  ->  {} {}",
            tr!(lang, "tui-verify-old"),
            clean(&report.old.server),
            tr!(lang, "tui-verify-new"),
            clean(&report.new_server)
        )),
    ];
    // The verdict box is as tall as its wrapped text, up to half of what is left after the
    // kinds (the folder table below scrolls).
    let verdict = super::wrap(verdict, inside(area));
    let most = (area.height.saturating_sub(6) / 2).max(3);
    let verdict_height = u16::try_from(verdict.len() + 2).unwrap_or(most).min(most);
    let [verdict_area, kinds_area, table_area] = Layout::vertical([
        Constraint::Length(verdict_height),
        Constraint::Length(6),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(verdict).block(block(format!(" {} ", tr!(lang, "tui-verify-verdict")))),
        verdict_area,
    );

    let rows: Vec<Line> = KINDS
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let count = findings_of(report, *kind).len();
            let mark = if i == app.verify.kind { "> " } else { "  " };
            let mut text = format!("{mark}{:<w$}", kind_title(*kind, lang), w = 0);
            let pad = 30usize.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            text.push_str(&" ".repeat(pad));
            text.push_str(&format!("{count:>5}"));
            if *kind == FindingKind::Missing && report.summary.sent_missing > 0 {
                text.push_str(&format!(
                    "  ({})",
                    tr!(
                        lang,
                        "tui-verify-sent-missing",
                        count = report.summary.sent_missing
                    )
                ));
            }
            let style = if i == app.verify.kind {
                theme.selected()
            } else if count > 0 {
                theme.bad()
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(rows).block(block(format!(
            " {} ",
            tr!(lang, "tui-verify-differences-enter-lists-them")
        ))),
        kinds_area,
    );

    let right = |text: String| Cell::from(Line::from(text).right_aligned());
    let header = Row::new(vec![
        Cell::from(tr!(lang, "tui-verify-new-folder")),
        Cell::from(tr!(lang, "tui-verify-old-folders")),
        right(tr!(lang, "tui-verify-old")),
        right(tr!(lang, "tui-verify-new")),
        right(tr!(lang, "tui-verify-diff")),
        Cell::from(tr!(lang, "tui-verify-status")),
    ])
    .style(theme.key());
    // Folders that differ first: on a small terminal they are the ones that must show.
    let mut folders: Vec<_> = report.comparison.folders.iter().collect();
    folders.sort_by_key(|f| f.status != FolderStatus::Differs);
    // Rows that fit under the borders and the header; PgUp/PgDn scroll the rest.
    let fit = usize::from(table_area.height.saturating_sub(3)).max(1);
    let total = folders.len();
    let first = app.verify.folder_offset.min(total.saturating_sub(fit));
    let hint = super::scroll_hint(lang, first, fit, total, "PgUp/PgDn");
    let rows = folders.into_iter().skip(first).take(fit).map(|f| {
        let differs = f.status == FolderStatus::Differs;
        Row::new(vec![
            Cell::from(clean(&f.new_folder)),
            Cell::from(clean(&f.old_folders.join(", "))),
            right(grouped(f.old_count)),
            right(grouped(f.new_count)),
            right(format!("{:+}", f.difference)),
            Cell::from(if differs {
                tr!(lang, "tui-verify-differs")
            } else {
                tr!(lang, "tui-verify-ok")
            }),
        ])
        .style(if differs {
            theme.bad()
        } else {
            Style::default()
        })
    });
    let t = &report.comparison.totals;
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Fill(1),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(8),
        ],
    )
    .header(header)
    .block(with_hint(
        block(format!(
            " {} ",
            tr!(
                lang,
                "tui-verify-messages-per-folder",
                old = grouped(t.old_messages),
                new = grouped(t.new_messages)
            )
        )),
        hint,
    ));
    frame.render_widget(table, table_area);
}

/// The person on the other side: the recipient for missing sent mail, else the sender.
fn who(finding: &Finding) -> String {
    let Some(m) = finding.message.as_ref() else {
        return String::new();
    };
    let text = if finding.reason.kind() == FindingKind::Missing && m.to.is_some() {
        m.to.as_ref().map(|t| format!("-> {t}"))
    } else {
        m.from.clone()
    };
    clean(&text.unwrap_or_default())
}

fn list(app: &App, outcome: &VerifyOutcome, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let state = &app.verify;
    let kind = KINDS[state.kind];
    let findings = findings_of(&outcome.report, kind);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let page = crate::tui::app::list_page(app.size, lang);
    let restorable = kind == FindingKind::Missing;
    let rows = findings
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(page)
        .map(|(i, (index, f))| {
            let m = f.message.as_ref();
            let mut cells = Vec::new();
            if restorable {
                cells.push(Cell::from(if state.marked.contains(index) {
                    "[x]"
                } else {
                    "[ ]"
                }));
            }
            let folder = f
                .old_folder
                .as_deref()
                .or(f.new_folder.as_deref())
                .unwrap_or("-");
            cells.push(Cell::from(clean(folder)));
            cells.push(Cell::from(short_date(m.and_then(|m| m.date.as_deref()))));
            cells.push(Cell::from(who(f)));
            let subject = match &f.reason {
                crate::compare::result::Reason::Garbled {
                    new_subject: Some(new),
                    ..
                } => format!(
                    "{} {} {}",
                    m.and_then(|m| m.subject.clone()).unwrap_or_default(),
                    tr!(lang, "tui-verify-new-subject"),
                    new
                ),
                _ => m.and_then(|m| m.subject.clone()).unwrap_or_default(),
            };
            cells.push(Cell::from(clean(&subject)));
            cells.push(Cell::from(
                Line::from(m.map(|m| human_size(m.size)).unwrap_or_default()).right_aligned(),
            ));
            let row = Row::new(cells);
            if i == state.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let mut header = Vec::new();
    let mut widths = Vec::new();
    if restorable {
        header.push(Cell::from(""));
        widths.push(Constraint::Length(3));
    }
    header.extend([
        Cell::from(tr!(lang, "tui-verify-folder")),
        Cell::from(tr!(lang, "tui-verify-date")),
        Cell::from(if restorable {
            tr!(lang, "tui-verify-to")
        } else {
            tr!(lang, "tui-verify-from")
        }),
        Cell::from(tr!(lang, "tui-verify-subject")),
        Cell::from(Line::from(tr!(lang, "tui-verify-size")).right_aligned()),
    ]);
    widths.extend([
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Fill(2),
        Constraint::Fill(4),
        Constraint::Length(9),
    ]);
    let marked = if restorable && !state.marked.is_empty() {
        format!(
            "  {}",
            tr!(lang, "tui-verify-marked", count = state.marked.len())
        )
    } else {
        String::new()
    };
    let title = format!(
        " {} ({}) [{}/{}]{marked} ",
        kind_title(kind, lang),
        findings.len(),
        state.kind + 1,
        KINDS.len()
    );
    if findings.is_empty() {
        frame.render_widget(
            Paragraph::new(tr!(lang, "tui-verify-none")).block(block(title)),
            table_area,
        );
        return;
    }
    let hint = super::scroll_hint(lang, state.offset, page, findings.len(), "Up/Dn PgUp/PgDn");
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.key()))
        .block(with_hint(block(title), hint));
    frame.render_widget(table, table_area);
    if let Some((_, f)) = findings.get(state.selected) {
        let id = f
            .message
            .as_ref()
            .and_then(|m| m.message_id.as_deref())
            .map(|id| format!(" Message-ID: {}", clean(id)))
            .unwrap_or_default();
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(format!(" {}", clean(&f.reason.describe(lang))), theme.dim()),
                Line::styled(id, theme.dim()),
            ]),
            detail_area,
        );
    }
}

fn headers_view(
    app: &App,
    subject: &str,
    where_: &str,
    headers: &Headers,
    scroll: u16,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let outer = block(format!(
        " {}: {} ",
        tr!(lang, "tui-verify-headers"),
        clean(subject)
    ));
    let inner = outer.inner(area);
    let [where_area, text_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::styled(where_.to_string(), theme.dim())),
        where_area,
    );
    let lines: Vec<Line> = match headers {
        Headers::Loading => vec![Line::styled(
            tr!(lang, "tui-verify-reading-the-header-body-peek-nothing-is"),
            theme.busy(),
        )],
        Headers::Failed(reason) => vec![
            Line::styled(tr!(lang, "tui-verify-could-not-read-it"), theme.bad()),
            Line::raw(clean(reason)),
        ],
        Headers::Loaded(text) => text
            .lines()
            .map(|l| {
                let l = l.replace('\t', "    ");
                // Field names stand out; continuation lines stay plain.
                match l.split_once(':') {
                    Some((name, rest)) if !l.starts_with(' ') && !name.contains(' ') => {
                        Line::from(vec![
                            Span::styled(format!("{}:", clean(name)), theme.key()),
                            Span::raw(clean(rest)),
                        ])
                    }
                    _ => Line::raw(clean(&l)),
                }
            })
            .collect(),
    };
    // Wrapped here, so the rows are known: the scroll stops at the last page.
    let lines = super::wrap(lines, text_area.width);
    let fit = usize::from(text_area.height).max(1);
    let first = usize::from(scroll).min(lines.len().saturating_sub(fit));
    let hint = super::scroll_hint(lang, first, fit, lines.len(), "Up/Dn PgUp/PgDn");
    frame.render_widget(with_hint(outer, hint), area);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(first).unwrap_or(u16::MAX), 0)),
        text_area,
    );
}

fn plan_table<'a>(items: &'a [PlanItem], lang: Lang, app: &App) -> Table<'a> {
    let theme = Theme::of(app);
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

fn restore_view(
    app: &App,
    outcome: &VerifyOutcome,
    plan: &[PlanItem],
    folders_to_create: &[String],
    step: &RestoreStep,
    frame: &mut Frame,
    area: Rect,
) {
    let lang = app.lang;
    let theme = Theme::of(app);
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
        .map(|w| super::wrap([Line::styled(w, theme.bad())], inner.width));
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
    let hint = super::scroll_hint(lang, first, fit, rows, "Up/Dn PgUp/PgDn");
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
    let theme = Theme::of(app);
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
