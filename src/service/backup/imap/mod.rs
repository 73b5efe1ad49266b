//! # IMAP backup: plan from the archive, fetch what is missing, reconnect when dropped
//!
//! Per folder: STATUS first. When UIDVALIDITY, UIDNEXT, MESSAGES (and HIGHESTMODSEQ, with
//! CONDSTORE) are what the archive recorded after its last complete run of the folder,
//! nothing changed and the folder is skipped without opening it. The archive is opened with
//! only its folder records read; the message records are read when the first folder needs
//! them, so a rerun that finds every folder unchanged never reads them. Otherwise EXAMINE and
//! `UID FETCH <from>:* (UID RFC822.SIZE ...)` to learn what the server has: from the recorded
//! UIDNEXT when the UIDVALIDITY still holds and the counts show nothing was expunged, else
//! from 1. Then `UID FETCH <batch> BODY.PEEK[]` for the UIDs the archive lacks. Messages archived
//! under an older UIDVALIDITY are re-identified (Message-ID and size, else SHA-256 and
//! size) instead of being stored twice. Every message handed to the writer is remembered,
//! so after a reconnect the next batch starts right after it.
//!
//! Some servers cannot keep UIDs for a folder no client has opened read-write: Courier-IMAP
//! answers every STATUS and EXAMINE of such a folder with a new UIDVALIDITY (the UIDs of one
//! EXAMINE are consistent). ikou never SELECTs, so when the EXAMINE that starts a folder's
//! fetch shows another UIDVALIDITY than planning saw, and nothing of the folder has been
//! written yet, the folder is planned again from that EXAMINE and fetched within it. Across
//! runs such folders are re-identified like any UIDVALIDITY change, so a rerun adds nothing.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures::StreamExt;
use sha2::{Digest, Sha256};

mod plan;

use super::writer::{Held, WriteCmd, Writer};
use super::{
    AccountRef, BackupError, BackupEvent, BackupOptions, BackupResult, Failure, FolderOutcome,
    Opened, Patience, ProgressSink, Protocol, message_info, open_backup, oversize_list, retry,
};
use crate::archive::{FolderRecord, HeldId, MessageKey, MessageRecord, Prior, SourceKind};
use crate::imap::{ConnectOptions, Credentials, ListedFolder, ReadSession};
use crate::profile::Profile;
use crate::service::access;
use plan::{
    FolderPlan, folder_matches, has_stale, keeps_record, plan_examined, recorded_unchanged_plan,
    rekey, sync_state, unchanged_plan,
};

/// Tries (each on a fresh connection) before a message the server lists but does not
/// deliver is given up for this run, and the run fails asking for another one.
pub(super) const MAX_UNDELIVERED: u32 = 3;

struct Run<'a> {
    connect: ConnectOptions,
    credentials: Credentials,
    session: Option<ReadSession>,
    patience: Patience,
    progress: ProgressSink,
    options: &'a BackupOptions,
    writer: Writer,
    /// What the backup held: its folder records at first, every message once a plan needs
    /// them.
    held: Held,
    bytes_fetched: u64,
    /// The profile's per-message limit (archived messages above it make the oversize list).
    limit: u64,
}

