//! Real servers for the doctor's tests: dnsmasq serving a test zone on loopback, an HTTPS
//! server (native-tls, certificates from a private CA made with the openssl CLI) serving
//! autoconfig/autodiscover documents, bare TLS listeners with expired, wrong-host and
//! self-signed certificates, "silent" servers that accept and never answer, and the profile
//! the DNS scenarios use.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub const DOMAIN: &str = "example-univ.test";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl must be installed (apt-get install openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The doctor tests' private CA and certificates.
pub struct Pki {
    pub dir: PathBuf,
    pub ca: PathBuf,
}

impl Pki {
    pub fn cert(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.pem"))
    }
    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.key"))
    }
    pub fn identity(&self, name: &str) -> native_tls::Identity {
        let cert = std::fs::read(self.cert(name)).expect("cert");
        let key = std::fs::read(self.key(name)).expect("key");
        native_tls::Identity::from_pkcs8(&cert, &key).expect("identity")
    }
}

const WEB_SANS: &str = "DNS:autoconfig.example-univ.test,DNS:autodiscover.outlook.com,DNS:autodiscover.example-univ.test,DNS:example-univ.test,DNS:new.example-univ.test,DNS:localhost,IP:127.0.0.1";

/// Made once per test binary: CA, `web` (valid), `expired`, `wronghost`, `selfsigned`.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("ikou-doctor-pki").tempdir().expect("tmp").keep();
        let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
        openssl(&dir, &[&["genpkey"][..], &ec, &["-out", "ca.key"]].concat());
        openssl(&dir, &["req", "-x509", "-new", "-key", "ca.key", "-sha256", "-days", "3650", "-subj", "/CN=ikou doctor test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", "ca.pem"]);
        let leaf = |name: &str, sans: &str, days: &str, self_signed: bool| {
            std::fs::write(dir.join(format!("{name}.ext")), format!("basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName={sans}\n")).expect("ext");
            openssl(&dir, &[&["genpkey"][..], &ec, &["-out", &format!("{name}.key")]].concat());
            openssl(&dir, &["req", "-new", "-key", &format!("{name}.key"), "-subj", &format!("/CN={name}"), "-out", &format!("{name}.csr")]);
            let mut args: Vec<String> = ["x509", "-req", "-in", &format!("{name}.csr"), "-days", days, "-sha256", "-set_serial", "7"]
                .iter()
                .map(|a| a.to_string())
                .collect();
            if self_signed {
                args.extend(["-key".to_string(), format!("{name}.key")]);
            } else {
                args.extend(["-CA", "ca.pem", "-CAkey", "ca.key"].map(String::from));
            }
            args.extend(["-extfile".to_string(), format!("{name}.ext"), "-out".to_string(), format!("{name}.pem")]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            openssl(&dir, &args);
        };
        leaf("web", WEB_SANS, "400", false);
        leaf("expired", WEB_SANS, "-1", false);
        leaf("wronghost", "DNS:other.example.net", "400", false);
        leaf("selfsigned", WEB_SANS, "400", true);
        Pki { ca: dir.join("ca.pem"), dir }
    })
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

/// Ports 32100-32999 for dnsmasq, distinct per process and call.
fn next_port() -> u16 {
    let base = 32100 + (std::process::id() % 300) as u16 * 3;
    let n = NEXT_PORT.fetch_add(1, Ordering::Relaxed);
    32100 + (base - 32100 + n * 7) % 900
}

