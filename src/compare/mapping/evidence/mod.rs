//! # Pairing folders by what they hold
//!
//! Names can mislead: an old `INBOX.送信済みトレイ` is a "known Sent folder", but the new server
//! may hold its messages in a folder of the same name beside `Sent Items`. The messages
//! themselves are the best evidence, so [`map_by_evidence`] refines the name-based mapping of
//! [`super::map_folders`]:
//!
//! 1. Every listed message with a strong identity (a Message-ID, or a fingerprint that is not
//!    weak, see `compare::identity`) is looked up on the new server. For each old folder this
//!    gives, per new folder, how many of its messages are there.
//! 2. A profile override is never changed (the profile is the final word), nor is INBOX.
//! 3. Otherwise the old folder is paired with the new folder holding most of its messages when
//!    the contents clearly say so: that folder holds more than twice as many of them as the
//!    folder the names chose, and at least half of the old folder's identifiable messages or
//!    half of its own messages come from it. An old folder no name rule could place is paired
//!    the same way. Ties keep the name-based choice.
//! 4. Every entry whose new folder exists records its evidence ("15 of 15 found here").
//!
//! Without listed messages (a count-only run) there is no evidence and the names decide.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{MapEntry, MapReason, Mapping, map_folders};
use crate::compare::identity::{Compact, Key};
use crate::compare::listing::{Listed, Listing};
use crate::compare::path::is_inbox;
use crate::model::{FolderInfo, FolderMessages, SpecialUse};

/// How many of an old folder's messages the paired new folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// Old messages found in the new folder (by identity).
    pub found: u64,
    /// Messages listed in the old folder.
    pub of: u64,
}

/// [`map_folders`], then refined by the messages both servers hold (see the module docs).
pub fn map_by_evidence(
    old: &[FolderMessages],
    new: &[FolderMessages],
    overrides: &[(String, String)],
) -> Mapping {
    map_listed(&Listing::of(old, new), overrides)
}

/// [`map_by_evidence`] over compact identities.
pub fn map_listed(listing: &Listing, overrides: &[(String, String)]) -> Mapping {
    let (old, new) = (&listing.old[..], &listing.new[..]);
    let old_infos: Vec<FolderInfo> = old.iter().map(|f| f.folder.clone()).collect();
    let new_infos: Vec<FolderInfo> = new.iter().map(|f| f.folder.clone()).collect();
    let mut mapping = map_folders(&old_infos, &new_infos, overrides);
    let table = Table::build(old, new);

    let new_index = |name: &str| new.iter().position(|f| f.folder.name == name);
    for entry in &mut mapping.entries {
        let Some(o) = old.iter().position(|f| f.folder.name == entry.old) else {
            continue;
        };
        let named = new_index(&entry.new);
        let movable = entry.reason != MapReason::Override && !is_inbox_folder(&old[o].folder);
        if movable && let Some(better) = table.better_than(o, named, new) {
            entry.new = new[better].folder.name.clone();
            entry.reason = MapReason::Contents;
        }
        entry.evidence = table.evidence(o, new_index(&entry.new), &old[o]);
    }
    for name in std::mem::take(&mut mapping.unmapped_old) {
        let Some(o) = old.iter().position(|f| f.folder.name == name) else {
            mapping.unmapped_old.push(name);
            continue;
        };
        match table.better_than(o, None, new) {
            Some(best) => mapping.entries.push(MapEntry {
                old: name,
                new: new[best].folder.name.clone(),
                reason: MapReason::Contents,
                evidence: table.evidence(o, Some(best), &old[o]),
            }),
            None => mapping.unmapped_old.push(name),
        }
    }
    // Entries in the order of the old folder list, as `map_folders` gives them.
    let order: HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, f)| (f.folder.name.as_str(), i))
        .collect();
    mapping
        .entries
        .sort_by_key(|e| order.get(e.old.as_str()).copied().unwrap_or(usize::MAX));
    mapping.unmapped_new = new_infos
        .iter()
        .filter(|f| f.selectable && !mapping.entries.iter().any(|e| e.new == f.name))
        .map(|f| f.name.clone())
        .collect();
    mapping
}

fn is_inbox_folder(folder: &FolderInfo) -> bool {
    folder.special_use == Some(SpecialUse::Inbox) || is_inbox(&folder.name)
}

/// Per old folder: its identifiable messages and how many of them each new folder holds.
struct Table {
    /// `found[o][n]`: messages of old folder `o` present in new folder `n`.
    found: Vec<Vec<u64>>,
    /// Old messages with a strong identity, per old folder.
    identifiable: Vec<u64>,
    /// Messages listed per new folder.
    new_sizes: Vec<u64>,
}

impl Table {
    fn build(old: &[Listed], new: &[Listed]) -> Self {
        // Each strong key with a new folder holding it, sorted: a few bytes a message
        // where a map from key to folders would cost a vector each.
        let mut holders: Vec<(Key, usize)> = new
            .iter()
            .enumerate()
            .flat_map(|(n, f)| {
                f.ids
                    .iter()
                    .filter_map(move |id| Some((strong_key(id)?, n)))
            })
            .collect();
        holders.sort_unstable();
        holders.dedup();
        let mut found = vec![vec![0u64; new.len()]; old.len()];
        let mut identifiable = vec![0u64; old.len()];
        for (o, folder) in old.iter().enumerate() {
            let mut keys: Vec<Key> = folder.ids.iter().filter_map(strong_key).collect();
            keys.sort_unstable();
            keys.dedup();
            identifiable[o] = keys.len() as u64;
            for key in keys {
                let from = holders.partition_point(|(k, _)| *k < key);
                for &(_, n) in holders[from..].iter().take_while(|(k, _)| *k == key) {
                    found[o][n] += 1;
                }
            }
        }
        Self {
            found,
            identifiable,
            new_sizes: new.iter().map(|f| f.len() as u64).collect(),
        }
    }

    /// The new folder the contents pair old folder `o` with, when it is not `named` and the
    /// contents clearly say so (see the module docs).
    fn better_than(&self, o: usize, named: Option<usize>, new: &[Listed]) -> Option<usize> {
        let row = self.found.get(o)?;
        let (best, &count) = row
            .iter()
            .enumerate()
            .filter(|(n, _)| new.get(*n).is_some_and(|f| f.folder.selectable))
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))?;
        if Some(best) == named || count == 0 {
            return None;
        }
        let at_named = named.and_then(|n| row.get(n)).copied().unwrap_or(0);
        let clearly_more = count > 2 * at_named;
        let whole_folder = 2 * count >= self.identifiable[o];
        let its_contents = 2 * count >= self.new_sizes.get(best).copied().unwrap_or(0);
        (clearly_more && (whole_folder || its_contents)).then_some(best)
    }

    /// "found of listed" for old folder `o` in new folder `n`; `None` when nothing was listed
    /// or the new folder does not exist (yet).
    fn evidence(&self, o: usize, n: Option<usize>, folder: &Listed) -> Option<Evidence> {
        if folder.is_empty() {
            return None;
        }
        let found = self.found.get(o)?.get(n?).copied()?;
        Some(Evidence {
            found,
            of: folder.len() as u64,
        })
    }
}

/// The key a message can be recognised by on its own: its Message-ID, or a fingerprint that
/// headers alone make unique.
fn strong_key(id: &Compact) -> Option<Key> {
    (id.message_id.is_some() || !id.weak).then(|| id.key())
}

#[cfg(test)]
mod tests;