pub(super) async fn run(
    profile: &Profile,
    account: &AccountRef,
    options: &BackupOptions,
    progress: ProgressSink,
) -> Result<BackupResult, BackupError> {
    let connect = crate::service::imap_options(profile, options.side)?;
    // Signed in first (a prompt or a device code comes before any progress); the first
    // connection fails fast (wrong port or password), later ones are retried.
    let (session, credentials) =
        access::open_read_session_keeping(profile, options.side, account).await?;
    let opened = open_backup(
        &connect.endpoint,
        &account.address,
        SourceKind::Imap,
        options,
        &progress,
        true,
    )
    .await;
    let Opened {
        server,
        writer,
        held,
        recovered,
    } = match opened {
        Ok(opened) => opened,
        Err(e) => {
            session.logout().await;
            return Err(e.into());
        }
    };
    let mut run = Run {
        patience: Patience::new(connect.endpoint.to_string(), progress.clone()),
        connect,
        credentials,
        session: Some(session),
        progress,
        options,
        writer,
        held,
        bytes_fetched: 0,
        limit: profile.limits.max_message_bytes(),
    };
    let planned = run.plan_all().await;
    let plans = match planned {
        Ok(p) => p,
        Err(e) => return Err(run.fail(e).await),
    };
    let mut plans = plans;
    for plan in &mut plans {
        if let Err(e) = run.fetch_folder(plan).await {
            return Err(run.fail(e).await);
        }
    }
    if let Some(s) = run.session.take() {
        s.logout().await;
    }
    (run.progress)(BackupEvent::Committing);
    let limit = profile.limits.max_message_bytes();
    let committed = run.writer.commit(limit, &options.output).await?;
    let current: HashMap<&str, (Option<u32>, &HashSet<u32>)> = plans
        .iter()
        .map(|p| (p.info.name.as_str(), (p.info.uid_validity, &p.on_server)))
        .collect();
    let oversize = oversize_list(committed.large, |m: &MessageRecord| {
        current.get(m.folder.as_str()).is_some_and(|(v, uids)| {
            m.uid_validity == *v && m.uid.is_some_and(|u| uids.contains(&u))
        })
    });
    let unfetched: Vec<(String, u64)> = plans
        .iter()
        .filter(|p| !p.unfetched.is_empty())
        .map(|p| (p.info.name.clone(), p.unfetched.len() as u64))
        .collect();
    if !unfetched.is_empty() {
        return Err(BackupError::Incomplete {
            server: run.connect.endpoint.to_string(),
            archive: committed.report.path,
            messages: unfetched.iter().map(|f| f.1).sum(),
            folders: unfetched.into_iter().map(|f| f.0).collect(),
        });
    }
    let folders: Vec<FolderOutcome> = plans.into_iter().map(|p| p.outcome).collect();
    Ok(BackupResult {
        archive: committed.report.path,
        server,
        account: account.address.clone(),
        protocol: Protocol::Imap,
        added: folders.iter().map(|f| f.added).sum(),
        already: folders.iter().map(|f| f.already).sum::<u64>() + committed.already,
        rekeyed: folders.iter().map(|f| f.rekeyed).sum(),
        folders,
        recovered: recovered as u64,
        messages: committed.report.messages as u64,
        bytes_fetched: run.bytes_fetched,
        archive_bytes: committed.report.archive_bytes,
        rewritten: committed.report.rewritten,
        reconnects: run.patience.reconnects,
        throttled: run.patience.throttled,
        limit_bytes: limit,
        oversize,
        elapsed_ms: 0,
    })
}

