//! # The comparison result
//!
//! What `compare` returns: per-folder counts, totals and one finding per message (or folder)
//! that needs a person's attention. It is `Serialize` for `--json`; `verdict` and `csv` render
//! it for people and spreadsheets.

use serde::{Deserialize, Serialize};

use super::names::NameProblem;
use crate::i18n::Lang;
use crate::mail::garble::GarbleKind;
use crate::model::MessageInfo;

/// Profile limits the comparison applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Messages above this size (old RFC822.SIZE, octets) cannot be migrated.
    pub max_message_bytes: u64,
    /// The new server purges Junk items older than this many days.
    pub junk_retention_days: u32,
}

impl Default for Limits {
    /// Exchange Online's usual values: 35 MB messages, 30 days in Junk Email.
    fn default() -> Self {
        Self {
            max_message_bytes: 35 * 1024 * 1024,
            junk_retention_days: 30,
        }
    }
}

/// Whether a finding makes the verdict "differences" or is only for information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Problem,
    Note,
}

/// A message as listed in a finding: enough for a person to find it in a mail client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    pub uid: u32,
    pub size: u64,
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// When the server received this copy (INTERNALDATE, RFC 3339), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
    /// The identity key (`mid:…` or `fp:…`), see `compare::identity`.
    pub key: String,
}

impl MessageRef {
    pub fn new(info: &MessageInfo, key: String) -> Self {
        Self {
            uid: info.uid,
            size: info.size,
            message_id: info.message_id.clone(),
            date: info.date.clone(),
            from: info.from.clone(),
            to: info.to.clone(),
            subject: info.subject.clone().or_else(|| info.subject_raw.clone()),
            received: info.internal_date.clone(),
            key,
        }
    }
}

/// The kind of a finding, without its details: the one name every face uses (the verdict,
/// the text report, the CSV `kind` column, the TUI lists). It serialises as the same
/// snake_case name as the `kind` tag of [`Reason`] in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Missing,
    Oversize,
    Moved,
    Unproven,
    MissingCopy,
    Duplicate,
    Extra,
    Garbled,
    JunkExpiring,
    NameRefused,
    UnmappedOld,
    FolderMissing,
    UnmappedNew,
    UnusedOverride,
}

impl FindingKind {
    /// Every kind, in declaration order.
    pub const ALL: [FindingKind; 14] = [
        Self::Missing,
        Self::Oversize,
        Self::Moved,
        Self::Unproven,
        Self::MissingCopy,
        Self::Duplicate,
        Self::Extra,
        Self::Garbled,
        Self::JunkExpiring,
        Self::NameRefused,
        Self::UnmappedOld,
        Self::FolderMissing,
        Self::UnmappedNew,
        Self::UnusedOverride,
    ];

