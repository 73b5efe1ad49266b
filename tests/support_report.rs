//! `ikou report -o FILE` and `ikou explain` against the migration scenario: the support report
//! holds the state of the account and none of the user's secrets, subjects or addresses.

mod common;

use std::collections::BTreeSet;

use base64::Engine as _;
use common::{ikou, path_str};
use serde_json::Value;

/// Every subject and address the old mailbox holds, from a snapshot (metadata only).
fn personal_words(profile: &str, dir: &std::path::Path) -> BTreeSet<String> {
    let snapshot = dir.join("snapshot.json");
    let out = ikou(&["snapshot", "-p", profile, "-o", path_str(&snapshot)]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let value: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("snapshot")).expect("json");
    let mut words = BTreeSet::new();
    fn walk(v: &Value, words: &mut BTreeSet<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    if let ("subject" | "from" | "to" | "message_id", Value::String(s)) =
                        (k.as_str(), v)
                    {
                        // Short subjects ("Re:") could occur in a folder name by chance.
                        if s.chars().count() >= 6 {
                            words.insert(s.clone());
                        }
                    }
                    walk(v, words);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, words)),
            _ => {}
        }
    }
    walk(&value, &mut words);
    assert!(words.len() > 20, "the corpus has subjects: {}", words.len());
    words
}

fn report(args: &[&str]) -> (i32, Value, String) {
    let out = ikou(args);
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let value = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, value, stdout)
}

#[test]
fn support_report_states_the_account_and_hides_secrets_subjects_and_addresses() {
    let m = common::migration(21);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile_path = common::migration_profile(&m, dir.path(), true);
    let profile = path_str(&profile_path);
    let file = dir.path().join("support.json");
    // The doctor asks a DNS port where nothing answers: it finishes with its own errors.
    let args = [
        "report",
        "-p",
        profile,
        "-o",
        path_str(&file),
        "--dns-server",
        "127.0.0.1:9",
        "--timeout",
        "2",
    ];
    let (code, _, text) = report(&args);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("State code for the helpdesk: V"), "{text}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .expect("written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the report is private");
    }
    let written = std::fs::read_to_string(&file).expect("report");
    let json: Value = serde_json::from_str(&written).expect("report is JSON");
    assert_eq!(json["format"], "ikou-support-report/1");
    assert_eq!(json["ikou_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["quota"]["outcome"], "done");
    assert_eq!(json["verify"]["outcome"], "done");
    assert_eq!(json["doctor"]["outcome"], "done");
    let folders = json["verify"]["result"]["comparison"]["folders"]
        .as_array()
        .expect("per-folder counts");
    assert!(folders.len() > 3);

    // The state code reads back as the verify result's own counts.
    let code = json["verify"]["state_code"].as_str().expect("state code");
    let out = ikou(&["--json", "explain", code]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let explained: Value = serde_json::from_slice(&out.stdout).expect("json");
    let summary = &json["verify"]["result"]["summary"];
    assert_eq!(explained["state"]["missing"], summary["missing"]);
    assert_eq!(explained["state"]["duplicates"], summary["duplicates"]);
    assert!(summary["missing"].as_u64().is_some_and(|n| n > 0));
    // `ikou verify` shows the same code, in its JSON and in its text.
    let out = ikou(&["--json", "verify", "-p", profile]);
    let verified: Value = serde_json::from_slice(&out.stdout).expect("verify json");
    assert_eq!(verified["state_code"], code);
    let out = ikou(&["verify", "-p", profile]);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains(&format!("State code for the helpdesk: {code}")),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Nothing personal: no password (raw or base64), no subject, sender or address.
    let b64 = base64::engine::general_purpose::STANDARD.encode(m.password.as_bytes());
    assert!(!written.contains(&m.password) && !written.contains(&b64));
    assert!(!written.contains('@'), "an address is left in the report");
    let words = personal_words(profile, dir.path());
    let leaked: Vec<&String> = words
        .iter()
        .filter(|w| written.contains(w.as_str()))
        .collect();
    assert!(leaked.is_empty(), "left in the report: {leaked:?}");

    // With --with-subjects the user chose to share them: the missing messages are named.
    let (code, _, _) = report(&[
        "report",
        "-p",
        profile,
        "-o",
        path_str(&file),
        "--no-doctor",
        "--with-subjects",
    ]);
    assert_eq!(code, 0);
    let shared = std::fs::read_to_string(&file).expect("report");
    assert!(shared.contains('@'));
    assert!(words.iter().any(|w| shared.contains(w.as_str())));
    assert!(!shared.contains(&m.password));
}

#[test]
fn a_report_is_written_even_when_sign_in_fails_and_says_why_in_japanese() {
    let m = common::migration(22);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile_path = common::migration_profile(&m, dir.path(), false);
    let file = dir.path().join("support.json");
    let out = common::ikou_with_env(
        &[
            "--lang",
            "ja",
            "report",
            "-p",
            path_str(&profile_path),
            "-o",
            path_str(&file),
            "--no-doctor",
        ],
        &[
            ("IKOU_OLD_PASSWORD", "wrong-secret-1"),
            ("IKOU_NEW_PASSWORD", "wrong-secret-2"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("確認できませんでした"), "{text}");
    let written = std::fs::read_to_string(&file).expect("report");
    let json: Value = serde_json::from_str(&written).expect("json");
    assert_eq!(json["verify"]["outcome"], "failed");
    assert_eq!(json["quota"]["outcome"], "failed");
    assert_eq!(json["doctor"]["outcome"], "skipped");
    assert!(!written.contains("wrong-secret"));
}

#[test]
fn explain_refuses_a_misheard_code() {
    let out = ikou(&["--lang", "ja", "explain", "V2-6-0-4-2-0-1-00"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("確認番号が合いません"));
    let out = ikou(&["explain", "V2-6-0-4-2-0-1-45"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("6 messages are missing"), "{text}");
}
