//! # TLS policy: trust roots, certificate pinning, handshake
//!
//! The system trust store is always used; an extra CA file adds the IT centre's own CA.
//! A SHA-256 pin replaces chain and name checks with an exact match on the server's leaf
//! certificate, which is how a legacy server with a self-signed certificate is reached
//! safely. There is deliberately no option to skip verification without a pin.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::stream::{MailStream, TimedTcp};
use super::{NetError, Timeouts};

/// What the client trusts when it speaks TLS to one server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsPolicy {
    /// Extra trust anchor (PEM), on top of the system store.
    pub ca_file: Option<PathBuf>,
    /// Lower-case hex SHA-256 of the leaf certificate (DER); colons are accepted.
    pub pin_sha256: Option<String>,
}

/// Lower-case hex SHA-256 of a DER certificate, the form used for pins.
pub fn certificate_sha256(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

fn normalise_pin(pin: &str) -> String {
    pin.chars()
        .filter(|c| c.is_ascii_hexdigit())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Built connectors by (CA file, pinned). Building one makes OpenSSL read and decode the
/// whole system CA bundle (tens of milliseconds of CPU); `ikou batch` opens two connections
/// per account, so each policy is built once per process and then shared (a native-tls
/// connector is a cheap, reference-counted clone).
type ConnectorCache = HashMap<(Option<PathBuf>, bool), native_tls::TlsConnector>;
static CONNECTORS: OnceLock<Mutex<ConnectorCache>> = OnceLock::new();

impl TlsPolicy {
    fn connector(&self, host: &str, port: u16) -> Result<tokio_native_tls::TlsConnector, NetError> {
        let key = (self.ca_file.clone(), self.pin_sha256.is_some());
        let cache = CONNECTORS.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(built) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(built.into());
        }
        let mut builder = native_tls::TlsConnector::builder();
        if let Some(path) = &self.ca_file {
            let pem = crate::input::read_bounded(path, crate::input::SMALL_FILE).map_err(|e| {
                NetError::CaFile {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                }
            })?;
            let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| NetError::CaFile {
                path: path.display().to_string(),
                detail: format!("not a PEM certificate: {e}"),
            })?;
            builder.add_root_certificate(cert);
        }
        if self.pin_sha256.is_some() {
            // The pin is checked after the handshake against the exact leaf certificate,
            // which is a stronger statement than any chain or host-name check.
            builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        let built = builder
            .build()
            .map_err(|e| classify_tls_error(host, port, &e))?;
        if let Ok(mut c) = cache.lock() {
            c.insert(key, built.clone());
        }
        Ok(built.into())
    }

    /// Runs the TLS handshake over an established TCP stream (implicit TLS or after STARTTLS).
    pub(crate) async fn handshake(
        &self,
        tcp: TimedTcp,
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<MailStream, NetError> {
        let connector = self.connector(host, port)?;
        let tls = match tokio::time::timeout(timeouts.connect, connector.connect(host, tcp)).await {
            Ok(Ok(tls)) => tls,
            Ok(Err(e)) => return Err(classify_tls_error(host, port, &e)),
            Err(_) => {
                return Err(NetError::ConnectTimeout {
                    host: host.to_string(),
                    port,
                    secs: timeouts.connect.as_secs(),
                });
            }
        };
        if let Some(expected) = &self.pin_sha256 {
            let expected = normalise_pin(expected);
            let actual = tls
                .get_ref()
                .peer_certificate()
                .ok()
                .flatten()
                .and_then(|c| c.to_der().ok())
                .map(|der| certificate_sha256(&der))
                .unwrap_or_default();
            if actual != expected {
                return Err(NetError::PinMismatch {
                    host: host.to_string(),
                    port,
                    expected,
                    actual,
                });
            }
        }
        Ok(MailStream::Tls(Box::new(tls)))
    }
}

fn classify_tls_error(host: &str, port: u16, error: &native_tls::Error) -> NetError {
    let detail = error.to_string();
    // OpenSSL reports every chain and name problem as "certificate verify failed" with
    // the reason after it; those are trust decisions the user can act on.
    if detail.contains("certificate verify failed") {
        let reason = detail
            .split("certificate verify failed")
            .nth(1)
            .map(|s| s.trim_matches(|c: char| c == ':' || c == ' ' || c == '(' || c == ')'))
            .filter(|s| !s.is_empty())
            .unwrap_or("verification failed")
            .to_string();
        NetError::UntrustedCertificate {
            host: host.to_string(),
            port,
            detail: reason,
        }
    } else {
        NetError::Tls {
            host: host.to_string(),
            port,
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_accept_colons_and_upper_case() {
        assert_eq!(normalise_pin("AB:cd:01"), "abcd01");
    }

    #[test]
    fn certificate_hash_is_sha256_hex() {
        assert_eq!(
            certificate_sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
