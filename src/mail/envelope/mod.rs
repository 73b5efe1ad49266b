//! # Header block to envelope
//!
//! Turns the bytes of a header block (what `BODY.PEEK[HEADER.FIELDS (…)]` returns, or a whole
//! message) into the envelope fields of [`MessageInfo`]. mail-parser finds the fields and decodes
//! RFC 2047; this module adds the cases Japanese mail needs (raw ISO-2022-JP, 8-bit Shift_JIS)
//! and the normal forms the comparison relies on. Nothing here panics on broken input.

use std::borrow::Cow;

use mail_parser::parsers::MessageStream;
use mail_parser::{Address, Header, HeaderName, Message, MessageParser};

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
        let field = |name: HeaderName<'static>| Field::first(&message, name);
        let subject = field(HeaderName::Subject);
        let message_id = field(HeaderName::MessageId)
            .and_then(|f| f.text())
            .as_deref()
            .and_then(normalize_message_id);
        Self {
            message_id,
            date: field(HeaderName::Date).and_then(|f| f.text()),
            from: field(HeaderName::From).and_then(|f| f.addresses("From")),
            to: field(HeaderName::To).and_then(|f| f.addresses("To")),
            subject: subject.as_ref().and_then(Field::decoded_text),
            subject_raw: subject.and_then(|f| f.text()),
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

/// The first header with a given name in a parsed header block, with its value bytes (from
/// after the colon through the line break that ends it).
struct Field<'a, 'x> {
    header: &'a Header<'x>,
    bytes: &'a [u8],
}

impl<'a, 'x> Field<'a, 'x> {
    fn first(message: &'a Message<'x>, name: HeaderName<'static>) -> Option<Self> {
        let header = message.headers().iter().find(|h| h.name == name)?;
        let start = usize::try_from(header.offset_start).ok()?;
        let end = usize::try_from(header.offset_end).ok()?;
        let bytes = message.raw_message().get(start..end)?;
        Some(Self { header, bytes })
    }

    /// The unfolded text, raw bytes decoded by [`decode_raw_header`]; `None` when blank.
    fn text(&self) -> Option<String> {
        if let Some(line) = verbatim_line(self.bytes) {
            return Some(line.to_string());
        }
        let decoded = decode_raw_header(self.bytes);
        // Unfolding a text whose only line break is its last character leaves what trimming
        // removes anyway, so only folded text is unfolded.
        let text = match decoded.find('\n') {
            Some(at) if at + 1 < decoded.len() => Cow::Owned(unfold(&decoded)),
            _ => decoded,
        };
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_string())
    }

    /// The Subject after RFC 2047 decoding: [`decode_text`] of [`Self::text`].
    fn decoded_text(&self) -> Option<String> {
        match verbatim_line(self.bytes) {
            // The value parser already read exactly the line `decode_text` would build.
            Some(line) => Some(self.header.value.as_text().unwrap_or(line).to_string()),
            None => self.text().map(|text| decode_text(&text)),
        }
    }

    /// The display form of an address field (`name` is `From` or `To`); `None` when it holds
    /// no address.
    fn addresses(&self, name: &str) -> Option<String> {
        match verbatim_line(self.bytes) {
            Some(_) => display_of(self.header.value.as_address()?),
            None => decode_addresses(name, &self.text()?),
        }
    }
}

/// The trimmed text of a field's value when the value is one line that [`synthetic_header`]
/// would write again byte for byte: one space, then printable ASCII (inner spaces and tabs
/// allowed, none at either end), then CRLF. For such a field, mail-parser's value in the first
/// parse is exactly the value of the second parse that [`decode_text`] and
/// [`decode_addresses`] would run: its value parsers read the same bytes up to the line break
/// and stop there, because the next byte is no space or tab in either header block. No
/// decoding of raw bytes applies (no escape, no 8-bit byte), and unfolding and trimming change
/// nothing but the ends.
fn verbatim_line(bytes: &[u8]) -> Option<&str> {
    let line = bytes.strip_prefix(b" ")?.strip_suffix(b"\r\n")?;
    let (first, last) = (*line.first()?, *line.last()?);
    let inner_ok = line.iter().all(|&b| matches!(b, b'\t' | b' '..=b'~'));
    if !inner_ok || matches!(first, b' ' | b'\t') || matches!(last, b' ' | b'\t') {
        return None;
    }
    std::str::from_utf8(line).ok()
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
/// The value is read by mail-parser's Subject parser as a one-line header, so encoded-words get
/// exactly the decoding a fresh parse would give, including after a raw-byte guess by
/// [`decode_raw_header`].
pub fn decode_text(value: &str) -> String {
    let header = synthetic_header("Subject", value);
    value_stream("Subject", &header)
        .parse_unstructured()
        .as_text()
        .map_or_else(|| value.to_string(), str::to_string)
}

fn decode_addresses(name: &str, value: &str) -> Option<String> {
    let header = synthetic_header(name, value);
    display_of(value_stream(name, &header).parse_address().as_address()?)
}

fn display_of(address: &Address<'_>) -> Option<String> {
    let display = display_addresses(address);
    (!display.is_empty()).then_some(display)
}

/// `name: value` CRLF CRLF, the value on one line.
fn synthetic_header(name: &str, value: &str) -> Vec<u8> {
    let mut header = Vec::with_capacity(name.len() + value.len() + 6);
    header.extend_from_slice(name.as_bytes());
    header.extend_from_slice(b": ");
    // Line breaks inside the value would end the header early; unfolding removed them, but a
    // lone CR could still be there.
    header.extend(
        value
            .bytes()
            .map(|b| if matches!(b, b'\r' | b'\n') { b' ' } else { b }),
    );
    header.extend_from_slice(b"\r\n\r\n");
    header
}

/// A stream over a [`synthetic_header`] placed just after the colon, where mail-parser's
/// header parser hands the value to the field's value parser. Reading the value from there
/// gives what `MessageParser::parse_headers` followed by `subject()`, `from()` or `to()` gives
/// for that block: it holds one field of that name (the value has no line break, so the value
/// parser stops at the first CRLF, before the empty line), and a message is built from it.
fn value_stream<'x>(name: &str, header: &'x [u8]) -> MessageStream<'x> {
    let mut stream = MessageStream::new(header);
    stream.skip_bytes(name.len() + 1);
    stream
}

/// Normal form of a Message-ID: the text inside the first `<…>` (else the whole value without
/// white space), trimmed, the local part's case kept and the domain lower-cased, because domains
/// are case-insensitive and some gateways rewrite their case. `None` when nothing is left.
pub fn normalize_message_id(raw: &str) -> Option<String> {
    let inner = match (raw.find('<'), raw.find('>')) {
        (Some(open), Some(close)) if open < close => raw.get(open + 1..close)?,
        _ => raw,
    };
    let compact: Cow<'_, str> = if inner.contains(char::is_whitespace) {
        Cow::Owned(inner.chars().filter(|c| !c.is_whitespace()).collect())
    } else {
        Cow::Borrowed(inner)
    };
    let compact = compact.trim_matches(|c| c == '<' || c == '>');
    if compact.is_empty() {
        return None;
    }
    Some(match compact.rsplit_once('@') {
        Some((local, domain)) => {
            let mut id = String::with_capacity(compact.len());
            id.push_str(local);
            id.push('@');
            if domain
                .bytes()
                .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
            {
                id.push_str(&domain.to_lowercase());
            } else {
                id.push_str(domain);
            }
            id
        }
        None => compact.to_string(),
    })
}

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
