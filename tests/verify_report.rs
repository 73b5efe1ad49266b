//! What `ikou verify` hands a helpdesk: `--json` and `--csv` that say whose report it is, when
//! it was made and with which ikou; JSON that is the same in every language apart from the
//! `*_text` fields; a JSON error object (not an empty file) when the run fails. Real servers
//! (the migration scenario), the real binary.

mod common;

use common::{ikou, ikou_with_env, path_str};
use serde_json::Value;

/// The JSON of a run that exits 0 or 1, with stderr in the message when it is not JSON.
fn verify_json(args: &[&str]) -> Value {
    let out = ikou(args);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "ikou {args:?} failed ({code}): {}",
        common::stderr(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            common::stderr(&out)
        )
    })
}

/// `value` without the fields meant for people (`*_text`) and without what differs between
/// two runs by the clock alone (the time of the run, ages in days).
fn language_neutral(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !k.ends_with("_text") && *k != "generated_at" && *k != "age_days")
                .map(|(k, v)| (k.clone(), language_neutral(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(language_neutral).collect()),
        other => other.clone(),
    }
}

#[test]
fn verify_json_is_the_same_in_every_language_and_names_the_run() {
    every_account_report_names_the_run_too();
    let m = common::migration(21);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let address = format!("{}@example-univ.test", m.user);

    let ja = verify_json(&["verify", "-p", p, "--json", "--lang", "ja"]);
    let en = verify_json(&["verify", "-p", p, "--json", "--lang", "en"]);
    assert_ne!(
        ja["verdict_text"], en["verdict_text"],
        "the text is translated"
    );
    assert_eq!(language_neutral(&ja), language_neutral(&en));

    for report in [&ja, &en] {
        assert_eq!(report["address"], address.as_str(), "{report}");
        assert_eq!(report["profile"], "migration");
        assert_eq!(report["ikou_version"], env!("CARGO_PKG_VERSION"));
        let time = report["generated_at"].as_str().expect("generated_at");
        assert!(
            chrono::DateTime::parse_from_rfc3339(time).is_ok(),
            "RFC 3339: {time}"
        );
        // The kinds keep their snake_case names.
        let kinds: Vec<&str> = report["comparison"]["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["kind"].as_str())
            .collect();
        for kind in ["missing", "duplicate", "garbled"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }
    }
    assert!(
        en["verdict"]
            .as_str()
            .is_some_and(|v| v.contains("missing from")),
        "the verdict field stays English: {}",
        ja["verdict"]
    );
    assert_eq!(ja["verdict"], en["verdict"]);

    // The CSV carries the same run columns on every row.
    let csv = dir.path().join("findings.csv");
    let out = ikou(&["verify", "-p", p, "--lang", "ja", "--csv", path_str(&csv)]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let text = std::fs::read_to_string(&csv).expect("csv written");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    let header = lines.next().expect("header");
    assert!(
        header.ends_with(",address,profile,generated_at,ikou_version"),
        "{header}"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    for row in rows {
        assert!(
            row.contains(&format!(",{address},migration,"))
                && row.ends_with(env!("CARGO_PKG_VERSION")),
            "{row}"
        );
    }
}

/// Runs a command that must fail and returns its JSON error object.
fn failure(args: &[&str]) -> Value {
    // No password in the environment: the profile's password_command is what is used.
    let out = ikou_with_env(args, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(!out.stdout.is_empty(), "an error object, not an empty file");
    let value: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(value["error"]["exit_code"], 2, "{value}");
    assert_eq!(value["ikou_version"], env!("CARGO_PKG_VERSION"));
    let stderr = common::stderr(&out);
    let text = value["error"]["message_text"]
        .as_str()
        .expect("message_text");
    assert!(
        stderr.contains(text),
        "the same words as stderr: {text} / {stderr}"
    );
    value
}

#[test]
fn a_failed_run_with_json_writes_an_error_object() {
    let m = common::migration(22);
    let dir = tempfile::tempdir().expect("temp dir");
    let good = common::migration_profile(&m, dir.path(), true);
    let text = std::fs::read_to_string(&good).expect("profile");

    let wrong = dir.path().join("wrong-password.toml");
    std::fs::write(
        &wrong,
        text.replace(&format!("echo {}", m.password), "echo not-the-password"),
    )
    .expect("write profile");
    let ja = failure(&["verify", "-p", path_str(&wrong), "--json", "--lang", "ja"]);
    let en = failure(&["verify", "-p", path_str(&wrong), "--json", "--lang", "en"]);
    assert_eq!(ja["error"]["kind"], "sign_in_rejected", "{ja}");
    assert_eq!(language_neutral(&ja), language_neutral(&en));
    assert_ne!(ja["error"]["message_text"], en["error"]["message_text"]);
    assert_eq!(en["profile"], "wrong-password");
    assert_eq!(
        en["address"],
        format!("{}@example-univ.test", m.user).as_str()
    );
    let secret = serde_json::to_string(&en).expect("json");
    assert!(
        !secret.contains("not-the-password"),
        "no password in the JSON"
    );

    let unknown = dir.path().join("unknown-host.toml");
    std::fs::write(
        &unknown,
        text.replacen(
            &format!("host = \"{}\"", m.old.host()),
            "host = \"no-such-host.invalid\"",
            1,
        ),
    )
    .expect("write profile");
    let value = failure(&["verify", "-p", path_str(&unknown), "--json", "--lang", "ja"]);
    assert_eq!(value["error"]["kind"], "unknown_host", "{value}");

    let missing = dir.path().join("no-such-profile.toml");
    let value = failure(&["verify", "-p", path_str(&missing), "--json"]);
    assert_eq!(value["error"]["kind"], "profile", "{value}");
}

/// `ikou verify` as a person sees it, with only what truly varies between runs replaced:
/// the servers' ports, the temporary directory, and ages in days (Junk items age with the
/// clock). Dates are shown in `TZ=Asia/Tokyo`, fixed by the caller.
fn normalised(text: &str, dir: &std::path::Path) -> String {
    let text = text.replace(path_str(dir), "<tmp>");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    // `127.0.0.1:31234` → `127.0.0.1:<port>`
    while let Some(at) = rest.find("127.0.0.1:") {
        let (head, tail) = rest.split_at(at + "127.0.0.1:".len());
        out.push_str(head);
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str(if digits > 0 { "<port>" } else { "" });
        rest = &tail[digits..];
    }
    out.push_str(rest);
    // "(47 days old" / "(47 日前"
    let mut lines = Vec::new();
    for line in out.lines() {
        let mut line = line.to_string();
        for marker in [" days old", " 日前"] {
            if let Some(end) = line.find(marker) {
                let start = line[..end]
                    .rfind(|c: char| !c.is_ascii_digit())
                    .map_or(0, |i| i + 1);
                line.replace_range(start..end, "<n>");
            }
        }
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

#[test]
fn verify_text_at_80_and_120_columns_in_both_languages() {
    use unicode_width::UnicodeWidthStr;
    let m = common::migration(23);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    for lang in ["ja", "en"] {
        for columns in [80usize, 120] {
            let cols = columns.to_string();
            let out = ikou_with_env(
                &["verify", "-p", p, "--lang", lang],
                &[("COLUMNS", cols.as_str()), ("TZ", "Asia/Tokyo")],
            );
            assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
            let text = String::from_utf8(out.stdout).expect("UTF-8");
            for line in text.lines() {
                assert!(
                    line.width() <= columns,
                    "{lang} {columns}: {} columns: {line}",
                    line.width()
                );
            }
            if lang == "ja" {
                for id in ["garbled", "unmapped_old", "duplicate", "missing", "Tue,"] {
                    assert!(!text.contains(id), "{id} in the Japanese report:\n{text}");
                }
            }
            insta::assert_snapshot!(
                format!("verify_{lang}_{columns}"),
                normalised(&text, dir.path())
            );
        }
    }
}

#[test]
fn quota_marks_messages_over_the_limit_in_the_same_unit_as_verify() {
    let m = common::migration(24);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);

    let quota = common::json(&ikou(&["quota", "-p", p, "--largest", "1", "--json"]));
    assert_eq!(quota["size_limit"], 35 * 1024 * 1024, "{quota}");
    let expected = m.expected.oversize.len() as u64;
    assert!(expected > 0, "the scenario plants an oversize message");
    assert_eq!(quota["over_limit"].as_u64(), Some(expected), "{quota}");
    let over: Vec<&Value> = quota["largest"]
        .as_array()
        .expect("largest")
        .iter()
        .filter(|l| l["over_limit"] == true)
        .collect();
    assert_eq!(over.len() as u64, expected, "every one listed: {quota}");
    let size = over[0]["size"].as_u64().expect("size");

    let verify = verify_json(&["verify", "-p", p, "--json"]);
    let oversize: Vec<&Value> = verify["comparison"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["kind"] == "oversize")
        .collect();
    assert_eq!(oversize[0]["size"].as_u64(), Some(size));

    // The same message, the same words for its size, in both reports and both languages.
    let shown = ikou::report::human_size(size);
    assert!(shown.ends_with(" MiB"), "{shown}");
    for lang in ["ja", "en"] {
        let quota = ikou(&["quota", "-p", p, "--largest", "1", "--lang", lang]);
        let quota = String::from_utf8_lossy(&quota.stdout).into_owned();
        let verify = ikou_with_env(&["verify", "-p", p, "--lang", lang], &[("COLUMNS", "200")]);
        let verify = String::from_utf8_lossy(&verify.stdout).into_owned();
        assert!(
            quota.contains(&shown) && verify.contains(&shown),
            "{shown}\n{quota}\n{verify}"
        );
        assert!(!verify.contains(" MB"), "{verify}");
        let mark = if lang == "ja" {
            "! 上限超過"
        } else {
            "! over the limit"
        };
        let line = quota
            .lines()
            .find(|l| l.contains(&shown))
            .expect("the message's row");
        assert!(line.contains(mark), "{lang}: {line}\n{quota}");
    }
}

#[test]
fn restore_during_the_centres_copy_warns_that_the_copy_is_running() {
    let m = common::migration(25);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let plain = path_str(&profile);
    let copying = dir.path().join("copying.toml");
    let text = std::fs::read_to_string(&profile).expect("profile");
    std::fs::write(
        &copying,
        format!("{text}\n[dates]\ncopy_start = 2020-01-06\ncutover = 2099-03-30\n"),
    )
    .expect("write profile");
    let c = path_str(&copying);

    let plan = common::json(&ikou(&["restore", "-p", c, "--json"]));
    assert_eq!(plan["phase"]["phase"], "copying", "{plan}");
    for (lang, words) in [
        ("en", "still copying mailboxes"),
        ("ja", "コピーがまだ続いています"),
    ] {
        let out = ikou_with_env(&["restore", "-p", c, "--lang", lang], &[("COLUMNS", "300")]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("! ") && text.contains(words),
            "{lang}: {text}"
        );
        assert!(text.contains("2099"), "the switch-over day: {text}");
    }
    // Without dates, no warning.
    let out = ikou_with_env(
        &["restore", "-p", plain, "--lang", "en"],
        &[("COLUMNS", "300")],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("still copying"), "{text}");
    let plan = common::json(&ikou(&["restore", "-p", plain, "--json"]));
    assert_eq!(plan["phase"]["phase"], "unknown", "{plan}");
}

/// Not only verify: every `--json` report about one account names the run the same way.
fn every_account_report_names_the_run_too() {
    let m = common::migration(22);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let address = format!("{}@example-univ.test", m.user);
    let snap = dir.path().join("old.json");
    let zip = dir.path().join("old.zip");
    for args in [
        vec!["folders", "-p", p, "--json"],
        vec!["quota", "-p", p, "--server", "new", "--json"],
        vec!["snapshot", "-p", p, "-o", path_str(&snap), "--json"],
        vec!["restore", "-p", p, "--json"],
        vec![
            "backup",
            "-p",
            p,
            "-o",
            path_str(&zip),
            "--folder",
            "INBOX",
            "--json",
        ],
    ] {
        let report = verify_json(&args);
        assert_eq!(report["address"], address.as_str(), "{args:?}: {report}");
        assert_eq!(report["profile"], "migration", "{args:?}");
        assert_eq!(
            report["ikou_version"],
            env!("CARGO_PKG_VERSION"),
            "{args:?}"
        );
        let time = report["generated_at"].as_str().unwrap_or("");
        assert!(
            chrono::DateTime::parse_from_rfc3339(time).is_ok(),
            "{args:?}: RFC 3339: {time}"
        );
    }
}
