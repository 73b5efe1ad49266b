//! # From two mailboxes to findings
//!
//! `compare` runs the matching on every mapped folder group and turns what is left over into
//! findings: missing, moved, oversize, duplicates, extras, garbled subjects, Junk past its
//! retention, folder names Exchange refuses and unmapped folders. It only reads its inputs.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::identity::Identity;
use super::mapping::{MapEntry, MapReason, Mapping};
use super::matching::match_messages;
use super::names::folder_name_problems;
use super::result::{
    Comparison, Finding, FolderCount, FolderStatus, Limits, MessageRef, Reason, Severity, Totals,
};
use super::rules::NameRule;
use crate::mail::garble::subject_garbling;
use crate::model::{FolderMessages, MessageInfo, SpecialUse};

/// One message of a folder group, with where it came from.
struct Item<'a> {
    folder: &'a str,
    info: &'a MessageInfo,
    identity: Identity,
    junk: bool,
}

/// Where a message sits on new: folder index and message index.
type NewSlot = (usize, usize);

/// Compares the old and new mailboxes folder group by folder group.
///
/// Counts use the listed messages, or the folder's STATUS count when no message was listed
/// (a count-only run). `now` dates Junk items against `limits.junk_retention_days`.
pub fn compare(
    old: &[FolderMessages],
    new: &[FolderMessages],
    mapping: &Mapping,
    limits: &Limits,
    now: DateTime<Utc>,
) -> Comparison {
    let new_ids: Vec<Vec<Identity>> = new
        .iter()
        .map(|f| f.messages.iter().map(Identity::of).collect())
        .collect();
    let locator = Locator::new(&new_ids);
    let mut findings = Vec::new();
    let mut folders = Vec::new();
    let mut pending_extras: Vec<(NewSlot, Finding)> = Vec::new();
    let mut claimed: HashSet<NewSlot> = HashSet::new();

    for group in mapping.groups() {
        let new_index = new.iter().position(|f| f.folder.name == group.new);
        let items: Vec<Item<'_>> = group
            .old
            .iter()
            .filter_map(|name| old.iter().find(|f| f.folder.name == *name))
            .flat_map(|folder| {
                let junk = is_junk(folder, mapping.new_for(&folder.folder.name), new_index, new);
                folder.messages.iter().map(move |info| Item {
                    folder: &folder.folder.name,
                    info,
                    identity: Identity::of(info),
                    junk,
                })
            })
            .collect();
        let empty = Vec::new();
        let (new_messages, new_identities) = match new_index {
            Some(i) => (&new[i].messages[..], &new_ids[i]),
            None => (&[][..], &empty),
        };
        let old_identities: Vec<Identity> = items.iter().map(|i| i.identity.clone()).collect();
        let matched = match_messages(&old_identities, new_identities);
        let first_finding = findings.len();
        let new_name = Some(group.new.as_str());

        for &(o, n) in &matched.pairs {
            let (item, new_info) = (&items[o], &new_messages[n]);
            if item.identity.fingerprint != new_identities[n].fingerprint
                && let Some(garble) = subject_garbling(item.info, new_info)
            {
                let reason = Reason::Garbled {
                    garble,
                    new_subject: new_info
                        .subject
                        .clone()
                        .or_else(|| new_info.subject_raw.clone()),
                };
                findings.push(finding(reason, item, new_name));
            }
            if let Some(age_days) = junk_age(item, limits, now) {
                let reason = Reason::JunkExpiring {
                    age_days,
                    retention_days: limits.junk_retention_days,
                    present_on_new: true,
                };
                findings.push(finding(reason, item, new_name));
            }
        }
        for &o in &matched.missing {
            let item = &items[o];
            let reason = if let Some(slot) = locator.find(&item.identity, new_index) {
                claimed.insert(slot);
                Reason::Moved {
                    found_in: new[slot.0].folder.name.clone(),
                }
            } else if let Some(age_days) = junk_age(item, limits, now) {
                Reason::JunkExpiring {
                    age_days,
                    retention_days: limits.junk_retention_days,
                    present_on_new: false,
                }
            } else if item.info.size > limits.max_message_bytes {
                Reason::Oversize {
                    size: item.info.size,
                    limit: limits.max_message_bytes,
                }
            } else {
                Reason::Missing
            };
            findings.push(finding(reason, item, new_name));
        }
        for &(o, _) in &matched.missing_copies {
            findings.push(finding(Reason::MissingCopy, &items[o], new_name));
        }
        for &(n, original) in &matched.duplicates {
            let reason = Reason::Duplicate {
                original_uid: new_messages[original].uid,
            };
            findings.push(new_finding(
                reason,
                new_messages,
                new_identities,
                n,
                new_name,
            ));
        }
        if let Some(i) = new_index {
            for &n in &matched.extras {
                let extra = new_finding(Reason::Extra, new_messages, new_identities, n, new_name);
                pending_extras.push(((i, n), extra));
            }
        }

        let problems = count_problems(&findings[first_finding..]);
        let old_count: u64 = group
            .old
            .iter()
            .filter_map(|name| old.iter().find(|f| f.folder.name == *name))
            .map(listed_count)
            .sum();
        let new_count = new_index.map_or(0, |i| listed_count(&new[i]));
        let count_only = items.is_empty() && new_messages.is_empty();
        let status = if problems > 0 || (count_only && new_count < old_count) {
            FolderStatus::Differs
        } else {
            FolderStatus::Match
        };
        folders.push(FolderCount {
            new_folder: group.new.clone(),
            old_folders: group.old.clone(),
            old_count,
            new_count,
            difference: signed(new_count) - signed(old_count),
            status,
            problems,
        });
    }

    findings.extend(
        pending_extras
            .into_iter()
            .filter(|(slot, _)| !claimed.contains(slot))
            .map(|(_, f)| f),
    );
    findings.extend(folder_findings(old, new, mapping));
    let totals = totals(&folders, &findings);
    Comparison {
        folders,
        totals,
        findings,
    }
}

