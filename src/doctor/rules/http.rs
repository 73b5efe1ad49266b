//! # Autoconfig and autodiscover rules: is a document served, and does it name the new server?

use super::dns::norm;
use crate::doctor::facts::{Expect, HttpBody, HttpFact, HttpKind, HttpOutcome};
use crate::doctor::finding::{Area, Finding, Severity, finding};

/// The host part of a URL (`https://host:port/path` -> `host`).
pub fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    norm(host)
}

fn on_old<'a>(hosts: impl Iterator<Item = &'a str>, expect: &Expect) -> Vec<String> {
    let old: Vec<String> = expect.old_hosts.iter().map(|h| norm(h)).collect();
    let mut found: Vec<String> = hosts.map(norm).filter(|h| old.contains(h)).collect();
    found.sort();
    found.dedup();
    found
}

fn area(kind: HttpKind) -> Area {
    match kind {
        HttpKind::AutoconfigHost | HttpKind::AutoconfigWellKnown => Area::Autoconfig,
        _ => Area::Autodiscover,
    }
}

fn old_server(fact: &HttpFact, hosts: &[String], what: &str) -> Finding {
    let list = hosts.join(", ");
    finding(
        if area(fact.kind) == Area::Autoconfig {
            "autoconfig-old-server"
        } else {
            "autodiscover-old-server"
        },
        Severity::Error,
        area(fact.kind),
        fact.url.clone(),
        (
            format!("{what} が旧サーバ {list} を案内しています"),
            "この情報で新しいアカウントを自動設定すると、旧サーバに接続してしまいます。",
            "配布している設定ファイルを新サーバの値に更新してください（`ikou settings --format autoconfig` で作れます）。",
        ),
        (
            format!("{what} still points at the old server {list}"),
            "Accounts set up from it connect to the old server.",
            "Update the served document to the new server (`ikou settings --format autoconfig` writes one).",
        ),
    )
}

fn invalid(fact: &HttpFact, detail: &str) -> Finding {
    finding(
        if area(fact.kind) == Area::Autoconfig {
            "autoconfig-invalid"
        } else {
            "autodiscover-invalid"
        },
        Severity::Error,
        area(fact.kind),
        fact.url.clone(),
        (
            format!("応答を読めません（{detail}）"),
            "メールソフトはこの応答を無視し、自動設定に失敗します。",
            "サーバが返している内容を確かめ、正しい形式に直してください。",
        ),
        (
            format!("the answer cannot be read ({detail})"),
            "Mail programs ignore it and automatic set-up fails.",
            "Check what the server returns and fix the format.",
        ),
    )
}

fn reason(outcome: &HttpOutcome) -> String {
    match outcome {
        HttpOutcome::Status(code) | HttpOutcome::AuthRequired(code) => format!("HTTP {code}"),
        HttpOutcome::Unreachable(e) => e.clone(),
        HttpOutcome::Timeout => "timeout".into(),
        HttpOutcome::Invalid(e) => e.clone(),
        HttpOutcome::Document(_) => "ok".into(),
    }
}

