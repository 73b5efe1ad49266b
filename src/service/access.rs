//! # The access seam: where every credential is found and every session is opened
//!
//! A use case gets an [`AccountRef`] (the address, secrets typed on screen, whether a person
//! may be asked, the language to ask in) and asks this module for sessions; faces never
//! build credentials or sessions themselves. The secret for a server is looked for in one
//! order, the first that gives one wins:
//!
//! 1. a secret typed on screen (the TUI's password fields), or one resolved ahead of a
//!    progress bar ([`AccountRef::sign_in_ahead`]);
//! 2. for `auth = "xoauth2"` with an `[oauth]` table: ikou's own token cache (`ikou login`),
//!    refreshed when the access token is about to expire;
//! 3. the profile's `token_env` / `token_command` (xoauth2), or
//! 4. its `password_env` / `password_command` (login, plain);
//! 5. asking the person: the device code sign-in (xoauth2 with `[oauth]`, on the terminal or
//!    through the screen's [`DevicePrompt`]) or a hidden password prompt (terminal only).
//!
//! When the server rejects a cached token (revoked, or expired early) the token is refreshed
//! once and the sign-in tried again before anything is reported.

use std::sync::Arc;

use super::error::ServiceError;
use crate::i18n::Lang;
use crate::imap::{self, AuthMethod, ConnectOptions, Credentials, ImapError, ReadSession};
use crate::imap::{WriteSession, connect_for_writing};
use crate::oauth::{self, Cached, DevicePrompt, OAuthError, Origin, TerminalPrompt, TokenCache};
use crate::pop3::{self, Pop3Session};
use crate::profile::{self, CredentialError, Profile, Side};
use crate::secret::Secret;

/// Where a secret came from: decides what a rejection means and whether a refresh helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed on screen (or at the prompt ahead of a progress bar).
    Typed,
    /// ikou's own OAuth token (cached, refreshed or from a sign-in just now).
    IkouToken(Origin),
    /// From the profile's token_env / token_command.
    GivenToken,
    /// From the profile's password_env / password_command.
    GivenPassword,
}

#[derive(Clone)]
struct Given {
    secret: Secret,
    source: Source,
}

/// Who is asking and how they may be asked: the address, secrets typed on screen, whether
/// a terminal prompt is allowed, the language, and (for the full-screen view) where a device
/// code is shown.
#[derive(Clone)]
pub struct AccountRef {
    pub address: String,
    /// A person at a terminal may be asked (a password, a device code sign-in).
    pub interactive: bool,
    pub lang: Lang,
    given: [Option<Given>; 2],
    /// The sign-in name on each side when it is not the profile's (`ikou batch` lists them).
    login: [Option<String>; 2],
    device_prompt: Option<Arc<dyn DevicePrompt>>,
}

impl std::fmt::Debug for AccountRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRef")
            .field("address", &self.address)
            .field("interactive", &self.interactive)
            .field("lang", &self.lang)
            .field("typed", &self.given.each_ref().map(|g| g.is_some()))
            .field("login", &self.login)
            .field("device_prompt", &self.device_prompt.is_some())
            .finish()
    }
}

fn index(side: Side) -> usize {
    match side {
        Side::Old => 0,
        Side::New => 1,
    }
}

impl AccountRef {
    /// An account with nothing typed; the language from the environment.
    pub fn new(address: impl Into<String>, interactive: bool) -> AccountRef {
        AccountRef {
            address: address.into(),
            interactive,
            lang: Lang::from_env(),
            given: [None, None],
            login: [None, None],
            device_prompt: None,
        }
    }

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
        Ok(AccountRef::new(address, interactive))
    }

    pub fn with_lang(mut self, lang: Lang) -> AccountRef {
        self.lang = lang;
        self
    }

    /// A secret typed on screen for `side` (used as is, never stored).
    pub fn with_typed(mut self, side: Side, secret: Option<Secret>) -> AccountRef {
        self.given[index(side)] = secret.map(|secret| Given {
            secret,
            source: Source::Typed,
        });
        self
    }

    /// Signs in as `login` on `side` instead of the profile's user name for the address.
    pub fn with_login(mut self, side: Side, login: impl Into<String>) -> AccountRef {
        self.login[index(side)] = Some(login.into());
        self
    }

    /// Where a device code is shown when a sign-in is needed (the full-screen view's
    /// dialog). Without one, only an interactive terminal gets a sign-in.
    pub fn with_device_prompt(mut self, prompt: Arc<dyn DevicePrompt>) -> AccountRef {
        self.device_prompt = Some(prompt);
        self
    }

    /// The name `side` is signed in to as.
    pub fn username(&self, profile: &Profile, side: Side) -> String {
        self.login[index(side)]
            .clone()
            .unwrap_or_else(|| profile.server(side).username_for(&self.address))
    }

    /// Finds `side`'s secret now (asking the person if the order gets that far) and keeps
    /// it, so that a prompt or a device code comes before any progress bar.
    pub async fn sign_in_ahead(
        &mut self,
        profile: &Profile,
        side: Side,
    ) -> Result<(), ServiceError> {
        let (credentials, source) = credentials(profile, side, self).await?;
        self.given[index(side)] = Some(Given {
            secret: credentials.secret,
            source,
        });
        Ok(())
    }
}

