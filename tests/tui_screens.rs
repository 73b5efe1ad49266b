//! The Verify and Backup screens driven by key events against the migration scenario's two
//! real Dovecot servers: the known differences appear, one message's headers are read, the
//! missing Sent items are restored after the plan, and a backup is cancelled and resumed
//! into a valid archive. The old server is unchanged throughout.

mod common;
mod tui_support;

use ikou::compare::result::FindingKind;
use std::path::Path;
use std::time::Duration;
use tui_support::{press, type_text};

use chrono::NaiveDate;
use ikou::i18n::Lang;
use ikou::profile::{Profile, Side};
use ikou::service::verify::restore::{ItemOutcome, ItemResult, apply_plan};
use ikou::service::{AccountRef, open_read_session};
use ikou::tui::Driver;
use ikou::tui::app::{App, AppOptions};
use ikou::tui::backup::BackupRun;
use ikou::tui::config::Remembered;
use ikou::tui::screen::Screen;
use ikou::tui::verify::{Headers, RestoreStep, VerifyMode, findings_of};
use ikou_testbed::Dovecot;
use ikou_testbed::scenario::Migration;
use ratatui::crossterm::event::KeyCode;

const WAIT: Duration = Duration::from_secs(120);

fn old_state(server: &Dovecot, user: &str) -> String {
    let status = server
        .doveadm(&[
            "mailbox",
            "status",
            "-u",
            user,
            "messages uidnext uidvalidity unseen highestmodseq",
            "INBOX",
            "INBOX.*",
        ])
        .expect("doveadm mailbox status");
    let flags = server
        .doveadm(&["fetch", "-u", user, "mailbox uid flags", "all"])
        .expect("doveadm fetch flags");
    format!("{status}\n---\n{flags}")
}

/// Confirms the restore plan on screen with `y` and returns the per-message results.
async fn confirm_restore(driver: &mut Driver) -> Vec<ItemResult> {
    press(driver, KeyCode::Char('y'));
    assert!(driver.settle(WAIT).await, "restore finishes");
    let VerifyMode::Restore {
        step: RestoreStep::Done(Ok(results)),
        ..
    } = &driver.app.verify.mode
    else {
        panic!("restored: {:?}", driver.app.verify.mode);
    };
    results.clone()
}

fn screen(app: &App) -> String {
    tui_support::screen_at(app, 120, 40)
}

fn bare(id: &str) -> &str {
    id.trim_start_matches('<').trim_end_matches('>')
}

