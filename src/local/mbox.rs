//! # Thunderbird's mbox files, read message by message (pure over `BufRead`)
//!
//! A Thunderbird folder is one mbox file: each message starts with a `From ` line
//! (`From - Tue Jan 02 10:00:00 2024`), carries the `X-Mozilla-Status` headers Thunderbird
//! added, and is followed by one empty line. Deleting a message only sets the *expunged* bit
//! (0x0008) in `X-Mozilla-Status`; the bytes stay until the folder is compacted, so such
//! messages are skipped here.
//!
//! ## `From ` escaping: read as mboxrd
//! Since version 115 Thunderbird writes mboxrd (a body line matching `>*From ` gets one more
//! `>`) and removes one `>` when reading. Older versions wrote mboxo (only `From ` became
//! `>From `) and never unescaped. Both are read the way current Thunderbird reads them: one
//! `>` is removed from every line matching `>+From `. For mboxo files this is also right
//! for every escaped `From ` line; only a body line that was written as `>From ` by its
//! author loses its `>` (the message shows the same in Thunderbird 115 and later).
//!
//! A `From ` line separates messages only at the start of the file or after an empty line,
//! so an unescaped `From ` inside a paragraph (old versions sometimes left them) does not
//! split a message. Memory is bounded by the largest message.

use std::io::{self, BufRead};

/// `X-Mozilla-Status` bits (Thunderbird's `nsMsgMessageFlags`).
pub mod status {
    pub const READ: u32 = 0x0001;
    pub const REPLIED: u32 = 0x0002;
    pub const MARKED: u32 = 0x0004;
    pub const EXPUNGED: u32 = 0x0008;
    pub const FORWARDED: u32 = 0x1000;
}

/// One message as stored in the mbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// Offset of its `From ` line in the file.
    pub offset: u64,
    /// Bytes in the file from the `From ` line to the next one (or the end).
    pub stored_len: u64,
    /// The `From ` line without its line ending.
    pub from_line: String,
    /// The message: unescaped, without the `From ` line and the separating empty line.
    pub bytes: Vec<u8>,
    /// `X-Mozilla-Status` (0 when absent or unreadable).
    pub status: u32,
    /// True when a `From ` line follows it in what was read (it cannot still be growing).
    pub followed: bool,
}

impl RawMessage {
    pub fn expunged(&self) -> bool {
        self.status & status::EXPUNGED != 0
    }

    /// IMAP flags kept on upload: read, answered, flagged (system flags only: Exchange Online
    /// keeps no keywords such as `$Forwarded`).
    pub fn flags(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (bit, flag) in [
            (status::READ, "\\Seen"),
            (status::REPLIED, "\\Answered"),
            (status::MARKED, "\\Flagged"),
        ] {
            if self.status & bit != 0 {
                out.push(flag.to_string());
            }
        }
        out
    }

    /// The date of the `From ` line (`From - Tue Jan 02 10:00:00 2024`, the time Thunderbird
    /// stored the message, in the PC's local time), when it parses.
    pub fn from_line_date(&self) -> Option<chrono::NaiveDateTime> {
        let rest = self.from_line.strip_prefix("From ")?;
        // Sender (Thunderbird writes `-`), then a ctime date; try the words after the sender.
        let words: Vec<&str> = rest.split_whitespace().collect();
        if words.len() < 6 {
            return None;
        }
        let date = words[words.len() - 5..].join(" ");
        chrono::NaiveDateTime::parse_from_str(&date, "%a %b %e %H:%M:%S %Y").ok()
    }
}

/// Streams the messages of an mbox.
pub struct MboxReader<R> {
    input: R,
    offset: u64,
    /// The `From ` line already read that starts the next message.
    pending: Option<(u64, String, u64)>,
    line: Vec<u8>,
    started: bool,
}

impl<R: BufRead> MboxReader<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            offset: 0,
            pending: None,
            line: Vec::new(),
            started: false,
        }
    }

    /// Reads one line (with its ending) into `self.line`; false at the end.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = self.input.read_until(b'\n', &mut self.line)?;
        self.offset += n as u64;
        Ok(n > 0)
    }

    /// The next message, expunged ones included (the caller decides); `None` at the end.
    /// Bytes before the first `From ` line (not an mbox, or damage) are skipped.
    pub fn next_message(&mut self) -> io::Result<Option<RawMessage>> {
        if !self.started {
            self.started = true;
            // Find the first separator; anything before it is not a message.
            loop {
                let at = self.offset;
                if !self.read_line()? {
                    return Ok(None);
                }
                if self.line.starts_with(b"From ") {
                    let len = self.line.len() as u64;
                    self.pending = Some((at, line_text(&self.line), len));
                    break;
                }
            }
        }
        let Some((offset, from_line, from_len)) = self.pending.take() else {
            return Ok(None);
        };
        let mut bytes: Vec<u8> = Vec::new();
        let mut previous_empty = false;
        let mut stored_len = from_len;
        let mut followed = false;
        loop {
            let at = self.offset;
            if !self.read_line()? {
                break;
            }
            if previous_empty && self.line.starts_with(b"From ") {
                let len = self.line.len() as u64;
                self.pending = Some((at, line_text(&self.line), len));
                followed = true;
                break;
            }
            stored_len += self.line.len() as u64;
            previous_empty = self.line == b"\n" || self.line == b"\r\n";
            bytes.extend_from_slice(unescape(&self.line));
        }
        strip_separator(&mut bytes);
        let status = mozilla_status(&bytes);
        Ok(Some(RawMessage {
            offset,
            stored_len,
            from_line,
            bytes,
            status,
            followed,
        }))
    }
}

