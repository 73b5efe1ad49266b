//! # From two mailboxes to findings
//!
//! `compare` runs the matching on every mapped folder group and turns what is left over into
//! findings: missing, moved, oversize, duplicates, extras, garbled subjects, Junk past its
//! retention, folder names Exchange refuses and unmapped folders. It only reads its inputs.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::identity::{Compact, Digest, Identity};
use super::listing::{Details, InMemory, Listed, Listing};
use super::mapping::{FolderGroup, MapEntry, MapReason, Mapping};
use super::matching::{FolderMatch, match_compact};
use super::names::folder_name_problems;
use super::result::{
    Comparison, Finding, FindingKind, FolderCount, FolderStatus, Limits, MessageRef, Reason,
    Severity, Totals,
};
use super::rules::NameRule;
use crate::mail::garble::subject_garbling;
use crate::model::{FolderMessages, MessageInfo, Side, SpecialUse};

/// One old message of a folder group: its folder and place in the listing.
#[derive(Clone, Copy)]
struct Item {
    folder: usize,
    index: usize,
    junk: bool,
}

/// Where a message sits on new: folder index and message index.
type NewSlot = (usize, usize);

/// One folder group after matching, before its findings are written.
struct GroupMatch {
    group: FolderGroup,
    items: Vec<Item>,
    new_index: Option<usize>,
    matched: FolderMatch,
}

/// Compares the old and new mailboxes folder group by folder group.
///
/// Counts use the listed messages, or the folder's STATUS count when no message was listed
/// (a count-only run). `now` dates Junk items against `limits.junk_retention_days`.
///
/// Every new message vouches for at most one old message: a message left over in one group
/// is "moved" only when a new message in another folder is left over too (unpaired there)
/// and proves to be it.
pub fn compare(
    old: &[FolderMessages],
    new: &[FolderMessages],
    mapping: &Mapping,
    limits: &Limits,
    now: DateTime<Utc>,
) -> Comparison {
    let listing = Listing::of(old, new);
    compare_listed(&listing, &InMemory { old, new }, mapping, limits, now)
}

