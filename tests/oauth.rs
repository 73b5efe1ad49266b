//! Microsoft 365 sign-in against real servers on loopback: an OAuth 2.0 authorization
//! server built from Authlib (tests/oauth/idp.py: device grant, refresh grant,
//! introspection, revocation) and the test bed's Dovecot with an oauth2 passdb that
//! validates every XOAUTH2 token by introspection at that server. The real `ikou` binary
//! does the device flow, caches the tokens (0600), signs in to IMAP, refreshes, and
//! reports denial, expiry and revocation; no token ever shows in its output.

mod common;
mod oauth_support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{ADDRESS, Account, Layout, USER};
use oauth_support::*;

/// Adds Dovecot's oauth2 passdb, validating tokens by introspection at the IdP.
fn enable_oauth2(account: &mut Account, idp: &Idp) {
    let dir = account.server.dir().to_path_buf();
    let ext = dir.join("oauth2-introspection.conf.ext");
    std::fs::write(
        &ext,
        format!(
            "introspection_mode = post\nintrospection_url = http://dovecot:dovecot-introspection-secret@127.0.0.1:{}/introspect\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n",
            idp.port
        ),
    )
    .expect("write oauth2 ext");
    std::fs::write(
        dir.join("extra.conf"),
        format!(
            "auth_mechanisms = plain login xoauth2 oauthbearer\npassdb {{\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = {}\n}}\n",
            ext.display()
        ),
    )
    .expect("write extra.conf");
    account
        .server
        .restart()
        .expect("restart Dovecot with oauth2");
}

