//! # Backup manifest (`ikou-manifest.json`)
//!
//! The JSON index stored as the last entry of every ikou backup: which mailbox it holds,
//! every folder with its directory, and every message with its identity, SHA-256 and zip
//! path. The manifest's message list is the single source of truth for what the backup
//! contains; entries it does not name are leftovers and are only counted.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::{ArchiveError, Result};
use crate::model::SpecialUse;

/// Name of the manifest entry at the zip root.
pub const MANIFEST_NAME: &str = "ikou-manifest.json";

/// Manifest format written by this version; readers refuse newer formats.
pub const FORMAT_VERSION: u32 = 1;

/// A manifest larger than this is treated as damage rather than read into memory
/// (a 200 000-message mailbox needs about 100 MB).
pub(crate) const MAX_MANIFEST_BYTES: u64 = 1 << 30;

/// Which protocol the messages were fetched with; it decides how messages are identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Imap,
    Pop3,
    /// A mail program's local folders on the PC (Thunderbird mbox); messages are keyed by
    /// their content hash in the `uidl` field.
    Local,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Imap => "imap",
            Self::Pop3 => "pop3",
            Self::Local => "local",
        })
    }
}

/// How the source server identifies a message within its folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKey {
    /// IMAP UID (meaningful together with the folder's UIDVALIDITY).
    Uid(u32),
    /// POP3 UIDL string (RFC 1939: 1 to 70 printable ASCII characters).
    Uidl(String),
}

