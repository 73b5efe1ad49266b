//! # Autoconfig and autodiscover rules: is a document served, and does it name the new server?

use super::dns::norm;
use crate::doctor::facts::{Expect, HttpBody, HttpFact, HttpKind, HttpOutcome};
use crate::doctor::finding::{Area, Diagnosis, Kind, Severity, Tried, finding};

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

fn old_server(fact: &HttpFact, hosts: &[String], what: &str) -> Diagnosis {
    let kind = if area(fact.kind) == Area::Autoconfig {
        Kind::AutoconfigOldServer
    } else {
        Kind::AutodiscoverOldServer
    };
    finding(kind, Severity::Error, area(fact.kind), fact.url.clone())
        .with("what", what)
        .with("hosts", hosts.join(", "))
}
fn invalid(fact: &HttpFact, detail: &str) -> Diagnosis {
    let kind = if area(fact.kind) == Area::Autoconfig {
        Kind::AutoconfigInvalid
    } else {
        Kind::AutodiscoverInvalid
    };
    finding(kind, Severity::Error, area(fact.kind), fact.url.clone()).with("detail", detail)
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

pub fn findings(facts: &[HttpFact], expect: &Expect) -> Vec<Diagnosis> {
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
                    out.push(
                        finding(
                            Kind::AutoconfigPlaintext,
                            Severity::Warning,
                            Area::Autoconfig,
                            fact.url.clone(),
                        )
                        .with("servers", plain.join(", ")),
                    );
                } else if no_oauth {
                    out.push(finding(
                        Kind::AutoconfigNoOauth2,
                        Severity::Warning,
                        Area::Autoconfig,
                        fact.url.clone(),
                    ));
                } else {
                    let list: Vec<String> = doc
                        .incoming
                        .iter()
                        .chain(&doc.outgoing)
                        .map(|s| format!("{} {}:{}", s.kind, s.hostname, s.port))
                        .collect();
                    out.push(
                        finding(
                            Kind::AutoconfigOk,
                            Severity::Ok,
                            Area::Autoconfig,
                            fact.url.clone(),
                        )
                        .with("servers", list.join(", ")),
                    );
                }
            }
            (HttpOutcome::Invalid(detail), _) => {
                if area(fact.kind) == Area::Autoconfig {
                    autoconfig_present = true;
                }
                out.push(invalid(fact, detail));
            }
            (_, HttpKind::AutoconfigHost | HttpKind::AutoconfigWellKnown) => {
                autoconfig_absent.push(Tried {
                    url: fact.url.clone(),
                    reason: reason(&fact.outcome),
                });
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
                    out.push(
                        finding(
                            Kind::AutodiscoverError,
                            Severity::Warning,
                            Area::Autodiscover,
                            fact.url.clone(),
                        )
                        .with("error", error),
                    );
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
                    out.push(
                        finding(
                            Kind::AutodiscoverOk,
                            Severity::Ok,
                            Area::Autodiscover,
                            fact.url.clone(),
                        )
                        .with("what", "autodiscover")
                        .with("servers", list.join(", ")),
                    );
                }
            }
            (HttpOutcome::Document(HttpBody::JsonUrl(url)), _) => {
                let old = on_old(std::iter::once(url_host(url).as_str()), expect);
                if !old.is_empty() {
                    out.push(old_server(fact, &old, "autodiscover (JSON)"));
                } else {
                    out.push(
                        finding(
                            Kind::AutodiscoverOk,
                            Severity::Ok,
                            Area::Autodiscover,
                            fact.url.clone(),
                        )
                        .with("what", "autodiscover (JSON)")
                        .with("servers", url),
                    );
                }
            }
            (HttpOutcome::AuthRequired(code), _) => out.push(
                finding(
                    Kind::AutodiscoverAuthRequired,
                    Severity::Ok,
                    Area::Autodiscover,
                    fact.url.clone(),
                )
                .with("code", *code),
            ),
            (outcome, kind) if expect.new_exchange_online || kind == HttpKind::AutodiscoverSrv => {
                let why = reason(outcome);
                out.push(
                    finding(
                        Kind::AutodiscoverUnreachable,
                        Severity::Warning,
                        Area::Autodiscover,
                        fact.url.clone(),
                    )
                    .with("reason", why),
                );
            }
            _ => {}
        }
    }
    if !autoconfig_present && !autoconfig_absent.is_empty() {
        let severity = if expect.new_exchange_online {
            Severity::Ok
        } else {
            Severity::Warning
        };
        out.push(
            finding(
                Kind::AutoconfigMissing,
                severity,
                Area::Autoconfig,
                expect.domain.clone(),
            )
            .with("list", autoconfig_absent)
            .with(
                "exchange_online",
                if expect.new_exchange_online {
                    "yes"
                } else {
                    "no"
                },
            ),
        );
    }
    out
}