/// [`compare`] over compact identities; the envelopes of the messages a finding is about come
/// from `details`.
pub fn compare_listed(
    listing: &Listing,
    details: &dyn Details,
    mapping: &Mapping,
    limits: &Limits,
    now: DateTime<Utc>,
) -> Comparison {
    let (old, new) = (&listing.old[..], &listing.new[..]);
    let groups: Vec<GroupMatch> = mapping
        .groups()
        .into_iter()
        .map(|group| {
            let new_index = new.iter().position(|f| f.folder.name == group.new);
            let members: Vec<usize> = group
                .old
                .iter()
                .filter_map(|name| old.iter().position(|f| f.folder.name == *name))
                .collect();
            let items: Vec<Item> = members
                .iter()
                .flat_map(|&o| {
                    let folder = &old[o];
                    let junk =
                        is_junk(folder, mapping.new_for(&folder.folder.name), new_index, new);
                    (0..folder.len()).map(move |index| Item {
                        folder: o,
                        index,
                        junk,
                    })
                })
                .collect();
            // One old folder per group is the rule: its identities are used where they are.
            let old_ids: Cow<'_, [Compact]> = match members.as_slice() {
                [only] => Cow::Borrowed(&old[*only].ids),
                _ => Cow::Owned(members.iter().flat_map(|&o| old[o].ids.clone()).collect()),
            };
            let new_ids = new_index.map_or(&[][..], |i| new[i].ids.as_slice());
            let matched = match_compact(&old_ids, new_ids);
            GroupMatch {
                group,
                items,
                new_index,
                matched,
            }
        })
        .collect();

    // New messages nobody in their own folder accounts for: extras, extra copies, and every
    // message of a new folder no old folder maps to.
    let mut pool = Pool::default();
    let grouped: HashSet<usize> = groups.iter().filter_map(|g| g.new_index).collect();
    for g in &groups {
        if let Some(i) = g.new_index {
            let slots = g.matched.extras.iter().copied();
            let slots = slots.chain(g.matched.duplicates.iter().map(|&(n, _)| n));
            for n in slots {
                pool.add((i, n), &new[i].ids[n]);
            }
        }
    }
    for (i, folder) in new.iter().enumerate() {
        if !grouped.contains(&i) {
            for (n, id) in folder.ids.iter().enumerate() {
                pool.add((i, n), id);
            }
        }
    }
    // Where each left-over old message went, decided before any finding is written so that a
    // claimed extra or extra copy is not reported as well.
    let mut located: Vec<HashMap<usize, Located>> = Vec::with_capacity(groups.len());
    for g in &groups {
        let mut here = HashMap::new();
        for &o in g.matched.missing.iter().chain(&g.matched.unproven) {
            let item = g.items[o];
            let id = &old[item.folder].ids[item.index];
            here.insert(o, pool.locate(id, g.new_index));
        }
        located.push(here);
    }

    let old_info = |item: &Item| details.message(Side::Old, item.folder, item.index);
    let mut findings = Vec::new();
    let mut folders = Vec::new();
    let mut extras = Vec::new();
    for (g, here) in groups.iter().zip(&located) {
        let first_finding = findings.len();
        let new_name = Some(g.group.new.as_str());
        let new_listed = g.new_index.map(|i| &new[i]);
        let new_info = |n: usize| details.message(Side::New, g.new_index.unwrap_or(0), n);
        let items = &g.items;
        let old_name = |item: &Item| old[item.folder].folder.name.as_str();
        for &(o, n) in &g.matched.pairs {
            let item = &items[o];
            let (old_folder, Some(new_folder)) = (&old[item.folder], new_listed) else {
                continue;
            };
            // Equal decoded subjects may still differ on the wire in a way a mail program
            // does not repair (a fold inside an encoded-word): judge whenever either differs.
            let subject_differs = old_folder.ids[item.index].fingerprint
                != new_folder.ids[n].fingerprint
                || old_folder.subjects[item.index] != new_folder.subjects[n];
            let info = (subject_differs || item.junk).then(|| old_info(item));
            if subject_differs && let Some(info) = &info {
                let new_message = new_info(n);
                if let Some(garble) = subject_garbling(info, &new_message) {
                    let reason = Reason::Garbled {
                        garble,
                        new_subject: new_message.subject.or(new_message.subject_raw),
                    };
                    findings.push(finding(reason, old_name(item), info, new_name));
                }
            }
            if let Some(info) = &info
                && let Some(age_days) = junk_age(item, info, limits, now)
            {
                let reason = Reason::JunkExpiring {
                    age_days,
                    retention_days: limits.junk_retention_days,
                    present_on_new: true,
                };
                findings.push(finding(reason, old_name(item), info, new_name));
            }
        }
        let mut left: Vec<usize> = g
            .matched
            .missing
            .iter()
            .chain(&g.matched.unproven)
            .copied()
            .collect();
        left.sort_unstable();
        for o in left {
            let item = &items[o];
            let info = old_info(item);
            let unproven_here = g.matched.unproven.contains(&o);
            let reason = match here.get(&o) {
                Some(Located::Moved(slot)) => Reason::Moved {
                    found_in: new[slot.0].folder.name.clone(),
                },
                Some(Located::Unproven(candidates)) => Reason::Unproven {
                    candidates: *candidates,
                },
                _ if unproven_here => Reason::Unproven { candidates: 1 },
                _ => {
                    if let Some(age_days) = junk_age(item, &info, limits, now) {
                        Reason::JunkExpiring {
                            age_days,
                            retention_days: limits.junk_retention_days,
                            present_on_new: false,
                        }
                    } else if info.size > limits.max_message_bytes {
                        Reason::Oversize {
                            size: info.size,
                            limit: limits.max_message_bytes,
                        }
                    } else {
                        Reason::Missing
                    }
                }
            };
            findings.push(finding(reason, old_name(item), &info, new_name));
        }
        for &(o, _) in &g.matched.missing_copies {
            let item = &items[o];
            let info = old_info(item);
            findings.push(finding(
                Reason::MissingCopy,
                old_name(item),
                &info,
                new_name,
            ));
        }
        if let Some(i) = g.new_index {
            for &(n, original) in &g.matched.duplicates {
                if pool.claimed.contains(&(i, n)) {
                    continue;
                }
                let original = new_info(original);
                let reason = Reason::Duplicate {
                    original_uid: original.uid,
                    original_received: original.internal_date,
                };
                findings.push(new_finding(reason, &new_info(n), new_name));
            }
            for &n in &g.matched.extras {
                if !pool.claimed.contains(&(i, n)) {
                    extras.push(new_finding(Reason::Extra, &new_info(n), new_name));
                }
            }
        }

        let problems = count_problems(&findings[first_finding..]);
        let old_count: u64 = g
            .group
            .old
            .iter()
            .filter_map(|name| old.iter().find(|f| f.folder.name == *name))
            .map(Listed::count)
            .sum();
        let new_count = g.new_index.map_or(0, |i| new[i].count());
        let count_only = items.is_empty() && new_listed.is_none_or(Listed::is_empty);
        let status = if problems > 0 || (count_only && new_count < old_count) {
            FolderStatus::Differs
        } else {
            FolderStatus::Match
        };
        folders.push(FolderCount {
            new_folder: g.group.new.clone(),
            old_folders: g.group.old.clone(),
            old_count,
            new_count,
            difference: signed(new_count) - signed(old_count),
            status,
            problems,
        });
    }

    findings.extend(extras);
    findings.extend(folder_findings(old, new, mapping));
    let totals = totals(&folders, &findings);
    Comparison {
        folders,
        totals,
        findings,
    }
}

