//! # Signing in to any mailbox as the IT centre
//!
//! [`AdminAuth`] is resolved once per batch from the profile's `[old.admin]` / `[new.admin]`
//! (secrets from the environment or a command, never prompted) and then opens a read-only
//! session for each account: `owner*master` LOGIN, SASL PLAIN with the owner as authzid,
//! or XOAUTH2 as the owner with one application token (fetched by the client-credentials
//! grant and renewed before it expires). Without an admin table the profile's ordinary
//! credentials are used for every account. [`is_transient`] decides what is worth a retry.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::BatchError;
use crate::imap::{self, AuthMethod, Credentials, ImapError, ReadSession, WriteSession};
use crate::oauth::OAuthSettings;
use crate::profile::{APP_SCOPE, AdminAccess, AdminMethod, Profile, Side, secret_from};
use crate::secret::Secret;
use crate::service::{
    AccountRef, ServiceError, imap_options, open_read_session, open_write_session,
};

/// Renew an application token this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(300);

#[derive(Debug)]
enum Kind {
    /// No admin table: the profile's own sign-in, for every account.
    Profile,
    Master {
        user: String,
        separator: String,
        password: Secret,
    },
    SaslPlain {
        user: String,
        password: Secret,
    },
    AppToken {
        token: Secret,
    },
    ClientCredentials {
        token_url: String,
        client_id: String,
        secret: Secret,
        scope: String,
        current: Mutex<Option<(Secret, Instant)>>,
    },
}

/// How one server is reached for every account of a batch.
#[derive(Debug)]
pub struct AdminAuth {
    side: Side,
    kind: Kind,
}

fn missing(side: Side, key: &str, what: &str) -> BatchError {
    BatchError::Admin {
        side,
        detail: format!("[{side}.admin] needs {key} ({what})"),
    }
}

impl AdminAuth {
    /// Reads the admin secret (or fetches the first app token) once, so a wrong setting
    /// fails the batch before any account is tried.
    pub async fn resolve(profile: &Profile, side: Side) -> Result<AdminAuth, BatchError> {
        let Some(admin) = profile.server(side).admin.as_ref() else {
            return Ok(AdminAuth {
                side,
                kind: Kind::Profile,
            });
        };
        let kind = match admin.method {
            AdminMethod::MasterUser | AdminMethod::SaslPlain => {
                let user = admin
                    .user
                    .clone()
                    .filter(|u| !u.is_empty())
                    .ok_or_else(|| missing(side, "user", "the master user's login name"))?;
                let password = admin_password(admin, side)?;
                if admin.method == AdminMethod::MasterUser {
                    Kind::Master {
                        user,
                        separator: admin.separator().to_string(),
                        password,
                    }
                } else {
                    Kind::SaslPlain { user, password }
                }
            }
            AdminMethod::AppToken => {
                let env = admin
                    .token_env
                    .clone()
                    .unwrap_or_else(|| format!("{}_ADMIN_TOKEN", side.env_prefix()));
                let token =
                    secret_from(&env, admin.token_command.as_deref(), side, "token_command")?
                        .ok_or_else(|| BatchError::Admin {
                            side,
                            detail: format!(
                                "no application token: set {env} or token_command in [{side}.admin]"
                            ),
                        })?;
                Kind::AppToken { token }
            }
            AdminMethod::ClientCredentials => {
                let tenant = admin
                    .tenant
                    .clone()
                    .ok_or_else(|| missing(side, "tenant", "the directory (tenant) id"))?;
                let client_id = admin
                    .client_id
                    .clone()
                    .ok_or_else(|| missing(side, "client_id", "the app's application id"))?;
                let settings = OAuthSettings {
                    tenant,
                    client_id: client_id.clone(),
                    authority: admin.authority.clone(),
                    scopes: None,
                };
                let endpoints = settings
                    .endpoints()
                    .map_err(|detail| BatchError::Admin { side, detail })?;
                let env = admin
                    .client_secret_env
                    .clone()
                    .unwrap_or_else(|| format!("{}_CLIENT_SECRET", side.env_prefix()));
                let secret = secret_from(
                    &env,
                    admin.client_secret_command.as_deref(),
                    side,
                    "client_secret_command",
                )?
                .ok_or_else(|| BatchError::Admin {
                    side,
                    detail: format!(
                        "no client secret: set {env} or client_secret_command in [{side}.admin]"
                    ),
                })?;
                Kind::ClientCredentials {
                    token_url: endpoints.token,
                    client_id,
                    secret,
                    scope: admin.scope.clone().unwrap_or_else(|| APP_SCOPE.to_string()),
                    current: Mutex::new(None),
                }
            }
        };
        let auth = AdminAuth { side, kind };
        if matches!(auth.kind, Kind::ClientCredentials { .. }) {
            auth.app_token(false).await?;
        }
        Ok(auth)
    }

