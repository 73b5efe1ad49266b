//! # Finding the organisation's profile from a mail address
//!
//! In order: the profile built into this binary by the IT centre, then
//! `https://autoconfig.<domain>/ikou/profile.toml`, then
//! `https://<domain>/.well-known/ikou/profile.toml`, then a copy fetched earlier, then the
//! profile files on this computer. Only HTTPS with certificate verification is used, and a
//! fetched profile is checked like `ikou profile check` plus the network rules
//! (`profile::discovery::remote_problems`) before it is used or cached.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::doctor::probe::dns::{Dns, ReqwestDns};
use crate::profile::discovery::{self, ProfileOrigin};
pub use crate::profile::discovery::{Attempt, FindReport, Found, Outcome};
use crate::profile::{Problem, Profile};

/// The largest profile accepted over the network.
const MAX_BYTES: usize = 256 * 1024;

/// How to look.
#[derive(Debug, Clone)]
pub struct FindOptions {
    /// A DNS server to ask instead of the system's (a staging zone; the tests' dnsmasq).
    pub dns_server: Option<SocketAddr>,
    /// 443, or another port for a staging or test server.
    pub https_port: u16,
    /// Extra CAs to trust for the HTTPS requests (a campus CA the system does not know).
    pub ca_files: Vec<PathBuf>,
    /// Bound on each request.
    pub timeout: Duration,
    /// Where fetched profiles are kept (`None`: not kept).
    pub cache_dir: Option<PathBuf>,
    /// Folders with profile files, searched last.
    pub local_dirs: Vec<PathBuf>,
    /// The built-in profile (file name, text): this binary's own, from build time.
    pub embedded: Option<(String, String)>,
}

impl FindOptions {
    /// The defaults, with `IKOU_DNS_SERVER`, `IKOU_HTTPS_PORT` and `IKOU_CA_FILE` for a
    /// staging server (the same knobs `ikou profile find` has as options).
    pub fn from_env() -> FindOptions {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        FindOptions {
            dns_server: var("IKOU_DNS_SERVER").and_then(|v| v.trim().parse().ok()),
            https_port: var("IKOU_HTTPS_PORT")
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(443),
            ca_files: var("IKOU_CA_FILE")
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default(),
            timeout: Duration::from_secs(8),
            cache_dir: discovery::cache_dir(),
            local_dirs: discovery::local_dirs(),
            embedded: crate::profile::embedded::EMBEDDED
                .map(|(file, text)| (file.to_string(), text.to_string())),
        }
    }
}

/// The HTTPS client: verification on, HTTPS only (redirects too), the given DNS server.
fn client(options: &FindOptions) -> Result<reqwest::Client, String> {
    let dns = Dns::new(options.dns_server, options.timeout)?;
    let mut builder = reqwest::Client::builder()
        .https_only(true)
        .dns_resolver(Arc::new(ReqwestDns(dns)))
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::limited(3))
        .user_agent(concat!("ikou/", env!("CARGO_PKG_VERSION")));
    for path in &options.ca_files {
        let pem = std::fs::read(path).map_err(|e| format!("CA file {}: {e}", path.display()))?;
        let cert = reqwest::Certificate::from_pem(&pem)
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| e.to_string())
}

/// The error and its causes on one line (reqwest hides the useful part in the sources).
fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    // The innermost causes say what happened (DNS, refused, certificate); the outer ones
    // only repeat the URL.
    let keep = parts.len().saturating_sub(2);
    parts.split_off(keep).join(": ")
}

/// Fetches one URL: the body of a 200 answer, or what went wrong.
async fn fetch(client: &reqwest::Client, url: &str) -> Result<String, Outcome> {
    let unreachable = |e: &dyn std::error::Error| {
        let detail = chain(e);
        if detail.contains("does not exist") || detail.contains("has no address") {
            Outcome::NoSuchHost { detail }
        } else {
            Outcome::Unreachable { detail }
        }
    };
    let response = client.get(url).send().await.map_err(|e| unreachable(&e))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Outcome::NotFound { status });
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BYTES as u64)
    {
        return Err(refused(|lang| tr!(lang, "package-fetch-too-large")));
    }
    let bytes = response.bytes().await.map_err(|e| unreachable(&e))?;
    if bytes.len() > MAX_BYTES {
        return Err(refused(|lang| tr!(lang, "package-fetch-too-large")));
    }
    String::from_utf8(bytes.to_vec())
        .map_err(|_| refused(|lang| tr!(lang, "package-fetch-not-text")))
}

fn refused(problem: impl Fn(crate::i18n::Lang) -> String) -> Outcome {
    Outcome::Refused {
        problems: vec![Problem::new("file", problem, |lang| {
            tr!(lang, "package-fetch-fix")
        })],
    }
}

