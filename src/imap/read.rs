//! # The read-only IMAP session
//!
//! [`ReadSession`] is the only way ikou talks to the old server. It wraps an async-imap
//! session privately and offers LIST, STATUS, EXAMINE, FETCH with `BODY.PEEK`, and
//! GETQUOTAROOT — nothing else. There is no method that sends STORE, EXPUNGE, COPY, MOVE,
//! APPEND, CREATE, DELETE or RENAME, and mailboxes are only ever opened with EXAMINE, so
//! the compiler enforces the migration rule "never modify the old server".

use futures::Stream;

use super::reply::{self, Parsed, Reply};
use super::{ImapError, Session, utf7};
use crate::model::{FolderInfo, MessageBytes, QuotaInfo, SpecialUse};

/// A mailbox as returned by LIST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFolder {
    pub raw_name: String,
    pub name: String,
    pub delimiter: Option<char>,
    pub special_use: Option<SpecialUse>,
    pub selectable: bool,
}

/// A listed folder before anything in it was read: no counts yet.
impl From<ListedFolder> for FolderInfo {
    fn from(folder: ListedFolder) -> Self {
        FolderInfo {
            name: folder.name,
            raw_name: folder.raw_name,
            delimiter: folder.delimiter,
            special_use: folder.special_use,
            selectable: folder.selectable,
            messages: 0,
            unseen: None,
            uid_next: None,
            uid_validity: None,
            size: 0,
        }
    }
}

impl From<&ListedFolder> for FolderInfo {
    fn from(folder: &ListedFolder) -> Self {
        FolderInfo::from(folder.clone())
    }
}

/// The STATUS items ikou asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FolderStatus {
    pub messages: u32,
    pub unseen: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
    /// CONDSTORE's HIGHESTMODSEQ (RFC 7162), from [`ReadSession::status_for_changes`] on a
    /// server that offers it.
    pub highest_modseq: Option<u64>,
}

/// Per-message metadata from `UID FETCH ... (UID RFC822.SIZE INTERNALDATE FLAGS)`, with the
/// selected header fields when they were asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FetchedMeta {
    pub uid: u32,
    pub size: u64,
    pub internal_date: Option<String>,
    pub flags: Vec<String>,
    pub header: Option<Vec<u8>>,
}

/// One whole message, its bytes exactly as the server sent them for `BODY.PEEK[]`.
#[derive(Debug, PartialEq, Eq)]
pub struct FetchedBody {
    pub meta: FetchedMeta,
    pub bytes: MessageBytes,
}

/// Messages larger than this stay in async-imap's read buffer (no copy); smaller ones are
/// copied out, so a held small reply can never pin a large shared buffer.
const SHARE_ABOVE: usize = 1 << 20;

/// A FETCH reply that is known to carry `BODY[]`, lending out those bytes.
struct FetchReply<P>(P);

impl<P: Parsed> AsRef<[u8]> for FetchReply<P> {
    fn as_ref(&self) -> &[u8] {
        reply::fetch_attributes(self.0.parsed())
            .and_then(reply::body)
            .unwrap_or_default()
    }
}

/// A stream of whole messages from one pipelined `UID FETCH`.
pub type BodyStream<'a> =
    std::pin::Pin<Box<dyn Stream<Item = Result<FetchedBody, ImapError>> + Send + 'a>>;

/// An authenticated IMAP session that can only read.
pub struct ReadSession {
    session: Session,
    server: String,
    capabilities: Vec<String>,
    examined: Option<String>,
}

impl std::fmt::Debug for ReadSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadSession")
            .field("server", &self.server)
            .field("examined", &self.examined)
            .finish_non_exhaustive()
    }
}

/// Format of INTERNALDATE (RFC 3501 `date-time`).
const DATE_TIME_FORMAT: &str = "%d-%b-%Y %H:%M:%S %z";

/// INTERNALDATE as RFC 3339: `DateTime::parse_from_str` with the format parsed once, not
/// once a message.
fn internal_date(text: &str) -> Option<String> {
    use chrono::format::{Item, Parsed, StrftimeItems, parse};
    static ITEMS: std::sync::OnceLock<Vec<Item<'static>>> = std::sync::OnceLock::new();
    let items = ITEMS.get_or_init(|| StrftimeItems::new(DATE_TIME_FORMAT).collect());
    let mut parsed = Parsed::new();
    parse(&mut parsed, text, items.iter()).ok()?;
    parsed.to_datetime().ok().map(|d| d.to_rfc3339())
}

