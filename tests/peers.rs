//! # Cyrus IMAP 3.6 and Courier-IMAP 5 as the old server
//!
//! The same checks on both, with the standard corpus (Japanese folders, large and broken
//! messages) and **no quota set**: `quota` and `folders` succeed and say so; a backup of
//! folders no client ever opened read-write completes byte for byte and a rerun adds
//! nothing (on Courier every EXAMINE of such a folder reports a new UIDVALIDITY); `backup
//! verify` finds the archive complete against the live server; `verify` against a new server
//! holding the same mail says OK; POP3 quota, folders and backup work; and the server is left
//! exactly as it was (flags, counts, UIDNEXT; on Courier also every maildir file name and no
//! `courierimapuiddb`, which Courier writes only when a client opens a folder read-write).
//!
//! The servers run from the Debian packages `scripts/test` unpacks (see
//! `ikou_testbed::peers`); a missing package fails these tests, it never skips them.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use ikou::archive::{ArchiveReader, Manifest};
use ikou_testbed::{Peer, PeerKind};
use sha2::{Digest, Sha256};

/// Folder (server name, as in the manifest) -> sorted SHA-256 of every message.
type Digests = BTreeMap<String, Vec<String>>;

fn start(kind: PeerKind, seed: u64) -> Peer {
    let peer = Peer::start(
        kind,
        vec![User::new(USER, PASSWORD, Corpus::standard(seed))],
    )
    .unwrap_or_else(|e| {
        panic!(
            "{} must start for this test (scripts/test unpacks its Debian packages): {e:#}",
            kind.label()
        )
    });
    eprintln!(
        "{} greeted after {:?} on port {}",
        kind.label(),
        peer.startup(),
        peer.imap_port()
    );
    peer
}

fn stored_digests(peer: &Peer) -> Digests {
    peer.stored(USER)
        .folders
        .iter()
        .map(|f| {
            let mut d: Vec<String> = f.messages.iter().map(|m| m.sha256()).collect();
            d.sort();
            (peer.server_mailbox_name(&f.name), d)
        })
        .collect()
}

/// Every entry read back and hashed (not trusting the manifest's sha256).
fn archive_digests(path: &Path) -> (Manifest, Digests) {
    let mut reader = ArchiveReader::open(path).expect("open archive");
    let manifest = reader.manifest().clone();
    let mut digests: Digests = manifest
        .folders
        .iter()
        .map(|f| (f.name.clone(), Vec::new()))
        .collect();
    for m in &manifest.messages {
        let bytes = reader.read_message(m).expect("read entry");
        let sha = hex::encode(Sha256::digest(&bytes));
        assert_eq!(sha, m.sha256, "manifest hash of {}", m.entry);
        digests.entry(m.folder.clone()).or_default().push(sha);
    }
    for d in digests.values_mut() {
        d.sort();
    }
    (manifest, digests)
}

/// old = the peer (IMAPS and POP3S with the test CA), new = a Dovecot.
fn profile(peer: &Peer, new: &Dovecot, dir: &Path) -> PathBuf {
    let ca = peer.ca_file().display().to_string();
    let mut text = format!(
        r#"[account]
address = "{ADDRESS}"

[old]
host = "{host}"
username = "{{local}}"
imap = {{ port = {imaps}, security = "tls" }}
pop3 = {{ port = {pop3s}, security = "tls" }}
ca_file = "{ca}"
"#,
        host = peer.host(),
        imaps = peer.imaps_port(),
        pop3s = peer.pop3s_port(),
    );
    {
        text.push_str(&format!(
            r#"
[new]
host = "{host}"
username = "{{local}}"
imap = {{ port = {imaps}, security = "tls" }}
ca_file = "{ca}"
"#,
            host = new.host(),
            imaps = new.imaps_port(),
            ca = new.ca_file().display(),
        ));
    }
    let path = dir.join("profile.toml");
    std::fs::write(&path, text).expect("write profile");
    path
}

fn u(v: &serde_json::Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn backup(profile: &Path, zip: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "--json",
        "backup",
        "-p",
        path_str(profile),
        "-o",
        path_str(zip),
    ];
    args.extend_from_slice(extra);
    json(&ikou(&args))
}