/// The credentials for `side`, from the first source in the documented order.
pub async fn credentials(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<(Credentials, Source), ServiceError> {
    let server = profile.server(side);
    let username = account.username(profile, side);
    let (secret, source) = secret(profile, side, account, &username).await?;
    Ok((
        Credentials {
            username,
            method: server.auth,
            secret,
        },
        source,
    ))
}

async fn secret(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
    username: &str,
) -> Result<(Secret, Source), ServiceError> {
    if let Some(given) = &account.given[index(side)] {
        return Ok((given.secret.clone(), given.source));
    }
    let server = profile.server(side);
    match server.auth {
        AuthMethod::Xoauth2 => {
            let mut expired = false;
            let ikou = match server.oauth.is_some() {
                true => Some(oauth_account(profile, side, username)?),
                false => None,
            };
            if let Some(oauth_account) = &ikou {
                let cache = TokenCache::default_location()?;
                match oauth::cached_access_token(oauth_account, &cache).await? {
                    Cached::Token(token, origin) => return Ok((token, Source::IkouToken(origin))),
                    Cached::Nothing => {}
                    Cached::Expired => expired = true,
                }
            }
            if let Some(token) = profile::given_token(profile, side)? {
                return Ok((token, Source::GivenToken));
            }
            let Some(oauth_account) = ikou else {
                return Err(CredentialError::NoToken {
                    side,
                    env: profile::token_env(profile, side),
                }
                .into());
            };
            let terminal;
            let prompt: &dyn DevicePrompt = match &account.device_prompt {
                Some(prompt) => prompt.as_ref(),
                None if account.interactive => {
                    terminal = TerminalPrompt { lang: account.lang };
                    &terminal
                }
                None => {
                    let address = oauth_account.username.clone();
                    return Err(if expired {
                        OAuthError::SignInExpired { address }
                    } else {
                        OAuthError::NotSignedIn { address }
                    }
                    .into());
                }
            };
            let cache = TokenCache::default_location()?;
            let token = oauth::sign_in(&oauth_account, &cache, prompt).await?;
            Ok((token.access_token, Source::IkouToken(Origin::SignedIn)))
        }
        AuthMethod::Login | AuthMethod::Plain => {
            if let Some(password) = profile::given_password(profile, side)? {
                return Ok((password, Source::GivenPassword));
            }
            if account.interactive {
                let question = password_question(account.lang, username, &server.host, side);
                return Ok((profile::prompt_password(&question)?, Source::Typed));
            }
            Err(CredentialError::NoPassword {
                side,
                env: profile::password_env(profile, side),
            }
            .into())
        }
    }
}

fn oauth_account<'a>(
    profile: &'a Profile,
    side: Side,
    username: &str,
) -> Result<oauth::Account<'a>, OAuthError> {
    let settings = profile.server(side).oauth.as_ref();
    oauth::Account::new(settings, side, username.to_string())
}

