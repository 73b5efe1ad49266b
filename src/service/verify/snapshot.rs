//! # Snapshot: the old mailbox's metadata in one JSON file
//!
//! `ikou snapshot` saves every folder and every message's identity, envelope, size, flags and
//! INTERNALDATE (never a body) so `ikou verify --old-from FILE.json` still works after the old
//! server is switched off. The file carries a format number; newer formats are refused.
//!
//! Neither side of the file is held whole: [`SnapshotWriter`] writes each folder as it is
//! given (one message a line), and [`read_snapshot`] hands the folders and messages to a
//! [`SnapshotSink`] one by one as it parses them, so a snapshot of any size is written and
//! read in little memory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use thiserror::Error;

use crate::model::{FolderInfo, MessageInfo};

/// Snapshot format written by this version.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// Marks the JSON as an ikou snapshot, so a random JSON file gives a clear error.
pub const SNAPSHOT_KIND: &str = "ikou-snapshot";

#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("{path}: cannot {action}: {detail}")]
    Io {
        path: PathBuf,
        action: &'static str,
        detail: String,
    },
    #[error(
        "{path}: not an ikou snapshot ({detail}); create one with `ikou snapshot -o FILE.json`"
    )]
    NotSnapshot { path: PathBuf, detail: String },
    #[error(
        "{path}: snapshot format {found} is newer than this ikou understands ({supported}); update ikou"
    )]
    Newer {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
}

/// What a snapshot says about itself; its folders are read through a [`SnapshotSink`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotHead {
    pub kind: String,
    pub format: u32,
    pub tool_version: String,
    /// `host:port (security)` of the server the snapshot was taken from.
    pub server: String,
    pub account: String,
    /// RFC 3339, UTC.
    pub taken: String,
}