    /// The stable snake_case name used in JSON and in the CSV `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Oversize => "oversize",
            Self::Moved => "moved",
            Self::Unproven => "unproven",
            Self::MissingCopy => "missing_copy",
            Self::Duplicate => "duplicate",
            Self::Extra => "extra",
            Self::Garbled => "garbled",
            Self::JunkExpiring => "junk_expiring",
            Self::NameRefused => "name_refused",
            Self::UnmappedOld => "unmapped_old",
            Self::FolderMissing => "folder_missing",
            Self::UnmappedNew => "unmapped_new",
            Self::UnusedOverride => "unused_override",
        }
    }

    /// A short label for people ("missing on the new server", 「新サーバにない」).
    pub fn label(self, lang: Lang) -> String {
        match self {
            Self::Missing => tr!(lang, "verify-kind-missing"),
            Self::Oversize => tr!(lang, "verify-kind-oversize"),
            Self::Moved => tr!(lang, "verify-kind-moved"),
            Self::Unproven => tr!(lang, "verify-kind-unproven"),
            Self::MissingCopy => tr!(lang, "verify-kind-missing-copy"),
            Self::Duplicate => tr!(lang, "verify-kind-duplicate"),
            Self::Extra => tr!(lang, "verify-kind-extra"),
            Self::Garbled => tr!(lang, "verify-kind-garbled"),
            Self::JunkExpiring => tr!(lang, "verify-kind-junk-expiring"),
            Self::NameRefused => tr!(lang, "verify-kind-name-refused"),
            Self::UnmappedOld => tr!(lang, "verify-kind-unmapped-old"),
            Self::FolderMissing => tr!(lang, "verify-kind-folder-missing"),
            Self::UnmappedNew => tr!(lang, "verify-kind-unmapped-new"),
            Self::UnusedOverride => tr!(lang, "verify-kind-unused-override"),
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a finding says, with its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// On old, not in the mapped new folder, nowhere else on new either.
    Missing,
    /// Missing, and larger than the size limit: it could not have been migrated.
    Oversize { size: u64, limit: u64 },
    /// Not in the mapped new folder but found in another new folder.
    Moved { found_in: String },
    /// Messages with the same headers are on new, but the headers cannot tell messages apart
    /// and the bodies could not be compared: present or not, it is not proven.
    Unproven { candidates: u64 },
    /// Old held this message more than once; new holds fewer copies but at least one.
    MissingCopy,
    /// An extra copy on new of a message already in the same folder: the finding's message
    /// is the copy to delete, `original_uid` the one to keep.
    Duplicate {
        original_uid: u32,
        /// When the copy to keep was received (RFC 3339), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        original_received: Option<String>,
    },
    /// Only on new (normal after the switch-over: mail that arrived later).
    Extra,
    /// The subject differs between old and new.
    Garbled {
        garble: GarbleKind,
        new_subject: Option<String>,
    },
    /// A Junk item older than the new server's retention: purged there, expectedly.
    JunkExpiring {
        age_days: i64,
        retention_days: u32,
        present_on_new: bool,
    },
    /// An old folder name Exchange Online refuses.
    NameRefused { detail: NameProblem },
    /// An old folder no rule mapped: its messages are not verified.
    UnmappedOld { messages: u64 },
    /// An old folder with no counterpart on the new server (its messages are listed as
    /// missing); `ikou restore` creates it as `new_folder`. Empty: only a note.
    FolderMissing { messages: u64 },
    /// A new folder no old folder maps to.
    UnmappedNew { messages: u64 },
    /// A profile override whose old folder does not exist.
    UnusedOverride { old: String, new: String },
}

impl Reason {
    pub fn severity(&self) -> Severity {
        match self {
            Self::Missing
            | Self::Oversize { .. }
            | Self::Unproven { .. }
            | Self::Duplicate { .. }
            | Self::NameRefused { .. }
            | Self::UnmappedOld { .. } => Severity::Problem,
            Self::Garbled { garble, .. } if garble.is_migration_problem() => Severity::Problem,
            Self::FolderMissing { messages } if *messages > 0 => Severity::Problem,
            Self::Garbled { .. }
            | Self::Moved { .. }
            | Self::MissingCopy
            | Self::Extra
            | Self::JunkExpiring { .. }
            | Self::UnmappedNew { .. }
            | Self::FolderMissing { .. }
            | Self::UnusedOverride { .. } => Severity::Note,
        }
    }

    /// The kind of this finding (its JSON `kind` tag).
    pub fn kind(&self) -> FindingKind {
        match self {
            Self::Missing => FindingKind::Missing,
            Self::Oversize { .. } => FindingKind::Oversize,
            Self::Moved { .. } => FindingKind::Moved,
            Self::Unproven { .. } => FindingKind::Unproven,
            Self::MissingCopy => FindingKind::MissingCopy,
            Self::Duplicate { .. } => FindingKind::Duplicate,
            Self::Extra => FindingKind::Extra,
            Self::Garbled { .. } => FindingKind::Garbled,
            Self::JunkExpiring { .. } => FindingKind::JunkExpiring,
            Self::NameRefused { .. } => FindingKind::NameRefused,
            Self::UnmappedOld { .. } => FindingKind::UnmappedOld,
            Self::FolderMissing { .. } => FindingKind::FolderMissing,
            Self::UnmappedNew { .. } => FindingKind::UnmappedNew,
            Self::UnusedOverride { .. } => FindingKind::UnusedOverride,
        }
    }

    /// One sentence for a person.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::Missing => tr!(lang, "verify-detail-missing"),
            Self::Oversize { size, limit } => tr!(
                lang,
                "verify-detail-oversize",
                size = crate::report::size_text(*size, lang),
                limit = crate::report::size_text(*limit, lang)
            ),
            Self::Moved { found_in } => {
                tr!(lang, "verify-detail-moved", folder = found_in.as_str())
            }
            Self::Unproven { candidates } => {
                tr!(lang, "verify-detail-unproven", count = *candidates)
            }
            Self::MissingCopy => tr!(lang, "verify-detail-missing-copy"),
            Self::Duplicate {
                original_received, ..
            } => match original_received
                .as_deref()
                .and_then(|d| crate::report::local_time(d, lang))
            {
                Some(received) => tr!(
                    lang,
                    "verify-detail-duplicate-received",
                    received = received
                ),
                None => tr!(lang, "verify-detail-duplicate"),
            },
            Self::Extra => tr!(lang, "verify-detail-extra"),
            Self::Garbled {
                garble,
                new_subject,
            } => match new_subject {
                Some(subject) => tr!(
                    lang,
                    "verify-detail-garbled",
                    garble = garble.describe(lang),
                    subject = subject.as_str()
                ),
                None => garble.describe(lang),
            },
            Self::JunkExpiring {
                age_days,
                retention_days,
                present_on_new,
            } => {
                if *present_on_new {
                    tr!(
                        lang,
                        "verify-detail-junk-purged-soon",
                        age = *age_days,
                        retention = *retention_days
                    )
                } else {
                    tr!(
                        lang,
                        "verify-detail-junk-past-retention",
                        age = *age_days,
                        retention = *retention_days
                    )
                }
            }
            Self::NameRefused { detail } => detail.describe(lang),
            Self::UnmappedOld { messages } => {
                tr!(lang, "verify-detail-unmapped-old", count = *messages)
            }
            Self::FolderMissing { messages } => {
                tr!(lang, "verify-folder-missing", count = *messages)
            }
            Self::UnmappedNew { messages } => {
                tr!(lang, "verify-detail-unmapped-new", count = *messages)
            }
            Self::UnusedOverride { old, new } => tr!(
                lang,
                "verify-detail-unused-override",
                old = old.as_str(),
                new = new.as_str()
            ),
        }
    }
}

