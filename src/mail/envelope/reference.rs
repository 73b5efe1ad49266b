//! The envelope parse as it was before the one-pass reading (four mail-parser runs per
//! message), kept verbatim as the reference the equivalence tests compare against: an old
//! backup must give the same envelope, byte for byte, as it always did.

use mail_parser::{Header, HeaderName, Message, MessageParser};

use super::{Envelope, FIELDS, header_fields, unfold};
use crate::mail::address::display_addresses;
use crate::mail::charset::decode_raw_header;

pub(super) fn parse(raw: &[u8]) -> Envelope {
    let fields = header_fields(raw, &FIELDS);
    let Some(message) = MessageParser::new().parse_headers(&fields) else {
        return Envelope::default();
    };
    let field = |name: HeaderName<'static>| raw_field(&message, name);
    let subject_raw = field(HeaderName::Subject);
    let message_id = field(HeaderName::MessageId)
        .as_deref()
        .and_then(normalize_message_id);
    Envelope {
        message_id,
        date: field(HeaderName::Date),
        from: field(HeaderName::From).and_then(|v| decode_addresses("From", &v)),
        to: field(HeaderName::To).and_then(|v| decode_addresses("To", &v)),
        subject: subject_raw.as_deref().map(decode_text),
        subject_raw,
    }
}

fn raw_field(message: &Message<'_>, name: HeaderName<'static>) -> Option<String> {
    let header: &Header<'_> = message.headers().iter().find(|h| h.name == name)?;
    let start = usize::try_from(header.offset_start).ok()?;
    let end = usize::try_from(header.offset_end).ok()?;
    let bytes = message.raw_message().get(start..end)?;
    let text = unfold(&decode_raw_header(bytes));
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

pub(super) fn decode_text(value: &str) -> String {
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
    let value = value.replace(['\r', '\n'], " ");
    format!("{name}: {value}\r\n\r\n")
}

pub(super) fn normalize_message_id(raw: &str) -> Option<String> {
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
