//! # The device code sign-in dialog
//!
//! Drawn over the current screen while a server task waits for the person to sign in to
//! Microsoft 365 in a browser: the page to open, the code in large spaced letters (it is
//! typed by hand, often on a phone), the time left, and the keys that copy both (OSC 52).

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear};

use super::parts::{Theme, clean, inside, wrapped};
use crate::tui::app::App;
use crate::tui::protocol::DeviceCode;

/// The code with a space between letters: easier to read off and type.
pub fn spaced(code: &str) -> String {
    let mut out = String::new();
    for (i, c) in code.chars().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `m:ss`.
pub fn countdown(seconds: u64) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

pub fn render(app: &App, device: &DeviceCode, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let width = area.width.saturating_sub(4).min(72);
    let height = area.height.min(12);
    let dialog = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let code = Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED);
    let lines = vec![
        Line::raw(tr!(lang, "signin-dialog-open")),
        Line::styled(
            format!("   {}", clean(&device.verification_uri)),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        ),
        Line::default(),
        Line::raw(tr!(lang, "signin-dialog-code")),
        Line::default(),
        Line::styled(format!("  {}  ", spaced(&clean(&device.user_code))), code)
            .alignment(Alignment::Center),
        Line::default(),
        Line::styled(
            tr!(
                lang,
                "signin-dialog-waiting",
                time = countdown(device.remaining_secs)
            ),
            theme.busy(),
        ),
        Line::styled(tr!(lang, "signin-dialog-keys"), theme.dim()),
    ];
    frame.render_widget(Clear, dialog);
    frame.render_widget(
        wrapped(lines, inside(dialog)).block(
            Block::default()
                .borders(Borders::ALL)
                .title(format!(" {} ", tr!(lang, "signin-dialog-title"))),
        ),
        dialog,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_and_time_read_easily() {
        assert_eq!(spaced("BCDF-GHJK"), "B C D F - G H J K");
        assert_eq!(countdown(899), "14:59");
        assert_eq!(countdown(5), "0:05");
    }
}