fn line_text(line: &[u8]) -> String {
    String::from_utf8_lossy(line)
        .trim_end_matches(['\r', '\n'])
        .to_string()
}

/// mboxrd: a line `>+From ` loses one `>`.
fn unescape(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|&&b| b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// Removes the empty line that separates a message from the next `From ` line. A message
/// that does not end in an empty line (an old writer, or the end of a file) is kept whole.
fn strip_separator(bytes: &mut Vec<u8>) {
    if bytes.ends_with(b"\r\n\r\n") {
        bytes.truncate(bytes.len() - 2);
    } else if bytes.ends_with(b"\n\n") {
        bytes.truncate(bytes.len() - 1);
    }
}

/// `X-Mozilla-Status: 0001` from the header block (first occurrence), else 0.
pub fn mozilla_status(message: &[u8]) -> u32 {
    for line in message.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        if line[..colon].eq_ignore_ascii_case(b"X-Mozilla-Status") {
            let value = String::from_utf8_lossy(&line[colon + 1..]);
            return u32::from_str_radix(value.trim(), 16).unwrap_or(0);
        }
    }
    0
}

/// Writes messages the way Thunderbird 115+ does (mboxrd escaping, `eol` line endings,
/// one empty line after each message). For tests and for people who want to check ikou.
pub fn write_mbox(out: &mut Vec<u8>, messages: &[(&str, &[u8])], eol: &str) {
    for (from_line, bytes) in messages {
        out.extend_from_slice(from_line.as_bytes());
        out.extend_from_slice(eol.as_bytes());
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            if unescape(line).len() != line.len() || line.starts_with(b"From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line);
        }
        if !bytes.ends_with(b"\n") {
            out.extend_from_slice(eol.as_bytes());
        }
        out.extend_from_slice(eol.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &[u8]) -> Vec<RawMessage> {
        let mut reader = MboxReader::new(data);
        let mut out = Vec::new();
        while let Some(m) = reader.next_message().expect("read") {
            out.push(m);
        }
        out
    }

    const A: &[u8] = b"X-Mozilla-Status: 0003\nMessage-ID: <a@x>\nSubject: a\n\nFrom the start\n>From quoted\n>>From twice\nbody\n";
    const B: &[u8] = b"X-Mozilla-Status: 0009\nSubject: b\n\nbye\n";

    #[test]
    fn round_trip_lf_and_crlf() {
        for eol in ["\n", "\r\n"] {
            let a = String::from_utf8_lossy(A).replace('\n', eol);
            let b = String::from_utf8_lossy(B).replace('\n', eol);
            let mut mbox = Vec::new();
            write_mbox(
                &mut mbox,
                &[
                    ("From - Tue Jan 02 10:00:00 2024", a.as_bytes()),
                    ("From - Wed Jan 03 11:30:05 2024", b.as_bytes()),
                ],
                eol,
            );
            let text = String::from_utf8_lossy(&mbox);
            assert!(text.contains(&format!("{eol}>From the start")), "{text}");
            assert!(text.contains(&format!("{eol}>>From quoted")), "{text}");
            assert!(text.contains(&format!("{eol}>>>From twice")), "{text}");
            let got = all(&mbox);
            assert_eq!(got.len(), 2);
            assert_eq!(got[0].bytes, a.as_bytes());
            assert_eq!(got[1].bytes, b.as_bytes());
            assert_eq!(got[0].offset, 0);
            assert_eq!(got[1].offset, got[0].stored_len);
            assert_eq!(got[0].stored_len + got[1].stored_len, mbox.len() as u64);
            assert!(got[0].followed && !got[1].followed);
            assert_eq!(got[0].flags(), ["\\Seen", "\\Answered"]);
            assert!(!got[0].expunged() && got[1].expunged());
            assert_eq!(
                got[1].from_line_date().map(|d| d.to_string()),
                Some("2024-01-03 11:30:05".into())
            );
        }
    }

    #[test]
    fn from_inside_a_paragraph_does_not_split() {
        let data = b"From - Tue Jan 02 10:00:00 2024\nSubject: x\n\nline\nFrom here on\n\nFrom - Tue Jan 02 10:00:01 2024\nSubject: y\n\n";
        let got = all(data);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].bytes, b"Subject: x\n\nline\nFrom here on\n");
        assert_eq!(got[1].bytes, b"Subject: y\n");
    }

    #[test]
    fn garbage_before_first_separator_and_empty_file() {
        assert!(all(b"").is_empty());
        assert!(all(b"not an mbox\n").is_empty());
        let got = all(b"junk\nFrom - Tue Jan 02 10:00:00 2024\nSubject: z\n\nno final newline");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].bytes, b"Subject: z\n\nno final newline");
        assert_eq!(got[0].offset, 5);
        assert_eq!(got[0].status, 0);
        assert!(got[0].flags().is_empty());
    }

    #[test]
    fn status_parsing() {
        assert_eq!(mozilla_status(b"x-mozilla-status:  1001 \r\n\r\n"), 0x1001);
        assert_eq!(mozilla_status(b"Subject: a\n\nX-Mozilla-Status: 0008\n"), 0);
        assert_eq!(mozilla_status(b"X-Mozilla-Status: zz\n\n"), 0);
    }
}
