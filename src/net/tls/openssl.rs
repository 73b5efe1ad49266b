//! The handshake through OpenSSL (Linux and the other Unix systems), set up as native-tls
//! sets it up (TLS 1.2 or later, the same cipher list and options, peer verification with
//! host-name checks, SNI) with one difference: the system trust store is read lazily.
//! OpenSSL's default set-up decodes the whole CA bundle (about 150 certificates) before the
//! first handshake, some 70 ms of CPU on every run, more than the rest of a backup rerun
//! that finds nothing new. Where the system keeps its CAs in a hashed directory (as
//! `update-ca-certificates` and `c_rehash` do), OpenSSL is pointed at that directory and
//! reads only the certificates a server's chain names; without one, or when
//! `SSL_CERT_FILE` names a bundle, it loads the defaults as before.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Mutex, OnceLock};

use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslOptions, SslVerifyMode,
    SslVersion,
};
use openssl::x509::store::{X509Lookup, X509StoreBuilderRef};
use openssl::x509::verify::X509CheckFlags;
use openssl::x509::{X509, X509VerifyResult};

use super::{ConnectorCache, NetError, TimedTcp, TlsPolicy, TlsStream, cached};

pub(super) type Connector = SslContext;

static CONNECTORS: OnceLock<Mutex<ConnectorCache<Connector>>> = OnceLock::new();

/// What native-tls (through `SslConnector`) allows: no anonymous or export ciphers.
const CIPHERS: &str = "DEFAULT:!aNULL:!eNULL:!MD5:!3DES:!DES:!RC4:!IDEA:!SEED:!aDSS:!SRP:!PSK";

pub(super) fn connector(policy: &TlsPolicy, host: &str, port: u16) -> Result<Connector, NetError> {
    cached(&CONNECTORS, policy, || {
        let ca = match policy.ca_pem()? {
            Some(pem) => Some(X509::from_pem(&pem).map_err(|e| policy.bad_ca(&e))?),
            None => None,
        };
        let setup = |e: openssl::error::ErrorStack| {
            super::classify_tls_error(host, port, format!("TLS set-up failed: {e}"))
        };
        let mut ctx = SslContextBuilder::new(SslMethod::tls_client()).map_err(setup)?;
        let mut options = SslOptions::ALL
            | SslOptions::NO_COMPRESSION
            | SslOptions::NO_SSLV2
            | SslOptions::NO_SSLV3
            | SslOptions::SINGLE_DH_USE
            | SslOptions::SINGLE_ECDH_USE;
        options &= !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS;
        ctx.set_options(options);
        ctx.set_mode(
            SslMode::AUTO_RETRY
                | SslMode::ACCEPT_MOVING_WRITE_BUFFER
                | SslMode::ENABLE_PARTIAL_WRITE
                | SslMode::RELEASE_BUFFERS,
        );
        ctx.set_cipher_list(CIPHERS).map_err(setup)?;
        ctx.set_min_proto_version(Some(SslVersion::TLS1_2))
            .map_err(setup)?;
        if policy.pin_sha256.is_some() {
            // The pin is checked after the handshake against the exact leaf certificate,
            // which is a stronger statement than any chain or host-name check.
            ctx.set_verify(SslVerifyMode::NONE);
        } else {
            ctx.set_verify(SslVerifyMode::PEER);
            system_roots(ctx.cert_store_mut()).map_err(setup)?;
            if let Some(ca) = ca {
                ctx.cert_store_mut().add_cert(ca).map_err(setup)?;
            }
        }
        Ok(ctx.build())
    })
}

/// The system's trust anchors: its hashed CA directory, looked up per certificate, or
/// OpenSSL's defaults (the whole bundle) when there is none or `SSL_CERT_FILE` is set.
fn system_roots(store: &mut X509StoreBuilderRef) -> Result<(), openssl::error::ErrorStack> {
    let dirs = hashed_dirs();
    if dirs.is_empty() || std::env::var_os("SSL_CERT_FILE").is_some() {
        return store.set_default_paths();
    }
    let lookup = store.add_lookup(X509Lookup::hash_dir())?;
    for dir in &dirs {
        if let Some(d) = dir.to_str() {
            lookup.add_dir(d, SslFiletype::PEM)?;
        }
    }
    Ok(())
}

/// Directories holding CA certificates under OpenSSL's hashed names (`5ad8a5d6.0`):
/// `SSL_CERT_DIR` when set, else the first of the usual places that has any.
fn hashed_dirs() -> Vec<PathBuf> {
    if let Some(env) = std::env::var_os("SSL_CERT_DIR") {
        return std::env::split_paths(&env)
            .filter(|d| is_hashed_dir(d))
            .collect();
    }
    [
        "/etc/ssl/certs",
        "/usr/lib/ssl/certs",
        "/etc/pki/tls/certs",
        "/etc/openssl/certs",
        "/usr/local/share/certs",
        "/usr/local/etc/openssl/certs",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|d| is_hashed_dir(d))
    .into_iter()
    .collect()
}

fn is_hashed_dir(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| is_hashed_name(&e.file_name().to_string_lossy()))
}

/// `[0-9a-f]{8}.[0-9]+`, the name `c_rehash` gives a CA certificate.
fn is_hashed_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, n)) => {
            hash.len() == 8
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && !n.is_empty()
                && n.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The handshake; a failure as its text, as native-tls words it (`"<error> (<why the
/// certificate was refused>)"`).
pub(super) async fn connect(
    connector: &Connector,
    policy: &TlsPolicy,
    host: &str,
    tcp: TimedTcp,
) -> Result<TlsStream, String> {
    let mut ssl = Ssl::new(connector).map_err(|e| e.to_string())?;
    let ip = host.parse::<IpAddr>().ok();
    if ip.is_none() {
        ssl.set_hostname(host).map_err(|e| e.to_string())?;
    }
    if policy.pin_sha256.is_none() {
        let param = ssl.param_mut();
        param.set_hostflags(X509CheckFlags::NO_PARTIAL_WILDCARDS);
        match ip {
            Some(ip) => param.set_ip(ip),
            None => param.set_host(host),
        }
        .map_err(|e| e.to_string())?;
    }
    let mut tls = TlsStream::new(ssl, tcp).map_err(|e| e.to_string())?;
    match Pin::new(&mut tls).connect().await {
        Ok(()) => Ok(tls),
        Err(e) => Err(match tls.ssl().verify_result() {
            X509VerifyResult::OK => e.to_string(),
            v => format!("{e} ({v})"),
        }),
    }
}

/// The server's leaf certificate (DER).
pub(super) fn peer_der(tls: &TlsStream) -> Option<Vec<u8>> {
    tls.ssl().peer_certificate().and_then(|c| c.to_der().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed_name("5ad8a5d6.0"));
        assert!(is_hashed_name("b66938e9.12"));
        for name in [
            "ca-certificates.crt",
            "5ad8a5d6",
            "5AD8A5D6.0",
            "5ad8a5d.0",
            "5ad8a5d6.x",
        ] {
            assert!(!is_hashed_name(name), "{name}");
        }
    }
}
