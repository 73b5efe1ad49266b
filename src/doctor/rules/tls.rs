//! # TLS and login rules: certificate trust, host name, expiry; sign-in results

use crate::doctor::facts::{LoginFact, LoginOutcome, Role, TlsFact, TlsOutcome, Verify};
use crate::doctor::finding::{Area, Diagnosis, Kind, Severity, finding};

/// Certificates expiring sooner than this many days are reported.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// The `role` variable of the catalog messages (`old` / `new`).
fn role(role: Role) -> &'static str {
    match role {
        Role::Old => "old",
        Role::New => "new",
    }
}

pub fn findings(facts: &[TlsFact]) -> Vec<Diagnosis> {
    facts.iter().map(one).collect()
}

fn one(fact: &TlsFact) -> Diagnosis {
    let subject = format!("{}:{} ({})", fact.host, fact.port, fact.service.label());
    let server = |kind, severity| {
        finding(kind, severity, Area::Tls, subject.clone())
            .with("role", role(fact.role))
            .with("server", &subject)
    };
    match &fact.outcome {
        TlsOutcome::Timeout | TlsOutcome::Unreachable(_) => {
            let reason = match &fact.outcome {
                TlsOutcome::Unreachable(e) => e.clone(),
                _ => "timeout".into(),
            };
            server(Kind::TlsUnreachable, Severity::Error).with("reason", reason)
        }
        TlsOutcome::NoStarttls => server(Kind::TlsNoStarttls, Severity::Error),
        TlsOutcome::Handshake { verify, cert } => {
            let until = cert
                .as_ref()
                .map(|c| c.not_after.clone())
                .unwrap_or_default();
            let days = cert.as_ref().map(|c| c.days_left);
            match verify {
                Verify::Expired => server(Kind::TlsExpired, Severity::Error).with("until", until),
                Verify::NotYetValid => server(Kind::TlsNotYetValid, Severity::Error),
                Verify::WrongHost => {
                    let names = cert
                        .as_ref()
                        .map(|c| c.dns_names.join(", "))
                        .unwrap_or_default();
                    server(Kind::TlsWrongHost, Severity::Error)
                        .with("host", &fact.host)
                        .with("names", names)
                }
                Verify::Untrusted(detail) | Verify::Other(detail) => {
                    server(Kind::TlsUntrusted, Severity::Error).with("detail", detail)
                }
                Verify::Trusted if days.is_some_and(|d| d < EXPIRY_WARNING_DAYS) => {
                    server(Kind::TlsExpiring, Severity::Warning)
                        .with("days", days.unwrap_or(0))
                        .with("until", until)
                }
                Verify::Trusted => server(Kind::TlsOk, Severity::Ok).with("until", until),
            }
        }
    }
}

pub fn login_findings(facts: &[LoginFact]) -> Vec<Diagnosis> {
    facts
        .iter()
        .map(|fact| {
            let subject = format!("{} {} ({})", fact.service.label(), fact.server, fact.user);
            let login = |kind, severity| {
                finding(kind, severity, Area::Login, subject.clone()).with("role", role(fact.role))
            };
            match &fact.outcome {
                LoginOutcome::Ok => login(Kind::LoginOk, Severity::Ok)
                    .with("service", fact.service.label())
                    .with("user", &fact.user),
                LoginOutcome::Rejected(detail) => {
                    login(Kind::LoginRejected, Severity::Error).with("detail", detail)
                }
                LoginOutcome::Failed(detail) => {
                    login(Kind::LoginFailed, Severity::Error).with("detail", detail)
                }
            }
        })
        .collect()
}
