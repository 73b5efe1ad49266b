//! # Settings: what to type into a mail program for the new server, to copy or export

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::{Theme, clean};
use crate::settings::render_text;
use crate::tui::app::App;
use crate::tui::settings::{CLIENTS, PROTOCOLS, client_label, protocol_label};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let state = &app.settings;
    let [text_area, status] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let built = state.build(app.profile.as_deref(), &app.address);
    let lines: Vec<Line> = render_text(&built, lang)
        .lines()
        .map(|l| Line::raw(clean(l)))
        .collect();
    let title = format!(
        " {}: {}  {}: {} ",
        tr!(lang, "settings-protocol"),
        protocol_label(PROTOCOLS[state.protocol], lang),
        tr!(lang, "settings-mail-program"),
        client_label(CLIENTS[state.client], lang),
    );
    // Lines wider than the screen are cut, not wrapped: the tables keep their columns.
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((state.scroll, 0))
            .block(Block::bordered().title(title)),
        text_area,
    );
    let line = match &state.notice {
        Some(notice) => Line::styled(format!(" {}", clean(notice)), theme.ok()),
        None => Line::styled(tr!(lang, "settings-y-copy-the-tables-x"), theme.dim()),
    };
    frame.render_widget(Paragraph::new(line), status);
}
