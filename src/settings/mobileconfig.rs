//! # Apple configuration profile (`.mobileconfig`) for Mail on iPhone, iPad and Mac
//!
//! An IT centre hands one file to every user: opening it adds the account. Exchange Online
//! gets an Exchange ActiveSync payload with OAuth (Apple's mail payload cannot do OAuth2);
//! IMAP or POP get a `com.apple.mail.managed` payload. UUIDs are derived from the domain,
//! protocol and address, so the same input always gives the same file (and a re-install
//! replaces the profile instead of adding a second one).

use plist::{Dictionary, Value};
use sha2::{Digest, Sha256};

use super::{Auth, ClientProtocol, ClientSettings, ServerSetting};
use crate::model::Security;

fn uuid(seed: &str) -> String {
    let h = hex::encode_upper(Sha256::digest(seed.as_bytes()));
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn reverse_domain(domain: &str) -> String {
    let mut parts: Vec<&str> = domain.split('.').filter(|p| !p.is_empty()).collect();
    parts.reverse();
    if parts.is_empty() {
        "invalid.example".to_string()
    } else {
        parts.join(".")
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

fn user(server: &ServerSetting) -> String {
    server.username.clone().unwrap_or_default()
}

fn payload_header(dict: &mut Dictionary, kind: &str, id: &str, name: &str, seed: &str) {
    dict.insert("PayloadType".into(), s(kind));
    dict.insert("PayloadVersion".into(), Value::Integer(1.into()));
    dict.insert("PayloadIdentifier".into(), s(id));
    dict.insert("PayloadUUID".into(), s(&uuid(seed)));
    dict.insert("PayloadDisplayName".into(), s(name));
}

fn exchange_payload(
    settings: &ClientSettings,
    server: &ServerSetting,
    base: &str,
    name: &str,
) -> Dictionary {
    let mut d = Dictionary::new();
    let seed = format!(
        "eas|{}|{}",
        settings.domain,
        settings.address.as_deref().unwrap_or("")
    );
    payload_header(
        &mut d,
        "com.apple.eas.account",
        &format!("{base}.eas"),
        name,
        &seed,
    );
    d.insert("Host".into(), s(&server.host));
    d.insert("SSL".into(), Value::Boolean(true));
    d.insert("OAuth".into(), Value::Boolean(server.auth == Auth::Oauth2));
    d.insert(
        "EmailAddress".into(),
        s(settings.address.as_deref().unwrap_or("")),
    );
    d.insert("UserName".into(), s(&user(server)));
    d
}

fn mail_payload(
    settings: &ClientSettings,
    incoming: &ServerSetting,
    smtp: Option<&ServerSetting>,
    base: &str,
    name: &str,
) -> Dictionary {
    let mut d = Dictionary::new();
    let kind = if incoming.protocol == ClientProtocol::Pop {
        "POP"
    } else {
        "IMAP"
    };
    let seed = format!(
        "mail|{kind}|{}|{}",
        settings.domain,
        settings.address.as_deref().unwrap_or("")
    );
    payload_header(
        &mut d,
        "com.apple.mail.managed",
        &format!("{base}.mail"),
        name,
        &seed,
    );
    d.insert("EmailAccountDescription".into(), s(name));
    d.insert("EmailAccountType".into(), s(&format!("EmailType{kind}")));
    if let Some(address) = &settings.address {
        d.insert("EmailAddress".into(), s(address));
    }
    let auth = |server: &ServerSetting| match server.auth {
        // Apple's mail payload has no OAuth2; the password prompt is the closest it gets.
        Auth::Oauth2 | Auth::Password => s("EmailAuthPassword"),
    };
    d.insert("IncomingMailServerAuthentication".into(), auth(incoming));
    d.insert("IncomingMailServerHostName".into(), s(&incoming.host));
    d.insert(
        "IncomingMailServerPortNumber".into(),
        Value::Integer(u64::from(incoming.port.unwrap_or(0)).into()),
    );
    d.insert(
        "IncomingMailServerUseSSL".into(),
        Value::Boolean(incoming.security != Security::Plain),
    );
    d.insert("IncomingMailServerUsername".into(), s(&user(incoming)));
    if let Some(smtp) = smtp {
        d.insert("OutgoingMailServerAuthentication".into(), auth(smtp));
        d.insert("OutgoingMailServerHostName".into(), s(&smtp.host));
        d.insert(
            "OutgoingMailServerPortNumber".into(),
            Value::Integer(u64::from(smtp.port.unwrap_or(0)).into()),
        );
        d.insert(
            "OutgoingMailServerUseSSL".into(),
            Value::Boolean(smtp.security != Security::Plain),
        );
        d.insert("OutgoingMailServerUsername".into(), s(&user(smtp)));
        d.insert(
            "OutgoingPasswordSameAsIncomingPassword".into(),
            Value::Boolean(true),
        );
    }
    d
}

/// An XML `.mobileconfig`. With Exchange among the settings (or asked for), the account is
/// Exchange with OAuth; otherwise the first IMAP/POP server plus SMTP.
pub fn render_mobileconfig(settings: &ClientSettings) -> Result<String, plist::Error> {
    let base = format!("{}.ikou", reverse_domain(&settings.domain));
    let name = if settings.organisation.is_empty() {
        format!("{} mail", settings.domain)
    } else {
        settings.organisation.clone()
    };
    let exchange = settings.server(ClientProtocol::Exchange);
    let incoming = settings
        .servers
        .iter()
        .find(|s| matches!(s.protocol, ClientProtocol::Imap | ClientProtocol::Pop));
    let prefer_exchange =
        settings.protocol.is_none() || settings.protocol == Some(ClientProtocol::Exchange);
    let payload = match (exchange, incoming) {
        (Some(eas), _) if prefer_exchange => exchange_payload(settings, eas, &base, &name),
        (_, Some(incoming)) => mail_payload(
            settings,
            incoming,
            settings.server(ClientProtocol::Smtp),
            &base,
            &name,
        ),
        (Some(eas), None) => exchange_payload(settings, eas, &base, &name),
        (None, None) => Dictionary::new(),
    };
    let mut top = Dictionary::new();
    let seed = format!(
        "profile|{}|{}",
        settings.domain,
        settings.address.as_deref().unwrap_or("")
    );
    payload_header(&mut top, "Configuration", &base, &name, &seed);
    top.insert("PayloadOrganization".into(), s(&name));
    top.insert(
        "PayloadDescription".into(),
        s("Mail account for the new server (Microsoft 365), made by ikou"),
    );
    top.insert("PayloadRemovalDisallowed".into(), Value::Boolean(false));
    let content = if payload.is_empty() {
        Vec::new()
    } else {
        vec![Value::Dictionary(payload)]
    };
    top.insert("PayloadContent".into(), Value::Array(content));
    let mut bytes = Vec::new();
    Value::Dictionary(top).to_writer_xml(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
