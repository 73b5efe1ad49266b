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