fn finding(reason: Reason, item: &Item<'_>, new_folder: Option<&str>) -> Finding {
    let message = MessageRef::new(item.info, item.identity.key());
    Finding::new(reason, Some(item.folder), new_folder, Some(message))
}

fn new_finding(
    reason: Reason,
    messages: &[MessageInfo],
    identities: &[Identity],
    index: usize,
    new_folder: Option<&str>,
) -> Finding {
    let message = MessageRef::new(&messages[index], identities[index].key());
    Finding::new(reason, None, new_folder, Some(message))
}

/// Listed messages, or the STATUS count when nothing was listed.
fn listed_count(folder: &FolderMessages) -> u64 {
    if folder.messages.is_empty() {
        u64::from(folder.folder.messages)
    } else {
        u64::try_from(folder.messages.len()).unwrap_or(u64::MAX)
    }
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count_problems(findings: &[Finding]) -> u64 {
    let n = findings
        .iter()
        .filter(|f| f.severity == Severity::Problem)
        .count();
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A Junk folder by its own attribute, by the rule that mapped it, or by its new target.
fn is_junk(
    folder: &FolderMessages,
    entry: Option<&MapEntry>,
    new_index: Option<usize>,
    new: &[FolderMessages],
) -> bool {
    folder.folder.special_use == Some(SpecialUse::Junk)
        || entry.is_some_and(|e| {
            matches!(
                e.reason,
                MapReason::SpecialUse(SpecialUse::Junk) | MapReason::NameRule(NameRule::Junk)
            )
        })
        || new_index.is_some_and(|i| new[i].folder.special_use == Some(SpecialUse::Junk))
}

/// Age in days of a Junk item older than the retention, else `None`. Received time
/// (INTERNALDATE) is what retention counts from; the Date header is the fallback.
fn junk_age(item: &Item<'_>, limits: &Limits, now: DateTime<Utc>) -> Option<i64> {
    if !item.junk {
        return None;
    }
    let received = item
        .info
        .internal_date
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            let raw = item.info.date.as_deref()?;
            let parsed = mail_parser::DateTime::parse_rfc822(raw).filter(|d| d.is_valid())?;
            DateTime::from_timestamp(parsed.to_timestamp(), 0)
        })?;
    let age_days = (now - received).num_days();
    (age_days > i64::from(limits.junk_retention_days)).then_some(age_days)
}

