//! # Sign-in errors in words
//!
//! The access seam and the OAuth client return typed errors; both faces turn the ones about
//! signing in (a missing secret, a refused token or password, the device code sign-in) into
//! one line in the person's language here. Other errors keep their own text.

use crate::i18n::Lang;
use crate::imap::ImapError;
use crate::oauth::OAuthError;
use crate::pop3::Pop3Error;
use crate::profile::{CredentialError, Side};
use crate::service::ServiceError;

/// The error as one line in `lang`.
pub fn explain(error: &ServiceError, lang: Lang) -> String {
    match error {
        ServiceError::Credential(e) => credential(e, lang),
        ServiceError::OAuth(e) => oauth(e, lang),
        ServiceError::TokenRejected {
            server,
            user,
            detail,
            from_ikou,
        } => {
            let (server, user, detail) = (server.as_str(), user.as_str(), detail.as_str());
            if *from_ikou {
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
        ServiceError::Imap(ImapError::AuthRejected {
            server,
            user,
            detail,
        })
        | ServiceError::Pop3(Pop3Error::AuthRejected {
            server,
            user,
            detail,
        }) => tr!(
            lang,
            "signin-rejected",
            server = server.as_str(),
            user = user.as_str(),
            detail = detail.as_str()
        ),
        other => other.to_string(),
    }
}

fn credential(error: &CredentialError, lang: Lang) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The English lines are the errors' own texts, so `--json` users and logs see the same.
    #[test]
    fn english_matches_the_error_text_and_japanese_differs() {
        let errors = [
            ServiceError::OAuth(OAuthError::NotSignedIn {
                address: "taro@example.jp".into(),
            }),
            ServiceError::OAuth(OAuthError::SignInExpired {
                address: "taro@example.jp".into(),
            }),
            ServiceError::OAuth(OAuthError::CodeExpired),
            ServiceError::Credential(CredentialError::NoPassword {
                side: Side::Old,
                env: "IKOU_OLD_PASSWORD".into(),
            }),
            ServiceError::Credential(CredentialError::NoToken {
                side: Side::New,
                env: "IKOU_NEW_TOKEN".into(),
            }),
            ServiceError::TokenRejected {
                server: "s:993".into(),
                user: "taro".into(),
                detail: "x".into(),
                from_ikou: true,
            },
        ];
        for e in &errors {
            assert_eq!(explain(e, Lang::En), e.to_string());
            let ja = explain(e, Lang::Ja);
            assert_ne!(ja, e.to_string());
            assert!(!ja.contains('\n'), "one line: {ja}");
        }
        assert!(explain(&errors[0], Lang::Ja).contains("サインインしていません"));
    }
}
