//! # Built-in folder name rules
//!
//! The usual names of the special folders, in English and Japanese, on legacy servers and on
//! Exchange Online. Mapping uses them when SPECIAL-USE attributes are missing on either side.

use serde::{Deserialize, Serialize};

use crate::model::SpecialUse;

/// Identifier of one built-in name rule (stable: it appears in JSON and in user docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameRule {
    Sent,
    Trash,
    Junk,
    Drafts,
    Archive,
}

/// One rule: the names it recognises on the old side and the names it looks for on the new
/// side, best first. Names compare case-insensitively (ASCII) and only at the top level.
#[derive(Debug, Clone, Copy)]
pub struct NameRuleDef {
    pub rule: NameRule,
    /// The SPECIAL-USE attribute with the same meaning.
    pub special_use: SpecialUse,
    pub old_names: &'static [&'static str],
    /// Exchange Online's names (English, then Japanese mailbox language) come first; the old
    /// names follow as a fallback for new servers that kept them.
    pub new_names: &'static [&'static str],
}

pub const NAME_RULES: [NameRuleDef; 5] = [
    NameRuleDef {
        rule: NameRule::Sent,
        special_use: SpecialUse::Sent,
        old_names: &[
            "Sent",
            "Sent Messages",
            "Sent Mail",
            "Sent Items",
            "送信済み",
            "送信済みトレイ",
            "送信済みメール",
            "送信済みアイテム",
        ],
        new_names: &[
            "Sent Items",
            "送信済みアイテム",
            "Sent",
            "Sent Messages",
            "Sent Mail",
            "送信済み",
            "送信済みトレイ",
            "送信済みメール",
        ],
    },
    NameRuleDef {
        rule: NameRule::Trash,
        special_use: SpecialUse::Trash,
        old_names: &[
            "Trash",
            "Deleted Messages",
            "Deleted Items",
            "ごみ箱",
            "ゴミ箱",
            "削除済み",
            "削除済みアイテム",
        ],
        new_names: &[
            "Deleted Items",
            "削除済みアイテム",
            "Trash",
            "Deleted Messages",
            "ごみ箱",
            "ゴミ箱",
            "削除済み",
        ],
    },
    NameRuleDef {
        rule: NameRule::Junk,
        special_use: SpecialUse::Junk,
        old_names: &["Junk", "Spam", "Junk Email", "Junk E-mail", "迷惑メール"],
        new_names: &["Junk Email", "Junk E-mail", "迷惑メール", "Junk", "Spam"],
    },
    NameRuleDef {
        rule: NameRule::Drafts,
        special_use: SpecialUse::Drafts,
        old_names: &["Drafts", "Draft", "下書き"],
        new_names: &["Drafts", "下書き", "Draft"],
    },
    NameRuleDef {
        rule: NameRule::Archive,
        special_use: SpecialUse::Archive,
        old_names: &["Archive", "Archives", "アーカイブ"],
        new_names: &["Archive", "アーカイブ", "Archives"],
    },
];

impl NameRule {
    pub fn def(self) -> &'static NameRuleDef {
        // The table has one entry per variant, in declaration order.
        &NAME_RULES[self as usize]
    }
}

/// The rule whose old-side names include this top-level name.
pub fn rule_for_old_name(name: &str) -> Option<NameRule> {
    NAME_RULES
        .iter()
        .find(|def| def.old_names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|def| def.rule)
}

/// The rule with the same meaning as a SPECIAL-USE attribute.
pub fn rule_for_special_use(special_use: SpecialUse) -> Option<NameRule> {
    NAME_RULES
        .iter()
        .find(|def| def.special_use == special_use)
        .map(|def| def.rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn def_matches_variant() {
        for rule in [
            NameRule::Sent,
            NameRule::Trash,
            NameRule::Junk,
            NameRule::Drafts,
            NameRule::Archive,
        ] {
            assert_eq!(rule.def().rule, rule);
        }
    }

    #[test]
    fn old_names_table() {
        let cases = [
            ("Sent", Some(NameRule::Sent)),
            ("sent messages", Some(NameRule::Sent)),
            ("Sent Mail", Some(NameRule::Sent)),
            ("送信済み", Some(NameRule::Sent)),
            ("送信済みトレイ", Some(NameRule::Sent)),
            ("送信済みメール", Some(NameRule::Sent)),
            ("Trash", Some(NameRule::Trash)),
            ("Deleted Messages", Some(NameRule::Trash)),
            ("ごみ箱", Some(NameRule::Trash)),
            ("ゴミ箱", Some(NameRule::Trash)),
            ("削除済み", Some(NameRule::Trash)),
            ("Junk", Some(NameRule::Junk)),
            ("SPAM", Some(NameRule::Junk)),
            ("迷惑メール", Some(NameRule::Junk)),
            ("Drafts", Some(NameRule::Drafts)),
            ("下書き", Some(NameRule::Drafts)),
            ("Archive", Some(NameRule::Archive)),
            ("Archives", Some(NameRule::Archive)),
            ("アーカイブ", Some(NameRule::Archive)),
            ("Projects", None),
            ("送信", None),
        ];
        for (name, expected) in cases {
            assert_eq!(rule_for_old_name(name), expected, "{name}");
        }
    }

    #[test]
    fn special_use_table() {
        assert_eq!(rule_for_special_use(SpecialUse::Sent), Some(NameRule::Sent));
        assert_eq!(rule_for_special_use(SpecialUse::Junk), Some(NameRule::Junk));
        assert_eq!(rule_for_special_use(SpecialUse::All), None);
        assert_eq!(rule_for_special_use(SpecialUse::Inbox), None);
    }
}
