//! # Mail backup archive (`.eml` files in a zip)
//!
//! Writes, resumes, verifies and extracts ikou's backup format: one `.eml` per message in a
//! folder tree, plus `ikou-manifest.json` as the last entry, in a plain zip any tool opens.
//! Writing is streaming, parallel and crash-safe because for some users the backup is the
//! only copy of their mail once the old server is switched off.

mod base;
pub mod error;
pub mod extract;
mod journal;
pub mod manifest;
pub mod mbox;
pub mod names;
mod pipeline;
pub mod reader;
mod resume;
pub mod update;
pub mod verify;
pub mod zipwrite;

#[cfg(test)]
mod bench;
#[cfg(test)]
mod testutil;

pub use error::ArchiveError;
pub use extract::{ExtractReport, extract_tree};
pub use manifest::{FolderRecord, MANIFEST_NAME, Manifest, MessageKey, MessageRecord, SourceKind};
pub use mbox::extract_mbox;
pub use reader::ArchiveReader;
pub use update::{Added, ArchiveUpdate, CommitReport, Progress, UpdateOptions};
pub use verify::{Problem, VerifyReport, verify_archive};
pub use zipwrite::Compression;

#[cfg(test)]
mod update_tests;
