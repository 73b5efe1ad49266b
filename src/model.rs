//! # Plain data shared by every layer
//!
//! Folder and message descriptions as ikou sees them, independent of the protocol that
//! produced them (live IMAP, a backup manifest or a snapshot). The pure core (`compare`,
//! `archive`) works on these types only, so it never needs a socket.

use serde::{Deserialize, Serialize};

/// The RFC 6154 SPECIAL-USE role of a folder (or INBOX, which is special by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum SpecialUse {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
    All,
    Flagged,
}

impl SpecialUse {
    /// Parses an IMAP attribute such as `\Sent` (case-insensitive: Cyrus sends `\sent`).
    pub fn from_attribute(attr: &str) -> Option<Self> {
        let name = attr.strip_prefix('\\').unwrap_or(attr);
        match name.to_ascii_lowercase().as_str() {
            "sent" => Some(Self::Sent),
            "drafts" => Some(Self::Drafts),
            "trash" => Some(Self::Trash),
            "junk" => Some(Self::Junk),
            "archive" => Some(Self::Archive),
            "all" => Some(Self::All),
            "flagged" => Some(Self::Flagged),
            _ => None,
        }
    }
}

/// One folder as listed by the server: names, hierarchy and per-folder status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderInfo {
    /// Unicode name with the server's delimiter, e.g. `INBOX.送信済みトレイ`.
    pub name: String,
    /// The name exactly as the server sent it (modified UTF-7), for use on the wire.
    pub raw_name: String,
    /// Hierarchy delimiter, `None` for a flat namespace.
    pub delimiter: Option<char>,
    pub special_use: Option<SpecialUse>,
    /// `\Noselect` or `\NonExistent`: a container that holds no messages.
    pub selectable: bool,
    pub messages: u32,
    pub unseen: Option<u32>,
    pub uid_next: Option<u32>,
    pub uid_validity: Option<u32>,
    /// Total size in octets: STATUS SIZE where offered, else the sum of RFC822.SIZE.
    pub size: u64,
}

impl FolderInfo {
    /// A selectable folder known only by its name (the same on the wire) and delimiter:
    /// no special use, no status.
    pub fn named(name: &str, delimiter: Option<char>) -> Self {
        FolderInfo {
            name: name.to_string(),
            raw_name: name.to_string(),
            delimiter,
            special_use: None,
            selectable: true,
            messages: 0,
            unseen: None,
            uid_next: None,
            uid_validity: None,
            size: 0,
        }
    }
}

/// Identity and envelope of one message, enough to compare and to list it for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MessageInfo {
    pub uid: u32,
    /// RFC822.SIZE as the server reports it (an estimate on Exchange Online).
    pub size: u64,
    /// INTERNALDATE as RFC 3339, when known.
    pub internal_date: Option<String>,
    pub flags: Vec<String>,
    pub message_id: Option<String>,
    /// The Date header as written in the message (unparsed).
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The Subject header field value as it appears on the wire (before decoding).
    pub subject_raw: Option<String>,
    /// The subject after RFC 2047 decoding.
    pub subject: Option<String>,
    /// Hash of the message body ([`crate::mail::body::body_hash`]), read only for the few
    /// messages whose headers do not tell them apart (see `compare::identity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_hash: Option<String>,
}

/// One folder with its messages: the unit the comparison and the backup manifest work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderMessages {
    pub folder: FolderInfo,
    pub messages: Vec<MessageInfo>,
}

/// Storage and message-count quota of one quota root (GETQUOTAROOT), in octets and messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaInfo {
    pub root: String,
    pub storage_used: Option<u64>,
    pub storage_limit: Option<u64>,
    pub messages_used: Option<u64>,
    pub messages_limit: Option<u64>,
}

/// One message's bytes, exactly as received: a [`bytes::Bytes`], either owning its buffer or
/// still inside the buffer the network layer read them into. Sharing that buffer means a 30 MB
/// message is held once on its way from the socket to the archive instead of being copied out
/// of it first. The wrapper exists for one reason: its `Debug` never prints the content (it is
/// someone's mail, and `Debug` output ends up in logs).
#[derive(Clone, PartialEq, Eq)]
pub struct MessageBytes(bytes::Bytes);

impl MessageBytes {
    /// Wraps a buffer owned elsewhere (e.g. an IMAP FETCH reply) without copying it.
    pub fn shared(buffer: impl AsRef<[u8]> + Send + 'static) -> Self {
        Self(bytes::Bytes::from_owner(buffer))
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as a `Vec`: moved when this is the only owner of a `Vec`, else copied once.
    pub fn into_vec(self) -> Vec<u8> {
        Vec::from(self.0)
    }
}

impl From<Vec<u8>> for MessageBytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes.into())
    }
}

impl std::ops::Deref for MessageBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for MessageBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for MessageBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MessageBytes({} bytes)", self.len())
    }
}

/// Which of the two servers: the old one (read only) or the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Old,
    New,
}

impl Side {
    /// Old 0, new 1: where this side's entry sits in a pair `[old, new]`.
    pub fn index(self) -> usize {
        match self {
            Side::Old => 0,
            Side::New => 1,
        }
    }

    pub fn env_prefix(self) -> &'static str {
        match self {
            Side::Old => "IKOU_OLD",
            Side::New => "IKOU_NEW",
        }
    }
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Old => "old",
            Side::New => "new",
        })
    }
}

/// How the connection to a server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, POP3S 995).
    Tls,
    /// Plain TCP upgraded with STARTTLS / STLS before any credential is sent.
    Starttls,
    /// No encryption at all; login is refused unless the profile allows it explicitly.
    Plain,
}

impl std::fmt::Display for Security {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Security::Tls => "SSL/TLS",
            Security::Starttls => "STARTTLS",
            Security::Plain => "no encryption",
        })
    }
}

/// The SASL mechanism (or plain LOGIN) used to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    #[default]
    Login,
    Plain,
    Xoauth2,
}

#[cfg(test)]
mod message_bytes_tests {
    use super::MessageBytes;

    #[test]
    fn owned_and_shared_bytes_read_and_convert_alike() {
        let raw = b"Subject: x\r\n\r\nbody\r\n".to_vec();
        let owned = MessageBytes::from(raw.clone());
        let shared = MessageBytes::shared(raw.clone());
        assert_eq!(owned, shared);
        assert_eq!(&*shared, raw.as_slice());
        assert_eq!(shared.len(), raw.len());
        // Debug never prints message content (it may be private mail).
        let debug = format!("{shared:?} {owned:?}");
        assert!(!debug.contains("Subject"), "{debug}");
        assert!(debug.contains(&format!("{} bytes", raw.len())), "{debug}");
        assert_eq!(shared.into_vec(), raw);
        assert_eq!(owned.into_vec(), raw);
    }
}