    /// How this server is reached, for the report (never a secret).
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        match &self.kind {
            Kind::Profile => tr!(lang, "batch-admin-profile"),
            Kind::Master {
                user, separator, ..
            } => tr!(
                lang,
                "batch-admin-master",
                user = user.as_str(),
                separator = separator.as_str()
            ),
            Kind::SaslPlain { user, .. } => {
                tr!(lang, "batch-admin-sasl-plain", user = user.as_str())
            }
            Kind::AppToken { .. } => tr!(lang, "batch-admin-app-token"),
            Kind::ClientCredentials { client_id, .. } => tr!(
                lang,
                "batch-admin-client-credentials",
                client_id = client_id.as_str()
            ),
        }
    }

    /// The current application token; a new one when it is about to expire or `renew`.
    async fn app_token(&self, renew: bool) -> Result<Secret, BatchError> {
        let Kind::ClientCredentials {
            token_url,
            client_id,
            secret,
            scope,
            current,
        } = &self.kind
        else {
            return Err(BatchError::Admin {
                side: self.side,
                detail: "not an application sign-in".into(),
            });
        };
        let mut current = current.lock().await;
        if let Some((token, until)) = current.as_ref()
            && !renew
            && Instant::now() + TOKEN_MARGIN < *until
        {
            return Ok(token.clone());
        }
        let grant = crate::oauth::flow::client_credentials(token_url, client_id, secret, scope)
            .await
            .map_err(ServiceError::from)?;
        let lifetime = Duration::from_secs(grant.expires_in.unwrap_or(3600));
        tracing::info!(side = %self.side, secs = lifetime.as_secs(), "application token granted");
        *current = Some((grant.access_token.clone(), Instant::now() + lifetime));
        Ok(grant.access_token)
    }

    /// Opens `address`'s mailbox (login `login` on this server), read-only.
    pub async fn open(
        &self,
        profile: &Profile,
        address: &str,
        login: &str,
    ) -> Result<ReadSession, BatchError> {
        let side = self.side;
        let options = imap_options(profile, side)?;
        if let Kind::Profile = self.kind {
            // The profile's own sources, never a prompt, signed in as the listed login.
            let account = AccountRef::new(address, false).with_login(side, login);
            return Ok(open_read_session(profile, side, &account).await?);
        }
        self.sign_in(login, |credentials, authzid| {
            let options = &options;
            async move { imap::connect_read_only_as(options, &credentials, authzid.as_deref()).await }
        })
        .await
    }

    /// The admin credentials that open `login`'s mailbox, and the authorisation identity
    /// they act for (SASL PLAIN only); `renew` asks for a new application token. `None` for
    /// [`Kind::Profile`], which signs in through the access seam instead.
    async fn credentials(
        &self,
        login: &str,
        renew: bool,
    ) -> Result<Option<(Credentials, Option<String>)>, BatchError> {
        let bearer = |token: Secret| Credentials {
            username: login.to_string(),
            method: AuthMethod::Xoauth2,
            secret: token,
        };
        Ok(Some(match &self.kind {
            Kind::Profile => return Ok(None),
            Kind::Master {
                user,
                separator,
                password,
            } => (
                Credentials {
                    username: format!("{login}{separator}{user}"),
                    method: AuthMethod::Login,
                    secret: password.clone(),
                },
                None,
            ),
            Kind::SaslPlain { user, password } => (
                Credentials {
                    username: user.clone(),
                    method: AuthMethod::Plain,
                    secret: password.clone(),
                },
                Some(login.to_string()),
            ),
            Kind::AppToken { token } => (bearer(token.clone()), None),
            Kind::ClientCredentials { .. } => (bearer(self.app_token(renew).await?), None),
        }))
    }

    /// Signs in to `login`'s mailbox with `connect` and the admin credentials; an
    /// application token rejected (revoked or expired early) is renewed once and tried again.
    async fn sign_in<T, F, Fut>(&self, login: &str, connect: F) -> Result<T, BatchError>
    where
        F: Fn(Credentials, Option<String>) -> Fut,
        Fut: std::future::Future<Output = Result<T, ImapError>>,
    {
        let Some((credentials, authzid)) = self.credentials(login, false).await? else {
            return Err(BatchError::Admin {
                side: self.side,
                detail: "the profile's own access opens no admin session".into(),
            });
        };
        let mut result = connect(credentials, authzid).await;
        if matches!(result, Err(ImapError::AuthRejected { .. }))
            && matches!(self.kind, Kind::ClientCredentials { .. })
            && let Some((credentials, authzid)) = self.credentials(login, true).await?
        {
            result = connect(credentials, authzid).await;
        }
        Ok(result.map_err(ServiceError::from)?)
    }
}

