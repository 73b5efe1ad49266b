//! # Pairing old and new messages of one folder group
//!
//! Given the old messages that should be in a new folder and the messages that are there,
//! pairs them up by identity and leaves the rest as missing, duplicate or extra. Matching is a
//! multiset operation, so a message stored twice is two messages on either side.
//!
//! ## Passes
//! 1. **Message-ID.** Old and new messages sharing a Message-ID pair up; within one id, pairs
//!    with the same fingerprint go first, then the same loose fingerprint (Date, From, To),
//!    then the rest in list order. This
//!    is how a Message-ID that is not unique in a folder (reused by a broken mailer, or stored
//!    twice) is resolved without a key of its own.
//! 2. **Fingerprint** (Date, From, To, subject) among what is left.
//! 3. **Loose fingerprint** (Date, From, To) among what is left, so a message without a
//!    Message-ID whose subject was garbled still finds its old copy.
//!
//! Passes 2 and 3 never pair two messages that both have a Message-ID (different ids, since
//! pass 1 took all equal ones): a differing Message-ID always means a different message.
//! A new server that added or dropped a Message-ID is therefore still matched by fingerprint.
//! A **weak** identity (see [`super::identity`]) pairs in passes 2 and 3 only with an equal
//! body hash; an old message left over whose only candidates have an unknown body is
//! **unproven**: neither shown present nor shown missing.
//!
//! A new message left over after the passes is a **duplicate** when another new message in the
//! folder has the same identity (same Message-ID, or both without one and the same
//! fingerprint), else an **extra**. An old message left over is **missing**, or a
//! **missing copy** when the old folder held it twice (same identity and same Date, From and
//! To) and new holds it at least once.

use std::collections::{HashMap, HashSet};

use super::identity::{Compact, Digest, Identity, Key};

/// The outcome for one folder group; all numbers are indexes into the slices given.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderMatch {
    /// `(old, new)` pairs: the same message on both servers.
    pub pairs: Vec<(usize, usize)>,
    /// Old messages with no counterpart on new.
    pub missing: Vec<usize>,
    /// Old weak messages whose candidates on new could not be compared (body unknown).
    pub unproven: Vec<usize>,
    /// Old messages not copied although an identical message is on new: `(old, new copy)`.
    pub missing_copies: Vec<(usize, usize)>,
    /// `(extra copy, the new message it duplicates)`.
    pub duplicates: Vec<(usize, usize)>,
    /// New messages with no counterpart on old.
    pub extras: Vec<usize>,
}

/// Pairs the identities of one group's old and new messages (see the module docs).
pub fn match_messages(old: &[Identity], new: &[Identity]) -> FolderMatch {
    let old: Vec<Compact> = old.iter().map(Identity::compact).collect();
    let new: Vec<Compact> = new.iter().map(Identity::compact).collect();
    match_compact(&old, &new)
}

/// [`match_messages`] over compact identities. Memory beyond the result stays proportional
/// to the messages left over, apart from one index of the new Message-IDs.
pub fn match_compact(old: &[Compact], new: &[Compact]) -> FolderMatch {
    let mut old_used = vec![false; old.len()];
    let mut new_used = vec![false; new.len()];
    let mut pairs = Vec::new();

    pair_by_message_id(old, new, &mut old_used, &mut new_used, &mut pairs);
    pair_by(
        old,
        new,
        |i| i.fingerprint,
        &mut old_used,
        &mut new_used,
        &mut pairs,
    );
    pair_by(
        old,
        new,
        |i| i.loose,
        &mut old_used,
        &mut new_used,
        &mut pairs,
    );
    pairs.sort_unstable();

    let mut result = FolderMatch {
        pairs,
        ..FolderMatch::default()
    };
    duplicates_and_extras(new, &new_used, &mut result);
    missing(old, new, &old_used, &new_used, &mut result);
    result
}

/// The duplicate rule's key: equal keys are exactly `same_identity`. A weak identity is a copy
/// only of one with the same body; with its body unknown it is nobody's.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum CopyOf {
    Plain(Key),
    Body(Key, Digest),
    Alone(usize),
}

fn copy_of(index: usize, id: &Compact) -> CopyOf {
    match (id.weak, id.body) {
        (false, _) => CopyOf::Plain(id.key()),
        (true, Some(body)) => CopyOf::Body(id.key(), body),
        (true, None) => CopyOf::Alone(index),
    }
}

/// New messages left over: a duplicate of the first new message with its key (a matched one
/// before an unmatched one), else an extra.
fn duplicates_and_extras(new: &[Compact], new_used: &[bool], result: &mut FolderMatch) {
    let left: HashSet<CopyOf> = new
        .iter()
        .enumerate()
        .filter(|(i, _)| !new_used[*i])
        .map(|(i, id)| copy_of(i, id))
        .collect();
    if left.is_empty() {
        return;
    }
    let mut first: HashMap<CopyOf, usize> = HashMap::new();
    for (index, id) in new.iter().enumerate() {
        let key = copy_of(index, id);
        if !left.contains(&key) {
            continue;
        }
        // A matched message is the better "original" for a duplicate than an unmatched one.
        let entry = first.entry(key).or_insert(index);
        if new_used[index] && !new_used[*entry] {
            *entry = index;
        }
    }
    for (index, id) in new.iter().enumerate() {
        if new_used[index] {
            continue;
        }
        match first.get(&copy_of(index, id)) {
            Some(&original) if original != index => result.duplicates.push((index, original)),
            _ => result.extras.push(index),
        }
    }
}

