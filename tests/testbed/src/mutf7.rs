//! # Modified UTF-7 (RFC 3501 §5.1.3)
//!
//! IMAP mailbox names and Dovecot's on-disk maildir folder names use modified UTF-7.
//! The corpus writer needs the encoder to name directories; tests use the decoder to
//! read names back from `LIST`.

use base64::Engine as _;
use base64::alphabet::Alphabet;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};

fn engine() -> GeneralPurpose {
    // Same as standard base64 but with ',' for '/', and no padding (RFC 3501).
    #[allow(clippy::expect_used)]
    let alphabet =
        Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,")
            .expect("static alphabet is valid");
    GeneralPurpose::new(
        &alphabet,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    )
}

/// Encodes one mailbox name (or one hierarchy level) into modified UTF-7.
pub fn encode(name: &str) -> String {
    let eng = engine();
    let mut out = String::with_capacity(name.len());
    let mut pending: Vec<u8> = Vec::new();
    let flush = |pending: &mut Vec<u8>, out: &mut String| {
        if !pending.is_empty() {
            out.push('&');
            out.push_str(&eng.encode(&pending[..]));
            out.push('-');
            pending.clear();
        }
    };
    for ch in name.chars() {
        if ('\u{20}'..='\u{7e}').contains(&ch) {
            flush(&mut pending, &mut out);
            if ch == '&' {
                out.push_str("&-");
            } else {
                out.push(ch);
            }
        } else {
            let mut units = [0u16; 2];
            for u in ch.encode_utf16(&mut units) {
                pending.extend_from_slice(&u.to_be_bytes());
            }
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Decodes a modified UTF-7 name; `None` if it is malformed.
pub fn decode(name: &str) -> Option<String> {
    let eng = engine();
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let end = after.find('-')?;
        let b64 = &after[..end];
        if b64.is_empty() {
            out.push('&');
        } else {
            let bytes = eng.decode(b64).ok()?;
            if bytes.len() % 2 != 0 {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            out.push_str(&String::from_utf16(&units).ok()?);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(encode("INBOX"), "INBOX");
        assert_eq!(encode("R&D"), "R&-D");
        assert_eq!(encode("送信済みトレイ"), "&kAFP4W4IMH8wyDDsMKQ-");
        assert_eq!(
            encode("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(encode("😀"), "&2D3eAA-");
        for s in ["研究室", "R&D", "a&b&&c", "下書き", "Sent Items", "😀x"] {
            assert_eq!(decode(&encode(s)).as_deref(), Some(s));
        }
        assert_eq!(decode("&kAF"), None);
        assert_eq!(decode("&kA-"), None);
        assert_eq!(decode("&-kAF").as_deref(), Some("&kAF"));
    }
}
