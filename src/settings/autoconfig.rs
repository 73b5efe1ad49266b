//! # Thunderbird autoconfig (`config-v1.1.xml`): write it, and read it back
//!
//! The format is Mozilla's "clientConfig" 1.1 as served by the ISPDB and by
//! `autoconfig.<domain>/mail/config-v1.1.xml`. The parser is strict about what Thunderbird
//! needs (server type, host name, port, socket type, user name, authentication), so the
//! doctor can say which field of a served document is wrong, and tests can check every field
//! of what ikou writes.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Auth, ClientProtocol, ClientSettings, ServerSetting};
use crate::model::Security;

/// One `incomingServer` or `outgoingServer` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoconfigServer {
    /// `imap`, `pop3` or `smtp`.
    pub kind: String,
    pub hostname: String,
    pub port: u16,
    /// `SSL`, `STARTTLS` or `plain`.
    pub socket_type: String,
    pub username: String,
    /// Every `authentication` element, in order (`OAuth2`, `password-cleartext`, ...).
    pub authentication: Vec<String>,
}

impl AutoconfigServer {
    pub fn security(&self) -> Option<Security> {
        match self.socket_type.as_str() {
            "SSL" => Some(Security::Tls),
            "STARTTLS" => Some(Security::Starttls),
            "plain" => Some(Security::Plain),
            _ => None,
        }
    }
}

/// A parsed `config-v1.1.xml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoconfigDoc {
    pub provider_id: String,
    pub domains: Vec<String>,
    pub display_name: String,
    pub incoming: Vec<AutoconfigServer>,
    pub outgoing: Vec<AutoconfigServer>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum AutoconfigError {
    #[error("not well-formed XML: {0}")]
    Xml(String),
    #[error("not a Thunderbird autoconfig document: {0}")]
    Format(String),
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn socket_type(security: Security) -> &'static str {
    match security {
        Security::Tls => "SSL",
        Security::Starttls => "STARTTLS",
        Security::Plain => "plain",
    }
}

/// Thunderbird's placeholders, so one file serves every user of the domain.
fn username_placeholder(template: &str) -> String {
    template
        .replace("{address}", "%EMAILADDRESS%")
        .replace("{local}", "%EMAILLOCALPART%")
        .replace("{domain}", "%EMAILDOMAIN%")
}

fn server_xml(element: &str, kind: &str, server: &ServerSetting) -> String {
    let auth = match server.auth {
        Auth::Oauth2 => "OAuth2",
        Auth::Password => "password-cleartext",
    };
    format!(
        "    <{element} type=\"{kind}\">\n      <hostname>{}</hostname>\n      <port>{}</port>\n      <socketType>{}</socketType>\n      <username>{}</username>\n      <authentication>{auth}</authentication>\n    </{element}>\n",
        escape(&server.host),
        server.port.unwrap_or(0),
        socket_type(server.security),
        escape(&username_placeholder(&server.username_template)),
    )
}

/// A `config-v1.1.xml` for the whole domain: the incoming servers in the settings' order
/// (the one asked for first) and SMTP. Exchange has no entry in this format.
pub fn render_autoconfig(settings: &ClientSettings) -> String {
    let id = if settings.domain.is_empty() {
        "example.invalid"
    } else {
        &settings.domain
    };
    let name = if settings.organisation.is_empty() {
        id
    } else {
        &settings.organisation
    };
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n",
    );
    out.push_str(&format!("  <emailProvider id=\"{}\">\n", escape(id)));
    out.push_str(&format!("    <domain>{}</domain>\n", escape(id)));
    out.push_str(&format!(
        "    <displayName>{}</displayName>\n",
        escape(name)
    ));
    out.push_str(&format!(
        "    <displayShortName>{}</displayShortName>\n",
        escape(name)
    ));
    for server in &settings.servers {
        match server.protocol {
            ClientProtocol::Imap => out.push_str(&server_xml("incomingServer", "imap", server)),
            ClientProtocol::Pop => out.push_str(&server_xml("incomingServer", "pop3", server)),
            ClientProtocol::Smtp | ClientProtocol::Exchange => {}
        }
    }
    for server in settings
        .servers
        .iter()
        .filter(|s| s.protocol == ClientProtocol::Smtp)
    {
        out.push_str(&server_xml("outgoingServer", "smtp", server));
    }
    out.push_str("  </emailProvider>\n</clientConfig>\n");
    out
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children()
        .find(|c| c.has_tag_name(name))
        .and_then(|c| c.text())
        .map(str::trim)
}

