//! # Mail-client rules: a Thunderbird profile during the parallel period

use super::dns::norm;
use super::http::url_host;
use crate::doctor::facts::{ClientFacts, Expect, TbAccount};
use crate::doctor::finding::{Area, Diagnosis, Kind, Severity, finding};

/// Thunderbird's `authMethod` for OAuth2.
pub const TB_AUTH_OAUTH2: i64 = 10;

fn label(account: &TbAccount) -> String {
    if account.name.is_empty() {
        format!("{} ({})", account.key, account.hostname)
    } else {
        format!("{} ({})", account.name, account.hostname)
    }
}

pub fn findings(client: &ClientFacts, expect: &Expect) -> Vec<Diagnosis> {
    let accounts = match client {
        ClientFacts::NotFound => {
            return vec![finding(
                Kind::ClientNotFound,
                Severity::Ok,
                Area::Client,
                "Thunderbird",
            )];
        }
        ClientFacts::Unreadable(detail) => {
            return vec![
                finding(
                    Kind::ClientUnreadable,
                    Severity::Warning,
                    Area::Client,
                    "Thunderbird",
                )
                .with("detail", detail),
            ];
        }
        ClientFacts::Thunderbird { accounts, .. } => accounts,
    };
    let old: Vec<String> = expect.old_hosts.iter().map(|h| norm(h)).collect();
    let new: Vec<String> = expect.new_hosts.iter().map(|h| norm(h)).collect();
    let is_old = |host: &str| old.contains(&norm(host));
    let is_new = |host: &str| new.contains(&norm(host));
    let mut out = Vec::new();
    let mail_accounts: Vec<&TbAccount> = accounts
        .iter()
        .filter(|a| a.kind == "imap" || a.kind == "pop3")
        .collect();
    for account in &mail_accounts {
        let who = label(account);
        let on_new = is_new(&account.hostname);
        for identity in &account.identities {
            if let Some(smtp) = &identity.smtp
                && is_old(&smtp.hostname)
            {
                out.push(
                    finding(
                        Kind::TbSendsViaOld,
                        if on_new {
                            Severity::Error
                        } else {
                            Severity::Warning
                        },
                        Area::Client,
                        who.clone(),
                    )
                    .with("account", &who)
                    .with("email", &identity.email)
                    .with("server", &smtp.hostname),
                );
            }
            if let Some(fcc) = identity.fcc_folder.as_deref().filter(|_| identity.fcc)
                && is_old(&url_host(fcc))
            {
                out.push(
                    finding(
                        Kind::TbSentOnOld,
                        Severity::Warning,
                        Area::Client,
                        who.clone(),
                    )
                    .with("account", &who)
                    .with("folder", fcc),
                );
            }
        }
        if account.kind == "pop3" && account.leave_on_server && is_old(&account.hostname) {
            out.push(
                finding(
                    Kind::TbPopLeaveOnServer,
                    Severity::Warning,
                    Area::Client,
                    who.clone(),
                )
                .with("account", &who),
            );
        }
        if on_new
            && expect.new_exchange_online
            && account.auth_method.is_some_and(|m| m != TB_AUTH_OAUTH2)
        {
            out.push(
                finding(
                    Kind::TbNewNoOauth2,
                    Severity::Warning,
                    Area::Client,
                    who.clone(),
                )
                .with("account", &who),
            );
        }
    }
    let olds: Vec<&&TbAccount> = mail_accounts
        .iter()
        .filter(|a| is_old(&a.hostname))
        .collect();
    let news: Vec<&&TbAccount> = mail_accounts
        .iter()
        .filter(|a| is_new(&a.hostname))
        .collect();
    for o in &olds {
        for n in &news {
            let same_name = !o.name.is_empty() && o.name.trim().eq_ignore_ascii_case(n.name.trim());
            if same_name {
                out.push(
                    finding(
                        Kind::TbSameName,
                        Severity::Warning,
                        Area::Client,
                        o.name.clone(),
                    )
                    .with("name", &o.name),
                );
            }
        }
    }
    if news.is_empty() && !new.is_empty() && !mail_accounts.is_empty() {
        out.push(finding(
            Kind::TbNoNewAccount,
            Severity::Warning,
            Area::Client,
            "Thunderbird",
        ));
    }
    if out.is_empty() {
        out.push(
            finding(Kind::TbOk, Severity::Ok, Area::Client, "Thunderbird")
                .with("count", mail_accounts.len()),
        );
    }
    out
}
