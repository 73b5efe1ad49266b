//! # Test PKI
//!
//! A private CA and a server certificate for `localhost`, `mail|imap|pop.example-univ.test`
//! and `127.0.0.1`, made with the `openssl` CLI. Key generation is done once per uid and
//! cached in `/tmp/ikou-testbed-tls-v1-<uid>` because every test server shares it.

use std::fs;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{Context as _, Result, anyhow, bail};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Paths of the shared TLS material.
#[derive(Debug, Clone)]
pub(crate) struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub cert_sha256: String,
}

const EXT: &str = "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,DNS:mail.example-univ.test,DNS:imap.example-univ.test,DNS:pop.example-univ.test,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid,issuer
";

pub(crate) fn my_uid() -> u32 {
    fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(u32::MAX)
}

/// The process-wide TLS files, generating them on first use.
pub(crate) fn tls() -> Result<&'static TlsFiles> {
    static TLS: OnceLock<std::result::Result<TlsFiles, String>> = OnceLock::new();
    TLS.get_or_init(|| load_or_create().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

fn files_in(dir: &Path) -> TlsFiles {
    TlsFiles {
        ca: dir.join("ca.pem"),
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
        cert_sha256: String::new(),
    }
}

fn valid(dir: &Path) -> Option<TlsFiles> {
    let meta = fs::symlink_metadata(dir).ok()?;
    // Only trust a cache this uid made: /tmp is shared.
    if !meta.is_dir() || meta.uid() != my_uid() || meta.mode() & 0o022 != 0 {
        return None;
    }
    let mut f = files_in(dir);
    if !(f.ca.is_file() && f.cert.is_file() && f.key.is_file()) {
        return None;
    }
    let ok = Command::new("openssl")
        .args(["x509", "-checkend", "2592000", "-noout", "-in"])
        .arg(&f.cert)
        .output()
        .ok()?
        .status
        .success();
    if !ok {
        return None;
    }
    f.cert_sha256 = pem_sha256(&fs::read_to_string(&f.cert).ok()?).ok()?;
    Some(f)
}

/// SHA-256 (lower-case hex) of the DER inside the first PEM certificate.
pub(crate) fn pem_sha256(pem: &str) -> Result<String> {
    let b64: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .context("decoding certificate PEM")?;
    Ok(hex::encode(Sha256::digest(der)))
}

fn openssl(dir: &Path, args: &[&str]) -> Result<()> {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| {
            anyhow!(
                "cannot run `openssl` ({e}); install the openssl package (apt-get install openssl)"
            )
        })?;
    if !out.status.success() {
        bail!(
            "openssl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn generate(dir: &Path) -> Result<()> {
    fs::write(dir.join("ext.cnf"), EXT)?;
    let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
    openssl(dir, &[&["genpkey"][..], &ec, &["-out", "ca.key"]].concat())?;
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-sha256",
            "-days",
            "3650",
            "-subj",
            "/O=ikou testbed/CN=ikou-testbed CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ],
    )?;
    openssl(
        dir,
        &[&["genpkey"][..], &ec, &["-out", "server.key"]].concat(),
    )?;
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-key",
            "server.key",
            "-subj",
            "/O=ikou testbed/CN=mail.example-univ.test",
            "-out",
            "server.csr",
        ],
    )?;
    let serial = format!(
        "0x{:016x}",
        crate::prng::SplitMix64::new(
            u64::from(std::process::id())
                ^ std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64)
        )
        .next_u64()
            >> 1
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            &serial,
            "-days",
            "825",
            "-sha256",
            "-extfile",
            "ext.cnf",
            "-out",
            "server.pem",
        ],
    )?;
    for f in ["ca.pem", "server.pem"] {
        fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o644))?;
    }
    for f in ["ca.key", "server.key"] {
        fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o600))?;
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))?;
    Ok(())
}

fn load_or_create() -> Result<TlsFiles> {
    let dir = PathBuf::from(format!("/tmp/ikou-testbed-tls-v1-{}", my_uid()));
    if let Some(f) = valid(&dir) {
        return Ok(f);
    }
    let tmp = tempfile::Builder::new()
        .prefix("ikou-testbed-tls-new")
        .tempdir_in("/tmp")?;
    generate(tmp.path())?;
    let staged = tmp.keep();
    // Another process may have won the race; an invalid leftover is replaced.
    if fs::symlink_metadata(&dir).is_ok() && valid(&dir).is_none() {
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::remove_file(&dir);
    }
    if fs::rename(&staged, &dir).is_err() {
        let _ = fs::remove_dir_all(&staged);
    }
    if let Some(f) = valid(&dir) {
        return Ok(f);
    }
    // /tmp/... is unusable (e.g. owned by someone else): keep a private copy for this process.
    let private = tempfile::Builder::new()
        .prefix("ikou-testbed-tls")
        .tempdir_in("/tmp")?
        .keep();
    generate(&private)?;
    let mut f = files_in(&private);
    f.cert_sha256 = pem_sha256(&fs::read_to_string(&f.cert)?)?;
    Ok(f)
}
