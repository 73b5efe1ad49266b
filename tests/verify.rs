//! `ikou verify`, `ikou snapshot` and `ikou restore` against the migration scenario: a legacy
//! Dovecot and an Exchange-like Dovecot holding a central copy with known differences
//! (`Migration::expected`). Real servers, the real binary; the old server must not change.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{ikou, path_str, server_state};
use futures::StreamExt;
use ikou::archive::{ArchiveUpdate, MessageKey, SourceKind, UpdateOptions};
use ikou::i18n::Lang;
use ikou::profile::{Profile, Side};
use ikou::service::verify::restore::{ItemOutcome, RestoreOptions, apply_plan, restore};
use ikou::service::verify::{OldSource, verify};
use ikou::service::{AccountRef, open_read_session};
use ikou_testbed::Dovecot;
use ikou_testbed::scenario::{Expected, HEADERLESS_FOLDER, Migration, Variant};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Like `common::server_state`, for the legacy namespace where `*` matches nothing.
fn old_state(server: &Dovecot) -> String {
    let status = server
        .doveadm(&[
            "mailbox",
            "status",
            "-u",
            common::USER,
            "messages uidnext uidvalidity unseen highestmodseq",
            "INBOX",
            "INBOX.*",
        ])
        .expect("doveadm mailbox status");
    let flags = server
        .doveadm(&["fetch", "-u", common::USER, "mailbox uid flags", "all"])
        .expect("doveadm fetch flags");
    format!("{status}\n---\n{flags}")
}

/// Runs ikou and parses its JSON, whatever the exit code; returns both.
fn run_json(args: &[&str]) -> (i32, Value) {
    let out = ikou(args);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "ikou {args:?} failed ({code}): {}",
        common::stderr(&out)
    );
    let value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            common::stderr(&out)
        )
    });
    (code, value)
}

/// The comparison without Junk ages, which count days from "now" and may tick over between runs.
fn without_ages(comparison: &Value) -> Value {
    let mut c = comparison.clone();
    if let Some(findings) = c["findings"].as_array_mut() {
        for f in findings {
            if let Some(map) = f.as_object_mut() {
                map.remove("age_days");
            }
        }
    }
    c
}

fn bare_id(id: &str) -> String {
    id.trim_matches(|c| c == '<' || c == '>').to_string()
}

fn findings<'a>(report: &'a Value, kind: &str) -> Vec<&'a Value> {
    report["comparison"]["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["kind"] == kind)
        .collect()
}

fn message_ids(found: &[&Value]) -> BTreeSet<String> {
    found
        .iter()
        .map(|f| {
            f["message"]["message_id"]
                .as_str()
                .unwrap_or_else(|| panic!("finding without Message-ID: {f}"))
                .to_string()
        })
        .collect()
}

fn ids_of(refs: &[ikou_testbed::scenario::MessageRef]) -> BTreeSet<String> {
    refs.iter()
        .map(|r| bare_id(r.message_id.as_deref().expect("scenario message has an id")))
        .collect()
}