impl fmt::Display for MessageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uid(uid) => write!(f, "UID {uid}"),
            Self::Uidl(uidl) => write!(f, "UIDL {uidl:?}"),
        }
    }
}

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT_VERSION`] of the writer.
    pub format: u32,
    /// Name of the last writer (`ikou`).
    pub tool: String,
    /// Version of the last writer (`CARGO_PKG_VERSION`).
    pub tool_version: String,
    /// Source server as `host:port`.
    pub server: String,
    pub account: String,
    pub source: SourceKind,
    /// RFC 3339 time of the first backup into this file.
    pub created: String,
    /// RFC 3339 time of the last commit.
    pub updated: String,
    pub folders: Vec<FolderRecord>,
    pub messages: Vec<MessageRecord>,
}

/// One folder of the source mailbox and the zip directory holding its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderRecord {
    /// Decoded Unicode name with the server's delimiter (`INBOX.研究室`).
    pub name: String,
    /// Name as the server sent it (modified UTF-7).
    pub raw_name: String,
    pub delimiter: Option<char>,
    pub special_use: Option<SpecialUse>,
    pub uid_validity: Option<u32>,
    /// Messages of this folder in the backup (recomputed on every commit).
    pub messages: u64,
    /// Zip directory with trailing `/` (`INBOX/研究室/`).
    pub dir: String,
    /// The server's state when every message of this folder below `uid_next` was in the
    /// backup: a rerun that finds the same state has nothing to fetch here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<FolderSync>,
}

/// A folder's state on the server (STATUS) at the end of a complete backup of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderSync {
    pub uid_validity: u32,
    /// Every message with a smaller UID was archived (or gone from the server).
    pub uid_next: u32,
    /// Messages in the folder on the server then.
    pub messages: u32,
    /// CONDSTORE's HIGHESTMODSEQ then, where the server offers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_modseq: Option<u64>,
}

/// One archived message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MessageRecord {
    /// Folder name, as in [`FolderRecord::name`].
    pub folder: String,
    /// IMAP UID; absent for POP3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    /// POP3 UIDL; absent for IMAP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uidl: Option<String>,
    /// UIDVALIDITY the UID belongs to (a folder's value can change; see `ArchiveUpdate::rekey`).
    pub uid_validity: Option<u32>,
    /// Exact length of the stored message in bytes.
    pub size: u64,
    /// SHA-256 of the stored message bytes, lowercase hex.
    pub sha256: String,
    /// INTERNALDATE as RFC 3339.
    pub internal_date: Option<String>,
    pub flags: Vec<String>,
    pub message_id: Option<String>,
    /// Date header as written in the message.
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Decoded subject.
    pub subject: Option<String>,
    /// The Subject field as written in the message (unfolded, before decoding), so that a
    /// verify from this backup judges garbled subjects as a live run does. Absent in
    /// archives written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_raw: Option<String>,
    /// Path of the `.eml` entry in the zip.
    pub entry: String,
}

impl MessageRecord {
    /// The message's identity on the source server (`None` only for a hand-edited manifest).
    pub fn key(&self) -> Option<MessageKey> {
        match (self.uid, &self.uidl) {
            (Some(uid), _) => Some(MessageKey::Uid(uid)),
            (None, Some(uidl)) => Some(MessageKey::Uidl(uidl.clone())),
            (None, None) => None,
        }
    }
}

/// Current time as RFC 3339 in UTC, second precision.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Manifest {
    /// An empty manifest for a new backup.
    pub fn new(server: &str, account: &str, source: SourceKind) -> Self {
        let now = now_rfc3339();
        Self {
            format: FORMAT_VERSION,
            tool: "ikou".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            server: server.to_string(),
            account: account.to_string(),
            source,
            created: now.clone(),
            updated: now,
            folders: Vec::new(),
            messages: Vec::new(),
        }
    }

    /// Parses manifest JSON; `path` is only used in error messages.
    pub fn from_json(json: &[u8], path: &Path) -> Result<Self> {
        Self::from_reader(json, path)
    }

    /// Parses manifest JSON as it is read, so the text of a large manifest (tens of MB for
    /// 100,000 messages) is never held whole. The format number, which ikou writes first,
    /// is looked at before the rest, so a newer layout gives "update ikou" rather than a
    /// confusing field error.
    pub fn from_reader(mut reader: impl std::io::Read, path: &Path) -> Result<Self> {
        let invalid = |e: &dyn fmt::Display| {
            ArchiveError::corrupt(path, format!("{MANIFEST_NAME} is not valid: {e}"))
        };
        let mut head = Vec::with_capacity(4096);
        (&mut reader)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| invalid(&e))?;
        let check = |format: u32| {
            if format > FORMAT_VERSION || format == 0 {
                Err(ArchiveError::UnsupportedFormat {
                    path: path.to_path_buf(),
                    found: format,
                    supported: FORMAT_VERSION,
                })
            } else {
                Ok(())
            }
        };
        let early = leading_format(&head);
        if let Some(format) = early {
            check(format)?;
        }
        let manifest: Self = serde_json::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            head.as_slice().chain(reader),
        ))
        .map_err(|e| invalid(&e))?;
        if early.is_none() {
            check(manifest.format)?;
        }
        Ok(manifest)
    }

    /// Parses manifest JSON as it is read, like [`Manifest::from_reader`], but hands every
    /// message record to `on_message` (as `M`: [`MessageRecord`], or a type with only the
    /// fields a caller needs) instead of collecting them: the returned manifest's message
    /// list is empty. An error from `on_message` stops the parse and is returned as is.
    pub(crate) fn stream_from_reader<M: serde::de::DeserializeOwned>(
        mut reader: impl std::io::Read,
        path: &Path,
        on_message: impl FnMut(M) -> Result<()>,
    ) -> Result<Self> {
        let invalid = |e: &dyn fmt::Display| {
            ArchiveError::corrupt(path, format!("{MANIFEST_NAME} is not valid: {e}"))
        };
        let mut head = Vec::with_capacity(4096);
        (&mut reader)
            .take(4096)
            .read_to_end(&mut head)
            .map_err(|e| invalid(&e))?;
        let check = |format: u32| {
            if format > FORMAT_VERSION || format == 0 {
                Err(ArchiveError::UnsupportedFormat {
                    path: path.to_path_buf(),
                    found: format,
                    supported: FORMAT_VERSION,
                })
            } else {
                Ok(())
            }
        };
        let early = leading_format(&head);
        if let Some(format) = early {
            check(format)?;
        }
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            head.as_slice().chain(reader),
        ));
        let visitor = streaming::HeadVisitor {
            on_message,
            failed: &mut failed,
            _record: std::marker::PhantomData,
        };
        let parsed = serde::Deserializer::deserialize_struct(
            &mut de,
            "Manifest",
            streaming::FIELDS,
            visitor,
        )
        .and_then(|m| de.end().map(|()| m));
        let manifest = match (parsed, failed) {
            (_, Some(e)) => return Err(e),
            (Err(e), None) => return Err(invalid(&e)),
            (Ok(m), None) => m,
        };
        if early.is_none() {
            check(manifest.format)?;
        }
        Ok(manifest)
    }

    /// Pretty JSON: people open this file to see what their backup holds.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec_pretty(self)
    }

    /// The same JSON as [`Manifest::to_json`], written as it is produced (no whole copy).
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> serde_json::Result<()> {
        serde_json::to_writer_pretty(out, self)
    }

    /// The JSON of this manifest with `extra` appended to its message list, written as it
    /// is produced: the messages a backup run added are read back from its journal here
    /// instead of being held in memory. `extra` must yield exactly `extra_count` records.
    /// With no extra records the bytes equal [`Manifest::to_json`]'s.
    pub(crate) fn write_json_with<I>(
        &self,
        out: &mut dyn std::io::Write,
        extra_count: usize,
        extra: I,
    ) -> serde_json::Result<()>
    where
        I: Iterator<Item = std::io::Result<MessageRecord>>,
    {
        let streamed = Streamed {
            head: self,
            messages: Messages {
                head: &self.messages,
                extra_count,
                extra: std::cell::RefCell::new(extra),
            },
        };
        serde_json::to_writer_pretty(out, &streamed)
    }

    /// The JSON of this manifest (as [`Manifest::to_json`] writes it) whose message list is
    /// `copied`, the text inside another manifest's message list passed on as it is (see
    /// [`MessagesText`]), followed by `extra` records: a rerun that changed no archived
    /// message copies the previous records' text instead of parsing and writing each again.
    /// `copied` returns whether it wrote any record. With pretty-printed input (as ikou
    /// writes it) the result equals the derived serialisation byte for byte.
    pub(crate) fn write_json_spliced<I>(
        &self,
        out: &mut dyn std::io::Write,
        copied: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<bool>,
        extra: I,
    ) -> std::io::Result<()>
    where
        I: Iterator<Item = std::io::Result<MessageRecord>>,
    {
        let head = Self {
            messages: Vec::new(),
            ..self.clone()
        };
        let text = head.to_json().map_err(std::io::Error::other)?;
        let open = text
            .strip_suffix(b"[]\n}")
            .ok_or_else(|| std::io::Error::other("manifest does not end with its message list"))?;
        out.write_all(open)?;
        out.write_all(b"[")?;
        let mut any = copied(out)?;
        let mut record = Vec::with_capacity(1024);
        for m in extra {
            record.clear();
            serde_json::to_writer_pretty(&mut record, &m?).map_err(std::io::Error::other)?;
            out.write_all(if any { b",\n    " } else { b"\n    " })?;
            // One level deeper than on its own: every line break gains four spaces (JSON
            // strings hold no raw line breaks).
            for (i, line) in record.split(|&b| b == b'\n').enumerate() {
                if i > 0 {
                    out.write_all(b"\n    ")?;
                }
                out.write_all(line)?;
            }
            any = true;
        }
        out.write_all(if any { b"\n  ]\n}" } else { b"]\n}" })
    }

    pub fn folder(&self, name: &str) -> Option<&FolderRecord> {
        self.folders.iter().find(|f| f.name == name)
    }

    /// `server / account (source)`, as shown in messages about this backup.
    pub fn mailbox_label(&self) -> String {
        format!("{} on {} ({})", self.account, self.server, self.source)
    }

    /// Sets every folder's message count from the message list.
    pub fn recount(&mut self) {
        for folder in &mut self.folders {
            folder.messages = self
                .messages
                .iter()
                .filter(|m| m.folder == folder.name)
                .count() as u64;
        }
    }

    /// True when both describe the same backup content (ignores timestamps and tool version).
    pub fn same_content(&self, other: &Self) -> bool {
        self.server == other.server
            && self.account == other.account
            && self.source == other.source
            && self.folders == other.folders
            && self.messages == other.messages
    }
}

/// The value of a `"format"` member that opens the JSON object (as ikou writes it), if the
/// text starts that way.
fn leading_format(head: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // Cut inside a multi-byte character: the format member lies before it anyway.
        let valid = std::str::from_utf8(head).err()?.valid_up_to();
        std::str::from_utf8(&head[..valid]).ok()
    })?;
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest
        .strip_prefix("\"format\"")?
        .trim_start()
        .strip_prefix(':')?;
    let rest = rest.trim_start();
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

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

/// Reading a manifest with its message list handed out record by record.
mod streaming {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::{ArchiveError, FolderRecord, Manifest, SourceKind};

    pub(super) const FIELDS: &[&str] = &[
        "format",
        "tool",
        "tool_version",
        "server",
        "account",
        "source",
        "created",
        "updated",
        "folders",
        "messages",
    ];

    pub(super) struct HeadVisitor<'a, M, F> {
        pub on_message: F,
        pub failed: &'a mut Option<ArchiveError>,
        pub _record: PhantomData<M>,
    }

    impl<'de, M, F> Visitor<'de> for HeadVisitor<'_, M, F>
    where
        M: DeserializeOwned,
        F: FnMut(M) -> Result<(), ArchiveError>,
    {
        type Value = Manifest;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an ikou manifest object")
        }

        fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Manifest, A::Error> {
            let mut format: Option<u32> = None;
            let mut tool: Option<String> = None;
            let mut tool_version: Option<String> = None;
            let mut server: Option<String> = None;
            let mut account: Option<String> = None;
            let mut source: Option<SourceKind> = None;
            let mut created: Option<String> = None;
            let mut updated: Option<String> = None;
            let mut folders: Option<Vec<FolderRecord>> = None;
            let mut messages = false;
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "format" => format = Some(map.next_value()?),
                    "tool" => tool = Some(map.next_value()?),
                    "tool_version" => tool_version = Some(map.next_value()?),
                    "server" => server = Some(map.next_value()?),
                    "account" => account = Some(map.next_value()?),
                    "source" => source = Some(map.next_value()?),
                    "created" => created = Some(map.next_value()?),
                    "updated" => updated = Some(map.next_value()?),
                    "folders" => folders = Some(map.next_value()?),
                    "messages" => {
                        map.next_value_seed(MessagesSeed {
                            on_message: &mut self.on_message,
                            failed: &mut *self.failed,
                            _record: PhantomData,
                        })?;
                        messages = true;
                    }
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            if !messages {
                return Err(de::Error::missing_field("messages"));
            }
            Ok(Manifest {
                format: format.ok_or_else(|| de::Error::missing_field("format"))?,
                tool: tool.ok_or_else(|| de::Error::missing_field("tool"))?,
                tool_version: tool_version
                    .ok_or_else(|| de::Error::missing_field("tool_version"))?,
                server: server.ok_or_else(|| de::Error::missing_field("server"))?,
                account: account.ok_or_else(|| de::Error::missing_field("account"))?,
                source: source.ok_or_else(|| de::Error::missing_field("source"))?,
                created: created.ok_or_else(|| de::Error::missing_field("created"))?,
                updated: updated.ok_or_else(|| de::Error::missing_field("updated"))?,
                folders: folders.ok_or_else(|| de::Error::missing_field("folders"))?,
                messages: Vec::new(),
            })
        }
    }

    struct MessagesSeed<'a, 'b, M, F> {
        on_message: &'a mut F,
        failed: &'b mut Option<ArchiveError>,
        _record: PhantomData<M>,
    }

    impl<'de, M, F> de::DeserializeSeed<'de> for MessagesSeed<'_, '_, M, F>
    where
        M: DeserializeOwned,
        F: FnMut(M) -> Result<(), ArchiveError>,
    {
        type Value = ();

        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de, M, F> Visitor<'de> for MessagesSeed<'_, '_, M, F>
    where
        M: DeserializeOwned,
        F: FnMut(M) -> Result<(), ArchiveError>,
    {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of message records")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while let Some(m) = seq.next_element::<M>()? {
                if let Err(e) = (self.on_message)(m) {
                    *self.failed = Some(e);
                    return Err(de::Error::custom("stopped by the reader"));
                }
            }
            Ok(())
        }
    }
}

/// [`Manifest`] with its message list streamed; serialises exactly as the derived impl does.
struct Streamed<'a, I> {
    head: &'a Manifest,
    messages: Messages<'a, I>,
}

struct Messages<'a, I> {
    head: &'a [MessageRecord],
    extra_count: usize,
    extra: std::cell::RefCell<I>,
}

impl<I> Serialize for Streamed<'_, I>
where
    I: Iterator<Item = std::io::Result<MessageRecord>>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.head;
        let mut st = s.serialize_struct("Manifest", 10)?;
        st.serialize_field("format", &m.format)?;
        st.serialize_field("tool", &m.tool)?;
        st.serialize_field("tool_version", &m.tool_version)?;
        st.serialize_field("server", &m.server)?;
        st.serialize_field("account", &m.account)?;
        st.serialize_field("source", &m.source)?;
        st.serialize_field("created", &m.created)?;
        st.serialize_field("updated", &m.updated)?;
        st.serialize_field("folders", &m.folders)?;
        st.serialize_field("messages", &self.messages)?;
        st.end()
    }
}

impl<I> Serialize for Messages<'_, I>
where
    I: Iterator<Item = std::io::Result<MessageRecord>>,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.head.len() + self.extra_count))?;
        for m in self.head {
            seq.serialize_element(m)?;
        }
        let mut extra = self.extra.borrow_mut();
        let mut n = 0;
        for m in &mut *extra {
            seq.serialize_element(&m.map_err(S::Error::custom)?)?;
            n += 1;
        }
        if n != self.extra_count {
            return Err(S::Error::custom(format!(
                "{n} of {} added messages were journalled",
                self.extra_count
            )));
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_and_key_fields() {
        let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
        m.messages.push(MessageRecord {
            folder: "INBOX".into(),
            uid: Some(5),
            entry: "INBOX/a.eml".into(),
            ..Default::default()
        });
        m.messages.push(MessageRecord {
            folder: "INBOX".into(),
            uidl: Some("abc".into()),
            ..Default::default()
        });
        let json = m.to_json().expect("encodes");
        let text = String::from_utf8(json.clone()).expect("manifest is UTF-8");
        assert!(text.contains("\"uid\": 5") && text.contains("\"uidl\": \"abc\""));
        assert!(text.contains("\"source\": \"imap\""));
        let back = Manifest::from_json(&json, Path::new("x.zip")).expect("parses back");
        assert_eq!(back, m);
        assert_eq!(back.messages[0].key(), Some(MessageKey::Uid(5)));
        assert_eq!(back.messages[1].key(), Some(MessageKey::Uidl("abc".into())));
    }

    #[test]
    fn streamed_json_equals_derived_json() {
        let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
        let rec = |uid| MessageRecord {
            folder: "INBOX".into(),
            uid: Some(uid),
            sha256: "ab".repeat(32),
            subject: Some("件名".into()),
            entry: format!("INBOX/{uid}.eml"),
            ..Default::default()
        };
        m.messages.push(rec(1));
        let mut out = Vec::new();
        m.write_json_with(&mut out, 0, std::iter::empty())
            .expect("writes");
        assert_eq!(out, m.to_json().expect("encodes"));
        let mut out = Vec::new();
        m.write_json_with(&mut out, 2, [Ok(rec(2)), Ok(rec(3))].into_iter())
            .expect("writes");
        m.messages.extend([rec(2), rec(3)]);
        assert_eq!(out, m.to_json().expect("encodes"));
        let mut empty = Manifest::new("h:1", "a", SourceKind::Pop3);
        empty.messages.clear();
        let mut out = Vec::new();
        empty
            .write_json_with(&mut out, 0, std::iter::empty())
            .expect("writes");
        assert_eq!(out, empty.to_json().expect("encodes"));
        // A record missing from the journal is an error, not a shorter manifest.
        assert!(
            m.write_json_with(&mut Vec::new(), 1, std::iter::empty())
                .is_err()
        );
    }

    /// The message list's text is picked out of a manifest fed in chunks of any size
    /// (strings full of brackets, quotes and escapes included) and spliced into a new one:
    /// from pretty JSON the result equals the derived serialisation byte for byte, from
    /// compact JSON with another member order it reads back the same.
    #[test]
    fn message_list_text_is_copied_exactly() {
        let mut m = Manifest::new("mail.example.jp:993", "taro", SourceKind::Imap);
        m.folders.push(FolderRecord {
            name: "INBOX".into(),
            raw_name: "INBOX".into(),
            delimiter: Some('.'),
            special_use: None,
            uid_validity: Some(7),
            messages: 3,
            dir: "INBOX/".into(),
            synced: None,
        });
        let rec = |uid: u32, subject: &str| MessageRecord {
            folder: "INBOX".into(),
            uid: Some(uid),
            uid_validity: Some(7),
            sha256: "ab".repeat(32),
            flags: vec!["\\Seen".into(), "]".into()],
            subject: Some(subject.into()),
            entry: format!("INBOX/{uid}.eml"),
            ..Default::default()
        };
        m.messages = vec![
            rec(1, r#"tricky "]}" \" [{ 件名"#),
            rec(2, "messages: [1, 2]"),
        ];
        let added = rec(3, "new ]");
        let mut whole = m.clone();
        whole.messages.push(added.clone());
        let expected = whole.to_json().expect("json");

        let pretty = m.to_json().expect("json");
        let mut compact: serde_json::Value = serde_json::from_slice(&pretty).expect("value");
        let obj = compact.as_object_mut().expect("object");
        let messages = obj.remove("messages").expect("messages");
        let mut reordered = serde_json::Map::new();
        reordered.insert("messages".into(), messages);
        reordered.extend(std::mem::take(obj));
        let compact = serde_json::to_vec(&serde_json::Value::Object(reordered)).expect("json");

        for (input, exact) in [(&pretty, true), (&compact, false)] {
            for size in [1, 7, 4096] {
                let mut text = MessagesText::default();
                let mut copied = Vec::new();
                for chunk in input.chunks(size) {
                    text.feed(chunk, &mut copied).expect("feed");
                }
                assert!(text.complete);
                assert_eq!(text.records, 2);
                let mut out = Vec::new();
                whole
                    .write_json_spliced(
                        &mut out,
                        |w| w.write_all(&copied).map(|()| true),
                        std::iter::once(Ok(added.clone())),
                    )
                    .expect("splice");
                if exact {
                    assert_eq!(
                        String::from_utf8_lossy(&out),
                        String::from_utf8_lossy(&expected)
                    );
                }
                let back = Manifest::from_json(&out, Path::new("x.zip")).expect("valid JSON");
                assert_eq!(back, whole, "chunk size {size}");
            }
        }
        // No records at all, before or after: an empty list as the derived form writes it.
        let mut empty = m.clone();
        empty.messages.clear();
        let mut out = Vec::new();
        empty
            .write_json_spliced(&mut out, |_| Ok(false), std::iter::empty())
            .expect("splice");
        assert_eq!(out, empty.to_json().expect("json"));
    }

    #[test]
    fn newer_format_is_refused() {
        let mut m = Manifest::new("h:1", "a", SourceKind::Pop3);
        m.format = FORMAT_VERSION + 1;
        let err = Manifest::from_json(&m.to_json().expect("encodes"), Path::new("x.zip"))
            .expect_err("newer format");
        assert!(
            matches!(err, ArchiveError::UnsupportedFormat { found, .. } if found == FORMAT_VERSION + 1)
        );
        let err =
            Manifest::from_json(b"{\"format\":1}", Path::new("x.zip")).expect_err("missing fields");
        assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
    }
}
