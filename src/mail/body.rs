//! # The body of a message, as a short hash
//!
//! Headers identify almost every message, but not all: a message with no Message-ID, Date,
//! From or To looks like every other such message. For those few, the comparison also needs
//! to know whether the bodies agree, and this module reduces a body to a short hash that is
//! the same whether the bytes were read live, from a backup, or after a restore.

use sha2::{Digest, Sha256};

/// Hex digits kept: 128 bits, as for the identity fingerprint.
const HASH_HEX_LEN: usize = 32;

/// Where the body starts in a whole message: after the first empty line (CRLF or bare LF),
/// or the end when there is none.
pub fn header_end(bytes: &[u8]) -> usize {
    // No header at all: the empty line comes first.
    for start in [&b"\r\n"[..], b"\n"] {
        if bytes.starts_with(start) {
            return start.len();
        }
    }
    let crlf = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4);
    // Only up to the CRLF end can a bare-LF end be the earlier one.
    let lf_scope = crlf.unwrap_or(bytes.len());
    let lf = bytes[..lf_scope]
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => bytes.len(),
    }
}

/// The hash of a body as `BODY[TEXT]` returns it. Line ends are compared without CR and
/// trailing blank lines are ignored, because servers differ in exactly those on the way in.
pub fn text_hash(text: &[u8]) -> String {
    let mut hasher = Sha256::new();
    let end = text
        .iter()
        .rposition(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'))
        .map_or(0, |p| p + 1);
    for chunk in text[..end].split(|&b| b == b'\r') {
        hasher.update(chunk);
    }
    let hash = hex::encode(hasher.finalize());
    hash.get(..HASH_HEX_LEN).unwrap_or(&hash).to_string()
}

/// The body hash of a whole message (header and body).
pub fn body_hash(message: &[u8]) -> String {
    text_hash(&message[header_end(message)..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_body_same_hash_whatever_the_line_ends() {
        let crlf = body_hash(b"Subject: a\r\n\r\nline 1\r\nline 2\r\n");
        assert_eq!(crlf, body_hash(b"Subject: b\n\nline 1\nline 2\n"));
        assert_eq!(crlf, body_hash(b"\r\nline 1\r\nline 2\r\n\r\n"));
        assert_eq!(crlf, text_hash(b"line 1\r\nline 2"));
        assert_eq!(crlf.len(), HASH_HEX_LEN);
    }

    #[test]
    fn different_bodies_differ() {
        let a = body_hash(b"\r\n\r\nline 1\r\n");
        assert_ne!(a, body_hash(b"\r\n\r\nline 2\r\n"));
        assert_ne!(a, body_hash(b"\r\n\r\nline1\r\n"));
        assert_ne!(body_hash(b"\r\n\r\n"), a);
    }

    #[test]
    fn header_end_for_crlf_lf_and_none() {
        assert_eq!(header_end(b"A: b\r\n\r\nbody"), 8);
        assert_eq!(header_end(b"A: b\n\nbody"), 6);
        assert_eq!(header_end(b"A: b\r\n"), 6);
        assert_eq!(header_end(b"\r\nonly a body\r\n\r\nmore"), 2);
        assert_eq!(header_end(b"\nonly a body"), 1);
    }
}
