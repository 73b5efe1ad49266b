//! # DNS probe: MX, CNAME, SRV, TXT through hickory-resolver, each bounded in time
//!
//! The same resolver answers the host names the HTTP and TLS probes connect to, so
//! `--dns-server` makes a whole run use one DNS server (a test zone, or the campus DNS).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::proto::ProtoErrorKind;
use hickory_resolver::proto::rr::{RData, RecordType};
use hickory_resolver::{ResolveError, ResolveErrorKind, TokioResolver};

use crate::doctor::facts::{DKIM_SELECTORS, DnsFacts, Lookup, Mx, SRV_NAMES, Srv};
use crate::doctor::rules::spf;

/// A resolver bound to one DNS server (or the system's), with a per-query time limit.
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
    label: String,
    timeout: Duration,
}

fn is_timeout(e: &ResolveError) -> bool {
    match e.kind() {
        ResolveErrorKind::Proto(p) => matches!(p.kind(), ProtoErrorKind::Timeout),
        _ => e.to_string().contains("timed out"),
    }
}

fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

fn name_text(name: &hickory_resolver::Name) -> String {
    name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
}

impl Dns {
    /// `server`: a DNS server to ask (UDP and TCP); None uses /etc/resolv.conf.
    pub fn new(server: Option<SocketAddr>, timeout: Duration) -> Result<Dns, String> {
        let mut opts = ResolverOpts::default();
        opts.timeout = timeout;
        opts.attempts = 1;
        opts.cache_size = 64;
        let (builder, label) = match server {
            Some(addr) => {
                let group = NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true);
                (
                    TokioResolver::builder_with_config(
                        ResolverConfig::from_parts(None, vec![], group),
                        TokioConnectionProvider::default(),
                    ),
                    addr.to_string(),
                )
            }
            None => (
                TokioResolver::builder_tokio()
                    .map_err(|e| format!("cannot read the system DNS settings: {e}"))?,
                "system".to_string(),
            ),
        };
        let resolver = builder.with_options(opts).build();
        Ok(Dns {
            resolver: Arc::new(resolver),
            label,
            timeout,
        })
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    async fn records(&self, name: &str, kind: RecordType) -> Lookup<Vec<RData>> {
        self.records_nx(name, kind).await.0
    }

    /// The records, and whether the answer was NXDOMAIN (the name does not exist at all).
    async fn records_nx(&self, name: &str, kind: RecordType) -> (Lookup<Vec<RData>>, bool) {
        let query = self.resolver.lookup(fqdn(name), kind);
        match tokio::time::timeout(self.timeout + Duration::from_millis(500), query).await {
            Err(_) => (Lookup::Timeout, false),
            Ok(Ok(lookup)) => {
                let data: Vec<RData> = lookup
                    .record_iter()
                    .filter(|r| r.record_type() == kind)
                    .map(|r| r.data().clone())
                    .collect();
                if data.is_empty() {
                    (Lookup::None, false)
                } else {
                    (Lookup::Found(data), false)
                }
            }
            Ok(Err(e)) if e.is_nx_domain() => (Lookup::None, true),
            Ok(Err(e)) if e.is_no_records_found() => (Lookup::None, false),
            Ok(Err(e)) if is_timeout(&e) => (Lookup::Timeout, false),
            Ok(Err(e)) => (Lookup::Failed(e.to_string()), false),
        }
    }

    fn map<T>(lookup: Lookup<Vec<RData>>, f: impl Fn(&RData) -> Option<T>) -> Lookup<Vec<T>> {
        match lookup {
            Lookup::Found(data) => {
                let items: Vec<T> = data.iter().filter_map(f).collect();
                if items.is_empty() {
                    Lookup::None
                } else {
                    Lookup::Found(items)
                }
            }
            Lookup::None => Lookup::None,
            Lookup::Timeout => Lookup::Timeout,
            Lookup::Failed(e) => Lookup::Failed(e),
        }
    }

    /// MX records, and whether the name does not exist at all.
    pub async fn mx(&self, name: &str) -> (Lookup<Vec<Mx>>, bool) {
        let (records, nx) = self.records_nx(name, RecordType::MX).await;
        let mut out = Self::map(records, |d| match d {
            RData::MX(mx) => Some(Mx {
                preference: mx.preference(),
                exchange: name_text(mx.exchange()),
            }),
            _ => None,
        });
        if let Lookup::Found(mx) = &mut out {
            mx.sort_by(|a, b| (a.preference, &a.exchange).cmp(&(b.preference, &b.exchange)));
        }
        (out, nx)
    }

    pub async fn cname(&self, name: &str) -> Lookup<String> {
        match Self::map(self.records(name, RecordType::CNAME).await, |d| match d {
            RData::CNAME(c) => Some(name_text(&c.0)),
            _ => None,
        }) {
            Lookup::Found(mut v) => Lookup::Found(v.remove(0)),
            Lookup::None => Lookup::None,
            Lookup::Timeout => Lookup::Timeout,
            Lookup::Failed(e) => Lookup::Failed(e),
        }
    }

