//! # IMAP sign-in: LOGIN, AUTHENTICATE PLAIN, AUTHENTICATE XOAUTH2
//!
//! Exchange Online refuses LOGIN, so XOAUTH2 with a bearer token is a first-class method;
//! legacy servers usually take LOGIN or PLAIN.

use super::{Client, ImapError, Session};
use crate::secret::Secret;

// Plain data, so that the profile, settings and the TUI can name it without `imap`.
pub use crate::model::AuthMethod;

/// A user name and the secret for the chosen method (password, or access token for XOAUTH2).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub username: String,
    pub method: AuthMethod,
    pub secret: Secret,
}

/// RFC 4616: `authzid NUL authcid NUL password`. The authorization identity is empty for a
/// normal sign-in; an admin (Dovecot master user, Cyrus admin) signs in with its own name
/// and password and names the mailbox owner as authzid.
struct PlainAuthenticator<'a>(&'a Credentials, Option<&'a str>);

impl async_imap::Authenticator for PlainAuthenticator<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        let mut response = Vec::new();
        if let Some(authzid) = self.1 {
            response.extend_from_slice(authzid.as_bytes());
        }
        response.push(0);
        response.extend_from_slice(self.0.username.as_bytes());
        response.push(0);
        response.extend_from_slice(self.0.secret.expose().as_bytes());
        response
    }
}

/// The bearer-token SASL mechanisms. OAUTHBEARER (RFC 7628) is the standard; XOAUTH2 is
/// Google's and Microsoft's older form, the only one Exchange Online offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerMechanism {
    OAuthBearer,
    Xoauth2,
}

impl BearerMechanism {
    /// OAUTHBEARER when the server lists it, else XOAUTH2 (also when the server lists no
    /// mechanisms at all, as before STARTTLS).
    pub fn choose<'a>(offered: impl IntoIterator<Item = &'a str>) -> BearerMechanism {
        if offered
            .into_iter()
            .any(|m| m.eq_ignore_ascii_case("OAUTHBEARER"))
        {
            BearerMechanism::OAuthBearer
        } else {
            BearerMechanism::Xoauth2
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            BearerMechanism::OAuthBearer => "OAUTHBEARER",
            BearerMechanism::Xoauth2 => "XOAUTH2",
        }
    }

    /// The one client response carrying the token.
    pub fn initial_response(self, user: &str, token: &str) -> Vec<u8> {
        match self {
            // RFC 7628 3.1: GS2 header with the authzid (',' and '=' escaped), then
            // key=value pairs separated by ^A.
            BearerMechanism::OAuthBearer => format!(
                "n,a={},\x01auth=Bearer {token}\x01\x01",
                user.replace('=', "=3D").replace(',', "=2C")
            ),
            BearerMechanism::Xoauth2 => format!("user={user}\x01auth=Bearer {token}\x01\x01"),
        }
        .into_bytes()
    }

    /// What to answer when the server sends its JSON error as a challenge: RFC 7628 3.2.3
    /// asks for a lone ^A; XOAUTH2 for an empty response. The tagged NO/-ERR follows.
    pub fn failure_ack(self) -> &'static [u8] {
        match self {
            BearerMechanism::OAuthBearer => b"\x01",
            BearerMechanism::Xoauth2 => b"",
        }
    }
}

/// Sends the token once; a later challenge is the server's error report, acknowledged.
struct BearerAuthenticator<'a> {
    credentials: &'a Credentials,
    mechanism: BearerMechanism,
    sent: bool,
}

impl async_imap::Authenticator for BearerAuthenticator<'_> {
    type Response = Vec<u8>;
    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        if self.sent {
            return self.mechanism.failure_ack().to_vec();
        }
        self.sent = true;
        self.mechanism
            .initial_response(&self.credentials.username, self.credentials.secret.expose())
    }
}

pub(super) async fn sign_in(
    client: Client,
    credentials: &Credentials,
    server: &str,
    offered: &[String],
    authzid: Option<&str>,
) -> Result<Session, ImapError> {
    let result = match credentials.method {
        AuthMethod::Login => {
            client
                .login(&credentials.username, credentials.secret.expose())
                .await
        }
        AuthMethod::Plain => {
            client
                .authenticate("PLAIN", PlainAuthenticator(credentials, authzid))
                .await
        }
        AuthMethod::Xoauth2 => {
            let mechanism = BearerMechanism::choose(offered.iter().filter_map(|c| {
                c.get(..5)
                    .filter(|p| p.eq_ignore_ascii_case("AUTH="))
                    .map(|_| &c[5..])
            }));
            tracing::debug!(mechanism = mechanism.name(), "bearer token sign-in");
            client
                .authenticate(
                    mechanism.name(),
                    BearerAuthenticator {
                        credentials,
                        mechanism,
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
                user: match authzid {
                    Some(owner) => format!("{owner} (as {})", credentials.username),
                    None => credentials.username.clone(),
                },
                detail: super::server_text(&detail),
            },
            other => ImapError::from_imap(server, "login", other),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_mechanism_choice_and_responses() {
        assert_eq!(
            BearerMechanism::choose(["PLAIN", "XOAUTH2"]),
            BearerMechanism::Xoauth2
        );
        assert_eq!(
            BearerMechanism::choose(["xoauth2", "oauthbearer"]),
            BearerMechanism::OAuthBearer
        );
        assert_eq!(BearerMechanism::choose([]), BearerMechanism::Xoauth2);
        assert_eq!(
            BearerMechanism::OAuthBearer.initial_response("a=b,c", "T"),
            b"n,a=a=3Db=2Cc,\x01auth=Bearer T\x01\x01"
        );
        assert_eq!(
            BearerMechanism::Xoauth2.initial_response("u", "T"),
            b"user=u\x01auth=Bearer T\x01\x01"
        );
    }
}
