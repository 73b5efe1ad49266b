//! # Text laid out for a terminal's width
//!
//! Lines are measured in display columns (a Japanese character takes two), broken at spaces
//! where there are any and anywhere in a run without spaces (Japanese has none), and
//! continuation lines get a hanging indent.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width to lay text out for: `COLUMNS` when set, else the terminal's width when stdout
/// is a terminal, else 80. Never below 40 columns.
pub fn terminal_width() -> usize {
    use std::io::IsTerminal;
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    let width = from_env
        .or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(crossterm::terminal::size)
                .and_then(Result::ok)
                .map(|(columns, _)| usize::from(columns))
                .filter(|c| *c > 0)
        })
        .unwrap_or(80);
    width.max(40)
}

/// `text` broken into lines no wider than `width` columns. The first line starts with
/// `first`, the others with `rest` (both count towards the width).
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_string();
    let mut prefix_width = first.width();
    let mut used = prefix_width;
    // Byte index in `line` just after the last space, and the width up to it.
    let mut last_space: Option<(usize, usize)> = None;
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let w = c.width().unwrap_or(0);
        if used + w > width && used > prefix_width {
            let (head, tail) = match last_space {
                // A space where the line is full: the line ends here.
                _ if c == ' ' => (line.trim_end().to_string(), String::new()),
                // Break at the last space unless that leaves the line less than half
                // full (Japanese text has few spaces and breaks anywhere).
                Some((at, upto)) if at > 0 && (upto - prefix_width) * 2 >= width - prefix_width => {
                    let tail = line[at..].to_string();
                    line.truncate(at);
                    (line.trim_end().to_string(), tail)
                }
                _ => (line.trim_end().to_string(), String::new()),
            };
            lines.push(head);
            line = format!("{rest}{tail}");
            prefix_width = rest.width();
            used = line.width();
            last_space = None;
            if c == ' ' && line.width() == prefix_width {
                continue;
            }
        }
        line.push(c);
        used += w;
        if c == ' ' {
            last_space = Some((line.len(), used));
        }
    }
    let line = line.trim_end().to_string();
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts `text` to at most `width` columns, ending with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_breaks_at_spaces_with_a_hanging_indent() {
        let lines = wrap("one two three four five six", 12, "- ", "  ");
        assert_eq!(lines, ["- one two", "  three four", "  five six"]);
    }

    #[test]
    fn japanese_breaks_anywhere_by_display_width() {
        let lines = wrap("新サーバにありません新サーバにありません", 10, "", "  ");
        assert!(lines.iter().all(|l| l.width() <= 10), "{lines:?}");
        assert_eq!(
            lines.concat().replace(' ', ""),
            "新サーバにありません新サーバにありません"
        );
    }

    #[test]
    fn a_word_longer_than_the_line_is_cut() {
        let lines = wrap("x".repeat(25).as_str(), 10, "", "");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.width() <= 10));
    }

    #[test]
    fn fit_cuts_by_columns() {
        assert_eq!(fit("送信済みトレイ", 7), "送信済…");
        assert_eq!(fit("Sent", 7), "Sent");
    }
}
