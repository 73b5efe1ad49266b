//! # TLS probe: handshake (implicit TLS or STARTTLS), verify, read the certificate
//!
//! A verified handshake says whether clients will trust the server; when it fails, a second
//! handshake that accepts any certificate reads the certificate anyway so the finding can
//! name its host names and expiry. Nothing is sent after the handshake: no credentials.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::dns::Dns;
use crate::doctor::facts::{CertInfo, Role, Service, TlsFact, TlsOutcome, Verify};
use crate::net::Security;

/// One host:port to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsTarget {
    pub role: Role,
    pub service: Service,
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Extra CA files to trust (the profile's `ca_file` and `--ca-file`).
    pub ca_files: Vec<PathBuf>,
}

pub(super) enum Failure {
    NoStarttls,
    Unreachable(String),
}

pub(super) async fn connect(dns: &Dns, host: &str, port: u16) -> Result<TcpStream, Failure> {
    let ips = dns.addresses(host).await.map_err(Failure::Unreachable)?;
    let mut last = String::new();
    for ip in ips {
        match TcpStream::connect((ip, port)).await {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("{ip}:{port}: {e}"),
        }
    }
    Err(Failure::Unreachable(last))
}

async fn read_line(reader: &mut BufReader<TcpStream>) -> Result<String, Failure> {
    let mut line = String::new();
    match reader.read_line(&mut line).await {
        Ok(0) => Err(Failure::Unreachable(
            "the server closed the connection".into(),
        )),
        Ok(_) => Ok(line.trim_end().to_string()),
        Err(e) => Err(Failure::Unreachable(e.to_string())),
    }
}

async fn send(reader: &mut BufReader<TcpStream>, text: &str) -> Result<(), Failure> {
    reader
        .get_mut()
        .write_all(text.as_bytes())
        .await
        .map_err(|e| Failure::Unreachable(e.to_string()))
}

/// Reads an SMTP reply (possibly multi-line) and returns its lines.
async fn smtp_reply(reader: &mut BufReader<TcpStream>) -> Result<Vec<String>, Failure> {
    let mut lines = Vec::new();
    loop {
        let line = read_line(reader).await?;
        let last = line.len() < 4 || line.as_bytes()[3] != b'-';
        lines.push(line);
        if last || lines.len() > 100 {
            return Ok(lines);
        }
    }
}

/// The protocol's STARTTLS exchange on a fresh connection.
pub(super) async fn starttls(tcp: TcpStream, service: Service) -> Result<TcpStream, Failure> {
    let mut r = BufReader::new(tcp);
    let ok = match service {
        Service::Imap => {
            read_line(&mut r).await?;
            send(&mut r, "a1 STARTTLS\r\n").await?;
            loop {
                let line = read_line(&mut r).await?;
                if let Some(rest) = line.strip_prefix("a1 ") {
                    break rest.to_ascii_uppercase().starts_with("OK");
                }
            }
        }
        Service::Pop3 => {
            read_line(&mut r).await?;
            send(&mut r, "STLS\r\n").await?;
            read_line(&mut r).await?.starts_with("+OK")
        }
        Service::Smtp => {
            smtp_reply(&mut r).await?;
            send(&mut r, "EHLO ikou.invalid\r\n").await?;
            let ehlo = smtp_reply(&mut r).await?;
            if !ehlo.iter().any(|l| {
                l.get(4..)
                    .is_some_and(|c| c.eq_ignore_ascii_case("STARTTLS"))
            }) {
                false
            } else {
                send(&mut r, "STARTTLS\r\n").await?;
                smtp_reply(&mut r)
                    .await?
                    .last()
                    .is_some_and(|l| l.starts_with("220"))
            }
        }
    };
    if ok {
        Ok(r.into_inner())
    } else {
        Err(Failure::NoStarttls)
    }
}

pub(super) fn connector(
    ca_files: &[PathBuf],
    verify: bool,
) -> Result<async_native_tls::TlsConnector, String> {
    let mut c = async_native_tls::TlsConnector::new();
    for path in ca_files {
        let pem = crate::input::read_bounded(path, crate::input::SMALL_FILE)
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        let cert = async_native_tls::Certificate::from_pem(&pem)
            .map_err(|e| format!("CA file {}: {e}", path.display()))?;
        c = c.add_root_certificate(cert);
    }
    if !verify {
        // Only to read the certificate for the report; nothing is sent over this connection.
        c = c
            .danger_accept_invalid_certs(true)
            .danger_accept_invalid_hostnames(true);
    }
    Ok(c)
}

