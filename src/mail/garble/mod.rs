//! # Subject garbling: did the migration break a subject?
//!
//! The Live@edu incident (seed 004) left about a thousand subjects as undecoded BASE64
//! encoded-words after the provider's copy. This module compares a message's subject on the old
//! and the new server and names what went wrong, separating migration damage from subjects that
//! were already broken on the old server.
//!
//! Judged by what a mail program shows: a subject clean on old that a strict reader (Outlook,
//! Thunderbird) can only show after a repair ikou's lenient decoder makes silently (a fold
//! inside an encoded-word, a missing `?=`, a wrong or missing charset, raw 8-bit, double
//! encoding) is garbled, named by that repair ([`wire`]).
//!
//! ## Heuristics ([`subject_defect`])
//! Checked in this order on the decoded subject; the first that fires names the defect.
//! 1. **Undecoded encoded-word**: `=?charset?B?` or `=?charset?Q?` still present as text
//!    (the closing `?=` is not required, since a broken word often lost it).
//! 2. **Replacement character** U+FFFD: some bytes could not be decoded.
//! 3. **ISO-2022-JP escapes visible**: an ESC character, or the escape sequences with the ESC
//!    stripped (`$B` … `(B` around at least two 7-bit JIS characters, e.g. `$B2q5D(B`).
//! 4. **C1 control characters** U+0080–U+009F: they never occur in real text, but Shift_JIS
//!    lead bytes decoded as ISO-8859-1 land exactly there.
//! 5. **UTF-8 read as Latin-1**: every character fits in one Windows-1252 byte, at least two are
//!    non-ASCII, and those bytes form valid UTF-8 (`ä¼šè­°` for 会議). Valid UTF-8 by chance
//!    is very unlikely for real Latin-1 text, so this rarely misfires.
//! 6. **Shift_JIS read as Latin-1**: the same bytes decode as Shift_JIS without error into at
//!    least three kana or kanji. Weaker: a French subject with three accented letters each
//!    followed by a letter could fire, which only matters when the subject also changed.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;
use serde::{Deserialize, Serialize};

use super::envelope::decode_text;
use crate::i18n::Lang;
use crate::model::MessageInfo;

/// What is visibly wrong with one decoded subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defect {
    UndecodedEncodedWord,
    ReplacementChar,
    Iso2022JpEscape,
    C1Control,
    Utf8AsLatin1,
    ShiftJisAsLatin1,
    // Repairs a strict mail program does not make (see [`wire`]).
    /// A line fold (white space) inside an encoded-word's text.
    FoldInsideEncodedWord,
    /// An encoded-word without its closing `?=`.
    MissingEncodedWordEnd,
    /// Encoded text that is not valid Base64 or Q.
    InvalidEncodedText,
    /// `=??B?…?=`: no charset named.
    MissingCharset,
    /// A charset no decoder knows (ikou reads it as UTF-8).
    UnknownCharset,
    /// The bytes are not text in the charset the word names.
    WrongCharset,
    /// Non-ASCII text written without RFC 2047 encoding.
    #[serde(rename = "raw_8bit")]
    Raw8Bit,
    /// An encoded-word whose decoded text is again an encoded-word.
    DoubleEncoded,
}

/// How a subject differs between old and new, and whose fault it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "garble", content = "defect", rename_all = "snake_case")]
pub enum GarbleKind {
    /// Clean on old, visibly broken on new: migration damage.
    OnNew(Defect),
    /// Clean on both, but the text differs beyond white space: migration damage.
    TextChanged,
    /// Differs, but the old subject was already broken: not the migration's fault.
    BrokenOnOld(Defect),
}

impl GarbleKind {
    /// True when the migration damaged the subject (a finding, not a note).
    pub fn is_migration_problem(&self) -> bool {
        !matches!(self, Self::BrokenOnOld(_))
    }

    /// One sentence for a report line.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::OnNew(defect) => {
                tr!(lang, "verify-garble-on-new", defect = defect.describe(lang))
            }
            Self::TextChanged => tr!(lang, "verify-garble-text-changed"),
            Self::BrokenOnOld(defect) => {
                tr!(
                    lang,
                    "verify-garble-broken-on-old",
                    defect = defect.describe(lang)
                )
            }
        }
    }
}