/// Finds a missing message in the other new folders.
struct Locator<'a> {
    by_key: HashMap<String, Vec<NewSlot>>,
    by_loose: HashMap<&'a str, Vec<NewSlot>>,
}

impl<'a> Locator<'a> {
    fn new(new_ids: &'a [Vec<Identity>]) -> Self {
        let mut by_key: HashMap<String, Vec<NewSlot>> = HashMap::new();
        let mut by_loose: HashMap<&str, Vec<NewSlot>> = HashMap::new();
        for (f, ids) in new_ids.iter().enumerate() {
            for (m, id) in ids.iter().enumerate() {
                by_key.entry(id.key()).or_default().push((f, m));
                if id.message_id.is_none() {
                    by_loose.entry(id.loose.as_str()).or_default().push((f, m));
                }
            }
        }
        Self { by_key, by_loose }
    }

    /// The same identity in a new folder other than `own`: by key, and for a message without
    /// Message-ID also by Date/From/To (its subject may be garbled there too).
    fn find(&self, identity: &Identity, own: Option<usize>) -> Option<NewSlot> {
        let elsewhere =
            |slots: Option<&Vec<NewSlot>>| slots?.iter().copied().find(|(f, _)| Some(*f) != own);
        elsewhere(self.by_key.get(&identity.key())).or_else(|| {
            if identity.message_id.is_none() {
                elsewhere(self.by_loose.get(identity.loose.as_str()))
            } else {
                None
            }
        })
    }
}

/// Findings about folders: unmapped on either side, names Exchange refuses, unused overrides.
fn folder_findings(
    old: &[FolderMessages],
    new: &[FolderMessages],
    mapping: &Mapping,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for folder in old.iter().filter(|f| f.folder.selectable) {
        let name = folder.folder.name.as_str();
        for problem in folder_name_problems(&folder.folder) {
            let reason = Reason::NameRefused { detail: problem };
            findings.push(Finding::new(reason, Some(name), None, None));
        }
        if mapping.new_for(name).is_none() {
            let reason = Reason::UnmappedOld {
                messages: listed_count(folder),
            };
            findings.push(Finding::new(reason, Some(name), None, None));
        }
    }
    for name in &mapping.unmapped_new {
        let messages = new
            .iter()
            .find(|f| f.folder.name == *name)
            .map_or(0, listed_count);
        let reason = Reason::UnmappedNew { messages };
        findings.push(Finding::new(reason, None, Some(name), None));
    }
    for (old_name, new_name) in &mapping.unused_overrides {
        let reason = Reason::UnusedOverride {
            old: old_name.clone(),
            new: new_name.clone(),
        };
        findings.push(Finding::new(reason, None, None, None));
    }
    findings
}

fn totals(folders: &[FolderCount], findings: &[Finding]) -> Totals {
    let count = |pred: &dyn Fn(&Finding) -> bool| {
        u64::try_from(findings.iter().filter(|f| pred(f)).count()).unwrap_or(u64::MAX)
    };
    let kind = |k: &'static str| move |f: &Finding| f.reason.kind() == k;
    Totals {
        folders: u64::try_from(folders.len()).unwrap_or(u64::MAX),
        matching_folders: u64::try_from(
            folders
                .iter()
                .filter(|f| f.status == FolderStatus::Match)
                .count(),
        )
        .unwrap_or(u64::MAX),
        old_messages: folders.iter().map(|f| f.old_count).sum(),
        new_messages: folders.iter().map(|f| f.new_count).sum(),
        missing: count(&kind("missing")),
        oversize: count(&kind("oversize")),
        moved: count(&kind("moved")),
        duplicates: count(&kind("duplicate")),
        extras: count(&kind("extra")),
        garbled: count(&|f| f.reason.kind() == "garbled" && f.severity == Severity::Problem),
        problems: count(&|f| f.severity == Severity::Problem),
        notes: count(&|f| f.severity == Severity::Note),
    }
}

#[cfg(test)]
mod tests;
