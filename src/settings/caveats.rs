//! # Caveats from the IT centre's briefing, chosen by protocol and client

use super::{Auth, Caveat, Client, ClientSettings, Protocol};
use crate::i18n::Lang;

/// A caveat in both languages; `text` reads its message from the catalog.
fn caveat(id: &str, text: impl Fn(Lang) -> String) -> Caveat {
    Caveat {
        id: id.to_string(),
        ja: text(Lang::Ja),
        en: text(Lang::En),
    }
}

/// The caveats that apply to these settings, in the order a user meets them.
pub(super) fn for_settings(settings: &ClientSettings) -> Vec<Caveat> {
    let has = |p: Protocol| settings.servers.iter().any(|s| s.protocol == p);
    let receiving = has(Protocol::Imap) || has(Protocol::Pop);
    let mut out = Vec::new();
    if settings
        .servers
        .iter()
        .any(|s| s.auth == Auth::Oauth2 && s.protocol != Protocol::Exchange)
    {
        out.push(caveat("oauth2", |lang| tr!(lang, "settings-caveat-oauth2")));
    }
    if has(Protocol::Exchange) {
        out.push(caveat("exchange-autoconfig", |lang| {
            tr!(lang, "settings-caveat-exchange-autoconfig")
        }));
    }
    if has(Protocol::Pop) {
        out.push(caveat("pop-leave-on-server", |lang| {
            tr!(lang, "settings-caveat-pop-leave-on-server")
        }));
    }
    out.push(caveat("sent-on-old-server", |lang| {
        tr!(lang, "settings-caveat-sent-on-old-server")
    }));
    if receiving {
        out.push(caveat("two-accounts", |lang| {
            tr!(lang, "settings-caveat-two-accounts")
        }));
    }
    if let Some(client) = settings.client {
        out.push(client_caveat(client, settings));
    }
    out
}

fn client_caveat(client: Client, settings: &ClientSettings) -> Caveat {
    match client {
        Client::Thunderbird => caveat("client-thunderbird", |lang| {
            tr!(lang, "settings-caveat-client-thunderbird")
        }),
        Client::Outlook if settings.exchange_online => caveat("client-outlook", |lang| {
            tr!(lang, "settings-caveat-client-outlook-exchange-online")
        }),
        Client::Outlook => caveat("client-outlook", |lang| {
            tr!(lang, "settings-caveat-client-outlook")
        }),
        Client::Apple => caveat("client-apple", |lang| {
            tr!(lang, "settings-caveat-client-apple")
        }),
        Client::Ios => caveat("client-ios", |lang| tr!(lang, "settings-caveat-client-ios")),
        Client::Android => caveat("client-android", |lang| {
            tr!(lang, "settings-caveat-client-android")
        }),
    }
}