/// dnsmasq serving a zone from its own config; stopped on drop.
pub struct Dnsmasq {
    child: Child,
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Dnsmasq {
    /// `records`: dnsmasq config lines (`mx-host=...`, `srv-host=...`, `txt-record=...`).
    /// Unknown names in the listed local domains get NXDOMAIN, never a forwarded query.
    pub fn start(records: &[String]) -> Dnsmasq {
        let dir = tempfile::tempdir().expect("tmp");
        let mut config = String::from(
            "local=/example-univ.test/\nlocal=/outlook.com/\nlocal=/onmicrosoft.test/\nlocal=/localhost/\nhost-record=localhost,127.0.0.1\n",
        );
        for r in records {
            config.push_str(r);
            config.push('\n');
        }
        let conf = dir.path().join("dnsmasq.conf");
        std::fs::write(&conf, &config).expect("conf");
        let log = dir.path().join("dnsmasq.log");
        for _ in 0..20 {
            let port = next_port();
            let mut child = Command::new("dnsmasq")
                .arg("--keep-in-foreground")
                .arg("--conf-file=/dev/null")
                .arg(format!("--conf-file={}", conf.display()))
                .arg(format!("--port={port}"))
                .arg("--listen-address=127.0.0.1")
                .arg("--bind-interfaces")
                .arg("--no-resolv")
                .arg("--no-hosts")
                .arg("--no-poll")
                .arg("--pid-file=")
                .arg("--user=root")
                .arg(format!("--log-facility={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("dnsmasq must be installed (scripts/test installs the dnsmasq package)");
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // port clash or bad config: try the next port
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    // dnsmasq exits at once when it cannot bind; still running means the
                    // port is ours and not another process's.
                    std::thread::sleep(Duration::from_millis(50));
                    if let Ok(None) = child.try_wait() {
                        return Dnsmasq {
                            child,
                            port,
                            _dir: dir,
                        };
                    }
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("dnsmasq did not start on port {port}");
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            assert!(
                err.contains("in use"),
                "dnsmasq failed: {err}\nconfig:\n{config}"
            );
        }
        panic!("no free port for dnsmasq");
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One canned HTTP answer.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

type Router = Arc<dyn Fn(&str, &str, &str) -> Reply + Send + Sync>;

/// A threaded HTTPS server on 127.0.0.1: `route(method, path, host)` decides the answer.
pub struct HttpsServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

fn read_request(stream: &mut native_tls::TlsStream<TcpStream>) -> Option<(String, String, String)> {
    let mut reader = BufReader::new(stream);
    let mut first = String::new();
    reader.read_line(&mut first).ok()?;
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut host = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            match k.to_ascii_lowercase().as_str() {
                "host" => host = v.trim().to_string(),
                "content-length" => length = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    Some((method, path, host))
}

impl HttpsServer {
    pub fn start(
        identity: native_tls::Identity,
        route: impl Fn(&str, &str, &str) -> Reply + Send + Sync + 'static,
    ) -> HttpsServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let acceptor = Arc::new(native_tls::TlsAcceptor::new(identity).expect("acceptor"));
        let route: Router = Arc::new(route);
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let acceptor = acceptor.clone();
                let route = route.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                    let Ok(mut tls) = acceptor.accept(stream) else {
                        return;
                    };
                    let Some((method, path, host)) = read_request(&mut tls) else {
                        return;
                    };
                    let reply = route(&method, &path, &host);
                    let reason = match reply.status {
                        200 => "OK",
                        401 => "Unauthorized",
                        404 => "Not Found",
                        _ => "Other",
                    };
                    let head = format!(
                        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        reply.status,
                        reply.content_type,
                        reply.body.len()
                    );
                    let _ = tls.write_all(head.as_bytes());
                    let _ = tls.write_all(reply.body.as_bytes());
                    let _ = tls.flush();
                    let _ = tls.shutdown();
                });
            }
        });
        HttpsServer { port, stop }
    }
}

impl Drop for HttpsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A TLS listener that completes handshakes with the given certificate and then closes.
pub fn tls_listener(identity: native_tls::Identity) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let acceptor = Arc::new(native_tls::TlsAcceptor::new(identity).expect("acceptor"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let acceptor = acceptor.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                if let Ok(mut tls) = acceptor.accept(stream) {
                    let _ = tls.write_all(b"* OK test\r\n");
                    let mut buf = [0u8; 64];
                    let _ = tls.read(&mut buf);
                }
            });
        }
    });
    port
}

/// A TCP port that accepts connections and never says anything (a hung server).
pub fn silent_tcp() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

