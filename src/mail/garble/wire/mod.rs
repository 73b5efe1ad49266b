//! # What a strict mail program makes of a Subject as written on the wire
//!
//! ikou's own decoder (mail-parser plus [`super::super::charset`]) is lenient: it reads an
//! encoded-word with a line fold inside it, a missing `?=`, an unknown charset (as UTF-8) and
//! raw 8-bit bytes. Outlook and Thunderbird do not repair all of these; they show the raw text.
//! This module reads the unfolded wire form strictly, the way RFC 2047 describes, and names the
//! first repair the text needs; `None` means a mail program shows it as ikou does.
//!
//! ## The strict reading
//! * An encoded-word is `=?charset?B|Q?text?=` with no white space inside. White space
//!   between two encoded-words is dropped (legal folding). Adjacent words in the same charset
//!   are decoded together, as Thunderbird does, so a multi-byte character split across two
//!   words is not a defect.
//! * Repairs, in the order they are looked for:
//!   1. [`Defect::FoldInsideEncodedWord`]: white space inside the encoded text, the word
//!      closing with `?=` after it (a fold written inside the word);
//!   2. [`Defect::MissingEncodedWordEnd`]: a word that never reaches its `?=`;
//!   3. [`Defect::InvalidEncodedText`]: text that is not Base64 / Q;
//!   4. [`Defect::MissingCharset`] (`=??B?…?=`) and [`Defect::UnknownCharset`];
//!   5. [`Defect::WrongCharset`]: the bytes are not text in the declared charset (invalid
//!      UTF-8, ISO-2022-JP escapes, or for other charsets U+FFFD, control characters or one
//!      of the Latin-1 misreadings of [`super::subject_defect`]). Valid UTF-8 holding U+FFFD
//!      or mojibake was written that way: no repair helps, and `subject_defect` names it;
//!   6. [`Defect::Raw8Bit`]: text outside encoded-words that is not 7-bit ASCII (raw UTF-8,
//!      Shift_JIS, EUC-JP or ISO-2022-JP written without RFC 2047);
//!   7. [`Defect::DoubleEncoded`]: the strictly decoded text still holds an encoded-word.

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use mail_parser::decoders::charsets::map::charset_decoder;

use super::{Defect, has_encoded_word, subject_defect};

