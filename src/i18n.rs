//! # Language choice for user-facing text
//!
//! ikou speaks Japanese and English; every pure module that renders text for people takes a
//! [`Lang`] instead of reading the environment itself. The string tables live next to the
//! code that needs them until a shared catalogue is worth its weight.

use serde::{Deserialize, Serialize};

/// The language of text meant for people (JSON output stays language-neutral).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// Japanese: the seed organisations' users.
    #[default]
    Ja,
    En,
}

impl Lang {
    /// Picks the variant of a text for this language.
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ja => ja,
            Self::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_returns_the_variant_for_the_language() {
        assert_eq!(Lang::Ja.pick("はい", "yes"), "はい");
        assert_eq!(Lang::En.pick("はい", "yes"), "yes");
    }
}
