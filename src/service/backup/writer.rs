//! # The archive writer thread
//!
//! `ArchiveUpdate` is a blocking, single-threaded API (it fsyncs, copies the old archive and
//! waits on its compression pipeline), so it lives on one dedicated OS thread fed by a
//! bounded channel: the async fetch side never blocks a runtime thread, and the channel's
//! bound plus the pipeline's byte budget keep memory flat however large the mailbox.

use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::{mpsc, oneshot};

use crate::archive::{
    Added, ArchiveError, ArchiveUpdate, CommitReport, FolderSync, HeldId, Manifest, MessageKey,
    MessageRecord, Prior, UpdateOptions,
};
use crate::model::{FolderInfo, MessageBytes, MessageInfo};

/// Messages waiting between the network and the archive. Small on purpose: the pipeline
/// behind it has its own window, so a deeper queue would only hold more memory.
const QUEUE: usize = 8;

/// Work for the writer thread, in the order it must happen.
pub(super) enum WriteCmd {
    Folder(FolderInfo),
    Add {
        folder: String,
        key: MessageKey,
        info: Box<MessageInfo>,
        bytes: MessageBytes,
    },
    Rekey {
        id: HeldId,
        key: MessageKey,
        uid_validity: Option<u32>,
    },
    /// Reply with the full records of the held messages of `folder` that have a UID under
    /// another UIDVALIDITY than `uid_validity` (to re-identify them), read from the archive.
    Stale {
        folder: String,
        uid_validity: Option<u32>,
        reply: oneshot::Sender<Result<Vec<(HeldId, MessageRecord)>, ArchiveError>>,
    },
    /// Reply with what the backup held (reading its message records if they were not).
    Load {
        reply: oneshot::Sender<Result<Option<Arc<Prior>>, ArchiveError>>,
    },
    /// The folder is complete up to this server state (see `ArchiveUpdate::set_synced`;
    /// with `only_if_written`, `ArchiveUpdate::set_synced_if_written`).
    Synced {
        folder: String,
        sync: FolderSync,
        only_if_written: bool,
    },
    /// Write the manifest and replace the archive; reply with the report and the archived
    /// messages larger than the given size (for the oversize list).
    Commit(u64),
}

/// What the writer hands back after a commit.
pub(super) struct Committed {
    pub report: CommitReport,
    pub large: Vec<MessageRecord>,
    pub already: u64,
}

/// What the backup held when it was opened, as far as it was read.
pub(super) enum Held {
    /// A new backup.
    Nothing,
    /// An existing backup of which only the manifest's head (fields and folders) was read;
    /// [`Writer::load`] reads the messages when planning needs them.
    Head(Arc<Manifest>),
    /// Every held message, compactly.
    Messages(Arc<Prior>),
}

impl Held {
    fn of(update: &mut ArchiveUpdate) -> Result<Held, ArchiveError> {
        if update.is_loaded() {
            Ok(update.load()?.map_or(Held::Nothing, Held::Messages))
        } else {
            Ok(Held::Head(Arc::new(update.head().clone())))
        }
    }
}

/// Handle to the writer thread.
pub(super) struct Writer {
    tx: Option<mpsc::Sender<WriteCmd>>,
    handle: Option<JoinHandle<Result<Option<Committed>, ArchiveError>>>,
}

/// Opens the archive on a new thread (and prepares the journal or the partial file) and
/// returns its prior content, compactly, for incremental runs, plus how many messages an
/// interrupted earlier run had already written. With `lazy`, an existing backup's message
/// records are read only when [`Writer::load`] asks for them (see
/// `ArchiveUpdate::open_lazily`).
pub(super) async fn start(
    path: PathBuf,
    options: UpdateOptions,
    lazy: bool,
) -> Result<(Writer, Held, usize), ArchiveError> {
    let (tx, mut rx) = mpsc::channel::<WriteCmd>(QUEUE);
    let (opened_tx, opened_rx) = oneshot::channel();
    let thread_path = path.clone();
    let handle = std::thread::Builder::new()
        .name("ikou-archive".into())
        .spawn(move || -> Result<Option<Committed>, ArchiveError> {
            let opened = ArchiveUpdate::open_lazily(&thread_path, options).and_then(|mut u| {
                if !lazy {
                    u.load()?;
                }
                u.prepare()?;
                let held = Held::of(&mut u)?;
                Ok((u, held))
            });
            let mut update = match opened {
                Ok((update, prior)) => {
                    let recovered = update.recovered_messages();
                    let _ = opened_tx.send(Ok((prior, recovered)));
                    update
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                    return Ok(None);
                }
            };
            let mut already = 0u64;
            while let Some(cmd) = rx.blocking_recv() {
                match cmd {
                    WriteCmd::Folder(info) => {
                        update.folder(&info)?;
                    }
                    WriteCmd::Add {
                        folder,
                        key,
                        info,
                        bytes,
                    } => {
                        if let Added::AlreadyArchived = update.add(&folder, key, &info, bytes)? {
                            already += 1;
                        }
                    }
                    WriteCmd::Rekey {
                        id,
                        key,
                        uid_validity,
                    } => update.rekey_held(id, key, uid_validity)?,
                    WriteCmd::Stale {
                        folder,
                        uid_validity,
                        reply,
                    } => {
                        let records = update.held_records(|m| {
                            m.folder == folder && m.uid.is_some() && m.uid_validity != uid_validity
                        });
                        let _ = reply.send(records);
                    }
                    WriteCmd::Load { reply } => {
                        let _ = reply.send(update.load());
                    }
                    WriteCmd::Synced {
                        folder,
                        sync,
                        only_if_written: false,
                    } => update.set_synced(&folder, Some(sync))?,
                    WriteCmd::Synced {
                        folder,
                        sync,
                        only_if_written: true,
                    } => update.set_synced_if_written(&folder, sync)?,
                    WriteCmd::Commit(limit) => {
                        let (report, large) = update.commit_listing_above(limit)?;
                        return Ok(Some(Committed {
                            report,
                            large,
                            already,
                        }));
                    }
                }
            }
            // The fetch side stopped without committing (error or cancel): keep the work in
            // the partial file for the next run.
            update.suspend()?;
            Ok(None)
        })
        .map_err(|e| ArchiveError::Thread {
            path: path.clone(),
            thread: "archive",
            detail: e.to_string(),
        })?;
    let mut writer = Writer {
        tx: Some(tx),
        handle: Some(handle),
    };
    match opened_rx.await {
        Ok(Ok((prior, recovered))) => Ok((writer, prior, recovered)),
        Ok(Err(e)) => {
            writer.tx = None;
            if let Some(h) = writer.handle.take() {
                let _ = tokio::task::spawn_blocking(move || h.join()).await;
            }
            Err(e)
        }
        Err(_) => Err(writer.finish_error(&path).await),
    }
}

