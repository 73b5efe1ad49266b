//! Driving the full-screen view headless in tests: keys in, the screen out as text.
#![allow(dead_code)]

use ikou::tui::Driver;
use ikou::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn press(driver: &mut Driver, code: KeyCode) {
    driver.key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn type_text(driver: &mut Driver, text: &str) {
    for c in text.chars() {
        press(driver, KeyCode::Char(c));
    }
}

/// The screen as text at `width` x `height`, one line per row, wide characters counted once.
pub fn screen_at(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| ikou::tui::view::render(app, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    let mut lines = Vec::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buffer.area.width {
            let symbol = buffer[(x, y)].symbol();
            line.push_str(symbol);
            x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
        }
        lines.push(line);
    }
    lines.join("\n")
}
