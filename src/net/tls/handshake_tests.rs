//! The OpenSSL handshake against a local TLS server whose certificate (for
//! `mail.example.test`) is signed by a CA made here: trusted only through `ca_file`, for its
//! own name only, or by its pin.

use std::path::Path;
use std::time::Duration;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::ssl::{Ssl, SslAcceptor, SslMethod};
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509, X509NameBuilder};
use tokio::net::{TcpListener, TcpStream};

use super::{TlsPolicy, certificate_sha256};
use crate::net::stream::MailStream;
use crate::net::{NetError, Timeouts};

fn key() -> PKey<Private> {
    PKey::from_rsa(Rsa::generate(2048).expect("rsa")).expect("key")
}

fn cert(cn: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", cn).expect("cn");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("version");
    let mut serial = BigNum::new().expect("bn");
    serial.rand(64, MsbOption::MAYBE_ZERO, false).expect("rand");
    b.set_serial_number(&serial.to_asn1_integer().expect("serial"))
        .expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("time"))
        .expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("time"))
        .expect("na");
    b.set_pubkey(key).expect("pubkey");
    match issuer {
        None => {
            b.set_issuer_name(&name).expect("issuer");
            let ca = BasicConstraints::new().critical().ca().build().expect("bc");
            b.append_extension(ca).expect("ext");
            b.sign(key, MessageDigest::sha256()).expect("sign");
        }
        Some((ca, ca_key)) => {
            b.set_issuer_name(ca.subject_name()).expect("issuer");
            let san = SubjectAlternativeName::new()
                .dns(cn)
                .build(&b.x509v3_context(Some(ca), None))
                .expect("san");
            b.append_extension(san).expect("ext");
            b.sign(ca_key, MessageDigest::sha256()).expect("sign");
        }
    }
    b.build()
}

/// Serves TLS handshakes with `leaf` until the test ends.
async fn serve(leaf: X509, key: PKey<Private>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).expect("acceptor");
    acceptor.set_private_key(&key).expect("key");
    acceptor.set_certificate(&leaf).expect("cert");
    let acceptor = acceptor.build();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let ssl = Ssl::new(acceptor.context()).expect("ssl");
            tokio::spawn(async move {
                let mut s = tokio_openssl::SslStream::new(ssl, tcp).expect("stream");
                let _ = std::pin::Pin::new(&mut s).accept().await;
                tokio::time::sleep(Duration::from_millis(200)).await;
            });
        }
    });
    port
}

async fn handshake(policy: &TlsPolicy, port: u16, host: &str) -> Result<MailStream, NetError> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("tcp");
    let timed = MailStream::timed(tcp, Duration::from_secs(5));
    let timeouts = Timeouts {
        connect: Duration::from_secs(5),
        io: Duration::from_secs(5),
    };
    policy.handshake(timed, host, port, timeouts).await
}

fn write_pem(dir: &Path, cert: &X509) -> std::path::PathBuf {
    let path = dir.join("ca.pem");
    std::fs::write(&path, cert.to_pem().expect("pem")).expect("write");
    path
}

#[tokio::test]
async fn trust_comes_from_the_ca_file_for_the_right_name_or_from_the_pin() {
    let (ca_key, leaf_key) = (key(), key());
    let ca = cert("ikou test CA", &ca_key, None);
    let leaf = cert("mail.example.test", &leaf_key, Some((&ca, &ca_key)));
    let pin = certificate_sha256(&leaf.to_der().expect("der"));
    let port = serve(leaf, leaf_key).await;
    let dir = tempfile::tempdir().expect("tmp");
    let trusted = TlsPolicy {
        ca_file: Some(write_pem(dir.path(), &ca)),
        pin_sha256: None,
    };

    let ok = handshake(&trusted, port, "mail.example.test").await;
    assert!(matches!(ok, Ok(MailStream::Tls(_))), "{ok:?}");

    // The system store does not know this CA.
    let system_only = TlsPolicy::default();
    match handshake(&system_only, port, "mail.example.test").await {
        Err(NetError::UntrustedCertificate { detail, .. }) => {
            assert!(detail.contains("issuer"), "{detail}")
        }
        other => panic!("expected an untrusted certificate: {other:?}"),
    }

    // A trusted certificate for another name is refused all the same.
    match handshake(&trusted, port, "other.example.test").await {
        Err(NetError::UntrustedCertificate { detail, .. }) => {
            assert_eq!(detail, "hostname mismatch")
        }
        other => panic!("expected a host name mismatch: {other:?}"),
    }

    // A pin stands for the exact certificate, whatever the chain and name.
    let pinned = TlsPolicy {
        ca_file: None,
        pin_sha256: Some(pin.to_uppercase()),
    };
    let ok = handshake(&pinned, port, "other.example.test").await;
    assert!(matches!(ok, Ok(MailStream::Tls(_))), "{ok:?}");
    let wrong = TlsPolicy {
        ca_file: None,
        pin_sha256: Some("ab".repeat(32)),
    };
    match handshake(&wrong, port, "mail.example.test").await {
        Err(NetError::PinMismatch { actual, .. }) => assert_eq!(actual, pin),
        other => panic!("expected a pin mismatch: {other:?}"),
    }
}
