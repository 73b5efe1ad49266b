//! # Signing in to Microsoft 365 by ourselves: OAuth 2.0 device code flow and token cache
//!
//! Exchange Online refuses passwords for IMAP/POP/SMTP, so ikou obtains an access token the
//! way a terminal program can: the device authorization grant (RFC 8628). The person opens
//! a web page on any device, types a short code, signs in there (with the university's
//! multi-factor authentication), and ikou receives an access token and a refresh token.
//! Later runs use the cached access token, or silently refresh it; only when the refresh
//! token is gone or refused does the person sign in again (`ikou login`).
//!
//! - [`settings`]: the profile's `[new.oauth]` table (tenant, client id, optional authority
//!   and scopes) and the endpoints derived from it.
//! - [`flow`]: the HTTP exchanges, done by the `oauth2` crate over reqwest/native-tls.
//! - [`cache`]: one 0600 file per account under the user's cache directory.
//! - [`prompt`]: what the person is told to do, in Japanese or English.
//!
//! Tokens are [`Secret`]s everywhere outside the cache file: no `Debug`, `Display` or
//! `Serialize` can print one, and no error message carries a server's response body.

pub mod cache;
pub mod flow;
pub mod prompt;
pub mod settings;

pub use cache::{CachedToken, TokenCache};
pub use prompt::{DeviceCodePrompt, DevicePrompt, TerminalPrompt};
pub use settings::{Endpoints, OAuthSettings};

use thiserror::Error;

use crate::model::Side;
use crate::secret::Secret;

/// Refresh this long before the access token's stated expiry, so a long folder scan does
/// not start with a token that dies half-way.
pub const EXPIRY_MARGIN_SECS: i64 = 120;

#[derive(Debug, Error)]
pub enum OAuthError {
    #[error(
        "the profile has no [{side}.oauth] table: ask the IT centre for the tenant and client_id of its registered app, or set token_env / token_command"
    )]
    NotConfigured { side: Side },
    #[error(
        "not signed in to Microsoft 365 as {address}: run `ikou login -p PROFILE -a {address}` in a terminal first"
    )]
    NotSignedIn { address: String },
    #[error(
        "the saved sign-in for {address} is no longer valid (expired or revoked): run `ikou login -p PROFILE -a {address}` again"
    )]
    SignInExpired { address: String },
    #[error(
        "sign-in was declined (access_denied): run `ikou login` again and choose Accept; if your organisation blocks the app, ask the IT centre"
    )]
    Denied,
    #[error(
        "the sign-in code expired before it was entered (expired_token): run `ikou login` again and enter the code within the time shown"
    )]
    CodeExpired,
    #[error("the sign-in service at {url} refused the request: {error}{}", description.as_deref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Server {
        url: String,
        error: String,
        description: Option<String>,
    },
    #[error("cannot reach the sign-in service at {url}: {detail}")]
    Http { url: String, detail: String },
    #[error(
        "the sign-in service at {url} sent an answer that is not OAuth 2.0 JSON (is the authority right?)"
    )]
    BadResponse { url: String },
    #[error("the sign-in service gave no refresh token: add offline_access to [new.oauth] scopes")]
    NoRefreshToken,
    #[error("token cache {path}: {detail}")]
    Cache { path: String, detail: String },
    #[error("invalid [{side}.oauth] settings: {detail} (run `ikou profile check`)")]
    Settings { side: Side, detail: String },
}

/// Where an access token came from; a cached one that the server rejects is worth one
/// refresh, a fresh one is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Cache,
    Refreshed,
    SignedIn,
}

/// Everything needed to get a token for one account on one server.
pub struct Account<'a> {
    pub endpoints: Endpoints,
    pub settings: &'a OAuthSettings,
    /// The sign-in name (the profile's `username` for the address), used as the cache key
    /// together with tenant, client id and authority.
    pub username: String,
}

