//! # Signing in with ikou's own Microsoft 365 tokens
//!
//! For `auth = "xoauth2"` with an `[oauth]` table and no token from the environment or a
//! helper: take the cached access token (refreshed when it is about to expire, or a new
//! device code sign-in when a person is at the terminal), and when the server rejects a
//! cached token (revoked, or expired early), refresh once and try again before reporting.

use super::{AccountRef, ServiceError};
use crate::i18n::Lang;
use crate::imap::{self, AuthMethod, ConnectOptions, Credentials, ImapError, ReadSession};
use crate::oauth::{self, Origin, TerminalPrompt, TokenCache};
use crate::profile::{Profile, Side};

pub async fn open_imap_with_oauth(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
    options: &ConnectOptions,
) -> Result<ReadSession, ServiceError> {
    let oauth_account = oauth::Account::new(profile, side, &account.address)?;
    let cache = TokenCache::default_location()?;
    let prompt = TerminalPrompt {
        lang: Lang::from_env(),
    };
    let (token, origin) =
        oauth::access_token(&oauth_account, &cache, account.interactive, &prompt).await?;
    let mut credentials = Credentials {
        username: oauth_account.username.clone(),
        method: AuthMethod::Xoauth2,
        secret: token,
    };
    tracing::info!(server = %options.endpoint, user = %credentials.username, ?origin, "connecting with OAuth2");
    match imap::connect_read_only(options, &credentials).await {
        Err(ImapError::AuthRejected { .. }) if origin == Origin::Cache => {
            tracing::info!("the server rejected the cached access token; refreshing once");
            let Some(token) = oauth::refresh_after_rejection(&oauth_account, &cache).await? else {
                return Err(oauth::OAuthError::NotSignedIn {
                    address: oauth_account.username.clone(),
                }
                .into());
            };
            credentials.secret = token;
            imap::connect_read_only(options, &credentials)
                .await
                .map_err(|e| token_rejected(e, true, true))
        }
        other => other.map_err(|e| token_rejected(e, true, true)),
    }
}

/// Credentials with ikou's own access token (cached, refreshed or from a new sign-in), for
/// protocols without the reject-and-retry path (POP3).
pub async fn oauth_credentials(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<Credentials, ServiceError> {
    let oauth_account = oauth::Account::new(profile, side, &account.address)?;
    let cache = TokenCache::default_location()?;
    let prompt = TerminalPrompt {
        lang: Lang::from_env(),
    };
    let (token, _origin) =
        oauth::access_token(&oauth_account, &cache, account.interactive, &prompt).await?;
    Ok(Credentials {
        username: oauth_account.username.clone(),
        method: AuthMethod::Xoauth2,
        secret: token,
    })
}

/// A rejected bearer token gets its own message (a password hint would mislead);
/// other errors pass through. `bearer` is false for password sign-ins.
pub(super) fn token_rejected(error: ImapError, bearer: bool, from_ikou: bool) -> ServiceError {
    match error {
        ImapError::AuthRejected {
            server,
            user,
            detail,
        } if bearer => ServiceError::TokenRejected {
            server,
            user,
            detail,
            from_ikou,
        },
        other => other.into(),
    }
}
