//! # Mail headers as data
//!
//! Pure helpers that turn raw header bytes into the envelope fields of `MessageInfo` and judge
//! whether a migrated subject was garbled. No I/O: the callers hand over bytes they fetched.

pub mod address;
pub mod body;
pub mod charset;
pub mod envelope;
pub mod garble;
