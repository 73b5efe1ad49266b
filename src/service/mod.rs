//! # Use cases: what ikou does, composed from the adapters and the pure core
//!
//! Each use case takes a profile and options and returns a typed result that is both
//! `Serialize` (for `--json`) and renderable for people; nothing here prints. The CLI and
//! the TUI call these functions and only differ in how they show the result.

pub mod backup;
pub mod batch;
pub mod doctor;
pub mod inventory;
pub mod local;
pub mod pop3_inventory;
pub mod signin;
pub mod verify;

use thiserror::Error;

use crate::imap::{self, ConnectOptions, ImapError, ReadSession};
use crate::pop3::{self, Pop3Error, Pop3Session};
use crate::profile::{CredentialError, Profile, Side};

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
            "the token from token_env / token_command is wrong or expired (unset it to let ikou sign in with `ikou login`)"
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
    if crate::oauth::manages_token(profile, side) {
        return signin::open_imap_with_oauth(profile, side, account, &options).await;
    }
    let credentials =
        crate::profile::resolve_credentials(profile, side, &account.address, account.interactive)?;
    tracing::info!(server = %options.endpoint, user = %credentials.username, "connecting");
    let given_token = credentials.method == imap::AuthMethod::Xoauth2;
    imap::connect_read_only(&options, &credentials)
        .await
        .map_err(|e| signin::token_rejected(e, given_token, false))
}

/// The connection options for one server's POP3 endpoint.
pub fn pop3_options(profile: &Profile, side: Side) -> Result<pop3::ConnectOptions, ServiceError> {
    let server = profile.server(side);
    let endpoint = server.pop3_endpoint().ok_or(ServiceError::NoPop3(side))?;
    Ok(pop3::ConnectOptions {
        endpoint,
        tls: profile.tls_policy(side),
        timeouts: server.timeouts(),
        allow_plaintext: server.allow_plaintext,
    })
}

/// Signs in to one server's POP3 maildrop (a session that cannot delete).
pub async fn open_pop3_session(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<Pop3Session, ServiceError> {
    let options = pop3_options(profile, side)?;
    let credentials = if crate::oauth::manages_token(profile, side) {
        signin::oauth_credentials(profile, side, account).await?
    } else {
        crate::profile::resolve_credentials(profile, side, &account.address, account.interactive)?
    };
    tracing::info!(server = %options.endpoint, user = %credentials.username, "connecting (POP3)");
    Ok(pop3::connect(&options, &credentials).await?)
}
