//! # Caveats from the IT centre's briefing, chosen by protocol and client

use super::{Auth, Caveat, Client, ClientProtocol, ClientSettings};

/// A caveat whose words are the catalog message `message`.
fn caveat(id: &str, message: &'static str) -> Caveat {
    Caveat {
        id: id.to_string(),
        message: message.to_string(),
    }
}

/// The caveats that apply to these settings, in the order a user meets them.
pub(super) fn for_settings(settings: &ClientSettings) -> Vec<Caveat> {
    let has = |p: ClientProtocol| settings.servers.iter().any(|s| s.protocol == p);
    let receiving = has(ClientProtocol::Imap) || has(ClientProtocol::Pop);
    let mut out = Vec::new();
    if settings
        .servers
        .iter()
        .any(|s| s.auth == Auth::Oauth2 && s.protocol != ClientProtocol::Exchange)
    {
        out.push(caveat("oauth2", "settings-caveat-oauth2"));
    }
    if has(ClientProtocol::Exchange) {
        out.push(caveat(
            "exchange-autoconfig",
            "settings-caveat-exchange-autoconfig",
        ));
    }
    if has(ClientProtocol::Pop) {
        out.push(caveat(
            "pop-leave-on-server",
            "settings-caveat-pop-leave-on-server",
        ));
    }
    out.push(caveat(
        "sent-on-old-server",
        "settings-caveat-sent-on-old-server",
    ));
    if receiving {
        out.push(caveat("two-accounts", "settings-caveat-two-accounts"));
    }
    if let Some(client) = settings.client {
        out.push(client_caveat(client, settings));
    }
    out
}

fn client_caveat(client: Client, settings: &ClientSettings) -> Caveat {
    match client {
        Client::Thunderbird => caveat("client-thunderbird", "settings-caveat-client-thunderbird"),
        Client::Outlook if settings.exchange_online => caveat(
            "client-outlook",
            "settings-caveat-client-outlook-exchange-online",
        ),
        Client::Outlook => caveat("client-outlook", "settings-caveat-client-outlook"),
        Client::Apple => caveat("client-apple", "settings-caveat-client-apple"),
        Client::Ios => caveat("client-ios", "settings-caveat-client-ios"),
        Client::Android => caveat("client-android", "settings-caveat-client-android"),
    }
}