/// The report must name exactly the differences the scenario injected, and nothing else.
fn assert_expected_findings(report: &Value, e: &Expected, legacy_name: impl Fn(&str) -> String) {
    let all_missing = findings(report, "missing");
    let missing: Vec<&Value> = all_missing
        .iter()
        .copied()
        .filter(|f| f["new_folder"] == "Sent Items")
        .collect();
    assert_eq!(message_ids(&missing), ids_of(&e.missing_on_new), "missing");
    assert_eq!(missing.len(), 3);
    for f in &missing {
        assert_eq!(f["old_folder"], legacy_name("Sent").as_str(), "{f}");
        assert_eq!(f["new_folder"], "Sent Items", "{f}");
    }
    assert_eq!(report["summary"]["sent_missing"], 3);

    let oversize = findings(report, "oversize");
    assert_eq!(message_ids(&oversize), ids_of(&e.oversize), "oversize");
    assert_eq!(
        oversize[0]["limit"].as_u64(),
        Some(e.size_limit_bytes),
        "limit from the profile"
    );

    let duplicates = findings(report, "duplicate");
    assert_eq!(duplicates.len(), 4, "one finding per extra copy");
    assert_eq!(message_ids(&duplicates), ids_of(&e.pop_duplicates));

    let garbled = findings(report, "garbled");
    assert_eq!(garbled.len(), 5, "{garbled:#?}");
    let want: BTreeSet<String> = e
        .garbled_subjects
        .iter()
        .map(|g| bare_id(&g.message_id))
        .collect();
    assert_eq!(message_ids(&garbled), want, "garbled");
    for f in &garbled {
        assert_eq!(f["severity"], "problem", "{f}");
    }

    // A folder missing on new is a difference, listed with its messages.
    assert!(findings(report, "unmapped_old").is_empty());
    let mut in_missing_folders = 0;
    for u in &e.unmapped_folders {
        let n = all_missing
            .iter()
            .filter(|f| f["old_folder"] == legacy_name(&u.name).as_str())
            .count();
        assert_eq!(
            n as u64, u.messages,
            "messages of {} listed as missing",
            u.name
        );
        in_missing_folders += n;
    }
    assert_eq!(all_missing.len(), 3 + in_missing_folders);
    let unmapped: Vec<(String, u64)> = findings(report, "folder_missing")
        .iter()
        .map(|f| {
            (
                f["old_folder"].as_str().expect("name").to_string(),
                f["messages"].as_u64().expect("count"),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = e
        .unmapped_folders
        .iter()
        .map(|u| (legacy_name(&u.name), u.messages))
        .collect();
    assert_eq!(unmapped, want, "unmapped old folders");

    let extras = findings(report, "extra");
    assert_eq!(message_ids(&extras), ids_of(&e.extra_on_new), "extras");
    let unmapped_new: BTreeSet<&str> = findings(report, "unmapped_new")
        .iter()
        .filter_map(|f| f["new_folder"].as_str())
        .collect();
    let want: BTreeSet<&str> = e.new_only_folders.iter().map(String::as_str).collect();
    assert_eq!(unmapped_new, want);

    // No false positives: every problem is one of the injected kinds, counted above, and
    // messages without Message-ID (copied unchanged) appear in no finding.
    let problems: Vec<&Value> = report["comparison"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "problem")
        .collect();
    assert_eq!(
        problems.len(),
        3 + 1 + 4 + 5 + e.unmapped_folders.len() + in_missing_folders,
        "problems: {problems:#?}"
    );
    assert!(!e.without_message_id.is_empty());
    for f in report["comparison"]["findings"]
        .as_array()
        .expect("findings")
    {
        let key = f["message"]["key"].as_str().unwrap_or("");
        assert!(
            !key.starts_with("fp:"),
            "message without Message-ID reported: {f}"
        );
    }

    // Per-folder counts, old against new.
    let folders = report["comparison"]["folders"].as_array().expect("folders");
    let sent = folders
        .iter()
        .find(|f| f["new_folder"] == "Sent Items")
        .expect("Sent Items group");
    assert_eq!(
        sent["old_count"].as_u64(),
        Some(e.old_counts["Sent"] + e.old_counts["送信済みトレイ"])
    );
    assert_eq!(sent["new_count"].as_u64(), Some(e.new_counts["Sent Items"]));
    assert_eq!(sent["difference"], -3);
    assert_eq!(sent["status"], "differs");
    let inbox = folders
        .iter()
        .find(|f| f["new_folder"] == "INBOX")
        .expect("INBOX group");
    assert_eq!(inbox["new_count"].as_u64(), Some(e.new_counts["INBOX"]));
    for f in folders {
        let name = f["new_folder"].as_str().expect("name");
        let missing_folder = e.unmapped_folders.iter().any(|u| u.name == name);
        if missing_folder {
            assert_eq!(f["status"], "differs", "{f}");
        } else if name != "INBOX" && name != "Sent Items" {
            assert_eq!(f["status"], "match", "{f}");
        }
    }
    assert_eq!(report["status"], "differences");
}

/// A backup of the old server written with the archive module, the way `ikou backup` does:
/// every selectable folder, every message by UID with its bytes from `BODY.PEEK[]`.
fn backup_old_server(profile_path: &Path, address: &str, zip: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let profile = Profile::load(profile_path).expect("profile");
        let account = AccountRef::new(address, false);
        let mut session = open_read_session(&profile, Side::Old, &account)
            .await
            .expect("old session");
        let folders = ikou::service::verify::gather::live_mailbox(&mut session)
            .await
            .expect("old mailbox");
        let options = UpdateOptions::new(session.server(), address, SourceKind::Imap);
        let (mut update, prior) = ArchiveUpdate::open(zip, options).expect("open archive");
        assert!(prior.is_none(), "fresh backup");
        for folder in folders.iter().filter(|f| f.folder.selectable) {
            update.folder(&folder.folder).expect("folder");
            if folder.messages.is_empty() {
                continue;
            }
            session
                .examine(&folder.folder.raw_name)
                .await
                .expect("examine");
            let mut bodies = session.fetch_bodies("1:*").await.expect("fetch");
            while let Some(body) = bodies.next().await {
                let body = body.expect("body");
                let info = folder
                    .messages
                    .iter()
                    .find(|m| m.uid == body.meta.uid)
                    .expect("listed message");
                update
                    .add(
                        &folder.folder.name,
                        MessageKey::Uid(info.uid),
                        info,
                        body.bytes,
                    )
                    .expect("add");
            }
        }
        update.commit().expect("commit");
        session.logout().await;
    });
}

/// Bytes, flags and INTERNALDATE of every message of one folder, read-only.
fn folder_bodies(
    profile_path: &Path,
    address: &str,
    side: Side,
    raw_folder: &str,
) -> Vec<(String, Vec<String>, Option<String>)> {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let profile = Profile::load(profile_path).expect("profile");
        let account = AccountRef::new(address, false);
        let mut session = open_read_session(&profile, side, &account)
            .await
            .expect("session");
        session.examine(raw_folder).await.expect("examine");
        let mut out = Vec::new();
        {
            let mut bodies = session.fetch_bodies("1:*").await.expect("fetch");
            while let Some(body) = bodies.next().await {
                let body = body.expect("body");
                let mut flags = body.meta.flags.clone();
                flags.sort();
                out.push((
                    hex::encode(Sha256::digest(&body.bytes)),
                    flags,
                    body.meta.internal_date.clone(),
                ));
            }
        }
        session.logout().await;
        out
    })
}

