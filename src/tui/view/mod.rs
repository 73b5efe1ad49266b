//! # Views: pure functions from the app state to a frame
//!
//! Nothing here changes state or does I/O, so every screen can be rendered into ratatui's
//! `TestBackend` and checked cell by cell. Marks and bars use ASCII only: characters of
//! "ambiguous" East Asian width (•, █, ✓, …) take two columns in many Japanese terminals
//! and would break the alignment that unicode-width promises.

mod backup;
mod doctor;
mod folders;
mod local;
mod overview;
mod settings;
mod setup;
mod signin;
mod verify;
mod wrap;

pub(crate) use local::max_scroll as local_max_scroll;
pub(crate) use settings::max_scroll as settings_max_scroll;
pub(crate) use wrap::wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{self, App, Screen, help_lines, help_rows};
use crate::i18n::Lang;

/// Smallest terminal the screens are laid out for; below it a short note is shown.
pub const MIN_SIZE: (u16, u16) = (40, 12);

/// Draws the whole application.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let note = tr!(app.lang, "tui-terminal-too-small-please-enlarge-it");
        frame.render_widget(Paragraph::new(note), area);
        return;
    }
    let help_rows = match quit_question(app) {
        Some(line) => u16::try_from(wrap([line], area.width).len())
            .unwrap_or(3)
            .min(3),
        None => help_rows(app.key_mode(), app.lang, area.width),
    };
    let [title, body, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(help_rows),
    ])
    .areas(area);
    render_title(app, frame, title);
    match app.screen {
        Screen::Setup => setup::render(app, frame, body),
        Screen::Overview => overview::render(app, frame, body),
        Screen::Folders => folders::render(app, frame, body),
        Screen::Backup => backup::render(app, frame, body),
        Screen::Verify => verify::render(app, frame, body),
        Screen::Doctor => doctor::render(app, frame, body),
        Screen::Settings => settings::render(app, frame, body),
        Screen::Local => local::render(app, frame, body),
    }
    if let Some(device) = &app.device_code
        && app.screen != Screen::Setup
    {
        signin::render(app, device, frame, body);
    }
    render_help(app, frame, help);
    wrap::clip_wide(frame.buffer_mut());
}

/// The question before quitting, while it waits for an answer.
fn quit_question(app: &App) -> Option<Line<'static>> {
    let question = app.notice.as_ref().filter(|_| app.confirm_quit)?;
    Some(Line::styled(
        format!(" {}", clean(question)),
        Theme::of(app).bad(),
    ))
}

/// A paragraph of `lines` wrapped to `width` cells by display width (see [`wrap`]).
pub(crate) fn wrapped<'a>(
    lines: impl IntoIterator<Item = Line<'a>>,
    width: u16,
) -> Paragraph<'static> {
    Paragraph::new(wrap(lines, width))
}

/// The hint on a box whose content does not fit: rows `first+1`-`first+shown` of `total`
/// and the keys that scroll it, for the top border after the box's title (a second title,
/// so that a narrow box cuts it rather than overwriting the first). `None` when all fits.
pub(crate) fn scroll_hint(
    lang: Lang,
    first: usize,
    shown: usize,
    total: usize,
    keys: &str,
) -> Option<Line<'static>> {
    (total > shown).then(|| {
        Line::from(format!(
            " {} ",
            tr!(
                lang,
                "tui-scroll-hint",
                from = first + 1,
                to = (first + shown).min(total),
                total = total,
                keys = keys.to_string()
            )
        ))
    })
}

/// The width inside a bordered box drawn over `area`.
pub(crate) fn inside(area: Rect) -> u16 {
    area.width.saturating_sub(2)
}

/// Colours that read on dark and light terminals, or none at all (NO_COLOR).
pub(crate) struct Theme {
    colour: bool,
}