impl SnapshotHead {
    /// The head of a snapshot of `account` on `server`, taken now by this version.
    pub fn now(server: &str, account: &str) -> Self {
        SnapshotHead {
            kind: SNAPSHOT_KIND.into(),
            format: SNAPSHOT_FORMAT,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            server: server.to_string(),
            account: account.to_string(),
            taken: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// What a written snapshot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotSaved {
    pub head: SnapshotHead,
    pub folders: usize,
    pub messages: u64,
}

/// Writes a snapshot folder by folder into `<path>.partial`, renamed into place by
/// [`SnapshotWriter::finish`], so a crash never leaves half a snapshot where a good one was.
/// Dropped unfinished, it removes the partial file.
pub struct SnapshotWriter {
    path: PathBuf,
    partial: PathBuf,
    out: Option<BufWriter<File>>,
    head: SnapshotHead,
    folders: usize,
    messages: u64,
    /// Messages written of the folder begun, if one is.
    in_folder: Option<u64>,
    /// A folder or message being encoded.
    line: Vec<u8>,
}

impl SnapshotWriter {
    /// Starts the snapshot at `path` with its head.
    pub fn create(path: &Path, head: SnapshotHead) -> Result<Self, SnapshotError> {
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = crate::private_file::create(&partial).map_err(io_error(path, "write"))?;
        let mut writer = SnapshotWriter {
            path: path.to_path_buf(),
            partial,
            out: Some(BufWriter::with_capacity(1 << 16, file)),
            head,
            folders: 0,
            messages: 0,
            in_folder: None,
            line: Vec::with_capacity(1024),
        };
        // The head as `to_vec_pretty` writes it, without its closing brace.
        let mut text = serde_json::to_vec_pretty(&writer.head).map_err(io_error(path, "encode"))?;
        text.truncate(text.len().saturating_sub(2));
        text.extend_from_slice(b",\n  \"folders\": [");
        writer.write(&text)?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let out = self.out.as_mut().ok_or_else(|| SnapshotError::Io {
            path: self.path.clone(),
            action: "write",
            detail: "already finished".into(),
        })?;
        out.write_all(bytes).map_err(io_error(&self.path, "write"))
    }

    /// Adds one folder with its messages, in order.
    pub fn folder(
        &mut self,
        folder: &FolderInfo,
        messages: impl IntoIterator<Item = MessageInfo>,
    ) -> Result<(), SnapshotError> {
        self.begin_folder(folder)?;
        for message in messages {
            self.message(&message)?;
        }
        self.end_folder()
    }

    /// A folder begins; its messages follow, then [`SnapshotWriter::end_folder`].
    pub fn begin_folder(&mut self, folder: &FolderInfo) -> Result<(), SnapshotError> {
        let mut text = std::mem::take(&mut self.line);
        text.clear();
        text.extend_from_slice(if self.folders == 0 { b"\n" } else { b",\n" });
        text.extend_from_slice(b"    {\n      \"folder\": ");
        serde_json::to_writer(&mut text, folder).map_err(io_error(&self.path, "encode"))?;
        text.extend_from_slice(b",\n      \"messages\": [");
        let written = self.write(&text);
        self.line = text;
        self.in_folder = Some(0);
        written
    }

    /// One message of the current folder.
    pub fn message(&mut self, message: &MessageInfo) -> Result<(), SnapshotError> {
        let mut text = std::mem::take(&mut self.line);
        text.clear();
        let written = serde_json::to_writer(&mut text, message)
            .map_err(io_error(&self.path, "encode"))
            .and_then(|()| self.message_json(&text));
        self.line = text;
        written
    }

    /// One message of the current folder, already encoded (compact JSON, as
    /// `serde_json::to_writer` gives it).
    pub fn message_json(&mut self, json: &[u8]) -> Result<(), SnapshotError> {
        let count = self.in_folder.ok_or_else(|| SnapshotError::Io {
            path: self.path.clone(),
            action: "write",
            detail: "a message outside a folder".into(),
        })?;
        self.write(if count == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        self.write(json)?;
        self.in_folder = Some(count + 1);
        Ok(())
    }

    /// The current folder is complete.
    pub fn end_folder(&mut self) -> Result<(), SnapshotError> {
        let count = self.in_folder.take().unwrap_or(0);
        self.write(if count == 0 {
            b"]\n    }"
        } else {
            b"\n      ]\n    }"
        })?;
        self.folders += 1;
        self.messages += count;
        Ok(())
    }

    /// Closes the JSON, syncs it to disk and renames it into place; on an error the partial
    /// file is removed.
    pub fn finish(mut self) -> Result<SnapshotSaved, SnapshotError> {
        let end: &[u8] = if self.folders == 0 {
            b"]\n}\n"
        } else {
            b"\n  ]\n}\n"
        };
        self.write(end)?;
        // The writer is closed from here on, so dropping it no longer removes the partial
        // file: an error must.
        let closed = self.close();
        if closed.is_err() {
            let _ = std::fs::remove_file(&self.partial);
        }
        closed?;
        Ok(SnapshotSaved {
            head: self.head.clone(),
            folders: self.folders,
            messages: self.messages,
        })
    }

    /// Flushes, syncs and renames the partial file into place.
    fn close(&mut self) -> Result<(), SnapshotError> {
        let out = self.out.take().ok_or_else(|| SnapshotError::Io {
            path: self.path.clone(),
            action: "write",
            detail: "already finished".into(),
        })?;
        let file = out
            .into_inner()
            .map_err(|e| io_error(&self.path, "write")(e.into_error()))?;
        file.sync_all().map_err(io_error(&self.path, "write"))?;
        drop(file);
        std::fs::rename(&self.partial, &self.path)
            .map_err(io_error(&self.path, "rename into place"))
    }
}

impl Drop for SnapshotWriter {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

fn io_error<'p, E: std::fmt::Display>(
    path: &'p Path,
    action: &'static str,
) -> impl Fn(E) -> SnapshotError + 'p {
    move |e| SnapshotError::Io {
        path: path.to_path_buf(),
        action,
        detail: e.to_string(),
    }
}

/// Where the folders of a snapshot go as it is read: each folder, then its messages.
pub trait SnapshotSink {
    /// A folder begins; its messages follow.
    fn folder(&mut self, folder: FolderInfo);
    /// One message of the current folder.
    fn message(&mut self, message: MessageInfo);
}

/// Reads the snapshot at `path` into `sink` and returns its head. Nothing reaches the sink
/// before the head says the file is an ikou snapshot of a format this version reads: in
/// one pass when `kind` and `format` come before `folders`, as ikou writes them; else the
/// first pass skips the folders, and once its head is checked the file is read again.
pub fn read_snapshot(
    path: &Path,
    sink: &mut dyn SnapshotSink,
) -> Result<SnapshotHead, SnapshotError> {
    let open = || File::open(path).map_err(io_error(path, "read"));
    let not = |e: serde_json::Error| not_snapshot(path, e.to_string());
    let probe = parse(open()?, sink, false).map_err(not)?;
    let skipped = probe.skipped;
    let head = probe.head(path)?;
    if skipped {
        parse(open()?, sink, true).map_err(not)?;
    }
    Ok(head)
}

/// One pass over the file: the head's fields, and the folders into the sink (`trusted`:
/// the head was checked already).
fn parse(
    file: File,
    sink: &mut dyn SnapshotSink,
    trusted: bool,
) -> Result<Probe, serde_json::Error> {
    let mut json = serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, file));
    let probe = Document { sink, trusted }.deserialize(&mut json)?;
    json.end()?;
    Ok(probe)
}

