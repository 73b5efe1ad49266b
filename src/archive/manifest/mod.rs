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
    /// Size of this folder's largest message in the backup (0 when it holds none),
    /// recomputed on every commit: a rerun that finds the folder unchanged reads no
    /// message record of it when this is under the size limit (nothing to look up for the
    /// oversize list). Absent in backups written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub largest: Option<u64>,
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
        let invalid = |e: &dyn fmt::Display| invalid(path, e);
        let (head, early) = read_head(&mut reader, path)?;
        let manifest: Self = serde_json::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            head.as_slice().chain(reader),
        ))
        .map_err(|e| invalid(&e))?;
        if early.is_none() {
            check_format(manifest.format, path)?;
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
        let invalid = |e: &dyn fmt::Display| invalid(path, e);
        let (head, early) = read_head(&mut reader, path)?;
        let mut failed = None;
        let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
            1 << 16,
            head.as_slice().chain(reader),
        ));
        let visitor = de::HeadVisitor {
            on_message,
            failed: &mut failed,
            _record: std::marker::PhantomData,
        };
        let parsed =
            serde::Deserializer::deserialize_struct(&mut de, "Manifest", de::FIELDS, visitor)
                .and_then(|m| de.end().map(|()| m));
        let manifest = match (parsed, failed) {
            (_, Some(e)) => return Err(e),
            (Err(e), None) => return Err(invalid(&e)),
            (Ok(m), None) => m,
        };
        if early.is_none() {
            check_format(manifest.format, path)?;
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

fn invalid(path: &Path, e: &dyn fmt::Display) -> ArchiveError {
    ArchiveError::corrupt(path, format!("{MANIFEST_NAME} is not valid: {e}"))
}

/// A manifest in a format this ikou does not know is refused as such ("update ikou").
fn check_format(format: u32, path: &Path) -> Result<()> {
    if format > FORMAT_VERSION || format == 0 {
        Err(ArchiveError::UnsupportedFormat {
            path: path.to_path_buf(),
            found: format,
            supported: FORMAT_VERSION,
        })
    } else {
        Ok(())
    }
}

/// The manifest's first 4 KiB, and the format number when the text opens with it (as ikou
/// writes it), already checked: a newer layout is refused before its fields are parsed.
fn read_head(reader: &mut impl Read, path: &Path) -> Result<(Vec<u8>, Option<u32>)> {
    let mut head = Vec::with_capacity(4096);
    reader
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| invalid(path, &e))?;
    let early = leading_format(&head);
    if let Some(format) = early {
        check_format(format, path)?;
    }
    Ok((head, early))
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

mod de;
mod ser;
#[cfg(test)]
mod tests;
mod text;

use ser::{Messages, Streamed};
pub(crate) use text::{MessagesText, RecordTexts};