/// Base64 as mail writers produce it: padding optional, the final bits not checked.
const LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// One piece of the unfolded Subject.
enum Piece<'a> {
    /// Text outside encoded-words, white space included.
    Text(&'a str),
    /// A well-formed encoded-word: its charset (without `*language`) and decoded bytes.
    Word { charset: &'a str, bytes: Vec<u8> },
}

/// The first repair the unfolded wire form of a Subject needs before a strict mail program
/// shows what ikou's lenient decoder shows; `None` when it needs none.
pub fn subject_repair(raw: &str) -> Option<Defect> {
    let pieces = match split(raw) {
        Ok(pieces) => pieces,
        Err(defect) => return Some(defect),
    };
    let mut text = String::new();
    let mut k = 0;
    while k < pieces.len() {
        match &pieces[k] {
            Piece::Text(t) => {
                let between_words = t.chars().all(char::is_whitespace)
                    && k > 0
                    && matches!(pieces.get(k + 1), Some(Piece::Word { .. }))
                    && matches!(pieces[k - 1], Piece::Word { .. });
                if !between_words {
                    if t.chars()
                        .any(|c| !c.is_ascii() || (c.is_ascii_control() && c != '\t'))
                    {
                        return Some(Defect::Raw8Bit);
                    }
                    text.push_str(t);
                }
                k += 1;
            }
            Piece::Word { charset, .. } => {
                // This word and every following one in the same charset with only white space
                // between them.
                let mut words: Vec<&[u8]> = Vec::new();
                let mut end = k;
                while let Some(Piece::Word { charset: c, bytes }) = pieces.get(end) {
                    if !c.eq_ignore_ascii_case(charset) {
                        break;
                    }
                    words.push(bytes);
                    end += 1;
                    let blank = matches!(pieces.get(end), Some(Piece::Text(t)) if t.chars().all(char::is_whitespace));
                    let same_next = matches!(pieces.get(end + 1), Some(Piece::Word { charset: c2, .. }) if c2.eq_ignore_ascii_case(charset));
                    if blank && same_next {
                        end += 1;
                    }
                }
                match decode_run(charset, &words) {
                    Ok(decoded) => text.push_str(&decoded),
                    Err(defect) => return Some(defect),
                }
                k = end;
            }
        }
    }
    has_encoded_word(&text).then_some(Defect::DoubleEncoded)
}

/// Decodes a run of adjacent encoded-words in one charset: each word alone (RFC 2047), or,
/// when that fails, their bytes joined (a character split across two words, which
/// Thunderbird reads). The first reading's defect is the one named when both fail.
fn decode_run(charset: &str, words: &[&[u8]]) -> Result<String, Defect> {
    let alone: Result<String, Defect> = words.iter().map(|w| decode_strictly(charset, w)).collect();
    match alone {
        Ok(text) => Ok(text),
        Err(defect) if words.len() > 1 => {
            decode_strictly(charset, &words.concat()).map_err(|_| defect)
        }
        Err(defect) => Err(defect),
    }
}

/// Decodes the bytes of encoded-words in `charset`, or names why a strict reader cannot.
fn decode_strictly(charset: &str, bytes: &[u8]) -> Result<String, Defect> {
    if charset.is_empty() {
        return Err(Defect::MissingCharset);
    }
    let lower = charset.to_ascii_lowercase();
    if matches!(lower.as_str(), "utf-8" | "utf8") {
        // Valid UTF-8 is what it says; U+FFFD or mojibake in it was written that way, and
        // [`subject_defect`] names it. Only ISO-2022-JP escapes show a wrong label.
        let text = String::from_utf8(bytes.to_vec()).map_err(|_| Defect::WrongCharset)?;
        return if text.contains('\u{1b}') {
            Err(Defect::WrongCharset)
        } else {
            Ok(text)
        };
    }
    let text = if matches!(lower.as_str(), "us-ascii" | "ascii") {
        if !bytes.is_ascii() {
            return Err(Defect::WrongCharset);
        }
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        let decode = charset_decoder(charset.as_bytes()).ok_or(Defect::UnknownCharset)?;
        decode(bytes)
    };
    let visible_garbage = text.contains('\u{FFFD}')
        || text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
        || matches!(
            subject_defect(&text),
            Some(Defect::Utf8AsLatin1 | Defect::ShiftJisAsLatin1 | Defect::Iso2022JpEscape)
        );
    if visible_garbage {
        return Err(Defect::WrongCharset);
    }
    Ok(text)
}

/// Splits the unfolded Subject into text and encoded-words, or names the structural repair
/// (fold inside a word, missing `?=`, invalid encoded text) the first broken word needs.
fn split(raw: &str) -> Result<Vec<Piece<'_>>, Defect> {
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(found) = raw.get(at..).and_then(|rest| rest.find("=?")) {
        let start = at + found;
        let Some((charset, encoding, body)) = word_prefix(raw, start) else {
            at = start + 2;
            continue;
        };
        let Some(close) = raw.get(body..).and_then(|rest| rest.find("?=")) else {
            return Err(Defect::MissingEncodedWordEnd);
        };
        let encoded = raw.get(body..body + close).unwrap_or("");
        if encoded.contains(char::is_whitespace) {
            // A fold inside the word if what follows the white space still belongs to it:
            // no new encoded-word starts before the `?=`.
            let Some((head, _)) = encoded.split_once(char::is_whitespace) else {
                return Err(Defect::MissingEncodedWordEnd);
            };
            let tail = encoded.get(head.len()..).unwrap_or("");
            let looks_encoded = |s: &str| {
                s.split_whitespace()
                    .all(|part| valid_encoded_text(encoding, part))
            };
            return Err(
                if !head.is_empty() && !tail.contains("=?") && looks_encoded(encoded) {
                    Defect::FoldInsideEncodedWord
                } else {
                    Defect::MissingEncodedWordEnd
                },
            );
        }
        if !valid_encoded_text(encoding, encoded) {
            return Err(Defect::InvalidEncodedText);
        }
        let bytes = decode_word(encoding, encoded).ok_or(Defect::InvalidEncodedText)?;
        if text_start < start {
            pieces.push(Piece::Text(raw.get(text_start..start).unwrap_or("")));
        }
        pieces.push(Piece::Word { charset, bytes });
        at = body + close + 2;
        text_start = at;
    }
    if text_start < raw.len() {
        pieces.push(Piece::Text(raw.get(text_start..).unwrap_or("")));
    }
    Ok(pieces)
}

/// `=?charset?E?` at `start`: the charset without its RFC 2231 `*language`, the encoding
/// letter (upper case) and where the encoded text begins. `None` when this `=?` does not open
/// an encoded-word (plain text such as `a =? b`).
fn word_prefix(raw: &str, start: usize) -> Option<(&str, char, usize)> {
    let rest = raw.get(start + 2..)?;
    let (charset, after) = rest.split_once('?')?;
    let token = |c: char| c.is_ascii_alphanumeric() || "-_.:*!#$%&'+^`{|}~".contains(c);
    if charset.len() > 40 || !charset.chars().all(token) {
        return None;
    }
    let mut chars = after.chars();
    let encoding = chars.next()?.to_ascii_uppercase();
    if !matches!(encoding, 'B' | 'Q') || chars.next() != Some('?') {
        return None;
    }
    let charset = charset.split_once('*').map_or(charset, |(c, _)| c);
    Some((charset, encoding, start + 2 + charset_len(rest) + 3))
}

/// Length of the charset field (up to its `?`), language included.
fn charset_len(rest: &str) -> usize {
    rest.find('?').unwrap_or(rest.len())
}

fn valid_encoded_text(encoding: char, text: &str) -> bool {
    match encoding {
        'B' => text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')),
        _ => text.chars().all(|c| c.is_ascii_graphic() && c != '?'),
    }
}

fn decode_word(encoding: char, text: &str) -> Option<Vec<u8>> {
    match encoding {
        'B' => LENIENT_PADDING.decode(text.trim_end_matches('=')).ok(),
        _ => decode_q(text),
    }
}

/// RFC 2047 "Q": `_` is a space, `=XX` a byte.
fn decode_q(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut k = 0;
    while k < bytes.len() {
        match bytes[k] {
            b'_' => out.push(b' '),
            b'=' => {
                let hex = text.get(k + 1..k + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                k += 2;
            }
            b => out.push(b),
        }
        k += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests;
