//! # Dovecot server guard
//!
//! [`Dovecot::start`] writes a private configuration and maildirs under a short `/tmp/ikt*`
//! directory, runs `dovecot -F` as a child in its own process group on four loopback ports and
//! returns once both the IMAP and POP3 listeners greet. Dropping the guard kills the server and
//! removes the directory, so each test gets a real, isolated server.
//!
//! Security posture, chosen to mirror production servers:
//! - `ssl = yes` (not `required`): the plain ports offer STARTTLS / STLS; the `imaps`/`pop3s`
//!   ports are implicit TLS with a certificate from a private CA ([`Dovecot::ca_file`]).
//! - `disable_plaintext_auth = yes`, and no `login_trusted_networks`. Dovecot counts a
//!   connection as *secured* when the client IP equals the server IP, so a client on
//!   127.0.0.1 may still LOGIN in plaintext. To see `LOGINDISABLED` (the "STARTTLS required"
//!   case) bind the client socket to **127.0.0.2** before connecting: every 127/8 address
//!   routes to `lo`, and the server only listens on 127.0.0.1.
//! - Auth penalty off and `auth_failure_delay = 0`, so negative login tests stay fast
//!   (a failure still costs about 0.4 s of Dovecot's flush timer).

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::corpus::{Corpus, CorpusMessage};
use crate::{maildir, mutf7, tls, wire};

/// Mailbox layout and naming of a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// A typical legacy university server (Courier-style): Maildir++, separator `.`, every
    /// folder under `INBOX.`, SPECIAL-USE on Sent/送信済みトレイ, Drafts/下書き,
    /// Trash/ごみ箱 and Junk/迷惑メール, and (by default) a quota.
    Legacy,
    /// Shaped like Exchange Online's IMAP: separator `/`, no prefix, no SPECIAL-USE
    /// attributes and no QUOTA capability; APPENDs above 35 MiB are refused
    /// ([`crate::scenario::EXCHANGE_MAX_MESSAGE_BYTES`]). Stored as maildir `LAYOUT=fs`.
    ExchangeLike,
}

impl Layout {
    /// The hierarchy separator clients see.
    pub fn separator(self) -> char {
        match self {
            Layout::Legacy => '.',
            Layout::ExchangeLike => '/',
        }
    }
}

/// A mail account and what its mailbox holds when the server starts.
#[derive(Debug, Clone)]
pub struct User {
    /// Login name.
    pub name: String,
    /// Plaintext password (stored `{PLAIN}` in the passwd-file).
    pub password: String,
    /// Messages written into the maildir before Dovecot starts.
    pub corpus: Corpus,
}

impl User {
    /// Convenience constructor.
    pub fn new(name: &str, password: &str, corpus: Corpus) -> User {
        User {
            name: name.to_string(),
            password: password.to_string(),
            corpus,
        }
    }
}

/// What to start.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Mailbox layout and naming.
    pub layout: Layout,
    /// Accounts; their corpora are written to disk and then dropped.
    pub users: Vec<User>,
    /// Enable the quota plugin (count backend with `quota_vsizes = yes`, so GETQUOTAROOT
    /// reports the sum of RFC822.SIZEs, rounded up to KiB). The storage limit is 200 MiB, or
    /// more for a corpus that would not fit (1.5x the largest corpus, in 100 MiB steps);
    /// the message limit is 50,000, or 1.5x the most messages of a corpus (in 10,000 steps)
    /// when that is more, so a big benchmark corpus can still receive new mail.
    pub quota: bool,
    /// Optional Dovecot master user `(name, password)`: log in as `user*name` with the
    /// master password to act as any user.
    pub master_user: Option<(String, String)>,
    /// How clients sign in: passwords (LOGIN/PLAIN), or bearer tokens only.
    pub auth: Auth,
}

