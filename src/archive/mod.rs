//! # Mail backup archive (`.eml` files in a zip)
//!
//! Writes, resumes, verifies and extracts ikou's backup format: one `.eml` per message in a
//! folder tree, plus `ikou-manifest.json` as the last entry, in a plain zip any tool opens.
//! Writing is streaming, parallel and crash-safe because for some users the backup is the
//! only copy of their mail once the old server is switched off.

pub mod error;
pub mod manifest;
pub mod names;
pub mod reader;
pub mod zipwrite;

#[cfg(test)]
mod testutil;

pub use error::ArchiveError;
pub use manifest::{FolderRecord, MANIFEST_NAME, Manifest, MessageKey, MessageRecord, SourceKind};
pub use reader::ArchiveReader;
pub use zipwrite::Compression;
