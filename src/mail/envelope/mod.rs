//! # Header block to envelope
//!
//! Turns the bytes of a header block (what `BODY.PEEK[HEADER.FIELDS (…)]` returns, or a whole
//! message) into the envelope fields of [`MessageInfo`]. mail-parser finds the fields and decodes
//! RFC 2047; this module adds the cases Japanese mail needs (raw ISO-2022-JP, 8-bit Shift_JIS)
//! and the normal forms the comparison relies on. Nothing here panics on broken input.

use mail_parser::{Header, HeaderName, Message, MessageParser};

use super::address::display_addresses;
use super::charset::decode_raw_header;
use crate::model::MessageInfo;

/// The envelope of one message, as ikou stores it in [`MessageInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    /// Normalised by [`normalize_message_id`]: `local@domain`, no angle brackets.
    pub message_id: Option<String>,
    /// The Date header text, unfolded and trimmed, not parsed.
    pub date: Option<String>,
    /// Decoded display form, `名前 <addr>, addr2`.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The Subject as written on the wire, unfolded and trimmed (8-bit bytes decoded by guess).
    pub subject_raw: Option<String>,
    /// The Subject after RFC 2047 decoding.
    pub subject: Option<String>,
}

/// The header fields the envelope is made of: what verify asks the server for
/// (`BODY.PEEK[HEADER.FIELDS (…)]`) and all that [`Envelope::parse`] reads.
pub const FIELDS: [&str; 5] = ["MESSAGE-ID", "DATE", "FROM", "TO", "SUBJECT"];

impl Envelope {
    /// Parses a header block; absent or empty fields stay `None`. The block is first cut
    /// down to [`FIELDS`] the way an IMAP server answers `HEADER.FIELDS` ([`header_fields`]),
    /// so that a whole message read from a backup or a local folder gives the same envelope
    /// as the server's answer for the same bytes (a malformed `Sub ject:` line, a header
    /// block that starts with a continuation line, a line without a colon).
    pub fn parse(raw: &[u8]) -> Self {
        let fields = header_fields(raw, &FIELDS);
        let Some(message) = MessageParser::new().parse_headers(&fields) else {
            return Self::default();
        };
        let field = |name: HeaderName<'static>| raw_field(&message, name);
        let subject_raw = field(HeaderName::Subject);
        let message_id = field(HeaderName::MessageId)
            .as_deref()
            .and_then(normalize_message_id);
        Self {
            message_id,
            date: field(HeaderName::Date),
            from: field(HeaderName::From).and_then(|v| decode_addresses("From", &v)),
            to: field(HeaderName::To).and_then(|v| decode_addresses("To", &v)),
            subject: subject_raw.as_deref().map(decode_text),
            subject_raw,
        }
    }

    /// Copies the envelope into a message description, leaving uid, size, flags and dates alone.
    pub fn apply_to(self, info: &mut MessageInfo) {
        info.message_id = self.message_id;
        info.date = self.date;
        info.from = self.from;
        info.to = self.to;
        info.subject_raw = self.subject_raw;
        info.subject = self.subject;
    }
}

/// The header fields named `names` (case-insensitive) as an IMAP server returns them for
/// `BODY[HEADER.FIELDS (…)]` (RFC 3501 6.4.5): each matching field with its continuation
/// lines, in their order and bytes, then the empty line. Reading stops at the header
/// block's end. A line that starts with white space continues the field before it (at the
/// very start of the block it belongs to none); a line without a colon is not a field; a
/// field name is matched with trailing white space removed (obsolete `Subject :`).
pub fn header_fields(block: &[u8], names: &[&str]) -> Vec<u8> {
    let mut out = Vec::with_capacity(block.len().min(4096));
    let mut keep = false;
    for line in block.split_inclusive(|&b| b == b'\n') {
        let content = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(line);
        if content.is_empty() {
            break;
        }
        if matches!(content[0], b' ' | b'\t') {
            if keep {
                out.extend_from_slice(line);
            }
            continue;
        }
        keep = content
            .iter()
            .position(|&b| b == b':')
            .is_some_and(|colon| {
                let name = content[..colon].trim_ascii_end();
                names
                    .iter()
                    .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
            });
        if keep {
            out.extend_from_slice(line);
            if !line.ends_with(b"\n") {
                out.extend_from_slice(b"\r\n");
            }
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The unfolded text of the first header with this name, raw bytes decoded by
/// [`decode_raw_header`]; `None` when absent or blank.
fn raw_field(message: &Message<'_>, name: HeaderName<'static>) -> Option<String> {
    let header: &Header<'_> = message.headers().iter().find(|h| h.name == name)?;
    let start = usize::try_from(header.offset_start).ok()?;
    let end = usize::try_from(header.offset_end).ok()?;
    let bytes = message.raw_message().get(start..end)?;
    let text = unfold(&decode_raw_header(bytes));
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// RFC 5322 unfolding: a line break followed by white space is removed, the space kept.
fn unfold(text: &str) -> String {
    // One pass: every LF goes, and a CR only when an LF follows it.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\n') {
        let line = &rest[..at];
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes the RFC 2047 encoded-words of an unstructured header value (a Subject).
///
/// The value is fed back to mail-parser as a one-line header, so encoded-words get exactly the
/// decoding a fresh parse would give, including after a raw-byte guess by [`decode_raw_header`].
pub fn decode_text(value: &str) -> String {
    let header = synthetic_header("Subject", value);
    MessageParser::new()
        .parse_headers(header.as_bytes())
        .and_then(|m| m.subject().map(str::to_string))
        .unwrap_or_else(|| value.to_string())
}

fn decode_addresses(name: &str, value: &str) -> Option<String> {
    let header = synthetic_header(name, value);
    let message = MessageParser::new().parse_headers(header.as_bytes())?;
    let address = if name == "From" {
        message.from()
    } else {
        message.to()
    }?;
    let display = display_addresses(address);
    (!display.is_empty()).then_some(display)
}

fn synthetic_header(name: &str, value: &str) -> String {
    // Line breaks inside the value would end the header early; unfolding removed them, but a
    // lone CR could still be there.
    let value = value.replace(['\r', '\n'], " ");
    format!("{name}: {value}\r\n\r\n")
}

/// Normal form of a Message-ID: the text inside the first `<…>` (else the whole value without
/// white space), trimmed, the local part's case kept and the domain lower-cased, because domains
/// are case-insensitive and some gateways rewrite their case. `None` when nothing is left.
pub fn normalize_message_id(raw: &str) -> Option<String> {
    let inner = match (raw.find('<'), raw.find('>')) {
        (Some(open), Some(close)) if open < close => raw.get(open + 1..close)?,
        _ => raw,
    };
    let compact: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    let compact = compact.trim_matches(|c| c == '<' || c == '>');
    if compact.is_empty() {
        return None;
    }
    Some(match compact.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", domain.to_lowercase()),
        None => compact.to_string(),
    })
}

#[cfg(test)]
mod tests;