pub fn findings(facts: &[HttpFact], expect: &Expect) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut autoconfig_absent = Vec::new();
    let mut autoconfig_present = false;
    for fact in facts {
        match (&fact.outcome, fact.kind) {
            (HttpOutcome::Document(HttpBody::Autoconfig(doc)), _) => {
                autoconfig_present = true;
                let hosts = doc
                    .incoming
                    .iter()
                    .chain(&doc.outgoing)
                    .map(|s| s.hostname.as_str());
                let old = on_old(hosts, expect);
                let plain: Vec<String> = doc
                    .incoming
                    .iter()
                    .chain(&doc.outgoing)
                    .filter(|s| s.socket_type == "plain")
                    .map(|s| format!("{}:{}", s.hostname, s.port))
                    .collect();
                let no_oauth = expect.new_exchange_online
                    && doc
                        .incoming
                        .iter()
                        .chain(&doc.outgoing)
                        .any(|s| !s.authentication.iter().any(|a| a == "OAuth2"));
                if !old.is_empty() {
                    out.push(old_server(fact, &old, "autoconfig"));
                } else if !plain.is_empty() {
                    out.push(finding(
                        "autoconfig-plaintext",
                        Severity::Warning,
                        Area::Autoconfig,
                        fact.url.clone(),
                        (
                            format!(
                                "autoconfig が暗号化なしの接続を案内しています: {}",
                                plain.join(", ")
                            ),
                            "パスワードが暗号化されずに送られます。",
                            "socketType を SSL か STARTTLS にしてください。",
                        ),
                        (
                            format!(
                                "autoconfig offers unencrypted connections: {}",
                                plain.join(", ")
                            ),
                            "Passwords would travel unencrypted.",
                            "Set socketType to SSL or STARTTLS.",
                        ),
                    ));
                } else if no_oauth {
                    out.push(finding(
                        "autoconfig-no-oauth2",
                        Severity::Warning,
                        Area::Autoconfig,
                        fact.url.clone(),
                        (
                            "autoconfig に OAuth2 の認証方式がありません".to_string(),
                            "Exchange Online は基本認証を受け付けないため、パスワードでのログインに失敗します。",
                            "<authentication>OAuth2</authentication> を加えてください。",
                        ),
                        (
                            "autoconfig does not offer OAuth2".to_string(),
                            "Exchange Online refuses basic authentication, so password sign-in fails.",
                            "Add <authentication>OAuth2</authentication>.",
                        ),
                    ));
                } else {
                    let list: Vec<String> = doc
                        .incoming
                        .iter()
                        .chain(&doc.outgoing)
                        .map(|s| format!("{} {}:{}", s.kind, s.hostname, s.port))
                        .collect();
                    out.push(finding(
                        "autoconfig-ok",
                        Severity::Ok,
                        Area::Autoconfig,
                        fact.url.clone(),
                        (format!("autoconfig: {}", list.join(", ")), "", ""),
                        (format!("autoconfig: {}", list.join(", ")), "", ""),
                    ));
                }
            }
            (HttpOutcome::Invalid(detail), _) => {
                if area(fact.kind) == Area::Autoconfig {
                    autoconfig_present = true;
                }
                out.push(invalid(fact, detail));
            }
            (_, HttpKind::AutoconfigHost | HttpKind::AutoconfigWellKnown) => {
                autoconfig_absent.push(format!("{} ({})", fact.url, reason(&fact.outcome)));
            }
            (HttpOutcome::Document(HttpBody::Pox(doc)), _) => {
                let hosts = doc
                    .protocols
                    .iter()
                    .map(|p| p.server.as_str())
                    .chain(doc.redirect.iter().map(String::as_str));
                let mut old = on_old(hosts, expect);
                if let Some(redirect) = &doc.redirect {
                    old.extend(on_old(std::iter::once(url_host(redirect).as_str()), expect));
                    old.sort();
                    old.dedup();
                }
                if !old.is_empty() {
                    out.push(old_server(fact, &old, "autodiscover"));
                } else if let Some(error) = &doc.error {
                    out.push(finding(
                        "autodiscover-error",
                        Severity::Warning,
                        Area::Autodiscover,
                        fact.url.clone(),
                        (
                            format!("autodiscover がエラーを返しました: {error}"),
                            "Outlook はこの応答から設定を得られません。",
                            "autodiscover サーバの設定を確かめてください。",
                        ),
                        (
                            format!("autodiscover answered with an error: {error}"),
                            "Outlook gets no settings from it.",
                            "Check the autodiscover server's configuration.",
                        ),
                    ));
                } else {
                    let list: Vec<String> = doc
                        .protocols
                        .iter()
                        .map(|p| match p.port {
                            Some(port) => format!("{} {}:{port}", p.kind, p.server),
                            None => format!("{} {}", p.kind, p.server),
                        })
                        .chain(doc.redirect.iter().map(|r| format!("redirect {r}")))
                        .collect();
                    out.push(finding(
                        "autodiscover-ok",
                        Severity::Ok,
                        Area::Autodiscover,
                        fact.url.clone(),
                        (format!("autodiscover: {}", list.join(", ")), "", ""),
                        (format!("autodiscover: {}", list.join(", ")), "", ""),
                    ));
                }
            }
            (HttpOutcome::Document(HttpBody::JsonUrl(url)), _) => {
                let old = on_old(std::iter::once(url_host(url).as_str()), expect);
                if !old.is_empty() {
                    out.push(old_server(fact, &old, "autodiscover (JSON)"));
                } else {
                    out.push(finding(
                        "autodiscover-ok",
                        Severity::Ok,
                        Area::Autodiscover,
                        fact.url.clone(),
                        (format!("autodiscover (JSON): {url}"), "", ""),
                        (format!("autodiscover (JSON): {url}"), "", ""),
                    ));
                }
            }
            (HttpOutcome::AuthRequired(code), _) => out.push(finding(
                "autodiscover-auth-required",
                Severity::Ok,
                Area::Autodiscover,
                fact.url.clone(),
                (
                    format!("autodiscover は応答しています（HTTP {code}: サインインが必要）"),
                    "",
                    "",
                ),
                (
                    format!("autodiscover answers (HTTP {code}: sign-in required)"),
                    "",
                    "",
                ),
            )),
            (outcome, kind) if expect.new_exchange_online || kind == HttpKind::AutodiscoverSrv => {
                let why = reason(outcome);
                out.push(finding(
                    "autodiscover-unreachable",
                    Severity::Warning,
                    Area::Autodiscover,
                    fact.url.clone(),
                    (
                        format!("autodiscover に届きません（{why}）"),
                        "Outlook やスマートフォンは自動設定に失敗し、手で設定する必要があります。",
                        "autodiscover の CNAME（Exchange Online なら autodiscover.outlook.com）とファイアウォールを確かめてください。",
                    ),
                    (
                        format!("autodiscover cannot be reached ({why})"),
                        "Outlook and phones fail to set themselves up; users must type the settings.",
                        "Check the autodiscover CNAME (autodiscover.outlook.com for Exchange Online) and firewalls.",
                    ),
                ));
            }
            _ => {}
        }
    }
    if !autoconfig_present && !autoconfig_absent.is_empty() {
        let (severity, ja_meaning, en_meaning) = if expect.new_exchange_online {
            (
                Severity::Ok,
                "Thunderbird は Exchange Online を自前のデータベースと autodiscover で見つけます。",
                "Thunderbird finds Exchange Online through its own database and autodiscover.",
            )
        } else {
            (
                Severity::Warning,
                "Thunderbird はサーバを推測するしかなく、旧サーバや間違った設定になることがあります。",
                "Thunderbird has to guess the servers and may pick the old or a wrong one.",
            )
        };
        let list = autoconfig_absent.join("; ");
        out.push(finding(
            "autoconfig-missing",
            severity,
            Area::Autoconfig,
            expect.domain.clone(),
            (format!("Thunderbird 用の autoconfig は公開されていません: {list}"), ja_meaning, if severity == Severity::Ok { "" } else { "`ikou settings --format autoconfig` の出力を https://autoconfig.<ドメイン>/mail/config-v1.1.xml に置いてください。" }),
            (format!("no Thunderbird autoconfig is published: {list}"), en_meaning, if severity == Severity::Ok { "" } else { "Serve the output of `ikou settings --format autoconfig` at https://autoconfig.<domain>/mail/config-v1.1.xml." }),
        ));
    }
    out
}