/// Where a left-over old message was found on new.
enum Located {
    /// Proven present in another folder (the slot is claimed).
    Moved(NewSlot),
    /// Only messages with the same headers and an unknown body: how many.
    Unproven(u64),
    Nowhere,
}

/// Unpaired new messages, indexed by Message-ID and loose fingerprint.
#[derive(Default)]
struct Pool {
    by_id: HashMap<Digest, Vec<NewSlot>>,
    by_loose: HashMap<Digest, Vec<(NewSlot, Compact)>>,
    claimed: HashSet<NewSlot>,
}

impl Pool {
    fn add(&mut self, slot: NewSlot, id: &Compact) {
        match id.message_id {
            Some(mid) => self.by_id.entry(mid).or_default().push(slot),
            None => self.by_loose.entry(id.loose).or_default().push((slot, *id)),
        }
    }

    /// Claims an unpaired new message in a folder other than `own` that is this message: the
    /// same Message-ID; or, for a message without one, the same loose fingerprint (its subject
    /// may be garbled there too) and, when weak, the same body.
    fn locate(&mut self, identity: &Compact, own: Option<usize>) -> Located {
        let free = |claimed: &HashSet<NewSlot>, slot: &NewSlot| {
            Some(slot.0) != own && !claimed.contains(slot)
        };
        if let Some(mid) = &identity.message_id {
            let slot = self
                .by_id
                .get(mid)
                .and_then(|slots| slots.iter().find(|s| free(&self.claimed, s)).copied());
            return match slot {
                Some(slot) => {
                    self.claimed.insert(slot);
                    Located::Moved(slot)
                }
                None => Located::Nowhere,
            };
        }
        let candidates = self
            .by_loose
            .get(&identity.loose)
            .map_or(&[][..], Vec::as_slice);
        let mut unknown = 0;
        // The same fingerprint first, so a garbled twin does not take an exact copy's place.
        let mut ordered: Vec<&(NewSlot, Compact)> = candidates
            .iter()
            .filter(|(s, _)| free(&self.claimed, s))
            .collect();
        ordered.sort_by_key(|(_, c)| c.fingerprint != identity.fingerprint);
        for (slot, candidate) in ordered {
            match identity.proof(candidate) {
                Some(true) => {
                    self.claimed.insert(*slot);
                    return Located::Moved(*slot);
                }
                Some(false) => {}
                None => unknown += 1,
            }
        }
        if unknown > 0 {
            Located::Unproven(unknown)
        } else {
            Located::Nowhere
        }
    }
}