impl Defect {
    /// What is wrong, or which repair a mail program would have to make, in a few words.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::UndecodedEncodedWord => tr!(lang, "verify-defect-undecoded-encoded-word"),
            Self::ReplacementChar => tr!(lang, "verify-defect-replacement-char"),
            Self::Iso2022JpEscape => tr!(lang, "verify-defect-iso2022jp-escape"),
            Self::C1Control => tr!(lang, "verify-defect-c1-control"),
            Self::Utf8AsLatin1 => tr!(lang, "verify-defect-utf8-as-latin1"),
            Self::ShiftJisAsLatin1 => tr!(lang, "verify-defect-shift-jis-as-latin1"),
            Self::FoldInsideEncodedWord => tr!(lang, "verify-defect-fold-inside-encoded-word"),
            Self::MissingEncodedWordEnd => tr!(lang, "verify-defect-missing-encoded-word-end"),
            Self::InvalidEncodedText => tr!(lang, "verify-defect-invalid-encoded-text"),
            Self::MissingCharset => tr!(lang, "verify-defect-missing-charset"),
            Self::UnknownCharset => tr!(lang, "verify-defect-unknown-charset"),
            Self::WrongCharset => tr!(lang, "verify-defect-wrong-charset"),
            Self::Raw8Bit => tr!(lang, "verify-defect-raw-8bit"),
            Self::DoubleEncoded => tr!(lang, "verify-defect-double-encoded"),
        }
    }
}

/// Judges the subject of one message as copied from old to new, by what a mail program shows.
///
/// 1. A subject that a strict mail program shows cleanly on old (no repair needed by
///    [`wire::subject_repair`], no visible defect) but that needs a repair on new is
///    [`GarbleKind::OnNew`] with that repair, even when ikou's lenient decoder reads the same
///    text on both sides: Outlook and Thunderbird show the raw text.
/// 2. Otherwise subjects are compared after collapsing runs of white space (including U+3000)
///    to one space and trimming; nothing else is ignored. Equal subjects give `None`, even if
///    both are broken, so a subject folded differently but legally (between encoded-words) or
///    encoded in another charset is not flagged.
/// 3. Different subjects: a defect or repair on old gives [`GarbleKind::BrokenOnOld`], one on
///    new [`GarbleKind::OnNew`], and two clean but different texts [`GarbleKind::TextChanged`].
///
/// A missing subject counts as empty; a message with only `subject_raw` is decoded here. Rule
/// 1 needs the wire form (`subject_raw`) of both copies: without the old one (a backup
/// manifest keeps only decoded subjects) a repair counts only when the texts differ.
pub fn subject_garbling(old: &MessageInfo, new: &MessageInfo) -> Option<GarbleKind> {
    let old_text = collapse_whitespace(&effective_subject(old));
    let new_text = collapse_whitespace(&effective_subject(new));
    // Both wire forms are needed to say the repair is new: a backup manifest keeps only the
    // decoded subject, and the old copy may have needed the same repair.
    let wires_known = old.subject_raw.is_some() && new.subject_raw.is_some();
    let old_flaw = wire_repair(old).or_else(|| subject_defect(&old_text));
    let new_repair = wire_repair(new);
    if wires_known
        && old_flaw.is_none()
        && let Some(repair) = new_repair
    {
        return Some(GarbleKind::OnNew(repair));
    }
    if old_text == new_text {
        return None;
    }
    if let Some(defect) = old_flaw {
        return Some(GarbleKind::BrokenOnOld(defect));
    }
    Some(match new_repair.or_else(|| subject_defect(&new_text)) {
        Some(defect) => GarbleKind::OnNew(defect),
        None => GarbleKind::TextChanged,
    })
}

/// The repair the message's wire-form subject needs, when the wire form is known.
fn wire_repair(info: &MessageInfo) -> Option<Defect> {
    info.subject_raw.as_deref().and_then(wire::subject_repair)
}

/// The decoded subject, decoding `subject_raw` when only that is known.
pub fn effective_subject(info: &MessageInfo) -> Cow<'_, str> {
    match (&info.subject, &info.subject_raw) {
        (Some(subject), _) => Cow::Borrowed(subject),
        (None, Some(raw)) => Cow::Owned(decode_text(raw)),
        (None, None) => Cow::Borrowed(""),
    }
}