impl AdminAuth {
    /// Opens `address`'s mailbox (login `login`) on the NEW server for restoring (APPEND and
    /// CREATE only). Refused for the old server's access: batch never writes there.
    pub async fn open_write(
        &self,
        profile: &Profile,
        address: &str,
        login: &str,
    ) -> Result<WriteSession, BatchError> {
        if self.side != Side::New {
            return Err(BatchError::Admin {
                side: self.side,
                detail: "write access is only ever opened on the new server".into(),
            });
        }
        crate::service::verify::restore::refuse_same_server(profile).map_err(|e| {
            BatchError::Admin {
                side: self.side,
                detail: e.to_string(),
            }
        })?;
        let options = imap_options(profile, Side::New)?;
        if let Kind::Profile = self.kind {
            let account = AccountRef::new(address, false).with_login(Side::New, login);
            return Ok(open_write_session(profile, &account).await?);
        }
        self.sign_in(login, |credentials, authzid| {
            let options = &options;
            async move {
                imap::connect_for_writing_as(options, &credentials, authzid.as_deref()).await
            }
        })
        .await
    }
}

fn admin_password(admin: &AdminAccess, side: Side) -> Result<Secret, BatchError> {
    let env = admin
        .password_env
        .clone()
        .unwrap_or_else(|| format!("{}_ADMIN_PASSWORD", side.env_prefix()));
    secret_from(
        &env,
        admin.password_command.as_deref(),
        side,
        "password_command",
    )?
    .ok_or_else(|| BatchError::Admin {
        side,
        detail: format!("no admin password: set {env} or password_command in [{side}.admin]"),
    })
}

/// Whether waiting and trying again may help: the one rule of [`ImapError::is_transient`]
/// (network trouble, a dropped connection, a server that says it is busy). A rejected
/// password or a missing mailbox is final.
pub fn is_transient(error: &BatchError) -> bool {
    match error {
        BatchError::Service(ServiceError::Imap(e)) => e.is_transient(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::NetError;

    fn imap(e: ImapError) -> BatchError {
        BatchError::Service(ServiceError::Imap(e))
    }

    #[test]
    fn transient_or_final() {
        let rejected = |detail: &str| {
            imap(ImapError::AuthRejected {
                server: "s".into(),
                user: "u".into(),
                detail: detail.into(),
            })
        };
        assert!(!is_transient(&rejected(
            "[AUTHENTICATIONFAILED] Authentication failed."
        )));
        assert!(is_transient(&rejected(
            "[UNAVAILABLE] Temporary authentication failure."
        )));
        assert!(is_transient(&rejected(
            "User is authenticated but not connected."
        )));
        assert!(is_transient(&imap(ImapError::Closed {
            server: "s".into(),
            detail: "Maximum number of connections from user+IP exceeded".into(),
        })));
        assert!(is_transient(&imap(ImapError::Net(NetError::Refused {
            host: "h".into(),
            port: 993,
        }))));
        assert!(is_transient(&imap(ImapError::Command {
            server: "s".into(),
            command: "EXAMINE".into(),
            detail: "Request is throttled. Suggested Backoff Time: 1000 milliseconds".into(),
        })));
        assert!(!is_transient(&imap(ImapError::Command {
            server: "s".into(),
            command: "EXAMINE".into(),
            detail: "Mailbox doesn't exist: INBOX.x".into(),
        })));
        // The same rule as backup's reconnects: a reply cut off mid-way, a name that did not
        // resolve, a handshake the server dropped are worth another try; a certificate is not.
        assert!(is_transient(&imap(ImapError::Protocol {
            server: "s".into(),
            command: "UID FETCH".into(),
            detail: "connection reset by peer".into(),
        })));
        assert!(is_transient(&imap(ImapError::Net(NetError::Resolve {
            host: "h".into(),
            source: std::io::Error::other("temporary failure in name resolution"),
        }))));
        assert!(is_transient(&imap(ImapError::Net(NetError::Tls {
            host: "h".into(),
            port: 993,
            detail: "unexpected EOF".into(),
        }))));
        assert!(!is_transient(&imap(ImapError::Net(
            NetError::UntrustedCertificate {
                host: "h".into(),
                port: 993,
                detail: "self-signed".into(),
            }
        ))));
        assert!(!is_transient(&imap(ImapError::LoginDisabled {
            server: "s".into()
        })));
        assert!(!is_transient(&BatchError::Admin {
            side: Side::Old,
            detail: "x".into()
        }));
    }
}