fn finding(reason: Reason, folder: &str, info: &MessageInfo, new_folder: Option<&str>) -> Finding {
    let message = MessageRef::new(info, Identity::of(info).key());
    Finding::new(reason, Some(folder), new_folder, Some(message))
}

fn new_finding(reason: Reason, info: &MessageInfo, new_folder: Option<&str>) -> Finding {
    let message = MessageRef::new(info, Identity::of(info).key());
    Finding::new(reason, None, new_folder, Some(message))
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
    folder: &Listed,
    entry: Option<&MapEntry>,
    new_index: Option<usize>,
    new: &[Listed],
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
fn junk_age(item: &Item, info: &MessageInfo, limits: &Limits, now: DateTime<Utc>) -> Option<i64> {
    if !item.junk {
        return None;
    }
    let received = info
        .internal_date
        .as_deref()
        .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
        .or_else(|| {
            let raw = info.date.as_deref()?;
            let parsed = mail_parser::DateTime::parse_rfc822(raw).filter(|d| d.is_valid())?;
            DateTime::from_timestamp(parsed.to_timestamp(), 0)
        })?;
    let age_days = (now - received).num_days();
    (age_days > i64::from(limits.junk_retention_days)).then_some(age_days)
}

/// Findings about folders: unmapped on either side, names Exchange refuses, unused overrides.
fn folder_findings(old: &[Listed], new: &[Listed], mapping: &Mapping) -> Vec<Finding> {
    let mut findings = Vec::new();
    for folder in old.iter().filter(|f| f.folder.selectable) {
        let name = folder.folder.name.as_str();
        for problem in folder_name_problems(&folder.folder) {
            let reason = Reason::NameRefused { detail: problem };
            findings.push(Finding::new(reason, Some(name), None, None));
        }
        if let Some(entry) = mapping
            .new_for(name)
            .filter(|e| e.reason == MapReason::NotOnNew)
        {
            let reason = Reason::FolderMissing {
                messages: folder.count(),
            };
            findings.push(Finding::new(reason, Some(name), Some(&entry.new), None));
        }
        if mapping.new_for(name).is_none() {
            let reason = Reason::UnmappedOld {
                messages: folder.count(),
            };
            findings.push(Finding::new(reason, Some(name), None, None));
        }
    }
    for name in &mapping.unmapped_new {
        let messages = new
            .iter()
            .find(|f| f.folder.name == *name)
            .map_or(0, Listed::count);
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
    let kind = |k: FindingKind| move |f: &Finding| f.reason.kind() == k;
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
        missing: count(&kind(FindingKind::Missing)),
        oversize: count(&kind(FindingKind::Oversize)),
        moved: count(&kind(FindingKind::Moved)),
        unproven: count(&kind(FindingKind::Unproven)),
        duplicates: count(&kind(FindingKind::Duplicate)),
        extras: count(&kind(FindingKind::Extra)),
        garbled: count(&|f| {
            f.reason.kind() == FindingKind::Garbled && f.severity == Severity::Problem
        }),
        problems: count(&|f| f.severity == Severity::Problem),
        notes: count(&|f| f.severity == Severity::Note),
    }
}

#[cfg(test)]
mod tests;
