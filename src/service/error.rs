//! # What a use case can fail with
//!
//! One error for the pieces every use case shares (signing in, the servers, the profile's
//! server settings); a use case with failures of its own wraps it in its own enum.

use thiserror::Error;

use crate::imap::ImapError;
use crate::pop3::Pop3Error;
use crate::profile::{CredentialError, Side};

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Pop3(#[from] Pop3Error),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    OAuth(#[from] crate::oauth::OAuthError),
    #[error(
        "{server} rejected the access token for {user} ({detail}): {}",
        if *from_ikou {
            "run `ikou login` again; if that does not help, ask the IT centre whether IMAP/POP access is enabled for your mailbox"
        } else {
            "the token from token_env / token_command is wrong or expired (or run `ikou login`: ikou's own sign-in comes first)"
        }
    )]
    TokenRejected {
        server: String,
        user: String,
        detail: String,
        /// The token was ikou's own (cached, refreshed or just signed in), not given.
        from_ikou: bool,
    },
    #[error(
        "the profile has no IMAP settings for the {0} server (add `imap = {{ port = 993, security = \"tls\" }}` under [{0}])"
    )]
    NoImap(Side),
    #[error(
        "the profile has no POP3 settings for the {0} server (add `pop3 = {{ port = 995, security = \"tls\" }}` under [{0}])"
    )]
    NoPop3(Side),
    #[error(
        "no mail address given: use --address or write [account] address = \"...\" in the profile"
    )]
    NoAddress,
}
