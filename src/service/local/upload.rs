//! # `ikou local upload`: signing in to the new server and appending what only the PC has
//!
//! The plan comes from `plan.rs`; applying re-reads each target folder's identities and each
//! local folder's bytes first, so a rerun (or a message that arrived meanwhile) appends
//! nothing twice.

use std::collections::HashSet;
use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::plan::{
    UploadEvent, UploadItem, UploadOptions, UploadOutcome, UploadReport, UploadResult, UploadSink,
    plan,
};
use super::{LocalMailbox, LocalServiceError, read_all};
use crate::compare::identity::Identity;
use crate::local::{self, LocalError, Visit};
use crate::mail::envelope::Envelope;
use crate::model::{FolderMessages, MessageInfo};
use crate::profile::Profile;
use crate::service::verify::gather::HEADER_FIELDS;
use crate::service::verify::restore::refuse_same_server;
use crate::service::verify::{limits_of, new_mailbox};
use crate::service::{AccountRef, open_write_session};

/// Compares the local folders with the new server and, with `options.apply`, uploads what
/// exists only on this PC.
pub async fn upload(
    profile: &Profile,
    account: &AccountRef,
    options: &UploadOptions,
) -> Result<UploadReport, LocalServiceError> {
    upload_with(profile, account, options, None, None).await
}

/// [`upload`] with progress events and a cancel that stops between two messages (what was
/// appended stays; a later run finds it on the new server and does not append it again).
pub async fn upload_with(
    profile: &Profile,
    account: &AccountRef,
    options: &UploadOptions,
    progress: Option<&UploadSink>,
    cancel: Option<&CancellationToken>,
) -> Result<UploadReport, LocalServiceError> {
    if options.apply {
        refuse_same_server(profile)?;
    }
    let given = options.thunderbird.clone();
    let (tb_profile, mailboxes) = tokio::task::spawn_blocking(move || {
        let p = local::store::find_profile(given.as_deref())?;
        let m = read_all(&p)?;
        Ok::<_, LocalError>((p, m))
    })
    .await
    .map_err(|e| LocalError::io(Path::new("."), std::io::Error::other(e)))??;
    let (new_server, new) = new_mailbox(profile, account).await?;
    let limits = limits_of(profile);
    let mut report = plan(&tb_profile, &mailboxes, &new_server, &new, options, &limits)?;
    let stopped = || cancel.is_some_and(CancellationToken::is_cancelled);
    if options.apply && !report.plan.is_empty() && !stopped() {
        if let Some(sink) = progress {
            sink(UploadEvent::Started {
                messages: report.plan.len() as u64,
                bytes: report.plan_bytes,
            });
        }
        let mut writer = open_write_session(profile, account).await?;
        let applied = apply(
            &mut writer,
            &report.plan,
            &mailboxes,
            &new,
            progress,
            cancel,
        )
        .await;
        writer.logout().await;
        let (results, cancelled) = applied?;
        report.results = results;
        report.cancelled = cancelled;
        let count =
            |o: UploadOutcome| report.results.iter().filter(|r| r.outcome == o).count() as u64;
        report.appended = count(UploadOutcome::Appended);
        report.already_present = count(UploadOutcome::AlreadyPresent);
        report.failed = count(UploadOutcome::Failed) + count(UploadOutcome::Gone);
    } else if options.apply && !report.plan.is_empty() {
        report.cancelled = true;
    }
    report.applied = options.apply;
    Ok(report)
}

