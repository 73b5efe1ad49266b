//! # Raw (unencoded) header bytes to text
//!
//! Old Japanese mailers often wrote headers without RFC 2047: ISO-2022-JP escape sequences in
//! 7-bit headers, or 8-bit Shift_JIS / EUC-JP bytes. This module turns such bytes into UTF-8 by
//! a documented guess, so the envelope shows what the sender meant instead of U+FFFD.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;

/// `ESC $ B`, `ESC $ @` (JIS X 0208) and `ESC ( J` (JIS Roman) open ISO-2022-JP text.
const ISO_2022_JP_ESCAPES: [&[u8]; 3] = [b"\x1b$B", b"\x1b$@", b"\x1b(J"];

/// Decodes a raw header value to text.
///
/// * Bytes holding an ISO-2022-JP escape sequence are decoded as ISO-2022-JP.
/// * Valid UTF-8 (which includes plain ASCII and RFC 6532 headers) is used as it is.
/// * Other 8-bit bytes are decoded as Shift_JIS, EUC-JP and lossy UTF-8; the candidate with
///   the fewest replacement characters wins, and half-width katakana count as a small penalty
///   because EUC-JP read as Shift_JIS turns into exactly that. Ties prefer Shift_JIS, the
///   charset of the Windows mailers that wrote most raw 8-bit Japanese headers.
pub fn decode_raw_header(bytes: &[u8]) -> Cow<'_, str> {
    if has_iso_2022_jp_escape(bytes)
        && let Some(text) = decode_with("iso-2022-jp", bytes)
    {
        return Cow::Owned(text);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(guess_legacy_japanese(bytes)),
    }
}

fn has_iso_2022_jp_escape(bytes: &[u8]) -> bool {
    // Every escape starts with ESC; most headers have none, and one scan says so.
    bytes.contains(&0x1b)
        && ISO_2022_JP_ESCAPES
            .iter()
            .any(|esc| bytes.windows(esc.len()).any(|w| w == *esc))
}

fn decode_with(charset: &str, bytes: &[u8]) -> Option<String> {
    charset_decoder(charset.as_bytes()).map(|decode| decode(bytes))
}

fn guess_legacy_japanese(bytes: &[u8]) -> String {
    let lossy = String::from_utf8_lossy(bytes).into_owned();
    let mut best = (score(&lossy), lossy);
    // Later candidates replace the best only when strictly better, so order is the tie-break.
    for charset in ["euc-jp", "shift_jis"] {
        if let Some(text) = decode_with(charset, bytes) {
            let s = score(&text);
            if s <= best.0 {
                best = (s, text);
            }
        }
    }
    best.1
}

/// Lower is more plausible: replacement characters weigh ten, half-width katakana one.
fn score(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{FFFD}' => 10,
            '\u{FF61}'..='\u{FF9F}' => 1,
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_legacy_form() {
        let cases: &[(&str, &[u8], &str)] = &[
            ("ascii", b"Hello", "Hello"),
            ("utf-8", "会議のお知らせ".as_bytes(), "会議のお知らせ"),
            // 会議 in Shift_JIS.
            ("shift_jis", b"\x89\xef\x8b\x63", "会議"),
            // 会議 in EUC-JP.
            ("euc-jp", b"\xb2\xf1\xb5\xc4", "会議"),
            // テスト in ISO-2022-JP, surrounded by ASCII.
            ("iso-2022-jp", b"Re: \x1b$B%F%9%H\x1b(B ok", "Re: テスト ok"),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(decode_raw_header(bytes), *expected, "{name}");
        }
    }

    #[test]
    fn garbage_never_panics_and_yields_text() {
        let cases: &[&[u8]] = &[b"", b"\xff\xfe\xfd", b"\x1b$B", b"\x1b$B\xff", b"\x80"];
        for bytes in cases {
            let _ = decode_raw_header(bytes);
        }
    }
}