    pub async fn srv(&self, name: &str) -> Lookup<Vec<Srv>> {
        let mut out = Self::map(self.records(name, RecordType::SRV).await, |d| match d {
            RData::SRV(s) => Some(Srv {
                priority: s.priority(),
                weight: s.weight(),
                port: s.port(),
                target: name_text(s.target()),
            }),
            _ => None,
        });
        if let Lookup::Found(v) = &mut out {
            v.sort_by(|a, b| {
                (a.priority, std::cmp::Reverse(a.weight))
                    .cmp(&(b.priority, std::cmp::Reverse(b.weight)))
            });
        }
        out
    }

    pub async fn txt(&self, name: &str) -> Lookup<Vec<String>> {
        let mut out = Self::map(self.records(name, RecordType::TXT).await, |d| match d {
            // A TXT record may be split in 255-byte strings; SPF joins them without spaces.
            RData::TXT(t) => Some(
                t.txt_data()
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>(),
            ),
            _ => None,
        });
        if let Lookup::Found(v) = &mut out {
            v.sort();
        }
        out
    }

    /// IP addresses of a host (A and AAAA), for the HTTP and TLS probes.
    pub async fn addresses(&self, host: &str) -> Result<Vec<std::net::IpAddr>, String> {
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            return Ok(vec![ip]);
        }
        let query = self.resolver.lookup_ip(fqdn(host));
        match tokio::time::timeout(self.timeout + Duration::from_millis(500), query).await {
            Err(_) => Err(format!("DNS: no answer for {host}")),
            Ok(Ok(ips)) => {
                let ips: Vec<_> = ips.iter().collect();
                if ips.is_empty() {
                    Err(format!("DNS: {host} has no address"))
                } else {
                    Ok(ips)
                }
            }
            Ok(Err(e)) if e.is_no_records_found() || e.is_nx_domain() => {
                Err(format!("DNS: {host} does not exist"))
            }
            Ok(Err(e)) if is_timeout(&e) => Err(format!("DNS: no answer for {host}")),
            Ok(Err(e)) => Err(format!("DNS: {host}: {e}")),
        }
    }
}

/// Gathers every DNS fact for `domain`, queries running concurrently.
pub async fn probe(dns: &Dns, domain: &str) -> DnsFacts {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let srv_names: Vec<String> = SRV_NAMES.iter().map(|s| format!("{s}.{domain}")).collect();
    let dkim_names: Vec<String> = DKIM_SELECTORS
        .iter()
        .map(|s| format!("{s}._domainkey.{domain}"))
        .collect();
    let autodiscover_name = format!("autodiscover.{domain}");
    let dmarc_name = format!("_dmarc.{domain}");
    let ((mx, nx), autodiscover, txt, dmarc, srv, dkim) = tokio::join!(
        dns.mx(&domain),
        dns.cname(&autodiscover_name),
        dns.txt(&domain),
        dns.txt(&dmarc_name),
        futures::future::join_all(srv_names.iter().map(|n| dns.srv(n))),
        futures::future::join_all(dkim_names.iter().map(|n| dns.cname(n))),
    );
    // Follow SPF includes breadth first; RFC 7208 stops at 10 look-ups, so 20 domains is plenty.
    let mut spf_includes: BTreeMap<String, Lookup<Vec<String>>> = BTreeMap::new();
    let mut pending: Vec<String> = txt
        .found()
        .into_iter()
        .flatten()
        .filter(|t| spf::is_spf(t))
        .flat_map(|t| spf::referenced_domains(t))
        .collect();
    while !pending.is_empty() && spf_includes.len() < 20 {
        pending.retain(|d| !spf_includes.contains_key(d));
        pending.sort();
        pending.dedup();
        let batch: Vec<String> = std::mem::take(&mut pending);
        let answers = futures::future::join_all(batch.iter().map(|d| dns.txt(d))).await;
        for (domain, answer) in batch.into_iter().zip(answers) {
            if let Lookup::Found(txts) = &answer {
                pending.extend(
                    txts.iter()
                        .filter(|t| spf::is_spf(t))
                        .flat_map(|t| spf::referenced_domains(t)),
                );
            }
            spf_includes.insert(domain, answer);
        }
    }
    DnsFacts {
        server: dns.label().to_string(),
        domain_exists: !nx,
        mx,
        autodiscover_cname: autodiscover,
        srv: SRV_NAMES.iter().map(|s| s.to_string()).zip(srv).collect(),
        txt,
        spf_includes,
        dmarc,
        dkim: DKIM_SELECTORS
            .iter()
            .map(|s| s.to_string())
            .zip(dkim)
            .collect(),
    }
}

/// Lets reqwest resolve through the same DNS server.
pub struct ReqwestDns(pub Dns);

impl reqwest::dns::Resolve for ReqwestDns {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let dns = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let ips = dns
                .addresses(&host)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}
