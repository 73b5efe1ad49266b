//! # What can go wrong talking POP3

use thiserror::Error;

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
