//! # The mail that lives on the PC: Thunderbird's Local Folders and POP accounts
//!
//! POP users keep their filed and sent mail only in their mail program. This module finds
//! Thunderbird's profile, lists the folders of its local stores (`store`) and reads their
//! mbox files message by message (`mbox`), strictly read-only and consistent while
//! Thunderbird runs. `service::local` turns that into the inventory, the backup and the
//! upload to the new server.
//!
//! Outlook `.pst` files are not read: the one public test file found (the Enron sample in the
//! npm package `pst-extractor` 1.12.0) is refused by `outlook-pst` 1.2.0 for every one of its
//! 71 messages (`Invalid HNPAGEMAP cFree: 0x0000`), and reading a format that cannot be tested
//! would break the rule that nothing is said to be safe without proof.

pub mod mbox;
pub mod store;

use sha2::{Digest, Sha256};

pub use store::{FolderFile, LocalError, ReadOutcome, Store, StoreKind, Visit};

use crate::mail::envelope::Envelope;
use crate::model::MessageInfo;
use mbox::RawMessage;

/// The envelope of a local message as the comparison and the archive use it: headers parsed
/// like a server's, flags from `X-Mozilla-Status`, INTERNALDATE from the `From ` line (the
/// PC's local time) or else the Date header.
pub fn message_info(message: &RawMessage) -> MessageInfo {
    let mut info = MessageInfo {
        size: message.bytes.len() as u64,
        flags: message.flags(),
        ..MessageInfo::default()
    };
    let end = header_end(&message.bytes);
    Envelope::parse(&message.bytes[..end]).apply_to(&mut info);
    info.internal_date = message
        .from_line_date()
        .and_then(|naive| naive.and_local_timezone(chrono::Local).earliest())
        .map(|d| d.to_rfc3339())
        .or_else(|| {
            let date = info.date.as_deref()?;
            let parsed = mail_parser::DateTime::parse_rfc822(date.trim())?;
            parsed.is_valid().then(|| parsed.to_rfc3339())
        });
    info
}

/// Where the header block ends (after its empty line), or the whole message.
fn header_end(bytes: &[u8]) -> usize {
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        at += line.len();
        if line == b"\n" || line == b"\r\n" {
            return at;
        }
    }
    bytes.len()
}

/// SHA-256 of the message bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The message's key in a backup of local folders: the first 160 bits of its SHA-256, and
/// `-2`, `-3`… for further identical copies in the same folder. The mbox offset would change
/// at every compaction; the content does not.
pub fn archive_key(sha256: &str, copy: u32) -> String {
    let short = sha256.get(..40).unwrap_or(sha256);
    if copy <= 1 {
        short.to_string()
    } else {
        format!("{short}-{copy}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_from_a_local_message() {
        let m = RawMessage {
            offset: 0,
            stored_len: 0,
            from_line: "From - Tue Jan 02 10:00:00 2024".into(),
            bytes: b"X-Mozilla-Status: 1003\r\nMessage-ID: <a@b>\r\nDate: Mon, 1 Jan 2024 09:00:00 +0900\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\n\r\nbody\r\n".to_vec(),
            status: 0x1003,
            followed: false,
        };
        let info = message_info(&m);
        assert_eq!(info.message_id.as_deref(), Some("a@b"));
        assert_eq!(info.subject.as_deref(), Some("会議"));
        assert_eq!(info.flags, ["\\Seen", "\\Answered"]);
        let local = chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
            .map(|t| t.to_rfc3339());
        assert_eq!(info.internal_date, local);
        let no_from_date = RawMessage {
            from_line: "From -".into(),
            ..m
        };
        let info = message_info(&no_from_date);
        assert_eq!(
            info.internal_date.as_deref(),
            Some("2024-01-01T09:00:00+09:00")
        );
        assert_eq!(archive_key(&"ab".repeat(32), 1).len(), 40);
        assert!(archive_key(&"ab".repeat(32), 2).ends_with("-2"));
    }
}
