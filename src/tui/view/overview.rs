//! # Overview: both servers side by side, the migration phase, the largest messages

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::parts::{Theme, bar, clean, side_title, usage_label, wrapped};
use crate::i18n::Lang;
use crate::profile::Phase;
use crate::profile::Side;
use crate::report::{grouped, human_size};
use crate::service::inventory::Inventory;
use crate::tui::app::App;
use crate::tui::protocol::{ServerStatus, Stage};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let [phase_area, panels, largest] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(9),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![phase_line(app), code_line(app)]),
        phase_area,
    );
    let [old, new] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(panels);
    server_panel(app, Side::Old, frame, old);
    server_panel(app, Side::New, frame, new);
    largest_messages(app, frame, largest);
}

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// "Before migration: copying starts 2026-12-01 (in 6 days)" and the like.
fn phase_line(app: &App) -> Line<'static> {
    let lang = app.lang;
    let Some(profile) = &app.profile else {
        return Line::default();
    };
    let days = |d: chrono::NaiveDate| (d - app.today).num_days();
    let text = match profile.dates.phase(app.today) {
        Phase::Unknown => tr!(lang, "overview-the-profile-has-no-migration"),
        Phase::Before { copy_start } => tr!(
            lang,
            "overview-before-migration",
            date = date(copy_start),
            days = days(copy_start)
        ),
        Phase::Copying { cutover: Some(d) } => tr!(lang, "overview-copying-until", date = date(d)),
        Phase::Copying { cutover: None } => tr!(lang, "overview-copying"),
        Phase::AfterCutover { shutdown: Some(d) } => {
            tr!(lang, "overview-after-cutover-until", date = date(d))
        }
        Phase::AfterCutover { shutdown: None } => tr!(lang, "overview-after-cutover"),
        Phase::OldShutDown => tr!(lang, "overview-the-old-server-has-been"),
    };
    let mut spans = vec![Span::raw(format!(" {text}"))];
    // The question before quitting shows in the key help's place (view::render_help).
    if let Some(notice) = app.notice.as_ref().filter(|_| !app.confirm_quit) {
        spans.push(Span::styled(
            format!("  {notice}"),
            Theme::new(app.colour).bad(),
        ));
    }
    Line::from(spans)
}

/// The helpdesk's state code of the last verification (the one `ikou verify` prints), or
/// where to get it.
fn code_line(app: &App) -> Line<'static> {
    let lang = app.lang;
    match app.verify.outcome() {
        Some(outcome) => Line::styled(
            format!(
                " {}",
                tr!(
                    lang,
                    "helpdesk-state-code-line",
                    code = outcome.report.state_code.as_str()
                )
            ),
            Theme::new(app.colour).key(),
        ),
        None => Line::styled(
            format!(" {}", tr!(lang, "overview-state-code-after-verify")),
            Theme::new(app.colour).dim(),
        ),
    }
}