fn parse_server(
    node: roxmltree::Node,
    outgoing: bool,
) -> Result<AutoconfigServer, AutoconfigError> {
    let kind = node.attribute("type").unwrap_or("").to_string();
    let allowed: &[&str] = if outgoing {
        &["smtp"]
    } else {
        &["imap", "pop3"]
    };
    if !allowed.contains(&kind.as_str()) {
        return Err(AutoconfigError::Format(format!(
            "{} type \"{kind}\" (expected {})",
            node.tag_name().name(),
            allowed.join(" or ")
        )));
    }
    let what = format!("{} {kind}", node.tag_name().name());
    let hostname = child_text(node, "hostname")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| AutoconfigError::Format(format!("{what}: no <hostname>")))?
        .to_string();
    let port_text = child_text(node, "port")
        .ok_or_else(|| AutoconfigError::Format(format!("{what}: no <port>")))?;
    let port = port_text
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| AutoconfigError::Format(format!("{what}: bad <port> {port_text}")))?;
    let socket_type = child_text(node, "socketType")
        .ok_or_else(|| AutoconfigError::Format(format!("{what}: no <socketType>")))?
        .to_string();
    if !["SSL", "STARTTLS", "plain"].contains(&socket_type.as_str()) {
        return Err(AutoconfigError::Format(format!(
            "{what}: <socketType> {socket_type} (expected SSL, STARTTLS or plain)"
        )));
    }
    let username = child_text(node, "username").unwrap_or("").to_string();
    let authentication: Vec<String> = node
        .children()
        .filter(|c| c.has_tag_name("authentication"))
        .filter_map(|c| c.text())
        .map(|t| t.trim().to_string())
        .collect();
    const KNOWN: [&str; 9] = [
        "password-cleartext",
        "password-encrypted",
        "plain",
        "secure",
        "OAuth2",
        "NTLM",
        "GSSAPI",
        "client-IP-address",
        "none",
    ];
    if let Some(bad) = authentication.iter().find(|a| !KNOWN.contains(&a.as_str())) {
        return Err(AutoconfigError::Format(format!(
            "{what}: <authentication> {bad}"
        )));
    }
    if authentication.is_empty() {
        return Err(AutoconfigError::Format(format!(
            "{what}: no <authentication>"
        )));
    }
    Ok(AutoconfigServer {
        kind,
        hostname,
        port,
        socket_type,
        username,
        authentication,
    })
}

/// Parses and checks a `config-v1.1.xml` the way Thunderbird reads it.
pub fn parse_autoconfig(xml: &str) -> Result<AutoconfigDoc, AutoconfigError> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| AutoconfigError::Xml(e.to_string()))?;
    let root = doc.root_element();
    if !root.has_tag_name("clientConfig") {
        return Err(AutoconfigError::Format(format!(
            "root element <{}> (expected <clientConfig>)",
            root.tag_name().name()
        )));
    }
    let provider = root
        .children()
        .find(|c| c.has_tag_name("emailProvider"))
        .ok_or_else(|| AutoconfigError::Format("no <emailProvider>".into()))?;
    let provider_id = provider.attribute("id").unwrap_or("").to_string();
    let domains: Vec<String> = provider
        .children()
        .filter(|c| c.has_tag_name("domain"))
        .filter_map(|c| c.text())
        .map(|t| t.trim().to_string())
        .collect();
    let mut incoming = Vec::new();
    let mut outgoing = Vec::new();
    for node in provider.children().filter(roxmltree::Node::is_element) {
        if node.has_tag_name("incomingServer") {
            incoming.push(parse_server(node, false)?);
        } else if node.has_tag_name("outgoingServer") {
            outgoing.push(parse_server(node, true)?);
        }
    }
    if incoming.is_empty() {
        return Err(AutoconfigError::Format("no <incomingServer>".into()));
    }
    Ok(AutoconfigDoc {
        provider_id,
        domains,
        display_name: child_text(provider, "displayName")
            .unwrap_or("")
            .to_string(),
        incoming,
        outgoing,
    })
}
