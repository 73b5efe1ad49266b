//! # POP3 inventory: what a POP-only maildrop holds
//!
//! POP3 has no folders: the maildrop is the server's INBOX. STAT gives count and size, LIST
//! the size of each message, UIDL the stable ids a backup and a duplicate check key on. For
//! the largest messages only `TOP n 0` (headers) is sent, never RETR, because RETR marks
//! the message as read on Dovecot and others.

use serde::Serialize;

use super::ServiceError;
use super::inventory::summarise_header;
use crate::pop3::Pop3Session;

/// One of the largest messages in the maildrop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pop3Message {
    /// Message number in this session (changes between sessions).
    pub msgno: u32,
    /// UIDL: stable across sessions.
    pub uidl: Option<String>,
    pub size: u64,
    pub date: Option<String>,
    pub from: Option<String>,
    pub subject: Option<String>,
}

/// A POP3 maildrop as the server presents it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pop3Inventory {
    pub server: String,
    /// STAT: number of messages.
    pub messages: u32,
    /// STAT: size of the maildrop in octets.
    pub size: u64,
    /// Sum of LIST sizes (equals `size` on a consistent server).
    pub listed_size: u64,
    /// Number of UIDL entries (equals `messages` unless the server lacks UIDL).
    pub unique_ids: usize,
    pub largest: Vec<Pop3Message>,
}

/// Gathers STAT, LIST, UIDL and the headers of the `largest` biggest messages.
pub async fn gather(
    session: &mut Pop3Session,
    largest: usize,
) -> Result<Pop3Inventory, ServiceError> {
    let (messages, size) = session.stat().await?;
    let listing = session.list().await?;
    let ids = session.uidl().await?;
    let listed_size = listing.iter().map(|(_, s)| s).sum();

    let mut by_size = listing.clone();
    by_size.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by_size.truncate(largest);
    let mut large = Vec::with_capacity(by_size.len());
    for (msgno, size) in by_size {
        let header = session.top(msgno, 0).await?;
        let (date, from, subject) = summarise_header(&header);
        large.push(Pop3Message {
            msgno,
            uidl: ids
                .iter()
                .find(|(n, _)| *n == msgno)
                .map(|(_, id)| id.clone()),
            size,
            date,
            from,
            subject,
        });
    }
    Ok(Pop3Inventory {
        server: session.server().to_string(),
        messages,
        size,
        listed_size,
        unique_ids: ids.len(),
        largest: large,
    })
}
