//! # POP3 adapter: connect, authenticate, and the read-only session
//!
//! Some legacy servers offer only POP3, so ikou can read a maildrop over it: [`connect`]
//! opens the transport (POP3S, STLS or an explicitly allowed plaintext connection), signs in
//! with USER/PASS, AUTH PLAIN or AUTH XOAUTH2, and returns a [`Pop3Session`] that can list
//! and retrieve but has no way to delete, so the old server keeps every message.

mod client;
pub mod codec;

pub use crate::imap::{AuthMethod, Credentials};
pub use client::{PIPELINE_WINDOW, Pop3Session, connect};
pub use codec::{Capabilities, ResponseCode};

use thiserror::Error;

pub use crate::net::ConnectOptions;
use crate::net::NetError;

/// Everything that can go wrong talking POP3, named so a user can act on it. Details
/// quoted from the server are cut to about 100 characters and never contain the secret.
#[derive(Debug, Error)]
pub enum Pop3Error {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "{server}: refusing to send the password without encryption; use security = \"tls\" (port 995) or \"starttls\", or set allow_plaintext = true in the profile if you really mean it"
    )]
    PlaintextRefused { server: String },
    #[error("{server}: the server does not offer STLS; use security = \"tls\" (port 995)")]
    StlsUnsupported { server: String },
    #[error("{server}: sign-in rejected for user {user}: {detail} (wrong user name or password?)")]
    AuthRejected {
        server: String,
        user: String,
        detail: String,
    },
    #[error("{server}: the server does not offer SASL {mechanism}")]
    MechanismUnsupported { server: String, mechanism: String },
    #[error(
        "{server}: the mailbox of {user} is in use by another POP3 session ({detail}); close other mail programs using it and try again"
    )]
    MailboxInUse {
        server: String,
        user: String,
        detail: String,
    },
    #[error("{server}: temporary server problem during {command}: {detail}; try again later")]
    Temporary {
        server: String,
        command: String,
        detail: String,
    },
    #[error("{server}: {command} failed: {detail}")]
    Command {
        server: String,
        command: String,
        detail: String,
    },
    #[error("{server}: malformed reply to {command}: {detail}")]
    Malformed {
        server: String,
        command: String,
        detail: String,
    },
    #[error("{server}: the server closed the connection during {command}")]
    Closed { server: String, command: String },
    #[error("{server}: no answer to {command} within {secs} s (server overloaded or network down)")]
    Timeout {
        server: String,
        command: String,
        secs: u64,
    },
    #[error("{server}: network error during {command}: {source}")]
    Io {
        server: String,
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{server}: this POP3 session is out of step after an earlier error; connect again")]
    Unusable { server: String },
}
