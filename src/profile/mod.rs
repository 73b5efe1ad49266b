//! # Organisation profiles
//!
//! A TOML file an IT centre hands out: the old and the new server (host, ports, security,
//! authentication, user-name format), folder-map overrides, size limits and migration dates.
//! Loading validates everything up front and explains each problem with the file, the key and
//! what to write instead, because the people reading the error are not the ones who wrote it.

mod admin;
mod check;
mod credentials;
pub mod discovery;
pub mod embedded;
mod phase;

pub use crate::model::Side;
pub use admin::{APP_SCOPE, AdminAccess, AdminMethod};
pub use check::{Problem, ProfileError};
pub use credentials::{
    CredentialError, given_password, given_token, password_env, prompt_password, secret_from,
    token_env,
};
pub use phase::{Phase, to_date};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::AuthMethod;
use crate::net::{Endpoint, Security, Timeouts, TlsPolicy};

/// The whole profile file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub organisation: Organisation,
    #[serde(default)]
    pub account: Account,
    pub old: ServerProfile,
    pub new: ServerProfile,
    /// Old folder (Unicode, with the old server's delimiter) -> new folder.
    #[serde(default)]
    pub folder_map: BTreeMap<String, String>,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub dates: Dates,
    /// Where the file was read from; relative paths inside are resolved against it.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    #[serde(default)]
    pub name: String,
    /// The mail domain, e.g. `example-univ.ac.jp`; used by `doctor` and the settings.
    #[serde(default)]
    pub domain: String,
}

/// The user's own address; usually given on the command line instead.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Account {
    #[serde(default)]
    pub address: Option<String>,
}

/// One protocol's port and security.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PortSecurity {
    pub port: u16,
    pub security: Security,
}

/// One server (old or new) and how to sign in to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerProfile {
    pub host: String,
    /// `{address}`, `{local}` (part before '@'), `{domain}`, or a literal name.
    #[serde(default = "default_username")]
    pub username: String,
    #[serde(default)]
    pub auth: AuthMethod,
    pub imap: Option<PortSecurity>,
    pub pop3: Option<PortSecurity>,
    pub smtp: Option<PortSecurity>,
    /// SMTP submission host when it differs from `host` (Exchange Online:
    /// `smtp.office365.com`); used by `settings` and `doctor`.
    #[serde(default)]
    pub smtp_host: Option<String>,
    /// Extra CA certificate (PEM) for a server whose certificate the system does not trust.
    pub ca_file: Option<PathBuf>,
    /// SHA-256 of the server's certificate, for self-signed legacy servers.
    pub pin_sha256: Option<String>,
    /// Allows sending the password over an unencrypted connection. Off unless written.
    #[serde(default)]
    pub allow_plaintext: bool,
    /// Environment variable holding the password (default `IKOU_OLD_PASSWORD` / `IKOU_NEW_PASSWORD`).
    pub password_env: Option<String>,
    /// Command whose first output line is the password (e.g. `pass show mail/old`).
    pub password_command: Option<String>,
    /// Environment variable holding an OAuth2 access token (for `auth = "xoauth2"`).
    pub token_env: Option<String>,
    /// Command that prints an OAuth2 access token (an external helper).
    pub token_command: Option<String>,
    /// ikou's own Microsoft 365 sign-in (device code flow) for `auth = "xoauth2"`:
    /// the `[new.oauth]` table with the IT centre's tenant and app (client) id.
    pub oauth: Option<crate::oauth::OAuthSettings>,
    /// Seconds to wait for a connection / for each reply.
    pub connect_timeout_secs: Option<u64>,
    pub io_timeout_secs: Option<u64>,
    /// Admin access to every mailbox, for `ikou batch` only (see docs/batch.en.md).
    pub admin: Option<AdminAccess>,
}

fn default_username() -> String {
    "{address}".to_string()
}

/// Size limits that decide what can migrate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest message the migration carries, in MB (the seed university: 32 MB;
    /// Exchange Online's migration skips items over 35 MB).
    #[serde(default = "default_max_message_mb")]
    pub max_message_mb: u64,
    /// Mailbox size users are asked to stay under before migration, in GB.
    #[serde(default = "default_target_mailbox_gb")]
    pub target_mailbox_gb: u64,
    /// Days the new server keeps Junk mail (Exchange Online: 30).
    #[serde(default = "default_junk_retention_days")]
    pub junk_retention_days: u64,
}