/// Appends the planned messages, target folder by target folder, re-reading each target's
/// identities first and each local folder's bytes (matched by SHA-256) from disk. Returns
/// the results and whether `cancel` stopped it (then only what was handled is listed).
async fn apply(
    writer: &mut crate::imap::WriteSession,
    plan: &[UploadItem],
    mailboxes: &[LocalMailbox],
    new: &[FolderMessages],
    progress: Option<&UploadSink>,
    cancel: Option<&CancellationToken>,
) -> Result<(Vec<UploadResult>, bool), LocalServiceError> {
    let stopped = || cancel.is_some_and(CancellationToken::is_cancelled);
    let mut cancelled = false;
    let existing = writer.folder_names().await?;
    let mut targets: Vec<&str> = Vec::new();
    for item in plan {
        if !targets.contains(&item.new_folder.as_str()) {
            targets.push(&item.new_folder);
        }
    }
    let mut results = Vec::with_capacity(plan.len());
    for target in targets {
        if cancelled || stopped() {
            cancelled = true;
            break;
        }
        let raw_target = match existing.iter().find(|f| f.name == target) {
            Some(f) => f.raw_name.clone(),
            None => match new.iter().find(|f| f.folder.name == target) {
                Some(f) => f.folder.raw_name.clone(),
                None => writer.create_folder(target).await?,
            },
        };
        let mut present: HashSet<String> = writer
            .folder_headers(&raw_target, &HEADER_FIELDS)
            .await?
            .into_iter()
            .map(|m| {
                let mut info = MessageInfo::default();
                Envelope::parse(&m.header).apply_to(&mut info);
                Identity::of(&info).key()
            })
            .collect();
        let items: Vec<&UploadItem> = plan.iter().filter(|i| i.new_folder == target).collect();
        let mut sources: Vec<(&str, &str)> = Vec::new();
        for i in &items {
            if !sources.contains(&(i.store.as_str(), i.folder.as_str())) {
                sources.push((&i.store, &i.folder));
            }
        }
        for (store, folder) in sources {
            if cancelled {
                break;
            }
            let Some(path) = mailboxes
                .iter()
                .filter(|mb| mb.store.name == store)
                .flat_map(|mb| &mb.folders)
                .find(|f| f.file.name == folder)
                .map(|f| f.file.path.clone())
            else {
                continue;
            };
            let wanted: Vec<&UploadItem> = items
                .iter()
                .copied()
                .filter(|i| i.store == store && i.folder == folder)
                .collect();
            let want: HashSet<String> = wanted.iter().map(|i| i.sha256.clone()).collect();
            // The reader thread hands over one wanted message at a time (bounded), so a
            // large Sent folder is never held in memory at once.
            let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, Vec<u8>)>(2);
            let reader = tokio::task::spawn_blocking(move || {
                local::store::read_folder::<()>(&path, &mut |visit| {
                    if let Visit::Message(m) = visit {
                        let sha = local::sha256_hex(&m.bytes);
                        if want.contains(&sha) {
                            tx.blocking_send((sha, m.bytes)).map_err(|_| ())?;
                        }
                    }
                    Ok(())
                })
            });
            let mut done: HashSet<String> = HashSet::new();
            while let Some((sha, data)) = rx.recv().await {
                if done.contains(&sha) {
                    continue;
                }
                if stopped() {
                    cancelled = true;
                    break;
                }
                done.insert(sha.clone());
                for item in wanted.iter().filter(|i| i.sha256 == sha) {
                    let mut result = UploadResult {
                        item: (*item).clone(),
                        outcome: UploadOutcome::Appended,
                        error: None,
                    };
                    if present.contains(&item.key) {
                        result.outcome = UploadOutcome::AlreadyPresent;
                    } else {
                        match writer
                            .append(
                                &raw_target,
                                &data,
                                &item.flags,
                                item.internal_date.as_deref(),
                            )
                            .await
                        {
                            Ok(()) => {
                                tracing::info!(folder = %target, "uploaded");
                                present.insert(item.key.clone());
                            }
                            Err(e) => {
                                result.outcome = UploadOutcome::Failed;
                                result.error = Some(e.to_string());
                            }
                        }
                    }
                    if let Some(sink) = progress {
                        sink(UploadEvent::Item {
                            new_folder: item.new_folder.clone(),
                            bytes: item.size,
                            outcome: result.outcome,
                        });
                    }
                    results.push(result);
                }
            }
            // The reader may be waiting to hand over the next message: closing the channel
            // ends it.
            drop(rx);
            match reader.await {
                Ok(Ok(_)) | Ok(Err(Ok(()))) => {}
                Ok(Err(Err(e))) => return Err(e.into()),
                Err(e) => {
                    return Err(LocalError::io(Path::new("."), std::io::Error::other(e)).into());
                }
            }
            if cancelled {
                break;
            }
            for item in wanted.iter().filter(|i| !done.contains(&i.sha256)) {
                if let Some(sink) = progress {
                    sink(UploadEvent::Item {
                        new_folder: item.new_folder.clone(),
                        bytes: item.size,
                        outcome: UploadOutcome::Gone,
                    });
                }
                results.push(UploadResult {
                    item: (*item).clone(),
                    outcome: UploadOutcome::Gone,
                    error: None,
                });
            }
        }
    }
    Ok((results, cancelled))
}