/// A UDP "DNS server" that never answers.
pub fn silent_udp() -> (UdpSocket, SocketAddr) {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = socket.local_addr().expect("addr");
    (socket, addr)
}

/// Runs `ikou` with arguments, returning (exit code, stdout JSON, elapsed).
pub fn ikou_json(args: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value, Duration) {
    let started = Instant::now();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ikou"));
    cmd.args(args)
        .arg("--json")
        .env_remove("IKOU_PROFILE")
        .env_remove("IKOU_ADDRESS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = ikou_testbed::bounded::output_within(&mut cmd, ikou_testbed::bounded::RUN_LIMIT);
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), json, elapsed)
}

/// (id, severity, subject) of every finding in one area, sorted.
pub fn findings(report: &serde_json::Value, area: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["area"] == area)
        .map(|f| {
            (
                f["id"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["subject"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

pub fn want(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = list
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    v.sort();
    v
}

/// A minimal SMTP submission server: greeting, EHLO with or without STARTTLS, then TLS.
pub fn smtp_starttls(identity: native_tls::Identity, offer_starttls: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let acceptor = Arc::new(native_tls::TlsAcceptor::new(identity).expect("acceptor"));
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let acceptor = acceptor.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let _ = stream.write_all(b"220-smtp.test ESMTP\r\n220 ready\r\n");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    let command = line.trim().to_ascii_uppercase();
                    line.clear();
                    if command.starts_with("EHLO") {
                        let ext = if offer_starttls {
                            "250-STARTTLS\r\n"
                        } else {
                            ""
                        };
                        let _ = stream.write_all(
                            format!("250-smtp.test\r\n{ext}250 AUTH XOAUTH2\r\n").as_bytes(),
                        );
                    } else if command == "STARTTLS" && offer_starttls {
                        let _ = stream.write_all(b"220 go ahead\r\n");
                        if let Ok(tls) = acceptor.accept(stream) {
                            serve_tls_smtp(tls);
                        }
                        return;
                    } else if command == "QUIT" {
                        return;
                    } else {
                        let _ = stream.write_all(b"502 no\r\n");
                    }
                }
            });
        }
    });
    port
}

/// After STARTTLS: EHLO, AUTH PLAIN (user `taro`, password `taro-pass`), QUIT.
fn serve_tls_smtp(tls: native_tls::TlsStream<TcpStream>) {
    use base64::Engine as _;
    let mut reader = BufReader::new(tls);
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
        let command = line.trim().to_string();
        line.clear();
        let upper = command.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-smtp.test\r\n250 AUTH PLAIN XOAUTH2\r\n".to_string()
        } else if let Some(b64) = command.strip_prefix("AUTH PLAIN ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .unwrap_or_default();
            if decoded == b"\0taro\0taro-pass" {
                "235 2.7.0 accepted\r\n".to_string()
            } else {
                "535 5.7.8 authentication failed\r\n".to_string()
            }
        } else if upper == "QUIT" {
            let _ = reader.get_mut().write_all(b"221 bye\r\n");
            return;
        } else {
            "502 no\r\n".to_string()
        };
        if reader.get_mut().write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// Old server `mail.example-univ.test`, new server Exchange Online; plaintext ports so the
/// DNS and HTTP scenarios have no TLS endpoints to probe. With `address`, an `[account]`.
pub fn dns_profile(dir: &Path, address: Option<&str>) -> String {
    let account = address
        .map(|a| format!("[account]\naddress = \"{a}\"\n"))
        .unwrap_or_default();
    let path = dir.join("profile.toml");
    std::fs::write(
        &path,
        format!(
            r#"[organisation]
name = "Example University"
domain = "example-univ.test"
{account}[old]
host = "mail.example-univ.test"
imap = {{ port = 143, security = "plain" }}
allow_plaintext = true
[new]
host = "outlook.office365.com"
imap = {{ port = 143, security = "plain" }}
allow_plaintext = true
"#
        ),
    )
    .expect("profile");
    path.display().to_string()
}
