//! # The pieces every view shares: colours, cutting and wrapping text, bars, hints
//!
//! Plain functions of their arguments; no view state. Marks and bars use ASCII only (see
//! the module above).

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::wrap::wrap;
use crate::i18n::Lang;

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
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    colour: bool,
}

impl Theme {
    /// `colour` false: no colours at all (NO_COLOR).
    pub fn new(colour: bool) -> Theme {
        Theme { colour }
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

/// A bordered box titled `title`.
pub(crate) fn block(title: String) -> Block<'static> {
    Block::bordered().title(title)
}

/// A box with the scroll hint, when there is one, after its title.
pub(crate) fn with_hint(block: Block<'static>, hint: Option<Line<'static>>) -> Block<'static> {
    match hint {
        Some(hint) => block.title(hint),
        None => block,
    }
}
