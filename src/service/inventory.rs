//! # Inventory: folders, counts, sizes, quota and the largest messages
//!
//! Everything `ikou folders` and `ikou quota` show, gathered read-only: LIST, STATUS per
//! folder, EXAMINE + `UID FETCH 1:* RFC822.SIZE` for sizes (Dovecot 2.3 and Exchange offer
//! no STATUS=SIZE), GETQUOTAROOT when the server has QUOTA, and the headers of the N largest
//! messages fetched with `BODY.PEEK` so that nothing is marked as read.

use serde::Serialize;

use super::progress::{Progress, ReadStep};
use super::{AccountRef, ServiceError, open_read_session};
use crate::imap::ReadSession;
use crate::model::{FolderInfo, QuotaInfo};
use crate::profile::{Profile, Side};

/// What to gather.
#[derive(Debug, Clone, Copy)]
pub struct InventoryOptions {
    /// How many of the largest messages to list (0: none).
    pub largest: usize,
    /// The new server's message size limit (the profile's `max_message_mb`): every message
    /// above it is listed, however many `largest` asks for.
    pub size_limit: Option<u64>,
}

/// One of the largest messages, for people cutting their mailbox down before migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LargeMessage {
    pub folder: String,
    pub uid: u32,
    pub size: u64,
    pub date: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
    /// Larger than the new server's size limit: it cannot be migrated.
    pub over_limit: bool,
}

/// Quota as the server reports it, or the usage ikou computed when it reports none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaReport {
    /// True when the server reports at least one quota limit. False when it has no QUOTA
    /// capability (Exchange Online, some legacy servers) or sets no limit for this account.
    pub reported_by_server: bool,
    /// The server offers QUOTA (GETQUOTAROOT), whether or not a limit is set.
    pub capability: bool,
    pub roots: Vec<QuotaInfo>,
    /// Sum of every message's RFC822.SIZE, always computed.
    pub usage_from_sizes: u64,
    pub messages_from_counts: u64,
}

/// A mailbox as the server presents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub server: String,
    pub delimiter: Option<char>,
    pub folders: Vec<FolderInfo>,
    pub total_messages: u64,
    pub total_size: u64,
    pub quota: QuotaReport,
    pub largest: Vec<LargeMessage>,
    /// The size limit messages were checked against (octets), when one was given.
    pub size_limit: Option<u64>,
    /// How many messages are larger than `size_limit` (all of them are in `largest`).
    pub over_limit: u64,
}

/// The whole use case behind `ikou folders`, `ikou quota`, the TUI's Overview and the
/// support report: signs in to `side` through the access seam (read-only), gathers the
/// inventory with progress, and signs out.
pub async fn run(
    profile: &Profile,
    side: Side,
    account: &AccountRef,
    options: InventoryOptions,
    progress: &Progress,
) -> Result<Inventory, ServiceError> {
    let mut session = open_read_session(profile, side, account).await?;
    progress(ReadStep::Connected(side));
    let result = gather(&mut session, side, options, progress).await;
    session.logout().await;
    result
}

/// Gathers the inventory over one read-only session.
async fn gather(
    session: &mut ReadSession,
    side: Side,
    options: InventoryOptions,
    progress: &Progress,
) -> Result<Inventory, ServiceError> {
    let listed = session.list_folders().await?;
    let total = listed.len();
    let mut folders = Vec::with_capacity(listed.len());
    // (size, folder index, uid): kept short so memory does not grow with the mailbox.
    let mut largest: Vec<(u64, usize, u32)> = Vec::new();
    // Every message above the size limit (few: they are what cannot migrate).
    let mut over: Vec<(u64, usize, u32)> = Vec::new();
    for entry in &listed {
        progress(ReadStep::Folder {
            side,
            done: folders.len(),
            total,
            folder: entry.name.clone(),
        });
        let mut info = FolderInfo::from(entry);
        if entry.selectable {
            let status = session.status(&entry.raw_name).await?;
            info.messages = status.messages;
            info.unseen = status.unseen;
            info.uid_next = status.uid_next;
            info.uid_validity = status.uid_validity;
            if status.messages > 0 {
                session.examine(&entry.raw_name).await?;
                let metas = session.fetch_meta("1:*", &[]).await?;
                info.size = metas.iter().map(|m| m.size).sum();
                if let Some(limit) = options.size_limit {
                    let index = folders.len();
                    over.extend(
                        metas
                            .iter()
                            .filter(|m| m.size > limit)
                            .map(|m| (m.size, index, m.uid)),
                    );
                }
                if options.largest > 0 {
                    let index = folders.len();
                    largest.extend(metas.iter().map(|m| (m.size, index, m.uid)));
                    largest.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                    largest.truncate(options.largest);
                }
            }
        }
        folders.push(info);
    }

    let over_limit = over.len() as u64;
    for item in over {
        if !largest.contains(&item) {
            largest.push(item);
        }
    }
    largest.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut large_messages = Vec::with_capacity(largest.len());
    for (size, index, uid) in largest {
        let folder: &FolderInfo = &folders[index];
        session.examine(&folder.raw_name).await?;
        let header = session
            .fetch_meta(&uid.to_string(), &["DATE", "FROM", "SUBJECT"])
            .await?
            .into_iter()
            .next()
            .and_then(|m| m.header);
        let summary = header.as_deref().map(summarise_header).unwrap_or_default();
        large_messages.push(LargeMessage {
            folder: folder.name.clone(),
            uid,
            size,
            date: summary.0,
            from: summary.1,
            subject: summary.2,
            over_limit: options.size_limit.is_some_and(|limit| size > limit),
        });
    }

    let quota = session.quota().await?;
    progress(ReadStep::Folder {
        side,
        done: total,
        total,
        folder: String::new(),
    });
    let total_messages = folders.iter().map(|f| u64::from(f.messages)).sum();
    let total_size = folders.iter().map(|f| f.size).sum();
    Ok(Inventory {
        server: session.server().to_string(),
        delimiter: listed.iter().find_map(|f| f.delimiter),
        folders,
        total_messages,
        total_size,
        quota: QuotaReport {
            reported_by_server: quota.as_ref().is_some_and(|roots| !roots.is_empty()),
            capability: quota.is_some(),
            roots: quota.unwrap_or_default(),
            usage_from_sizes: total_size,
            messages_from_counts: total_messages,
        },
        largest: large_messages,
        size_limit: options.size_limit,
        over_limit,
    })
}

/// Date, From and decoded Subject of a header block, for listing a message to a person.
pub(crate) fn summarise_header(header: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Some(message) = mail_parser::MessageParser::default().parse_headers(header) else {
        return (None, None, None);
    };
    let date = message.date().map(|d| d.to_rfc3339());
    let from = message
        .from()
        .and_then(|a| a.first())
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(addr)) => format!("{name} <{addr}>"),
            (None, Some(addr)) => addr.to_string(),
            (Some(name), None) => name.to_string(),
            (None, None) => String::new(),
        });
    let subject = message.subject().map(str::to_string);
    (date, from, subject)
}