fn default_max_message_mb() -> u64 {
    32
}
fn default_target_mailbox_gb() -> u64 {
    5
}
fn default_junk_retention_days() -> u64 {
    30
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_mb: default_max_message_mb(),
            target_mailbox_gb: default_target_mailbox_gb(),
            junk_retention_days: default_junk_retention_days(),
        }
    }
}

impl Limits {
    pub fn max_message_bytes(&self) -> u64 {
        self.max_message_mb.saturating_mul(1024 * 1024)
    }
    pub fn target_mailbox_bytes(&self) -> u64 {
        self.target_mailbox_gb.saturating_mul(1024 * 1024 * 1024)
    }
}

/// Migration dates (TOML dates, e.g. `cutover = 2026-12-15`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// The centre starts copying mailboxes.
    pub copy_start: Option<toml::value::Datetime>,
    /// New mail goes to the new server from this day.
    pub cutover: Option<toml::value::Datetime>,
    /// The old server is switched off.
    pub old_shutdown: Option<toml::value::Datetime>,
}

impl Profile {
    /// Reads and validates a profile; every problem found is reported, not just the first.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let text =
            crate::input::read_text_bounded(path, crate::input::SMALL_FILE).map_err(|e| {
                ProfileError::Unreadable {
                    file: path.display().to_string(),
                    detail: e.to_string(),
                    kind: e.kind(),
                }
            })?;
        Profile::parse(&text, path)
    }

    /// Parses profile text; `path` is used for messages and to resolve relative file names.
    pub fn parse(text: &str, path: &Path) -> Result<Profile, ProfileError> {
        let mut profile: Profile =
            toml::from_str(text).map_err(|e| check::syntax_error(path, text, &e))?;
        profile.source = Some(path.to_path_buf());
        let problems = check::validate(&profile);
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(ProfileError::Invalid {
                file: path.display().to_string(),
                problems,
            })
        }
    }

    pub fn server(&self, side: Side) -> &ServerProfile {
        match side {
            Side::Old => &self.old,
            Side::New => &self.new,
        }
    }

    /// Resolves a path written in the profile relative to the profile file.
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        match (&self.source, path.is_relative()) {
            (Some(source), true) => source
                .parent()
                .map(|dir| dir.join(path))
                .unwrap_or_else(|| path.to_path_buf()),
            _ => path.to_path_buf(),
        }
    }

    /// TLS trust for one server, with relative CA paths resolved.
    pub fn tls_policy(&self, side: Side) -> TlsPolicy {
        let server = self.server(side);
        TlsPolicy {
            ca_file: server.ca_file.as_deref().map(|p| self.resolve_path(p)),
            pin_sha256: server.pin_sha256.clone(),
        }
    }
}

impl ServerProfile {
    /// The connect and I/O timeouts; values the profile check refuses (0, more than an
    /// hour) are brought into range here too, so no deadline can overflow.
    pub fn timeouts(&self) -> Timeouts {
        let default = Timeouts::default();
        let secs = |v: Option<u64>, d: std::time::Duration| {
            v.map(|s| std::time::Duration::from_secs(s.clamp(1, check::MAX_TIMEOUT_SECS)))
                .unwrap_or(d)
        };
        Timeouts {
            connect: secs(self.connect_timeout_secs, default.connect),
            io: secs(self.io_timeout_secs, default.io),
        }
    }

    pub fn imap_endpoint(&self) -> Option<Endpoint> {
        self.imap.map(|p| Endpoint {
            host: self.host.clone(),
            port: p.port,
            security: p.security,
        })
    }

    pub fn pop3_endpoint(&self) -> Option<Endpoint> {
        self.pop3.map(|p| Endpoint {
            host: self.host.clone(),
            port: p.port,
            security: p.security,
        })
    }

    /// The login name for `address` following the profile's format.
    pub fn username_for(&self, address: &str) -> String {
        let (local, domain) = address.split_once('@').unwrap_or((address, ""));
        self.username
            .replace("{address}", address)
            .replace("{local}", local)
            .replace("{domain}", domain)
    }
}