/// The restored copies are byte-identical to the old ones and keep flags and INTERNALDATE.
fn assert_restored(profile: &Path, address: &str, m: &Migration) {
    let old = folder_bodies(profile, address, Side::Old, "INBOX.Sent");
    let new = folder_bodies(profile, address, Side::New, "Sent Items");
    for missing in &m.expected.missing_on_new {
        let on_old = old
            .iter()
            .find(|(sha, _, _)| *sha == missing.sha256)
            .expect("missing message is on old");
        let copies: Vec<_> = new
            .iter()
            .filter(|(sha, _, _)| *sha == missing.sha256)
            .collect();
        assert_eq!(copies.len(), 1, "exactly one byte-identical copy on new");
        assert_eq!(copies[0].1, on_old.1, "flags kept");
        let old_time = on_old
            .2
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok());
        let new_time = copies[0]
            .2
            .as_deref()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok());
        assert!(
            old_time.is_some() && old_time == new_time,
            "INTERNALDATE kept"
        );
        assert_eq!(new_time.map(|t| t.timestamp()), Some(missing.internal_date));
    }
}

#[test]
fn verify_live_snapshot_and_backup_report_exactly_the_injected_differences() {
    let m = common::migration(11);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let address = format!("{}@example-univ.test", m.user);
    let old_before = old_state(&m.old);
    let new_before = server_state(&m.new);
    let legacy = |name: &str| m.old.server_mailbox_name(name);

    let (code, live) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, 1, "differences give exit code 1");
    assert_expected_findings(&live, &m.expected, legacy);
    let verdict = live["verdict"].as_str().expect("verdict");
    assert!(verdict.contains("3 missing from INBOX.Sent"), "{verdict}");

    // The table for people, and the CSV for the helpdesk.
    let csv = dir.path().join("findings.csv");
    let out = ikou(&["verify", "-p", p, "--lang", "ja", "--csv", path_str(&csv)]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("「INBOX.Sent」の 3 通が新サーバにありません"),
        "{text}"
    );
    assert!(
        text.contains("フォルダの対応") && text.contains("Sent Items"),
        "{text}"
    );
    let csv_text = std::fs::read_to_string(&csv).expect("csv written");
    assert_eq!(
        csv_text
            .lines()
            .filter(|l| l.starts_with("missing,"))
            .count() as u64,
        3 + m
            .expected
            .unmapped_folders
            .iter()
            .map(|u| u.messages)
            .sum::<u64>()
    );
    assert_eq!(
        csv_text
            .lines()
            .filter(|l| l.starts_with("duplicate,"))
            .count(),
        4
    );

    // Snapshot, then verify from it: the same findings and counts.
    let snap = dir.path().join("old.json");
    let (code, saved) = run_json(&["snapshot", "-p", p, "-o", path_str(&snap), "--json"]);
    assert_eq!(code, 0);
    let old_total: u64 = m.expected.old_counts.values().sum();
    assert_eq!(saved["messages"].as_u64(), Some(old_total));
    let snap_text = std::fs::read_to_string(&snap).expect("snapshot");
    assert!(snap_text.contains("\"kind\": \"ikou-snapshot\""));
    assert!(
        !snap_text.contains("Content-Type"),
        "no message bodies in a snapshot"
    );
    let (code, from_snap) = run_json(&["verify", "-p", p, "--old-from", path_str(&snap), "--json"]);
    assert_eq!(code, 1);
    assert_eq!(
        without_ages(&from_snap["comparison"]),
        without_ages(&live["comparison"])
    );
    assert_eq!(from_snap["old"]["kind"], "snapshot");

    // A file that is not a snapshot is an error (exit 2) that says what to do.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"format\": 1}").expect("write");
    let out = ikou(&["verify", "-p", p, "--old-from", path_str(&bogus), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("ikou snapshot"),
        "{}",
        common::stderr(&out)
    );
    // Not a partial report: one JSON error object, the same words as stderr.
    let error: Value = serde_json::from_slice(&out.stdout).expect("a JSON error object");
    assert_eq!(error["error"]["exit_code"], 2, "{error}");
    assert!(error.get("comparison").is_none(), "{error}");
    assert!(
        error["error"]["message_text"]
            .as_str()
            .is_some_and(|t| t.contains("ikou snapshot")),
        "{error}"
    );

    // A backup zip, then verify from its manifest: the same findings and counts.
    let zip = dir.path().join("backup.zip");
    backup_old_server(&profile, &address, &zip);
    let (code, from_zip) = run_json(&["verify", "-p", p, "--old-from", path_str(&zip), "--json"]);
    assert_eq!(code, 1);
    assert_eq!(from_zip["old"]["kind"], "backup");
    assert_expected_findings(&from_zip, &m.expected, legacy);
    assert_eq!(
        from_zip["comparison"]["folders"],
        live["comparison"]["folders"]
    );
    assert_eq!(
        from_zip["comparison"]["totals"],
        live["comparison"]["totals"]
    );

    // Verifying never changes either server.
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");
    assert_eq!(
        server_state(&m.new),
        new_before,
        "new server unchanged by verify"
    );

    // Restore from the backup (the old server could be gone): plan, apply, apply again.
    let (_, plan) = run_json(&[
        "restore",
        "-p",
        p,
        "--from-backup",
        path_str(&zip),
        "--json",
    ]);
    assert_eq!(plan["applied"], false);
    assert_eq!(plan["source"], "backup");
    assert_eq!(plan["plan"].as_array().map(Vec::len), Some(3));
    assert_eq!(server_state(&m.new), new_before, "a plan changes nothing");
    let (code, done) = run_json(&[
        "restore",
        "-p",
        p,
        "--from-backup",
        path_str(&zip),
        "--apply",
        "--json",
    ]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(done["appended"], 3, "{done}");
    assert_restored(&profile, &address, &m);
    let (_, again) = run_json(&[
        "restore",
        "-p",
        p,
        "--from-backup",
        path_str(&zip),
        "--apply",
        "--json",
    ]);
    assert_eq!(
        again["appended"], 0,
        "a second run appends nothing: {again}"
    );
    assert_eq!(
        old_state(&m.old),
        old_before,
        "old server unchanged by restore"
    );
}

#[test]
fn restore_plans_then_appends_the_missing_sent_items_once_from_the_old_server() {
    let m = common::migration(12);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let address = format!("{}@example-univ.test", m.user);
    let old_before = old_state(&m.old);
    let new_before = server_state(&m.new);

    // Dry run: the plan names exactly the three Sent items, and nothing changes.
    let (code, plan) = run_json(&["restore", "-p", p, "--json"]);
    assert_eq!(code, 0);
    assert_eq!(plan["applied"], false);
    let planned: BTreeSet<String> = plan["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .map(|i| {
            i["key"]
                .as_str()
                .expect("key")
                .trim_start_matches("mid:")
                .to_string()
        })
        .collect();
    assert_eq!(planned, ids_of(&m.expected.missing_on_new));
    let size: u64 = m.expected.missing_on_new.iter().map(|r| r.size).sum();
    assert_eq!(plan["plan_bytes"].as_u64(), Some(size));
    let text =
        String::from_utf8_lossy(&ikou(&["restore", "-p", p, "--lang", "en"]).stdout).into_owned();
    assert!(
        text.contains("Restore 3 messages") && text.contains("--apply"),
        "{text}"
    );
    assert_eq!(server_state(&m.new), new_before, "dry run changes nothing");

    // Oversize items asked for explicitly are reported and never sent.
    let (_, inbox_plan) = run_json(&["restore", "-p", p, "--folder", "INBOX", "--json"]);
    assert_eq!(inbox_plan["plan"].as_array().map(Vec::len), Some(0));
    assert_eq!(inbox_plan["oversize"].as_array().map(Vec::len), Some(1));
    let out = ikou(&["restore", "-p", p, "--folder", "Nowhere", "--apply"]);
    assert_eq!(out.status.code(), Some(2), "an unknown folder is an error");
    assert!(common::stderr(&out).contains("Nowhere"));

    // The same plan through the library, kept for a stale replay below.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let loaded = Profile::load(&profile).expect("profile");
    let account = AccountRef::new(address.clone(), false);
    let (stale_plan, basis) = runtime.block_on(async {
        let report = restore(&loaded, &account, &RestoreOptions::default(), Lang::En)
            .await
            .expect("plan");
        let (_, basis) = verify(&loaded, &account, &OldSource::Live, Lang::En)
            .await
            .expect("verify");
        (report.plan, basis)
    });
    assert_eq!(stale_plan.len(), 3);

    // Apply: the three appear on new, byte-identical with flags and INTERNALDATE.
    let (code, done) = run_json(&["restore", "-p", p, "--apply", "--json"]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(done["appended"], 3, "{done}");
    assert_restored(&profile, &address, &m);
    let after_first = server_state(&m.new);

    // Replaying the stale plan: the presence re-check right before APPEND skips all three.
    let replay = runtime.block_on(apply_plan(
        &loaded,
        &account,
        &stale_plan,
        &basis,
        None,
        u64::MAX,
    ));
    let outcomes: Vec<ItemOutcome> = replay
        .expect("replay")
        .into_iter()
        .map(|r| r.outcome)
        .collect();
    assert_eq!(outcomes, vec![ItemOutcome::AlreadyPresent; 3]);
    assert_eq!(server_state(&m.new), after_first, "replay appended nothing");

    // A second run appends nothing, and verify no longer finds anything missing.
    let (_, again) = run_json(&["restore", "-p", p, "--apply", "--json"]);
    assert_eq!(again["appended"], 0, "{again}");
    assert_eq!(
        server_state(&m.new),
        after_first,
        "second run changed nothing"
    );
    let (_, report) = run_json(&["verify", "-p", p, "--json"]);
    let sent_missing: Vec<&Value> = findings(&report, "missing")
        .into_iter()
        .filter(|f| f["new_folder"] == "Sent Items")
        .collect();
    assert!(sent_missing.is_empty(), "{report}");
    assert_eq!(report["summary"]["sent_missing"], 0);
    let sent = report["comparison"]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["new_folder"] == "Sent Items")
        .cloned()
        .expect("Sent Items");
    assert_eq!(sent["difference"], 0);
    assert_eq!(sent["status"], "match");

    assert_eq!(
        old_state(&m.old),
        old_before,
        "old server unchanged throughout"
    );
}

