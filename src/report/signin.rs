//! # Sign-in errors in words
//!
//! The credential sources, the OAuth client and the servers return typed errors; the ones
//! about signing in (a missing secret, a refused token or password, the device code sign-in)
//! become one line in the person's language here, for both faces and the support report
//! (`service::signin` picks the right one for a use case's error).

use crate::i18n::Lang;
use crate::oauth::OAuthError;
use crate::profile::{CredentialError, Side};

/// A refused token, as one line in `lang`: ikou's own token (sign in again) or one given by
/// `token_env` / `token_command` (fix it).
pub fn token_rejected(
    server: &str,
    user: &str,
    detail: &str,
    from_ikou: bool,
    lang: Lang,
) -> String {
    if from_ikou {
        tr!(
            lang,
            "signin-token-rejected-ikou",
            server = server,
            user = user,
            detail = detail
        )
    } else {
        tr!(
            lang,
            "signin-token-rejected-given",
            server = server,
            user = user,
            detail = detail
        )
    }
}

/// A refused user name or password (IMAP or POP3), as one line in `lang`.
pub fn rejected(server: &str, user: &str, detail: &str, lang: Lang) -> String {
    tr!(
        lang,
        "signin-rejected",
        server = server,
        user = user,
        detail = detail
    )
}

/// A credential that could not be had (no password, no token, a failed command or prompt),
/// as one line in `lang`.
pub fn credential(error: &CredentialError, lang: Lang) -> String {
    match error {
        CredentialError::NoPassword {
            side: Side::Old,
            env,
        } => tr!(lang, "signin-no-password-old", env = env.as_str()),
        CredentialError::NoPassword {
            side: Side::New,
            env,
        } => tr!(lang, "signin-no-password-new", env = env.as_str()),
        CredentialError::NoToken { side, env } => tr!(
            lang,
            "signin-no-token",
            side = side.to_string(),
            env = env.as_str()
        ),
        CredentialError::Command { side, what, detail } => tr!(
            lang,
            "signin-command-failed",
            side = side.to_string(),
            what = *what,
            detail = detail.as_str()
        ),
        CredentialError::Prompt(detail) => {
            tr!(lang, "signin-prompt-failed", detail = detail.as_str())
        }
    }
}

/// A sign-in service error as one line in `lang`.
pub fn oauth(error: &OAuthError, lang: Lang) -> String {
    match error {
        OAuthError::NotConfigured { side } => {
            tr!(lang, "signin-not-configured", side = side.to_string())
        }
        OAuthError::NotSignedIn { address } => {
            tr!(lang, "signin-not-signed-in", address = address.as_str())
        }
        OAuthError::SignInExpired { address } => {
            tr!(lang, "signin-expired", address = address.as_str())
        }
        OAuthError::Denied => tr!(lang, "signin-denied"),
        OAuthError::CodeExpired => tr!(lang, "signin-code-expired"),
        OAuthError::Http { url, detail } => tr!(
            lang,
            "signin-http",
            url = url.as_str(),
            detail = detail.as_str()
        ),
        OAuthError::Server {
            url,
            error,
            description,
        } => {
            let error = match description {
                Some(d) => format!("{error} ({d})"),
                None => error.clone(),
            };
            tr!(
                lang,
                "signin-server-refused",
                url = url.as_str(),
                error = error
            )
        }
        OAuthError::BadResponse { url } => tr!(lang, "signin-bad-response", url = url.as_str()),
        OAuthError::NoRefreshToken => tr!(lang, "signin-no-refresh-token"),
        OAuthError::Cache { path, detail } => tr!(
            lang,
            "signin-cache",
            path = path.as_str(),
            detail = detail.as_str()
        ),
        OAuthError::Settings { side, detail } => tr!(
            lang,
            "signin-settings",
            side = side.to_string(),
            detail = detail.as_str()
        ),
    }
}
