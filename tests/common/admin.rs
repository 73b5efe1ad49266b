//! Admin access on the test servers as `ikou batch` uses it: an Exchange-like Dovecot that
//! takes one application token for every mailbox of the tenant (an oauth2 passdb validating
//! a locally signed JWT, as Exchange Online's `IMAP.AccessAsApp`).

use base64::Engine as _;
use ikou_testbed::Dovecot;
use sha2::{Digest, Sha256};

pub const DOMAIN: &str = "example-univ.test";
const ISSUER: &str = "https://login.example-univ.test/testbed";
const APP_SCOPE: &str = "https://outlook.office.com/IMAP.AccessAsApp";
const HS256_KEY: &[u8] = b"ikou-batch-test-key-0123456789abcdef";

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let pad = |byte: u8| k.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
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

/// An application token as Exchange Online issues for client credentials: it names the app
/// (in the tenant's domain), not a user.
pub fn app_token() -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "sub": "ikou-helpdesk-app",
        "iss": ISSUER,
        "iat": now - 10,
        "exp": now + 3600,
        "scope": APP_SCOPE,
        "app": format!("ikou-helpdesk-app@{DOMAIN}"),
    });
    let payload = b64.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = b64.encode(hmac_sha256(HS256_KEY, signing_input.as_bytes()));
    format!("{signing_input}.{signature}")
}

/// Dovecot's oauth2 passdb with local JWT validation. `username_format = %d` compares only
/// the domain of the login with the domain of the token's `app` claim: one token opens
/// every mailbox of the tenant, as an `IMAP.AccessAsApp` token does. A second userdb finds
/// `jiro@example-univ.test` as `jiro`.
pub fn enable_app_access(server: &mut Dovecot) {
    let dir = server.dir().to_path_buf();
    let keys = dir.join("oauth2-keys/default/HS256");
    std::fs::create_dir_all(&keys).expect("key dir");
    std::fs::write(
        keys.join("default"),
        base64::engine::general_purpose::STANDARD.encode(HS256_KEY),
    )
    .expect("key");
    for d in [
        "oauth2-keys",
        "oauth2-keys/default",
        "oauth2-keys/default/HS256",
    ] {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.join(d), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    let ext = dir.join("oauth2-app.conf.ext");
    std::fs::write(
        &ext,
        format!(
            "introspection_mode = local\nlocal_validation_key_dict = fs:posix:prefix={}/oauth2-keys/\nusername_attribute = app\nusername_format = %d\nissuers = {ISSUER}\nscope = {APP_SCOPE}\n",
            dir.display()
        ),
    )
    .expect("ext");
    std::fs::write(
        dir.join("extra.conf"),
        format!(
            "auth_mechanisms = plain login xoauth2 oauthbearer\npassdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}\n}}\nuserdb {{\n  driver = passwd-file\n  args = username_format=%n {}/passwd\n}}\n",
            ext.display(),
            dir.display()
        ),
    )
    .expect("extra.conf");
    server.restart().expect("restart with the oauth2 passdb");
}

/// The helpdesk's master user on both test servers.
pub const MASTER: &str = "helpdesk";
pub const MASTER_PASS: &str = "helpdesk-master-pass";

/// The old server (legacy layout) and the new one (Exchange-like) with these mailboxes, both
/// knowing the helpdesk master user, the new one also taking the application token. Started
/// side by side; a Dovecot that does not start fails the test.
pub fn start_pair(
    old_users: Vec<ikou_testbed::User>,
    new_users: Vec<ikou_testbed::User>,
) -> (Dovecot, Dovecot) {
    use ikou_testbed::{Layout, ServerOptions};
    let master = Some((MASTER.to_string(), MASTER_PASS.to_string()));
    let mut old_opts = ServerOptions::new(Layout::Legacy, old_users);
    old_opts.master_user = master.clone();
    let mut new_opts = ServerOptions::new(Layout::ExchangeLike, new_users);
    new_opts.master_user = master;
    let (old, new) = std::thread::scope(|s| {
        let o = s.spawn(move || Dovecot::start(old_opts));
        let n = s.spawn(move || Dovecot::start(new_opts));
        (o.join().expect("thread"), n.join().expect("thread"))
    });
    let old = old.unwrap_or_else(|e| panic!("the old Dovecot must start: {e:#}"));
    let mut new = new.unwrap_or_else(|e| panic!("the new Dovecot must start: {e:#}"));
    enable_app_access(&mut new);
    (old, new)
}

/// The IT centre's profile in `dir`: `old_admin` and `new_admin` are the `[old.admin]` /
/// `[new.admin]` tables' lines, `new_username` the new server's login rule.
pub fn centre_profile(
    dir: &std::path::Path,
    name: &str,
    (old, new): (&Dovecot, &Dovecot),
    old_admin: &str,
    new_username: &str,
    new_admin: &str,
) -> std::path::PathBuf {
    let text = format!(
        r#"[old]
host = "{oh}"
username = "{{local}}"
imap = {{ port = {op}, security = "tls" }}
ca_file = "{oca}"

[old.admin]
{old_admin}

[new]
host = "{nh}"
username = "{new_username}"
imap = {{ port = {np}, security = "tls" }}
ca_file = "{nca}"

[new.admin]
{new_admin}

[limits]
max_message_mb = 35
"#,
        oh = old.host(),
        op = old.imaps_port(),
        oca = old.ca_file().display(),
        nh = new.host(),
        np = new.imaps_port(),
        nca = new.ca_file().display(),
    );
    let path = dir.join(name);
    std::fs::write(&path, text).expect("profile");
    path
}

/// Runs the real binary with `--json`-style output: exit code, stdout as JSON (the whole
/// output in the panic message when it is not), stderr. No admin password comes from the
/// caller's environment unless `env` gives it.
pub fn ikou_json(args: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ikou"));
    command
        .args(args)
        .env_remove("IKOU_PROFILE")
        .env_remove("IKOU_OLD_ADMIN_PASSWORD")
        .env_remove("IKOU_NEW_ADMIN_PASSWORD")
        .env("LANG", "C")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = ikou_testbed::bounded::output_within(&mut command, ikou_testbed::bounded::RUN_LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), json, stderr)
}