fn meta_of(attributes: &[async_imap::imap_proto::AttributeValue<'_>]) -> FetchedMeta {
    use async_imap::imap_proto::AttributeValue as A;
    let mut meta = FetchedMeta::default();
    for a in attributes {
        match a {
            A::Uid(uid) => meta.uid = *uid,
            A::Rfc822Size(size) => meta.size = u64::from(*size),
            A::InternalDate(date) if meta.internal_date.is_none() => {
                meta.internal_date = internal_date(date);
            }
            A::Flags(flags) => meta.flags.extend(
                flags
                    .iter()
                    .filter(|f| f.as_ref() != "\\Recent")
                    .map(ToString::to_string),
            ),
            _ => {}
        }
    }
    meta.header = reply::header(attributes).map(<[u8]>::to_vec);
    meta
}

impl ReadSession {
    pub(super) fn new(session: Session, server: String, capabilities: Vec<String>) -> Self {
        ReadSession {
            session,
            server,
            capabilities,
            examined: None,
        }
    }

    /// The server as `host:port (security)`, for messages.
    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn capabilities(&self) -> &[String] {
        &self.capabilities
    }

    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c.eq_ignore_ascii_case(name))
    }

    fn error(&self, command: &str, e: async_imap::error::Error) -> ImapError {
        ImapError::from_imap(&self.server, command, e)
    }

    /// Sends `command` and returns its reply, read to the tagged end.
    async fn command(&mut self, name: &'static str, command: &str) -> Result<Reply<'_>, ImapError> {
        Reply::start(&mut self.session, &self.server, name, command).await
    }

    /// A mailbox name as a quoted string, or an error naming it when it cannot be sent.
    fn mailbox_arg(&self, command: &str, raw_name: &str) -> Result<String, ImapError> {
        reply::quoted(raw_name).ok_or_else(|| ImapError::Command {
            server: self.server.clone(),
            command: command.to_string(),
            detail: format!("the folder name {raw_name:?} cannot be sent in a command"),
        })
    }

    /// Lists every mailbox with its delimiter, SPECIAL-USE role and `\Noselect` state.
    /// Each LIST line is turned into a small value as it arrives, so memory follows the
    /// number of folders, not the size of the server's read buffers.
    pub async fn list_folders(&mut self) -> Result<Vec<ListedFolder>, ImapError> {
        use async_imap::types::NameAttribute as A;
        let mut folders: Vec<ListedFolder> = Vec::new();
        let reply = self.command("LIST", "LIST \"\" \"*\"").await?;
        reply
            .for_each(|response| {
                let Some(n) = reply::list_data(response) else {
                    return;
                };
                let attributes = &n.name_attributes;
                let selectable = !attributes.iter().any(|a| {
                    matches!(a, A::NoSelect)
                        || matches!(a, A::Extension(x) if x.eq_ignore_ascii_case("\\NonExistent"))
                });
                let special_use = attributes.iter().find_map(|a| match a {
                    A::Sent => Some(SpecialUse::Sent),
                    A::Drafts => Some(SpecialUse::Drafts),
                    A::Trash => Some(SpecialUse::Trash),
                    A::Junk => Some(SpecialUse::Junk),
                    A::Archive => Some(SpecialUse::Archive),
                    A::All => Some(SpecialUse::All),
                    A::Flagged => Some(SpecialUse::Flagged),
                    A::Extension(x) => SpecialUse::from_attribute(x),
                    _ => None,
                });
                let raw_name = n.name.to_string();
                let special_use = special_use.or_else(|| {
                    raw_name
                        .eq_ignore_ascii_case("INBOX")
                        .then_some(SpecialUse::Inbox)
                });
                folders.push(ListedFolder {
                    name: utf7::decode(&raw_name),
                    delimiter: n.delimiter.as_deref().and_then(|d| d.chars().next()),
                    raw_name,
                    special_use,
                    selectable,
                });
            })
            .await?;
        // INBOX first, then the server's order by name: stable output for people and tests.
        folders.sort_by(|a, b| {
            (a.special_use != Some(SpecialUse::Inbox), &a.name)
                .cmp(&(b.special_use != Some(SpecialUse::Inbox), &b.name))
        });
        Ok(folders)
    }

    /// STATUS without opening the mailbox (does not touch `\Recent` or `\Seen`).
    pub async fn status(&mut self, raw_name: &str) -> Result<FolderStatus, ImapError> {
        self.status_items(raw_name, "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)")
            .await
    }

    /// STATUS with what tells whether a folder changed since a backup: MESSAGES, UIDNEXT,
    /// UIDVALIDITY, and HIGHESTMODSEQ where the server offers CONDSTORE. No UNSEEN, which
    /// costs the server a scan of the folder.
    pub async fn status_for_changes(&mut self, raw_name: &str) -> Result<FolderStatus, ImapError> {
        let items = if self.has_capability("CONDSTORE") {
            "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
        } else {
            "(MESSAGES UIDNEXT UIDVALIDITY)"
        };
        self.status_items(raw_name, items).await
    }

    /// STATUS for `items`, read to its tagged OK; a reply without the STATUS line is an
    /// error, never "0 messages".
    async fn status_items(
        &mut self,
        raw_name: &str,
        items: &str,
    ) -> Result<FolderStatus, ImapError> {
        use async_imap::imap_proto::{MailboxDatum, Response, StatusAttribute as S};
        let mailbox = self.mailbox_arg("STATUS", raw_name)?;
        let mut status = FolderStatus::default();
        let mut answered = false;
        let reply = self
            .command("STATUS", &format!("STATUS {mailbox} {items}"))
            .await?;
        reply
            .for_each(|response| {
                if let Response::MailboxData(MailboxDatum::Status { status: items, .. }) = response
                {
                    answered = true;
                    for item in items {
                        match item {
                            S::Messages(n) => status.messages = *n,
                            S::Unseen(n) => status.unseen = Some(*n),
                            S::UidNext(n) => status.uid_next = Some(*n),
                            S::UidValidity(n) => status.uid_validity = Some(*n),
                            S::HighestModSeq(n) => status.highest_modseq = Some(*n),
                            _ => {}
                        }
                    }
                }
            })
            .await?;
        if !answered {
            return Err(ImapError::Protocol {
                server: self.server.clone(),
                command: "STATUS".into(),
                detail: format!("no STATUS line for {raw_name:?} in the reply"),
            });
        }
        Ok(status)
    }

    /// Opens a mailbox read-only. Returns the number of messages and UIDVALIDITY.
    pub async fn examine(&mut self, raw_name: &str) -> Result<FolderStatus, ImapError> {
        use async_imap::imap_proto::{MailboxDatum, Response, ResponseCode, Status};
        let mailbox = self.mailbox_arg("EXAMINE", raw_name)?;
        self.examined = None;
        let mut status = FolderStatus::default();
        let mut exists = false;
        let reply = self
            .command("EXAMINE", &format!("EXAMINE {mailbox}"))
            .await?;
        reply
            .for_each(|response| match response {
                Response::MailboxData(MailboxDatum::Exists(n)) => {
                    exists = true;
                    status.messages = *n;
                }
                Response::Data {
                    status: Status::Ok,
                    outcome,
                } => match outcome.code {
                    Some(ResponseCode::UidValidity(v)) => status.uid_validity = Some(v),
                    Some(ResponseCode::UidNext(n)) => status.uid_next = Some(n),
                    _ => {}
                },
                _ => {}
            })
            .await?;
        if !exists {
            // Without EXISTS the number of messages is unknown; 0 would claim an empty folder.
            return Err(ImapError::Protocol {
                server: self.server.clone(),
                command: "EXAMINE".into(),
                detail: format!("no EXISTS line for {raw_name:?} in the reply"),
            });
        }
        self.examined = Some(raw_name.to_string());
        Ok(status)
    }

    /// UID, size, INTERNALDATE and flags of every message in `uid_set` of the examined mailbox,
    /// plus the named header fields when `header_fields` is not empty. One pipelined command.
    pub async fn fetch_meta(
        &mut self,
        uid_set: &str,
        header_fields: &[&str],
    ) -> Result<Vec<FetchedMeta>, ImapError> {
        let mut metas = Vec::new();
        self.fetch_meta_each(uid_set, header_fields, |meta| metas.push(meta))
            .await?;
        Ok(metas)
    }

    /// [`ReadSession::fetch_meta`], handing each message to `each` as its reply is parsed
    /// instead of collecting them: a folder of 100,000 messages is not held twice (raw
    /// header blocks and what the caller makes of them).
    pub async fn fetch_meta_each(
        &mut self,
        uid_set: &str,
        header_fields: &[&str],
        mut each: impl FnMut(FetchedMeta),
    ) -> Result<(), ImapError> {
        let mut query = String::from("(UID RFC822.SIZE INTERNALDATE FLAGS");
        if !header_fields.is_empty() {
            query.push_str(" BODY.PEEK[HEADER.FIELDS (");
            query.push_str(&header_fields.join(" "));
            query.push_str(")]");
        }
        query.push(')');
        let reply = self
            .command("FETCH", &format!("UID FETCH {uid_set} {query}"))
            .await?;
        reply
            .for_each(|response| {
                // A FETCH without UID is a flag change the server reports on its own.
                if let Some(a) = reply::fetch_attributes(response) {
                    let meta = meta_of(a);
                    if meta.uid != 0 {
                        each(meta);
                    }
                }
            })
            .await
    }

    /// The whole header block of one message of the examined mailbox (`BODY.PEEK[HEADER]`,
    /// so `\Seen` is never set); `None` when the server has no such UID.
    pub async fn fetch_header(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let mut header = None;
        let reply = self
            .command("FETCH", &format!("UID FETCH {uid} (UID BODY.PEEK[HEADER])"))
            .await?;
        reply
            .for_each(|response| {
                if let Some(a) = reply::fetch_attributes(response)
                    && header.is_none()
                    && meta_of(a).uid == uid
                {
                    header = reply::header(a).map(<[u8]>::to_vec);
                }
            })
            .await?;
        Ok(header)
    }

    /// Streams whole messages (`BODY.PEEK[]`, so `\Seen` is never set) of the examined mailbox.
    /// Only one message at a time is held by the stream; the caller decides how many to keep.
    /// The stream ends only after the server's tagged OK: a BYE, a close or a NO before it
    /// is an error, so a caller never takes part of a reply for all of it. FETCH lines
    /// without a body (flag changes the server reports on its own) are skipped.
    pub async fn fetch_bodies(&mut self, uid_set: &str) -> Result<BodyStream<'_>, ImapError> {
        let reply = self
            .command(
                "FETCH",
                &format!("UID FETCH {uid_set} (UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[])"),
            )
            .await?;
        Ok(Box::pin(futures::stream::try_unfold(
            reply,
            |mut reply| async move {
                while let Some(response) = reply.next().await? {
                    let Some((meta, len)) = reply::fetch_attributes(response.parsed())
                        .and_then(|a| reply::body(a).map(|b| (meta_of(a), b.len())))
                    else {
                        continue;
                    };
                    let bytes = if len > SHARE_ABOVE {
                        MessageBytes::shared(FetchReply(response))
                    } else {
                        MessageBytes::from(FetchReply(response).as_ref().to_vec())
                    };
                    return Ok(Some((FetchedBody { meta, bytes }, reply)));
                }
                Ok(None)
            },
        )))
    }

    /// GETQUOTAROOT for INBOX. `Ok(None)` when the server has no QUOTA capability; roots
    /// without a STORAGE or MESSAGE limit (Cyrus `()`, Courier's list-less `* QUOTA "ROOT"`
    /// when no quota is set) are left out, so an empty list means "no quota set".
    pub async fn quota(&mut self) -> Result<Option<Vec<QuotaInfo>>, ImapError> {
        if !self.has_capability("QUOTA") {
            return Ok(None);
        }
        let (_roots, quotas) = self
            .session
            .get_quota_root("INBOX")
            .await
            .map_err(|e| self.error("GETQUOTAROOT", e))?;
        use async_imap::types::QuotaResourceName as R;
        Ok(Some(
            quotas
                .into_iter()
                .filter(|q| {
                    q.resources
                        .iter()
                        .any(|r| matches!(r.name, R::Storage | R::Message))
                })
                .map(|q| {
                    let find = |want: &R| q.resources.iter().find(|r| &r.name == want);
                    // RFC 2087 counts STORAGE in units of 1024 octets.
                    let storage = find(&R::Storage);
                    let messages = find(&R::Message);
                    QuotaInfo {
                        root: q.root_name.clone(),
                        storage_used: storage.map(|r| r.usage.saturating_mul(1024)),
                        storage_limit: storage.map(|r| r.limit.saturating_mul(1024)),
                        messages_used: messages.map(|r| r.usage),
                        messages_limit: messages.map(|r| r.limit),
                    }
                })
                .collect(),
        ))
    }

    /// Ends the session politely; errors here are not worth reporting.
    pub async fn logout(mut self) {
        let _ = self.session.logout().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_date_is_parse_from_str() {
        for text in [
            "17-Jul-1996 02:44:25 -0700",
            " 7-Jan-2024 23:59:59 +0900",
            "07-Jan-2024 00:00:00 +0000",
            "31-Feb-2024 00:00:00 +0000",
            "yesterday",
            "",
        ] {
            let expected = chrono::DateTime::parse_from_str(text, DATE_TIME_FORMAT)
                .ok()
                .map(|d| d.to_rfc3339());
            assert_eq!(internal_date(text), expected, "{text:?}");
        }
        assert_eq!(
            internal_date("17-Jul-1996 02:44:25 -0700").as_deref(),
            Some("1996-07-17T02:44:25-07:00")
        );
    }
}