/// The sign-in mechanisms a server offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Auth {
    /// LOGIN and PLAIN against the passwd-file.
    #[default]
    Password,
    /// As Exchange Online: only `AUTHENTICATE XOAUTH2` (no OAUTHBEARER, no password), every
    /// token checked by RFC 7662 introspection at this URL (which carries Dovecot's client
    /// credentials, e.g. `http://dovecot:secret@127.0.0.1:PORT/introspect`).
    Xoauth2Only {
        /// The authorization server's introspection endpoint.
        introspection_url: String,
    },
}

impl ServerOptions {
    /// Options with the layout's default quota (Legacy: on, ExchangeLike: off).
    pub fn new(layout: Layout, users: Vec<User>) -> ServerOptions {
        ServerOptions {
            layout,
            users,
            quota: layout == Layout::Legacy,
            master_user: None,
            auth: Auth::Password,
        }
    }
}

/// Connection facts for a running server (serialisable for state files).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Always `127.0.0.1`.
    pub host: String,
    /// Plain IMAP (STARTTLS offered).
    pub imap_port: u16,
    /// IMAP over implicit TLS.
    pub imaps_port: u16,
    /// Plain POP3 (STLS offered).
    pub pop3_port: u16,
    /// POP3 over implicit TLS.
    pub pop3s_port: u16,
    /// PEM of the CA that signed the server certificate.
    pub ca_file: PathBuf,
    /// Lower-case hex SHA-256 of the server certificate (DER).
    pub cert_sha256: String,
    /// Names the certificate is valid for besides `127.0.0.1`.
    pub tls_names: Vec<String>,
    /// Run directory (config, logs, maildirs).
    pub dir: PathBuf,
    /// `dovecot.conf`, usable with `doveadm -c`.
    pub conf: PathBuf,
    /// Mailbox layout.
    pub layout: Layout,
    /// Hierarchy separator as clients see it.
    pub separator: String,
}

/// Host names in the server certificate (plus IP 127.0.0.1).
pub const TLS_NAMES: &[&str] = &[
    "localhost",
    "mail.example-univ.test",
    "imap.example-univ.test",
    "pop.example-univ.test",
];

const HOST: &str = "127.0.0.1";
const PORT_LOW: u16 = 31000;
const SLOTS: u64 = 250;
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Names of mailboxes that get SPECIAL-USE on the legacy layout (without the `INBOX.` prefix,
/// which is how Dovecot matches `mailbox` blocks inside a prefixed namespace).
const LEGACY_SPECIAL_USE: &[(&str, &str)] = &[
    ("Sent", "\\Sent"),
    ("送信済みトレイ", "\\Sent"),
    ("Drafts", "\\Drafts"),
    ("下書き", "\\Drafts"),
    ("Trash", "\\Trash"),
    ("ごみ箱", "\\Trash"),
    ("Junk", "\\Junk"),
    ("迷惑メール", "\\Junk"),
];

/// Who owns the mail files and runs Dovecot's internal processes.
#[derive(Debug, Clone)]
struct Identity {
    root: bool,
    mail_uid: u32,
    mail_gid: u32,
    user_name: String,
    group_name: String,
}

fn identity() -> Result<Identity> {
    let uid = tls::my_uid();
    if uid == 0 {
        // Dovecot refuses to access mail as uid 0, so root runs use nobody:nogroup.
        let uid = lookup_id("/etc/passwd", "nobody").unwrap_or(65534);
        let gid = lookup_id("/etc/group", "nogroup")
            .or_else(|| lookup_id("/etc/group", "nobody"))
            .unwrap_or(65534);
        return Ok(Identity {
            root: true,
            mail_uid: uid,
            mail_gid: gid,
            user_name: String::new(),
            group_name: String::new(),
        });
    }
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new("id")
            .args(args)
            .output()
            .context("running `id`")?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let gid: u32 = run(&["-g"])?.parse().context("parsing `id -g`")?;
    Ok(Identity {
        root: false,
        mail_uid: uid,
        mail_gid: gid,
        user_name: run(&["-un"])?,
        group_name: run(&["-gn"])?,
    })
}

fn lookup_id(file: &str, name: &str) -> Option<u32> {
    fs::read_to_string(file).ok()?.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == name).then(|| f.nth(1)?.parse().ok())?
    })
}

fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Result of one launch attempt.
enum Launch {
    Ready(Child),
    PortBusy,
}

/// A running Dovecot; stops (and deletes its directory) on drop.
pub struct Dovecot {
    dir: PathBuf,
    conf: PathBuf,
    log_path: PathBuf,
    stderr_path: PathBuf,
    base_dir: PathBuf,
    dovecot_bin: PathBuf,
    doveadm_bin: PathBuf,
    base_port: u16,
    child: Option<Child>,
    layout: Layout,
    users: Vec<(String, String)>,
    ca_file: PathBuf,
    cert_sha256: String,
    quota_mb: Option<u64>,
    quota_messages: u64,
    master_user: bool,
    auth: Auth,
    ident: Identity,
    keep: bool,
    // Last: removed after the server is gone.
    tmp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Dovecot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dovecot")
            .field("dir", &self.dir)
            .field("imap_port", &self.imap_port())
            .finish_non_exhaustive()
    }
}

impl Dovecot {
    /// Writes config and maildirs, starts Dovecot and waits (up to 10 s) for the IMAP and
    /// POP3 greetings. Tries up to 10 port blocks in 31000-31999 if one is taken.
    ///
    /// Fails, never skips, when Dovecot is not installed. Set `IKOU_TESTBED_KEEP=1` to keep
    /// the run directory after the guard is dropped (its path is printed to stderr).
    pub fn start(opts: ServerOptions) -> Result<Dovecot> {
        let dovecot_bin = find_binary("dovecot").ok_or_else(|| {
            anyhow!("`dovecot` not found: the ikou test bed needs a real Dovecot; install it with `apt-get install dovecot-imapd dovecot-pop3d`")
        })?;
        let doveadm_bin = find_binary("doveadm").ok_or_else(|| {
            anyhow!(
                "`doveadm` not found: install it with `apt-get install dovecot-imapd dovecot-pop3d`"
            )
        })?;
        let tls = tls::tls()?;
        let ident = identity()?;
        for u in &opts.users {
            if u.name.is_empty()
                || u.name.contains([':', '*', '/', ' '])
                || u.password.contains([':', '\n'])
            {
                bail!(
                    "user name {:?} or its password cannot go into a passwd-file",
                    u.name
                );
            }
        }

        let tmp = tempfile::Builder::new()
            .prefix("ikt")
            .tempdir_in("/tmp")
            .context("creating run dir in /tmp")?;
        let dir = tmp.path().to_path_buf();
        // tempdir is 0700; the auth process (user dovecot) must read the passwd-file and the
        // login chroot must be traversable.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
        fs::create_dir_all(dir.join("state"))?;
        fs::create_dir_all(dir.join("home"))?;
        fs::create_dir_all(dir.join("tls"))?;
        fs::copy(&tls.ca, dir.join("ca.pem"))?;
        fs::copy(&tls.cert, dir.join("tls/server.pem"))?;
        fs::copy(&tls.key, dir.join("tls/server.key"))?;
        fs::set_permissions(
            dir.join("tls/server.key"),
            fs::Permissions::from_mode(0o600),
        )?;

        let mut passwd = String::new();
        let mut largest = 0u64;
        let mut most_messages = 0u64;
        for u in &opts.users {
            let home = dir.join("home").join(&u.name);
            maildir::write_corpus(&home, opts.layout, &u.corpus)
                .with_context(|| format!("writing corpus of {}", u.name))?;
            largest = largest.max(u.corpus.total_bytes());
            most_messages = most_messages.max(u.corpus.total_messages() as u64);
            passwd.push_str(&format!(
                "{}:{{PLAIN}}{}:{}:{}::{}::\n",
                u.name,
                u.password,
                ident.mail_uid,
                ident.mail_gid,
                home.display()
            ));
        }
        fs::write(dir.join("passwd"), passwd)?;
        fs::set_permissions(dir.join("passwd"), fs::Permissions::from_mode(0o644))?;
        if let Auth::Xoauth2Only { introspection_url } = &opts.auth {
            let ext = dir.join("oauth2-introspection.conf.ext");
            fs::write(
                &ext,
                format!(
                    "introspection_mode = post\nintrospection_url = {introspection_url}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n"
                ),
            )?;
            fs::set_permissions(&ext, fs::Permissions::from_mode(0o644))?;
        }
        if let Some((name, pass)) = &opts.master_user {
            fs::write(
                dir.join("master-users"),
                format!("{name}:{{PLAIN}}{pass}\n"),
            )?;
            fs::set_permissions(dir.join("master-users"), fs::Permissions::from_mode(0o644))?;
        }
        if ident.root {
            let out = Command::new("chown")
                .arg("-R")
                .arg(format!("{}:{}", ident.mail_uid, ident.mail_gid))
                .arg(dir.join("home"))
                .output()
                .context("running chown")?;
            if !out.status.success() {
                bail!(
                    "chown of mail files failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        let quota_mb = opts.quota.then(|| {
            let need = largest * 3 / 2 / (1 << 20);
            200u64.max(need.div_ceil(100) * 100)
        });
        let quota_messages = 50_000u64.max((most_messages * 3 / 2).div_ceil(10_000) * 10_000);

        let keep = std::env::var_os("IKOU_TESTBED_KEEP").is_some_and(|v| !v.is_empty() && v != "0");
        let mut me = Dovecot {
            conf: dir.join("dovecot.conf"),
            log_path: dir.join("dovecot.log"),
            stderr_path: dir.join("dovecot.stderr"),
            base_dir: dir.join("base"),
            dir,
            dovecot_bin,
            doveadm_bin,
            base_port: 0,
            child: None,
            layout: opts.layout,
            users: opts
                .users
                .iter()
                .map(|u| (u.name.clone(), u.password.clone()))
                .collect(),
            ca_file: tmp.path().join("ca.pem"),
            cert_sha256: tls.cert_sha256.clone(),
            quota_mb,
            quota_messages,
            master_user: opts.master_user.is_some(),
            auth: opts.auth.clone(),
            ident,
            keep,
            tmp: Some(tmp),
        };
        drop(opts);

        let pid = u64::from(std::process::id());
        let mut tried = Vec::new();
        for attempt in 0..10u64 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let slot = (pid.wrapping_mul(7919) + n * 37 + attempt * 101) % SLOTS;
            let base = PORT_LOW + (slot as u16) * 4;
            tried.push(base);
            if !(0..4).all(|i| TcpListener::bind((HOST, base + i)).is_ok()) {
                continue;
            }
            match me.launch(base)? {
                Launch::Ready(child) => {
                    me.base_port = base;
                    me.child = Some(child);
                    return Ok(me);
                }
                Launch::PortBusy => continue,
            }
        }
        bail!(
            "no free port block for Dovecot after trying bases {tried:?}\n{}",
            me.log()
        )
    }

