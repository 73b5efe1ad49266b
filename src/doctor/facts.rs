//! # Facts: what the probes saw, as plain data
//!
//! Probes fill a [`Facts`] value; [`super::rules::findings`] reads it. Nothing here does
//! I/O, so tests build `Facts` by hand to drive every rule.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Security;
use crate::settings::AutoconfigDoc;

/// The outcome of one look-up or request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "kebab-case")]
pub enum Lookup<T> {
    Found(T),
    /// No such record (NXDOMAIN or an empty answer).
    None,
    /// No answer within the time limit.
    Timeout,
    /// Any other failure: SERVFAIL, REFUSED, network error.
    Failed(String),
}

impl<T> Lookup<T> {
    pub fn found(&self) -> Option<&T> {
        match self {
            Lookup::Found(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_failure(&self) -> bool {
        matches!(self, Lookup::Timeout | Lookup::Failed(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mx {
    pub preference: u16,
    pub exchange: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Srv {
    pub priority: u16,
    pub weight: u16,
    pub port: u16,
    pub target: String,
}

/// The SRV names of RFC 6186 and Outlook's autodiscover, in the order they are reported.
pub const SRV_NAMES: [&str; 5] = [
    "_autodiscover._tcp",
    "_imaps._tcp",
    "_imap._tcp",
    "_pop3s._tcp",
    "_submission._tcp",
];

/// DKIM selectors Exchange Online uses.
pub const DKIM_SELECTORS: [&str; 2] = ["selector1", "selector2"];

fn yes() -> bool {
    true
}

/// DNS answers for the mail domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsFacts {
    /// `system` or the `--dns-server` address.
    pub server: String,
    /// False when the server says the domain itself does not exist (NXDOMAIN).
    #[serde(default = "yes")]
    pub domain_exists: bool,
    pub mx: Lookup<Vec<Mx>>,
    /// Target of `autodiscover.<domain>` CNAME.
    pub autodiscover_cname: Lookup<String>,
    /// SRV name (e.g. `_imaps._tcp`) -> records.
    pub srv: BTreeMap<String, Lookup<Vec<Srv>>>,
    /// TXT records of the domain itself (SPF lives here).
    pub txt: Lookup<Vec<String>>,
    /// TXT records of every domain an SPF `include:` or `redirect=` reaches.
    pub spf_includes: BTreeMap<String, Lookup<Vec<String>>>,
    /// TXT records of `_dmarc.<domain>`.
    pub dmarc: Lookup<Vec<String>>,
    /// Selector -> CNAME target of `<selector>._domainkey.<domain>`.
    pub dkim: BTreeMap<String, Lookup<String>>,
}

/// Which autoconfig/autodiscover URL was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpKind {
    /// `https://autoconfig.<domain>/mail/config-v1.1.xml`
    AutoconfigHost,
    /// `https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml`
    AutoconfigWellKnown,
    /// `https://autodiscover.<domain>/autodiscover/autodiscover.xml` (POX, POST)
    AutodiscoverPox,
    /// `https://autodiscover.<domain>/autodiscover/autodiscover.json/v1.0/<address>`
    AutodiscoverJson,
    /// The POX URL on the host and port from the `_autodiscover._tcp` SRV record.
    AutodiscoverSrv,
}

/// One `<Protocol>` entry of an Autodiscover POX response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoxProtocol {
    /// `IMAP`, `POP3`, `SMTP`, `EXCH`, `EXPR`, `WEB`.
    pub kind: String,
    pub server: String,
    pub port: Option<u16>,
    /// `<SSL>on</SSL>` or `<Encryption>`.
    pub ssl: Option<bool>,
    pub encryption: Option<String>,
}

/// What an autodiscover POX answer says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoxDoc {
    pub protocols: Vec<PoxProtocol>,
    /// `redirectUrl` / `redirectAddr` target.
    pub redirect: Option<String>,
    /// An `<Error>` element's message.
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum HttpBody {
    Autoconfig(AutoconfigDoc),
    Pox(PoxDoc),
    /// The v2 JSON endpoint's `Url`.
    JsonUrl(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "kebab-case")]
pub enum HttpOutcome {
    /// 200 with a document that parsed.
    Document(HttpBody),
    /// 401/403: the endpoint exists and wants a sign-in (how Exchange Online answers).
    AuthRequired(u16),
    /// Any other HTTP status.
    Status(u16),
    /// 200 but the body is not what the format says.
    Invalid(String),
    /// Name, connection or certificate failure.
    Unreachable(String),
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpFact {
    pub kind: HttpKind,
    pub url: String,
    pub outcome: HttpOutcome,
}

/// Mail service on a host:port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Imap,
    Pop3,
    Smtp,
}

impl Service {
    pub fn label(self) -> &'static str {
        match self {
            Service::Imap => "IMAP",
            Service::Pop3 => "POP3",
            Service::Smtp => "SMTP",
        }
    }
}

/// Old or new server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Old,
    New,
}

/// How certificate verification ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", content = "detail", rename_all = "kebab-case")]
pub enum Verify {
    Trusted,
    Expired,
    NotYetValid,
    WrongHost,
    Untrusted(String),
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub dns_names: Vec<String>,
    /// `notAfter` as OpenSSL prints it.
    pub not_after: String,
    /// Whole days until `notAfter` (negative once expired).
    pub days_left: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "kebab-case")]
pub enum TlsOutcome {
    Handshake {
        verify: Verify,
        cert: Option<CertInfo>,
    },
    /// The plain connection works but the server does not offer STARTTLS.
    NoStarttls,
    Unreachable(String),
    Timeout,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsFact {
    pub role: Role,
    pub service: Service,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub outcome: TlsOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "detail", rename_all = "kebab-case")]
pub enum LoginOutcome {
    Ok,
    Rejected(String),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFact {
    pub role: Role,
    pub service: Service,
    pub server: String,
    pub user: String,
    pub outcome: LoginOutcome,
}

/// An outgoing (SMTP) server in Thunderbird's prefs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TbSmtp {
    pub key: String,
    pub hostname: String,
    pub port: Option<u16>,
}

/// An identity (From address) of a Thunderbird account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TbIdentity {
    pub key: String,
    pub email: String,
    /// The SMTP server this identity sends through (the default one when unset).
    pub smtp: Option<TbSmtp>,
    /// Where sent copies are filed, e.g. `imap://taro@mail.example.ac.jp/Sent`.
    pub fcc_folder: Option<String>,
    pub fcc: bool,
}

/// One account of a Thunderbird profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TbAccount {
    pub key: String,
    /// The name shown in the folder pane.
    pub name: String,
    /// `imap`, `pop3`, `none` (Local Folders), ...
    pub kind: String,
    pub hostname: String,
    pub port: Option<u16>,
    pub username: String,
    /// Thunderbird's `socketType`: 0 plain, 2 STARTTLS, 3 SSL/TLS.
    pub socket_type: Option<i64>,
    /// Thunderbird's `authMethod`: 3 password, 4 encrypted password, 10 OAuth2.
    pub auth_method: Option<i64>,
    pub leave_on_server: bool,
    pub identities: Vec<TbIdentity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "value", rename_all = "kebab-case")]
pub enum ClientFacts {
    Thunderbird {
        prefs: String,
        accounts: Vec<TbAccount>,
    },
    /// No profile given and none found in the usual places.
    NotFound,
    Unreadable(String),
}

/// What the run was asked to check against (from the profile and the command line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Expect {
    pub domain: String,
    pub address: Option<String>,
    /// The new server is Exchange Online.
    pub new_exchange_online: bool,
    /// Host names of the new server (IMAP/POP, SMTP), lower case.
    pub new_hosts: Vec<String>,
    /// Host names of the old server, lower case.
    pub old_hosts: Vec<String>,
    /// The profile's cut-over date has passed (None: no date known).
    pub cutover_passed: Option<bool>,
}

/// Everything the probes found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Facts {
    pub expect: Expect,
    pub dns: Option<DnsFacts>,
    pub http: Vec<HttpFact>,
    pub tls: Vec<TlsFact>,
    pub login: Vec<LoginFact>,
    pub client: Option<ClientFacts>,
}
