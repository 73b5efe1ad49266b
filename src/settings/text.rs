//! # Settings as text: one table per server, in the briefing's wording

use super::{Auth, ClientProtocol, ClientSettings, ServerSetting, SettingsSource};
use crate::i18n::Lang;
use crate::model::Security;
use crate::report::{Align, Table};

pub(super) fn security_label(security: Security, lang: Lang) -> String {
    match security {
        Security::Tls => "SSL/TLS".into(),
        Security::Starttls => "STARTTLS".into(),
        Security::Plain => tr!(lang, "settings-none-unencrypted"),
    }
}

pub(super) fn auth_label(auth: Auth, lang: Lang) -> String {
    match auth {
        Auth::Oauth2 => tr!(lang, "settings-oauth2-modern-authentication"),
        Auth::Password => tr!(lang, "settings-normal-password"),
    }
}

fn username_cell(server: &ServerSetting, lang: Lang) -> String {
    if let Some(name) = &server.username {
        return name.clone();
    }
    match server.username_template.as_str() {
        "{address}" => tr!(lang, "settings-your-mail-address-upn"),
        "{local}" => tr!(lang, "settings-the-part-of-your-address"),
        other => other.to_string(),
    }
}

fn title(protocol: ClientProtocol, lang: Lang) -> String {
    match protocol {
        ClientProtocol::Imap => tr!(lang, "settings-imap-incoming"),
        ClientProtocol::Pop => tr!(lang, "settings-pop-incoming"),
        ClientProtocol::Smtp => tr!(lang, "settings-smtp-outgoing"),
        ClientProtocol::Exchange => tr!(lang, "settings-exchange"),
    }
}

fn server_table(server: &ServerSetting, lang: Lang) -> String {
    let mut table = Table::new(&[
        (&tr!(lang, "settings-item"), Align::Left),
        (&tr!(lang, "settings-value"), Align::Left),
    ]);
    let user = username_cell(server, lang);
    let auth = auth_label(server.auth, lang).to_string();
    match server.protocol {
        ClientProtocol::Exchange => {
            table.row(vec![tr!(lang, "settings-email-address"), user]);
            table.row(vec![
                tr!(lang, "settings-server-only-if-asked"),
                server.host.clone(),
            ]);
            table.row(vec![tr!(lang, "settings-authentication"), auth]);
        }
        protocol => {
            let outgoing = protocol == ClientProtocol::Smtp;
            let (host, port, secure) = if outgoing {
                (
                    tr!(lang, "settings-outgoing-server"),
                    tr!(lang, "settings-port"),
                    tr!(lang, "settings-encryption"),
                )
            } else {
                (
                    tr!(lang, "settings-incoming-server"),
                    tr!(lang, "settings-port-2"),
                    tr!(lang, "settings-encryption-2"),
                )
            };
            table.row(vec![host, server.host.clone()]);
            table.row(vec![
                port,
                server.port.map(|p| p.to_string()).unwrap_or_default(),
            ]);
            table.row(vec![secure, security_label(server.security, lang)]);
            table.row(vec![tr!(lang, "settings-user-name"), user]);
            table.row(vec![tr!(lang, "settings-authentication"), auth]);
        }
    }
    table.render()
}

/// The settings as people read them: a heading, one table per server, then the caveats.
pub fn render_text(settings: &ClientSettings, lang: Lang) -> String {
    let mut out = String::new();
    let name = if settings.organisation.is_empty() {
        tr!(lang, "settings-new-server")
    } else {
        settings.organisation.clone()
    };
    out.push_str(&format!(
        "{} — {}{}\n",
        tr!(lang, "settings-settings-for-the-new-server"),
        name,
        if settings.domain.is_empty() {
            String::new()
        } else {
            format!(" ({})", settings.domain)
        }
    ));
    if settings.source == SettingsSource::ExchangeOnlineDefaults {
        out.push_str(&tr!(lang, "settings-no-profile-defaults"));
        out.push('\n');
    }
    for server in &settings.servers {
        out.push('\n');
        out.push_str(&title(server.protocol, lang));
        out.push('\n');
        out.push_str(&server_table(server, lang));
    }
    if !settings.caveats.is_empty() {
        out.push('\n');
        out.push_str(&tr!(lang, "settings-notes"));
        out.push('\n');
        for caveat in &settings.caveats {
            out.push_str(&format!("- {}\n", caveat.text(lang)));
        }
    }
    out
}
