//! # Folder names as hierarchy levels
//!
//! Legacy servers (Courier, Cyrus) write `INBOX.Sent` with `.`; Exchange Online writes
//! `Sent Items` or `Inbox/Projects` with `/`. Comparing lists of levels instead of strings
//! lets the mapping ignore delimiters and the legacy `INBOX.` namespace prefix.

use crate::model::FolderInfo;

/// True for the name INBOX, which IMAP makes case-insensitive.
pub fn is_inbox(level: &str) -> bool {
    level.eq_ignore_ascii_case("INBOX")
}

/// The hierarchy levels of a folder name; a leading INBOX level is spelt `INBOX`.
pub fn levels(folder: &FolderInfo) -> Vec<String> {
    let parts: Vec<&str> = match folder.delimiter {
        Some(delimiter) => folder.name.split(delimiter).collect(),
        None => vec![folder.name.as_str()],
    };
    parts
        .into_iter()
        .enumerate()
        .map(|(i, level)| {
            if i == 0 && is_inbox(level) {
                "INBOX".to_string()
            } else {
                level.to_string()
            }
        })
        .collect()
}

/// True when the server puts personal folders under `INBOX` + delimiter (the legacy
/// namespace): every selectable folder other than INBOX itself lives below INBOX, and there is
/// at least one. Dovecot-style servers fail this test, so their real INBOX subfolders stay.
pub fn has_inbox_prefix(folders: &[FolderInfo]) -> bool {
    let mut below = folders
        .iter()
        .filter(|f| f.selectable)
        .map(levels)
        .filter(|l| !(l.len() == 1 && l[0] == "INBOX"))
        .peekable();
    below.peek().is_some() && below.all(|l| l.len() > 1 && l[0] == "INBOX")
}

/// Levels with the legacy `INBOX` prefix removed when `strip_prefix` is set; INBOX itself
/// stays `["INBOX"]`.
pub fn normalized_levels(folder: &FolderInfo, strip_prefix: bool) -> Vec<String> {
    let mut all = levels(folder);
    if strip_prefix && all.len() > 1 && all[0] == "INBOX" {
        all.remove(0);
    }
    all
}

/// Levels compared the way Exchange compares folder names: case-insensitively.
pub fn fold_case(levels: &[String]) -> Vec<String> {
    levels.iter().map(|l| l.to_lowercase()).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A selectable folder with a name and delimiter, everything else empty.
    pub(crate) fn folder(name: &str, delimiter: Option<char>) -> FolderInfo {
        FolderInfo::named(name, delimiter)
    }

    #[test]
    fn levels_split_on_the_delimiter() {
        let cases: &[(&str, Option<char>, &[&str])] = &[
            ("INBOX", Some('.'), &["INBOX"]),
            ("inbox", Some('/'), &["INBOX"]),
            (
                "INBOX.送信済みトレイ",
                Some('.'),
                &["INBOX", "送信済みトレイ"],
            ),
            (
                "Inbox/Projects/2024",
                Some('/'),
                &["INBOX", "Projects", "2024"],
            ),
            ("a/b.c", Some('.'), &["a/b", "c"]),
            ("a.b", None, &["a.b"]),
            ("Projects/INBOX", Some('/'), &["Projects", "INBOX"]),
        ];
        for (name, delimiter, expected) in cases {
            assert_eq!(levels(&folder(name, *delimiter)), *expected, "{name}");
        }
    }

    #[test]
    fn inbox_prefix_detection() {
        let legacy = [
            folder("INBOX", Some('.')),
            folder("INBOX.Sent", Some('.')),
            folder("INBOX.仕事.2024", Some('.')),
        ];
        assert!(has_inbox_prefix(&legacy));
        let dovecot = [
            folder("INBOX", Some('/')),
            folder("Sent", Some('/')),
            folder("INBOX/sub", Some('/')),
        ];
        assert!(!has_inbox_prefix(&dovecot));
        assert!(!has_inbox_prefix(&[folder("INBOX", Some('.'))]));
    }

    #[test]
    fn normalized_levels_strip_only_when_asked() {
        let f = folder("INBOX.Sent", Some('.'));
        assert_eq!(normalized_levels(&f, true), ["Sent"]);
        assert_eq!(normalized_levels(&f, false), ["INBOX", "Sent"]);
        assert_eq!(
            normalized_levels(&folder("INBOX", Some('.')), true),
            ["INBOX"]
        );
    }
}
