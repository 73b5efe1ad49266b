//! # Settings: what to type into a mail program for the new server, to copy or export

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::parts::{Theme, clean, scroll_hint};
use super::wrap::wrap;
use crate::i18n::Lang;
use crate::settings::{ClientSettings, render_text};
use crate::tui::app::App;
use crate::tui::settings::{CLIENTS, PROTOCOLS, client_label, protocol_label};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let state = &app.settings;
    let [text_area, status] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let built = state.build(app.profile.as_deref(), &app.address);
    let lines = lines(&built, lang, text_area.width.saturating_sub(2));
    let fit = usize::from(text_area.height.saturating_sub(2)).max(1);
    let first = usize::from(state.scroll).min(lines.len().saturating_sub(fit));
    let hint = scroll_hint(lang, first, fit, lines.len(), "Up/Dn PgUp/PgDn");
    let title = format!(
        " {}: {}  {}: {} ",
        tr!(lang, "settings-protocol"),
        protocol_label(PROTOCOLS[state.protocol], lang),
        tr!(lang, "settings-mail-program"),
        client_label(CLIENTS[state.client], lang),
    );
    let mut block = Block::bordered().title(title);
    if let Some(hint) = hint {
        block = block.title(hint);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((u16::try_from(first).unwrap_or(u16::MAX), 0))
            .block(block),
        text_area,
    );
    let line = match &state.notice {
        Some(notice) => Line::styled(format!(" {}", clean(notice)), theme.ok()),
        None => Line::styled(tr!(lang, "settings-y-copy-the-tables-x"), theme.dim()),
    };
    frame.render_widget(Paragraph::new(line), status);
}

/// The settings text as shown `width` cells wide. Table rows (columns two spaces apart) are
/// cut at the edge so they keep their columns; every other line (headings, notes) is
/// wrapped, notes with a hanging indent.
fn lines(built: &ClientSettings, lang: Lang, width: u16) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    for text in render_text(built, lang).lines() {
        let text = clean(text);
        if text.trim_start().contains("  ") {
            lines.push(Line::raw(text));
        } else if let Some(note) = text.strip_prefix("- ") {
            for (i, line) in wrap([Line::raw(note.to_string())], width.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                let mut spans = vec![Span::raw(if i == 0 { "- " } else { "  " })];
                spans.extend(line.spans);
                lines.push(Line::from(spans));
            }
        } else {
            lines.extend(wrap([Line::raw(text)], width));
        }
    }
    lines
}

/// The furthest the settings text `built` scrolls on a terminal of `size` with `help` rows
/// of help (its last page full).
pub fn max_scroll(built: &ClientSettings, lang: Lang, size: (u16, u16), help: u16) -> u16 {
    let (width, height) = size;
    // Title bar, help, the status line and the box's borders.
    let fit = usize::from(height.saturating_sub(1 + help + 1 + 2)).max(1);
    let total = lines(built, lang, width.saturating_sub(2)).len();
    u16::try_from(total.saturating_sub(fit)).unwrap_or(u16::MAX)
}
