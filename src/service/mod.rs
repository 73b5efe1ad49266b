//! # Use cases: what ikou does, composed from the adapters and the pure core
//!
//! Each use case takes a profile and options and returns a typed result that is both
//! `Serialize` (for `--json`) and renderable for people; nothing here prints. The CLI and
//! the TUI call these functions and only differ in how they show the result.

pub mod access;
pub mod backup;
pub mod batch;
pub mod doctor;
mod error;
pub mod find_profile;
pub mod inventory;
pub mod local;
pub mod pop3_inventory;
pub mod progress;
pub mod signin;
pub mod support;
pub mod verify;

pub use access::{
    AccountRef, imap_options, open_pop3_session, open_read_session, open_write_session,
    pop3_options,
};
pub use error::ServiceError;