/// A "copy" must agree on Date/From/To as well, so a Message-ID reused for two different
/// messages never turns a real loss into a missing copy.
type CopyKey = (Key, Digest, Option<Digest>);

fn copy_key(id: &Compact) -> CopyKey {
    (id.key(), id.loose, id.body)
}

/// Old messages left over: unproven, a missing copy, or missing.
fn missing(
    old: &[Compact],
    new: &[Compact],
    old_used: &[bool],
    new_used: &[bool],
    result: &mut FolderMatch,
) {
    let left: HashSet<CopyKey> = old
        .iter()
        .zip(old_used)
        .filter(|(_, used)| !**used)
        .map(|(id, _)| copy_key(id))
        .collect();
    if left.is_empty() {
        return;
    }
    let mut old_count: HashMap<CopyKey, usize> = HashMap::new();
    for key in old.iter().map(copy_key).filter(|k| left.contains(k)) {
        *old_count.entry(key).or_default() += 1;
    }
    // The last new message with the key, as a map built in order keeps it.
    let mut new_copies: HashMap<CopyKey, usize> = HashMap::new();
    for (i, key) in new.iter().map(copy_key).enumerate() {
        if left.contains(&key) {
            new_copies.insert(key, i);
        }
    }
    for (index, identity) in old.iter().enumerate() {
        if old_used[index] {
            continue;
        }
        // Equal fingerprints imply equal loose fingerprints, and weakness belongs to the loose
        // fingerprint, so only a weak old message can have an undecided candidate.
        let undecided = identity.weak
            && new.iter().enumerate().any(|(n, candidate)| {
                let both_have_ids = identity.message_id.is_some() && candidate.message_id.is_some();
                let same_headers = candidate.fingerprint == identity.fingerprint
                    || candidate.loose == identity.loose;
                let free = !new_used[n];
                free && !both_have_ids && same_headers && identity.proof(candidate).is_none()
            });
        if undecided {
            result.unproven.push(index);
            continue;
        }
        let key = copy_key(identity);
        let old_twice = old_count.get(&key).is_some_and(|&n| n > 1);
        match new_copies.get(&key) {
            Some(&copy) if old_twice => result.missing_copies.push((index, copy)),
            _ => result.missing.push(index),
        }
    }
}

/// Same message by the duplicate rule: equal Message-IDs, or both without and equal
/// fingerprints (equivalently, equal [`Identity::key`]s).
pub fn same_identity(a: &Identity, b: &Identity) -> bool {
    match (&a.message_id, &b.message_id) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.fingerprint == b.fingerprint,
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Round {
    Fingerprint,
    Loose,
    Any,
}

/// No further message with the same key.
const END: u32 = u32::MAX;

fn pair_by_message_id(
    old: &[Compact],
    new: &[Compact],
    old_used: &mut [bool],
    new_used: &mut [bool],
    pairs: &mut Vec<(usize, usize)>,
) {
    // Per Message-ID the first new message holding it; `next` chains the others in order.
    // Four bytes a message instead of a vector per id.
    let mut first: HashMap<Digest, u32> = HashMap::new();
    let mut next = vec![END; new.len()];
    for (index, identity) in new.iter().enumerate().rev() {
        if let Some(id) = identity.message_id {
            let index = u32::try_from(index).unwrap_or(END);
            if let Some(after) = first.insert(id, index)
                && let Some(slot) = next.get_mut(index as usize)
            {
                *slot = after;
            }
        }
    }
    // Three rounds, closest first: same fingerprint, same Date/From/To, any.
    for round in [Round::Fingerprint, Round::Loose, Round::Any] {
        for (o, identity) in old.iter().enumerate() {
            let Some(id) = identity.message_id else {
                continue;
            };
            if old_used[o] {
                continue;
            }
            let mut candidate = first.get(&id).copied().unwrap_or(END);
            let mut found = None;
            while candidate != END {
                let n = candidate as usize;
                let fits = !new_used[n]
                    && match round {
                        Round::Fingerprint => new[n].fingerprint == identity.fingerprint,
                        Round::Loose => new[n].loose == identity.loose,
                        Round::Any => true,
                    };
                if fits {
                    found = Some(n);
                    break;
                }
                candidate = next[n];
            }
            if let Some(n) = found {
                old_used[o] = true;
                new_used[n] = true;
                pairs.push((o, n));
            }
        }
    }
}

fn pair_by(
    old: &[Compact],
    new: &[Compact],
    key: impl Fn(&Compact) -> Digest,
    old_used: &mut [bool],
    new_used: &mut [bool],
    pairs: &mut Vec<(usize, usize)>,
) {
    let mut new_by_key: HashMap<Digest, Vec<usize>> = HashMap::new();
    for (index, identity) in new.iter().enumerate() {
        if !new_used[index] {
            new_by_key.entry(key(identity)).or_default().push(index);
        }
    }
    if new_by_key.is_empty() {
        return;
    }
    for (o, identity) in old.iter().enumerate() {
        if old_used[o] {
            continue;
        }
        let candidates = new_by_key
            .get(&key(identity))
            .map_or(&[][..], Vec::as_slice);
        let found = candidates.iter().copied().find(|&n| {
            let both_have_ids = identity.message_id.is_some() && new[n].message_id.is_some();
            !new_used[n] && !both_have_ids && identity.proof(&new[n]) == Some(true)
        });
        if let Some(n) = found {
            old_used[o] = true;
            new_used[n] = true;
            pairs.push((o, n));
        }
    }
}

#[cfg(test)]
mod tests;
