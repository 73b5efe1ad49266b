//! # POP3 backup: the maildrop, read with `TOP n 4294967295` so nothing changes
//!
//! RETR marks a message `\Seen` on Dovecot (and on other servers that share the store with
//! IMAP), so a backup would change what the person sees in their mail client. TOP with a
//! line count larger than any message returns the same bytes (header, empty line, every
//! body line, dot-unstuffed) and leaves the flags alone; `tests/backup.rs` proves both.
//! Dovecot treats only the 64-bit all-ones count as RETR, which a `u32` cannot send.
//! Messages are identified by UIDL and stored in a single `INBOX` folder.

use std::collections::{HashMap, HashSet, VecDeque};

use super::writer::{WriteCmd, Writer};
use super::{
    AccountRef, BackupError, BackupEvent, BackupOptions, BackupResult, Failure, FolderOutcome,
    Opened, Patience, ProgressSink, Protocol, message_info, open_backup, oversize_list,
};
use crate::archive::{MessageKey, SourceKind};
use crate::model::{FolderInfo, SpecialUse};
use crate::pop3::{ConnectOptions, Credentials, Pop3Session};
use crate::profile::Profile;
use crate::service::access;

/// More lines than any message has, and never Dovecot's "this is RETR" value.
pub const TOP_ALL_LINES: u32 = u32::MAX;

/// The one folder a POP3 backup has.
pub const POP3_FOLDER: &str = "INBOX";

struct Run<'a> {
    connect: ConnectOptions,
    credentials: Credentials,
    session: Option<Pop3Session>,
    /// `(UIDL, occurrence)` -> message number in the current session (numbers change
    /// between sessions). A broken server can list one UIDL for several messages; the
    /// occurrence (0 for the first, in maildrop order) keeps them apart.
    numbers: HashMap<(String, usize), u32>,
    /// UIDLs the server lists for more than one message.
    shared_uidls: HashSet<String>,
    patience: Patience,
    progress: ProgressSink,
    options: &'a BackupOptions,
    writer: Writer,
    bytes_fetched: u64,
    /// Archive keys added by this run.
    keys_added: HashSet<String>,
}