/// White space runs to one space, trimmed: the only difference the comparison forgives.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The first visible defect of a decoded subject (see the module docs for the heuristics).
pub fn subject_defect(text: &str) -> Option<Defect> {
    if has_encoded_word(text) {
        Some(Defect::UndecodedEncodedWord)
    } else if text.contains('\u{FFFD}') {
        Some(Defect::ReplacementChar)
    } else if text.contains('\u{1b}') || has_stripped_jis_escape(text) {
        Some(Defect::Iso2022JpEscape)
    } else if text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        Some(Defect::C1Control)
    } else {
        latin1_mojibake(text)
    }
}

/// `=?` charset `?` B|Q `?`, case-insensitive; the charset may carry an RFC 2231 `*lang`.
fn has_encoded_word(text: &str) -> bool {
    text.match_indices("=?").any(|(start, _)| {
        let rest = text.get(start + 2..).unwrap_or("");
        let Some((charset, after)) = rest.split_once('?') else {
            return false;
        };
        let charset_ok = !charset.is_empty()
            && charset.len() <= 40
            && charset
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.:*".contains(c));
        let mut chars = after.chars();
        let encoding_ok = matches!(chars.next(), Some('B' | 'b' | 'Q' | 'q'));
        charset_ok && encoding_ok && chars.next() == Some('?')
    })
}

/// `$B` + at least two JIS X 0208 bytes (0x21–0x7E) + `(B` or `(J`: ISO-2022-JP whose ESC bytes
/// a gateway dropped. One pass over the bytes (a 256 KB subject full of `$B` once took 35 s):
/// only the earliest open `$B` matters, since it has the longest run before the first close.
fn has_stripped_jis_escape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut open: Option<usize> = None;
    for (k, &b) in bytes.iter().enumerate() {
        let prev = if k > 0 { bytes[k - 1] } else { 0 };
        if prev == b'(' && (b == b'B' || b == b'J') {
            let close = k - 1;
            if open.is_some_and(|s| close >= s + 4) {
                return true;
            }
            open = None;
        }
        if !(0x21..=0x7e).contains(&b) {
            open = None;
        }
        if prev == b'$' && b == b'B' && open.is_none() {
            open = Some(k - 1);
        }
    }
    false
}

fn latin1_mojibake(text: &str) -> Option<Defect> {
    let bytes = as_windows_1252_bytes(text)?;
    if bytes.iter().filter(|b| !b.is_ascii()).count() < 2 {
        return None;
    }
    if std::str::from_utf8(&bytes).is_ok() {
        return Some(Defect::Utf8AsLatin1);
    }
    let decode = charset_decoder(b"shift_jis")?;
    let decoded = decode(&bytes);
    let japanese = decoded
        .chars()
        .filter(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
        .count();
    (!decoded.contains('\u{FFFD}') && japanese >= 3).then_some(Defect::ShiftJisAsLatin1)
}

/// The bytes a Windows-1252 (or ISO-8859-1) decoder would have read to produce `text`, or
/// `None` when a character cannot come from such a decoder.
fn as_windows_1252_bytes(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match u32::from(c) {
            code @ (0..=0x7f | 0xa0..=0xff) => u8::try_from(code).ok(),
            _ => windows_1252_high(c),
        })
        .collect()
}

fn windows_1252_high(c: char) -> Option<u8> {
    const HIGH: [(char, u8); 27] = [
        ('€', 0x80),
        ('‚', 0x82),
        ('ƒ', 0x83),
        ('„', 0x84),
        ('…', 0x85),
        ('†', 0x86),
        ('‡', 0x87),
        ('ˆ', 0x88),
        ('‰', 0x89),
        ('Š', 0x8a),
        ('‹', 0x8b),
        ('Œ', 0x8c),
        ('Ž', 0x8e),
        ('‘', 0x91),
        ('’', 0x92),
        ('“', 0x93),
        ('”', 0x94),
        ('•', 0x95),
        ('–', 0x96),
        ('—', 0x97),
        ('˜', 0x98),
        ('™', 0x99),
        ('š', 0x9a),
        ('›', 0x9b),
        ('œ', 0x9c),
        ('ž', 0x9e),
        ('Ÿ', 0x9f),
    ];
    HIGH.iter().find(|(ch, _)| *ch == c).map(|(_, b)| *b)
}

pub mod wire;

#[cfg(test)]
mod tests;
