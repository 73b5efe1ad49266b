//! # POP3 backup: the maildrop, read with `TOP n 4294967295` so nothing changes
//!
//! RETR marks a message `\Seen` on Dovecot (and on other servers that share the store with
//! IMAP), so a backup would change what the person sees in their mail client. TOP with a
//! line count larger than any message returns the same bytes (header, empty line, every
//! body line, dot-unstuffed) and leaves the flags alone; `tests/backup.rs` proves both.
//! Dovecot treats only the 64-bit all-ones count as RETR, which a `u32` cannot send.
//! Messages are identified by UIDL and stored in a single `INBOX` folder.

use std::collections::{HashMap, HashSet, VecDeque};

use super::writer::{self, WriteCmd, Writer};
use super::{
    AccountRef, BackupError, BackupEvent, BackupOptions, BackupResult, Failure, FolderOutcome,
    Patience, ProgressSink, Protocol, archive_server, message_info, oversize_list, update_options,
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
    /// UIDL -> message number in the current session (numbers change between sessions).
    numbers: HashMap<String, u32>,
    patience: Patience,
    progress: ProgressSink,
    options: &'a BackupOptions,
    writer: Writer,
    bytes_fetched: u64,
}

pub(super) fn connect_options(
    profile: &Profile,
    side: crate::profile::Side,
) -> Result<ConnectOptions, BackupError> {
    let server = profile.server(side);
    let endpoint = server.pop3_endpoint().ok_or(BackupError::NoPop3(side))?;
    Ok(ConnectOptions {
        endpoint,
        tls: profile.tls_policy(side),
        timeouts: server.timeouts(),
        allow_plaintext: server.allow_plaintext,
    })
}

pub(super) async fn run(
    profile: &Profile,
    account: &AccountRef,
    options: &BackupOptions,
    progress: ProgressSink,
) -> Result<BackupResult, BackupError> {
    let connect = connect_options(profile, options.side)?;
    // Signed in first, so a prompt comes before any progress.
    let (session, credentials) =
        access::open_pop3_session_keeping(profile, options.side, account).await?;
    let server = archive_server(&connect.endpoint);
    progress(BackupEvent::Preparing {
        path: options.output.clone(),
    });
    let started = writer::start(
        options.output.clone(),
        update_options(server.clone(), &account.address, SourceKind::Pop3, options),
    )
    .await;
    let (writer, prior, recovered) = match started {
        Ok(started) => started,
        Err(e) => {
            let _ = session.quit().await;
            return Err(e.into());
        }
    };
    let mut run = Run {
        patience: Patience::new(connect.endpoint.to_string(), progress.clone()),
        connect,
        credentials,
        session: Some(session),
        numbers: HashMap::new(),
        progress,
        options,
        writer,
        bytes_fetched: 0,
    };
    let archived: HashSet<String> = prior
        .iter()
        .flat_map(|m| &m.messages)
        .filter(|m| m.folder == POP3_FOLDER)
        .filter_map(|m| m.uidl.clone())
        .collect();
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
    let on_server: HashSet<String> = listing.iter().map(|(u, _)| u.clone()).collect();
    let mut pending: VecDeque<(String, u64)> = VecDeque::new();
    for (uidl, size) in listing {
        if archived.contains(&uidl) {
            outcome.already += 1;
        } else {
            pending.push_back((uidl, size));
        }
    }
    let bytes: u64 = pending.iter().map(|p| p.1).sum();
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
        if let Err(f) = run.fetch_some(&mut pending, &mut outcome).await
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

    /// `(uidl, size)` of every message in maildrop order; refreshes the number map.
    async fn listing(&mut self) -> Result<Vec<(String, u64)>, Failure> {
        let session = self.session().await?;
        let uidls = session.uidl().await.map_err(Failure::from_pop3)?;
        let sizes: HashMap<u32, u64> = session
            .list()
            .await
            .map_err(Failure::from_pop3)?
            .into_iter()
            .collect();
        self.numbers = uidls.iter().map(|(n, u)| (u.clone(), *n)).collect();
        Ok(uidls
            .into_iter()
            .map(|(n, u)| (u, sizes.get(&n).copied().unwrap_or(0)))
            .collect())
    }

    async fn fetch_some(
        &mut self,
        pending: &mut VecDeque<(String, u64)>,
        outcome: &mut FolderOutcome,
    ) -> Result<(), Failure> {
        if self.session.is_none() || self.numbers.is_empty() {
            self.listing().await?;
        }
        let path = self.options.output.clone();
        while let Some((uidl, _)) = pending.front().cloned() {
            let Some(&msgno) = self.numbers.get(&uidl) else {
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
            let info = message_info(&bytes);
            self.writer
                .send(
                    WriteCmd::Add {
                        folder: POP3_FOLDER.into(),
                        key: MessageKey::Uidl(uidl),
                        info: Box::new(info),
                        bytes: bytes.into(),
                    },
                    &path,
                )
                .await?;
            pending.pop_front();
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