/// Header-less messages: one deleted on new is reported missing (never "moved" to an unrelated
/// header-less message, never a "missing copy"), restored, then verified; a rerun does nothing.
#[test]
fn header_less_message_deleted_on_new_is_missing_and_restored_once() {
    let m = common::migration_with(
        14,
        Variant {
            headerless: true,
            ..Variant::default()
        },
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let old_before = old_state(&m.old);
    let folder = m.old.server_mailbox_name(HEADERLESS_FOLDER);
    let in_folder = |report: &Value, kind: &str| -> Vec<Value> {
        findings(report, kind)
            .into_iter()
            .filter(|f| f["old_folder"] == folder.as_str())
            .cloned()
            .collect()
    };

    let (code, report) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, 1, "differences give exit code 1");
    let missing = in_folder(&report, "missing");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0]["message"]["message_id"].is_null());
    assert!(missing[0]["message"]["date"].is_null());
    for kind in ["moved", "missing_copy", "unproven"] {
        assert!(in_folder(&report, kind).is_empty(), "{kind}: {report}");
    }
    let group = |report: &Value| {
        report["comparison"]["folders"]
            .as_array()
            .expect("folders")
            .iter()
            .find(|f| f["new_folder"] == HEADERLESS_FOLDER)
            .cloned()
            .expect("group")
    };
    assert_eq!(group(&report)["status"], "differs");

    let (code, done) = run_json(&["restore", "-p", p, "--folder", &folder, "--apply", "--json"]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(done["appended"], 1, "{done}");
    let after_first = server_state(&m.new);

    let (_, report) = run_json(&["verify", "-p", p, "--json"]);
    assert!(in_folder(&report, "missing").is_empty(), "{report}");
    assert!(in_folder(&report, "unproven").is_empty(), "{report}");
    assert_eq!(group(&report)["status"], "match", "{report}");

    let (_, again) = run_json(&["restore", "-p", p, "--folder", &folder, "--apply", "--json"]);
    assert_eq!(again["appended"], 0, "{again}");
    assert_eq!(
        server_state(&m.new),
        after_first,
        "second run changed nothing"
    );
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");
}