impl Writer {
    /// Queues a command; waits while the queue is full. A dead writer thread is reported
    /// with its own error.
    pub async fn send(
        &mut self,
        cmd: WriteCmd,
        path: &std::path::Path,
    ) -> Result<(), ArchiveError> {
        let sent = match &self.tx {
            Some(tx) => tx.send(cmd).await.is_ok(),
            None => false,
        };
        if sent {
            Ok(())
        } else {
            Err(self.finish_error(path).await)
        }
    }

    /// The full records of the held messages of `folder` under another UIDVALIDITY than
    /// `uid_validity` (see [`WriteCmd::Stale`]).
    pub async fn stale(
        &mut self,
        folder: &str,
        uid_validity: Option<u32>,
        path: &std::path::Path,
    ) -> Result<Vec<(HeldId, MessageRecord)>, ArchiveError> {
        let (reply, answer) = oneshot::channel();
        let cmd = WriteCmd::Stale {
            folder: folder.to_string(),
            uid_validity,
            reply,
        };
        self.send(cmd, path).await?;
        match answer.await {
            Ok(r) => r,
            Err(_) => Err(self.finish_error(path).await),
        }
    }

    /// What the backup held, every message compactly (read from the archive now if
    /// opening left the records unread); `None` for a new backup.
    pub async fn load(
        &mut self,
        path: &std::path::Path,
    ) -> Result<Option<Arc<Prior>>, ArchiveError> {
        let (reply, answer) = oneshot::channel();
        self.send(WriteCmd::Load { reply }, path).await?;
        match answer.await {
            Ok(r) => r,
            Err(_) => Err(self.finish_error(path).await),
        }
    }

    /// Every held message per `held` (what opening read), loading them if only the head
    /// was read; `None` for a new backup.
    pub async fn prior(
        &mut self,
        held: &Held,
        path: &std::path::Path,
    ) -> Result<Option<Arc<Prior>>, ArchiveError> {
        match held {
            Held::Nothing => Ok(None),
            Held::Messages(p) => Ok(Some(Arc::clone(p))),
            Held::Head(_) => self.load(path).await,
        }
    }

    /// Commits and waits for the thread.
    pub async fn commit(
        mut self,
        limit: u64,
        path: &std::path::Path,
    ) -> Result<Committed, ArchiveError> {
        self.send(WriteCmd::Commit(limit), path).await?;
        self.tx = None;
        match self.join().await {
            Ok(Some(c)) => Ok(c),
            Ok(None) => Err(thread_error(
                path,
                "the archive writer stopped before the commit",
            )),
            Err(e) => Err(e),
        }
    }

    /// Stops without committing (the partial file is kept for the next run) and waits.
    pub async fn abandon(mut self) {
        self.tx = None;
        if let Err(e) = self.join().await {
            tracing::warn!("archive writer: {e}");
        }
    }

    async fn join(&mut self) -> Result<Option<Committed>, ArchiveError> {
        let Some(handle) = self.handle.take() else {
            return Ok(None);
        };
        match tokio::task::spawn_blocking(move || handle.join()).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) | Err(_) => Err(ArchiveError::Thread {
                path: PathBuf::new(),
                thread: "archive",
                detail: "the archive writer thread panicked".into(),
            }),
        }
    }

    async fn finish_error(&mut self, path: &std::path::Path) -> ArchiveError {
        self.tx = None;
        match self.join().await {
            Err(e) => e,
            Ok(_) => thread_error(path, "the archive writer stopped unexpectedly"),
        }
    }
}

fn thread_error(path: &std::path::Path, detail: &str) -> ArchiveError {
    ArchiveError::Thread {
        path: path.to_path_buf(),
        thread: "archive",
        detail: detail.into(),
    }
}
