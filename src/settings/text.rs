//! # Settings as text: one table per server, in the briefing's wording

use super::{Auth, ClientSettings, Protocol, ServerSetting, SettingsSource};
use crate::i18n::Lang;
use crate::model::Security;
use crate::report::{Align, Table};

pub(super) fn security_label(security: Security, lang: Lang) -> &'static str {
    match security {
        Security::Tls => "SSL/TLS",
        Security::Starttls => "STARTTLS",
        Security::Plain => lang.pick("なし（暗号化しない）", "None (unencrypted)"),
    }
}

pub(super) fn auth_label(auth: Auth, lang: Lang) -> &'static str {
    match auth {
        Auth::Oauth2 => lang.pick("OAuth2（先進認証）", "OAuth2 (modern authentication)"),
        Auth::Password => lang.pick("通常のパスワード", "Normal password"),
    }
}

fn username_cell(server: &ServerSetting, lang: Lang) -> String {
    if let Some(name) = &server.username {
        return name.clone();
    }
    match server.username_template.as_str() {
        "{address}" => lang
            .pick("メールアドレス（UPN）", "your mail address (UPN)")
            .into(),
        "{local}" => lang
            .pick("アドレスの @ より前", "the part of your address before @")
            .into(),
        other => other.to_string(),
    }
}

fn title(protocol: Protocol, lang: Lang) -> &'static str {
    match protocol {
        Protocol::Imap => lang.pick("IMAP（受信）", "IMAP (incoming)"),
        Protocol::Pop => lang.pick("POP（受信）", "POP (incoming)"),
        Protocol::Smtp => lang.pick("SMTP（送信）", "SMTP (outgoing)"),
        Protocol::Exchange => lang.pick("Exchange", "Exchange"),
    }
}

fn server_table(server: &ServerSetting, lang: Lang) -> String {
    let mut table = Table::new(&[
        (lang.pick("項目", "Item"), Align::Left),
        (lang.pick("内容", "Value"), Align::Left),
    ]);
    let user = username_cell(server, lang);
    let auth = auth_label(server.auth, lang).to_string();
    match server.protocol {
        Protocol::Exchange => {
            table.row(vec![
                lang.pick("メールアドレス", "Email address").into(),
                user,
            ]);
            table.row(vec![
                lang.pick(
                    "接続先サーバのホスト名（必要な場合のみ）",
                    "Server (only if asked)",
                )
                .into(),
                server.host.clone(),
            ]);
            table.row(vec![lang.pick("認証方式", "Authentication").into(), auth]);
        }
        protocol => {
            let outgoing = protocol == Protocol::Smtp;
            let (host, port, secure) = if outgoing {
                (
                    lang.pick("送信サーバのホスト名", "Outgoing server"),
                    lang.pick("送信サーバのポート番号", "Port"),
                    lang.pick("送信接続の保護（暗号化）", "Encryption"),
                )
            } else {
                (
                    lang.pick("受信サーバのホスト名", "Incoming server"),
                    lang.pick("受信サーバのポート番号", "Port"),
                    lang.pick("受信接続の保護（暗号化）", "Encryption"),
                )
            };
            table.row(vec![host.into(), server.host.clone()]);
            table.row(vec![
                port.into(),
                server.port.map(|p| p.to_string()).unwrap_or_default(),
            ]);
            table.row(vec![
                secure.into(),
                security_label(server.security, lang).into(),
            ]);
            table.row(vec![
                lang.pick("認証するための ID", "User name").into(),
                user,
            ]);
            table.row(vec![lang.pick("認証方式", "Authentication").into(), auth]);
        }
    }
    table.render()
}

/// The settings as people read them: a heading, one table per server, then the caveats.
pub fn render_text(settings: &ClientSettings, lang: Lang) -> String {
    let mut out = String::new();
    let name = if settings.organisation.is_empty() {
        lang.pick("新サーバ", "New server").to_string()
    } else {
        settings.organisation.clone()
    };
    out.push_str(&format!(
        "{} — {}{}\n",
        lang.pick("新サーバの設定", "Settings for the new server"),
        name,
        if settings.domain.is_empty() {
            String::new()
        } else {
            format!(" ({})", settings.domain)
        }
    ));
    if settings.source == SettingsSource::ExchangeOnlineDefaults {
        out.push_str(lang.pick(
            "（プロファイルなし: Exchange Online の標準値）\n",
            "(no profile: Exchange Online defaults)\n",
        ));
    }
    for server in &settings.servers {
        out.push('\n');
        out.push_str(title(server.protocol, lang));
        out.push('\n');
        out.push_str(&server_table(server, lang));
    }
    if !settings.caveats.is_empty() {
        out.push('\n');
        out.push_str(lang.pick("注意事項:\n", "Notes:\n"));
        for caveat in &settings.caveats {
            out.push_str(&format!("- {}\n", caveat.text(lang)));
        }
    }
    out
}