fn profile(account: &Account, idp: &Idp) -> PathBuf {
    let ca = account.server.ca_file().display().to_string();
    let host = account.server.host();
    let imaps = account.server.imaps_port();
    let text = format!(
        r#"[account]
address = "{ADDRESS}"

[old]
host = "{host}"
username = "{{local}}"
imap = {{ port = {imaps}, security = "tls" }}
ca_file = "{ca}"

[new]
host = "{host}"
username = "{{local}}"
auth = "xoauth2"
imap = {{ port = {imaps}, security = "tls" }}
ca_file = "{ca}"

[new.oauth]
tenant = "example-univ.test"
client_id = "{CLIENT_ID}"
authority = "{authority}"
"#,
        authority = idp.authority()
    );
    let path = account.dir.path().join("oauth.toml");
    std::fs::write(&path, text).expect("write profile");
    path
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

#[test]
fn device_flow_then_imap_with_refresh_and_revocation() {
    let idp = Idp::start(&["--interval", "1", "--slow-down-at", "2"]);
    let mut account = Account::start(Layout::ExchangeLike, 71);
    enable_oauth2(&mut account, &idp);
    let profile = profile(&account, &idp);
    let cache = tempfile::tempdir().expect("cache dir");
    let cache = cache.path();
    let p = profile.to_str().expect("utf-8");
    let mut outputs = Vec::new();
    let mut secrets = Vec::new();

    // Not signed in yet, and no terminal: a clear instruction, no prompt.
    let out = ikou(cache, &["folders", "--server", "new", "-p", p]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not signed in") && err.contains("ikou login"),
        "{err}"
    );
    outputs.push(out);

    // Device flow: pending, slow_down, then approved.
    let started = Instant::now();
    let out = login_after_polls(cache, &profile, &idp, Some("approve"), 2);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Signed in as taro"));
    let stats = idp.stats();
    assert!(
        stats["device_poll"].as_u64() >= Some(3),
        "polled through pending and slow_down: {stats}"
    );
    // slow_down adds 5 s to the 1 s interval (RFC 8628 3.5).
    assert!(
        started.elapsed() >= Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    outputs.push(out);

    let files = token_files(cache);
    assert_eq!(files.len(), 1);
    #[cfg(unix)]
    {
        assert_eq!(mode(&files[0]), 0o600, "token file is private");
        assert_eq!(mode(&cache.join("tokens")), 0o700, "token dir is private");
    }
    let (access1, refresh1) = cached_tokens(cache);
    secrets.extend([access1.clone(), refresh1.clone()]);

    // XOAUTH2 to the new server with the cached token; Dovecot asks the IdP.
    let out = ikou(cache, &["--json", "folders", "--server", "new", "-p", p]);
    let json = common::json(&out);
    assert!(
        json.to_string().contains("INBOX"),
        "folders of the new server: {json}"
    );
    assert_eq!(
        idp.stats()["refresh"],
        0,
        "a valid cached token needs no refresh"
    );
    let introspections = idp.stats()["introspect"].as_u64().expect("count");
    assert!(
        introspections >= 1,
        "Dovecot validated the token at the IdP"
    );
    // Dovecot offers both bearer mechanisms; the standard one (RFC 7628) is chosen.
    assert!(
        account.server.log().contains("method=OAUTHBEARER"),
        "IMAP signed in with OAUTHBEARER: {}",
        account.server.log()
    );
    outputs.push(out);

    // The same cached token signs in to POP3 (OAUTHBEARER from the CAPA SASL list).
    pop3_sign_in(&account, &access1);
    assert!(
        account
            .server
            .log()
            .lines()
            .any(|l| l.contains("pop3-login") && l.contains("method=OAUTHBEARER")),
        "POP3 signed in with OAUTHBEARER: {}",
        account.server.log()
    );

    // The cached token's lifetime has passed: refreshed before use, no prompt.
    let file = &token_files(cache)[0];
    let mut stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
    stored["expires_at"] = serde_json::json!(chrono_now() - 10);
    std::fs::write(file, stored.to_string()).expect("write");
    let out = ikou(cache, &["--json", "folders", "--server", "new", "-p", p]);
    common::json(&out);
    assert_eq!(idp.stats()["refresh"], 1, "refreshed once");
    let (access2, refresh2) = cached_tokens(cache);
    assert_ne!(access1, access2, "a new access token was cached");
    #[cfg(unix)]
    assert_eq!(mode(&token_files(cache)[0]), 0o600);
    secrets.extend([access2.clone(), refresh2.clone()]);
    outputs.push(out);

    // The server-side token expired early (cache still thinks it valid): Dovecot rejects
    // it, ikou refreshes once and gets in.
    idp.call("POST", "/test/expire-access-tokens", "");
    // With debug logging on: the logs must not carry tokens either.
    let out = ikou(cache, &["-vv", "folders", "--server", "new", "-p", p]);
    assert!(
        out.status.success(),
        "{}\n{}\n{}",
        text(&out),
        idp.stats(),
        account.server.log()
    );
    assert_eq!(idp.stats()["refresh"], 2);
    let (access3, refresh3) = cached_tokens(cache);
    assert_ne!(access2, access3);
    secrets.extend([access3, refresh3]);
    outputs.push(out);

    // A server that offers only XOAUTH2 (as Exchange Online does) gets XOAUTH2.
    let extra = account.server.dir().join("extra.conf");
    let conf = std::fs::read_to_string(&extra).expect("read extra.conf");
    std::fs::write(&extra, conf.replace(" oauthbearer", "")).expect("write extra.conf");
    account.server.restart().expect("restart with XOAUTH2 only");
    let out = ikou(cache, &["folders", "--server", "new", "-p", p]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        account.server.log().contains("method=XOAUTH2"),
        "IMAP fell back to XOAUTH2: {}",
        account.server.log()
    );
    outputs.push(out);

    // ikou's own saved sign-in comes before a token given through IKOU_NEW_TOKEN.
    let wrong = "given-token-that-is-wrong-0123456789";
    let out = ikou_env(
        cache,
        &["folders", "--server", "new", "-p", p],
        &[("IKOU_NEW_TOKEN", wrong)],
    );
    assert!(
        out.status.success(),
        "the cached token is used first: {}",
        text(&out)
    );
    // Without a saved sign-in the given token is used as is; a wrong one is reported in one
    // line that names where it came from, and is not echoed.
    let empty_cache = tempfile::tempdir().expect("empty cache");
    let out = ikou_env(
        empty_cache.path(),
        &["folders", "--server", "new", "-p", p],
        &[("IKOU_NEW_TOKEN", wrong)],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("rejected the access token") && err.contains("token_env"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(!text(&out).contains(wrong));

    // Revoked at the IdP: the refresh is refused too; one clear line, exit 2.
    idp.call("POST", "/test/revoke-all", "");
    let out = ikou(cache, &["folders", "--server", "new", "-p", p]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no longer valid") && err.contains("ikou login"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        token_files(cache).is_empty(),
        "a refused sign-in is forgotten"
    );
    outputs.push(out);

    // Sign in again, then logout forgets it.
    let out = login(cache, &profile, &idp, Some("approve"));
    assert!(out.status.success(), "{}", text(&out));
    let (a, r) = cached_tokens(cache);
    secrets.extend([a, r]);
    outputs.push(out);
    let out = ikou(cache, &["--json", "logout", "-p", p]);
    assert_eq!(common::json(&out)["forgotten"], 1);
    assert!(token_files(cache).is_empty());
    outputs.push(out);

    // A person at a terminal with no saved sign-in: the command itself shows the code,
    // waits, and carries on with the listing.
    let out = at_terminal(cache, &["folders", "--server", "new", "-p", p], &idp);
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Sign in to Microsoft 365") && shown.contains("INBOX"),
        "{shown}"
    );
    let (a, r) = cached_tokens(cache);
    secrets.extend([a, r]);
    outputs.push(out);

    // No token in any stdout or stderr of the whole run.
    for out in &outputs {
        let all = text(out);
        for secret in &secrets {
            assert!(!all.contains(secret.as_str()), "a token leaked: {all}");
        }
    }
}

#[test]
fn declined_sign_in_is_reported() {
    let idp = Idp::start(&["--interval", "1"]);
    let account_dir = tempfile::tempdir().expect("tmp");
    let profile = bare_profile(account_dir.path(), &idp);
    let cache = tempfile::tempdir().expect("cache");
    let out = login(cache.path(), &profile, &idp, Some("deny"));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("declined (access_denied)"), "{err}");
    assert!(token_files(cache.path()).is_empty());
}

#[test]
fn expired_code_is_reported() {
    let idp = Idp::start(&["--interval", "1", "--code-lifetime", "2"]);
    let account_dir = tempfile::tempdir().expect("tmp");
    let profile = bare_profile(account_dir.path(), &idp);
    let cache = tempfile::tempdir().expect("cache");
    let started = Instant::now();
    let out = login(cache.path(), &profile, &idp, None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("code expired"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(token_files(cache.path()).is_empty());
}

#[test]
fn profile_check_explains_oauth_settings() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        r#"[old]
host = "mail.example.test"
imap = { port = 993, security = "tls" }

[new]
host = "outlook.office365.com"
auth = "login"
imap = { port = 993, security = "tls" }

[new.oauth]
tenant = "example univ"
client_id = "not-a-guid"
"#,
    )
    .expect("write");
    let out = common::ikou(&["--json", "profile", "check", path.to_str().expect("utf-8")]);
    let all = text(&out);
    for key in ["new.oauth.tenant", "new.oauth.client_id", "new.oauth"] {
        assert!(all.contains(key), "{key} named: {all}");
    }
    assert!(!out.status.success());
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/profiles/exchange-online.toml");
    let out = common::ikou(&["profile", "check", example.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "the shipped example is valid: {}",
        text(&out)
    );
}

/// Signs in to the test bed's POP3S with the token through the library's POP3 client.
fn pop3_sign_in(account: &Account, token: &str) {
    use ikou::net::{Endpoint, Security, Timeouts, TlsPolicy};
    let options = ikou::pop3::ConnectOptions {
        endpoint: Endpoint {
            host: account.server.host().to_string(),
            port: account.server.pop3s_port(),
            security: Security::Tls,
        },
        tls: TlsPolicy {
            ca_file: Some(account.server.ca_file().to_path_buf()),
            pin_sha256: None,
        },
        timeouts: Timeouts {
            connect: Duration::from_secs(5),
            io: Duration::from_secs(10),
        },
        allow_plaintext: false,
    };
    let credentials = ikou::pop3::Credentials {
        username: USER.into(),
        method: ikou::pop3::AuthMethod::Xoauth2,
        secret: ikou::secret::Secret::new(token),
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let mut session = ikou::pop3::connect(&options, &credentials)
            .await
            .expect("POP3 sign-in with the cached token");
        session.stat().await.expect("STAT");
        session.quit().await.expect("QUIT");
    });
}

/// A profile whose new server is never contacted (login talks only to the IdP).
fn bare_profile(dir: &Path, idp: &Idp) -> PathBuf {
    let path = dir.join("p.toml");
    std::fs::write(
        &path,
        format!(
            r#"[account]
address = "{ADDRESS}"
[old]
host = "127.0.0.1"
imap = {{ port = 993, security = "tls" }}
[new]
host = "127.0.0.1"
auth = "xoauth2"
imap = {{ port = 993, security = "tls" }}
[new.oauth]
tenant = "organizations"
client_id = "{CLIENT_ID}"
authority = "{}"
"#,
            idp.authority()
        ),
    )
    .expect("write");
    path
}

#[test]
fn unreachable_or_wrong_sign_in_service_is_one_line() {
    let idp = Idp::start(&[]);
    let dir = tempfile::tempdir().expect("tmp");
    let cache = tempfile::tempdir().expect("cache");
    // A port nobody listens on: take one from the OS, then close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    for (authority, expect) in [
        (
            format!("http://127.0.0.1:{closed}"),
            "cannot reach the sign-in service",
        ),
        // A web server that is not an OAuth authorization server (404 pages).
        (format!("{}/nowhere", idp.authority()), "not OAuth 2.0 JSON"),
    ] {
        let path = dir.path().join("p.toml");
        std::fs::write(
            &path,
            format!(
                "[account]\naddress = \"{ADDRESS}\"\n[old]\nhost = \"127.0.0.1\"\nimap = {{ port = 993, security = \"tls\" }}\n[new]\nhost = \"127.0.0.1\"\nauth = \"xoauth2\"\nimap = {{ port = 993, security = \"tls\" }}\n[new.oauth]\ntenant = \"organizations\"\nclient_id = \"{CLIENT_ID}\"\nauthority = \"{authority}\"\n"
            ),
        )
        .expect("write");
        let out = ikou(
            cache.path(),
            &["login", "-p", path.to_str().expect("utf-8")],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{expect}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}
