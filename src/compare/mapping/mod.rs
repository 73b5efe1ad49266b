//! # Old folder to new folder
//!
//! Decides, for every selectable old folder, which new folder should hold its messages, and why.
//! Rules apply in a fixed order (override, SPECIAL-USE, built-in names, same path) so a person
//! can predict and correct the outcome with a profile override.
//!
//! | order | rule | matches when |
//! |---|---|---|
//! | 1 | `override` | the profile names the old folder (its full name, or its path with `/`) |
//! | 2 | `special_use` | old and new folder carry the same SPECIAL-USE attribute |
//! | 3 | `name_rule` | the old top-level name (or old SPECIAL-USE) is a known special folder; the new target is the folder with that attribute, else the first known new name |
//! | 4 | `same_path` | the levels are equal after dropping the legacy `INBOX.` prefix; delimiters are ignored; exact case first, then case-insensitively (Exchange names are case-insensitive) when that is unique; then the unstripped path |
//! | 5 | `not_on_new` | nothing above, and no new folder has that path in any case: the folder is missing on the new server; it maps to the name it would have there (its levels without the legacy prefix, joined by the new server's delimiter), which `ikou restore` creates |
//!
//! `\Noselect` folders take part in nothing. Several old folders may share one new folder.
//!
//! When messages were listed, [`evidence::map_by_evidence`] then pairs folders by what they
//! hold (rule `contents`): the messages themselves outrank SPECIAL-USE and names, never a
//! profile override.

pub mod evidence;

use std::fmt;

use serde::{Deserialize, Serialize};

use super::path::{fold_case, has_inbox_prefix, levels, normalized_levels};
use super::rules::{NameRule, rule_for_old_name, rule_for_special_use};
use crate::i18n::Lang;
use crate::model::{FolderInfo, SpecialUse};

/// Why an old folder maps to its new folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", content = "detail", rename_all = "snake_case")]
pub enum MapReason {
    Override,
    SpecialUse(SpecialUse),
    NameRule(NameRule),
    SamePath,
    /// No folder on the new server: the target is the name restore would create.
    NotOnNew,
    /// The new folder holds this folder's messages (see [`evidence`]).
    Contents,
}

impl MapReason {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::Override => tr!(lang, "verify-map-override"),
            Self::SpecialUse(use_) => tr!(
                lang,
                "verify-map-special-use",
                attribute = special_use_attribute(*use_)
            ),
            Self::NameRule(rule) => tr!(
                lang,
                "verify-map-name-rule",
                rule = name_rule_label(*rule, lang)
            ),
            Self::SamePath => tr!(lang, "verify-map-same-path"),
            Self::NotOnNew => tr!(lang, "verify-map-not-on-new"),
            Self::Contents => tr!(lang, "verify-map-contents"),
        }
    }
}

impl fmt::Display for MapReason {
    /// English, for logs; people get [`MapReason::describe`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

fn special_use_attribute(use_: SpecialUse) -> &'static str {
    match use_ {
        SpecialUse::Inbox => "INBOX",
        SpecialUse::Sent => "\\Sent",
        SpecialUse::Drafts => "\\Drafts",
        SpecialUse::Trash => "\\Trash",
        SpecialUse::Junk => "\\Junk",
        SpecialUse::Archive => "\\Archive",
        SpecialUse::All => "\\All",
        SpecialUse::Flagged => "\\Flagged",
    }
}

fn name_rule_label(rule: NameRule, lang: Lang) -> String {
    match rule {
        NameRule::Sent => tr!(lang, "verify-map-rule-sent"),
        NameRule::Trash => tr!(lang, "verify-map-rule-trash"),
        NameRule::Junk => tr!(lang, "verify-map-rule-junk"),
        NameRule::Drafts => tr!(lang, "verify-map-rule-drafts"),
        NameRule::Archive => tr!(lang, "verify-map-rule-archive"),
    }
}

/// One mapped old folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapEntry {
    /// The old folder's `FolderInfo::name`.
    pub old: String,
    /// The new folder's `FolderInfo::name` (or an override's target, even if absent on new).
    pub new: String,
    pub reason: MapReason,
    /// How many of the old folder's messages the new folder holds, when messages were listed
    /// (set by [`evidence::map_by_evidence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<evidence::Evidence>,
}

/// The whole folder mapping, with what could not be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Mapping {
    /// In the order of the old folder list.
    pub entries: Vec<MapEntry>,
    /// Selectable old folders no rule placed: their messages are not verified.
    pub unmapped_old: Vec<String>,
    /// Selectable new folders no old folder maps to.
    pub unmapped_new: Vec<String>,
    /// Overrides whose old folder does not exist (or is `\Noselect`): likely a profile typo.
    pub unused_overrides: Vec<(String, String)>,
}

/// A new folder and the old folders that feed it; counts compare as sums over `old`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderGroup {
    pub new: String,
    pub old: Vec<String>,
}

impl Mapping {
    /// The new folder an old folder maps to.
    pub fn new_for(&self, old: &str) -> Option<&MapEntry> {
        self.entries.iter().find(|e| e.old == old)
    }

    /// Entries grouped by new folder, in the order each new folder first appears.
    pub fn groups(&self) -> Vec<FolderGroup> {
        let mut groups: Vec<FolderGroup> = Vec::new();
        for entry in &self.entries {
            match groups.iter_mut().find(|g| g.new == entry.new) {
                Some(group) => group.old.push(entry.old.clone()),
                None => groups.push(FolderGroup {
                    new: entry.new.clone(),
                    old: vec![entry.old.clone()],
                }),
            }
        }
        groups
    }
}

