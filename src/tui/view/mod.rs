//! # Views: pure functions from the app state to a frame
//!
//! Nothing here changes state or does I/O, so every screen can be rendered into ratatui's
//! `TestBackend` and checked cell by cell. Marks and bars use ASCII only: characters of
//! "ambiguous" East Asian width (•, █, ✓, …) take two columns in many Japanese terminals
//! and would break the alignment that unicode-width promises.

mod backup;
mod doctor;
mod folders;
pub(crate) mod local;
mod local_lines;
mod overview;
mod parts;
mod restore;
pub(crate) mod settings;
mod setup;
mod signin;
mod verify;
mod wrap;

use parts::{Theme, clean, wrapped};
use wrap::wrap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::layout::title_tabs;
use super::screen::Screen;

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
        None => app.keymap().rows(app.lang, area.width),
    };
    let [title, body, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(help_rows),
    ])
    .areas(area);
    render_title(app, frame, title);
    match app.screen {
        Screen::Setup => setup::render(&app.setup, app.lang, Theme::new(app.colour), frame, body),
        Screen::Overview => overview::render(app, frame, body),
        Screen::Folders => folders::render(app, frame, body),
        Screen::Backup => backup::render(app, frame, body),
        Screen::Verify => verify::render(app, frame, body),
        Screen::Doctor => doctor::render(app, frame, body),
        Screen::Settings => settings::render(app, frame, body),
        Screen::Local => {
            let look = local_lines::Look {
                local: &app.local,
                lang: app.lang,
                theme: Theme::new(app.colour),
            };
            local::render(look, frame, body);
        }
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
        Theme::new(app.colour).bad(),
    ))
}

fn render_title(app: &App, frame: &mut Frame, area: Rect) {
    let theme = Theme::new(app.colour);
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
        for (label, screen) in title_tabs(app.lang, &app.address, app.screen, area.width) {
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
    let theme = Theme::new(app.colour);
    // The question before quitting replaces the keys until it is answered (the overview
    // shows it in its phase line).
    // The question before quitting replaces the keys until it is answered, on every
    // screen, with as many rows as it needs.
    if let Some(line) = quit_question(app) {
        frame.render_widget(wrapped([line], area.width), area);
        return;
    }
    let lines: Vec<Line> = app
        .keymap()
        .lines(app.lang, area.width)
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

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;
