//! # POP3 adapter: connect, authenticate, and the read-only session
//!
//! Some legacy servers offer only POP3, so ikou can read a maildrop over it: [`connect`]
//! opens the transport (POP3S, STLS or an explicitly allowed plaintext connection), signs in
//! with USER/PASS, AUTH PLAIN or AUTH XOAUTH2, and returns a [`Pop3Session`] that can list
//! and retrieve but has no way to delete, so the old server keeps every message.

mod client;
pub mod codec;
mod error;

pub use client::{PIPELINE_WINDOW, Pop3Session, connect};
pub use codec::{Capabilities, ResponseCode};
pub use error::Pop3Error;

pub use crate::imap::{AuthMethod, Credentials};
pub use crate::net::ConnectOptions;