/// A folder missing on the new server: a difference listed with its messages; `ikou restore`
/// plans it, `--apply` creates it and puts its messages back, verify then finds it clean, and
/// a second run changes nothing.
#[test]
fn folder_missing_on_new_is_restored_then_verified_clean() {
    let m = common::migration(15);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let old_before = old_state(&m.old);
    let gone = m
        .expected
        .unmapped_folders
        .first()
        .expect("a folder missing on new");
    let old_name = m.old.server_mailbox_name(&gone.name);

    let (code, report) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, 1);
    let folder_findings = findings(&report, "folder_missing");
    assert_eq!(folder_findings.len(), 1, "{report}");
    assert_eq!(folder_findings[0]["old_folder"], old_name.as_str());
    assert_eq!(folder_findings[0]["severity"], "problem");
    let target = folder_findings[0]["new_folder"]
        .as_str()
        .expect("target name")
        .to_string();
    assert_eq!(target, gone.name);

    let (code, plan) = run_json(&["restore", "-p", p, "--folder", &old_name, "--json"]);
    assert_eq!(code, 0, "{plan}");
    assert_eq!(
        plan["plan"].as_array().map(Vec::len),
        Some(gone.messages as usize)
    );
    assert_eq!(plan["folders_to_create"], serde_json::json!([target]));
    let text = String::from_utf8_lossy(
        &ikou(&["restore", "-p", p, "--folder", &old_name, "--lang", "en"]).stdout,
    )
    .into_owned();
    assert!(text.contains(&target) && text.contains("--apply"), "{text}");

    let (code, done) = run_json(&[
        "restore", "-p", p, "--folder", &old_name, "--apply", "--json",
    ]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(done["appended"].as_u64(), Some(gone.messages), "{done}");
    let after_first = server_state(&m.new);

    let (_, report) = run_json(&["verify", "-p", p, "--json"]);
    assert!(findings(&report, "folder_missing").is_empty(), "{report}");
    let leftover: Vec<&Value> = findings(&report, "missing")
        .into_iter()
        .filter(|f| f["old_folder"] == old_name.as_str())
        .collect();
    assert!(leftover.is_empty(), "{leftover:?}");
    let group = report["comparison"]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["new_folder"] == target.as_str())
        .cloned()
        .expect("the restored folder is compared");
    assert_eq!(group["status"], "match", "{group}");
    assert_eq!(group["difference"], 0);

    let (_, again) = run_json(&[
        "restore", "-p", p, "--folder", &old_name, "--apply", "--json",
    ]);
    assert_eq!(again["appended"], 0, "{again}");
    assert_eq!(
        server_state(&m.new),
        after_first,
        "second run changed nothing"
    );
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");
}