fn server_panel(app: &App, side: Side, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let host = app
        .profile
        .as_ref()
        .map(|p| p.server(side).host.clone())
        .unwrap_or_default();
    let block = Block::bordered().title(format!(" {} {} ", side_title(side, lang), clean(&host)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = match app.server(side) {
        ServerStatus::NotSignedIn => vec![Line::styled(
            tr!(lang, "overview-not-signed-in-a-to"),
            theme.dim(),
        )],
        ServerStatus::Working(stage) => vec![Line::styled(
            match stage {
                Stage::Connecting => tr!(lang, "overview-connecting"),
                Stage::Gathering => tr!(lang, "overview-connected-counting-folders-and-sizes"),
            },
            theme.busy(),
        )],
        ServerStatus::Failed(reason) => vec![
            Line::styled(tr!(lang, "overview-cannot-connect"), theme.bad()),
            Line::raw(clean(reason)),
            Line::styled(tr!(lang, "overview-a-sign-in-again-r"), theme.dim()),
        ],
        ServerStatus::Ready(inventory) => {
            let target = app
                .profile
                .as_ref()
                .map(|p| p.limits.target_mailbox_bytes())
                .unwrap_or(0);
            ready_lines(inventory, target, lang, &theme, usize::from(inner.width))
        }
    };
    frame.render_widget(wrapped(lines, inner.width), inner);
}

/// A labelled gauge: `label  used / limit (n%)` and a bar `[####......]` under it.
fn gauge<'a>(label: &str, used: u64, limit: u64, width: usize, theme: &Theme) -> [Line<'a>; 2] {
    let (filled, empty) = bar(used as f64 / limit.max(1) as f64, width);
    let over = used > limit;
    let style = if over { theme.bad() } else { theme.ok() };
    [
        Line::from(vec![
            Span::raw(format!("{label}  ")),
            Span::styled(
                usage_label(used, limit),
                if over { style } else { Default::default() },
            ),
        ]),
        Line::from(vec![
            Span::raw("["),
            Span::styled(filled, style),
            Span::raw(format!("{empty}]")),
        ]),
    ]
}

fn ready_lines<'a>(
    inventory: &Inventory,
    target: u64,
    lang: Lang,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        format!(
            "{} {}",
            tr!(lang, "overview-connected"),
            clean(&inventory.server)
        ),
        theme.ok(),
    )];
    let quota = &inventory.quota;
    let root = quota
        .roots
        .iter()
        .find(|r| r.storage_limit.is_some_and(|l| l > 0));
    match root.and_then(|r| Some((r.storage_used?, r.storage_limit?))) {
        Some((used, limit)) => {
            lines.extend(gauge(
                &tr!(lang, "overview-quota"),
                used,
                limit,
                width,
                theme,
            ));
        }
        None => lines.push(Line::styled(
            tr!(lang, "overview-quota-no-quota-reported-by"),
            theme.dim(),
        )),
    }
    if target > 0 {
        lines.extend(gauge(
            &tr!(lang, "overview-target"),
            quota.usage_from_sizes,
            target,
            width,
            theme,
        ));
    }
    let selectable = inventory.folders.iter().filter(|f| f.selectable).count() as u64;
    lines.push(Line::raw(tr!(
        lang,
        "overview-messages-in-folders",
        messages = grouped(inventory.total_messages),
        folders = grouped(selectable),
    )));
    lines
}

fn largest_messages(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let max_mb = app
        .profile
        .as_ref()
        .map(|p| p.limits.max_message_mb)
        .unwrap_or(0);
    let block = Block::bordered().title(format!(
        " {} ",
        tr!(lang, "overview-largest-title", max_mb = max_mb)
    ));
    let ServerStatus::Ready(inventory) = app.server(Side::Old) else {
        frame.render_widget(block, area);
        return;
    };
    if inventory.largest.is_empty() {
        frame.render_widget(
            Paragraph::new(tr!(lang, "overview-no-messages")).block(block),
            area,
        );
        return;
    }
    let limit = app
        .profile
        .as_ref()
        .map(|p| p.limits.max_message_bytes())
        .unwrap_or(u64::MAX);
    let theme = Theme::new(app.colour);
    let rows = inventory.largest.iter().map(|m| {
        let over = m.size > limit;
        let size = Cell::from(
            Line::from(format!(
                "{}{}",
                if over { "!" } else { " " },
                human_size(m.size)
            ))
            .right_aligned(),
        );
        let style = if over {
            theme.bad()
        } else {
            Default::default()
        };
        Row::new(vec![
            size,
            Cell::from(clean(&m.folder)),
            Cell::from(
                m.date
                    .as_deref()
                    .map(|d| d.chars().take(10).collect::<String>())
                    .unwrap_or_default(),
            ),
            Cell::from(clean(m.subject.as_deref().unwrap_or(""))),
        ])
        .style(style)
    });
    let header = Row::new(vec![
        Cell::from(Line::from(tr!(lang, "overview-size")).right_aligned()),
        Cell::from(tr!(lang, "overview-folder")),
        Cell::from(tr!(lang, "overview-date")),
        Cell::from(tr!(lang, "overview-subject")),
    ])
    .style(theme.key());
    let table = Table::new(
        rows,
        [
            Constraint::Length(11),
            Constraint::Max(22),
            Constraint::Length(10),
            Constraint::Min(10),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(table, area);
}
