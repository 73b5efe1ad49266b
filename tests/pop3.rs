//! # POP3 adapter against a real Dovecot
//!
//! Starts a private Dovecot 2.3 (POP3 + POP3S, a passwd-file user, an OAuth2 passdb, a
//! Maildir written here) per test and checks that what the client reads equals what was
//! written, byte for byte, over POP3S, STLS and plaintext, and that failures are typed.
//!
//! The launcher lives in [`launcher`] and is meant to be replaced by the shared
//! `ikou-testbed` crate. A missing `dovecot` or `openssl` binary fails the tests: they
//! never skip silently.
//!
//! Observed Dovecot behaviour worth knowing: RETR sets `\Seen` on the message (committed
//! even when the client disconnects without QUIT; the Maildir file gains `S` on the next
//! sync), TOP does not. Nothing is ever deleted.

use std::time::Duration;

use futures::StreamExt;
use ikou::net::{Endpoint, NetError, Security, Timeouts, TlsPolicy};
use ikou::pop3::{self, AuthMethod, ConnectOptions, Credentials, Pop3Error, Pop3Session};
use ikou::secret::Secret;

use launcher::{Dovecot, PASSWORD, USER};

/// The corpus: small and large messages, dot-stuffing cases, 8-bit text, and more
/// messages than the pipelining window. CRLF throughout, as Dovecot serves it.
fn corpus() -> Vec<Vec<u8>> {
    let mut messages = vec![
        b"From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: hello\r\n\r\nHi Alice.\r\n"
            .to_vec(),
        b"Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\n...three\r\nmiddle . dot\r\n.\r\n".to_vec(),
        "Subject: =?UTF-8?B?5pel5pys6Kqe?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nこんにちは、世界。\r\nGrüße\r\n"
            .as_bytes()
            .to_vec(),
    ];
    let mut big = b"Subject: big\r\n\r\n".to_vec();
    for i in 0..6000 {
        if i % 50 == 0 {
            big.extend_from_slice(b".");
        }
        big.extend_from_slice(format!("line {i:05} {}\r\n", "x".repeat(40)).as_bytes());
    }
    messages.push(big);
    for i in 5..=12 {
        messages.push(format!("Subject: filler {i}\r\n\r\nmessage number {i}\r\n").into_bytes());
    }
    messages
}

fn options(server: &Dovecot, security: Security, trust_ca: bool) -> ConnectOptions {
    ConnectOptions {
        endpoint: Endpoint {
            host: "localhost".into(),
            port: match security {
                Security::Tls => server.pop3s_port,
                Security::Starttls | Security::Plain => server.pop3_port,
            },
            security,
        },
        tls: TlsPolicy {
            ca_file: trust_ca.then(|| server.ca_file.clone()),
            pin_sha256: None,
        },
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            io: Duration::from_secs(10),
        },
        allow_plaintext: false,
    }
}

fn login(method: AuthMethod, secret: &str) -> Credentials {
    Credentials {
        username: USER.into(),
        method,
        secret: Secret::new(secret),
    }
}

/// Checks every read-only operation against the written corpus.
async fn check_session(server: &Dovecot, session: &mut Pop3Session) {
    let messages = &server.messages;
    let count = messages.len() as u32;
    let total: u64 = messages.iter().map(|m| m.len() as u64).sum();
    assert_eq!(session.stat().await.expect("STAT"), (count, total));

    let sizes: Vec<(u32, u64)> = (1..=count)
        .zip(messages.iter().map(|m| m.len() as u64))
        .collect();
    assert_eq!(session.list().await.expect("LIST"), sizes);
    assert_eq!(session.list_one(4).await.expect("LIST 4"), sizes[3]);

    let uids: Vec<(u32, String)> = (1..=count).map(|n| (n, server.uidl(n))).collect();
    assert_eq!(session.uidl().await.expect("UIDL"), uids);
    assert_eq!(session.uidl_one(2).await.expect("UIDL 2"), uids[1]);

    for (n, message) in (1..=count).zip(messages) {
        let header_end = message
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("corpus messages have a header")
            + 4;
        assert_eq!(
            session.top(n, 0).await.expect("TOP"),
            &message[..header_end],
            "TOP {n} 0"
        );
    }
    for (n, message) in (1..=count).zip(messages) {
        assert_eq!(&session.retr(n).await.expect("RETR"), message, "RETR {n}");
    }

    // Pipelined, in a different order, past the window.
    let order: Vec<u32> = (1..=count).rev().collect();
    let fetched: Vec<(u32, Vec<u8>)> = session
        .retr_many(&order)
        .map(|r| r.expect("pipelined RETR"))
        .collect()
        .await;
    assert_eq!(fetched.len(), order.len());
    for ((msgno, bytes), want) in fetched.iter().zip(&order) {
        assert_eq!(msgno, want);
        assert_eq!(
            bytes,
            &messages[*msgno as usize - 1],
            "pipelined RETR {msgno}"
        );
    }
}

