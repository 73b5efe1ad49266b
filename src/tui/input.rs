//! # A one-line text field
//!
//! Enough editing for a path, an address or a password: insert at the cursor, Backspace,
//! Delete, Left/Right/Home/End. A masked field renders as one `*` per character, so the
//! password itself never reaches the screen buffer.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::secret::Secret;

#[derive(Clone, Default)]
pub struct Input {
    text: String,
    /// Cursor position in characters (not bytes: Japanese input is multi-byte).
    cursor: usize,
    pub masked: bool,
}

/// A masked field's text never reaches a log or a panic message either.
impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = if self.masked {
            "***"
        } else {
            self.text.as_str()
        };
        f.debug_struct("Input")
            .field("text", &text)
            .field("cursor", &self.cursor)
            .field("masked", &self.masked)
            .finish()
    }
}

impl Input {
    pub fn new(text: &str) -> Input {
        Input {
            text: text.to_string(),
            cursor: text.chars().count(),
            masked: false,
        }
    }

    pub fn masked() -> Input {
        Input {
            masked: true,
            ..Input::default()
        }
    }

    pub fn value(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.chars().count();
    }

    /// Takes the typed value out as a secret and clears the field.
    pub fn take_secret(&mut self) -> Option<Secret> {
        if self.text.is_empty() {
            return None;
        }
        self.cursor = 0;
        Some(Secret::new(std::mem::take(&mut self.text)))
    }

    /// What the screen shows: the text, or one bullet per character when masked.
    pub fn display(&self) -> String {
        if self.masked {
            "*".repeat(self.text.chars().count())
        } else {
            self.text.clone()
        }
    }

    /// The cursor's column offset in the displayed text (display width, for CJK).
    pub fn cursor_column(&self) -> usize {
        use unicode_width::UnicodeWidthStr;
        let shown = self.display();
        let prefix: String = shown.chars().take(self.cursor).collect();
        prefix.width()
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor == 0 {
            return;
        }
        self.cursor -= 1;
        let at = self.byte_at(self.cursor);
        self.text.remove(at);
    }

    pub fn delete(&mut self) {
        if self.cursor < self.text.chars().count() {
            let at = self.byte_at(self.cursor);
            self.text.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.chars().count();
    }
}

impl Input {
    /// Applies an editing key (characters, Backspace, Delete, arrows, Home, End).
    pub fn edit(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => self.insert(c),
            KeyCode::Backspace => self.backspace(),
            KeyCode::Delete => self.delete(),
            KeyCode::Left => self.left(),
            KeyCode::Right => self.right(),
            KeyCode::Home => self.home(),
            KeyCode::End => self.end(),
            _ => {}
        }
    }
}

/// A path as a person types it: trimmed, `~` and `~/…` taken from `$HOME`, and a relative
/// path made absolute from the current directory, so that what is saved still works later.
pub fn typed_path(text: &str) -> PathBuf {
    let text = text.trim();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = match (text.strip_prefix('~'), home) {
        (Some(""), Some(home)) => home,
        (Some(rest), Some(home)) if rest.starts_with('/') => {
            home.join(rest.trim_start_matches('/'))
        }
        _ => PathBuf::from(text),
    };
    if path.is_relative() && !text.is_empty() {
        std::env::current_dir()
            .map(|dir| dir.join(&path))
            .unwrap_or(path)
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_multibyte_text_at_the_cursor() {
        let mut input = Input::new("太郎");
        input.left();
        input.insert('x');
        assert_eq!(input.value(), "太x郎");
        assert_eq!(input.cursor_column(), 3);
        input.backspace();
        input.backspace();
        assert_eq!(input.value(), "郎");
        input.end();
        input.delete();
        assert_eq!(input.value(), "郎");
    }

    #[test]
    fn masked_input_never_displays_the_text() {
        let mut input = Input::masked();
        for c in "hunter2".chars() {
            input.insert(c);
        }
        assert_eq!(input.display(), "*******");
        assert!(!format!("{input:?}").contains("hunter2"));
        assert_eq!(
            input
                .take_secret()
                .map(|s| s.expose().to_string())
                .as_deref(),
            Some("hunter2")
        );
        assert!(input.is_empty());
    }
}
