//! # Folder names Exchange Online refuses
//!
//! Exchange uses `/` as its IMAP hierarchy delimiter and limits a folder name to 255
//! characters, so some legacy names cannot be created as they are. Finding them before the
//! migration lets the user rename them instead of losing the folder silently.

use serde::{Deserialize, Serialize};

use super::path::levels;
use crate::i18n::Lang;
use crate::model::FolderInfo;

/// Longest folder name (one hierarchy level) Exchange Online accepts, in characters.
pub const MAX_LEVEL_CHARS: usize = 255;

/// Why one level of an old folder name cannot be created on Exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum NameProblem {
    /// `/` inside a level: Exchange would read it as a hierarchy delimiter.
    Slash {
        level: String,
    },
    TooLong {
        level: String,
        chars: usize,
    },
    /// Control characters (U+0000–U+001F, U+007F) are not allowed in IMAP names either.
    ControlCharacter {
        level: String,
    },
}

impl NameProblem {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::Slash { level } => tr!(lang, "verify-name-slash", level = level.as_str()),
            Self::TooLong { level, chars } => tr!(
                lang,
                "verify-name-too-long",
                chars = chars.to_string(),
                max = MAX_LEVEL_CHARS.to_string(),
                level = level.as_str()
            ),
            Self::ControlCharacter { level } => tr!(
                lang,
                "verify-name-control",
                level = level.escape_default().to_string()
            ),
        }
    }
}

/// Every problem of a folder's name, level by level (a folder may have several).
pub fn folder_name_problems(folder: &FolderInfo) -> Vec<NameProblem> {
    let slash_is_separator = folder.delimiter == Some('/');
    let mut problems = Vec::new();
    for level in levels(folder) {
        if !slash_is_separator && level.contains('/') {
            problems.push(NameProblem::Slash {
                level: level.clone(),
            });
        }
        let chars = level.chars().count();
        if chars > MAX_LEVEL_CHARS {
            problems.push(NameProblem::TooLong {
                level: level.clone(),
                chars,
            });
        }
        if level.chars().any(|c| c.is_ascii_control()) {
            problems.push(NameProblem::ControlCharacter { level });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::path::tests::folder;

    #[test]
    fn name_problem_table() {
        let long = "長".repeat(256);
        let limit = "長".repeat(255);
        let cases: Vec<(String, Option<char>, Vec<NameProblem>)> = vec![
            ("INBOX.仕事".into(), Some('.'), vec![]),
            (
                "INBOX.2023/2024".into(),
                Some('.'),
                vec![NameProblem::Slash {
                    level: "2023/2024".into(),
                }],
            ),
            ("Archive/2024".into(), Some('/'), vec![]),
            (
                "a/b".into(),
                None,
                vec![NameProblem::Slash {
                    level: "a/b".into(),
                }],
            ),
            (format!("INBOX.{limit}"), Some('.'), vec![]),
            (
                format!("INBOX.{long}"),
                Some('.'),
                vec![NameProblem::TooLong {
                    level: long.clone(),
                    chars: 256,
                }],
            ),
            (
                "INBOX.tab\there".into(),
                Some('.'),
                vec![NameProblem::ControlCharacter {
                    level: "tab\there".into(),
                }],
            ),
        ];
        for (name, delimiter, expected) in cases {
            assert_eq!(
                folder_name_problems(&folder(&name, delimiter)),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn problems_describe_in_both_languages() {
        let problem = NameProblem::Slash {
            level: "2023/2024".into(),
        };
        assert!(problem.describe(Lang::Ja).contains("2023/2024"));
        assert!(problem.describe(Lang::En).contains("separator"));
    }
}