/// Verify and inventory are whole use cases: the library call that the TUI makes reports
/// each folder of both sides as it reads it, and reaches the same comparison as `ikou
/// verify`; the inventory use case counts what `ikou folders` counts.
#[test]
fn verify_and_inventory_use_cases_report_progress_and_agree_with_the_commands() {
    use ikou::service::inventory::{self, InventoryOptions};
    use ikou::service::progress::{Progress, ReadStep};
    use std::sync::{Arc, Mutex};

    let m = common::migration(23);
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let loaded = Profile::load(&profile).expect("profile");
    let account = AccountRef::new(format!("{}@example-univ.test", m.user), false);
    let steps = Arc::new(Mutex::new(Vec::new()));
    let record = steps.clone();
    let progress: Progress = Arc::new(move |step| record.lock().expect("lock").push(step));

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (report, basis) = runtime
        .block_on(ikou::service::verify::verify_with(
            &loaded,
            &account,
            &OldSource::Live,
            Lang::En,
            &progress,
        ))
        .expect("verify");
    let (code, cli) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, report.exit_code());
    assert_eq!(
        without_ages(&serde_json::to_value(&report.comparison).expect("json")),
        without_ages(&cli["comparison"]),
        "the TUI's path and the command compare alike"
    );

    let steps = std::mem::take(&mut *steps.lock().expect("lock"));
    for (side, folders) in [
        (Side::Old, basis.old_folders.len()),
        (Side::New, basis.new_folders.len()),
    ] {
        let mine: Vec<&ReadStep> = steps
            .iter()
            .filter(|s| match s {
                ReadStep::Connected(s) => *s == side,
                ReadStep::Folder { side: s, .. } => *s == side,
            })
            .collect();
        assert_eq!(mine.first(), Some(&&ReadStep::Connected(side)), "{mine:?}");
        let dones: Vec<usize> = mine
            .iter()
            .filter_map(|s| match s {
                ReadStep::Folder { done, total, .. } => {
                    assert_eq!(*total, folders, "{side:?}: total is the folder count");
                    Some(*done)
                }
                ReadStep::Connected(_) => None,
            })
            .collect();
        assert_eq!(
            dones,
            (0..=folders).collect::<Vec<_>>(),
            "{side:?}: one step per folder, then the end"
        );
    }

    let steps = Arc::new(Mutex::new(Vec::new()));
    let record = steps.clone();
    let progress: Progress = Arc::new(move |step| record.lock().expect("lock").push(step));
    let listed = runtime
        .block_on(inventory::run(
            &loaded,
            Side::New,
            &account,
            InventoryOptions {
                largest: 3,
                size_limit: None,
            },
            &progress,
        ))
        .expect("inventory");
    let (code, folders) = run_json(&["folders", "-p", p, "--server", "new", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(
        folders["total_messages"].as_u64(),
        Some(listed.total_messages)
    );
    assert_eq!(listed.largest.len(), 3);
    let steps = steps.lock().expect("lock");
    assert_eq!(steps.first(), Some(&ReadStep::Connected(Side::New)));
    assert_eq!(
        steps.last(),
        Some(&ReadStep::Folder {
            side: Side::New,
            done: listed.folders.len(),
            total: listed.folders.len(),
            folder: String::new(),
        })
    );
    assert_eq!(steps.len(), listed.folders.len() + 2);
}

/// Garbled subjects are judged by what a mail program shows: a fold inside an encoded-word's
/// text and a cut-off `?=` (which ikou's lenient decoder reads), and double encoding, are each
/// found and named by the repair they need; a subject only folded differently, legally, is not
/// flagged at all.
#[test]
fn garbled_subjects_are_named_by_the_repair_a_mail_program_needs() {
    let m = common::migration_with(
        16,
        Variant {
            subject_repairs: true,
            ..Variant::default()
        },
    );
    let e = &m.expected;
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let old_before = old_state(&m.old);

    let (code, report) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, 1, "differences give exit code 1");
    let found: std::collections::BTreeMap<String, String> = findings(&report, "garbled")
        .into_iter()
        .map(|f| {
            assert_eq!(f["severity"], "problem", "{f}");
            assert_eq!(f["garble"]["garble"], "on_new", "{f}");
            let id = f["message"]["message_id"].as_str().expect("id").to_string();
            let defect = f["garble"]["defect"].as_str().expect("defect").to_string();
            (id, defect)
        })
        .collect();
    let want: std::collections::BTreeMap<String, String> = e
        .garbled_subjects
        .iter()
        .map(|g| {
            let defect = match g.kind.as_str() {
                "double-encoded" => "double_encoded",
                "replacement-char" => "replacement_char",
                "fold-inside-encoded-word" => "fold_inside_encoded_word",
                "cut-off" => "missing_encoded_word_end",
                other => panic!("unknown planted kind {other}"),
            };
            (bare_id(&g.message_id), defect.to_string())
        })
        .collect();
    let planted: BTreeSet<&str> = e.garbled_subjects.iter().map(|g| g.kind.as_str()).collect();
    assert!(
        planted.is_superset(&BTreeSet::from([
            "double-encoded",
            "fold-inside-encoded-word",
            "cut-off"
        ])),
        "{planted:?}"
    );
    assert_eq!(
        found, want,
        "each planted subject found and named, nothing else"
    );

    // The legally refolded subject: no finding of any kind.
    let refolded = ids_of(&e.refolded_subjects);
    assert_eq!(refolded.len(), 1);
    let all = report["comparison"]["findings"]
        .as_array()
        .expect("findings");
    for f in all {
        if let Some(id) = f["message"]["message_id"].as_str() {
            assert!(!refolded.contains(id), "legal folding flagged: {f}");
        }
    }

    // The text report names the repair, in both languages.
    for (lang, words) in [
        ("en", "a line fold inside the encoded text"),
        ("ja", "エンコード (=?…?=) の途中で改行されています"),
    ] {
        // Wide enough that no sentence is wrapped onto two lines.
        let out = common::ikou_with_env(
            &["verify", "-p", p, "--lang", lang],
            &[
                ("IKOU_OLD_PASSWORD", common::PASSWORD),
                ("IKOU_NEW_PASSWORD", common::PASSWORD),
                ("COLUMNS", "400"),
            ],
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(words), "{lang}: {text}");
    }
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");
}

