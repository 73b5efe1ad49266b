//! # The one-line verdict and the exit status
//!
//! People read the first line of a report and little else, so it says either that everything
//! matches, with the numbers, or the few differences that matter most, in Japanese or English.
//! The same judgement gives the process exit status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::result::{Comparison, Finding, FolderStatus, Reason, Severity};
use crate::i18n::Lang;

/// How many differences the verdict names before "and N more".
const MAX_PARTS: usize = 4;

/// Process exit status of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitStatus {
    Match = 0,
    Differences = 1,
}

impl ExitStatus {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// Problem kinds in the order the verdict names them: loss first.
const ORDER: [&str; 8] = [
    "missing",
    "folder_missing",
    "unproven",
    "oversize",
    "garbled",
    "duplicate",
    "unmapped_old",
    "name_refused",
];

impl Comparison {
    /// `Differences` when any finding is a problem or any folder group differs.
    pub fn exit_status(&self) -> ExitStatus {
        let differs = self
            .folders
            .iter()
            .any(|f| f.status == FolderStatus::Differs);
        if differs
            || self
                .findings
                .iter()
                .any(|f| f.severity == Severity::Problem)
        {
            ExitStatus::Differences
        } else {
            ExitStatus::Match
        }
    }

    /// The first line of every report, e.g. `OK: all 12 folders match (1,234 messages)` or
    /// `3 missing from INBOX.Sent, 4 duplicates in INBOX`.
    pub fn verdict(&self, lang: Lang) -> String {
        if self.exit_status() == ExitStatus::Match {
            return self.ok_line(lang);
        }
        let mut parts = self.problem_parts(lang);
        let more = parts.len().saturating_sub(MAX_PARTS);
        parts.truncate(MAX_PARTS);
        let mut line = parts.join(lang.pick("、", ", "));
        if more > 0 {
            line.push_str(&match lang {
                Lang::Ja => format!("、ほか {more} 件"),
                Lang::En => format!(", and {more} more"),
            });
        }
        line
    }

    fn ok_line(&self, lang: Lang) -> String {
        let folders = self.totals.folders;
        let messages = thousands(self.totals.old_messages);
        let mut line = match (lang, folders) {
            (Lang::Ja, _) => format!("OK: {folders} フォルダすべて一致 ({messages} 通)"),
            (Lang::En, 1) => format!("OK: 1 folder matches ({messages} messages)"),
            (Lang::En, _) => format!("OK: all {folders} folders match ({messages} messages)"),
        };
        let extras = self.totals.extras;
        if extras > 0 {
            line.push_str(&match lang {
                Lang::Ja => format!("、新サーバのみ {} 通", thousands(extras)),
                Lang::En => format!(", {} only on new", thousands(extras)),
            });
        }
        line
    }

    /// One phrase per (problem kind, folder), plus folder groups that differ by count only.
    fn problem_parts(&self, lang: Lang) -> Vec<String> {
        let mut counts: BTreeMap<(usize, String), u64> = BTreeMap::new();
        // A folder missing on new is named once, with its message count, instead of once as
        // a folder and again for each of its messages.
        let missing_folders: BTreeMap<&str, u64> = self
            .findings
            .iter()
            .filter_map(|f| match f.reason {
                Reason::FolderMissing { messages } if f.severity == Severity::Problem => {
                    Some((f.old_folder.as_deref().unwrap_or_default(), messages))
                }
                _ => None,
            })
            .collect();
        for finding in self
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Problem)
        {
            let kind = finding.reason.kind();
            if kind == "missing"
                && missing_folders.contains_key(finding.old_folder.as_deref().unwrap_or_default())
            {
                continue;
            }
            if let Reason::FolderMissing { messages } = finding.reason {
                let rank = ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len());
                counts.insert((rank, folder_of(finding, kind)), messages);
                continue;
            }
            let rank = ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len());
            *counts.entry((rank, folder_of(finding, kind))).or_default() += 1;
        }
        let mut parts: Vec<String> = counts
            .into_iter()
            .map(|((rank, folder), n)| phrase(ORDER.get(rank).copied(), &folder, n, lang))
            .collect();
        for folder in &self.folders {
            if folder.status == FolderStatus::Differs && folder.problems == 0 {
                parts.push(match lang {
                    Lang::Ja => format!(
                        "「{}」の件数が不足 ({} → {})",
                        folder.new_folder,
                        thousands(folder.old_count),
                        thousands(folder.new_count)
                    ),
                    Lang::En => format!(
                        "fewer messages in {} ({} → {})",
                        folder.new_folder,
                        thousands(folder.old_count),
                        thousands(folder.new_count)
                    ),
                });
            }
        }
        parts
    }
}

/// The folder a person should look in: old for what is missing, new for what is wrong there;
/// folder-level kinds are counted together.
fn folder_of(finding: &Finding, kind: &str) -> String {
    let name = match kind {
        "missing" | "oversize" | "unproven" | "folder_missing" => finding.old_folder.as_deref(),
        "unmapped_old" | "name_refused" => None,
        _ => finding.new_folder.as_deref(),
    };
    name.unwrap_or_default().to_string()
}

fn phrase(kind: Option<&str>, folder: &str, n: u64, lang: Lang) -> String {
    let count = thousands(n);
    // English nouns by number; Japanese counts need no plural.
    let en = |one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            many.to_string()
        }
    };
    match (lang, kind) {
        (_, Some("folder_missing")) => {
            tr!(
                lang,
                "verify-verdict-folder-missing",
                folder = folder,
                count = n
            )
        }
        (Lang::Ja, Some("missing")) => format!("「{folder}」の {count} 通が新サーバにありません"),
        (Lang::En, Some("missing")) => format!("{count} missing from {folder}"),
        (Lang::Ja, Some("unproven")) => {
            format!("「{folder}」の {count} 通は新サーバにあるか確認できません")
        }
        (Lang::En, Some("unproven")) => {
            format!("{count} in {folder} not proven present on the new server")
        }
        (Lang::Ja, Some("oversize")) => {
            format!("「{folder}」の {count} 通がサイズ超過で未移行")
        }
        (Lang::En, Some("oversize")) => format!("{count} too large to migrate in {folder}"),
        (Lang::Ja, Some("garbled")) => format!("「{folder}」で件名の文字化け {count} 通"),
        (Lang::En, Some("garbled")) => format!(
            "{count} {} in {folder}",
            en("garbled subject", "garbled subjects")
        ),
        (Lang::Ja, Some("duplicate")) => format!("「{folder}」に重複 {count} 通"),
        (Lang::En, Some("duplicate")) => {
            format!("{count} {} in {folder}", en("duplicate", "duplicates"))
        }
        (Lang::Ja, Some("unmapped_old")) => format!("対応先のない旧フォルダ {count} 個"),
        (Lang::En, Some("unmapped_old")) => {
            format!("{count} {} not mapped", en("old folder", "old folders"))
        }
        (Lang::Ja, Some("name_refused")) => format!("移行できないフォルダ名 {count} 個"),
        (Lang::En, Some("name_refused")) => format!(
            "{count} {} Exchange refuses",
            en("folder name", "folder names")
        ),
        (Lang::Ja, _) => format!("その他の問題 {count} 件"),
        (Lang::En, _) => format!("{count} other {}", en("problem", "problems")),
    }
}

/// `1234567` → `1,234,567` (both languages use the comma).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
