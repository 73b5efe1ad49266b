//! # A use case's sign-in error in words
//!
//! [`ServiceError`] carries the lower layers' errors; the ones about signing in (a missing
//! secret, a refused token or password, the device code sign-in) become one line in the
//! person's language from [`crate::report::signin`]. Other errors keep their own text. The
//! faces and the support report use it.

use super::ServiceError;
use crate::i18n::Lang;
use crate::imap::ImapError;
use crate::pop3::Pop3Error;
use crate::report::signin;

/// The error as one line in `lang`.
pub fn explain(error: &ServiceError, lang: Lang) -> String {
    match error {
        ServiceError::Credential(e) => signin::credential(e, lang),
        ServiceError::OAuth(e) => signin::oauth(e, lang),
        ServiceError::TokenRejected {
            server,
            user,
            detail,
            from_ikou,
        } => signin::token_rejected(server, user, detail, *from_ikou, lang),
        ServiceError::Imap(ImapError::AuthRejected {
            server,
            user,
            detail,
        })
        | ServiceError::Pop3(Pop3Error::AuthRejected {
            server,
            user,
            detail,
        }) => signin::rejected(server, user, detail, lang),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::OAuthError;
    use crate::profile::{CredentialError, Side};

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
