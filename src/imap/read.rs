//! # The read-only IMAP session
//!
//! [`ReadSession`] is the only way ikou talks to the old server. It wraps an async-imap
//! session privately and offers LIST, STATUS, EXAMINE, FETCH with `BODY.PEEK`, and
//! GETQUOTAROOT — nothing else. There is no method that sends STORE, EXPUNGE, COPY, MOVE,
//! APPEND, CREATE, DELETE or RENAME, and mailboxes are only ever opened with EXAMINE, so
//! the compiler enforces the migration rule "never modify the old server".

use futures::{Stream, StreamExt, TryStreamExt};

use super::{ImapError, Session, utf7};
use crate::model::{MessageBytes, QuotaInfo, SpecialUse};

/// A mailbox as returned by LIST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFolder {
    pub raw_name: String,
    pub name: String,
    pub delimiter: Option<char>,
    pub special_use: Option<SpecialUse>,
    pub selectable: bool,
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
struct FetchReply(async_imap::types::Fetch);

impl AsRef<[u8]> for FetchReply {
    fn as_ref(&self) -> &[u8] {
        self.0.body().unwrap_or_default()
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

fn flag_name(flag: &async_imap::types::Flag<'_>) -> String {
    use async_imap::types::Flag;
    match flag {
        Flag::Seen => "\\Seen".into(),
        Flag::Answered => "\\Answered".into(),
        Flag::Flagged => "\\Flagged".into(),
        Flag::Deleted => "\\Deleted".into(),
        Flag::Draft => "\\Draft".into(),
        Flag::Recent => "\\Recent".into(),
        Flag::MayCreate => "\\*".into(),
        Flag::Custom(name) => name.to_string(),
    }
}

fn meta_of(fetch: &async_imap::types::Fetch) -> FetchedMeta {
    FetchedMeta {
        uid: fetch.uid.unwrap_or(0),
        size: u64::from(fetch.size.unwrap_or(0)),
        internal_date: fetch.internal_date().map(|d| d.to_rfc3339()),
        flags: fetch
            .flags()
            .filter(|f| !matches!(f, async_imap::types::Flag::Recent))
            .map(|f| flag_name(&f))
            .collect(),
        header: fetch.header().map(<[u8]>::to_vec),
    }
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

    /// Lists every mailbox with its delimiter, SPECIAL-USE role and `\Noselect` state.
    pub async fn list_folders(&mut self) -> Result<Vec<ListedFolder>, ImapError> {
        use async_imap::types::NameAttribute as A;
        let names: Vec<_> = {
            let stream = self
                .session
                .list(Some(""), Some("*"))
                .await
                .map_err(|e| ImapError::from_imap(&self.server, "LIST", e))?;
            stream
                .try_collect()
                .await
                .map_err(|e| ImapError::from_imap(&self.server, "LIST", e))?
        };
        let mut folders: Vec<ListedFolder> = names
            .iter()
            .map(|n| {
                let attributes = n.attributes();
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
                let raw_name = n.name().to_string();
                let special_use = special_use.or_else(|| {
                    raw_name
                        .eq_ignore_ascii_case("INBOX")
                        .then_some(SpecialUse::Inbox)
                });
                ListedFolder {
                    name: utf7::decode(&raw_name),
                    delimiter: n.delimiter().and_then(|d| d.chars().next()),
                    raw_name,
                    special_use,
                    selectable,
                }
            })
            .collect();
        // INBOX first, then the server's order by name: stable output for people and tests.
        folders.sort_by(|a, b| {
            (a.special_use != Some(SpecialUse::Inbox), &a.name)
                .cmp(&(b.special_use != Some(SpecialUse::Inbox), &b.name))
        });
        Ok(folders)
    }

    /// STATUS without opening the mailbox (does not touch `\Recent` or `\Seen`).
    pub async fn status(&mut self, raw_name: &str) -> Result<FolderStatus, ImapError> {
        let mailbox = self
            .session
            .status(raw_name, "(MESSAGES UNSEEN UIDNEXT UIDVALIDITY)")
            .await
            .map_err(|e| self.error("STATUS", e))?;
        Ok(FolderStatus {
            messages: mailbox.exists,
            unseen: mailbox.unseen,
            uid_next: mailbox.uid_next,
            uid_validity: mailbox.uid_validity,
            highest_modseq: None,
        })
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
        let mailbox = self
            .session
            .status(raw_name, items)
            .await
            .map_err(|e| self.error("STATUS", e))?;
        Ok(FolderStatus {
            messages: mailbox.exists,
            unseen: None,
            uid_next: mailbox.uid_next,
            uid_validity: mailbox.uid_validity,
            highest_modseq: mailbox.highest_modseq,
        })
    }

    /// Opens a mailbox read-only. Returns the number of messages and UIDVALIDITY.
    pub async fn examine(&mut self, raw_name: &str) -> Result<FolderStatus, ImapError> {
        let mailbox = self
            .session
            .examine(raw_name)
            .await
            .map_err(|e| self.error("EXAMINE", e))?;
        self.examined = Some(raw_name.to_string());
        Ok(FolderStatus {
            messages: mailbox.exists,
            unseen: None,
            uid_next: mailbox.uid_next,
            uid_validity: mailbox.uid_validity,
            highest_modseq: None,
        })
    }

    /// UID, size, INTERNALDATE and flags of every message in `uid_set` of the examined mailbox,
    /// plus the named header fields when `header_fields` is not empty. One pipelined command.
    pub async fn fetch_meta(
        &mut self,
        uid_set: &str,
        header_fields: &[&str],
    ) -> Result<Vec<FetchedMeta>, ImapError> {
        let mut query = String::from("(UID RFC822.SIZE INTERNALDATE FLAGS");
        if !header_fields.is_empty() {
            query.push_str(" BODY.PEEK[HEADER.FIELDS (");
            query.push_str(&header_fields.join(" "));
            query.push_str(")]");
        }
        query.push(')');
        let server = self.server.clone();
        let stream = self
            .session
            .uid_fetch(uid_set, &query)
            .await
            .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
        stream
            .map(|r| {
                r.map(|f| meta_of(&f))
                    .map_err(|e| ImapError::from_imap(&server, "FETCH", e))
            })
            .try_collect()
            .await
    }

    /// The whole header block of one message of the examined mailbox (`BODY.PEEK[HEADER]`,
    /// so `\Seen` is never set); `None` when the server has no such UID.
    pub async fn fetch_header(&mut self, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
        let server = self.server.clone();
        let stream = self
            .session
            .uid_fetch(uid.to_string(), "(UID BODY.PEEK[HEADER])")
            .await
            .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
        let fetches: Vec<_> = stream
            .try_collect()
            .await
            .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
        Ok(fetches
            .iter()
            .find(|f| f.uid == Some(uid))
            .and_then(|f| f.header().map(<[u8]>::to_vec)))
    }

    /// Streams whole messages (`BODY.PEEK[]`, so `\Seen` is never set) of the examined mailbox.
    /// Only one message at a time is held by the stream; the caller decides how many to keep.
    pub async fn fetch_bodies(&mut self, uid_set: &str) -> Result<BodyStream<'_>, ImapError> {
        let server = self.server.clone();
        let stream = self
            .session
            .uid_fetch(uid_set, "(UID RFC822.SIZE INTERNALDATE FLAGS BODY.PEEK[])")
            .await
            .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
        Ok(Box::pin(stream.map(move |r| {
            let fetch = r.map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
            let len = fetch
                .body()
                .map(<[u8]>::len)
                .ok_or_else(|| ImapError::Protocol {
                    server: server.clone(),
                    command: "FETCH".into(),
                    detail: format!("no BODY[] in the reply for message {}", fetch.message),
                })?;
            let meta = meta_of(&fetch);
            let bytes = if len > SHARE_ABOVE {
                MessageBytes::shared(FetchReply(fetch))
            } else {
                MessageBytes::from(fetch.body().unwrap_or_default().to_vec())
            };
            Ok(FetchedBody { meta, bytes })
        })))
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
