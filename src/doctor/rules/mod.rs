//! # Rules: facts in, findings out (pure)
//!
//! Every finding the doctor can report is made here from a [`Facts`] value, so each rule is
//! tested with hand-made facts and the probes only have to report what they saw.

mod client;
mod dns;
mod http;
pub mod spf;
mod tls;

#[cfg(test)]
mod tests;

pub use dns::{EXO_AUTODISCOVER, EXO_SPF_INCLUDE, is_exchange_online_mx, norm};

use super::facts::Facts;
use super::finding::Diagnosis;

/// All findings, grouped by area in the order DNS, autoconfig, autodiscover, TLS, login,
/// mail client.
pub fn findings(facts: &Facts) -> Vec<Diagnosis> {
    let mut out = Vec::new();
    if let Some(dns) = &facts.dns {
        out.extend(dns::findings(dns, &facts.expect));
    }
    out.extend(http::findings(&facts.http, &facts.expect));
    out.extend(tls::findings(&facts.tls));
    out.extend(tls::login_findings(&facts.login));
    if let Some(client) = &facts.client {
        out.extend(client::findings(client, &facts.expect));
    }
    out.sort_by_key(|f| f.area);
    out
}