    /// Starts on `base` (imap, imaps, pop3, pop3s = base..base+3) and waits for readiness.
    fn launch(&self, base: u16) -> Result<Launch> {
        match fs::remove_dir_all(&self.base_dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            // A stale anvil-auth-penalty socket would stall auth for 5 s: never start on old sockets.
            Err(e) => return Err(e).context("wiping base_dir"),
        }
        let token = format!(
            "ikt-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        fs::write(&self.conf, self.render_conf(base, &token))?;
        let log_start = fs::metadata(&self.log_path).map_or(0, |m| m.len());
        let stderr = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stderr_path)?;
        let mut child = Command::new(&self.dovecot_bin)
            .arg("-F")
            .arg("-c")
            .arg(&self.conf)
            .stdin(Stdio::null())
            .stdout(stderr.try_clone()?)
            .stderr(stderr)
            .process_group(0)
            .spawn()
            .with_context(|| format!("spawning {}", self.dovecot_bin.display()))?;

        let deadline = Instant::now() + Duration::from_secs(10);
        let mut imap_ok = false;
        loop {
            if let Some(status) = child.try_wait()? {
                let log = self.log_since(log_start);
                if log.contains("Address already in use") {
                    return Ok(Launch::PortBusy);
                }
                bail!("dovecot exited during start-up ({status})\n{log}");
            }
            let ready = |port: u16, want: &str| {
                wire::read_greeting(HOST, port, Duration::from_millis(500))
                    .is_ok_and(|g| g.starts_with(want) && g.contains(&token))
            };
            if !imap_ok {
                imap_ok = ready(base, "* OK");
            }
            if imap_ok && ready(base + 2, "+OK") {
                return Ok(Launch::Ready(child));
            }
            if Instant::now() > deadline {
                kill_group(&mut child);
                bail!(
                    "dovecot did not greet on 127.0.0.1:{base} (IMAP) and :{} (POP3) within 10 s\n{}",
                    base + 2,
                    self.log_since(log_start)
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn render_conf(&self, base: u16, token: &str) -> String {
        let d = self.dir.display();
        let mut c = String::new();
        let mut w = |s: &str| {
            c.push_str(s);
            c.push('\n');
        };
        w("# Generated by ikou-testbed. Each test server is private: own ports, dirs and users.");
        w(&format!("base_dir = {}", self.base_dir.display()));
        w(&format!("state_dir = {d}/state"));
        w("protocols = imap pop3");
        w(&format!("listen = {HOST}"));
        w(&format!("log_path = {d}/dovecot.log"));
        w(&format!("info_log_path = {d}/dovecot.log"));
        w(&format!("debug_log_path = {d}/dovecot.log"));
        w("mail_debug = no");
        w("auth_verbose = yes");
        w(&format!("login_greeting = Dovecot (Debian) ready. {token}"));
        w("ssl = yes");
        w(&format!("ssl_cert = <{d}/tls/server.pem"));
        w(&format!("ssl_key = <{d}/tls/server.key"));
        if Path::new("/usr/share/dovecot/dh.pem").is_file() {
            w("ssl_dh = </usr/share/dovecot/dh.pem");
        }
        w("ssl_min_protocol = TLSv1.2");
        w("disable_plaintext_auth = yes");
        match &self.auth {
            Auth::Password => w("auth_mechanisms = plain login"),
            Auth::Xoauth2Only { .. } => w("auth_mechanisms = xoauth2"),
        }
        w("auth_failure_delay = 0");
        w("first_valid_uid = 1");
        w(&format!("mail_uid = {}", self.ident.mail_uid));
        w(&format!("mail_gid = {}", self.ident.mail_gid));
        if !self.ident.root {
            w(&format!("default_internal_user = {}", self.ident.user_name));
            w(&format!("default_login_user = {}", self.ident.user_name));
            w(&format!(
                "default_internal_group = {}",
                self.ident.group_name
            ));
        }
        w("mailbox_list_index = yes");
        w("pop3_uidl_format = %08Xu%08Xv");
        match self.layout {
            Layout::Legacy => {
                w("mail_location = maildir:~/Maildir");
                w("namespace inbox {");
                w("  type = private");
                w("  separator = .");
                w("  prefix = INBOX.");
                w("  inbox = yes");
                w("  list = yes");
                w("  subscriptions = yes");
                for (name, su) in LEGACY_SPECIAL_USE {
                    w(&format!("  mailbox \"{name}\" {{"));
                    w("    auto = no");
                    w(&format!("    special_use = {su}"));
                    w("  }");
                }
                w("}");
            }
            Layout::ExchangeLike => {
                w("mail_location = maildir:~/Maildir:LAYOUT=fs");
                w("namespace inbox {");
                w("  type = private");
                w("  separator = /");
                w("  prefix =");
                w("  inbox = yes");
                w("  list = yes");
                w("  subscriptions = yes");
                w("}");
            }
        }
        if self.layout == Layout::ExchangeLike && self.quota_mb.is_none() {
            // Only the size cap of Exchange Online, through the quota plugin; without
            // imap_quota no QUOTA capability is advertised, as on Exchange.
            w("mail_plugins = $mail_plugins quota");
            w("plugin {");
            w("  quota = count:Mailbox");
            w("  quota_vsizes = yes");
            w("  quota_rule = *:storage=100G");
            w(&format!(
                "  quota_max_mail_size = {}M",
                crate::scenario::EXCHANGE_MAX_MESSAGE_BYTES >> 20
            ));
            w("}");
        }
        if let Some(mb) = self.quota_mb {
            w("mail_plugins = $mail_plugins quota");
            w("protocol imap {");
            w("  mail_plugins = $mail_plugins imap_quota");
            w("}");
            w("plugin {");
            w("  quota = count:User quota");
            w("  quota_vsizes = yes");
            w(&format!(
                "  quota_rule = *:storage={mb}M:messages={}",
                self.quota_messages
            ));
            w("}");
        }
        if self.master_user {
            w("auth_master_user_separator = *");
            w("passdb {");
            w("  driver = passwd-file");
            w("  master = yes");
            w(&format!("  args = scheme=PLAIN {d}/master-users"));
            w("}");
        }
        match &self.auth {
            Auth::Password => {
                w("passdb {");
                w("  driver = passwd-file");
                w(&format!(
                    "  args = scheme=PLAIN username_format=%u {d}/passwd"
                ));
                w("}");
            }
            Auth::Xoauth2Only { .. } => {
                w("passdb {");
                w("  driver = oauth2");
                w("  mechanisms = xoauth2");
                w(&format!("  args = {d}/oauth2-introspection.conf.ext"));
                w("}");
            }
        }
        w("userdb {");
        w("  driver = passwd-file");
        w(&format!("  args = username_format=%u {d}/passwd"));
        w("}");
        let chroot = if self.ident.root { "" } else { "  chroot =\n" };
        for (svc, plain, tls_name, p) in [
            ("imap-login", "imap", "imaps", base),
            ("pop3-login", "pop3", "pop3s", base + 2),
        ] {
            c.push_str(&format!(
                "service {svc} {{\n{chroot}  inet_listener {plain} {{\n    address = {HOST}\n    port = {p}\n  }}\n  inet_listener {tls_name} {{\n    address = {HOST}\n    port = {}\n    ssl = yes\n  }}\n}}\n",
                p + 1
            ));
        }
        // Multi-line blocks: Dovecot 2.3 rejects `service anvil { ... }` on one line.
        c.push_str(&format!("service anvil {{\n{chroot}  unix_listener anvil-auth-penalty {{\n    mode = 0\n  }}\n}}\n"));
        // A test may add settings (e.g. an oauth2 passdb) in `<dir>/extra.conf`, then
        // `restart()`; later settings override earlier ones.
        c.push_str(&format!("!include_try {d}/extra.conf\n"));
        c
    }

    /// Always `127.0.0.1`.
    pub fn host(&self) -> &str {
        HOST
    }
    /// IMAP over implicit TLS.
    pub fn imaps_port(&self) -> u16 {
        self.base_port + 1
    }
    /// Plain IMAP; STARTTLS offered.
    pub fn imap_port(&self) -> u16 {
        self.base_port
    }
    /// POP3 over implicit TLS.
    pub fn pop3s_port(&self) -> u16 {
        self.base_port + 3
    }
    /// Plain POP3; STLS offered.
    pub fn pop3_port(&self) -> u16 {
        self.base_port + 2
    }
    /// PEM of the private CA that signed the server certificate.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }
    /// Lower-case hex SHA-256 of the server leaf certificate's DER (for pinning tests).
    pub fn cert_sha256(&self) -> String {
        self.cert_sha256.clone()
    }
    /// Run directory (config, logs, `home/<user>/Maildir`).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// The `dovecot.conf`, usable with `doveadm -c`.
    pub fn conf(&self) -> &Path {
        &self.conf
    }
    /// The mailbox layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
    /// Whether the quota plugin is on, and its storage limit in MiB.
    pub fn quota_limit_mib(&self) -> Option<u64> {
        self.quota_mb
    }
    /// Whether the server process is running (false after [`Dovecot::stop`]).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Connection facts, e.g. for a JSON state file.
    pub fn info(&self) -> ServerInfo {
        ServerInfo {
            host: HOST.to_string(),
            imap_port: self.imap_port(),
            imaps_port: self.imaps_port(),
            pop3_port: self.pop3_port(),
            pop3s_port: self.pop3s_port(),
            ca_file: self.ca_file.clone(),
            cert_sha256: self.cert_sha256.clone(),
            tls_names: TLS_NAMES.iter().map(|s| s.to_string()).collect(),
            dir: self.dir.clone(),
            conf: self.conf.clone(),
            layout: self.layout,
            separator: self.layout.separator().to_string(),
        }
    }

    /// Runs `doveadm -c <conf> <args>` and returns stdout; the error carries stderr.
    /// Commands that look up users need the server to be running.
    pub fn doveadm(&self, args: &[&str]) -> Result<String> {
        let out = Command::new(&self.doveadm_bin)
            .arg("-c")
            .arg(&self.conf)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {}", self.doveadm_bin.display()))?;
        if !out.status.success() {
            bail!(
                "doveadm {} failed ({}): {}{}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Stops the server: SIGTERM to the master, wait up to 5 s, then SIGKILL to its process
    /// group. Idempotent. Dovecot needs about 1.1 s to shut down cleanly.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if matches!(child.try_wait(), Ok(None)) {
                let _ = Command::new("kill")
                    .args(["-s", "TERM", &child.id().to_string()])
                    .output();
                let deadline = Instant::now() + Duration::from_secs(5);
                while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            kill_group(&mut child);
        }
    }

    /// Stops and starts again on the same ports with the same data (for "server went away
    /// mid-run" tests). Fails if another process grabbed the ports in between.
    pub fn restart(&mut self) -> Result<()> {
        self.stop();
        let mut last = String::new();
        for _ in 0..5 {
            match self.launch(self.base_port)? {
                Launch::Ready(child) => {
                    self.child = Some(child);
                    return Ok(());
                }
                Launch::PortBusy => {
                    last = self.log();
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
        }
        bail!(
            "cannot restart Dovecot: ports {}-{} are taken\n{last}",
            self.base_port,
            self.base_port + 3
        )
    }

    /// The Dovecot log plus anything it printed on stderr, for failure messages.
    pub fn log(&self) -> String {
        self.log_since(0)
    }

    fn log_since(&self, offset: u64) -> String {
        let mut s = String::new();
        if let Ok(mut f) = fs::File::open(&self.log_path) {
            use std::io::Seek as _;
            let _ = f.seek(std::io::SeekFrom::Start(offset));
            let mut buf = Vec::new();
            let _ = f.read_to_end(&mut buf);
            s.push_str(&String::from_utf8_lossy(&buf));
        }
        if let Ok(e) = fs::read_to_string(&self.stderr_path)
            && !e.trim().is_empty()
        {
            s.push_str("--- dovecot stderr ---\n");
            s.push_str(&e);
        }
        s
    }

    /// The name this server gives a corpus folder (Unicode, `/` hierarchy): Legacy turns
    /// `Projects/2024` into `INBOX.Projects.2024`; ExchangeLike keeps it. `INBOX` stays.
    pub fn server_mailbox_name(&self, folder_unicode: &str) -> String {
        server_mailbox_name(self.layout, folder_unicode)
    }

    /// The reverse of [`Dovecot::server_mailbox_name`].
    pub fn corpus_folder_name(&self, server_name: &str) -> String {
        match self.layout {
            Layout::Legacy => match server_name.strip_prefix("INBOX.") {
                Some(rest) => rest.replace('.', "/"),
                None => server_name.to_string(),
            },
            Layout::ExchangeLike => server_name.to_string(),
        }
    }

    fn password(&self, user: &str) -> Result<&str> {
        self.users
            .iter()
            .find(|(n, _)| n == user)
            .map(|(_, p)| p.as_str())
            .ok_or_else(|| anyhow!("no user {user:?} on this server"))
    }

    /// Adds a message to a live server with IMAP APPEND over the plain loopback port, keeping
    /// its flags and INTERNALDATE (for "a message arrived between runs"). Returns its UID.
    pub fn append_message(
        &self,
        user: &str,
        folder_unicode: &str,
        msg: &CorpusMessage,
    ) -> Result<u32> {
        let mut imap = wire::Imap::connect(HOST, self.imap_port())?;
        imap.login(user, self.password(user)?)?;
        let mailbox = mutf7::encode(&self.server_mailbox_name(folder_unicode));
        let uid = imap
            .append(&mailbox, &msg.flags, msg.internal_date, &msg.raw)?
            .ok_or_else(|| anyhow!("server sent no APPENDUID"))?;
        imap.logout();
        Ok(uid)
    }

    /// Sets the UIDVALIDITY of a folder (corpus name, e.g. `INBOX` or `Projects/2024`) with
    /// `doveadm mailbox update --uid-validity`, as a server rebuild would.
    pub fn set_uidvalidity(&self, user: &str, folder_unicode: &str, value: u32) -> Result<()> {
        let mbox = self.server_mailbox_name(folder_unicode);
        self.doveadm(&[
            "mailbox",
            "update",
            "-u",
            user,
            "--uid-validity",
            &value.to_string(),
            &mbox,
        ])
        .map(|_| ())
    }

    /// Current UIDVALIDITY of a folder (corpus name).
    pub fn uidvalidity(&self, user: &str, folder_unicode: &str) -> Result<u32> {
        let mbox = self.server_mailbox_name(folder_unicode);
        let out = self.doveadm(&[
            "-f",
            "flow",
            "mailbox",
            "status",
            "-u",
            user,
            "uidvalidity",
            &mbox,
        ])?;
        out.split_whitespace()
            .find_map(|kv| kv.strip_prefix("uidvalidity="))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| anyhow!("unexpected doveadm output {out:?}"))
    }

    /// Message count per folder as the server sees it, keyed by corpus (Unicode, `/`) name.
    pub fn folder_counts(&self, user: &str) -> Result<BTreeMap<String, u64>> {
        // A bare `*` matches nothing in the legacy `INBOX.`-prefixed namespace.
        let patterns: &[&str] = match self.layout {
            Layout::Legacy => &["INBOX", "INBOX.*"],
            Layout::ExchangeLike => &["*"],
        };
        let mut args = vec!["-f", "tab", "mailbox", "status", "-u", user, "messages"];
        args.extend_from_slice(patterns);
        let out = self.doveadm(&args)?;
        let mut map = BTreeMap::new();
        for line in out.lines().skip(1) {
            if let Some((name, n)) = line.rsplit_once('\t') {
                map.insert(
                    self.corpus_folder_name(name),
                    n.trim().parse().context("parsing message count")?,
                );
            }
        }
        Ok(map)
    }
}

/// See [`Dovecot::server_mailbox_name`].
pub fn server_mailbox_name(layout: Layout, folder_unicode: &str) -> String {
    match layout {
        Layout::Legacy if folder_unicode == "INBOX" => "INBOX".to_string(),
        Layout::Legacy => format!("INBOX.{}", folder_unicode.replace('/', ".")),
        Layout::ExchangeLike => folder_unicode.to_string(),
    }
}

fn kill_group(child: &mut Child) {
    let pgid = child.id();
    if matches!(child.try_wait(), Ok(None)) {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{pgid}")])
            .output();
        let _ = child.wait();
    }
    // Children (auth, imap, ...) share the group and may outlive the master by a moment.
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .output();
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        if self.keep {
            self.stop();
            if let Some(tmp) = self.tmp.take() {
                eprintln!("ikou-testbed: kept {}", tmp.keep().display());
            }
        } else if let Some(mut child) = self.child.take() {
            // The directory is deleted next, so a clean shutdown (1.1 s) buys nothing.
            kill_group(&mut child);
        }
    }
}
