//! # TLS policy: trust roots, certificate pinning, handshake
//!
//! The system trust store is always used; an extra CA file adds the IT centre's own CA.
//! A SHA-256 pin replaces chain and name checks with an exact match on the server's leaf
//! certificate, which is how a legacy server with a self-signed certificate is reached
//! safely. There is deliberately no option to skip verification without a pin.
//!
//! The handshake itself is the platform's: Security.framework on macOS and SChannel on
//! Windows (through native-tls, `system.rs`), OpenSSL elsewhere (`openssl.rs`), where the
//! system store is looked up per certificate instead of decoded whole for every run.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use sha2::{Digest, Sha256};

use super::stream::{MailStream, TimedTcp, TlsStream};

#[cfg(not(any(windows, target_vendor = "apple")))]
#[path = "openssl.rs"]
mod backend;
#[cfg(any(windows, target_vendor = "apple"))]
#[path = "system.rs"]
mod backend;

use super::{NetError, Timeouts};

#[cfg(all(test, not(any(windows, target_vendor = "apple"))))]
mod handshake_tests;

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

impl TlsPolicy {
    /// The extra trust anchor's PEM, read (bounded) from `ca_file`.
    fn ca_pem(&self) -> Result<Option<Vec<u8>>, NetError> {
        let Some(path) = &self.ca_file else {
            return Ok(None);
        };
        crate::input::read_bounded(path, crate::input::SMALL_FILE)
            .map(Some)
            .map_err(|e| NetError::CaFile {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
    }

    fn bad_ca(&self, e: &dyn std::fmt::Display) -> NetError {
        NetError::CaFile {
            path: self
                .ca_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            detail: format!("not a PEM certificate: {e}"),
        }
    }

    /// Runs the TLS handshake over an established TCP stream (implicit TLS or after STARTTLS).
    pub(crate) async fn handshake(
        &self,
        tcp: TimedTcp,
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<MailStream, NetError> {
        let connector = backend::connector(self, host, port)?;
        let tls = match tokio::time::timeout(
            timeouts.connect,
            backend::connect(&connector, self, host, tcp),
        )
        .await
        {
            Ok(Ok(tls)) => tls,
            Ok(Err(detail)) => return Err(classify_tls_error(host, port, detail)),
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
            let actual = backend::peer_der(&tls)
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

/// Built connectors by (CA file, pinned), each built once per process and then shared (a
/// connector is a cheap, reference-counted clone): `ikou batch` opens two connections per
/// account.
type ConnectorCache<C> = HashMap<(Option<PathBuf>, bool), C>;

fn cached<C: Clone>(
    cache: &'static OnceLock<Mutex<ConnectorCache<C>>>,
    policy: &TlsPolicy,
    build: impl FnOnce() -> Result<C, NetError>,
) -> Result<C, NetError> {
    let key = (policy.ca_file.clone(), policy.pin_sha256.is_some());
    let cache = cache.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(built) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(built);
    }
    let built = build()?;
    if let Ok(mut c) = cache.lock() {
        c.insert(key, built.clone());
    }
    Ok(built)
}

/// The error of a failed handshake, from its text (`"<ssl error> (<verify result>)"`).
fn classify_tls_error(host: &str, port: u16, detail: String) -> NetError {
    // OpenSSL reports every chain and name problem as "certificate verify failed" with
    // the reason after it; those are trust decisions the user can act on.
    // The reason is the verification result in the closing parentheses; OpenSSL 3 puts
    // its source file and line between the two, which tell a person nothing.
    if detail.contains("certificate verify failed") {
        let after = detail
            .split("certificate verify failed")
            .nth(1)
            .unwrap_or_default();
        let result = after
            .trim_end()
            .strip_suffix(')')
            .and_then(|s| s.rsplit_once('(').map(|(_, r)| r));
        let reason = result
            .unwrap_or(after)
            .trim_matches(|c: char| c == ':' || c == ' ' || c == '(' || c == ')');
        let reason = if reason.is_empty() {
            "verification failed".to_string()
        } else {
            reason.to_string()
        };
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
    fn the_verification_result_is_the_reason() {
        let reason = |d: &str| match classify_tls_error("h", 993, d.into()) {
            NetError::UntrustedCertificate { detail, .. } => detail,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            reason(
                "error:0A000086:SSL routines:tls_post_process_server_certificate:certificate \
                 verify failed:../ssl/statem/statem_clnt.c:1889: (hostname mismatch)"
            ),
            "hostname mismatch"
        );
        assert_eq!(
            reason("certificate verify failed (self-signed certificate)"),
            "self-signed certificate"
        );
        assert_eq!(reason("certificate verify failed"), "verification failed");
        assert!(matches!(
            classify_tls_error("h", 993, "unexpected eof".into()),
            NetError::Tls { .. }
        ));
    }

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
