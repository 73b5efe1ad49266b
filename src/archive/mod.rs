//! # Mail backup archive (`.eml` files in a zip)
//!
//! Writes, resumes, verifies and extracts ikou's backup format: one `.eml` per message in a
//! folder tree, plus `ikou-manifest.json` as the last entry, in a plain zip any tool opens.
//! Writing is streaming, parallel and crash-safe because for some users the backup is the
//! only copy of their mail once the old server is switched off.
//!
//! ## Files
//!
//! - `backup.zip`: entries in write order, `ikou-manifest.json` always last, then the
//!   central directory. Names are UTF-8 (flag bit 11), data deflated or stored, times in
//!   DOS form plus the extended-timestamp field, ZIP64 wherever a limit is exceeded.
//! - `backup.zip.partial` + `backup.zip.journal`: a new backup while its first run writes
//!   it (entries journalled; `commit` renames the partial into place), or, for an existing
//!   backup, the journal of entries appended to it in place. They survive a crash and are
//!   resumed.
//! - `backup.zip.lock`: held while an update runs; removed at the end.
//!
//! ## Driving an update (from one dedicated thread)
//!
//! ```no_run
//! # fn demo(folders: Vec<ikou::model::FolderInfo>) -> Result<(), ikou::archive::ArchiveError> {
//! use ikou::archive::{ArchiveUpdate, MessageKey, SourceKind, UpdateOptions};
//! let options = UpdateOptions::new("mail.example.jp:993", "taro", SourceKind::Imap);
//! let (mut update, prior) = ArchiveUpdate::open("backup.zip".as_ref(), options)?;
//! // `prior` lists what the backup (and an interrupted run) already holds: skip those.
//! for folder in &folders {
//!     update.folder(folder)?;
//!     # let fetched: Vec<(ikou::model::MessageInfo, Vec<u8>)> = Vec::new();
//!     for (info, bytes) in fetched {
//!         // Blocks only while the compression pipeline is full (back-pressure).
//!         update.add(&folder.name, MessageKey::Uid(info.uid), &info, bytes)?;
//!     }
//! }
//! let report = update.commit()?; // or drop it: the work is resumed next time
//! # let _ = (prior, report); Ok(()) }
//! ```

mod base;
pub mod error;
pub mod extract;
mod fsutil;
mod journal;
pub mod manifest;
pub mod mbox;
pub mod names;
mod pipeline;
pub mod reader;
mod resume;
pub mod stream;
pub mod update;
pub mod verify;
pub mod zipwrite;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod testutil;

pub use error::ArchiveError;
pub use extract::{ExtractReport, extract_tree};
pub use manifest::{
    FolderRecord, FolderSync, MANIFEST_NAME, Manifest, MessageKey, MessageRecord, SourceKind,
};
pub use mbox::extract_mbox;
pub use reader::ArchiveReader;
pub use stream::{ArchiveStream, EntryAt};
pub use update::{
    Added, ArchiveUpdate, CommitReport, HeldId, HeldView, Prior, Progress, UpdateOptions,
};
pub use verify::{IntegrityReport, Problem, verify_archive};
pub use zipwrite::Compression;
