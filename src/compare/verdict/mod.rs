//! # The one-line verdict and the exit status
//!
//! People read the first line of a report and little else, so it says either that everything
//! matches, with the numbers, or the few differences that matter most, in Japanese or English.
//! The same judgement gives the process exit status.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::result::{Comparison, Finding, FindingKind, FolderStatus, Reason, Severity};
use crate::i18n::Lang;
use crate::report::grouped;

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
const ORDER: [FindingKind; 8] = [
    FindingKind::Missing,
    FindingKind::FolderMissing,
    FindingKind::Unproven,
    FindingKind::Oversize,
    FindingKind::Garbled,
    FindingKind::Duplicate,
    FindingKind::UnmappedOld,
    FindingKind::NameRefused,
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
        let mut line = parts.join(&tr!(lang, "verify-verdict-separator"));
        if more > 0 {
            line.push_str(&tr!(lang, "verify-verdict-more", count = more));
        }
        line
    }

    fn ok_line(&self, lang: Lang) -> String {
        let folders = self.totals.folders;
        let mut line = tr!(
            lang,
            "verify-verdict-ok",
            folders = folders,
            count = self.totals.old_messages,
            messages = grouped(self.totals.old_messages)
        );
        let extras = self.totals.extras;
        if extras > 0 {
            line.push_str(&tr!(
                lang,
                "verify-verdict-ok-extras",
                count = extras,
                messages = grouped(extras)
            ));
        }
        line
    }

    /// One phrase per (problem kind, folder), plus folder groups that differ by count only.
    fn problem_parts(&self, lang: Lang) -> Vec<String> {
        let mut counts: BTreeMap<(usize, String), u64> = BTreeMap::new();
        let rank = |kind: FindingKind| ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len());
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
            if kind == FindingKind::Missing
                && missing_folders.contains_key(finding.old_folder.as_deref().unwrap_or_default())
            {
                continue;
            }
            if let Reason::FolderMissing { messages } = finding.reason {
                counts.insert((rank(kind), folder_of(finding, kind)), messages);
                continue;
            }
            *counts
                .entry((rank(kind), folder_of(finding, kind)))
                .or_default() += 1;
        }
        let mut parts: Vec<String> = counts
            .into_iter()
            .map(|((rank, folder), n)| phrase(ORDER.get(rank).copied(), &folder, n, lang))
            .collect();
        for folder in &self.folders {
            if folder.status == FolderStatus::Differs && folder.problems == 0 {
                parts.push(tr!(
                    lang,
                    "verify-verdict-fewer",
                    folder = folder.new_folder.as_str(),
                    old = grouped(folder.old_count),
                    new = grouped(folder.new_count)
                ));
            }
        }
        parts
    }
}

/// The folder a person should look in: old for what is missing, new for what is wrong there;
/// folder-level kinds are counted together.
fn folder_of(finding: &Finding, kind: FindingKind) -> String {
    let name = match kind {
        FindingKind::Missing
        | FindingKind::Oversize
        | FindingKind::Unproven
        | FindingKind::FolderMissing => finding.old_folder.as_deref(),
        FindingKind::UnmappedOld | FindingKind::NameRefused => None,
        _ => finding.new_folder.as_deref(),
    };
    name.unwrap_or_default().to_string()
}

fn phrase(kind: Option<FindingKind>, folder: &str, n: u64, lang: Lang) -> String {
    if kind == Some(FindingKind::FolderMissing) {
        return tr!(
            lang,
            "verify-verdict-folder-missing",
            folder = folder,
            count = n
        );
    }
    let (id, names_folder) = phrase_id(kind);
    let mut args = vec![("count", n.into()), ("shown", grouped(n).into())];
    if names_folder {
        args.push(("folder", folder.into()));
    }
    crate::i18n::message(lang, id, &args)
}

/// The catalog message of a (non folder-missing) verdict phrase, and whether it names the
/// folder: `{ $shown }` counted, with `{ $folder }` for the kinds counted per folder.
fn phrase_id(kind: Option<FindingKind>) -> (&'static str, bool) {
    match kind {
        Some(FindingKind::Missing) => ("verify-verdict-missing", true),
        Some(FindingKind::Unproven) => ("verify-verdict-unproven", true),
        Some(FindingKind::Oversize) => ("verify-verdict-oversize", true),
        Some(FindingKind::Garbled) => ("verify-verdict-garbled", true),
        Some(FindingKind::Duplicate) => ("verify-verdict-duplicate", true),
        Some(FindingKind::UnmappedOld) => ("verify-verdict-unmapped-old", false),
        Some(FindingKind::NameRefused) => ("verify-verdict-name-refused", false),
        _ => ("verify-verdict-other", false),
    }
}

#[cfg(test)]
mod tests;