#[tokio::test]
async fn pop3s_reads_exactly_what_the_maildir_holds_and_deletes_nothing() {
    let server = Dovecot::start(corpus());
    let mut session = pop3::connect(
        &options(&server, Security::Tls, true),
        &login(AuthMethod::Login, PASSWORD),
    )
    .await
    .expect("connect over POP3S");
    assert!(session.pipelining(), "Dovecot announces PIPELINING");
    check_session(&server, &mut session).await;
    session.quit().await.expect("QUIT");
    // Let the pop3 process finish its UPDATE state, then count the files.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.message_files(), server.messages.len());
}

#[tokio::test]
async fn stls_upgrade_then_auth_plain() {
    let server = Dovecot::start(corpus());
    let mut session = pop3::connect(
        &options(&server, Security::Starttls, true),
        &login(AuthMethod::Plain, PASSWORD),
    )
    .await
    .expect("connect with STLS and AUTH PLAIN");
    check_session(&server, &mut session).await;
    session.quit().await.expect("QUIT");
}

#[tokio::test]
async fn plaintext_needs_allow_plaintext() {
    let server = Dovecot::start(corpus());
    let mut opts = options(&server, Security::Plain, false);
    let error = pop3::connect(&opts, &login(AuthMethod::Login, PASSWORD))
        .await
        .expect_err("plaintext must be refused");
    assert!(
        matches!(error, Pop3Error::PlaintextRefused { .. }),
        "{error:?}"
    );
    // Allowed explicitly, it works (Dovecot treats loopback as secured).
    opts.allow_plaintext = true;
    let mut session = pop3::connect(&opts, &login(AuthMethod::Login, PASSWORD))
        .await
        .expect("plaintext when allowed");
    assert_eq!(
        session.stat().await.expect("STAT").0,
        server.messages.len() as u32
    );
    session.quit().await.expect("QUIT");
}

#[tokio::test]
async fn wrong_password_is_a_typed_rejection_without_the_secret() {
    let server = Dovecot::start(corpus());
    for method in [AuthMethod::Login, AuthMethod::Plain] {
        let wrong = "not-the-password-42";
        let error = pop3::connect(
            &options(&server, Security::Tls, true),
            &login(method, wrong),
        )
        .await
        .expect_err("wrong password must fail");
        match &error {
            Pop3Error::AuthRejected { user, detail, .. } => {
                assert_eq!(user, USER);
                assert!(detail.contains("Authentication failed"), "{detail}");
            }
            other => panic!("{method:?}: {other:?}"),
        }
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(wrong), "{shown}");
    }
}

#[tokio::test]
async fn untrusted_certificate_is_reported_for_pop3s_and_stls() {
    let server = Dovecot::start(corpus());
    for security in [Security::Tls, Security::Starttls] {
        let error = pop3::connect(
            &options(&server, security, false),
            &login(AuthMethod::Login, PASSWORD),
        )
        .await
        .expect_err("self-made CA is not trusted");
        assert!(
            matches!(error, Pop3Error::Net(NetError::UntrustedCertificate { .. })),
            "{security}: {error:?}"
        );
    }
}

#[tokio::test]
async fn second_session_sees_mailbox_in_use() {
    let server = Dovecot::start(corpus());
    let mut opts = options(&server, Security::Tls, true);
    // Dovecot waits about 10 s for the session lock before answering [IN-USE].
    opts.timeouts.io = Duration::from_secs(30);
    let mut first = pop3::connect(&opts, &login(AuthMethod::Login, PASSWORD))
        .await
        .expect("first session");
    first.stat().await.expect("STAT");
    let error = pop3::connect(&opts, &login(AuthMethod::Login, PASSWORD))
        .await
        .expect_err("the maildrop is locked");
    assert!(matches!(error, Pop3Error::MailboxInUse { .. }), "{error:?}");
    first.quit().await.expect("QUIT");
}