impl Theme {
    pub fn of(app: &App) -> Theme {
        Theme { colour: app.colour }
    }
    fn fg(&self, colour: Color) -> Style {
        if self.colour {
            Style::default().fg(colour)
        } else {
            Style::default()
        }
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Work in progress: bold, no colour (yellow is unreadable on a light background).
    pub fn busy(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        if self.colour {
            Style::default().add_modifier(Modifier::DIM)
        } else {
            Style::default()
        }
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

fn render_title(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme::of(app);
    let mut left = vec![Span::styled(" ikou 移行 ", theme.key())];
    if let Some(profile) = &app.profile {
        // The address first: when the bar is narrow, the organisation's name is what is cut.
        left.push(Span::raw(format!("| {} ", clean(&app.address))));
        if !profile.organisation.name.is_empty() {
            left.push(Span::raw(format!(
                "| {} ",
                clean(&profile.organisation.name)
            )));
        }
    }
    let mut tabs = Vec::new();
    if app.screen != Screen::Setup {
        for (label, screen) in app::title_tabs(app.lang, &app.address, app.screen, area.width) {
            let style = if screen == app.screen {
                theme.selected()
            } else {
                Style::default()
            };
            tabs.push(Span::styled(label, style));
        }
    } else {
        tabs.push(Span::styled(
            format!(" {} ", Screen::Setup.title(app.lang)),
            theme.selected(),
        ));
    }
    let tabs = Line::from(tabs);
    let tabs_width = u16::try_from(tabs.width())
        .unwrap_or(u16::MAX)
        .min(area.width);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(tabs_width)]).areas(area);
    // The organisation's name, then the address, are shown whole or not at all.
    while left.len() > 1 && Line::from(left.clone()).width() > usize::from(left_area.width) {
        left.pop();
    }
    frame.render_widget(Paragraph::new(Line::from(left)), left_area);
    frame.render_widget(Paragraph::new(tabs), right_area);
}

/// The help bar, generated from the same keymap `update` implements.
fn render_help(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme::of(app);
    // The question before quitting replaces the keys until it is answered (the overview
    // shows it in its phase line).
    // The question before quitting replaces the keys until it is answered, on every
    // screen, with as many rows as it needs.
    if let Some(line) = quit_question(app) {
        frame.render_widget(wrapped([line], area.width), area);
        return;
    }
    let lines: Vec<Line> = help_lines(app.key_mode(), app.lang, area.width)
        .into_iter()
        .map(|entries| {
            let mut spans = vec![Span::raw(" ")];
            for entry in entries {
                spans.push(Span::styled(entry.keys, theme.key()));
                spans.push(Span::raw(format!(" {}  ", entry.label(app.lang))));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Server-supplied text with control characters made inert (no escape sequences reach
/// the terminal from a subject line or a folder name).
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// A text bar for a ratio, e.g. `[#####.....]`; ASCII so it keeps its width everywhere.
pub(crate) fn bar(ratio: f64, width: usize) -> (String, String) {
    let inner = width.saturating_sub(2);
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let filled = ((inner as f64) * ratio).round() as usize;
    let filled = if ratio > 0.0 { filled.max(1) } else { 0 }.min(inner);
    ("#".repeat(filled), ".".repeat(inner - filled))
}

/// `text` cut or padded to exactly `width` display columns (CJK counted as two).
pub(crate) fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(&" ".repeat(width - used));
    out
}

/// A date header cut to `YYYY-MM-DD` when it parses, else its first 16 characters.
pub(crate) fn short_date(date: Option<&str>) -> String {
    let Some(date) = date else {
        return String::new();
    };
    let date = date.trim();
    // A wrong day of the week is common in real mail; the date itself is still good.
    let without_weekday = date.split_once(", ").map_or(date, |(_, rest)| rest);
    match chrono::DateTime::parse_from_rfc2822(date)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(without_weekday))
    {
        Ok(d) => d.format("%Y-%m-%d").to_string(),
        Err(_) => clean(date).chars().take(16).collect(),
    }
}

/// "12 s", "4 min 05 s", "1 h 02 min": a duration for rate and ETA lines.
pub(crate) fn duration(seconds: u64) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else if seconds < 3600 {
        format!("{} min {:02} s", seconds / 60, seconds % 60)
    } else {
        format!("{} h {:02} min", seconds / 3600, (seconds % 3600) / 60)
    }
}

/// "used / limit (n%)".
pub(crate) fn usage_label(used: u64, limit: u64) -> String {
    use crate::report::human_size;
    let percent = if limit > 0 {
        used as f64 * 100.0 / limit as f64
    } else {
        0.0
    };
    format!(
        "{} / {} ({percent:.0}%)",
        human_size(used),
        human_size(limit)
    )
}

pub(crate) fn side_title(side: crate::profile::Side, lang: Lang) -> String {
    match side {
        crate::profile::Side::Old => tr!(lang, "tui-old-server"),
        crate::profile::Side::New => tr!(lang, "tui-new-server"),
    }
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod folders_tests;
#[cfg(test)]
mod local_tests;
#[cfg(test)]
mod screen_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;
