//! The manifest's message list as text: cut out of a manifest's JSON and copied, or split
//! into record texts, without parsing the records.

use super::super::error::{ArchiveError, Result};

/// Picks the text inside the top-level `"messages": [ ... ]` of a manifest out of its JSON,
/// fed in chunks of any size: a small state machine over the bytes (strings and escapes,
/// nesting depth, the key before each top-level value). What is passed on starts after
/// the `[` and ends before the matching `]`, without trailing white space; the records in
/// it are counted.
#[derive(Debug, Default)]
pub(crate) struct MessagesText {
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// At depth 1, the next string is a key.
    expect_key: bool,
    reading_key: bool,
    key: Vec<u8>,
    /// The last top-level key was `messages` and its value has not begun.
    messages_key: bool,
    capturing: bool,
    done: bool,
    /// White space held back until something else follows it.
    pending_space: Vec<u8>,
    /// Objects directly inside the list (the records).
    pub records: u64,
    /// Whether the list was found and ended.
    pub complete: bool,
}

impl MessagesText {
    /// Whether the message list has begun (its `[` was fed).
    pub(crate) fn in_list(&self) -> bool {
        self.capturing || self.done
    }

    /// Feeds `chunk`; the message list's text in it goes to `out`.
    pub(crate) fn feed(
        &mut self,
        chunk: &[u8],
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        self.feed_split(chunk, out, None)
    }

    /// [`MessagesText::feed`], also passing everything outside the list's brackets to
    /// `outer`: the manifest without its records (with an empty list).
    pub(crate) fn feed_split(
        &mut self,
        chunk: &[u8],
        out: &mut dyn std::io::Write,
        mut outer: Option<&mut dyn std::io::Write>,
    ) -> std::io::Result<()> {
        let mut start = None::<usize>;
        let mut outer_start = (!self.capturing).then_some(0);
        // Inside a record's string the next quote or backslash is searched for, not walked
        // to byte by byte: most of a manifest is strings.
        let mut skip_to = 0;
        for (i, &b) in chunk.iter().enumerate() {
            if i < skip_to {
                continue;
            }
            if self.done {
                break;
            }
            if self.capturing {
                let ends = !self.in_string && b == b']' && self.depth == 2;
                if ends {
                    if let Some(s) = start.take() {
                        self.pass(&chunk[s..i], out)?;
                    }
                    self.capturing = false;
                    self.done = true;
                    self.complete = true;
                    self.depth -= 1;
                    outer_start = Some(i);
                    continue;
                }
                if start.is_none() {
                    start = Some(i);
                }
                if self.in_string {
                    if self.escaped {
                        self.escaped = false;
                    } else {
                        skip_to = self.skip_string(chunk, i);
                    }
                    continue;
                }
                match b {
                    b'"' => self.in_string = true,
                    b'{' | b'[' => {
                        if b == b'{' && self.depth == 2 {
                            self.records += 1;
                        }
                        self.depth += 1;
                    }
                    b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                    _ => {}
                }
                continue;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    if self.reading_key {
                        self.reading_key = false;
                        self.messages_key = self.key == b"messages";
                        continue;
                    }
                }
                if self.reading_key {
                    self.key.push(b);
                }
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.reading_key = self.depth == 1 && self.expect_key;
                    self.key.clear();
                }
                b':' if self.depth == 1 => self.expect_key = false,
                b',' if self.depth == 1 => {
                    self.expect_key = true;
                    self.messages_key = false;
                }
                b'[' if self.depth == 1 && self.messages_key => {
                    self.depth += 1;
                    self.capturing = true;
                    if let (Some(o), Some(s)) = (outer.as_deref_mut(), outer_start.take()) {
                        o.write_all(&chunk[s..=i])?;
                    }
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.expect_key = self.depth == 1 && b == b'{';
                }
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
        }
        if let Some(s) = start {
            self.pass(&chunk[s..], out)?;
        }
        if let (Some(o), Some(s), false) = (outer, outer_start, self.capturing) {
            o.write_all(&chunk[s..])?;
        }
        Ok(())
    }

    /// From `i` inside a string (not after a backslash): where to go on, past the next
    /// quote (which ends the string) or backslash (which escapes the next byte).
    fn skip_string(&mut self, chunk: &[u8], i: usize) -> usize {
        match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
            Some(off) => {
                if chunk[i + off] == b'"' {
                    self.in_string = false;
                } else {
                    self.escaped = true;
                }
                i + off + 1
            }
            None => chunk.len(),
        }
    }

    /// Writes `text`, holding trailing white space back until more text follows.
    fn pass(&mut self, text: &[u8], out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let end = text
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        if end > 0 {
            out.write_all(&self.pending_space)?;
            self.pending_space.clear();
            out.write_all(&text[..end])?;
        }
        self.pending_space.extend_from_slice(&text[end..]);
        Ok(())
    }
}

/// Splits the text of a message list (as [`MessagesText`] passes it on) into its records'
/// texts, each handed to `on_record` whole, so it can be parsed from a slice.
pub(crate) struct RecordTexts<F> {
    depth: u32,
    in_string: bool,
    escaped: bool,
    record: Vec<u8>,
    on_record: F,
    /// What `on_record` failed with (the `Write` error only says that it did).
    pub failed: Option<ArchiveError>,
}

impl<F: FnMut(&[u8]) -> Result<()>> RecordTexts<F> {
    pub(crate) fn new(on_record: F) -> Self {
        Self {
            depth: 0,
            in_string: false,
            escaped: false,
            record: Vec::with_capacity(4096),
            on_record,
            failed: None,
        }
    }
}

impl<F: FnMut(&[u8]) -> Result<()>> std::io::Write for RecordTexts<F> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut from = (self.depth > 0).then_some(0);
        let mut skip_to = 0;
        for (i, &b) in buf.iter().enumerate() {
            if i < skip_to {
                continue;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                    continue;
                }
                // The next quote or backslash, searched for rather than walked to.
                skip_to = match memchr::memchr2(b'"', b'\\', &buf[i..]) {
                    Some(off) => {
                        if buf[i + off] == b'"' {
                            self.in_string = false;
                        } else {
                            self.escaped = true;
                        }
                        i + off + 1
                    }
                    None => buf.len(),
                };
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => {
                    if self.depth == 0 {
                        self.record.clear();
                        from = Some(i);
                    }
                    self.depth += 1;
                }
                b'}' | b']' if self.depth > 0 => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        let s = from.take().unwrap_or(0);
                        self.record.extend_from_slice(&buf[s..=i]);
                        if let Err(e) = (self.on_record)(&self.record) {
                            self.failed = Some(e);
                            return Err(std::io::Error::other("record refused"));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(s) = from {
            self.record.extend_from_slice(&buf[s..]);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