/// Maps old folders to new folders (see the module docs for the rule order).
///
/// `overrides` are `(old, new)` pairs from the profile, Unicode names as the user sees them.
pub fn map_folders(
    old: &[FolderInfo],
    new: &[FolderInfo],
    overrides: &[(String, String)],
) -> Mapping {
    let strip = has_inbox_prefix(old);
    let new_delimiter = new.iter().find_map(|f| f.delimiter).unwrap_or('/');
    let new_selectable: Vec<&FolderInfo> = new.iter().filter(|f| f.selectable).collect();
    let mut mapping = Mapping::default();
    let mut used = vec![false; overrides.len()];

    for folder in old.iter().filter(|f| f.selectable) {
        let decision = by_override(folder, strip, overrides, &new_selectable, &mut used)
            .or_else(|| by_special_use(folder, &new_selectable))
            .or_else(|| by_name_rule(folder, strip, &new_selectable))
            .or_else(|| by_same_path(folder, strip, &new_selectable))
            .or_else(|| not_on_new(folder, strip, new_delimiter, &new_selectable));
        match decision {
            Some((new, reason)) => mapping.entries.push(MapEntry {
                old: folder.name.clone(),
                new,
                reason,
                evidence: None,
            }),
            None => mapping.unmapped_old.push(folder.name.clone()),
        }
    }

    mapping.unmapped_new = new_selectable
        .iter()
        .filter(|f| !mapping.entries.iter().any(|e| e.new == f.name))
        .map(|f| f.name.clone())
        .collect();
    mapping.unused_overrides = overrides
        .iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(pair, _)| pair.clone())
        .collect();
    mapping
}

type Decision = Option<(String, MapReason)>;

/// True when a user-written name denotes this folder: its full name, or its levels joined by
/// `/` (with or without the legacy prefix), INBOX in any case.
fn names_folder(written: &str, folder: &FolderInfo, strip: bool) -> bool {
    if written == folder.name {
        return true;
    }
    let written_levels: Vec<String> = written.split('/').map(str::to_string).collect();
    let written_levels = fold_inbox(written_levels);
    written_levels == levels(folder) || written_levels == normalized_levels(folder, strip)
}

fn fold_inbox(mut levels: Vec<String>) -> Vec<String> {
    if let Some(first) = levels.first_mut()
        && super::path::is_inbox(first)
    {
        *first = "INBOX".to_string();
    }
    levels
}

fn by_override(
    folder: &FolderInfo,
    strip: bool,
    overrides: &[(String, String)],
    new: &[&FolderInfo],
    used: &mut [bool],
) -> Decision {
    let index = overrides
        .iter()
        .position(|(old, _)| names_folder(old, folder, strip))?;
    if let Some(flag) = used.get_mut(index) {
        *flag = true;
    }
    let target = &overrides.get(index)?.1;
    let existing = new
        .iter()
        .find(|f| names_folder(target, f, false))
        .or_else(|| {
            let wanted = fold_case(&fold_inbox(target.split('/').map(str::to_string).collect()));
            new.iter().find(|f| fold_case(&levels(f)) == wanted)
        });
    let name = existing.map_or_else(|| target.clone(), |f| f.name.clone());
    Some((name, MapReason::Override))
}

fn by_special_use(folder: &FolderInfo, new: &[&FolderInfo]) -> Decision {
    let use_ = folder.special_use?;
    let target = new.iter().find(|f| f.special_use == Some(use_))?;
    Some((target.name.clone(), MapReason::SpecialUse(use_)))
}

fn by_name_rule(folder: &FolderInfo, strip: bool, new: &[&FolderInfo]) -> Decision {
    let old_levels = normalized_levels(folder, strip);
    let by_name = match old_levels.as_slice() {
        [single] => rule_for_old_name(single),
        _ => None,
    };
    let rule = by_name.or_else(|| folder.special_use.and_then(rule_for_special_use))?;
    let def = rule.def();
    let target = new
        .iter()
        .find(|f| f.special_use == Some(def.special_use))
        .or_else(|| {
            def.new_names.iter().find_map(|wanted| {
                new.iter().find(|f| match levels(f).as_slice() {
                    [single] => single.eq_ignore_ascii_case(wanted),
                    _ => false,
                })
            })
        })?;
    Some((target.name.clone(), MapReason::NameRule(rule)))
}

/// The name the folder would get on new, unless a folder of that name (in any case) is
/// there already: then the name is ambiguous and the folder stays unmapped.
fn not_on_new(folder: &FolderInfo, strip: bool, delimiter: char, new: &[&FolderInfo]) -> Decision {
    let wanted = normalized_levels(folder, strip);
    let folded = fold_case(&wanted);
    if new.iter().any(|f| fold_case(&levels(f)) == folded) {
        return None;
    }
    Some((wanted.join(&delimiter.to_string()), MapReason::NotOnNew))
}

fn by_same_path(folder: &FolderInfo, strip: bool, new: &[&FolderInfo]) -> Decision {
    let mut candidates = vec![normalized_levels(folder, strip)];
    if strip {
        candidates.push(levels(folder));
    }
    candidates.iter().find_map(|wanted| {
        let target = new.iter().find(|f| levels(f) == *wanted).or_else(|| {
            let folded = fold_case(wanted);
            let mut same = new.iter().filter(|f| fold_case(&levels(f)) == folded);
            match (same.next(), same.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        })?;
        Some((target.name.clone(), MapReason::SamePath))
    })
}

#[cfg(test)]
mod tests;