/// Reads subject, issuer, DNS names and expiry from a DER certificate.
pub fn cert_info(der: &[u8]) -> Option<CertInfo> {
    let cert = openssl::x509::X509::from_der(der).ok()?;
    let name = |n: &openssl::x509::X509NameRef| {
        n.entries()
            .filter_map(|e| {
                let key = e.object().nid().short_name().ok()?;
                let value = String::from_utf8_lossy(e.data().as_slice()).into_owned();
                Some(format!("{key}={value}"))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let dns_names = cert
        .subject_alt_names()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| {
                    n.dnsname()
                        .map(str::to_string)
                        .or_else(|| n.ipaddress().map(ip_text))
                })
                .collect()
        })
        .unwrap_or_default();
    let now = openssl::asn1::Asn1Time::days_from_now(0).ok()?;
    let diff = now.diff(cert.not_after()).ok()?;
    let days_left = i64::from(diff.days)
        + if diff.secs < 0 && diff.days <= 0 {
            -1
        } else {
            0
        };
    Some(CertInfo {
        subject: name(cert.subject_name()),
        issuer: name(cert.issuer_name()),
        dns_names,
        not_after: cert.not_after().to_string(),
        days_left,
    })
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(bytes);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => hex::encode(bytes),
    }
}

/// OpenSSL's verify reason, as native-tls reports it, mapped to what a user can act on.
pub fn classify(detail: &str) -> Verify {
    let lower = detail.to_ascii_lowercase();
    if lower.contains("certificate has expired") {
        Verify::Expired
    } else if lower.contains("not yet valid") {
        Verify::NotYetValid
    } else if lower.contains("hostname mismatch") || lower.contains("ip address mismatch") {
        Verify::WrongHost
    } else if lower.contains("self-signed")
        || lower.contains("self signed")
        || lower.contains("unable to get local issuer")
        || lower.contains("unable to verify the first certificate")
        || lower.contains("unable to get issuer")
    {
        let reason = lower
            .rfind('(')
            .map(|i| lower[i + 1..].trim_end_matches(')').trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "unknown issuer".into());
        Verify::Untrusted(reason)
    } else {
        Verify::Other(detail.to_string())
    }
}

async fn open(dns: &Dns, t: &TlsTarget) -> Result<TcpStream, Failure> {
    let tcp = connect(dns, &t.host, t.port).await?;
    match t.security {
        Security::Starttls => starttls(tcp, t.service).await,
        Security::Tls | Security::Plain => Ok(tcp),
    }
}

async fn handshake(dns: &Dns, t: &TlsTarget) -> TlsOutcome {
    let verified = match connector(&t.ca_files, true) {
        Ok(c) => c,
        Err(e) => return TlsOutcome::Unreachable(e),
    };
    let tcp = match open(dns, t).await {
        Ok(tcp) => tcp,
        Err(Failure::NoStarttls) => return TlsOutcome::NoStarttls,
        Err(Failure::Unreachable(e)) => return TlsOutcome::Unreachable(e),
    };
    let verify = match verified.connect(&t.host, tcp).await {
        Ok(tls) => {
            let cert = tls
                .peer_certificate()
                .ok()
                .flatten()
                .and_then(|c| c.to_der().ok())
                .and_then(|der| cert_info(&der));
            return TlsOutcome::Handshake {
                verify: Verify::Trusted,
                cert,
            };
        }
        Err(e) => classify(&e.to_string()),
    };
    // Read the certificate anyway, for its names and dates.
    let cert = match (connector(&t.ca_files, false), open(dns, t).await) {
        (Ok(c), Ok(tcp)) => match c.connect(&t.host, tcp).await {
            Ok(tls) => tls
                .peer_certificate()
                .ok()
                .flatten()
                .and_then(|c| c.to_der().ok())
                .and_then(|der| cert_info(&der)),
            Err(_) => None,
        },
        _ => None,
    };
    // An expired certificate that is also untrusted is reported by its date: that is the
    // part the server's administrators must fix first.
    let verify = match (&verify, &cert) {
        (Verify::Untrusted(_) | Verify::Other(_), Some(c)) if c.days_left < 0 => Verify::Expired,
        _ => verify,
    };
    TlsOutcome::Handshake { verify, cert }
}

/// Checks one target within `limit`.
pub async fn probe(dns: &Dns, target: &TlsTarget, limit: Duration) -> TlsFact {
    let outcome = match tokio::time::timeout(limit, handshake(dns, target)).await {
        Ok(outcome) => outcome,
        Err(_) => TlsOutcome::Timeout,
    };
    TlsFact {
        role: target.role,
        service: target.service,
        host: target.host.clone(),
        port: target.port,
        security: target.security,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_reasons() {
        let cases = [
            (
                "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate verify failed:../ssl/statem/statem_clnt.c:1889: (certificate has expired)",
                Verify::Expired,
            ),
            (
                "...certificate verify failed:...: (Hostname mismatch)",
                Verify::WrongHost,
            ),
            (
                "...certificate verify failed:...: (self-signed certificate)",
                Verify::Untrusted("self-signed certificate".into()),
            ),
            (
                "...certificate verify failed:...: (unable to get local issuer certificate)",
                Verify::Untrusted("unable to get local issuer certificate".into()),
            ),
            (
                "handshake failure",
                Verify::Other("handshake failure".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(classify(text), want, "{text}");
        }
    }
}
