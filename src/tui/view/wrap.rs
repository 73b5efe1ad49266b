//! # Wrapping by display width, Japanese included
//!
//! ratatui's word wrapper treats a run of Japanese without spaces as one word and can return
//! a line one column wider than its area when a wide character lands on the last column
//! (ratatui issue #2679): the character then covers the box's right border. Text here is
//! wrapped before it reaches a `Paragraph`: lines never exceed the width, English breaks at
//! spaces, Japanese between any two characters except before closing punctuation and small
//! kana or after an opening bracket (the usual line-breaking rules, kinsoku), and a word longer
//! than the line is cut at a character boundary. [`clip_wide`] then makes sure that no wide
//! character drawn by any widget hides a cell drawn after it.

use ratatui::buffer::Buffer;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// One grapheme with its style and width in cells.
struct Piece {
    symbol: String,
    style: Style,
    width: usize,
}

impl Piece {
    fn is_space(&self) -> bool {
        self.symbol.chars().all(char::is_whitespace)
    }
    fn first(&self) -> char {
        self.symbol.chars().next().unwrap_or(' ')
    }
    fn last(&self) -> char {
        self.symbol.chars().last().unwrap_or(' ')
    }
}

/// Characters that may not begin a line (closing brackets, punctuation, small kana, the long
/// vowel mark, iteration marks).
fn no_break_before(c: char) -> bool {
    matches!(
        c,
        '、' | '。'
            | '，'
            | '．'
            | '・'
            | '：'
            | '；'
            | '？'
            | '！'
            | '」'
            | '』'
            | '）'
            | '］'
            | '｝'
            | '】'
            | '〕'
            | '〉'
            | '》'
            | '〙'
            | '〗'
            | '”'
            | '’'
            | 'ー'
            | '々'
            | 'ゝ'
            | 'ゞ'
            | 'ヽ'
            | 'ヾ'
            | '…'
            | '‥'
            | 'ぁ'
            | 'ぃ'
            | 'ぅ'
            | 'ぇ'
            | 'ぉ'
            | 'っ'
            | 'ゃ'
            | 'ゅ'
            | 'ょ'
            | 'ゎ'
            | 'ゕ'
            | 'ゖ'
            | 'ァ'
            | 'ィ'
            | 'ゥ'
            | 'ェ'
            | 'ォ'
            | 'ッ'
            | 'ャ'
            | 'ュ'
            | 'ョ'
            | 'ヮ'
            | 'ヵ'
            | 'ヶ'
            | ')'
            | ']'
            | '}'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | '%'
    )
}

/// Characters that may not end a line (opening brackets).
fn no_break_after(c: char) -> bool {
    matches!(
        c,
        '「' | '『'
            | '（'
            | '［'
            | '｛'
            | '【'
            | '〔'
            | '〈'
            | '《'
            | '〘'
            | '〖'
            | '“'
            | '‘'
            | '('
            | '['
            | '{'
    )
}

/// Whether a line may break between `before` and `after` (both not white space).
fn may_break_between(before: &Piece, after: &Piece) -> bool {
    if before.width < 2 && after.width < 2 {
        // Two narrow characters: inside a word.
        return false;
    }
    !no_break_before(after.first()) && !no_break_after(before.last())
}

/// Wraps `lines` to `width` cells. Every returned line is at most `width` cells wide; lines
/// keep their alignment, spans their style. White space where a line breaks is dropped.
pub fn wrap<'a>(lines: impl IntoIterator<Item = Line<'a>>, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let mut out = Vec::new();
    for line in lines {
        let alignment = line.alignment;
        let pieces: Vec<Piece> = line
            .styled_graphemes(Style::default())
            .filter_map(|g| {
                let w = g.symbol.width();
                // Zero-width pieces (combining marks stand alone only when broken) are dropped.
                (w > 0 || g.symbol.chars().all(char::is_whitespace)).then(|| Piece {
                    symbol: if g.symbol.contains(['\t', '\n', '\r']) {
                        " ".to_string()
                    } else {
                        g.symbol.to_string()
                    },
                    style: g.style,
                    width: w.max(usize::from(g.symbol.chars().all(char::is_whitespace))),
                })
            })
            .collect();
        for mut pieces in wrap_pieces(pieces, width) {
            // Trailing white space never counts against the width.
            while pieces.last().is_some_and(Piece::is_space) && pieces.len() > 1 {
                pieces.pop();
            }
            let mut built = Line::from(spans(pieces));
            built.alignment = alignment;
            out.push(built);
        }
    }
    out
}