/// One thing a person may need to look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[serde(flatten)]
    pub reason: Reason,
    pub severity: Severity,
    pub old_folder: Option<String>,
    pub new_folder: Option<String>,
    /// The message concerned (the old copy for missing, the new copy for duplicates and
    /// extras, the old copy for garbled subjects); `None` for folder findings.
    pub message: Option<MessageRef>,
}

impl Finding {
    /// One sentence for a person: [`Reason::describe`], and for a duplicate which copy is
    /// the extra one by when each copy was received.
    pub fn describe(&self, lang: Lang) -> String {
        if let Reason::Duplicate {
            original_received: Some(original),
            ..
        } = &self.reason
        {
            let copy = self
                .message
                .as_ref()
                .and_then(|m| m.received.as_deref())
                .and_then(|d| crate::report::local_time(d, lang));
            let original = crate::report::local_time(original, lang);
            // Copies received at the same minute cannot be told apart by time.
            if let (Some(copy), Some(original)) = (copy, original)
                && copy != original
            {
                return tr!(
                    lang,
                    "verify-detail-duplicate-copy",
                    copy = copy,
                    original = original
                );
            }
        }
        self.reason.describe(lang)
    }

    pub fn new(
        reason: Reason,
        old_folder: Option<&str>,
        new_folder: Option<&str>,
        message: Option<MessageRef>,
    ) -> Self {
        Self {
            severity: reason.severity(),
            reason,
            old_folder: old_folder.map(str::to_string),
            new_folder: new_folder.map(str::to_string),
            message,
        }
    }
}

/// Whether a folder group is complete on the new server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderStatus {
    /// Every old message is there once, with its subject (extras and notes allowed).
    Match,
    /// At least one problem finding, or (counts only) fewer messages on new.
    Differs,
}

/// Counts for one new folder and the old folders that feed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderCount {
    pub new_folder: String,
    pub old_folders: Vec<String>,
    /// Sum over `old_folders`.
    pub old_count: u64,
    pub new_count: u64,
    /// `new_count - old_count`.
    pub difference: i64,
    pub status: FolderStatus,
    /// Problem findings in this group.
    pub problems: u64,
}

/// Sums over the whole comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub folders: u64,
    pub matching_folders: u64,
    pub old_messages: u64,
    pub new_messages: u64,
    pub missing: u64,
    pub oversize: u64,
    pub moved: u64,
    /// Old messages neither shown present nor shown missing (see `Reason::Unproven`).
    pub unproven: u64,
    pub duplicates: u64,
    pub extras: u64,
    pub garbled: u64,
    pub problems: u64,
    pub notes: u64,
}

/// Everything `compare` found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Comparison {
    pub folders: Vec<FolderCount>,
    pub totals: Totals,
    pub findings: Vec<Finding>,
}

impl Comparison {
    /// Findings of one kind (see [`Reason::kind`]).
    pub fn of_kind(&self, kind: FindingKind) -> impl Iterator<Item = &Finding> + '_ {
        self.findings
            .iter()
            .filter(move |f| f.reason.kind() == kind)
    }
}
