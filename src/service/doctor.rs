//! # `doctor` use case: run every probe concurrently within one time bound
//!
//! [`run`] is what the CLI and the TUI call: it takes [`DoctorOptions`], builds what to
//! expect from the profile (or Exchange Online defaults), runs the DNS, HTTP, TLS, client and
//! optional login probes at the same time, each bounded, and returns a
//! [`DoctorReport`]. The whole run ends within
//! `DoctorOptions::timeout` plus a small margin even when nothing answers.
//!
//! For a screen (the TUI runs this as a `Cmd` and feeds the report back as a `Msg`):
//!
//! ```text
//! let mut options = DoctorOptions::new(chrono::Local::now().date_naive());
//! options.profile = Some(profile);          // or None: Exchange Online defaults
//! options.address = Some(address);
//! options.client = ClientCheck::Skip;       // or Auto / Path(prefs)
//! let report = service::doctor::run(&options).await?;
//! // report.findings: Vec<Diagnosis> sorted by area; f.severity, f.subject,
//! // f.text(lang).{summary, meaning, fix}; report.counts; report.exit_code()
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::{AccountRef, ServiceError};
use crate::doctor::DoctorReport;
use crate::doctor::facts::{
    Expect, Facts, HttpFact, HttpKind, LoginFact, LoginOutcome, Lookup, Role, Service,
};
use crate::doctor::probe::{self, dns::Dns, http::HttpOptions, tls::TlsTarget};
use crate::net::Security;
use crate::profile::{Profile, Side};
use crate::settings::{exchange_online, smtp_host};

/// Whether and where to look at a mail client's settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ClientCheck {
    /// Look for a Thunderbird profile in the usual places.
    #[default]
    Auto,
    /// This prefs.js, profile folder or folder with profiles.ini.
    Path(PathBuf),
    Skip,
}

/// Everything a doctor run needs.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    pub profile: Option<Profile>,
    /// The user's address; its domain is checked unless `domain` is given.
    pub address: Option<String>,
    pub domain: Option<String>,
    /// Ask this DNS server instead of the system's (also for HTTP and TLS host names).
    pub dns_server: Option<SocketAddr>,
    /// Extra CA certificates to trust for HTTPS and TLS checks.
    pub ca_files: Vec<PathBuf>,
    /// Port for the autoconfig/autodiscover URLs (443 unless testing a staging server).
    pub https_port: u16,
    /// Bound for the whole run.
    pub timeout: Duration,
    pub client: ClientCheck,
    /// Also sign in to each IMAP/POP3 server with the profile's credentials.
    pub login: bool,
    /// A password prompt is allowed for the login test.
    pub interactive: bool,
    /// The language prompts and sign-in errors are in.
    pub lang: crate::i18n::Lang,
    /// Today, for the cut-over date.
    pub today: NaiveDate,
}

impl DoctorOptions {
    pub fn new(today: NaiveDate) -> DoctorOptions {
        DoctorOptions {
            profile: None,
            address: None,
            domain: None,
            dns_server: None,
            ca_files: Vec::new(),
            https_port: 443,
            timeout: Duration::from_secs(10),
            client: ClientCheck::Auto,
            login: false,
            interactive: false,
            lang: crate::i18n::Lang::from_env(),
            today,
        }
    }
}

