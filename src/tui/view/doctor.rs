//! # Doctor: each finding with its status mark; the selected one's meaning and fix; the
//! support report to read before it is saved

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row, Table};

use super::parts::{Theme, clean, inside, scroll_hint, wrapped};
use super::wrap::wrap;
use crate::doctor::{DoctorReport, Severity};
use crate::i18n::Lang;
use crate::tui::app::App;
use crate::tui::doctor::{DoctorRun, SupportView};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    if !matches!(app.doctor.support, SupportView::Closed) {
        return support(app, frame, area);
    }
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let domain = crate::tui::doctor::domain(app.profile.as_deref(), &app.address);
    let title = format!(" {} ", tr!(lang, "doctor-doctor"));
    let lines = match &app.doctor.run {
        DoctorRun::Done(report) => return findings(app, report, frame, area),
        DoctorRun::Idle => vec![
            Line::raw(tr!(lang, "doctor-finds-out-why-mail-programs")),
            Line::default(),
            Line::styled(
                tr!(lang, "doctor-tui-press-d", domain = clean(&domain)),
                theme.key(),
            ),
        ],
        DoctorRun::Running => vec![Line::styled(
            tr!(lang, "doctor-tui-running", domain = clean(&domain)),
            theme.busy(),
        )],
        DoctorRun::Failed(reason) => vec![
            Line::styled(tr!(lang, "doctor-the-diagnosis-failed"), theme.bad()),
            Line::raw(clean(reason)),
            Line::default(),
            Line::styled(tr!(lang, "doctor-d-try-again"), theme.dim()),
        ],
    };
    frame.render_widget(
        wrapped(lines, inside(area)).block(Block::bordered().title(title)),
        area,
    );
}

/// The support report as `ikou report` shows it, before it is saved; or its progress.
fn support(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let title = format!(" {} ", tr!(lang, "tui-support-title"));
    let (lines, scroll, footer) = match &app.doctor.support {
        SupportView::Closed => return,
        SupportView::Running => (
            vec![Line::styled(tr!(lang, "tui-support-running"), theme.busy())],
            0,
            None,
        ),
        SupportView::Preview {
            report,
            path,
            scroll,
        } => (
            crate::service::support::render_text(report, lang)
                .lines()
                .map(|l| Line::raw(clean(l)))
                .collect(),
            *scroll,
            Some(Line::styled(
                tr!(
                    lang,
                    "tui-support-save-to",
                    path = path.display().to_string()
                ),
                theme.key(),
            )),
        ),
        SupportView::Saved(path) => (
            vec![Line::styled(
                tr!(lang, "tui-support-saved", path = path.display().to_string()),
                theme.ok(),
            )],
            0,
            None,
        ),
        SupportView::Failed(reason) => (
            vec![
                Line::styled(tr!(lang, "tui-support-failed"), theme.bad()),
                Line::raw(clean(reason)),
            ],
            0,
            None,
        ),
    };
    let [text_area, footer_area] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(if footer.is_some() { 2 } else { 0 }),
    ])
    .areas(area);
    // Wrapped by display width here, so the scroll stops at the last page.
    let lines = wrap(lines, inside(text_area));
    let fit = usize::from(text_area.height.saturating_sub(2)).max(1);
    let first = usize::from(scroll).min(lines.len().saturating_sub(fit));
    let mut block = Block::bordered().title(title);
    if let Some(hint) = scroll_hint(lang, first, fit, lines.len(), "Up/Dn PgUp/PgDn") {
        block = block.title(hint);
    }
    frame.render_widget(
        ratatui::widgets::Paragraph::new(lines)
            .scroll((u16::try_from(first).unwrap_or(u16::MAX), 0))
            .block(block),
        text_area,
    );
    if let Some(footer) = footer {
        frame.render_widget(wrapped([footer], footer_area.width), footer_area);
    }
}

/// `[OK]`, `[WARN]`, `[ERROR]` (ASCII brackets keep their width in every terminal).
fn mark(severity: Severity, lang: Lang) -> String {
    format!("[{}]", severity.label(lang))
}

fn findings(app: &App, report: &DoctorReport, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(6)]).areas(area);
    let rows_fit = usize::from(table_area.height.saturating_sub(2));
    let selected = app
        .doctor
        .selected
        .min(report.findings.len().saturating_sub(1));
    // The view keeps the selection on screen by itself.
    let offset = (selected + 1).saturating_sub(rows_fit);
    let rows = report
        .findings
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_fit)
        .map(|(i, f)| {
            let style = match f.severity {
                Severity::Ok => theme.ok(),
                Severity::Warning | Severity::Error => theme.bad(),
            };
            let row = Row::new(vec![
                Cell::from(mark(f.severity, lang)).style(style),
                Cell::from(f.area.label(lang)),
                Cell::from(clean(&f.text(lang).summary)),
            ]);
            if i == selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let c = &report.counts;
    let title = format!(
        " {} ",
        tr!(
            lang,
            "doctor-tui-title",
            domain = clean(&report.domain),
            ok = c.ok,
            warnings = c.warnings,
            errors = c.errors,
        )
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(9),
            Constraint::Length(13),
            Constraint::Fill(1),
        ],
    )
    .block(Block::bordered().title(title));
    frame.render_widget(table, table_area);
    let Some(f) = report.findings.get(selected) else {
        return;
    };
    let text = f.text(lang);
    let mut lines = vec![Line::raw(clean(&f.subject))];
    if !text.meaning.is_empty() {
        lines.push(Line::raw(format!(
            "{} {}",
            tr!(lang, "doctor-meaning"),
            clean(&text.meaning)
        )));
    }
    if !text.fix.is_empty() {
        lines.push(Line::styled(
            format!("{} {}", tr!(lang, "doctor-fix"), clean(&text.fix)),
            theme.key(),
        ));
    }
    frame.render_widget(
        wrapped(lines, inside(detail_area))
            .style(Style::default())
            .block(Block::bordered().title(format!(" {} ", f.id))),
        detail_area,
    );
}