impl<'a> Account<'a> {
    /// The account `username` signs in to with the `[side.oauth]` table `settings` (`None`:
    /// the profile has none). `side` only names the table in errors.
    pub fn new(
        settings: Option<&'a OAuthSettings>,
        side: Side,
        username: String,
    ) -> Result<Self, OAuthError> {
        let settings = settings.ok_or(OAuthError::NotConfigured { side })?;
        let endpoints = settings
            .endpoints()
            .map_err(|detail| OAuthError::Settings { side, detail })?;
        Ok(Account {
            endpoints,
            settings,
            username,
        })
    }

    pub fn cache_key(&self) -> String {
        cache::key(
            &self.endpoints.authority,
            &self.settings.tenant,
            &self.settings.client_id,
            &self.username,
        )
    }
}

/// Runs the device code flow now and stores the result (used by `ikou login`).
pub async fn sign_in(
    account: &Account<'_>,
    cache: &TokenCache,
    prompt: &dyn DevicePrompt,
) -> Result<CachedToken, OAuthError> {
    let token = flow::device_flow(&account.endpoints, account.settings, prompt).await?;
    let token = CachedToken::from_grant(token, &account.username)?;
    cache.store(&account.cache_key(), &token)?;
    tracing::info!(user = %account.username, "signed in; token cached");
    Ok(token)
}

/// Uses the refresh token now and stores the new tokens. A refused refresh token is
/// forgotten so the next run does not try it again.
pub async fn refresh(
    account: &Account<'_>,
    cache: &TokenCache,
    refresh_token: &Secret,
) -> Result<CachedToken, OAuthError> {
    let key = account.cache_key();
    match flow::refresh(&account.endpoints, account.settings, refresh_token).await {
        Ok(grant) => {
            // Microsoft may or may not rotate the refresh token; keep the old one if not.
            let mut token = CachedToken::from_grant_keeping(grant, refresh_token)?;
            token.username = account.username.clone();
            cache.store(&key, &token)?;
            tracing::info!(user = %account.username, "access token refreshed");
            Ok(token)
        }
        Err(flow::RefreshFailure::Refused) => {
            let _ = cache.remove(&key);
            Err(OAuthError::SignInExpired {
                address: account.username.clone(),
            })
        }
        Err(flow::RefreshFailure::Other(e)) => Err(e),
    }
}

/// What ikou's own token cache holds for an account.
pub enum Cached {
    /// A usable access token: still valid, or just refreshed.
    Token(Secret, Origin),
    /// Nothing saved.
    Nothing,
    /// A saved sign-in whose refresh token the service refused (now forgotten).
    Expired,
}

/// The cached access token while it is valid, else a refreshed one (no prompt, no sign-in).
pub async fn cached_access_token(
    account: &Account<'_>,
    cache: &TokenCache,
) -> Result<Cached, OAuthError> {
    let now = chrono::Utc::now().timestamp();
    let Some(token) = cache.load(&account.cache_key())? else {
        return Ok(Cached::Nothing);
    };
    if token.expires_at - EXPIRY_MARGIN_SECS > now {
        return Ok(Cached::Token(token.access_token, Origin::Cache));
    }
    let Some(refresh_token) = &token.refresh_token else {
        return Ok(Cached::Expired);
    };
    match refresh(account, cache, refresh_token).await {
        Ok(token) => Ok(Cached::Token(token.access_token, Origin::Refreshed)),
        Err(OAuthError::SignInExpired { .. }) => Ok(Cached::Expired),
        Err(e) => Err(e),
    }
}

/// After the server rejected a cached token: refresh once (no prompt) and hand back the new
/// token, or `None` when there is nothing to refresh with.
pub async fn refresh_after_rejection(
    account: &Account<'_>,
    cache: &TokenCache,
) -> Result<Option<Secret>, OAuthError> {
    let Some(token) = cache.load(&account.cache_key())? else {
        return Ok(None);
    };
    let Some(refresh_token) = token.refresh_token else {
        return Ok(None);
    };
    Ok(Some(
        refresh(account, cache, &refresh_token).await?.access_token,
    ))
}
