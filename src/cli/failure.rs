//! # A failed run as JSON
//!
//! With `--json`, a run that fails still writes one JSON object to stdout, so a script or a
//! helpdesk never receives an empty file: what kind of failure it was (a stable snake_case
//! name), the message in the reader's language (`message_text`), the exit code, and the
//! run's address, profile, time and ikou's version when they are known.

use serde::Serialize;

use super::command::{Cli, Command};
use super::common::{AccountArgs, ProfileUnusable};
use crate::imap::ImapError;
use crate::net::NetError;
use crate::pop3::Pop3Error;
use crate::profile::CredentialError;
use crate::report::RunInfo;
use crate::service::ServiceError;
use crate::service::backup::BackupError;
use crate::service::verify::VerifyError;

/// What a failed run reports; language-neutral apart from `message_text`.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub error: FailureDetail,
    #[serde(flatten)]
    pub run: RunInfo,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailureDetail {
    /// A stable name: `unknown_host`, `sign_in_rejected`, `profile`, ... (see [`kind_of`]).
    pub kind: &'static str,
    /// The one line `ikou` prints on stderr, in the reader's language.
    pub message_text: String,
    pub exit_code: i32,
}

/// Who the run was for, taken from the command line before it runs.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    pub profile: Option<std::path::PathBuf>,
    pub address: Option<String>,
}

impl RunContext {
    pub fn of(cli: &Cli) -> Self {
        let account: Option<&AccountArgs> = match &cli.command {
            Some(Command::Quota { account, .. } | Command::Folders { account, .. }) => {
                Some(account)
            }
            Some(Command::Snapshot(a)) => Some(&a.account),
            Some(Command::Verify(a)) => Some(&a.account),
            Some(Command::Restore(a)) => Some(&a.account),
            Some(Command::Report(a)) => Some(&a.account),
            _ => None,
        };
        Self {
            profile: account.map(|a| a.profile.clone()),
            address: account.and_then(|a| a.address.clone()),
        }
    }

    /// The run's details, with the profile's name and default address when it loads.
    pub fn run_info(&self) -> RunInfo {
        let profile = self
            .profile
            .as_deref()
            .and_then(|p| crate::profile::Profile::load(p).ok());
        let address = self.address.clone().or_else(|| {
            profile
                .as_ref()
                .and_then(|p| p.account.address.clone())
                .filter(|a| !a.is_empty())
        });
        let mut run = RunInfo::now(profile.as_ref(), address.as_deref());
        if run.profile.is_none() {
            run.profile = self
                .profile
                .as_deref()
                .and_then(|p| p.file_stem())
                .map(|s| s.to_string_lossy().into_owned());
        }
        run
    }
}

/// The failure object, as pretty JSON with a final newline. `kind` comes from
/// [`kind_of`] on the error as it was raised (before it was put into words).
pub fn failure_json(
    kind: &'static str,
    message_text: String,
    context: &RunContext,
    code: i32,
) -> String {
    let failure = Failure {
        error: FailureDetail {
            kind,
            message_text,
            exit_code: code,
        },
        run: context.run_info(),
    };
    let mut json = serde_json::to_string_pretty(&failure).unwrap_or_else(|_| {
        format!(
            "{{\"error\": {{\"kind\": \"{}\", \"exit_code\": {code}}}}}",
            failure.error.kind
        )
    });
    json.push('\n');
    json
}

/// The stable name of a failure, from the first cause ikou knows.
pub fn kind_of(error: &anyhow::Error) -> &'static str {
    for cause in error.chain() {
        if cause.downcast_ref::<ProfileUnusable>().is_some()
            || cause
                .downcast_ref::<crate::profile::ProfileError>()
                .is_some()
        {
            return "profile";
        }
        if let Some(net) = cause.downcast_ref::<NetError>() {
            return net_kind(net);
        }
        if let Some(imap) = cause.downcast_ref::<ImapError>() {
            return imap_kind(imap);
        }
        if let Some(pop) = cause.downcast_ref::<Pop3Error>() {
            return pop3_kind(pop);
        }
        // Errors that wrap others transparently hide them from the chain: look inside.
        let service = cause
            .downcast_ref::<ServiceError>()
            .or_else(|| match cause.downcast_ref::<VerifyError>() {
                Some(VerifyError::Service(s)) => Some(s),
                _ => None,
            })
            .or_else(|| match cause.downcast_ref::<BackupError>() {
                Some(BackupError::Service(s)) => Some(s),
                _ => None,
            });
        if let Some(service) = service {
            return match service {
                ServiceError::Imap(imap) => imap_kind(imap),
                ServiceError::Pop3(pop) => pop3_kind(pop),
                ServiceError::TokenRejected { .. } => "token_rejected",
                ServiceError::NoImap(_) | ServiceError::NoPop3(_) => "profile",
                ServiceError::NoAddress => "no_address",
                ServiceError::Credential(_) => "no_credentials",
                ServiceError::OAuth(_) => "sign_in",
            };
        }
        if let Some(BackupError::Imap(imap)) = cause.downcast_ref::<BackupError>() {
            return imap_kind(imap);
        }
        if cause.downcast_ref::<CredentialError>().is_some() {
            return "no_credentials";
        }
        if cause.downcast_ref::<crate::oauth::OAuthError>().is_some() {
            return "sign_in";
        }
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return "file";
        }
    }
    "error"
}

fn imap_kind(error: &ImapError) -> &'static str {
    match error {
        ImapError::Net(net) => net_kind(net),
        ImapError::AuthRejected { .. } => "sign_in_rejected",
        ImapError::PlaintextRefused { .. }
        | ImapError::StartTlsUnsupported { .. }
        | ImapError::LoginDisabled { .. } => "insecure_connection_refused",
        ImapError::MechanismUnsupported { .. } => "sign_in_unsupported",
        _ => "server",
    }
}

fn pop3_kind(error: &Pop3Error) -> &'static str {
    match error {
        Pop3Error::Net(net) => net_kind(net),
        Pop3Error::AuthRejected { .. } => "sign_in_rejected",
        Pop3Error::PlaintextRefused { .. } | Pop3Error::StlsUnsupported { .. } => {
            "insecure_connection_refused"
        }
        Pop3Error::MechanismUnsupported { .. } => "sign_in_unsupported",
        _ => "server",
    }
}

fn net_kind(error: &NetError) -> &'static str {
    match error {
        NetError::Resolve { .. } => "unknown_host",
        NetError::Refused { .. } => "connection_refused",
        NetError::ConnectTimeout { .. } => "timeout",
        NetError::UntrustedCertificate { .. } | NetError::PinMismatch { .. } => {
            "untrusted_certificate"
        }
        NetError::Tls { .. } => "tls",
        _ => "network",
    }
}
