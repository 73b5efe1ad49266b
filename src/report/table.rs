//! # A plain-text table aligned by display width

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// Rows of cells with a header line; render pads by display width, not by chars or bytes.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    aligns: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            aligns: columns.iter().map(|(_, a)| *a).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row. Control characters are replaced, because cells carry text from mail
    /// headers and an escape sequence in a subject must not reach the terminal.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| sanitise(&c)).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The display width of the widest rendered line.
    pub fn width(&self) -> usize {
        self.render().lines().map(|l| l.width()).max().unwrap_or(0)
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                let pad = width.saturating_sub(cell.width());
                if i > 0 {
                    text.push_str("  ");
                }
                match self.aligns[i] {
                    Align::Left => {
                        text.push_str(cell);
                        text.push_str(&" ".repeat(pad));
                    }
                    Align::Right => {
                        text.push_str(&" ".repeat(pad));
                        text.push_str(cell);
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.headers);
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(&rule);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// Replaces control characters (ESC, CR, BEL, ...) with U+FFFD so text is inert.
pub fn sanitise(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let mut table = Table::new(&[("Subject", Align::Left)]);
        table.row(vec!["\u{1b}[31mred\u{7}".into()]);
        assert!(!table.render().contains('\u{1b}'));
        assert!(table.render().contains("\u{FFFD}[31mred\u{FFFD}"));
    }

    #[test]
    fn japanese_cells_align_by_display_width() {
        let mut table = Table::new(&[("Folder", Align::Left), ("Count", Align::Right)]);
        table.row(vec!["送信済みトレイ".into(), "12".into()]);
        table.row(vec!["INBOX".into(), "3".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Folder          Count");
        assert_eq!(lines[2], "送信済みトレイ     12");
        assert_eq!(lines[3], "INBOX               3");
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{widths:?}");
    }
}
