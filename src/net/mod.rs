//! # Network transport: TCP, TLS, STARTTLS upgrade, timeouts
//!
//! Every protocol adapter (IMAP, POP3, later SMTP and the doctor's TLS probe) reaches a
//! server through this module, so certificate policy and timeouts are decided in one place:
//! certificates are verified by default, an extra CA file or a SHA-256 pin can be given for
//! legacy servers with self-signed certificates, and there is no blanket "skip verification".

mod guard;
mod stream;
mod tls;

pub use guard::ReplyGuard;
pub use stream::MailStream;
pub use tls::{TlsPolicy, certificate_sha256};

use std::time::Duration;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use tokio::net::TcpStream;

// Plain data, so that pure modules (settings, doctor rules) can name it without `net`.
pub use crate::model::Security;

/// How to reach one mail server (IMAP or POP3): where, which certificates to trust, how
/// long to wait, and whether a password may travel unencrypted.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub endpoint: Endpoint,
    pub tls: TlsPolicy,
    pub timeouts: Timeouts,
    /// Sending a password over an unencrypted connection is refused unless this is set.
    pub allow_plaintext: bool,
}

/// Connect and I/O time limits. Every read and write on a [`MailStream`] is bounded by
/// `io`, so a server that stops answering produces an error instead of a hang.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub io: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            io: Duration::from_secs(60),
        }
    }
}

/// Where to connect: the host name is also the name checked against the certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{} ({})", self.host, self.port, self.security)
    }
}

/// Why a connection could not be made, phrased so a user knows whether it was the name,
/// the network or the certificate.
#[derive(Debug, Error)]
pub enum NetError {
    #[error("cannot resolve host name {host}: {source}")]
    Resolve {
        host: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{host}:{port}: connection refused (is the port right, is the server running?)")]
    Refused { host: String, port: u16 },
    #[error("{host}:{port}: no answer within {secs} s (firewall, wrong host, or server down)")]
    ConnectTimeout { host: String, port: u16, secs: u64 },
    #[error("{host}:{port}: cannot connect: {source}")]
    Connect {
        host: String,
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{host}:{port}: the server's certificate is not trusted ({detail}); give the IT centre's CA with ca_file, or pin the certificate with pin_sha256"
    )]
    UntrustedCertificate {
        host: String,
        port: u16,
        detail: String,
    },
    #[error(
        "{host}:{port}: the certificate's SHA-256 {actual} does not match the pinned {expected}"
    )]
    PinMismatch {
        host: String,
        port: u16,
        expected: String,
        actual: String,
    },
    #[error("{host}:{port}: TLS handshake failed: {detail}")]
    Tls {
        host: String,
        port: u16,
        detail: String,
    },
    #[error("cannot read CA file {path}: {detail}")]
    CaFile { path: String, detail: String },
}

impl NetError {
    /// Whether connecting again later may help: the network or the server was away (refused,
    /// no answer, no name yet, a handshake cut off by a server that is stopping). A
    /// certificate, a pin or a CA file is wrong until someone changes it.
    pub fn is_transient(&self) -> bool {
        match self {
            NetError::Refused { .. }
            | NetError::ConnectTimeout { .. }
            | NetError::Connect { .. }
            | NetError::Resolve { .. } => true,
            NetError::Tls { detail, .. } => {
                let d = detail.to_ascii_lowercase();
                ["reset", "eof", "closed", "broken pipe", "timed out"]
                    .iter()
                    .any(|w| d.contains(w))
                    || says_busy(detail)
            }
            NetError::UntrustedCertificate { .. }
            | NetError::PinMismatch { .. }
            | NetError::CaFile { .. } => false,
        }
    }
}

/// Words servers use when they are busy, throttling or temporarily unable (Dovecot's
/// connection limits and `[UNAVAILABLE]`, Exchange Online's throttling, POP3's `[SYS/TEMP]`
/// and `[IN-USE]`, generic temporary failures), lower case.
const BUSY_WORDS: [&str; 12] = [
    "[unavailable]",
    "[inuse]",
    "[in-use]",
    "[limit]",
    "[sys/temp]",
    "throttl",
    "too many",
    "try again",
    "maximum number of connections",
    "server busy",
    "temporar",
    "not connected",
];

/// Whether a server's reply text says it is busy or throttling, so that waiting and trying
/// again may help. The one rule for backup's reconnects and batch's retries.
pub fn says_busy(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    BUSY_WORDS.iter().any(|w| text.contains(w))
}

/// Opens a TCP connection within the connect timeout, with the I/O timeout armed.
pub async fn connect_tcp(host: &str, port: u16, timeouts: Timeouts) -> Result<TcpStream, NetError> {
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout(timeouts.connect, tokio::net::lookup_host((host, port))).await {
            Ok(Ok(addrs)) => addrs.collect(),
            Ok(Err(source)) => {
                return Err(NetError::Resolve {
                    host: host.to_string(),
                    source,
                });
            }
            Err(_) => {
                return Err(NetError::ConnectTimeout {
                    host: host.to_string(),
                    port,
                    secs: timeouts.connect.as_secs(),
                });
            }
        };
    let mut last_error = None;
    for addr in addrs {
        match tokio::time::timeout(timeouts.connect, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => {
                // Mail protocols are request/response; Nagle only adds latency here.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => last_error = Some(e),
            Err(_) => {
                last_error = Some(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "connect timed out",
                ))
            }
        }
    }
    let host = host.to_string();
    Err(match last_error {
        Some(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            NetError::Refused { host, port }
        }
        Some(e) if e.kind() == std::io::ErrorKind::TimedOut => NetError::ConnectTimeout {
            host,
            port,
            secs: timeouts.connect.as_secs(),
        },
        Some(source) => NetError::Connect { host, port, source },
        None => NetError::Resolve {
            host,
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no address found"),
        },
    })
}

/// Opens a connection to `endpoint`: TLS right away for [`Security::Tls`], plain TCP
/// otherwise (the protocol adapter then upgrades a STARTTLS connection with [`upgrade`]).
pub async fn open(
    endpoint: &Endpoint,
    policy: &TlsPolicy,
    timeouts: Timeouts,
) -> Result<MailStream, NetError> {
    let tcp = connect_tcp(&endpoint.host, endpoint.port, timeouts).await?;
    let timed = MailStream::timed(tcp, timeouts.io);
    match endpoint.security {
        Security::Tls => {
            policy
                .handshake(timed, &endpoint.host, endpoint.port, timeouts)
                .await
        }
        Security::Starttls | Security::Plain => Ok(MailStream::Plain(timed)),
    }
}

/// Upgrades a plain connection to TLS after the protocol's STARTTLS/STLS exchange.
pub async fn upgrade(
    stream: MailStream,
    endpoint: &Endpoint,
    policy: &TlsPolicy,
    timeouts: Timeouts,
) -> Result<MailStream, NetError> {
    match stream {
        MailStream::Plain(timed) => {
            policy
                .handshake(timed, &endpoint.host, endpoint.port, timeouts)
                .await
        }
        tls @ MailStream::Tls(_) => Ok(tls),
    }
}
