//! # The HTTP exchanges with the identity platform
//!
//! Done by the `oauth2` crate (device authorization request, token polling with the
//! server's `interval`, `authorization_pending` and `slow_down` handled by it, refresh
//! grant) over reqwest with the system's TLS. This file only builds the client for a
//! public app (no secret, `client_id` in the body, as the Microsoft identity platform
//! expects from native apps) and turns the crate's errors into [`OAuthError`]s that never
//! carry a response body, which could hold a token.

use std::time::Duration;

use oauth2::basic::{BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, ClientId, DeviceAuthorizationUrl, DeviceCodeErrorResponseType, HttpClientError,
    RefreshToken, RequestTokenError, Scope, StandardDeviceAuthorizationResponse,
    StandardErrorResponse, TokenResponse, TokenUrl,
};

use super::prompt::{DeviceCodePrompt, DevicePrompt};
use super::{Endpoints, OAuthError, OAuthSettings};
use crate::secret::Secret;

/// What a token endpoint granted.
#[derive(Debug)]
pub struct Grant {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    pub expires_in: Option<u64>,
    pub scope: String,
}

impl Grant {
    fn from_response(response: &BasicTokenResponse) -> Grant {
        Grant {
            access_token: Secret::new(response.access_token().secret().as_str()),
            refresh_token: response
                .refresh_token()
                .map(|t| Secret::new(t.secret().as_str())),
            expires_in: response.expires_in().map(|d| d.as_secs()),
            scope: response
                .scopes()
                .map(|s| s.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" "))
                .unwrap_or_default(),
        }
    }
}

pub enum RefreshFailure {
    /// The server refused the refresh token (invalid_grant): sign in again.
    Refused,
    Other(OAuthError),
}

fn http_client() -> Result<oauth2::reqwest::Client, OAuthError> {
    oauth2::reqwest::Client::builder()
        // The oauth2 crate's advice: following redirects would open SSRF holes.
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(15))
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| OAuthError::Http {
            url: String::new(),
            detail: chain(&e),
        })
}

fn scopes(settings: &OAuthSettings) -> Vec<Scope> {
    settings.scopes().into_iter().map(Scope::new).collect()
}

/// RFC 8628: ask for a code, show it, poll until the person has signed in (or declined,
/// or the code expired).
pub async fn device_flow(
    endpoints: &Endpoints,
    settings: &OAuthSettings,
    prompt: &dyn DevicePrompt,
) -> Result<Grant, OAuthError> {
    let device_url = DeviceAuthorizationUrl::new(endpoints.device_authorization.clone())
        .map_err(|e| settings_error(&endpoints.device_authorization, &e.to_string()))?;
    let token_url = TokenUrl::new(endpoints.token.clone())
        .map_err(|e| settings_error(&endpoints.token, &e.to_string()))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(settings.client_id.trim().into()))
        .set_auth_type(AuthType::RequestBody)
        .set_device_authorization_url(device_url)
        .set_token_uri(token_url);
    let http = http_client()?;

    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .add_scopes(scopes(settings))
        .request_async(&http)
        .await
        .map_err(|e| map_error(&endpoints.device_authorization, e, |t| t.to_string()))?;
    prompt.show(&DeviceCodePrompt {
        user_code: details.user_code().secret().clone(),
        verification_uri: details.verification_uri().to_string(),
        expires_in: details.expires_in(),
    });
    tracing::info!(interval = ?details.interval(), "waiting for the sign-in in the browser");

    let response = client
        .exchange_device_access_token(&details)
        .request_async(&http, tokio::time::sleep, None)
        .await
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(ref r)
                if *r.error() == DeviceCodeErrorResponseType::AccessDenied =>
            {
                OAuthError::Denied
            }
            RequestTokenError::ServerResponse(ref r)
                if *r.error() == DeviceCodeErrorResponseType::ExpiredToken =>
            {
                OAuthError::CodeExpired
            }
            other => map_error(&endpoints.token, other, |t| t.to_string()),
        })?;
    prompt.done();
    Ok(Grant::from_response(&response))
}

/// The refresh-token grant (RFC 6749 section 6).
pub async fn refresh(
    endpoints: &Endpoints,
    settings: &OAuthSettings,
    refresh_token: &Secret,
) -> Result<Grant, RefreshFailure> {
    let token_url = TokenUrl::new(endpoints.token.clone())
        .map_err(|e| RefreshFailure::Other(settings_error(&endpoints.token, &e.to_string())))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(settings.client_id.trim().into()))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(token_url);
    let http = http_client().map_err(RefreshFailure::Other)?;
    let refresh_token = RefreshToken::new(refresh_token.expose().to_string());
    client
        .exchange_refresh_token(&refresh_token)
        .add_scopes(scopes(settings))
        .request_async(&http)
        .await
        .map(|r| Grant::from_response(&r))
        .map_err(|e| match e {
            RequestTokenError::ServerResponse(ref r)
                if *r.error() == BasicErrorResponseType::InvalidGrant =>
            {
                RefreshFailure::Refused
            }
            other => RefreshFailure::Other(map_error(&endpoints.token, other, |t| t.to_string())),
        })
}

fn settings_error(url: &str, detail: &str) -> OAuthError {
    OAuthError::Server {
        url: url.to_string(),
        error: "invalid URL".into(),
        description: Some(detail.to_string()),
    }
}

/// Maps the crate's error without ever using the raw response body.
fn map_error<T: oauth2::ErrorResponseType + std::fmt::Display>(
    url: &str,
    error: RequestTokenError<HttpClientError<oauth2::reqwest::Error>, StandardErrorResponse<T>>,
    name: impl Fn(&T) -> String,
) -> OAuthError {
    let url = url.to_string();
    match error {
        RequestTokenError::ServerResponse(response) => OAuthError::Server {
            url,
            error: name(response.error()),
            description: response
                .error_description()
                // Microsoft's descriptions run to several lines with trace ids; the first
                // line is the message (e.g. "AADSTS7000218: ...").
                .map(|d| d.lines().next().unwrap_or("").trim().to_string()),
        },
        RequestTokenError::Request(e) => OAuthError::Http {
            url,
            detail: match e {
                HttpClientError::Reqwest(e) => chain(&*e),
                other => chain(&other),
            },
        },
        RequestTokenError::Parse(..) => OAuthError::BadResponse { url },
        RequestTokenError::Other(detail) => OAuthError::Http { url, detail },
    }
}

/// An error and its causes on one line ("error sending request: connection refused").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    text
}

/// The client-credentials grant (RFC 6749 section 4.4) of a confidential app: the token an
/// IT centre's application uses for every mailbox (Exchange Online `IMAP.AccessAsApp`,
/// scope `https://outlook.office365.com/.default`). Used by `ikou batch` only.
pub async fn client_credentials(
    token_url: &str,
    client_id: &str,
    client_secret: &Secret,
    scope: &str,
) -> Result<Grant, OAuthError> {
    let url = TokenUrl::new(token_url.to_string())
        .map_err(|e| settings_error(token_url, &e.to_string()))?;
    let client = oauth2::basic::BasicClient::new(ClientId::new(client_id.trim().into()))
        .set_client_secret(oauth2::ClientSecret::new(
            client_secret.expose().to_string(),
        ))
        .set_auth_type(AuthType::RequestBody)
        .set_token_uri(url);
    let http = http_client()?;
    client
        .exchange_client_credentials()
        .add_scope(Scope::new(scope.to_string()))
        .request_async(&http)
        .await
        .map(|r| Grant::from_response(&r))
        .map_err(|e| map_error(token_url, e, |t| t.to_string()))
}
