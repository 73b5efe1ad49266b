//! The handshake through the system's TLS (SChannel on Windows, Security.framework on
//! macOS) by way of native-tls: the system trust store as the system keeps it.

use std::sync::{Mutex, OnceLock};

use super::{ConnectorCache, NetError, TimedTcp, TlsPolicy, TlsStream, cached};

pub(super) type Connector = native_tls::TlsConnector;

static CONNECTORS: OnceLock<Mutex<ConnectorCache<Connector>>> = OnceLock::new();

pub(super) fn connector(policy: &TlsPolicy, host: &str, port: u16) -> Result<Connector, NetError> {
    cached(&CONNECTORS, policy, || {
        let mut builder = native_tls::TlsConnector::builder();
        if let Some(pem) = policy.ca_pem()? {
            let cert = native_tls::Certificate::from_pem(&pem).map_err(|e| policy.bad_ca(&e))?;
            builder.add_root_certificate(cert);
        }
        if policy.pin_sha256.is_some() {
            // The pin is checked after the handshake against the exact leaf certificate,
            // which is a stronger statement than any chain or host-name check.
            builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        builder
            .build()
            .map_err(|e| super::classify_tls_error(host, port, e.to_string()))
    })
}

/// The handshake; a failure as its text.
pub(super) async fn connect(
    connector: &Connector,
    _policy: &TlsPolicy,
    host: &str,
    tcp: TimedTcp,
) -> Result<TlsStream, String> {
    tokio_native_tls::TlsConnector::from(connector.clone())
        .connect(host, tcp)
        .await
        .map_err(|e| e.to_string())
}

/// The server's leaf certificate (DER).
pub(super) fn peer_der(tls: &TlsStream) -> Option<Vec<u8>> {
    tls.get_ref()
        .peer_certificate()
        .ok()
        .flatten()
        .and_then(|c| c.to_der().ok())
}
