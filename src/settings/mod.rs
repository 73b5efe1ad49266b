//! # Client settings: exactly what to type into a mail program
//!
//! Pure: [`build`] turns an organisation profile (or, with none, the built-in Exchange Online
//! defaults from the IT centre's briefing) into a [`ClientSettings`] value: host, port,
//! encryption, user name and authentication per protocol, plus the caveats that matter
//! during the parallel-operation period. Renderers turn that value into a text table
//! ([`render_text`], ja/en, aligned by display width), a Thunderbird autoconfig
//! `config-v1.1.xml` ([`render_autoconfig`], parsed back by [`parse_autoconfig`], which the
//! doctor also uses) and an Apple `.mobileconfig` ([`render_mobileconfig`]); JSON is the
//! `Serialize` form. The TUI calls `build` and `render_text` like the CLI does.

mod autoconfig;
mod caveats;
mod mobileconfig;
mod text;

pub use autoconfig::{
    AutoconfigDoc, AutoconfigError, AutoconfigServer, parse_autoconfig, render_autoconfig,
};
pub use mobileconfig::render_mobileconfig;
pub use text::render_text;

use serde::{Deserialize, Serialize};

use crate::model::AuthMethod;
use crate::model::Security;
use crate::profile::{Profile, ServerProfile};

/// Exchange Online's published client endpoints (the seed briefing's table).
pub mod exchange_online {
    pub const IMAP_HOST: &str = "outlook.office365.com";
    pub const POP_HOST: &str = "outlook.office365.com";
    pub const SMTP_HOST: &str = "smtp.office365.com";
    pub const EXCHANGE_HOST: &str = "outlook.office365.com";
    pub const IMAP_PORT: u16 = 993;
    pub const POP_PORT: u16 = 995;
    pub const SMTP_PORT: u16 = 587;

    /// True for host names that belong to Exchange Online's client endpoints.
    pub fn is_exchange_online_host(host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        ["office365.com", "outlook.com", "office.com"]
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    }
}

/// A way of reaching the mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ClientProtocol {
    Imap,
    Pop,
    Smtp,
    Exchange,
}

impl ClientProtocol {
    pub fn label(self) -> &'static str {
        match self {
            ClientProtocol::Imap => "IMAP",
            ClientProtocol::Pop => "POP",
            ClientProtocol::Smtp => "SMTP",
            ClientProtocol::Exchange => "Exchange",
        }
    }
}

/// The mail program the user is setting up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Client {
    Thunderbird,
    Outlook,
    Apple,
    Ios,
    Android,
}

/// How the client signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    /// OAuth2, "modern authentication": a Microsoft sign-in page instead of a password.
    Oauth2,
    /// The normal password (basic authentication).
    Password,
}

impl From<AuthMethod> for Auth {
    fn from(method: AuthMethod) -> Self {
        match method {
            AuthMethod::Xoauth2 => Auth::Oauth2,
            AuthMethod::Login | AuthMethod::Plain => Auth::Password,
        }
    }
}

/// One server entry to type in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerSetting {
    pub protocol: ClientProtocol,
    pub host: String,
    /// None for Exchange: the client finds the server from the address (autodiscover).
    pub port: Option<u16>,
    pub security: Security,
    /// The user name with the address filled in, when the address is known.
    pub username: Option<String>,
    /// The profile's form: `{address}`, `{local}`, `{domain}` or a literal name.
    pub username_template: String,
    pub auth: Auth,
}

/// Something the user must know beyond the table. The words are the catalog message
/// `message` (`settings-caveat-...`); the JSON carries them in both languages as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caveat {
    /// Stable key, e.g. `pop-leave-on-server`.
    pub id: String,
    /// The catalog message with the words, e.g. `settings-caveat-pop-leave-on-server`.
    pub message: String,
}

impl Caveat {
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        crate::i18n::message(lang, &self.message, &[])
    }
}

/// A caveat as JSON: its key and message id, and its words in both languages.
#[derive(Serialize, Deserialize)]
struct CaveatWire {
    id: String,
    message: String,
    /// Written for readers of the JSON; ignored when read back.
    #[serde(default, skip_deserializing)]
    ja: String,
    #[serde(default, skip_deserializing)]
    en: String,
}

