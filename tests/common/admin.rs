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