/// The hidden prompt's question.
pub fn password_question(lang: Lang, username: &str, host: &str, side: Side) -> String {
    match side {
        Side::Old => tr!(lang, "signin-password-old", user = username, host = host),
        Side::New => tr!(lang, "signin-password-new", user = username, host = host),
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

/// Signs in with credentials, and when a cached token is rejected refreshes it once and
/// signs in again. `connect` is the protocol's sign-in.
async fn with_retry<S, F, Fut>(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
    connect: F,
) -> Result<(S, Credentials), ServiceError>
where
    F: Fn(Credentials) -> Fut,
    Fut: std::future::Future<Output = Result<S, ServiceError>>,
{
    let (mut credentials, source) = credentials(profile, side, account).await?;
    tracing::info!(user = %credentials.username, ?source, %side, "signing in");
    match connect(credentials.clone()).await {
        Ok(session) => Ok((session, credentials)),
        Err(e) if is_rejection(&e) && source == Source::IkouToken(Origin::Cache) => {
            tracing::info!("the server rejected the cached access token; refreshing once");
            let oauth_account = oauth_account(profile, side, &credentials.username)?;
            let cache = TokenCache::default_location()?;
            let Some(token) = oauth::refresh_after_rejection(&oauth_account, &cache).await? else {
                return Err(OAuthError::NotSignedIn {
                    address: credentials.username,
                }
                .into());
            };
            credentials.secret = token;
            let session = connect(credentials.clone())
                .await
                .map_err(|e| token_rejected(e, source))?;
            Ok((session, credentials))
        }
        Err(e) => Err(token_rejected(e, source)),
    }
}

fn is_rejection(error: &ServiceError) -> bool {
    matches!(
        error,
        ServiceError::Imap(ImapError::AuthRejected { .. })
            | ServiceError::Pop3(pop3::Pop3Error::AuthRejected { .. })
    )
}

/// A rejected bearer token gets its own message (a password hint would mislead).
fn token_rejected(error: ServiceError, source: Source) -> ServiceError {
    let from_ikou = match source {
        Source::IkouToken(_) => true,
        Source::GivenToken => false,
        Source::Typed | Source::GivenPassword => return error,
    };
    match error {
        ServiceError::Imap(ImapError::AuthRejected {
            server,
            user,
            detail,
        })
        | ServiceError::Pop3(pop3::Pop3Error::AuthRejected {
            server,
            user,
            detail,
        }) => ServiceError::TokenRejected {
            server,
            user,
            detail,
            from_ikou,
        },
        other => other,
    }
}

/// Signs in to one server and returns a session that can only read.
pub async fn open_read_session(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<ReadSession, ServiceError> {
    Ok(open_read_session_keeping(profile, side, account).await?.0)
}

/// [`open_read_session`], also handing back the credentials that worked, for a long run
/// that reconnects ([`reconnect_read`]).
pub async fn open_read_session_keeping(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<(ReadSession, Credentials), ServiceError> {
    let options = imap_options(profile, side)?;
    with_retry(profile, side, account, |c| {
        let options = options.clone();
        async move { Ok(imap::connect_read_only(&options, &c).await?) }
    })
    .await
}

/// Signs in again with credentials that worked before (a dropped connection).
pub async fn reconnect_read(
    options: &ConnectOptions,
    credentials: &Credentials,
) -> Result<ReadSession, ImapError> {
    imap::connect_read_only(options, credentials).await
}

/// Opens a session that may write — always to the NEW server; there is no way to ask for
/// the old one.
pub async fn open_write_session(
    profile: &Profile,
    account: &AccountRef,
) -> Result<WriteSession, ServiceError> {
    let options = imap_options(profile, Side::New)?;
    tracing::info!(server = %options.endpoint, "connecting for restore");
    Ok(with_retry(profile, Side::New, account, |c| {
        let options = options.clone();
        async move { Ok(connect_for_writing(&options, &c).await?) }
    })
    .await?
    .0)
}

/// Signs in to one server's POP3 maildrop (a session that cannot delete).
pub async fn open_pop3_session(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<Pop3Session, ServiceError> {
    Ok(open_pop3_session_keeping(profile, side, account).await?.0)
}

/// [`open_pop3_session`], also handing back the credentials that worked.
pub async fn open_pop3_session_keeping(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
) -> Result<(Pop3Session, Credentials), ServiceError> {
    let options = pop3_options(profile, side)?;
    with_retry(profile, side, account, |c| {
        let options = options.clone();
        async move { Ok(pop3::connect(&options, &c).await?) }
    })
    .await
}

/// Signs in to POP3 again with credentials that worked before.
pub async fn reconnect_pop3(
    options: &pop3::ConnectOptions,
    credentials: &Credentials,
) -> Result<Pop3Session, pop3::Pop3Error> {
    pop3::connect(options, credentials).await
}

/// True when `error` is about signing in (a missing secret, a refused token or password,
/// the device code sign-in), so a face can offer to sign in again.
pub fn is_sign_in_error(error: &ServiceError) -> bool {
    matches!(
        error,
        ServiceError::Credential(_) | ServiceError::OAuth(_) | ServiceError::TokenRejected { .. }
    ) || is_rejection(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_in_both_languages() {
        let q = password_question(Lang::Ja, "taro", "mail.example.jp", Side::Old);
        assert!(q.contains("パスワード") && q.contains("taro") && q.contains("旧サーバー"));
        let q = password_question(Lang::En, "taro", "mail.example.jp", Side::New);
        assert_eq!(q, "Password for taro on mail.example.jp (new server)");
        let e = ServiceError::Credential(CredentialError::NoPassword {
            side: Side::Old,
            env: "IKOU_OLD_PASSWORD".into(),
        });
        assert!(is_sign_in_error(&e));
        assert!(!is_sign_in_error(&ServiceError::NoAddress));
    }

    #[test]
    fn typed_secret_comes_first_and_debug_hides_it() {
        let account = AccountRef::new("taro@example.jp", false)
            .with_typed(Side::Old, Some(Secret::new("pw")));
        let text = format!("{account:?}");
        assert!(!text.contains("pw\""), "{text}");
        assert!(text.contains("typed: [true, false]"), "{text}");
    }
}