impl Run<'_> {
    /// Leaves the partial archive for the next run and returns the error.
    async fn fail(self, e: BackupError) -> BackupError {
        if let Some(s) = self.session {
            s.logout().await;
        }
        self.writer.abandon().await;
        e
    }

    fn cancelled(&self) -> bool {
        self.options
            .cancel
            .as_ref()
            .is_some_and(|c| c.is_cancelled())
    }

    async fn session(&mut self) -> Result<&mut ReadSession, Failure> {
        if self.session.is_none() {
            let s = access::reconnect_read(&self.connect, &self.credentials)
                .await
                .map_err(Failure::from_imap)?;
            self.session = Some(s);
        }
        match self.session.as_mut() {
            Some(s) => Ok(s),
            None => Err(Failure::Retry("no session".into())),
        }
    }

    /// Every message the backup held, read from the archive the first time a plan needs
    /// them (`None` for a new backup).
    async fn prior(&mut self) -> Result<Option<Arc<Prior>>, crate::archive::ArchiveError> {
        let path = self.options.output.clone();
        let prior = self.writer.prior(&self.held, &path).await?;
        if let Some(p) = &prior {
            self.held = Held::Messages(Arc::clone(p));
        }
        Ok(prior)
    }

    /// The backup's record of `folder`, from what opening read.
    fn recorded(&self, folder: &str) -> Option<&FolderRecord> {
        match &self.held {
            Held::Nothing => None,
            Held::Head(m) => m.folder(folder),
            Held::Messages(p) => p.folder(folder),
        }
    }

    /// Waits as the failure asks and drops the session, so the next step reconnects.
    async fn recover(&mut self, failure: Failure) -> Result<(), BackupError> {
        self.session = None;
        self.patience.wait(failure).await
    }

    async fn plan_all(&mut self) -> Result<Vec<FolderPlan>, BackupError> {
        let listed = loop {
            let r = match self.session().await {
                Ok(s) => s.list_folders().await.map_err(Failure::from_imap),
                Err(f) => Err(f),
            };
            match r {
                Ok(l) => break l,
                Err(f) => self.recover(f).await?,
            }
        };
        // Only folders that hold messages are backed up.
        let listed: Vec<ListedFolder> = listed.into_iter().filter(|f| f.selectable).collect();
        let mut chosen: Vec<&ListedFolder> = Vec::new();
        for wanted in &self.options.folders {
            let found = listed.iter().find(|f| folder_matches(f, wanted));
            match found {
                Some(f) if !chosen.iter().any(|c| c.name == f.name) => chosen.push(f),
                Some(_) => {}
                None => {
                    return Err(BackupError::NoSuchFolder {
                        name: wanted.clone(),
                        server: self.connect.endpoint.to_string(),
                    });
                }
            }
        }
        if self.options.folders.is_empty() {
            chosen = listed.iter().collect();
        }
        let mut plans = Vec::with_capacity(chosen.len());
        for folder in chosen {
            let plan = loop {
                match self.plan_folder(folder).await {
                    Ok(p) => break p,
                    Err(f) => self.recover(f).await?,
                }
            };
            plans.push(plan);
        }
        (self.progress)(BackupEvent::Planned {
            folders: plans.len(),
            messages: plans.iter().map(|p| p.pending.len() as u64).sum(),
            bytes: plans
                .iter()
                .flat_map(|p| &p.pending)
                .map(|(_, size)| size)
                .sum(),
        });
        Ok(plans)
    }

    async fn plan_folder(&mut self, folder: &ListedFolder) -> Result<FolderPlan, Failure> {
        let limit = self.limit;
        let now = self
            .session()
            .await?
            .status_for_changes(&folder.raw_name)
            .await
            .map_err(Failure::from_imap)?;
        let record = self.recorded(&folder.name);
        let saved = record.and_then(|f| f.synced);
        let now_sync = sync_state(&now);
        if let Some(same) = saved.filter(|s| Some(*s) == now_sync) {
            // The folder record alone answers when no archived message of it is above the
            // limit; otherwise those are looked up on the server by UID.
            if let Some(plan) = record.and_then(|r| recorded_unchanged_plan(folder, r, same, limit))
            {
                return Ok(plan);
            }
            let prior = self.prior().await?;
            let session = self.session().await?;
            return unchanged_plan(session, folder, prior.as_deref(), same, limit).await;
        }
        let prior = self.prior().await?;
        let prior = prior.as_deref();
        let status = self
            .session()
            .await?
            .examine(&folder.raw_name)
            .await
            .map_err(Failure::from_imap)?;
        let stale = self.stale(prior, &folder.name, status.uid_validity).await?;
        let session = self.session().await?;
        plan_examined(
            session, folder, status, prior, stale, saved, now_sync, limit,
        )
        .await
    }

    /// The full records of the folder's archived messages under another UIDVALIDITY, read
    /// from the archive when there are any.
    async fn stale(
        &mut self,
        prior: Option<&Prior>,
        folder: &str,
        validity: Option<u32>,
    ) -> Result<Vec<(HeldId, MessageRecord)>, Failure> {
        if !has_stale(prior, folder, validity) {
            return Ok(Vec::new());
        }
        let path = self.options.output.clone();
        Ok(self.writer.stale(folder, validity, &path).await?)
    }

    async fn fetch_folder(&mut self, plan: &mut FolderPlan) -> Result<(), BackupError> {
        let path = self.options.output.clone();
        if plan.pending.is_empty() {
            self.start_folder(plan).await?;
        }
        (self.progress)(BackupEvent::FolderStarted {
            folder: plan.info.name.clone(),
            messages: plan.pending.len() as u64,
            bytes: plan.pending.iter().map(|p| p.1).sum(),
        });
        while !plan.pending.is_empty() {
            if self.cancelled() {
                return Err(BackupError::Cancelled);
            }
            if let Err(f) = self.fetch_some(plan).await {
                self.recover(f).await?;
            }
        }
        // A folder with messages set aside is not recorded as in step with the server, so
        // the next run looks at it again. A state that differs from the recorded one only in
        // HIGHESTMODSEQ (flags changed, no message came or went) is recorded only if the
        // manifest is written anyway: the recorded one still holds, and a flag is not worth
        // rewriting the manifest for.
        let saved = self.recorded(&plan.info.name).and_then(|f| f.synced);
        if let Some(sync) = plan.sync.filter(|_| plan.unfetched.is_empty()) {
            let cmd = WriteCmd::Synced {
                folder: plan.info.name.clone(),
                sync,
                only_if_written: keeps_record(saved, sync, &plan.outcome),
            };
            self.writer.send(cmd, &path).await?;
        }
        (self.progress)(BackupEvent::FolderDone {
            folder: plan.info.name.clone(),
            added: plan.outcome.added,
        });
        Ok(())
    }

    /// Hands the folder (with its UIDVALIDITY) and the planned re-identifications to the
    /// writer, once.
    async fn start_folder(&mut self, plan: &mut FolderPlan) -> Result<(), BackupError> {
        if plan.started {
            return Ok(());
        }
        let path = self.options.output.clone();
        self.writer
            .send(WriteCmd::Folder(plan.info.clone()), &path)
            .await?;
        for (entry, uid) in std::mem::take(&mut plan.rekeys) {
            rekey(&mut self.writer, &path, plan, entry, uid).await?;
        }
        plan.started = true;
        Ok(())
    }

    /// Examines the folder and fetches batches until nothing is pending or a step fails.
    async fn fetch_some(&mut self, plan: &mut FolderPlan) -> Result<(), Failure> {
        let path = self.options.output.clone();
        let server = self.connect.endpoint.to_string();
        let (batch_messages, batch_bytes) = (self.options.batch_messages, self.options.batch_bytes);
        let progress = self.progress.clone();
        let status = self
            .session()
            .await?
            .examine(&plan.info.raw_name)
            .await
            .map_err(Failure::from_imap)?;
        if status.uid_validity != plan.info.uid_validity {
            if plan.started {
                return Err(Failure::Fatal(BackupError::UidValidityChanged {
                    server,
                    folder: plan.info.name.clone(),
                }));
            }
            // Nothing of this folder is written yet: plan it again from this EXAMINE, whose
            // UIDs stay consistent while the session keeps it (Courier, see the module notes).
            // No sync state is recorded for it: its UIDVALIDITY did not hold.
            let (listed, limit) = (plan.listed.clone(), self.limit);
            let saved = self.recorded(&listed.name).and_then(|f| f.synced);
            let prior = self.prior().await?;
            let prior = prior.as_deref();
            let stale = self.stale(prior, &listed.name, status.uid_validity).await?;
            let session = self.session().await?;
            *plan =
                plan_examined(session, &listed, status, prior, stale, saved, None, limit).await?;
        }
        if !plan.started {
            self.start_folder(plan).await.map_err(Failure::Fatal)?;
        }
        while !plan.pending.is_empty() {
            let n = retry::next_batch(&plan.pending, batch_messages, batch_bytes);
            let uids: Vec<u32> = plan.pending[..n].iter().map(|p| p.0).collect();
            let mut done: HashSet<u32> = HashSet::with_capacity(n);
            let outcome = {
                let Some(session) = self.session.as_mut() else {
                    return Err(Failure::Retry("no session".into()));
                };
                let writer = &mut self.writer;
                let patience = &mut self.patience;
                let bytes_fetched = &mut self.bytes_fetched;
                let cancel = self.options.cancel.clone();
                async {
                    let mut stream = session
                        .fetch_bodies(&retry::uid_set(&uids))
                        .await
                        .map_err(Failure::from_imap)?;
                    loop {
                        // A cancel drops the half-read FETCH: the session is not reused.
                        let next = match &cancel {
                            Some(token) => tokio::select! {
                                biased;
                                _ = token.cancelled() => {
                                    return Err(Failure::Fatal(BackupError::Cancelled));
                                }
                                next = stream.next() => next,
                            },
                            None => stream.next().await,
                        };
                        let Some(item) = next else { break };
                        let body = item.map_err(Failure::from_imap)?;
                        let uid = body.meta.uid;
                        if uids.binary_search(&uid).is_err() || done.contains(&uid) {
                            continue;
                        }
                        let size = body.bytes.len() as u64;
                        if !plan.by_hash.is_empty() {
                            let sha = hex::encode(Sha256::digest(&body.bytes));
                            let key = (size, sha);
                            let entry = plan.by_hash.get_mut(&key).and_then(Vec::pop);
                            if plan.by_hash.get(&key).is_some_and(Vec::is_empty) {
                                plan.by_hash.remove(&key);
                            }
                            if let Some(entry) = entry {
                                rekey(writer, &path, plan, entry, uid).await?;
                                done.insert(uid);
                                continue;
                            }
                        }
                        let mut info = message_info(&body.bytes);
                        info.uid = uid;
                        info.internal_date = body.meta.internal_date;
                        info.flags = body.meta.flags;
                        writer
                            .send(
                                WriteCmd::Add {
                                    folder: plan.info.name.clone(),
                                    key: MessageKey::Uid(uid),
                                    info: Box::new(info),
                                    bytes: body.bytes,
                                },
                                &path,
                            )
                            .await?;
                        done.insert(uid);
                        plan.outcome.added += 1;
                        *bytes_fetched += size;
                        patience.progressed();
                        progress(BackupEvent::MessageWritten {
                            folder: plan.info.name.clone(),
                            bytes: size,
                        });
                    }
                    Ok::<(), Failure>(())
                }
                .await
            };
            plan.pending.retain(|p| !done.contains(&p.0));
            outcome?;
            let missing: Vec<u32> = uids.into_iter().filter(|u| !done.contains(u)).collect();
            if !missing.is_empty() {
                self.account_for_missing(plan, &missing).await?;
            }
        }
        Ok(())
    }

    /// The reply ended without some of the messages asked for. Only a fresh EXAMINE that
    /// no longer lists them proves they were deleted; the others are fetched again on a new
    /// connection, and after [`MAX_UNDELIVERED`] tries set aside so the run fails.
    async fn account_for_missing(
        &mut self,
        plan: &mut FolderPlan,
        missing: &[u32],
    ) -> Result<(), Failure> {
        let server = self.connect.endpoint.to_string();
        let session = self.session().await?;
        let status = session
            .examine(&plan.info.raw_name)
            .await
            .map_err(Failure::from_imap)?;
        if status.uid_validity != plan.info.uid_validity {
            return Err(Failure::Fatal(BackupError::UidValidityChanged {
                server,
                folder: plan.info.name.clone(),
            }));
        }
        let listed: HashSet<u32> = if status.messages == 0 {
            HashSet::new()
        } else {
            session
                .fetch_meta(&retry::uid_set(missing), &[])
                .await
                .map_err(Failure::from_imap)?
                .into_iter()
                .map(|m| m.uid)
                .collect()
        };
        let mut retry_now = 0;
        for &uid in missing {
            if !listed.contains(&uid) {
                plan.outcome.vanished += 1;
                plan.pending.retain(|p| p.0 != uid);
                continue;
            }
            let tries = plan.undelivered.entry(uid).or_insert(0);
            *tries += 1;
            if *tries >= MAX_UNDELIVERED {
                plan.unfetched.push(uid);
                plan.pending.retain(|p| p.0 != uid);
            } else {
                retry_now += 1;
            }
        }
        if !plan.unfetched.is_empty() && retry_now == 0 {
            tracing::warn!(
                "{server}: {} messages of folder {:?} listed but not delivered in {MAX_UNDELIVERED} tries",
                plan.unfetched.len(),
                plan.info.name
            );
        }
        if retry_now > 0 {
            return Err(Failure::Retry(format!(
                "{server}: the server did not deliver {retry_now} messages of folder {:?} that it lists",
                plan.info.name
            )));
        }
        Ok(())
    }
}