/// Folders are paired by what they hold: the old `送信済みトレイ` goes with the new folder that
/// holds its messages, not with `Sent Items` (a known Sent name); only the truly missing are
/// reported, with no "moved" notes and no unmapped new folder; the mapping shows the evidence.
#[test]
fn folders_are_paired_by_their_messages_not_by_name() {
    let m = common::migration_with(
        17,
        Variant {
            sent_tray_apart: true,
            ..Variant::default()
        },
    );
    let e = &m.expected;
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, dir.path(), true);
    let p = path_str(&profile);
    let old_before = old_state(&m.old);
    let tray = "送信済みトレイ";
    let old_tray = m.old.server_mailbox_name(tray);
    let held = e.new_counts[tray];
    let listed = e.old_counts[tray];
    assert!(!e.tray_missing.is_empty() && held > 0);

    let (code, report) = run_json(&["verify", "-p", p, "--json"]);
    assert_eq!(code, 1, "messages are missing");
    let line = report["mapping"]
        .as_array()
        .expect("mapping")
        .iter()
        .find(|l| l["old"] == old_tray.as_str())
        .cloned()
        .expect("the tray is mapped");
    assert_eq!(line["new"], tray, "{line}");
    assert_eq!(line["reason"]["rule"], "contents", "{line}");
    assert_eq!(line["evidence"]["found"].as_u64(), Some(held), "{line}");
    assert_eq!(line["evidence"]["of"].as_u64(), Some(listed), "{line}");

    let missing: Vec<&Value> = findings(&report, "missing")
        .into_iter()
        .filter(|f| f["old_folder"] == old_tray.as_str())
        .collect();
    assert_eq!(
        message_ids(&missing),
        ids_of(&e.tray_missing),
        "only the truly missing"
    );
    for f in &missing {
        assert_eq!(f["new_folder"], tray, "{f}");
    }
    assert!(findings(&report, "moved").is_empty(), "{report}");
    for f in findings(&report, "unmapped_new") {
        assert_ne!(f["new_folder"], tray, "{f}");
    }
    let unmapped_new = report["summary"]["unmapped_new"].as_array().expect("list");
    assert!(!unmapped_new.iter().any(|n| n == tray), "{unmapped_new:?}");
    let group = report["comparison"]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["new_folder"] == tray)
        .cloned()
        .expect("the tray group");
    assert_eq!(group["status"], "differs", "{group}");
    let sent = report["comparison"]["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|f| f["new_folder"] == "Sent Items")
        .cloned()
        .expect("Sent Items");
    assert_eq!(
        sent["old_folders"],
        serde_json::json!([m.old.server_mailbox_name("Sent")]),
        "{sent}"
    );

    let out = ikou(&["verify", "-p", p, "--lang", "en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let evidence = format!("{held} of {listed} messages found here");
    assert!(text.contains(&evidence), "{evidence}: {text}");
    let out = ikou(&["verify", "-p", p, "--lang", "ja"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let evidence = format!("{listed} 通中 {held} 通がここにあります");
    assert!(text.contains(&evidence), "{evidence}: {text}");

    // Restore puts the missing ones into the folder the contents chose; then all is there.
    let (code, done) = run_json(&[
        "restore", "-p", p, "--folder", &old_tray, "--apply", "--json",
    ]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(
        done["appended"].as_u64(),
        Some(e.tray_missing.len() as u64),
        "{done}"
    );
    let (_, report) = run_json(&["verify", "-p", p, "--json"]);
    let line = report["mapping"]
        .as_array()
        .expect("mapping")
        .iter()
        .find(|l| l["old"] == old_tray.as_str())
        .cloned()
        .expect("the tray is mapped");
    assert_eq!(line["new"], tray, "{line}");
    assert_eq!(line["evidence"]["found"].as_u64(), Some(listed), "{line}");
    let left: Vec<&Value> = findings(&report, "missing")
        .into_iter()
        .filter(|f| f["old_folder"] == old_tray.as_str())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");
}

/// A backup as the old side is read record by record, its records kept in a temporary
/// file: the report, the restore basis and every plan are the ones the whole manifest held
/// in memory gives, a header-less message (its body hashed from the backup) included; the
/// restore then reads each planned message from the zip by its entry.
#[test]
fn a_backup_read_record_by_record_gives_the_report_and_plans_of_the_whole_manifest() {
    use ikou::service::verify::restore::{Selection, plan_restore};
    use ikou::service::verify::{RestoreBasis, build_report, new_mailbox, old_mailbox};
    let m = common::migration_with(
        18,
        Variant {
            headerless: true,
            ..Variant::default()
        },
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let profile_path = common::migration_profile(&m, dir.path(), true);
    let address = format!("{}@example-univ.test", m.user);
    let zip = dir.path().join("backup.zip");
    backup_old_server(&profile_path, &address, &zip);
    let old_before = old_state(&m.old);
    let new_before = server_state(&m.new);
    let headerless = m.old.server_mailbox_name(HEADERLESS_FOLDER);

    let profile = Profile::load(&profile_path).expect("profile");
    let account = AccountRef::new(address.clone(), false);
    let source = OldSource::Backup(zip.clone());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (whole, whole_basis, streamed, streamed_basis, report_only) = runtime.block_on(async {
        // As before: the whole manifest read into a mailbox, compared in memory.
        let old = old_mailbox(&profile, &account, &source).await.expect("old");
        assert!(old.manifest.is_some(), "read from the backup's manifest");
        let (new_server, new) = new_mailbox(&profile, &account).await.expect("new");
        let whole = build_report(&profile, &old, &new_server, &new, Lang::En);
        let whole_basis = RestoreBasis::held(&whole, &old, &new);
        // Now: the records streamed.
        let (streamed, streamed_basis) = verify(&profile, &account, &source, Lang::En)
            .await
            .expect("verify");
        let silent = ikou::service::progress::silent();
        let report_only =
            ikou::service::verify::verify_report(&profile, &account, &source, Lang::En, &silent)
                .await
                .expect("verify report");
        (whole, whole_basis, streamed, streamed_basis, report_only)
    });
    for report in [&streamed, &report_only] {
        assert_eq!(report.old, whole.old);
        assert_eq!(report.old.kind, "backup");
        assert_eq!(
            without_ages(&json(&report.comparison)),
            without_ages(&json(&whole.comparison))
        );
        assert_eq!(json(&report.summary), json(&whole.summary));
        assert_eq!(json(&report.mapping), json(&whole.mapping));
        assert_eq!(report.verdict, whole.verdict);
    }
    let headerless_missing: Vec<_> = streamed
        .comparison
        .of_kind(ikou::compare::result::FindingKind::Missing)
        .filter(|f| f.old_folder.as_deref() == Some(headerless.as_str()))
        .collect();
    assert_eq!(headerless_missing.len(), 1, "{headerless_missing:?}");
    assert!(
        headerless_missing[0]
            .message
            .as_ref()
            .is_some_and(|m| m.message_id.is_none())
    );

    // The same old copies, with the same manifest records, hence the same plans.
    let copies = |b: &RestoreBasis| -> Vec<(String, u32, ikou::service::verify::basis::OldCopy)> {
        b.copies()
            .map(|(f, u, c)| (f.to_string(), u, c.clone()))
            .collect()
    };
    assert!(!copies(&whole_basis).is_empty());
    assert_eq!(copies(&streamed_basis), copies(&whole_basis));
    assert!(
        copies(&streamed_basis)
            .iter()
            .all(|(_, _, c)| c.record.is_some()),
        "every copy carries its record"
    );
    assert!(
        copies(&streamed_basis)
            .iter()
            .any(|(_, _, c)| c.body_hash.is_some()),
        "the header-less copy carries its body hash"
    );
    assert_eq!(streamed_basis.old_folders, whole_basis.old_folders);
    assert_eq!(streamed_basis.new_folders, whole_basis.new_folders);
    for selection in [
        Selection::Sent,
        Selection::AllMissing,
        Selection::Folders(vec![headerless.clone()]),
    ] {
        let a = plan_restore(&whole, &whole_basis, &selection);
        let b = plan_restore(&streamed, &streamed_basis, &selection);
        assert_eq!(a, b, "{selection:?}");
    }
    assert_eq!(server_state(&m.new), new_before, "verify changes nothing");

    // Applied from the backup: the header-less message, read by its entry, goes back once.
    let options = RestoreOptions {
        folders: vec![headerless.clone()],
        from_backup: Some(zip.clone()),
        apply: true,
    };
    let done = runtime
        .block_on(restore(&profile, &account, &options, Lang::En))
        .expect("restore");
    assert_eq!((done.appended, done.failed), (1, 0), "{:?}", done.results);
    let again = runtime
        .block_on(restore(&profile, &account, &options, Lang::En))
        .expect("restore again");
    assert_eq!(again.appended, 0, "{:?}", again.results);
    assert_eq!(old_state(&m.old), old_before, "old server unchanged");

    // A backup whose manifest fails its CRC is an error, not a partial old side.
    let mut bytes = std::fs::read(&zip).expect("read backup");
    let name = ikou::archive::MANIFEST_NAME.as_bytes();
    for (sig, name_at, crc_at) in [(b"PK\x03\x04", 30, 14), (b"PK\x01\x02", 46, 16)] {
        let at = (0..bytes.len() - name_at - name.len())
            .find(|&i| {
                &bytes[i..i + 4] == sig && &bytes[i + name_at..i + name_at + name.len()] == name
            })
            .expect("manifest header");
        bytes[at + crc_at] ^= 1;
    }
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes).expect("write");
    let err = runtime
        .block_on(verify(
            &profile,
            &account,
            &OldSource::Backup(damaged),
            Lang::En,
        ))
        .expect_err("a damaged manifest");
    assert!(err.to_string().contains("CRC"), "{err}");
}

/// Any part of a report as JSON, to compare it with another.
fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("serialisable")
}