#[tokio::test]
async fn xoauth2_with_a_real_jwt() {
    let server = Dovecot::start(corpus());
    let opts = options(&server, Security::Tls, true);
    let token = server.token(USER, &server.hmac_key);
    assert!(token.len() > 255, "exercises the continuation path");
    let mut session = pop3::connect(&opts, &login(AuthMethod::Xoauth2, &token))
        .await
        .expect("XOAUTH2 with a valid token");
    assert_eq!(
        session.stat().await.expect("STAT").0,
        server.messages.len() as u32
    );
    session.quit().await.expect("QUIT");

    // A token signed with another key: Dovecot sends a JSON error as a continuation,
    // which must be acknowledged before the final -ERR.
    let forged = server.token(USER, b"some other key");
    let error = pop3::connect(&opts, &login(AuthMethod::Xoauth2, &forged))
        .await
        .expect_err("forged token");
    match &error {
        Pop3Error::AuthRejected { detail, .. } => {
            // Dovecot's JSON error, decoded from the continuation and quoted.
            assert!(detail.contains(r#""status":"401""#), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.to_string().contains(&forged));
}

#[tokio::test]
async fn dovecot_marks_retr_as_seen_but_not_top() {
    // Not a property of our client but of the server: it decides whether the POP3 path
    // can leave flags untouched. Pinned here so a change in Dovecot is noticed.
    let server = Dovecot::start(corpus());
    let mut session = pop3::connect(
        &options(&server, Security::Tls, true),
        &login(AuthMethod::Login, PASSWORD),
    )
    .await
    .expect("connect");
    session.retr(1).await.expect("RETR 1");
    session.top(2, 0).await.expect("TOP 2 0");
    session.quit().await.expect("QUIT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.flags(1), "S", "RETR sets \\Seen");
    assert_eq!(server.flags(2), "", "TOP leaves flags alone");
    assert_eq!(server.message_files(), server.messages.len());
}

/// A private Dovecot per test. Everything about starting it is here, so the shared test
/// bed can replace this module without touching the tests.
mod launcher {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicU16, Ordering};
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use sha2::{Digest, Sha256};

    pub const USER: &str = "alice";
    pub const PASSWORD: &str = "wonder land";
    const UID_VALIDITY: u32 = 1_700_000_000;
    const ISSUER: &str = "https://login.example-univ.test/ikou-tests";
    /// Tests in this file use ports 31800-31899, two per server.
    const FIRST_PORT: u16 = 31800;
    const LAST_PORT: u16 = 31899;
    static NEXT_PORT: AtomicU16 = AtomicU16::new(FIRST_PORT);

    pub struct Dovecot {
        child: Child,
        dir: tempfile::TempDir,
        pub pop3_port: u16,
        pub pop3s_port: u16,
        pub ca_file: PathBuf,
        pub messages: Vec<Vec<u8>>,
        pub hmac_key: Vec<u8>,
    }

    impl Drop for Dovecot {
        fn drop(&mut self) {
            // SIGKILL to the process group ends the master and every login/auth/pop3 child
            // at once; SIGTERM would take about a second per test.
            kill_group(&mut self.child);
        }
    }

    fn run(program: &str, args: &[&str], dir: &Path) {
        let output = Command::new(program)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program} (is it installed?): {e}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn id(flag: &str) -> String {
        let output = Command::new("id")
            .arg(flag)
            .output()
            .expect("the id command");
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// `$DOVECOT` if set (and then only that), else `/usr/sbin/dovecot` or `dovecot` on PATH.
    fn dovecot_binary() -> PathBuf {
        let hint = "apt-get install dovecot-core dovecot-pop3d, or set DOVECOT=/path/to/dovecot; these tests need a real server and never skip";
        if let Some(explicit) = std::env::var_os("DOVECOT") {
            let explicit = PathBuf::from(explicit);
            assert!(
                explicit.is_file(),
                "DOVECOT={} does not exist ({hint})",
                explicit.display()
            );
            return explicit;
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::iter::once(PathBuf::from("/usr/sbin/dovecot"))
            .chain(std::env::split_paths(&path).map(|p| p.join("dovecot")))
            .find(|candidate| candidate.is_file())
            .unwrap_or_else(|| panic!("dovecot is not installed ({hint})"))
    }

    fn write(path: &Path, contents: &[u8]) {
        std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }

    fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
        let mut block = [0u8; 64];
        if key.len() > 64 {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
        let inner = Sha256::new()
            .chain_update(pad(0x36))
            .chain_update(data)
            .finalize();
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize()
            .to_vec()
    }

    fn maildir_name(n: usize, size: usize) -> String {
        format!(
            "{}.M{n}P1.ikoutest,S={size},W={size}",
            UID_VALIDITY as usize + n
        )
    }

    impl Dovecot {
        /// The UIDL Dovecot reports with its default `pop3_uidl_format = %08Xu%08Xv`.
        pub fn uidl(&self, msgno: u32) -> String {
            format!("{msgno:08x}{UID_VALIDITY:08x}")
        }

        /// Message files still in the Maildir (flags may have changed their names).
        pub fn message_files(&self) -> usize {
            ["cur", "new"]
                .iter()
                .map(|sub| {
                    std::fs::read_dir(
                        self.dir
                            .path()
                            .join("home")
                            .join(USER)
                            .join("Maildir")
                            .join(sub),
                    )
                    .map(|d| d.count())
                    .unwrap_or(0)
                })
                .sum()
        }

        /// The Maildir flags (after `:2,`) of message `msgno`.
        pub fn flags(&self, msgno: usize) -> String {
            let prefix = format!("{}.", UID_VALIDITY as usize + msgno);
            let cur = self.dir.path().join("home").join(USER).join("Maildir/cur");
            std::fs::read_dir(cur)
                .expect("cur/")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .find(|name| name.starts_with(&prefix))
                .and_then(|name| name.split_once(":2,").map(|(_, f)| f.to_string()))
                .unwrap_or_else(|| panic!("message {msgno} is missing from cur/"))
        }

        /// An HS256 JWT for `user`, as Dovecot's local OAuth2 validation wants it.
        pub fn token(&self, user: &str, key: &[u8]) -> String {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock")
                .as_secs();
            let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
            let claims = URL_SAFE_NO_PAD.encode(format!(
                r#"{{"sub":"{user}","email":"{user}","iss":"{ISSUER}","iat":{},"nbf":{},"exp":{}}}"#,
                now - 60,
                now - 60,
                now + 3600
            ));
            let signed = format!("{header}.{claims}");
            let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(key, signed.as_bytes()));
            format!("{signed}.{signature}")
        }

        /// Writes certificates, config, passdbs and the Maildir, starts `dovecot -F` and
        /// waits for its POP3 greeting. Panics with the server log on any failure.
        pub fn start(messages: Vec<Vec<u8>>) -> Dovecot {
            let binary = dovecot_binary();
            // base_dir holds unix sockets (108-byte path limit), so keep the path short.
            let dir = tempfile::Builder::new()
                .prefix("ikp3-")
                .tempdir_in("/tmp")
                .expect("temp dir");
            let root = dir.path().to_path_buf();
            // Login processes chroot into base_dir/login: the path must be traversable.
            std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
            for sub in ["tls", "base", "state", "keys/default/HS256"] {
                std::fs::create_dir_all(root.join(sub)).expect("mkdir");
            }

            // A CA and a server certificate for localhost/127.0.0.1 signed by it.
            // EC keys: instant, unlike RSA key generation on a small machine.
            let tls = root.join("tls");
            run(
                "openssl",
                &[
                    "req",
                    "-x509",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=ikou test CA",
                    "-addext",
                    "basicConstraints=critical,CA:TRUE",
                    "-addext",
                    "keyUsage=critical,keyCertSign,cRLSign",
                ],
                &tls,
            );
            run(
                "openssl",
                &[
                    "req",
                    "-newkey",
                    "ec",
                    "-pkeyopt",
                    "ec_paramgen_curve:prime256v1",
                    "-nodes",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr",
                    "-subj",
                    "/CN=localhost",
                ],
                &tls,
            );
            write(
                &tls.join("ext"),
                b"subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
            );
            run(
                "openssl",
                &[
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    "server.pem",
                    "-days",
                    "2",
                    "-extfile",
                    "ext",
                ],
                &tls,
            );
            for file in ["ca.pem", "server.pem", "server.key"] {
                std::fs::set_permissions(tls.join(file), std::fs::Permissions::from_mode(0o644))
                    .expect("chmod");
            }

            // Who owns the mail: Dovecot refuses to access mail as root.
            let is_root = std::fs::metadata("/proc/self").map(|m| m.uid()).ok() == Some(0);
            let (mail_user, mail_group) = if is_root {
                ("nobody".to_string(), "nogroup".to_string())
            } else {
                (id("-un"), id("-gn"))
            };

            // passwd-file user, OAuth2 key (the fs dict file holds the key in base64).
            write(
                &root.join("passwd"),
                format!("{USER}:{{PLAIN}}{PASSWORD}::::::\n").as_bytes(),
            );
            let hmac_key = b"ikou pop3 test key, 32 bytes ok!".to_vec();
            write(
                &root.join("keys/default/HS256/default"),
                STANDARD.encode(&hmac_key).as_bytes(),
            );
            write(
                &root.join("oauth2.conf.ext"),
                format!(
                    "introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={}/keys/\nusername_attribute = email\nissuers = {ISSUER}\n",
                    root.display()
                )
                .as_bytes(),
            );

            // The Maildir, with a dovecot-uidlist so UIDs and UIDVALIDITY (hence UIDL) are known.
            let maildir = root.join("home").join(USER).join("Maildir");
            for sub in ["cur", "new", "tmp"] {
                std::fs::create_dir_all(maildir.join(sub)).expect("mkdir");
            }
            let mut uidlist = format!(
                "3 V{UID_VALIDITY} N{} G{}\n",
                messages.len() + 1,
                "0123456789abcdef0123456789abcdef"
            );
            for (i, message) in messages.iter().enumerate() {
                let name = maildir_name(i + 1, message.len());
                write(&maildir.join("cur").join(format!("{name}:2,")), message);
                uidlist.push_str(&format!("{} :{name}\n", i + 1));
            }
            write(&maildir.join("dovecot-uidlist"), uidlist.as_bytes());
            if is_root {
                run(
                    "chown",
                    &["-R", &format!("{mail_user}:{mail_group}"), "home"],
                    &root,
                );
            }

            let unprivileged = if is_root {
                String::new()
            } else {
                format!(
                    "default_internal_user = {mail_user}\ndefault_login_user = {mail_user}\ndefault_internal_group = {mail_group}\nfirst_valid_uid = 1\nservice anvil {{\n  chroot =\n}}\nservice pop3-login {{\n  chroot =\n}}\n"
                )
            };

            let mut attempts = 0;
            loop {
                attempts += 1;
                let port = NEXT_PORT.fetch_add(2, Ordering::SeqCst);
                assert!(
                    port < LAST_PORT,
                    "out of test ports in {FIRST_PORT}-{LAST_PORT}"
                );
                let conf = format!(
                    r#"# ikou POP3 integration test server
protocols = pop3
listen = 127.0.0.1
base_dir = {root}/base
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/tls/server.pem
ssl_key = <{root}/tls/server.key
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_uid = {mail_user}
mail_gid = {mail_group}
# Legacy servers lock the maildrop per session; test [IN-USE] against the real thing.
pop3_lock_session = yes
{unprivileged}
service pop3-login {{
  inet_listener pop3 {{
    port = {port}
  }}
  inet_listener pop3s {{
    port = {pop3s}
    ssl = yes
  }}
}}
# No auth penalty: one negative test would otherwise slow every later login.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
"#,
                    root = root.display(),
                    pop3s = port + 1,
                );
                let conf_path = root.join("dovecot.conf");
                write(&conf_path, conf.as_bytes());
                // Stale sockets in base_dir slow start-up; start from an empty one.
                let _ = std::fs::remove_dir_all(root.join("base"));
                std::fs::create_dir_all(root.join("base")).expect("mkdir");
                let _ = std::fs::remove_file(root.join("dovecot.log"));

                let mut child = Command::new(&binary)
                    .arg("-F")
                    .arg("-c")
                    .arg(&conf_path)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .process_group(0)
                    .spawn()
                    .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
                match wait_ready(&mut child, port, &root) {
                    Ok(()) => {
                        return Dovecot {
                            child,
                            dir,
                            pop3_port: port,
                            pop3s_port: port + 1,
                            ca_file: tls.join("ca.pem"),
                            messages,
                            hmac_key,
                        };
                    }
                    Err(log) => {
                        kill_group(&mut child);
                        // Another process holds the port: take the next pair.
                        if !(log.contains("Address already in use") && attempts < 10) {
                            panic!("Dovecot did not start:\n{log}");
                        }
                    }
                }
            }
        }
    }

    /// Ends the master and all its children (it runs in its own process group).
    fn kill_group(child: &mut Child) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Waits for the POP3 greeting (the port accepts connections before auth is ready, so
    /// connecting alone is not enough). Returns the log when the server exits or stalls.
    fn wait_ready(child: &mut Child, port: u16, root: &Path) -> Result<(), String> {
        let log = || std::fs::read_to_string(root.join("dovecot.log")).unwrap_or_default();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                let mut stderr = String::new();
                if let Some(mut pipe) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
                }
                return Err(format!("exited with {status}\n{stderr}\n{}", log()));
            }
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut greeting = String::new();
                if BufReader::new(&stream).read_line(&mut greeting).is_ok()
                    && greeting.starts_with("+OK")
                {
                    let _ = (&stream).write_all(b"QUIT\r\n");
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                return Err(format!("no POP3 greeting within 15 s\n{}", log()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
