//! # Modified UTF-7 (RFC 3501 §5.1.3) for mailbox names
//!
//! Legacy servers send Japanese folder names such as `送信済みトレイ` as
//! `&kAFP4W4IMH8wyDDsMKQ-`. ikou shows the decoded name and keeps the raw one for the wire.

use base64::Engine;
use base64::alphabet::IMAP_MUTF7;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

const MUTF7: GeneralPurpose = GeneralPurpose::new(
    &IMAP_MUTF7,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes a modified UTF-7 mailbox name. Invalid sequences are kept verbatim, because a
/// name that is not valid mUTF-7 (some servers send raw UTF-8) is still a name.
pub fn decode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('-') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let encoded = &after[..end];
        if encoded.is_empty() {
            out.push('&');
        } else {
            match decode_utf16_base64(encoded) {
                Some(text) => out.push_str(&text),
                None => out.push_str(&rest[start..start + 1 + end + 1]),
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn decode_utf16_base64(encoded: &str) -> Option<String> {
    let bytes = MUTF7.decode(encoded).ok()?;
    if bytes.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

/// Encodes a Unicode mailbox name to modified UTF-7.
pub fn encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if !pending.is_empty() {
            let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
            out.push('&');
            out.push_str(&MUTF7.encode(bytes));
            out.push('-');
            pending.clear();
        }
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_names_round_trip() {
        let cases = [
            ("送信済みトレイ", "&kAFP4W4IMH8wyDDsMKQ-"),
            ("INBOX", "INBOX"),
            ("R&D", "R&-D"),
            ("下書き", "&Tgtm+DBN-"),
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
            ("Entwürfe", "Entw&APw-rfe"),
            ("絵文字😀", "&fXVlh1tX2D3eAA-"),
        ];
        for (unicode, raw) in cases {
            assert_eq!(encode(unicode), raw, "encode {unicode}");
            assert_eq!(decode(raw), unicode, "decode {raw}");
        }
    }

    #[test]
    fn invalid_sequences_are_kept() {
        assert_eq!(decode("a&b"), "a&b");
        assert_eq!(decode("a&!!!-b"), "a&!!!-b");
    }
}
