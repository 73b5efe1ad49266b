//! # What the helpdesk needs: a state code read out on the phone
//!
//! [`code`] turns a verify or doctor result into a short code a user can read aloud
//! (`V2-6-0-4-2-0-1-37`) and back into sentences (`ikou explain`). Pure: no I/O.

pub mod code;
pub mod redact;

pub use code::{CodeError, StateCode};
