//! # Autoconfig and autodiscover rules: is a document served, and does it name the new server?

use super::dns::norm;
use crate::doctor::facts::{Expect, HttpBody, HttpFact, HttpKind, HttpOutcome, PoxDoc};
use crate::doctor::finding::{Area, Diagnosis, Kind, Severity, Tried, finding};
use crate::settings::{AutoconfigDoc, AutoconfigServer};

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

/// A finding about the URL of `fact`, in the area its kind belongs to.
fn about(fact: &HttpFact, kind: Kind, severity: Severity) -> Diagnosis {
    finding(kind, severity, area(fact.kind), fact.url.clone())
}

fn old_server(fact: &HttpFact, hosts: &[String], what: &str) -> Diagnosis {
    let kind = if area(fact.kind) == Area::Autoconfig {
        Kind::AutoconfigOldServer
    } else {
        Kind::AutodiscoverOldServer
    };
    about(fact, kind, Severity::Error)
        .with("what", what)
        .with("hosts", hosts.join(", "))
}
fn invalid(fact: &HttpFact, detail: &str) -> Diagnosis {
    let kind = if area(fact.kind) == Area::Autoconfig {
        Kind::AutoconfigInvalid
    } else {
        Kind::AutodiscoverInvalid
    };
    about(fact, kind, Severity::Error).with("detail", detail)
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

/// An autoconfig document: the old server named, unencrypted connections, no OAuth2 for
/// Exchange Online, or OK with the servers it names.
fn autoconfig(fact: &HttpFact, doc: &AutoconfigDoc, expect: &Expect) -> Diagnosis {
    let servers: Vec<&AutoconfigServer> = doc.incoming.iter().chain(&doc.outgoing).collect();
    let old = on_old(servers.iter().map(|s| s.hostname.as_str()), expect);
    let plain: Vec<String> = servers
        .iter()
        .filter(|s| s.socket_type == "plain")
        .map(|s| format!("{}:{}", s.hostname, s.port))
        .collect();
    let no_oauth = expect.new_exchange_online
        && servers
            .iter()
            .any(|s| !s.authentication.iter().any(|a| a == "OAuth2"));
    if !old.is_empty() {
        old_server(fact, &old, "autoconfig")
    } else if !plain.is_empty() {
        about(fact, Kind::AutoconfigPlaintext, Severity::Warning).with("servers", plain.join(", "))
    } else if no_oauth {
        about(fact, Kind::AutoconfigNoOauth2, Severity::Warning)
    } else {
        let list: Vec<String> = servers
            .iter()
            .map(|s| format!("{} {}:{}", s.kind, s.hostname, s.port))
            .collect();
        about(fact, Kind::AutoconfigOk, Severity::Ok).with("servers", list.join(", "))
    }
}

/// An Autodiscover POX answer: the old server named (also through a redirect), an error,
/// or OK with the protocols it names.
fn pox(fact: &HttpFact, doc: &PoxDoc, expect: &Expect) -> Diagnosis {
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
        return old_server(fact, &old, "autodiscover");
    }
    if let Some(error) = &doc.error {
        return about(fact, Kind::AutodiscoverError, Severity::Warning).with("error", error);
    }
    let list: Vec<String> = doc
        .protocols
        .iter()
        .map(|p| match p.port {
            Some(port) => format!("{} {}:{port}", p.kind, p.server),
            None => format!("{} {}", p.kind, p.server),
        })
        .chain(doc.redirect.iter().map(|r| format!("redirect {r}")))
        .collect();
    autodiscover(fact, &old, "autodiscover", list.join(", "))
}

/// The old server when the Autodiscover answer names it, else OK with what it names.
fn autodiscover(fact: &HttpFact, old: &[String], what: &str, servers: String) -> Diagnosis {
    if old.is_empty() {
        about(fact, Kind::AutodiscoverOk, Severity::Ok)
            .with("what", what)
            .with("servers", servers)
    } else {
        old_server(fact, old, what)
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
                out.push(autoconfig(fact, doc, expect));
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
            (HttpOutcome::Document(HttpBody::Pox(doc)), _) => out.push(pox(fact, doc, expect)),
            (HttpOutcome::Document(HttpBody::JsonUrl(url)), _) => {
                let old = on_old(std::iter::once(url_host(url).as_str()), expect);
                out.push(autodiscover(fact, &old, "autodiscover (JSON)", url.clone()));
            }
            (HttpOutcome::AuthRequired(code), _) => out.push(
                about(fact, Kind::AutodiscoverAuthRequired, Severity::Ok).with("code", *code),
            ),
            (outcome, kind) if expect.new_exchange_online || kind == HttpKind::AutodiscoverSrv => {
                out.push(
                    about(fact, Kind::AutodiscoverUnreachable, Severity::Warning)
                        .with("reason", reason(outcome)),
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
