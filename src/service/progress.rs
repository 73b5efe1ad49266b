//! # Progress of reading a mailbox, for a gauge
//!
//! The use cases that read a whole mailbox (inventory, verify) report each step through a
//! [`Progress`] callback; the CLI may ignore it, the TUI turns it into its gauges. One type
//! for every use case, so a face never reads a mailbox itself to show progress.

use std::sync::Arc;

use crate::profile::Side;

/// One step of reading one server's mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadStep {
    /// Signed in to `Side`; reading begins.
    Connected(Side),
    /// About to read folder `done + 1` of `total` (`done == total`, `folder` empty, at the end).
    Folder {
        side: Side,
        done: usize,
        total: usize,
        folder: String,
    },
}

/// Where the steps go. Called from the task doing the work; keep it cheap.
pub type Progress = Arc<dyn Fn(ReadStep) + Send + Sync>;

/// A [`Progress`] that drops every step (the plain commands, which show the result only).
pub fn silent() -> Progress {
    Arc::new(|_| {})
}
