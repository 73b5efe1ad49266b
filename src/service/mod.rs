//! # Use cases: what ikou does, composed from the adapters and the pure core
//!
//! Each use case takes a profile and options and returns a typed result that is both
//! `Serialize` (for `--json`) and renderable for people; nothing here prints. The CLI and
//! the TUI call these functions and only differ in how they show the result.

pub mod backup;
pub mod inventory;

use thiserror::Error;

use crate::imap::{self, ConnectOptions, ImapError, ReadSession};
use crate::profile::{CredentialError, Profile, Side};

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(
        "the profile has no IMAP settings for the {0} server (add `imap = {{ port = 993, security = \"tls\" }}` under [{0}])"
    )]
    NoImap(Side),
    #[error(
        "no mail address given: use --address or write [account] address = \"...\" in the profile"
    )]
    NoAddress,
}

/// Who is asking: the address, and whether a hidden password prompt is allowed.
#[derive(Debug, Clone)]
pub struct AccountRef {
    pub address: String,
    pub interactive: bool,
}

impl AccountRef {
    /// The address from the command line, else from the profile.
    pub fn resolve(
        profile: &Profile,
        address: Option<&str>,
        interactive: bool,
    ) -> Result<AccountRef, ServiceError> {
        let address = address
            .map(str::to_string)
            .or_else(|| profile.account.address.clone())
            .ok_or(ServiceError::NoAddress)?;
        Ok(AccountRef {
            address,
            interactive,
        })
    }
}

/// The connection options for one server's IMAP endpoint.
pub fn imap_options(profile: &Profile, side: Side) -> Result<ConnectOptions, ServiceError> {
    let server = profile.server(side);
    let endpoint = server.imap_endpoint().ok_or(ServiceError::NoImap(side))?;
    Ok(ConnectOptions {
        endpoint,
        tls: profile.tls_policy(side),
        timeouts: server.timeouts(),
        allow_plaintext: server.allow_plaintext,
    })
}

/// Signs in to one server and returns a session that can only read.
pub async fn open_read_session(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<ReadSession, ServiceError> {
    let options = imap_options(profile, side)?;
    let credentials =
        crate::profile::resolve_credentials(profile, side, &account.address, account.interactive)?;
    tracing::info!(server = %options.endpoint, user = %credentials.username, "connecting");
    Ok(imap::connect_read_only(&options, &credentials).await?)
}
