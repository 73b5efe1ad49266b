//! # Cyrus IMAP 3.6 and Courier-IMAP 5: other legacy servers
//!
//! Both packages Conflict with dovecot-imapd, so they are never installed: `scripts/test`
//! (`ikou_need_peers` in scripts/lib/install.sh) unpacks their Debian packages into
//! [`peers_root`] and [`Peer::start`] runs them from there on four loopback ports
//! (imap, imaps, pop3, pop3s), like [`crate::Dovecot`]. Dropping the guard stops the server
//! and deletes its directory.
//!
//! - **Cyrus** runs straight from the unpacked tree (`LD_LIBRARY_PATH`), as `nobody` when
//!   started by root, with `sasldb` passwords and an `INBOX.`-prefixed, `.`-separated
//!   namespace. Its spool is uuid-based, so the corpus is loaded over IMAP APPEND after
//!   start-up. Cyrus logs only to syslog: a bad config just exits with status 78.
//! - **Courier** hard-codes `/etc/courier`, `/usr/lib/courier*` and `/run/courier`, so it runs
//!   inside its own mount and PID namespace (`unshare`), with the unpacked tree and a private
//!   `/etc/courier` laid over `/usr` and `/etc` (read-only overlays) and a tmpfs on `/run`.
//!   The host is untouched, and killing `unshare` ends every process of the server. The
//!   corpus is written as a Maildir++ with **UTF-8** folder names (Courier 5's on-disk
//!   form) and LF line ends; no client ever opens a folder read-write, so each STATUS and
//!   EXAMINE reports a new UIDVALIDITY, as on real Courier servers fed by delivery.
//!
//! [`Peer::stored`] is the corpus as the server returns it (fetched back after start-up):
//! Cyrus rewrites 8-bit header bytes, so tests compare with that, not with what was sent.

use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};

use crate::corpus::{Corpus, CorpusFolder, CorpusMessage, Flag};
use crate::dovecot::{Layout, ServerInfo, User};
use crate::{mutf7, tls, wire};

/// Which server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerKind {
    /// Cyrus IMAP 3.6 (imapd, pop3d).
    Cyrus,
    /// Courier-IMAP 5 (imapd, pop3d, authdaemond with a userdb).
    Courier,
}

impl PeerKind {
    /// `"Cyrus"` / `"Courier"`.
    pub fn label(self) -> &'static str {
        match self {
            PeerKind::Cyrus => "Cyrus",
            PeerKind::Courier => "Courier",
        }
    }
}

const HOST: &str = "127.0.0.1";
const PORT_LOW: u16 = 31000;
const SLOTS: u64 = 250;
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Where `scripts/test` unpacked the packages: `$IKOU_PEERS_DIR/root`, by default
/// `/var/tmp/ikou-peers-<uid>/root` (outside any home directory, so `nobody` can run it).
pub fn peers_root() -> PathBuf {
    let dir = std::env::var_os("IKOU_PEERS_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(format!("/var/tmp/ikou-peers-{}", tls::my_uid())));
    dir.join("root")
}

fn missing_hint(what: &str) -> anyhow::Error {
    anyhow!(
        "{what} not found under {}: the Cyrus/Courier tests need the unpacked Debian packages; run scripts/test (or `. scripts/lib/install.sh; ikou_need_peers`) first",
        peers_root().display()
    )
}

/// A running Cyrus or Courier; stops (and deletes its directory) on drop.
pub struct Peer {
    kind: PeerKind,
    dir: PathBuf,
    root: PathBuf,
    base_port: u16,
    child: Option<Child>,
    users: Vec<(String, String)>,
    ca_file: PathBuf,
    cert_sha256: String,
    stored: BTreeMap<String, Corpus>,
    startup: Duration,
    root_user: bool,
    keep: bool,
    tmp: Option<tempfile::TempDir>,
}

impl std::fmt::Debug for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Peer")
            .field("kind", &self.kind)
            .field("dir", &self.dir)
            .field("imap_port", &self.base_port)
            .finish_non_exhaustive()
    }
}