/// The greedy line breaker over one logical line.
fn wrap_pieces(pieces: Vec<Piece>, width: usize) -> Vec<Vec<Piece>> {
    if width == 0 {
        return Vec::new();
    }
    let mut lines: Vec<Vec<Piece>> = Vec::new();
    let mut current: Vec<Piece> = Vec::new();
    let mut used = 0usize;
    // The index in `current` where the line may break last (the rest moves down).
    let mut last_break: Option<usize> = None;
    for piece in pieces {
        if piece.width > width {
            // Wider than the whole line (a wide character in a one-column box): left out.
            continue;
        }
        if piece.is_space() {
            if current.is_empty() && !lines.is_empty() {
                // A continuation line does not start with the space it broke at.
                continue;
            }
            if used + piece.width > width {
                // The space ends the line.
                lines.push(std::mem::take(&mut current));
                used = 0;
                last_break = None;
                continue;
            }
            used += piece.width;
            current.push(piece);
            last_break = Some(current.len());
            continue;
        }
        if let Some(prev) = current.last()
            && !prev.is_space()
            && may_break_between(prev, &piece)
        {
            last_break = Some(current.len());
        }
        if used + piece.width > width {
            let at = match last_break {
                Some(at) if at > 0 => at,
                _ => current.len(),
            };
            let rest = current.split_off(at);
            lines.push(std::mem::take(&mut current));
            current = rest
                .into_iter()
                .skip_while(Piece::is_space)
                .collect::<Vec<_>>();
            used = current.iter().map(|p| p.width).sum();
            last_break = None;
            // The moved tail may still hold break points (a kinsoku pair kept together).
            for i in 1..current.len() {
                let (a, b) = (&current[i - 1], &current[i]);
                if a.is_space() || (!b.is_space() && may_break_between(a, b)) {
                    last_break = Some(i);
                }
            }
            if used + piece.width > width {
                // The kept-together tail leaves no room: cut it at a character boundary.
                lines.push(std::mem::take(&mut current));
                used = 0;
                last_break = None;
            }
        }
        used += piece.width;
        current.push(piece);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

fn spans(pieces: Vec<Piece>) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    for piece in pieces {
        match spans.last_mut() {
            Some(span) if span.style == piece.style => {
                span.content.to_mut().push_str(&piece.symbol);
            }
            _ => spans.push(Span::styled(piece.symbol, piece.style)),
        }
    }
    spans
}

/// Clips at cell boundaries: a wide character whose second cell was drawn over by something
/// else (a border, a dialog) or lies outside the screen is replaced by a blank. Terminals
/// would otherwise show the character and hide what was drawn after it, and ratatui's diff
/// would never redraw the hidden cell.
pub fn clip_wide(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let width = buf[(x, y)].symbol().width();
            if width > 1 {
                let end = x.saturating_add(u16::try_from(width).unwrap_or(u16::MAX));
                let covered = end > area.right()
                    || (x + 1..end).any(|h| !matches!(buf[(h, y)].symbol(), " " | ""));
                if covered {
                    buf[(x, y)].set_symbol(" ");
                    x += 1;
                    continue;
                }
                x = end;
                continue;
            }
            x += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str, width: u16) -> Vec<String> {
        wrap([Line::raw(text.to_string())], width)
            .into_iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn japanese_breaks_between_characters_and_never_exceeds_the_width() {
        let text = "「INBOX.送信済みトレイ」の 2 通が新サーバにありません、「INBOX」の 1 通がサイズ超過で未移行、「研究室/学会」で件名の文字化け 1 通、「INBOX」に重複 1 通";
        for width in 1..=120u16 {
            let lines = texts(text, width);
            for line in &lines {
                assert!(line.width() <= usize::from(width), "{width}: {line:?}");
            }
            let joined: String = lines.concat().split_whitespace().collect();
            let want: String = text.split_whitespace().collect();
            if width >= 2 {
                assert_eq!(joined, want, "nothing lost at {width}");
            }
        }
        // The first line is filled: the Japanese run is not moved down as one word.
        let lines = texts(text, 80);
        assert!(lines[0].width() >= 75, "{lines:?}");
    }

    #[test]
    fn closing_punctuation_never_begins_a_line_and_opening_never_ends_one() {
        for width in 8..60u16 {
            let text = "新サーバーにありません、「受信トレイ」の「重複」です。ショートメッセージ。";
            let lines = texts(text, width);
            for (i, line) in lines.iter().enumerate() {
                let first = line.chars().next().unwrap_or(' ');
                let last = line.chars().last().unwrap_or(' ');
                if i > 0 {
                    assert!(!no_break_before(first), "{width}: {lines:?}");
                }
                if i + 1 < lines.len() {
                    assert!(!no_break_after(last), "{width}: {lines:?}");
                }
            }
        }
    }

    #[test]
    fn english_breaks_at_spaces_and_cuts_only_words_longer_than_the_line() {
        assert_eq!(
            texts("Both servers are only read; nothing is changed.", 20),
            ["Both servers are", "only read; nothing", "is changed."]
        );
        assert_eq!(texts("abcdefghij klm", 4), ["abcd", "efgh", "ij", "klm"]);
        assert_eq!(texts("", 10), [""]);
    }

    #[test]
    fn styles_survive_the_wrap() {
        let line = Line::from(vec![
            Span::styled("旧サーバー: ", Style::default().bold()),
            Span::raw("接続中です。しばらくお待ちください。"),
        ]);
        let lines = wrap([line], 12);
        assert_eq!(lines[0].spans[0].content.trim_end(), "旧サーバー:");
        assert!(
            lines[0].spans[0]
                .style
                .add_modifier
                .contains(ratatui::style::Modifier::BOLD)
        );
        assert!(lines.iter().all(|l| l.width() <= 12));
    }

    #[test]
    fn a_wide_character_over_a_border_is_clipped() {
        use ratatui::layout::Rect;
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf[(5, 0)].set_symbol("│");
        buf[(4, 0)].set_symbol("検");
        buf[(0, 0)].set_symbol("旧");
        clip_wide(&mut buf);
        assert_eq!(buf[(4, 0)].symbol(), " ");
        assert_eq!(buf[(5, 0)].symbol(), "│");
        assert_eq!(
            buf[(0, 0)].symbol(),
            "旧",
            "a wide character with room stays"
        );
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf[(2, 0)].set_symbol("検");
        clip_wide(&mut buf);
        assert_eq!(buf[(2, 0)].symbol(), " ", "half outside the screen");
    }
}