pub(super) async fn run(
    profile: &Profile,
    account: &AccountRef,
    options: &BackupOptions,
    progress: ProgressSink,
) -> Result<BackupResult, BackupError> {
    let connect = crate::service::pop3_options(profile, options.side)?;
    // Signed in first, so a prompt comes before any progress.
    let (session, credentials) =
        access::open_pop3_session_keeping(profile, options.side, account).await?;
    let opened = open_backup(
        &connect.endpoint,
        &account.address,
        SourceKind::Pop3,
        options,
        &progress,
        false,
    )
    .await;
    let Opened {
        server,
        mut writer,
        held,
        recovered,
    } = match opened {
        Ok(opened) => opened,
        Err(e) => {
            let _ = session.quit().await;
            return Err(e.into());
        }
    };
    // Every UIDL is looked up, so the records are read at once.
    let prior = match writer.prior(&held, &options.output).await {
        Ok(p) => p,
        Err(e) => {
            let _ = session.quit().await;
            writer.abandon().await;
            return Err(e.into());
        }
    };
    let mut run = Run {
        patience: Patience::new(connect.endpoint.to_string(), progress.clone()),
        connect,
        credentials,
        session: Some(session),
        numbers: HashMap::new(),
        shared_uidls: HashSet::new(),
        progress,
        options,
        writer,
        bytes_fetched: 0,
        keys_added: HashSet::new(),
    };
    let archived = |uidl: &str| {
        prior
            .as_ref()
            .is_some_and(|p| p.holds(POP3_FOLDER, &MessageKey::Uidl(uidl.to_string()), None))
    };
    let mut outcome = FolderOutcome {
        folder: POP3_FOLDER.into(),
        uid_validity: None,
        server_messages: 0,
        added: 0,
        already: 0,
        rekeyed: 0,
        vanished: 0,
        unchanged: false,
    };
    let listing = loop {
        match run.listing().await {
            Ok(l) => break l,
            Err(f) => {
                if let Err(e) = run.recover(f).await {
                    return Err(run.fail(e).await);
                }
            }
        }
    };
    outcome.server_messages = listing.len() as u64;
    let mut on_server: HashSet<String> = listing.iter().map(|p| p.uidl.clone()).collect();
    let mut pending: VecDeque<Pending> = VecDeque::new();
    for p in listing {
        // A UIDL shared by several messages says nothing about which of them is archived:
        // those are fetched and recognised by content.
        if archived(&p.uidl) && !run.shared_uidls.contains(&p.uidl) {
            outcome.already += 1;
        } else {
            pending.push_back(p);
        }
    }
    let bytes: u64 = pending.iter().map(|p| p.size).sum();
    (run.progress)(BackupEvent::Planned {
        folders: 1,
        messages: pending.len() as u64,
        bytes,
    });
    let info = FolderInfo {
        name: POP3_FOLDER.into(),
        raw_name: POP3_FOLDER.into(),
        delimiter: None,
        special_use: Some(SpecialUse::Inbox),
        selectable: true,
        messages: u32::try_from(outcome.server_messages).unwrap_or(u32::MAX),
        unseen: None,
        uid_next: None,
        uid_validity: None,
        size: bytes,
    };
    let path = options.output.clone();
    if let Err(e) = run.writer.send(WriteCmd::Folder(info), &path).await {
        return Err(run.fail(e.into()).await);
    }
    (run.progress)(BackupEvent::FolderStarted {
        folder: POP3_FOLDER.into(),
        messages: pending.len() as u64,
        bytes,
    });
    while !pending.is_empty() {
        if let Err(f) = run
            .fetch_some(&mut pending, &mut outcome, &archived, &mut on_server)
            .await
            && let Err(e) = run.recover(f).await
        {
            return Err(run.fail(e).await);
        }
    }
    (run.progress)(BackupEvent::FolderDone {
        folder: POP3_FOLDER.into(),
        added: outcome.added,
    });
    if let Some(s) = run.session.take() {
        // QUIT without DELE deletes nothing; a failure here changes nothing either.
        let _ = s.quit().await;
    }
    (run.progress)(BackupEvent::Committing);
    let limit = profile.limits.max_message_bytes();
    let committed = run.writer.commit(limit, &options.output).await?;
    let oversize = oversize_list(committed.large, |m| {
        m.uidl.as_ref().is_some_and(|u| on_server.contains(u))
    });
    Ok(BackupResult {
        archive: committed.report.path,
        server,
        account: account.address.clone(),
        protocol: Protocol::Pop3,
        added: outcome.added,
        already: outcome.already + committed.already,
        rekeyed: 0,
        folders: vec![outcome],
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
    async fn fail(self, e: BackupError) -> BackupError {
        if let Some(s) = self.session {
            let _ = s.quit().await;
        }
        self.writer.abandon().await;
        e
    }

    async fn recover(&mut self, failure: Failure) -> Result<(), BackupError> {
        self.session = None;
        self.numbers.clear();
        self.patience.wait(failure).await
    }

    async fn session(&mut self) -> Result<&mut Pop3Session, Failure> {
        if self.session.is_none() {
            let s = access::reconnect_pop3(&self.connect, &self.credentials)
                .await
                .map_err(Failure::from_pop3)?;
            self.session = Some(s);
            self.numbers.clear();
        }
        match self.session.as_mut() {
            Some(s) => Ok(s),
            None => Err(Failure::Retry("no session".into())),
        }
    }

    /// Every message in maildrop order; refreshes the number map.
    async fn listing(&mut self) -> Result<Vec<Pending>, Failure> {
        let session = self.session().await?;
        let uidls = session.uidl().await.map_err(Failure::from_pop3)?;
        let sizes: HashMap<u32, u64> = session
            .list()
            .await
            .map_err(Failure::from_pop3)?
            .into_iter()
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut listing = Vec::with_capacity(uidls.len());
        for (n, u) in &uidls {
            let occurrence = seen.entry(u.as_str()).or_insert(0);
            listing.push(Pending {
                uidl: u.clone(),
                occurrence: *occurrence,
                size: sizes.get(n).copied().unwrap_or(0),
            });
            *occurrence += 1;
        }
        self.shared_uidls = seen
            .into_iter()
            .filter(|(_, count)| *count > 1)
            .map(|(u, _)| u.to_string())
            .collect();
        self.numbers = uidls
            .iter()
            .zip(&listing)
            .map(|((n, _), p)| ((p.uidl.clone(), p.occurrence), *n))
            .collect();
        Ok(listing)
    }

    async fn fetch_some(
        &mut self,
        pending: &mut VecDeque<Pending>,
        outcome: &mut FolderOutcome,
        archived: &(dyn Fn(&str) -> bool + Sync),
        on_server: &mut HashSet<String>,
    ) -> Result<(), Failure> {
        if self.session.is_none() || self.numbers.is_empty() {
            self.listing().await?;
        }
        let path = self.options.output.clone();
        while let Some(p) = pending.front().cloned() {
            let Some(&msgno) = self.numbers.get(&(p.uidl.clone(), p.occurrence)) else {
                // Deleted by another client since the plan.
                outcome.vanished += 1;
                pending.pop_front();
                continue;
            };
            let bytes = self
                .session()
                .await?
                .top(msgno, TOP_ALL_LINES)
                .await
                .map_err(Failure::from_pop3)?;
            let size = bytes.len() as u64;
            let key = if self.shared_uidls.contains(&p.uidl) {
                shared_uidl_key(&p.uidl, &bytes)
            } else {
                p.uidl.clone()
            };
            on_server.insert(key.clone());
            pending.pop_front();
            if !self.keys_added.insert(key.clone()) || (key != p.uidl && archived(&key)) {
                // The same bytes under the same UIDL are already kept.
                outcome.already += 1;
                continue;
            }
            let info = message_info(&bytes);
            self.writer
                .send(
                    WriteCmd::Add {
                        folder: POP3_FOLDER.into(),
                        key: MessageKey::Uidl(key),
                        info: Box::new(info),
                        bytes: bytes.into(),
                    },
                    &path,
                )
                .await?;
            outcome.added += 1;
            self.bytes_fetched += size;
            self.patience.progressed();
            (self.progress)(BackupEvent::MessageWritten {
                folder: POP3_FOLDER.into(),
                bytes: size,
            });
        }
        Ok(())
    }
}

/// One message still to fetch.
#[derive(Debug, Clone)]
struct Pending {
    uidl: String,
    /// Which of the messages sharing this UIDL (0 for the first; almost always 0).
    occurrence: usize,
    size: u64,
}

/// The archive key of a message whose UIDL the server gives to other messages too: the
/// UIDL and the start of the SHA-256 of its bytes, so no message overwrites another and a
/// rerun recognises what it already has.
fn shared_uidl_key(uidl: &str, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(bytes));
    format!("{uidl}#sha256:{}", &digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_uidl_keys_differ_by_content_and_keep_the_uidl() {
        let a = shared_uidl_key("dup", b"one");
        let b = shared_uidl_key("dup", b"two");
        assert_ne!(a, b);
        assert!(a.starts_with("dup#sha256:"));
        assert_eq!(a, shared_uidl_key("dup", b"one"));
    }
}
