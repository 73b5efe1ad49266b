//! # A failed command in the reader's words
//!
//! The error chain as one line: sign-in, connection, backup-file, profile and local-folder
//! errors from the catalogs, other causes as they are; and whether it is only a closed
//! stdout (`ikou folders | head -1`), which ends quietly.

use super::common::ProfileUnusable;
use crate::i18n::Lang;

/// An error as one line in the reader's language: the chain joined, outermost first, with
/// the errors the catalog knows put into its words.
pub fn error_line(error: &anyhow::Error, lang: Lang) -> String {
    let chain: Vec<String> = error
        .chain()
        .map(|cause| {
            if cause.downcast_ref::<ProfileUnusable>().is_some() {
                tr!(lang, "errors-profile-unusable")
            } else if let Some(profile) = cause.downcast_ref::<crate::profile::ProfileError>() {
                profile.text(lang)
            } else if let Some(local) = local_error(cause) {
                local.text(lang)
            } else if let Some(crate::service::local::LocalServiceError::UnknownFolder { name }) =
                cause.downcast_ref()
            {
                tr!(lang, "local-error-unknown-folder", name = name.as_str())
            } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                crate::i18n::io_reason(io.kind(), &io.to_string(), lang)
            } else {
                cause.to_string()
            }
        })
        .collect();
    // A cause an outer message already quotes is not repeated.
    let mut detail = String::new();
    for cause in chain {
        if detail.contains(cause.as_str()) {
            continue;
        }
        if !detail.is_empty() {
            detail.push_str(": ");
        }
        detail.push_str(&cause);
    }
    tr!(lang, "errors-line", detail = detail)
}

/// The local-folder error in an error of the chain (the local use cases wrap it
/// transparently, so the chain itself skips it).
fn local_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a crate::local::LocalError> {
    use crate::service::local::LocalServiceError;
    error
        .downcast_ref::<crate::local::LocalError>()
        .or_else(|| match error.downcast_ref::<LocalServiceError>() {
            Some(LocalServiceError::Local(e)) => Some(e),
            _ => None,
        })
}

/// Whether an error is only the reader of stdout having gone away.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// A sign-in error (wherever a use case wrapped it) as one line in `lang`; other errors as
/// they are.
pub(super) fn localized(error: anyhow::Error, lang: Lang) -> anyhow::Error {
    use crate::report::signin::oauth;
    use crate::service::{ServiceError, access, backup::BackupError, signin, verify::VerifyError};
    if lang == Lang::En {
        return error;
    }
    if let Some(e) = error.downcast_ref::<crate::oauth::OAuthError>() {
        return anyhow::anyhow!(oauth(e, lang));
    }
    let service = error
        .downcast_ref::<ServiceError>()
        .or_else(|| match error.downcast_ref::<VerifyError>() {
            Some(VerifyError::Service(s)) => Some(s),
            _ => None,
        })
        .or_else(|| match error.downcast_ref::<BackupError>() {
            Some(BackupError::Service(s)) => Some(s),
            _ => None,
        });
    match service {
        Some(s) if access::is_sign_in_error(s) => anyhow::anyhow!(signin::explain(s, lang)),
        _ => match error
            .chain()
            .find_map(net_error)
            .and_then(|e| net_reason(e, lang))
            .or_else(|| {
                error
                    .chain()
                    .find_map(archive_error)
                    .and_then(|e| archive_reason(e, lang))
            }) {
            Some(reason) => anyhow::anyhow!(reason),
            None => error,
        },
    }
}

/// The connection failure inside an error of the chain (IMAP wraps it transparently, so
/// the chain itself skips it).
fn net_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a crate::net::NetError> {
    use crate::imap::ImapError;
    use crate::service::ServiceError;
    let imap = |e: &'a ImapError| match e {
        ImapError::Net(n) => Some(n),
        _ => None,
    };
    error
        .downcast_ref::<crate::net::NetError>()
        .or_else(|| error.downcast_ref::<ImapError>().and_then(imap))
        .or_else(|| match error.downcast_ref::<ServiceError>() {
            Some(ServiceError::Imap(e)) => imap(e),
            _ => None,
        })
}

/// A backup file's error inside an error of the chain.
fn archive_error<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a crate::archive::ArchiveError> {
    use crate::service::backup::BackupError;
    error
        .downcast_ref::<crate::archive::ArchiveError>()
        .or_else(|| match error.downcast_ref::<BackupError>() {
            Some(BackupError::Archive(e)) => Some(e),
            _ => None,
        })
}

/// Detail text from the operating system or a library (English only): quoted as it is in
/// English; in Japanese replaced by a pointer to `-v`, which logs it, so that no English
/// sentence reaches a Japanese reader.
fn system_detail(detail: String, lang: Lang) -> String {
    match lang {
        Lang::En => detail,
        Lang::Ja => {
            tracing::info!(%detail, "detail of the error above");
            tr!(lang, "errors-detail-with-v")
        }
    }
}

/// A file that is not a (whole) ikou backup, in `lang`; `None` for the other kinds.
fn archive_reason(error: &crate::archive::ArchiveError, lang: Lang) -> Option<String> {
    use crate::archive::ArchiveError;
    Some(match error {
        ArchiveError::NotZip { path, detail } => tr!(
            lang,
            "archive-not-zip",
            path = path.display().to_string(),
            detail = system_detail(detail.clone(), lang)
        ),
        ArchiveError::NotIkouArchive { path } => {
            tr!(lang, "archive-not-ikou", path = path.display().to_string())
        }
        ArchiveError::Corrupt { path, detail } => tr!(
            lang,
            "archive-corrupt",
            path = path.display().to_string(),
            detail = system_detail(detail.clone(), lang)
        ),
        _ => return None,
    })
}

/// A connection that could not be made, in `lang` (the name, the network or the
/// certificate); `None` for the kinds still shown as they are.
fn net_reason(error: &crate::net::NetError, lang: Lang) -> Option<String> {
    use crate::net::NetError;
    Some(match error {
        NetError::Resolve { host, source } => tr!(
            lang,
            "net-resolve",
            host = host.as_str(),
            detail = system_detail(source.to_string(), lang)
        ),
        NetError::Refused { host, port } => {
            tr!(lang, "net-refused", host = host.as_str(), port = *port)
        }
        NetError::ConnectTimeout { host, port, secs } => tr!(
            lang,
            "net-connect-timeout",
            host = host.as_str(),
            port = *port,
            secs = *secs
        ),
        NetError::Connect { host, port, source } => tr!(
            lang,
            "net-connect",
            host = host.as_str(),
            port = *port,
            detail = system_detail(source.to_string(), lang)
        ),
        _ => return None,
    })
}