fn not_snapshot(path: &Path, detail: String) -> SnapshotError {
    SnapshotError::NotSnapshot {
        path: path.to_path_buf(),
        detail,
    }
}

/// The fields of a snapshot's head, as found.
#[derive(Debug, Default)]
struct Probe {
    kind: Option<String>,
    format: Option<u32>,
    tool_version: Option<String>,
    server: Option<String>,
    account: Option<String>,
    taken: Option<String>,
    folders: Option<IgnoredAny>,
    /// The folders came before the head said the file is readable, and were skipped.
    skipped: bool,
}

impl Probe {
    /// An ikou snapshot of a format this version reads.
    fn readable(&self) -> bool {
        self.kind.as_deref() == Some(SNAPSHOT_KIND)
            && self
                .format
                .is_some_and(|f| (1..=SNAPSHOT_FORMAT).contains(&f))
    }

    /// The head, checked.
    fn head(self, path: &Path) -> Result<SnapshotHead, SnapshotError> {
        let not = |detail: String| not_snapshot(path, detail);
        if self.kind.as_deref() != Some(SNAPSHOT_KIND) {
            return Err(not(format!("\"kind\" is not \"{SNAPSHOT_KIND}\"")));
        }
        let format = match self.format {
            Some(found) if found > SNAPSHOT_FORMAT => {
                return Err(SnapshotError::Newer {
                    path: path.to_path_buf(),
                    found,
                    supported: SNAPSHOT_FORMAT,
                });
            }
            Some(format @ 1..) => format,
            _ => return Err(not("no valid \"format\"".into())),
        };
        let field = |value: Option<String>, name: &str| {
            value.ok_or_else(|| not(format!("missing field `{name}`")))
        };
        if self.folders.is_none() {
            return Err(not("missing field `folders`".into()));
        }
        Ok(SnapshotHead {
            kind: SNAPSHOT_KIND.into(),
            format,
            tool_version: field(self.tool_version, "tool_version")?,
            server: field(self.server, "server")?,
            account: field(self.account, "account")?,
            taken: field(self.taken, "taken")?,
        })
    }
}

/// The whole document: the head's fields, and `folders` parsed into the sink once the head
/// (before it, or `trusted`) says the file is readable, else skipped.
struct Document<'s> {
    sink: &'s mut dyn SnapshotSink,
    trusted: bool,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = Probe;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Probe, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = Probe;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an ikou snapshot")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let mut probe = Probe::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "kind" => probe.kind = map.next_value()?,
                "format" => probe.format = map.next_value()?,
                "tool_version" => probe.tool_version = map.next_value()?,
                "server" => probe.server = map.next_value()?,
                "account" => probe.account = map.next_value()?,
                "taken" => probe.taken = map.next_value()?,
                "folders" if self.trusted || probe.readable() => {
                    map.next_value_seed(Folders {
                        sink: &mut *self.sink,
                    })?;
                    probe.folders = Some(IgnoredAny);
                }
                "folders" => {
                    map.next_value::<IgnoredAny>()?;
                    probe.folders = Some(IgnoredAny);
                    probe.skipped = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(probe)
    }
}

/// The `folders` array, one folder at a time.
struct Folders<'s> {
    sink: &'s mut dyn SnapshotSink,
}

impl<'de> DeserializeSeed<'de> for Folders<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Folders<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of folders")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Folder {
                sink: &mut *self.sink,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One folder: `folder` (which must come first, as ikou writes it), then `messages`.
struct Folder<'s> {
    sink: &'s mut dyn SnapshotSink,
}

impl<'de> DeserializeSeed<'de> for Folder<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Folder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a folder with its messages")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (mut folder, mut messages) = (false, false);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "folder" if !folder => {
                    self.sink.folder(map.next_value()?);
                    folder = true;
                }
                "messages" if folder && !messages => {
                    map.next_value_seed(Messages {
                        sink: &mut *self.sink,
                    })?;
                    messages = true;
                }
                "folder" | "messages" => {
                    return Err(de::Error::custom(format!(
                        "a folder's \"{key}\" is repeated or comes before its \"folder\""
                    )));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (folder, messages) {
            (true, true) => Ok(()),
            (false, _) => Err(de::Error::missing_field("folder")),
            (true, false) => Err(de::Error::missing_field("messages")),
        }
    }
}

/// A folder's `messages` array, one message at a time.
struct Messages<'s> {
    sink: &'s mut dyn SnapshotSink,
}

impl<'de> DeserializeSeed<'de> for Messages<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Messages<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(message) = seq.next_element::<MessageInfo>()? {
            self.sink.message(message);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
