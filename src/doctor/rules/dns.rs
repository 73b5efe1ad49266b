//! # DNS rules: MX, autodiscover, SRV (RFC 6186), SPF, DMARC, DKIM

use super::spf;
use crate::doctor::facts::{DKIM_SELECTORS, DnsFacts, Expect, Lookup, Mx, SRV_NAMES};
use crate::doctor::finding::{Area, Diagnosis, Kind, Severity, finding};

/// Exchange Online's autodiscover host, the target of the `autodiscover` CNAME.
pub const EXO_AUTODISCOVER: &str = "autodiscover.outlook.com";
/// The include every Exchange Online tenant's SPF needs.
pub const EXO_SPF_INCLUDE: &str = "spf.protection.outlook.com";

pub fn norm(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// `*.mail.protection.outlook.com` or the newer `*.mx.microsoft`.
pub fn is_exchange_online_mx(host: &str) -> bool {
    let h = norm(host);
    h.ends_with(".mail.protection.outlook.com") || h.ends_with(".mx.microsoft")
}

fn list_mx(mx: &[Mx]) -> String {
    mx.iter()
        .map(|m| format!("{} {}", m.preference, norm(&m.exchange)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lookup_failed<T>(name: &str, what: &str, lookup: &Lookup<T>) -> Option<Diagnosis> {
    let reason = match lookup {
        Lookup::Timeout => "timeout".to_string(),
        Lookup::Failed(e) => e.clone(),
        _ => return None,
    };
    Some(
        finding(
            Kind::DnsLookupFailed,
            Severity::Warning,
            Area::Dns,
            format!("{name} {what}"),
        )
        .with("name", name)
        .with("what", what)
        .with("reason", reason),
    )
}

pub fn findings(dns: &DnsFacts, expect: &Expect) -> Vec<Diagnosis> {
    let domain = norm(&expect.domain);
    let mut out = Vec::new();
    if dns.mx.is_failure() {
        let reason = match &dns.mx {
            Lookup::Failed(e) => e.clone(),
            _ => "timeout".to_string(),
        };
        out.push(
            finding(
                Kind::DnsNoAnswer,
                Severity::Error,
                Area::Dns,
                dns.server.clone(),
            )
            .with("server", &dns.server)
            .with("reason", reason),
        );
        return out;
    }
    if !dns.domain_exists {
        out.push(
            finding(
                Kind::DnsNoDomain,
                Severity::Error,
                Area::Dns,
                domain.clone(),
            )
            .with("server", &dns.server)
            .with("domain", &domain),
        );
        return out;
    }
    mx_findings(dns, expect, &domain, &mut out);
    autodiscover_findings(dns, expect, &domain, &mut out);
    srv_findings(dns, expect, &domain, &mut out);
    spf_findings(dns, expect, &domain, &mut out);
    dmarc_findings(dns, &domain, &mut out);
    if expect.new_exchange_online {
        dkim_findings(dns, &domain, &mut out);
    }
    out
}

fn mx_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Diagnosis>) {
    let subject = format!("{domain} MX");
    let mx = match &dns.mx {
        Lookup::Found(mx) if !mx.is_empty() => mx,
        Lookup::Found(_) | Lookup::None => {
            out.push(
                finding(Kind::MxMissing, Severity::Error, Area::Dns, subject)
                    .with("domain", domain),
            );
            return;
        }
        other => {
            out.extend(lookup_failed(domain, "MX", other));
            return;
        }
    };
    let listed = list_mx(mx);
    let exo = mx.iter().any(|m| is_exchange_online_mx(&m.exchange));
    let other = mx.iter().any(|m| !is_exchange_online_mx(&m.exchange));
    let (kind, severity) = if exo && other {
        (Kind::MxMixed, Severity::Error)
    } else if exo {
        (Kind::MxExchangeOnline, Severity::Ok)
    } else if expect.new_exchange_online && expect.cutover_passed == Some(true) {
        (Kind::MxNotSwitched, Severity::Error)
    } else {
        (Kind::MxFound, Severity::Ok)
    };
    out.push(finding(kind, severity, Area::Dns, subject).with("listed", listed));
}

fn autodiscover_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Diagnosis>) {
    let name = format!("autodiscover.{domain}");
    let cname =
        |kind, severity| finding(kind, severity, Area::Dns, name.clone()).with("name", &name);
    match &dns.autodiscover_cname {
        Lookup::Found(target) if norm(target) == EXO_AUTODISCOVER => out
            .push(cname(Kind::AutodiscoverCnameOk, Severity::Ok).with("target", EXO_AUTODISCOVER)),
        Lookup::Found(target) if expect.new_exchange_online => out.push(
            cname(Kind::AutodiscoverCnameWrong, Severity::Error)
                .with("target", norm(target))
                .with("expected", EXO_AUTODISCOVER),
        ),
        Lookup::Found(target) => {
            out.push(cname(Kind::AutodiscoverCname, Severity::Ok).with("target", norm(target)))
        }
        Lookup::None if expect.new_exchange_online => {
            out.push(cname(Kind::AutodiscoverCnameMissing, Severity::Error))
        }
        Lookup::None => {}
        other => out.extend(lookup_failed(&name, "CNAME", other)),
    }
}

fn srv_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Diagnosis>) {
    let old: Vec<String> = expect.old_hosts.iter().map(|h| norm(h)).collect();
    let mut new: Vec<String> = expect.new_hosts.iter().map(|h| norm(h)).collect();
    new.push(EXO_AUTODISCOVER.to_string());
    for service in SRV_NAMES {
        let name = format!("{service}.{domain}");
        let Some(lookup) = dns.srv.get(service) else {
            continue;
        };
        let records = match lookup {
            Lookup::Found(records) => records,
            Lookup::None => continue,
            other => {
                out.extend(lookup_failed(&name, "SRV", other));
                continue;
            }
        };
        let listed = records
            .iter()
            .map(|r| format!("{} {}:{}", r.priority, norm(&r.target), r.port))
            .collect::<Vec<_>>()
            .join(", ");
        let on_old: Vec<String> = records
            .iter()
            .map(|r| norm(&r.target))
            .filter(|t| old.contains(t))
            .collect();
        let unknown = records
            .iter()
            .map(|r| norm(&r.target))
            .any(|t| !t.is_empty() && !new.contains(&t) && !old.contains(&t));
        let f = if !on_old.is_empty() {
            finding(Kind::SrvOldHost, Severity::Error, Area::Dns, name.clone())
                .with("hosts", on_old.join(", "))
        } else if unknown && !expect.new_hosts.is_empty() {
            finding(
                Kind::SrvUnknownHost,
                Severity::Warning,
                Area::Dns,
                name.clone(),
            )
        } else {
            finding(Kind::SrvOk, Severity::Ok, Area::Dns, name.clone())
        };
        out.push(f.with("name", &name).with("listed", listed));
    }
}

fn spf_findings(dns: &DnsFacts, expect: &Expect, domain: &str, out: &mut Vec<Diagnosis>) {
    let subject = format!("{domain} TXT (SPF)");
    let txt = match &dns.txt {
        Lookup::Found(txt) => txt.clone(),
        Lookup::None => Vec::new(),
        other => {
            out.extend(lookup_failed(domain, "TXT", other));
            return;
        }
    };
    let records: Vec<&String> = txt.iter().filter(|t| spf::is_spf(t)).collect();
    match records.as_slice() {
        [] => out.push(
            finding(Kind::SpfMissing, Severity::Warning, Area::Dns, subject).with("domain", domain),
        ),
        [record] => {
            let mut problems = false;
            let count = spf::count_lookups(record, &dns.spf_includes);
            let exo_mx = dns
                .mx
                .found()
                .is_some_and(|mx| mx.iter().any(|m| is_exchange_online_mx(&m.exchange)));
            if (expect.new_exchange_online || exo_mx) && !count.reached.contains(EXO_SPF_INCLUDE) {
                problems = true;
                out.push(
                    finding(
                        Kind::SpfNoExchangeOnline,
                        Severity::Error,
                        Area::Dns,
                        subject.clone(),
                    )
                    .with("include", EXO_SPF_INCLUDE)
                    .with("record", *record),
                );
            }
            if count.lookups > 10 {
                problems = true;
                out.push(
                    finding(
                        Kind::SpfTooManyLookups,
                        Severity::Error,
                        Area::Dns,
                        subject.clone(),
                    )
                    .with("count", count.lookups),
                );
            }
            if !count.missing.is_empty() {
                problems = true;
                out.push(
                    finding(
                        Kind::SpfIncludeMissing,
                        Severity::Warning,
                        Area::Dns,
                        subject.clone(),
                    )
                    .with("domains", count.missing.join(", ")),
                );
            }
            if !problems {
                out.push(
                    finding(Kind::SpfOk, Severity::Ok, Area::Dns, subject)
                        .with("count", count.lookups)
                        .with("record", *record),
                );
            }
        }
        many => out.push(
            finding(Kind::SpfMultiple, Severity::Error, Area::Dns, subject)
                .with("count", many.len()),
        ),
    }
}

fn dmarc_findings(dns: &DnsFacts, domain: &str, out: &mut Vec<Diagnosis>) {
    let name = format!("_dmarc.{domain}");
    let txt = match &dns.dmarc {
        Lookup::Found(txt) => txt.clone(),
        Lookup::None => Vec::new(),
        other => {
            out.extend(lookup_failed(&name, "TXT", other));
            return;
        }
    };
    let records: Vec<&String> = txt
        .iter()
        .filter(|t| t.trim().to_ascii_lowercase().starts_with("v=dmarc1"))
        .collect();
    let f = match records.as_slice() {
        [] => finding(
            Kind::DmarcMissing,
            Severity::Warning,
            Area::Dns,
            name.clone(),
        )
        .with("name", &name),
        [record] => {
            finding(Kind::DmarcOk, Severity::Ok, Area::Dns, name.clone()).with("record", *record)
        }
        many => finding(
            Kind::DmarcMultiple,
            Severity::Error,
            Area::Dns,
            name.clone(),
        )
        .with("count", many.len()),
    };
    out.push(f);
}

fn dkim_findings(dns: &DnsFacts, domain: &str, out: &mut Vec<Diagnosis>) {
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    for selector in DKIM_SELECTORS {
        let name = format!("{selector}._domainkey.{domain}");
        match dns.dkim.get(selector) {
            Some(Lookup::Found(target)) if norm(target).contains("._domainkey.") => {
                ok.push(format!("{name} → {}", norm(target)));
            }
            Some(Lookup::Found(_) | Lookup::None) | None => missing.push(name),
            Some(other) => out.extend(lookup_failed(&name, "CNAME", other)),
        }
    }
    let subject = format!("_domainkey.{domain}");
    if !missing.is_empty() {
        out.push(
            finding(Kind::DkimMissing, Severity::Warning, Area::Dns, subject)
                .with("names", missing.join(", ")),
        );
    } else if !ok.is_empty() {
        out.push(
            finding(Kind::DkimOk, Severity::Ok, Area::Dns, subject).with("records", ok.join(", ")),
        );
    }
}