/// The user and group mail belongs to: `nobody`/`nogroup` for root, else the caller.
fn mail_ids(root: bool) -> (u32, u32) {
    if root {
        let id = |file: &str, names: &[&str]| {
            fs::read_to_string(file).ok().and_then(|text| {
                names.iter().find_map(|name| {
                    text.lines().find_map(|l| {
                        let mut f = l.split(':');
                        (f.next()? == *name).then(|| f.nth(1)?.parse().ok())?
                    })
                })
            })
        };
        (
            id("/etc/passwd", &["nobody"]).unwrap_or(65534),
            id("/etc/group", &["nogroup", "nobody"]).unwrap_or(65534),
        )
    } else {
        // Rootless Courier runs in a user namespace where the caller is uid 0.
        (0, 0)
    }
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

impl Peer {
    /// Starts Cyrus with these users and loads their corpora over APPEND.
    pub fn cyrus(users: Vec<User>) -> Result<Peer> {
        Peer::start(PeerKind::Cyrus, users)
    }

    /// Starts Courier with these users' corpora written as UTF-8 Maildir++ folders.
    pub fn courier(users: Vec<User>) -> Result<Peer> {
        Peer::start(PeerKind::Courier, users)
    }

    /// Starts `kind` on a free block of four ports in 31000-31999 and waits (10 s at most)
    /// until IMAP and POP3 greet; then loads and reads back the corpora. Fails, never skips,
    /// when the unpacked packages are missing. `IKOU_TESTBED_KEEP=1` keeps the run directory.
    pub fn start(kind: PeerKind, users: Vec<User>) -> Result<Peer> {
        let begin = Instant::now();
        let root = peers_root();
        let needed = match kind {
            PeerKind::Cyrus => "usr/lib/cyrus/bin/master",
            PeerKind::Courier => "usr/lib/courier/courier/imaplogin",
        };
        if !root.join(needed).is_file() {
            return Err(missing_hint(&format!("{} ({needed})", kind.label())));
        }
        for u in &users {
            if u.name.is_empty()
                || !u
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                || u.password.contains(['\n', '|', ' '])
            {
                bail!("user name {:?} or its password is not usable here", u.name);
            }
        }
        let tls = tls::tls()?;
        let tmp = tempfile::Builder::new()
            .prefix("ikp")
            // tmpfs when there is one: Cyrus fsyncs every APPEND (10 s for the corpus on disk).
            .tempdir_in(if Path::new("/dev/shm").is_dir() {
                "/dev/shm"
            } else {
                "/tmp"
            })
            .context("creating the run dir")?;
        let dir = tmp.path().to_path_buf();
        // The servers' own users (nobody) must reach their files.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))?;
        fs::copy(&tls.ca, dir.join("ca.pem"))?;
        let keep = std::env::var_os("IKOU_TESTBED_KEEP").is_some_and(|v| !v.is_empty() && v != "0");
        let mut peer = Peer {
            kind,
            ca_file: dir.join("ca.pem"),
            dir,
            root,
            base_port: 0,
            child: None,
            users: users
                .iter()
                .map(|u| (u.name.clone(), u.password.clone()))
                .collect(),
            cert_sha256: tls.cert_sha256.clone(),
            stored: BTreeMap::new(),
            startup: Duration::ZERO,
            root_user: tls::my_uid() == 0,
            keep,
            tmp: Some(tmp),
        };
        match kind {
            PeerKind::Cyrus => peer.prepare_cyrus(&tls.cert, &tls.key)?,
            PeerKind::Courier => peer.prepare_courier(&users, &tls.cert, &tls.key)?,
        }
        let pid = u64::from(std::process::id());
        let mut tried = Vec::new();
        for attempt in 0..10u64 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            // Offset from Dovecot's sequence so both rarely pick the same block.
            let slot = (pid.wrapping_mul(6007) + n * 53 + attempt * 89 + 131) % SLOTS;
            let base = PORT_LOW + (slot as u16) * 4;
            tried.push(base);
            if !(0..4).all(|i| TcpListener::bind((HOST, base + i)).is_ok()) {
                continue;
            }
            if let Some(child) = peer.launch(base)? {
                peer.base_port = base;
                peer.child = Some(child);
                break;
            }
        }
        if peer.child.is_none() {
            bail!(
                "no free port block for {} after trying bases {tried:?}",
                kind.label()
            );
        }
        peer.startup = begin.elapsed();
        if kind == PeerKind::Cyrus {
            for u in &users {
                peer.load_over_append(u)
                    .with_context(|| format!("loading the corpus of {} into Cyrus", u.name))?;
            }
        }
        for u in &users {
            let stored = peer
                .read_back(&u.name, &u.corpus)
                .with_context(|| format!("reading back the corpus of {}", u.name))?;
            peer.stored.insert(u.name.clone(), stored);
        }
        Ok(peer)
    }

    fn lib_path(&self) -> String {
        let r = self.root.display();
        format!("{r}/usr/lib/x86_64-linux-gnu:{r}/usr/lib:{r}/lib/x86_64-linux-gnu")
    }

    fn prepare_cyrus(&self, cert: &Path, key: &Path) -> Result<()> {
        let d = &self.dir;
        for sub in ["conf", "spool", "tls"] {
            fs::create_dir_all(d.join(sub))?;
        }
        fs::copy(cert, d.join("tls/server.pem"))?;
        fs::copy(key, d.join("tls/server.key"))?;
        let me = if self.root_user {
            "nobody".to_string()
        } else {
            run_ok(Command::new("id").arg("-un"), "id -un")?
                .trim()
                .to_string()
        };
        let conf = format!(
            "configdirectory: {d}/conf
partition-default: {d}/spool
servername: ikou-test
admins: cyrusadm
cyrus_user: {me}
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: {d}/sasldb2
sasl_mech_list: PLAIN LOGIN
allowplaintext: yes
unixhierarchysep: no
altnamespace: no
tls_server_cert: {d}/tls/server.pem
tls_server_key: {d}/tls/server.key
autocreate_quota: 0
autocreate_post: 1
autocreate_inbox_folders: Sent|Drafts|Trash|Junk
autocreate_subscribe_folder: Sent|Drafts|Trash|Junk
xlist-sent: Sent
xlist-drafts: Drafts
xlist-trash: Trash
xlist-junk: Junk
popminpoll: 0
",
            d = d.display()
        );
        fs::write(d.join("imapd.conf"), conf)?;
        for (name, password) in &self.users {
            let mut child = Command::new(self.root.join("usr/sbin/saslpasswd2"))
                .args(["-c", "-p", "-f"])
                .arg(d.join("sasldb2"))
                .args(["-u", "ikou-test", name])
                .env("LD_LIBRARY_PATH", self.lib_path())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .context("running saslpasswd2")?;
            if let Some(mut stdin) = child.stdin.take() {
                use std::io::Write as _;
                stdin.write_all(password.as_bytes())?;
            }
            let out = child.wait_with_output()?;
            if !out.status.success() {
                bail!(
                    "saslpasswd2 failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
        if self.root_user {
            run_ok(
                Command::new("chown").arg("-R").arg("nobody:").arg(d),
                "chown of the Cyrus directory",
            )?;
        }
        Ok(())
    }

    fn prepare_courier(&self, users: &[User], cert: &Path, key: &Path) -> Result<()> {
        let d = &self.dir;
        let etc = d.join("etc/courier");
        fs::create_dir_all(&etc)?;
        let mut pem = fs::read(key)?;
        pem.extend(fs::read(cert)?);
        fs::write(etc.join("imapd.pem"), &pem)?;
        fs::write(etc.join("pop3d.pem"), &pem)?;
        for f in ["imapd.pem", "pop3d.pem"] {
            fs::set_permissions(etc.join(f), fs::Permissions::from_mode(0o600))?;
        }
        fs::write(
            etc.join("authdaemonrc"),
            "authmodulelist=\"authuserdb\"\ndaemons=2\nauthdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\nDEFAULTOPTIONS=\"\"\nLOGGEROPTS=\"\"\n",
        )?;
        let (uid, gid) = mail_ids(self.root_user);
        let mut userdb = String::new();
        for u in users {
            let home = d.join("home").join(&u.name);
            write_courier_maildir(&home.join("Maildir"), &u.corpus)
                .with_context(|| format!("writing the maildir of {}", u.name))?;
            let hash = run_ok(
                Command::new("openssl").args(["passwd", "-1", &u.password]),
                "openssl passwd",
            )?;
            userdb.push_str(&format!(
                "{}\tuid={uid}|gid={gid}|home={}|mail={}/Maildir|systempw={}\n",
                u.name,
                home.display(),
                home.display(),
                hash.trim()
            ));
        }
        fs::write(etc.join("userdb"), userdb)?;
        fs::set_permissions(etc.join("userdb"), fs::Permissions::from_mode(0o600))?;
        if self.root_user {
            run_ok(
                Command::new("chown")
                    .arg("-R")
                    .arg(format!("{uid}:{gid}"))
                    .arg(d.join("home")),
                "chown of the maildirs",
            )?;
        }
        Ok(())
    }

    fn courier_script(&self, base: u16, token: &str) -> String {
        let d = self.dir.display();
        let r = self.root.display();
        let tcpd = "/usr/sbin/couriertcpd -address=127.0.0.1 -maxprocs=40 -maxperip=40 -nodnslookup -noidentlookup";
        format!(
            r#"set -e
# Generated by ikou-testbed: Courier in its own mount and PID namespace.
mount -t overlay overlay -o lowerdir={r}/usr:/usr /usr
mount -t tmpfs tmpfs /run
mkdir -p /run/courier/authdaemon
/usr/sbin/makeuserdb -f {d}/etc/courier/userdb
mount -t overlay overlay -o lowerdir={d}/etc:{r}/etc:/etc /etc
/usr/lib/courier/courier-authlib/authdaemond &
i=0
while [ ! -S /run/courier/authdaemon/socket ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
set -a
. /etc/courier/imapd
. /etc/courier/imapd-ssl
. /etc/courier/pop3d
. /etc/courier/pop3d-ssl
IMAP_USELOCKS=0
TLS_PROTOCOL=TLS1_2
TLS_CACHEFILE=
TLS_DHPARAMS=
TLS_CERTFILE=/etc/courier/imapd.pem
GAM_CLIENT_ID={token}
IMAP_TLS=1
POP3_TLS=1
{tcpd} {imaps} /usr/bin/couriertls -server -tcpd /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
TLS_CERTFILE=/etc/courier/pop3d.pem
{tcpd} {pop3s} /usr/bin/couriertls -server -tcpd /usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d Maildir &
IMAP_TLS=0
POP3_TLS=0
{tcpd} {imap} /usr/lib/courier/courier/imaplogin /usr/bin/imapd Maildir &
{tcpd} {pop3} /usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d Maildir &
wait
"#,
            imap = base,
            imaps = base + 1,
            pop3 = base + 2,
            pop3s = base + 3,
        )
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// The server's own output (Courier's log; Cyrus prints little: it logs to syslog).
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Starts on `base`; `None` when a port was taken meanwhile.
    fn launch(&self, base: u16) -> Result<Option<Child>> {
        let token = format!(
            "ikp{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())?;
        let mut cmd = match self.kind {
            PeerKind::Cyrus => {
                let d = self.dir.display();
                let bin = self.root.join("usr/lib/cyrus/bin");
                let b = bin.display();
                let conf = format!(
                    "START {{\n  recover cmd=\"{b}/ctl_cyrusdb -r -C {d}/imapd.conf\"\n}}\nSERVICES {{\n  imap cmd=\"{b}/imapd -C {d}/imapd.conf\" listen=\"{HOST}:{}\" prefork=0\n  imaps cmd=\"{b}/imapd -s -C {d}/imapd.conf\" listen=\"{HOST}:{}\" prefork=0\n  pop3 cmd=\"{b}/pop3d -C {d}/imapd.conf\" listen=\"{HOST}:{}\" prefork=0\n  pop3s cmd=\"{b}/pop3d -s -C {d}/imapd.conf\" listen=\"{HOST}:{}\" prefork=0\n}}\nEVENTS {{\n}}\nDAEMON {{\n}}\n",
                    base,
                    base + 1,
                    base + 2,
                    base + 3
                );
                fs::write(self.dir.join("cyrus.conf"), conf)?;
                let mut c = Command::new(bin.join("master"));
                c.arg("-C")
                    .arg(self.dir.join("imapd.conf"))
                    .arg("-M")
                    .arg(self.dir.join("cyrus.conf"))
                    .arg("-p")
                    .arg(self.dir.join("master.pid"))
                    .arg("-D")
                    .env("LD_LIBRARY_PATH", self.lib_path());
                c
            }
            PeerKind::Courier => {
                let script = self.dir.join("run.sh");
                fs::write(&script, self.courier_script(base, &token))?;
                let mut c = Command::new("unshare");
                if !self.root_user {
                    c.args(["--user", "--map-root-user"]);
                }
                c.args(["--mount", "--pid", "--fork", "--kill-child", "sh"])
                    .arg(&script);
                c
            }
        };
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {}", self.kind.label()))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut imap_ok = false;
        loop {
            if let Some(status) = child.try_wait()? {
                let log = self.log();
                if log.contains("Address already in use") || log.contains("bind:") {
                    return Ok(None);
                }
                let hint = match self.kind {
                    PeerKind::Cyrus => {
                        " (Cyrus logs only to syslog; status 78 means a configuration error)"
                    }
                    PeerKind::Courier => {
                        " (Courier needs `unshare` with mount namespaces and overlayfs)"
                    }
                };
                bail!(
                    "{} exited during start-up ({status}){hint}\n{log}",
                    self.kind.label()
                );
            }
            let ready = |port: u16, want: &str| {
                wire::read_greeting(HOST, port, Duration::from_millis(500))
                    .is_ok_and(|g| g.starts_with(want))
            };
            if !imap_ok {
                imap_ok = ready(base, "* OK");
            }
            if imap_ok && ready(base + 2, "+OK") {
                return Ok(Some(child));
            }
            if Instant::now() > deadline {
                kill_group(&mut child);
                bail!(
                    "{} did not greet on {HOST}:{base} (IMAP) and :{} (POP3) within 10 s\n{}",
                    self.kind.label(),
                    base + 2,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn password(&self, user: &str) -> Result<&str> {
        self.users
            .iter()
            .find(|(n, _)| n == user)
            .map(|(_, p)| p.as_str())
            .ok_or_else(|| anyhow!("no user {user:?} on this server"))
    }

    /// A plaintext IMAP session on the loopback port, signed in as `user`.
    pub fn imap(&self, user: &str) -> Result<wire::Imap> {
        let mut imap = wire::Imap::connect(HOST, self.imap_port())?;
        imap.login(user, self.password(user)?)?;
        Ok(imap)
    }

    fn load_over_append(&self, user: &User) -> Result<()> {
        let mut imap = self.imap(&user.name)?;
        // Cyrus creates INBOX and the special folders at the first login.
        let existing = imap.command("LIST \"\" \"*\"")?;
        for folder in &user.corpus.folders {
            let mailbox = mutf7::encode(&self.server_mailbox_name(&folder.name));
            let quoted = wire::imap_quote(&mailbox);
            if !existing
                .iter()
                .any(|l| l.ends_with(&format!(" {quoted}")) || l.ends_with(&format!(" {mailbox}")))
            {
                imap.command(&format!("CREATE {quoted}"))?;
            }
            let messages: Vec<&CorpusMessage> = folder.messages.iter().collect();
            imap.append_many(&mailbox, &messages)
                .with_context(|| format!("APPEND to {}", folder.name))?;
        }
        imap.logout();
        Ok(())
    }

    /// Every message of every corpus folder as the server returns it now (EXAMINE and
    /// `BODY.PEEK[]`, so nothing changes), with the flags it reports.
    fn read_back(&self, user: &str, corpus: &Corpus) -> Result<Corpus> {
        let mut imap = self.imap(user)?;
        let mut out = Corpus::default();
        for folder in &corpus.folders {
            let mailbox = mutf7::encode(&self.server_mailbox_name(&folder.name));
            imap.command(&format!("EXAMINE {}", wire::imap_quote(&mailbox)))?;
            let fetched = imap.fetch_all()?;
            if fetched.len() != folder.messages.len() {
                bail!(
                    "{} holds {} messages in {}, the corpus {}",
                    self.kind.label(),
                    fetched.len(),
                    folder.name,
                    folder.messages.len()
                );
            }
            let mut messages = Vec::with_capacity(fetched.len());
            for ((_, flag_names, raw), original) in fetched.into_iter().zip(&folder.messages) {
                let flags = [
                    Flag::Seen,
                    Flag::Answered,
                    Flag::Flagged,
                    Flag::Deleted,
                    Flag::Draft,
                ]
                .into_iter()
                .filter(|f| flag_names.iter().any(|n| n.eq_ignore_ascii_case(f.imap())))
                .collect();
                messages.push(CorpusMessage {
                    raw,
                    internal_date: original.internal_date,
                    flags,
                });
            }
            out.folders.push(CorpusFolder {
                name: folder.name.clone(),
                messages,
            });
        }
        imap.logout();
        Ok(out)
    }

    /// The corpus of `user` as the server holds it (see the module notes).
    pub fn stored(&self, user: &str) -> &Corpus {
        static EMPTY: std::sync::OnceLock<Corpus> = std::sync::OnceLock::new();
        self.stored
            .get(user)
            .unwrap_or_else(|| EMPTY.get_or_init(Corpus::default))
    }

    /// Everything a read-only client must leave as it was, over IMAP with EXAMINE: per
    /// folder MESSAGES, UIDNEXT and UNSEEN (plus UIDVALIDITY and HIGHESTMODSEQ on Cyrus;
    /// Courier's UIDVALIDITY changes on every look by design) and every message's flags
    /// without `\Recent`. On Courier also every file name in the maildirs (they carry the
    /// flags) and whether a `courierimapuiddb` exists: Courier writes one only when a
    /// client opens the folder read-write.
    pub fn state(&self, user: &str) -> Result<String> {
        let mut imap = self.imap(user)?;
        let list = imap.command("LIST \"\" \"*\"")?;
        let mut names: Vec<String> = list
            .iter()
            .filter(|l| !l.to_ascii_lowercase().contains("\\noselect"))
            .filter_map(|l| {
                l.rsplit_once(' ')
                    .map(|(_, n)| n.trim_matches('"').to_string())
            })
            .collect();
        names.sort();
        let items = match self.kind {
            PeerKind::Cyrus => "(MESSAGES UIDNEXT UNSEEN UIDVALIDITY HIGHESTMODSEQ)",
            PeerKind::Courier => "(MESSAGES UIDNEXT UNSEEN)",
        };
        let mut out = String::new();
        for name in &names {
            let quoted = wire::imap_quote(name);
            for line in imap.command(&format!("STATUS {quoted} {items}"))? {
                out.push_str(&line);
                out.push('\n');
            }
            imap.command(&format!("EXAMINE {quoted}"))?;
            for (uid, flags) in uid_flags(&mut imap)? {
                out.push_str(&format!("{name} {uid} {}\n", flags.join(" ")));
            }
        }
        imap.logout();
        if self.kind == PeerKind::Courier {
            let maildir = self.dir.join("home").join(user).join("Maildir");
            let mut files = Vec::new();
            list_files(&maildir, &maildir, &mut files)?;
            files.sort();
            out.push_str("--- files\n");
            for f in files {
                out.push_str(&f);
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// Which server this is.
    pub fn kind(&self) -> PeerKind {
        self.kind
    }
    /// Always `127.0.0.1`.
    pub fn host(&self) -> &str {
        HOST
    }
    /// Plain IMAP (plaintext LOGIN allowed on loopback).
    pub fn imap_port(&self) -> u16 {
        self.base_port
    }
    /// IMAP over implicit TLS.
    pub fn imaps_port(&self) -> u16 {
        self.base_port + 1
    }
    /// Plain POP3.
    pub fn pop3_port(&self) -> u16 {
        self.base_port + 2
    }
    /// POP3 over implicit TLS.
    pub fn pop3s_port(&self) -> u16 {
        self.base_port + 3
    }
    /// PEM of the test CA that signed the server certificate.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }
    /// SHA-256 of the server certificate (DER), lower-case hex.
    pub fn cert_sha256(&self) -> String {
        self.cert_sha256.clone()
    }
    /// Run directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Time from [`Peer::start`] until both listeners greeted (before the corpus load).
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// Connection facts in the form the Dovecot guard gives (layout: Legacy naming).
    pub fn info(&self) -> ServerInfo {
        ServerInfo {
            host: HOST.to_string(),
            imap_port: self.imap_port(),
            imaps_port: self.imaps_port(),
            pop3_port: self.pop3_port(),
            pop3s_port: self.pop3s_port(),
            ca_file: self.ca_file.clone(),
            cert_sha256: self.cert_sha256.clone(),
            tls_names: crate::dovecot::TLS_NAMES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            dir: self.dir.clone(),
            conf: self.dir.join(match self.kind {
                PeerKind::Cyrus => "imapd.conf",
                PeerKind::Courier => "run.sh",
            }),
            layout: Layout::Legacy,
            separator: ".".into(),
        }
    }

    /// The name a corpus folder has on this server (`INBOX`, `INBOX.研究室.学会`).
    pub fn server_mailbox_name(&self, folder_unicode: &str) -> String {
        crate::dovecot::server_mailbox_name(Layout::Legacy, folder_unicode)
    }

    /// Stops the server now (idempotent).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            kill_group(&mut child);
        }
    }
}

/// `UID FETCH 1:* (FLAGS)` of the examined mailbox: `(uid, flags without \Recent)`.
fn uid_flags(imap: &mut wire::Imap) -> Result<Vec<(u32, Vec<String>)>> {
    let lines = match imap.command("UID FETCH 1:* (UID FLAGS)") {
        Ok(lines) => lines,
        // An empty mailbox: some servers answer NO/BAD to 1:*.
        Err(_) => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for line in lines.iter().filter(|l| l.contains(" FETCH ")) {
        let uid = line
            .split_once("UID ")
            .and_then(|(_, r)| r.split([' ', ')']).next()?.parse().ok())
            .ok_or_else(|| anyhow!("no UID in {line:?}"))?;
        let mut flags: Vec<String> = line
            .split_once("FLAGS (")
            .and_then(|(_, r)| r.split_once(')'))
            .map(|(f, _)| {
                f.split_whitespace()
                    .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        flags.sort();
        out.push((uid, flags));
    }
    out.sort();
    Ok(out)
}

fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            // Courier's own bookkeeping: keyword and ACL caches are created on any access.
            if name != "courierimapkeywords" {
                list_files(base, &path, out)?;
            }
        } else if matches!(
            path.parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str()),
            Some("cur" | "new")
        ) || name == "courierimapuiddb"
        {
            let rel = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .display()
                .to_string();
            out.push(rel);
        }
    }
    Ok(())
}

/// Writes `corpus` as Courier 5 keeps a Maildir++: folders `.研究室.学会` with UTF-8 names
/// and a `maildirfolder` marker, messages with LF line ends in `cur/`, flags in the name.
fn write_courier_maildir(maildir: &Path, corpus: &Corpus) -> Result<()> {
    let make = |dir: &Path, folder: bool| -> Result<()> {
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        if folder {
            fs::write(dir.join("maildirfolder"), b"")?;
        }
        Ok(())
    };
    make(maildir, false)?;
    for folder in &corpus.folders {
        let dir = if folder.name == "INBOX" {
            maildir.to_path_buf()
        } else {
            if folder
                .name
                .split('/')
                .any(|l| l.is_empty() || l.contains('.'))
            {
                bail!("folder name {:?} cannot be a Maildir++ folder", folder.name);
            }
            maildir.join(format!(".{}", folder.name.replace('/', ".")))
        };
        make(&dir, folder.name != "INBOX")?;
        for (i, msg) in folder.messages.iter().enumerate() {
            let lf = crlf_to_lf(&msg.raw);
            let mut flags: Vec<char> = msg.flags.iter().map(|f| f.maildir_char()).collect();
            flags.sort_unstable();
            flags.dedup();
            let flags: String = flags.into_iter().collect();
            let name = format!(
                "{:010}.M{i:06}P1.ikou-test,S={}:2,{flags}",
                msg.internal_date.max(0),
                lf.len()
            );
            let path = dir.join("cur").join(name);
            fs::write(&path, &lf)?;
            let mtime = std::time::SystemTime::UNIX_EPOCH
                + Duration::from_secs(msg.internal_date.max(0) as u64);
            fs::File::options()
                .write(true)
                .open(&path)?
                .set_modified(mtime)?;
        }
    }
    Ok(())
}

fn crlf_to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn kill_group(child: &mut Child) {
    let pgid = child.id();
    // Courier: killing `unshare` (--kill-child) ends its namespace's PID 1 and with it every
    // process inside. Cyrus: master and its services share the process group.
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .output();
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop();
        if let Some(tmp) = self.tmp.take()
            && self.keep
        {
            eprintln!("ikou-testbed: kept {}", tmp.keep().display());
        }
    }
}