impl Serialize for Caveat {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        CaveatWire {
            id: self.id.clone(),
            message: self.message.clone(),
            ja: self.text(crate::i18n::Lang::Ja),
            en: self.text(crate::i18n::Lang::En),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Caveat {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Caveat, D::Error> {
        let wire = CaveatWire::deserialize(deserializer)?;
        Ok(Caveat {
            id: wire.id,
            message: wire.message,
        })
    }
}

/// Where the values came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "file")]
pub enum SettingsSource {
    Profile(String),
    ExchangeOnlineDefaults,
}

/// Everything a user needs to add the new account by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSettings {
    pub organisation: String,
    pub domain: String,
    pub address: Option<String>,
    /// The protocol asked for; None means all of them.
    pub protocol: Option<ClientProtocol>,
    pub client: Option<Client>,
    pub source: SettingsSource,
    /// True when the new server is Exchange Online (OAuth2, autodiscover, fixed display name).
    pub exchange_online: bool,
    /// In display order: incoming first, then SMTP, then Exchange.
    pub servers: Vec<ServerSetting>,
    pub caveats: Vec<Caveat>,
}

impl ClientSettings {
    /// The first server of this protocol.
    pub fn server(&self, protocol: ClientProtocol) -> Option<&ServerSetting> {
        self.servers.iter().find(|s| s.protocol == protocol)
    }
}

/// The SMTP host of a server profile: `smtp_host` when written; Exchange Online's
/// `outlook.office365.com` sends through `smtp.office365.com`; otherwise the same host.
pub fn smtp_host(server: &ServerProfile) -> String {
    if let Some(host) = server.smtp_host.as_deref().filter(|h| !h.is_empty()) {
        return host.to_string();
    }
    if server.host.eq_ignore_ascii_case(exchange_online::IMAP_HOST) {
        return exchange_online::SMTP_HOST.to_string();
    }
    server.host.clone()
}

fn fill(template: &str, address: Option<&str>) -> Option<String> {
    let address = address?;
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    Some(
        template
            .replace("{address}", address)
            .replace("{local}", local)
            .replace("{domain}", domain),
    )
}

/// All servers the new side offers, in display order, before filtering by protocol.
fn all_servers(profile: Option<&Profile>, address: Option<&str>) -> (Vec<ServerSetting>, bool) {
    let entry = |protocol, host: &str, port, security, template: &str, auth| ServerSetting {
        protocol,
        host: host.to_string(),
        port,
        security,
        username: fill(template, address),
        username_template: template.to_string(),
        auth,
    };
    match profile {
        None => {
            use exchange_online::*;
            let t = "{address}";
            let servers = vec![
                entry(
                    ClientProtocol::Imap,
                    IMAP_HOST,
                    Some(IMAP_PORT),
                    Security::Tls,
                    t,
                    Auth::Oauth2,
                ),
                entry(
                    ClientProtocol::Pop,
                    POP_HOST,
                    Some(POP_PORT),
                    Security::Tls,
                    t,
                    Auth::Oauth2,
                ),
                entry(
                    ClientProtocol::Smtp,
                    SMTP_HOST,
                    Some(SMTP_PORT),
                    Security::Starttls,
                    t,
                    Auth::Oauth2,
                ),
                entry(
                    ClientProtocol::Exchange,
                    EXCHANGE_HOST,
                    None,
                    Security::Tls,
                    t,
                    Auth::Oauth2,
                ),
            ];
            (servers, true)
        }
        Some(profile) => {
            let new = &profile.new;
            let auth = Auth::from(new.auth);
            let t = new.username.as_str();
            let exo = exchange_online::is_exchange_online_host(&new.host);
            let mut servers = Vec::new();
            if let Some(p) = new.imap {
                servers.push(entry(
                    ClientProtocol::Imap,
                    &new.host,
                    Some(p.port),
                    p.security,
                    t,
                    auth,
                ));
            }
            if let Some(p) = new.pop3 {
                servers.push(entry(
                    ClientProtocol::Pop,
                    &new.host,
                    Some(p.port),
                    p.security,
                    t,
                    auth,
                ));
            }
            if let Some(p) = new.smtp {
                servers.push(entry(
                    ClientProtocol::Smtp,
                    &smtp_host(new),
                    Some(p.port),
                    p.security,
                    t,
                    auth,
                ));
            }
            if exo {
                servers.push(entry(
                    ClientProtocol::Exchange,
                    exchange_online::EXCHANGE_HOST,
                    None,
                    Security::Tls,
                    t,
                    Auth::Oauth2,
                ));
            }
            (servers, exo)
        }
    }
}

/// Which server entries a protocol choice shows: a receiving protocol comes with SMTP.
fn wanted(protocol: Option<ClientProtocol>, server: ClientProtocol) -> bool {
    match protocol {
        None => true,
        Some(ClientProtocol::Imap) => matches!(server, ClientProtocol::Imap | ClientProtocol::Smtp),
        Some(ClientProtocol::Pop) => matches!(server, ClientProtocol::Pop | ClientProtocol::Smtp),
        Some(p) => p == server,
    }
}

/// Builds the settings for the new server. `address` fills in the user name; with no
/// profile the Exchange Online defaults are used.
pub fn build(
    profile: Option<&Profile>,
    address: Option<&str>,
    protocol: Option<ClientProtocol>,
    client: Option<Client>,
) -> ClientSettings {
    let address = address
        .map(str::to_string)
        .or_else(|| profile.and_then(|p| p.account.address.clone()));
    let (all, exchange_online) = all_servers(profile, address.as_deref());
    let servers: Vec<ServerSetting> = all
        .into_iter()
        .filter(|s| wanted(protocol, s.protocol))
        .collect();
    let domain = profile
        .map(|p| p.organisation.domain.clone())
        .filter(|d| !d.is_empty())
        .or_else(|| {
            address
                .as_deref()
                .and_then(|a| a.split_once('@'))
                .map(|(_, d)| d.to_string())
        })
        .unwrap_or_default();
    let organisation = profile
        .map(|p| p.organisation.name.clone())
        .unwrap_or_default();
    let source = match profile {
        Some(p) => SettingsSource::Profile(
            p.source
                .as_ref()
                .map(|s| s.display().to_string())
                .unwrap_or_default(),
        ),
        None => SettingsSource::ExchangeOnlineDefaults,
    };
    let mut settings = ClientSettings {
        organisation,
        domain,
        address,
        protocol,
        client,
        source,
        exchange_online,
        servers,
        caveats: Vec::new(),
    };
    settings.caveats = caveats::for_settings(&settings);
    settings
}

#[cfg(test)]
mod tests;
