//! # IMAP sign-in: LOGIN, AUTHENTICATE PLAIN, AUTHENTICATE XOAUTH2
//!
//! Exchange Online refuses LOGIN, so XOAUTH2 with a bearer token is a first-class method;
//! legacy servers usually take LOGIN or PLAIN.

use serde::{Deserialize, Serialize};

use super::{Client, ImapError, Session};
use crate::secret::Secret;

/// The SASL mechanism (or plain LOGIN) used to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    #[default]
    Login,
    Plain,
    Xoauth2,
}

/// A user name and the secret for the chosen method (password, or access token for XOAUTH2).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub method: AuthMethod,
    pub secret: Secret,
}

struct PlainAuthenticator<'a>(&'a Credentials);

impl async_imap::Authenticator for PlainAuthenticator<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        let mut response = Vec::new();
        response.push(0);
        response.extend_from_slice(self.0.username.as_bytes());
        response.push(0);
        response.extend_from_slice(self.0.secret.expose().as_bytes());
        response
    }
}

/// XOAUTH2 sends the token once; when the server rejects it, it sends a JSON error as a
/// continuation that must be answered with an empty line before the tagged NO arrives.
struct Xoauth2Authenticator<'a> {
    credentials: &'a Credentials,
    sent: bool,
}

impl async_imap::Authenticator for Xoauth2Authenticator<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        if self.sent {
            return Vec::new();
        }
        self.sent = true;
        format!(
            "user={}\x01auth=Bearer {}\x01\x01",
            self.credentials.username,
            self.credentials.secret.expose()
        )
        .into_bytes()
    }
}

pub(super) async fn sign_in(
    client: Client,
    credentials: &Credentials,
    server: &str,
) -> Result<Session, ImapError> {
    let result = match credentials.method {
        AuthMethod::Login => {
            client
                .login(&credentials.username, credentials.secret.expose())
                .await
        }
        AuthMethod::Plain => {
            client
                .authenticate("PLAIN", PlainAuthenticator(credentials))
                .await
        }
        AuthMethod::Xoauth2 => {
            client
                .authenticate(
                    "XOAUTH2",
                    Xoauth2Authenticator {
                        credentials,
                        sent: false,
                    },
                )
                .await
        }
    };
    result.map_err(|(error, _client)| {
        use async_imap::error::Error as E;
        match error {
            E::No(detail) | E::Bad(detail) => ImapError::AuthRejected {
                server: server.to_string(),
                user: credentials.username.clone(),
                detail: super::server_text(&detail),
            },
            other => ImapError::from_imap(server, "login", other),
        }
    })
}