/// Finds the profile for `address`. Fails only for an address without a usable domain;
/// everything else that went wrong is in the attempts.
pub async fn find(address: &str, options: &FindOptions) -> Result<FindReport, String> {
    let domain = discovery::domain_of(address)?;
    let mut report = FindReport {
        address: address.trim().to_string(),
        domain: domain.clone(),
        found: None,
        attempts: Vec::new(),
        local: Vec::new(),
    };
    if let Some((file, text)) = &options.embedded {
        let (file, parsed) = (file.clone(), discovery::parse_embedded(file, text));
        let place = format!("built-in {file}");
        match parsed {
            Ok(profile) if discovery::serves_domain(&profile, &domain) => {
                report.attempts.push(Attempt {
                    place,
                    outcome: Outcome::Used,
                });
                report.found = Some(Found {
                    origin: ProfileOrigin::Embedded { file },
                    cached: None,
                    profile,
                });
                return Ok(report);
            }
            Ok(profile) => report.attempts.push(Attempt {
                place,
                outcome: Outcome::OtherDomain {
                    domain: profile.organisation.domain.clone(),
                },
            }),
            Err(e) => report.attempts.push(Attempt {
                place,
                outcome: Outcome::Refused {
                    problems: e.problems().to_vec(),
                },
            }),
        }
    }
    match client(options) {
        Ok(client) => {
            for (kind, url) in discovery::profile_urls(&domain, options.https_port) {
                match fetch(&client, &url).await {
                    Ok(text) => match discovery::parse_remote(&text, &url) {
                        Ok(profile) => {
                            report.attempts.push(Attempt {
                                place: url.clone(),
                                outcome: Outcome::Used,
                            });
                            let cached = save_cache(options, &domain, &url, &text);
                            report.found = Some(Found {
                                origin: kind.origin(&url),
                                cached,
                                profile,
                            });
                            break;
                        }
                        Err(e) => report.attempts.push(Attempt {
                            place: url,
                            outcome: Outcome::Refused {
                                problems: e.problems().to_vec(),
                            },
                        }),
                    },
                    Err(outcome) => report.attempts.push(Attempt {
                        place: url,
                        outcome,
                    }),
                }
            }
        }
        Err(detail) => report.attempts.push(Attempt {
            place: "https".into(),
            outcome: Outcome::Unreachable { detail },
        }),
    }
    if report.found.is_none() && report.network_unreachable() {
        report.found = from_cache(options, &domain, &mut report.attempts);
    }
    let local = local_files(&options.local_dirs);
    if report.found.is_none() {
        for path in &local {
            if let Ok(profile) = Profile::load(path)
                && !profile.organisation.domain.is_empty()
                && discovery::serves_domain(&profile, &domain)
            {
                report.attempts.push(Attempt {
                    place: path.display().to_string(),
                    outcome: Outcome::Used,
                });
                report.found = Some(Found {
                    origin: ProfileOrigin::File { path: path.clone() },
                    cached: None,
                    profile,
                });
                break;
            }
        }
    }
    report.local = local;
    Ok(report)
}

/// Every `*.toml` in the folders, sorted within each folder.
pub fn local_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        for path in found {
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !out
                .iter()
                .any(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()) == key)
            {
                out.push(path);
            }
        }
    }
    out
}

fn cache_file(options: &FindOptions, domain: &str) -> Option<PathBuf> {
    Some(options.cache_dir.as_ref()?.join(format!("{domain}.toml")))
}

/// Keeps the fetched text for the day the network is down. Failure only loses the copy.
fn save_cache(options: &FindOptions, domain: &str, url: &str, text: &str) -> Option<PathBuf> {
    let path = cache_file(options, domain)?;
    let fetched = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let partial = path.with_extension("toml.partial");
        std::fs::write(&partial, discovery::cache_text(url, &fetched, text))?;
        std::fs::rename(&partial, &path)
    };
    match write() {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!("cannot keep the profile in {}: {e}", path.display());
            None
        }
    }
}

/// The copy fetched earlier, checked again by the network rules.
fn from_cache(options: &FindOptions, domain: &str, attempts: &mut Vec<Attempt>) -> Option<Found> {
    let path = cache_file(options, domain)?;
    let text = std::fs::read_to_string(&path).ok()?;
    let place = path.display().to_string();
    let Some((url, fetched)) = discovery::cache_header(&text) else {
        attempts.push(Attempt {
            place,
            outcome: refused(|lang| tr!(lang, "package-fetch-not-ours")),
        });
        return None;
    };
    match discovery::parse_remote(&text, &url) {
        Ok(profile) => {
            attempts.push(Attempt {
                place,
                outcome: Outcome::Used,
            });
            Some(Found {
                origin: ProfileOrigin::Cache { path, url, fetched },
                cached: None,
                profile,
            })
        }
        Err(e) => {
            attempts.push(Attempt {
                place,
                outcome: Outcome::Refused {
                    problems: e.problems().to_vec(),
                },
            });
            None
        }
    }
}