fn lower(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// What the run checks against.
pub fn expectations(options: &DoctorOptions) -> Result<Expect, ServiceError> {
    let address = options.address.clone().or_else(|| {
        options
            .profile
            .as_ref()
            .and_then(|p| p.account.address.clone())
    });
    let domain = options
        .domain
        .clone()
        .or_else(|| {
            address
                .as_deref()
                .and_then(|a| a.split_once('@'))
                .map(|(_, d)| d.to_string())
        })
        .or_else(|| {
            options
                .profile
                .as_ref()
                .map(|p| p.organisation.domain.clone())
                .filter(|d| !d.is_empty())
        })
        .ok_or(ServiceError::NoAddress)?;
    let mut expect = Expect {
        domain: lower(&domain),
        address,
        ..Expect::default()
    };
    match &options.profile {
        None => {
            expect.new_exchange_online = true;
            expect.new_hosts = vec![
                exchange_online::IMAP_HOST.into(),
                exchange_online::SMTP_HOST.into(),
            ];
        }
        Some(p) => {
            expect.new_exchange_online = exchange_online::is_exchange_online_host(&p.new.host);
            expect.new_hosts = vec![lower(&p.new.host), lower(&smtp_host(&p.new))];
            expect.old_hosts = vec![lower(&p.old.host), lower(&smtp_host(&p.old))];
            expect.cutover_passed = crate::profile::to_date(&p.dates.cutover)
                .map(|_| p.dates.phase(options.today).cutover_passed());
        }
    }
    expect.new_hosts.dedup();
    expect.old_hosts.dedup();
    Ok(expect)
}

/// Every TLS endpoint of the profile (plaintext ones have nothing to check).
pub fn tls_targets(options: &DoctorOptions) -> Vec<TlsTarget> {
    let Some(profile) = &options.profile else {
        // No profile: Exchange Online's published endpoints, which also shows whether the
        // network lets IMAP, POP and SMTP submission out.
        use exchange_online::*;
        return [
            (Service::Imap, IMAP_HOST, IMAP_PORT, Security::Tls),
            (Service::Pop3, POP_HOST, POP_PORT, Security::Tls),
            (Service::Smtp, SMTP_HOST, SMTP_PORT, Security::Starttls),
        ]
        .into_iter()
        .map(|(service, host, port, security)| TlsTarget {
            role: Role::New,
            service,
            host: host.to_string(),
            port,
            security,
            ca_files: options.ca_files.clone(),
        })
        .collect();
    };
    let mut out = Vec::new();
    for (role, side) in [(Role::Old, Side::Old), (Role::New, Side::New)] {
        let server = profile.server(side);
        let mut ca_files = options.ca_files.clone();
        if let Some(ca) = &profile.tls_policy(side).ca_file {
            ca_files.push(ca.clone());
        }
        let entries = [
            (Service::Imap, server.host.clone(), server.imap),
            (Service::Pop3, server.host.clone(), server.pop3),
            (Service::Smtp, smtp_host(server), server.smtp),
        ];
        for (service, host, port) in entries {
            if let Some(p) = port.filter(|p| p.security != Security::Plain) {
                out.push(TlsTarget {
                    role,
                    service,
                    host,
                    port: p.port,
                    security: p.security,
                    ca_files: ca_files.clone(),
                });
            }
        }
    }
    out
}

async fn login_tests(options: &DoctorOptions, dns: &Dns, limit: Duration) -> Vec<LoginFact> {
    let Some(profile) = &options.profile else {
        return Vec::new();
    };
    let Ok(account) = AccountRef::resolve(profile, options.address.as_deref(), options.interactive)
    else {
        return Vec::new();
    };
    let account = account.with_lang(options.lang);
    type Attempt<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = LoginFact> + Send + 'a>>;
    let mut attempts: Vec<Attempt> = Vec::new();
    for (role, side) in [(Role::Old, Side::Old), (Role::New, Side::New)] {
        let server = profile.server(side);
        let user = server.username_for(&account.address);
        if let Some(ep) = server.imap_endpoint() {
            let (account, user) = (account.clone(), user.clone());
            attempts.push(Box::pin(async move {
                // Sign-out is inside the limit too: a server that hangs after login must not
                // hold the run.
                let attempt = tokio::time::timeout(limit, async {
                    let session = super::open_read_session(profile, side, &account).await?;
                    session.logout().await;
                    Ok::<(), ServiceError>(())
                })
                .await;
                LoginFact {
                    role,
                    service: Service::Imap,
                    server: format!("{}:{}", ep.host, ep.port),
                    user,
                    outcome: login_outcome(attempt),
                }
            }));
        }
        if let Some(ep) = server.pop3_endpoint() {
            let account = account.clone();
            attempts.push(Box::pin(async move {
                let attempt = tokio::time::timeout(limit, async {
                    let session = super::open_pop3_session(profile, side, &account).await?;
                    let _ = session.quit().await;
                    Ok::<(), ServiceError>(())
                })
                .await;
                LoginFact {
                    role,
                    service: Service::Pop3,
                    server: format!("{}:{}", ep.host, ep.port),
                    user,
                    outcome: login_outcome(attempt),
                }
            }));
        }
    }
    for (role, side) in [(Role::Old, Side::Old), (Role::New, Side::New)] {
        let server = profile.server(side);
        let Some(smtp) = server.smtp else { continue };
        let host = smtp_host(server);
        let user = server.username_for(&account.address);
        let mut ca_files = options.ca_files.clone();
        ca_files.extend(profile.tls_policy(side).ca_file);
        let account = account.clone();
        attempts.push(Box::pin(async move {
            let attempt = tokio::time::timeout(limit, async {
                let (credentials, _) = super::access::credentials(profile, side, &account).await?;
                Ok::<_, ServiceError>(
                    probe::smtp::login(
                        dns,
                        &host,
                        smtp.port,
                        smtp.security,
                        &ca_files,
                        &credentials,
                    )
                    .await,
                )
            })
            .await;
            LoginFact {
                role,
                service: Service::Smtp,
                server: format!("{host}:{}", smtp.port),
                user,
                outcome: match attempt {
                    Err(_) => LoginOutcome::Failed("timeout".into()),
                    Ok(Ok(outcome)) => outcome,
                    Ok(Err(e)) => classify_login(&e),
                },
            }
        }));
    }
    if options.interactive {
        // Password prompts must not interleave: one server after the other.
        let mut out = Vec::new();
        for attempt in attempts {
            out.push(attempt.await);
        }
        out
    } else {
        futures::future::join_all(attempts).await
    }
}

fn login_outcome(
    attempt: Result<Result<(), ServiceError>, tokio::time::error::Elapsed>,
) -> LoginOutcome {
    match attempt {
        Err(_) => LoginOutcome::Failed("timeout".into()),
        Ok(Ok(())) => LoginOutcome::Ok,
        Ok(Err(e)) => classify_login(&e),
    }
}

fn classify_login(error: &ServiceError) -> LoginOutcome {
    use crate::imap::ImapError;
    use crate::pop3::Pop3Error;
    match error {
        ServiceError::Imap(ImapError::AuthRejected { detail, .. })
        | ServiceError::Pop3(Pop3Error::AuthRejected { detail, .. }) => {
            LoginOutcome::Rejected(detail.clone())
        }
        ServiceError::TokenRejected { detail, .. } => LoginOutcome::Rejected(detail.clone()),
        other => LoginOutcome::Failed(other.to_string()),
    }
}

/// Runs the doctor. Fails only when there is no domain to check.
pub async fn run(options: &DoctorOptions) -> Result<DoctorReport, ServiceError> {
    let phase = options
        .profile
        .as_ref()
        .map_or(crate::profile::Phase::Unknown, |p| {
            p.dates.phase(options.today)
        });
    run_checks(options)
        .await
        .map(|report| report.with_phase(phase))
}

async fn run_checks(options: &DoctorOptions) -> Result<DoctorReport, ServiceError> {
    let started = Instant::now();
    let expect = expectations(options)?;
    let budget = options.timeout.max(Duration::from_secs(2));
    // DNS gets under a third of the budget, so a dependent HTTP probe (SRV autodiscover)
    // still fits; every other probe gets 45 %.
    let dns_limit = budget.mul_f32(0.25);
    let probe_limit = budget.mul_f32(0.45);
    let address = expect
        .address
        .clone()
        .unwrap_or_else(|| format!("user@{}", expect.domain));
    let mut facts = Facts {
        expect: expect.clone(),
        ..Facts::default()
    };
    let dns = match Dns::new(options.dns_server, dns_limit) {
        Ok(dns) => dns,
        Err(e) => {
            facts.dns = Some(crate::doctor::facts::DnsFacts {
                server: "system".into(),
                domain_exists: true,
                mx: Lookup::Failed(e),
                autodiscover_cname: Lookup::None,
                srv: Default::default(),
                txt: Lookup::None,
                spf_includes: Default::default(),
                dmarc: Lookup::None,
                dkim: Default::default(),
            });
            return Ok(DoctorReport::new(
                facts,
                started.elapsed().as_millis() as u64,
            ));
        }
    };
    let http_options = HttpOptions {
        domain: expect.domain.clone(),
        address: address.clone(),
        https_port: options.https_port,
        ca_files: options.ca_files.clone(),
        timeout: probe_limit,
    };
    let http_client = probe::http::client(&dns, &http_options);
    let targets = tls_targets(options);

    let dns_and_srv = async {
        let dns_facts = probe::dns::probe(&dns, &expect.domain).await;
        let mut srv_http = Vec::new();
        if let (Ok(client), Some(Lookup::Found(records))) =
            (&http_client, dns_facts.srv.get("_autodiscover._tcp"))
            && let Some(r) = records
                .iter()
                .find(|r| !r.target.is_empty() && r.target != ".")
        {
            {
                let url = format!(
                    "https://{}:{}/autodiscover/autodiscover.xml",
                    r.target, r.port
                );
                srv_http.push(
                    probe::http::probe(
                        client,
                        HttpKind::AutodiscoverSrv,
                        url,
                        &address,
                        probe_limit,
                    )
                    .await,
                );
            }
        }
        (dns_facts, srv_http)
    };
    let http = async {
        match &http_client {
            Ok(client) => {
                futures::future::join_all(probe::http::urls(&http_options).into_iter().map(
                    |(kind, url)| probe::http::probe(client, kind, url, &address, probe_limit),
                ))
                .await
            }
            Err(e) => probe::http::urls(&http_options)
                .into_iter()
                .map(|(kind, url)| HttpFact {
                    kind,
                    url,
                    outcome: crate::doctor::facts::HttpOutcome::Unreachable(e.clone()),
                })
                .collect(),
        }
    };
    let tls = futures::future::join_all(
        targets
            .iter()
            .map(|t| probe::tls::probe(&dns, t, probe_limit)),
    );
    let client = async {
        match &options.client {
            ClientCheck::Skip => None,
            ClientCheck::Auto => Some(probe::client::probe(None)),
            ClientCheck::Path(p) => Some(probe::client::probe(Some(p))),
        }
    };
    let login = async {
        if options.login {
            login_tests(options, &dns, probe_limit).await
        } else {
            Vec::new()
        }
    };
    let ((dns_facts, srv_http), mut http_facts, tls_facts, client_facts, login_facts) =
        tokio::join!(dns_and_srv, http, tls, client, login);
    http_facts.extend(srv_http);
    facts.dns = Some(dns_facts);
    facts.http = http_facts;
    facts.tls = tls_facts;
    facts.client = client_facts;
    facts.login = login_facts;
    Ok(DoctorReport::new(
        facts,
        started.elapsed().as_millis() as u64,
    ))
}