fn old_server_checks(kind: PeerKind, seed: u64) {
    let peer = start(kind, seed);
    let label = kind.label();
    let stored = peer.stored(USER).clone();
    let total = stored.total_messages() as u64;
    let sizes: u64 = stored
        .folders
        .iter()
        .flat_map(|f| &f.messages)
        .map(|m| m.size())
        .sum();
    let dir = tempfile::tempdir().expect("temp dir");
    // The new server holds the same mail as the old one returns it (for verify).
    let new = Dovecot::start(ServerOptions::new(
        Layout::ExchangeLike,
        vec![User::new(USER, PASSWORD, stored.clone())],
    ))
    .unwrap_or_else(|e| panic!("Dovecot must start for this test: {e:#}"));
    let p = profile(&peer, &new, dir.path());
    let p = path_str(&p);
    let before = peer.state(USER).expect("server state");
    assert!(
        before.contains("\\Seen") && before.contains("\\Flagged") && before.lines().count() > 150,
        "{label}: state too small to prove anything: {before}"
    );
    assert!(
        !before.contains("courierimapuiddb"),
        "no folder may have been opened read-write: {before}"
    );

    // quota and folders with no quota set: no error, and said so.
    let q = json(&ikou(&["--json", "quota", "-p", p, "--largest", "5"]));
    assert_eq!(q["quota"]["capability"], true, "{label}: {q}");
    assert_eq!(q["quota"]["reported_by_server"], false, "{label}: {q}");
    assert_eq!(q["quota"]["roots"], serde_json::json!([]), "{label}: {q}");
    assert_eq!(u(&q["quota"], "usage_from_sizes"), sizes, "{label}");
    assert_eq!(u(&q["quota"], "messages_from_counts"), total, "{label}");
    assert_eq!(
        q["largest"].as_array().map(Vec::len),
        Some(5),
        "{label}: {q}"
    );
    let text = ikou(&["quota", "-p", p]);
    assert!(text.status.success(), "{label}: {}", stderr(&text));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("No quota is set"), "{label}: {text}");
    let f = json(&ikou(&["--json", "folders", "-p", p]));
    let listed: BTreeMap<String, u64> = f["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().expect("name").to_string(),
                f["messages"].as_u64().expect("messages"),
            )
        })
        .collect();
    for folder in &stored.folders {
        let name = peer.server_mailbox_name(&folder.name);
        assert_eq!(
            listed.get(&name),
            Some(&(folder.messages.len() as u64)),
            "{label}: {name} in {listed:?}"
        );
    }

    // A backup of folders never opened read-write completes, byte for byte; a rerun adds
    // nothing and changes no entry.
    let zip = dir.path().join("old.zip");
    let r = backup(Path::new(p), &zip, &[]);
    assert_eq!(u(&r, "added"), total, "{label}: {r}");
    assert_eq!(u(&r, "messages"), total, "{label}: {r}");
    let (manifest, digests) = archive_digests(&zip);
    assert_eq!(digests, stored_digests(&peer), "{label}");
    assert_eq!(manifest.messages.len() as u64, total);
    for _ in 0..2 {
        let again = backup(Path::new(p), &zip, &[]);
        assert_eq!(u(&again, "added"), 0, "{label}: {again}");
        assert_eq!(u(&again, "messages"), total, "{label}: {again}");
        assert_eq!(
            u(&again, "already") + u(&again, "rekeyed"),
            total,
            "{label}: every message recognised: {again}"
        );
        let (manifest, digests) = archive_digests(&zip);
        assert_eq!(digests, stored_digests(&peer), "{label}");
        assert_eq!(manifest.messages.len() as u64, total, "{label}");
    }

    // backup verify: every entry intact, counts equal the live server's.
    let v = json(&ikou(&[
        "--json",
        "backup",
        "verify",
        path_str(&zip),
        "-p",
        p,
    ]));
    assert_eq!(v["ok"], true, "{label}: {v}");
    assert_eq!(v["server"]["differences"], 0, "{label}: {v}");

    // POP3: quota and folders read the INBOX with TOP; a backup gets it byte for byte.
    let inbox = stored.folder("INBOX").expect("INBOX").messages.len() as u64;
    let inbox_size: u64 = stored
        .folder("INBOX")
        .expect("INBOX")
        .messages
        .iter()
        .map(|m| m.size())
        .sum();
    let q = json(&ikou(&["--json", "quota", "-p", p, "--protocol", "pop3"]));
    assert_eq!(u(&q, "messages"), inbox, "{label}: {q}");
    assert_eq!(u(&q, "unique_ids"), inbox, "{label}: {q}");
    assert_eq!(u(&q, "size"), inbox_size, "{label}: {q}");
    let out = ikou(&["folders", "-p", p, "--protocol", "pop3"]);
    assert!(out.status.success(), "{label}: {}", stderr(&out));
    let pop_zip = dir.path().join("pop.zip");
    let r = backup(Path::new(p), &pop_zip, &["--protocol", "pop3"]);
    assert_eq!(u(&r, "added"), inbox, "{label}: {r}");
    let (_, digests) = archive_digests(&pop_zip);
    assert_eq!(
        digests.get("INBOX"),
        stored_digests(&peer).get("INBOX"),
        "{label}"
    );
    let again = backup(Path::new(p), &pop_zip, &["--protocol", "pop3"]);
    assert_eq!(
        (u(&again, "added"), u(&again, "already")),
        (0, inbox),
        "{label}: {again}"
    );

    // Nothing above changed the server.
    assert_eq!(
        peer.state(USER).expect("server state"),
        before,
        "{label}: the old server changed"
    );

    // verify against a new server holding the same mail: OK, exit 0.
    let out = ikou(&["--json", "verify", "-p", p]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{label}: verify gave no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    let verdict = report["verdict"].as_str().unwrap_or_default();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{label}: {verdict}\n{}\n{report}",
        stderr(&out)
    );
    assert!(verdict.starts_with("OK"), "{label}: {verdict}");
    assert_eq!(
        peer.state(USER).expect("server state"),
        before,
        "{label}: verify changed the old server"
    );
}

#[test]
fn cyrus_as_the_old_server() {
    old_server_checks(PeerKind::Cyrus, 41);
}

#[test]
fn courier_as_the_old_server() {
    old_server_checks(PeerKind::Courier, 42);
}