async fn signed_in(m: &Migration, dir: &Path) -> Driver {
    let app = App::new(AppOptions {
        lang: Lang::En,
        profile: Some(common::migration_profile(m, dir, false)),
        address: None,
        remembered: Remembered::default(),
        profile_dirs: vec![],
        size: (120, 40),
        today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        colour: false,
    });
    let mut driver = Driver::new(app, None);
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, &m.password);
    press(&mut driver, KeyCode::Enter);
    type_text(&mut driver, &m.password);
    press(&mut driver, KeyCode::Enter);
    assert!(driver.settle(WAIT).await, "both servers report");
    driver
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_shows_the_known_differences_reads_headers_and_restores_after_the_plan() {
    let m = common::migration(31);
    let dir = tempfile::tempdir().expect("temp dir");
    let before = old_state(&m.old, &m.user);
    let mut driver = signed_in(&m, dir.path()).await;
    press(&mut driver, KeyCode::Char('4'));
    assert_eq!(driver.app.screen, Screen::Verify);
    press(&mut driver, KeyCode::Char('v'));
    assert!(driver.app.busy());
    assert!(driver.settle(WAIT).await, "verification finishes");
    let outcome = driver.app.verify.outcome().expect("verified").clone();
    let report = &outcome.report;

    // The differences the scenario injected, kind by kind.
    let ids = |kind: FindingKind| -> Vec<String> {
        let mut ids: Vec<String> = findings_of(report, kind)
            .iter()
            .filter_map(|(_, f)| f.message.as_ref()?.message_id.clone())
            .map(|id| bare(&id).to_string())
            .collect();
        ids.sort();
        ids
    };
    let expected = |refs: &[ikou_testbed::scenario::MessageRef]| -> Vec<String> {
        let mut ids: Vec<String> = refs
            .iter()
            .filter_map(|r| r.message_id.as_deref())
            .map(|id| bare(id).to_string())
            .collect();
        ids.sort();
        ids
    };
    // Missing: the Sent items, and every message of the folder that was not copied at all.
    let sent_missing: Vec<String> = {
        let mut ids: Vec<String> = findings_of(report, FindingKind::Missing)
            .iter()
            .filter(|(_, f)| f.new_folder.as_deref() == Some("Sent Items"))
            .filter_map(|(_, f)| f.message.as_ref()?.message_id.clone())
            .map(|id| bare(&id).to_string())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(sent_missing, expected(&m.expected.missing_on_new));
    let in_missing_folders: u64 = m.expected.unmapped_folders.iter().map(|u| u.messages).sum();
    assert_eq!(
        ids(FindingKind::Missing).len() as u64,
        m.expected.missing_on_new.len() as u64 + in_missing_folders
    );
    assert_eq!(ids(FindingKind::Oversize), expected(&m.expected.oversize));
    assert_eq!(
        ids(FindingKind::Duplicate),
        expected(&m.expected.pop_duplicates)
    );
    let mut garbled: Vec<String> = m
        .expected
        .garbled_subjects
        .iter()
        .map(|g| bare(&g.message_id).to_string())
        .collect();
    garbled.sort();
    assert_eq!(ids(FindingKind::Garbled), garbled);

    let text = screen(&driver.app);
    let sent = m.expected.missing_on_new.len();
    let missing = sent + in_missing_folders as usize;
    let row = text
        .lines()
        .find(|l| l.contains("Missing on the new server"))
        .expect("missing row");
    assert!(row.contains(&format!(" {missing}  ({sent} sent)")), "{row}");

    // The missing list names the messages; Enter reads one message's header.
    press(&mut driver, KeyCode::Enter);
    let text = screen(&driver.app);
    for r in &m.expected.missing_on_new {
        let subject = r.subject.as_deref().expect("subject");
        let shown: String = subject.chars().take(12).collect();
        assert!(text.contains(&shown), "{shown}\n{text}");
    }
    press(&mut driver, KeyCode::Enter);
    assert!(driver.settle(WAIT).await);
    let VerifyMode::Headers {
        target, headers, ..
    } = &driver.app.verify.mode
    else {
        panic!("headers: {:?}", driver.app.verify.mode);
    };
    let Headers::Loaded(text) = headers else {
        panic!("{headers:?}");
    };
    let first = findings_of(report, FindingKind::Missing)[0].1;
    let id = first
        .message
        .as_ref()
        .and_then(|m| m.message_id.clone())
        .expect("id");
    assert!(text.contains(bare(&id)), "{text}");
    assert!(text.contains("Subject:"), "{text}");
    assert_eq!(target.folder, first.old_folder.clone().expect("old folder"));
    assert!(screen(&driver.app).contains("Message-ID:"));
    press(&mut driver, KeyCode::Esc);

    // Mark every missing message, see the plan, apply it.
    for _ in 0..missing {
        press(&mut driver, KeyCode::Char(' '));
        press(&mut driver, KeyCode::Down);
    }
    press(&mut driver, KeyCode::Char('p'));
    let text = screen(&driver.app);
    assert!(
        text.contains(&format!("Restore plan: {missing} messages")),
        "{text}"
    );
    let results = confirm_restore(&mut driver).await;
    assert_eq!(results.len(), missing);
    assert!(
        results.iter().all(|r| r.outcome == ItemOutcome::Appended),
        "{results:?}"
    );
    assert!(screen(&driver.app).contains(&format!("{missing} appended")));

    // Verify again: nothing is missing any more; the old server never changed.
    press(&mut driver, KeyCode::Char('v'));
    assert!(driver.settle(WAIT).await);
    let again = driver.app.verify.outcome().expect("verified again");
    assert_eq!(findings_of(&again.report, FindingKind::Missing).len(), 0);
    assert_eq!(
        old_state(&m.old, &m.user),
        before,
        "the old server must not change"
    );
}

/// The SHA-256 and UID of every message of one folder, read through ikou's read-only session.
async fn folder_digests(
    profile: &Path,
    address: &str,
    side: Side,
    folder: &str,
) -> Vec<(String, u32)> {
    use futures::StreamExt;
    use sha2::{Digest, Sha256};
    let profile = Profile::load(profile).expect("profile");
    let account = AccountRef::new(address, false);
    let mut session = open_read_session(&profile, side, &account)
        .await
        .expect("session");
    session.examine(folder).await.expect("examine");
    let mut out = Vec::new();
    {
        let mut bodies = session.fetch_bodies("1:*").await.expect("fetch");
        while let Some(body) = bodies.next().await {
            let body = body.expect("body");
            out.push((hex::encode(Sha256::digest(&body.bytes)), body.meta.uid));
        }
    }
    session.logout().await;
    out
}

/// A message without a Message-ID taken away from the new server is found missing by the
/// Verify screen, which keeps of the old mailbox only the folders and the messages its
/// findings name; the plan made from that restores it byte for byte, and applying the same
/// plan again finds it there by its body and appends nothing.
#[tokio::test(flavor = "multi_thread")]
async fn verify_screen_restores_a_seeded_difference_from_the_findings_alone() {
    let m = common::migration(37);
    let dir = tempfile::tempdir().expect("temp dir");
    let direct = tempfile::tempdir().expect("temp dir");
    let profile = common::migration_profile(&m, direct.path(), true);
    let address = format!("{}@example-univ.test", m.user);
    let seeded = m
        .expected
        .without_message_id
        .iter()
        .find(|r| r.folder == "INBOX")
        .expect("a message without a Message-ID in INBOX")
        .clone();
    let on_new = folder_digests(&profile, &address, Side::New, "INBOX").await;
    let (_, uid) = on_new
        .iter()
        .find(|(sha, _)| *sha == seeded.sha256)
        .expect("copied to new");
    m.new
        .doveadm(&[
            "expunge",
            "-u",
            &m.user,
            "mailbox",
            "INBOX",
            "uid",
            &uid.to_string(),
        ])
        .expect("expunge on new");
    let before = old_state(&m.old, &m.user);

    let mut driver = signed_in(&m, dir.path()).await;
    press(&mut driver, KeyCode::Char('4'));
    press(&mut driver, KeyCode::Char('v'));
    assert!(driver.settle(WAIT).await, "verification finishes");
    let outcome = driver.app.verify.outcome().expect("verified").clone();
    let missing = findings_of(&outcome.report, FindingKind::Missing);
    let (position, finding) = missing
        .iter()
        .enumerate()
        .find(|(_, (_, f))| {
            f.old_folder.as_deref() == Some("INBOX")
                && f.message
                    .as_ref()
                    .is_some_and(|m| m.message_id.is_none() && m.size == seeded.size)
        })
        .map(|(at, (_, f))| (at, *f))
        .expect("the seeded message is missing");
    let old_uid = finding.message.as_ref().expect("message").uid;

    // Only the messages of the missing and oversize findings are kept, not the mailbox.
    let named = findings_of(&outcome.report, FindingKind::Missing).len()
        + findings_of(&outcome.report, FindingKind::Oversize).len();
    let kept: Vec<(String, u32)> = outcome
        .basis
        .copies()
        .map(|(folder, uid, _)| (folder.to_string(), uid))
        .collect();
    assert_eq!(kept.len(), named, "{kept:?}");
    let old_total: u64 = m.expected.old_counts.values().sum();
    assert!(
        (kept.len() as u64) < old_total / 4,
        "{} of {old_total}",
        kept.len()
    );
    let copy = outcome.basis.copy("INBOX", old_uid).expect("kept");
    assert!(
        copy.body_hash.is_some(),
        "no Message-ID: the body hash is kept"
    );
    assert_eq!(
        outcome.basis.old_folders.len() as u64,
        m.expected.old_counts.len() as u64
    );

    press(&mut driver, KeyCode::Enter);
    for _ in 0..position {
        press(&mut driver, KeyCode::Down);
    }
    press(&mut driver, KeyCode::Char(' '));
    press(&mut driver, KeyCode::Char('p'));
    let plan = match &driver.app.verify.mode {
        VerifyMode::Restore { plan, .. } => plan.clone(),
        other => panic!("plan: {other:?}"),
    };
    assert_eq!(plan.len(), 1, "{plan:?}");
    assert_eq!(
        (plan[0].uid, plan[0].new_folder.as_str()),
        (old_uid, "INBOX")
    );
    assert_eq!(plan[0].body_hash, copy.body_hash);
    let results = confirm_restore(&mut driver).await;
    let outcomes: Vec<ItemOutcome> = results.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(outcomes, vec![ItemOutcome::Appended]);
    let copies = |digests: &[(String, u32)]| {
        digests
            .iter()
            .filter(|(sha, _)| *sha == seeded.sha256)
            .count()
    };
    let restored = folder_digests(&profile, &address, Side::New, "INBOX").await;
    assert_eq!(copies(&restored), 1, "one byte-identical copy is back");

    // The same plan again: the body proves it is there; nothing is appended.
    let loaded = Profile::load(&profile).expect("profile");
    let again = apply_plan(
        &loaded,
        &AccountRef::new(address.clone(), false),
        &plan,
        &outcome.basis,
        None,
        outcome.report.limits.max_message_bytes,
    )
    .await
    .expect("apply again");
    let outcomes: Vec<ItemOutcome> = again.into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![ItemOutcome::AlreadyPresent]);
    let after = folder_digests(&profile, &address, Side::New, "INBOX").await;
    assert_eq!(after.len(), restored.len(), "nothing appended");
    assert_eq!(
        old_state(&m.old, &m.user),
        before,
        "the old server must not change"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_cancelled_keeps_no_broken_archive_and_resumes_to_a_valid_one() {
    let m = common::migration(32);
    let dir = tempfile::tempdir().expect("temp dir");
    let before = old_state(&m.old, &m.user);
    let mut driver = signed_in(&m, dir.path()).await;
    press(&mut driver, KeyCode::Char('3'));
    assert_eq!(driver.app.screen, Screen::Backup);
    let total: u64 = m.expected.old_counts.values().sum();
    let listed: u64 = driver.app.backup.folders.iter().map(|f| f.messages).sum();
    assert_eq!(listed, total, "the checklist is the old server's folders");
    let archive = dir.path().join("backup.zip");
    driver.app.backup.path.set(&archive.display().to_string());

    press(&mut driver, KeyCode::Char('s'));
    // Let a few messages through, then cancel.
    loop {
        assert!(driver.step(WAIT).await, "progress events arrive");
        match &driver.app.backup.run {
            BackupRun::Running(p) if p.done_messages >= 5 => break,
            BackupRun::Running(_) => {}
            other => panic!("still running expected: {other:?}"),
        }
    }
    let text = screen(&driver.app);
    assert!(text.contains("Overall"), "{text}");
    assert!(text.contains("Rate"), "{text}");
    press(&mut driver, KeyCode::Char('c'));
    assert!(driver.settle(WAIT).await, "the backup stops");
    let BackupRun::Cancelled(progress) = &driver.app.backup.run else {
        panic!("cancelled: {:?}", driver.app.backup.run);
    };
    assert!(progress.done_messages < total, "stopped early");
    assert!(screen(&driver.app).contains("s resumes"));
    // No half-written archive under the chosen name.
    assert!(
        !archive.exists() || ikou::archive::verify::verify_archive(&archive).is_ok(),
        "whatever is at the destination is a valid archive"
    );

    // Resume: the messages the cancelled run fetched are kept, the rest is added.
    press(&mut driver, KeyCode::Char('s'));
    assert!(driver.settle(WAIT).await, "the backup finishes");
    let BackupRun::Done(result) = &driver.app.backup.run else {
        panic!("done: {:?}", driver.app.backup.run);
    };
    assert_eq!(result.messages, total);
    assert!(result.recovered > 0, "resumed, not restarted: {result:?}");
    assert!(result.added < total, "{result:?}");
    let checked = ikou::archive::verify::verify_archive(&archive).expect("readable archive");
    assert!(checked.is_ok(), "{checked:?}");
    assert_eq!(checked.messages, total);
    assert!(screen(&driver.app).contains("Done:"));
    assert_eq!(
        old_state(&m.old, &m.user),
        before,
        "the old server must not change"
    );
}
