//! # Verify: the verdict, the findings by kind, one message's headers, the restore plan

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::parts::{
    Theme, bar, block, clean, inside, scroll_hint, short_date, side_title, with_hint, wrapped,
};
use super::wrap::wrap;
use crate::compare::result::{Finding, FindingKind, FolderStatus};
use crate::compare::verdict::ExitStatus;
use crate::i18n::Lang;
use crate::profile::Side;
use crate::report::{grouped, human_size};
use crate::tui::app::App;
use crate::tui::verify::{
    Headers, KINDS, ReadProgress, VerifyMode, VerifyOutcome, VerifyRun, findings_of,
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
            } => super::restore::restore_view(
                app,
                outcome,
                plan,
                folders_to_create,
                step,
                frame,
                area,
            ),
        },
    }
}

fn idle(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
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
    let theme = Theme::new(app.colour);
    let outer = block(format!(" {} ", tr!(lang, "tui-verify-verifying")));
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let width = usize::from(inner.width);
    let mut lines = Vec::new();
    for side in [Side::Old, Side::New] {
        let p = &progress[side.index()];
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
    let theme = Theme::new(app.colour);
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
    let theme = Theme::new(app.colour);
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
    let verdict = wrap(verdict, inside(area));
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
    let hint = scroll_hint(lang, first, fit, total, "PgUp/PgDn");
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
    let theme = Theme::new(app.colour);
    let state = &app.verify;
    let kind = KINDS[state.kind];
    let findings = findings_of(&outcome.report, kind);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    let page = crate::tui::layout::list_page(app.size, lang);
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
    let hint = scroll_hint(lang, state.offset, page, findings.len(), "Up/Dn PgUp/PgDn");
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
    let theme = Theme::new(app.colour);
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
    let lines = wrap(lines, text_area.width);
    let fit = usize::from(text_area.height).max(1);
    let first = usize::from(scroll).min(lines.len().saturating_sub(fit));
    let hint = scroll_hint(lang, first, fit, lines.len(), "Up/Dn PgUp/PgDn");
    frame.render_widget(with_hint(outer, hint), area);
    frame.render_widget(
        Paragraph::new(lines).scroll((u16::try_from(first).unwrap_or(u16::MAX), 0)),
        text_area,
    );
}
