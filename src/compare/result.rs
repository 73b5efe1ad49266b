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
            key,
        }
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
    /// An extra copy on new of a message already in the same folder.
    Duplicate { original_uid: u32 },
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

    /// The stable snake_case name used in JSON and in the CSV `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Oversize { .. } => "oversize",
            Self::Moved { .. } => "moved",
            Self::Unproven { .. } => "unproven",
            Self::MissingCopy => "missing_copy",
            Self::Duplicate { .. } => "duplicate",
            Self::Extra => "extra",
            Self::Garbled { .. } => "garbled",
            Self::JunkExpiring { .. } => "junk_expiring",
            Self::NameRefused { .. } => "name_refused",
            Self::UnmappedOld { .. } => "unmapped_old",
            Self::FolderMissing { .. } => "folder_missing",
            Self::UnmappedNew { .. } => "unmapped_new",
            Self::UnusedOverride { .. } => "unused_override",
        }
    }

    /// One sentence for a person.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::Missing => lang
                .pick("新サーバにありません", "not on the new server")
                .to_string(),
            Self::Oversize { size, limit } => format!(
                "{} ({} > {})",
                lang.pick(
                    "サイズ上限を超えるため移行されていません",
                    "too large to migrate, not on the new server"
                ),
                megabytes(*size),
                megabytes(*limit)
            ),
            Self::Moved { found_in } => format!(
                "{}「{found_in}」",
                lang.pick("別のフォルダにあります: ", "found in another folder: ")
            ),
            Self::Unproven { candidates } => format!(
                "{} ({candidates})",
                lang.pick(
                    "新サーバにあるとは確認できません: 見出しが同じメールはありますが、本文を比べられませんでした",
                    "not proven present: messages with the same headers are on the new server, but their bodies could not be compared",
                )
            ),
            Self::MissingCopy => lang
                .pick(
                    "旧サーバで重複していたコピーの片方です (本体は新サーバにあります)",
                    "an extra copy on the old server (the message itself is on new)",
                )
                .to_string(),
            Self::Duplicate { original_uid } => format!(
                "{} (UID {original_uid})",
                lang.pick(
                    "同じメールが重複しています",
                    "duplicate of a message in the same folder"
                )
            ),
            Self::Extra => lang
                .pick(
                    "新サーバにだけあります (切り替え後に届いたメールなど)",
                    "only on the new server (e.g. arrived after the switch)",
                )
                .to_string(),
            Self::Garbled {
                garble,
                new_subject,
            } => match new_subject {
                Some(subject) => format!(
                    "{} ({}{subject})",
                    garble.describe(lang),
                    lang.pick("新: ", "new: ")
                ),
                None => garble.describe(lang),
            },
            Self::JunkExpiring {
                age_days,
                retention_days,
                present_on_new,
            } => {
                let what = if *present_on_new {
                    lang.pick(
                        "新サーバでまもなく自動削除されます",
                        "will be purged on new",
                    )
                } else {
                    lang.pick("新サーバの保存期間を過ぎています", "past the new retention")
                };
                format!(
                    "{what} ({age_days} {} > {retention_days} {})",
                    lang.pick("日", "days"),
                    lang.pick("日 迷惑メール保存期間", "days Junk retention")
                )
            }
            Self::NameRefused { detail } => detail.describe(lang),
            Self::UnmappedOld { messages } => format!(
                "{} ({messages} {})",
                lang.pick(
                    "対応する新サーバのフォルダがなく、確認できません",
                    "no matching folder on the new server; not verified"
                ),
                lang.pick("通", "messages")
            ),
            Self::FolderMissing { messages } => {
                tr!(lang, "verify-folder-missing", count = *messages)
            }
            Self::UnmappedNew { messages } => format!(
                "{} ({messages} {})",
                lang.pick(
                    "旧サーバに対応するフォルダがありません",
                    "no matching folder on the old server"
                ),
                lang.pick("通", "messages")
            ),
            Self::UnusedOverride { old, new } => format!(
                "{} ({old} → {new})",
                lang.pick(
                    "プロファイルの指定に合う旧フォルダがありません",
                    "profile override names no old folder"
                )
            ),
        }
    }
}

fn megabytes(octets: u64) -> String {
    // One decimal is enough to see why 35.2 MB failed a 35 MB limit.
    let tenths = octets.saturating_mul(10) / (1024 * 1024);
    format!("{}.{} MB", tenths / 10, tenths % 10)
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
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Finding> + 'a {
        self.findings
            .iter()
            .filter(move |f| f.reason.kind() == kind)
    }
}
