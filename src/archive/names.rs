//! # Entry names inside the zip
//!
//! Turns IMAP folder names and message metadata into zip paths that extract cleanly on
//! Windows, macOS and Linux, and keeps them unique even on case-insensitive file systems.
//! The mapping from folder to directory is stored in the manifest, so it is never guessed
//! back from a sanitized name.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use super::manifest::{MANIFEST_NAME, MessageKey};

/// Upper bound for one path component in UTF-8 bytes. Most file systems allow 255 bytes;
/// staying well below leaves room for extraction prefixes and Windows path limits.
pub const MAX_COMPONENT_BYTES: usize = 100;

/// Longest part of a POP3 UIDL kept in a file name (UIDLs may be up to 70 characters).
const MAX_UIDL_BYTES: usize = 40;

/// Device names Windows refuses as a file name stem, whatever the extension.
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4",
    "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3",
    "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Makes one path component safe on every common file system.
///
/// Replaces `<>:"/\|?*`, control characters and invisible bidi/format characters (which
/// can disguise an extension) with `_`, avoids Windows device names, drops trailing dots
/// and spaces (Windows strips them silently, which would merge two names), cuts to
/// `max_bytes` on a character boundary, and never returns an empty string, `.` or `..`.
pub fn sanitize_component(raw: &str, max_bytes: usize) -> String {
    let mapped: String = raw
        .chars()
        .map(|c| if is_unsafe_char(c) { '_' } else { c })
        .collect();
    let mut out = finish_component(mapped.trim_start_matches(' '), max_bytes);
    let stem = out.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        out.insert(0, '_');
        out = finish_component(&out, max_bytes);
    }
    out
}

fn is_unsafe_char(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
        || c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Cuts to `max_bytes` on a char boundary and removes trailing dots and spaces.
fn finish_component(s: &str, max_bytes: usize) -> String {
    let cut = truncate_utf8(s, max_bytes.max(1));
    let trimmed = cut.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The longest prefix of `s` that fits in `max` bytes without splitting a character.
pub(crate) fn truncate_utf8(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Wall-clock time of a message for names and DOS timestamps: INTERNALDATE (RFC 3339) in
/// its own offset, else the Date header (RFC 2822). The wall clock of the server's zone is
/// what the user saw in their mail client, so names match their memory of the message.
pub fn message_time(
    internal_date: Option<&str>,
    date_header: Option<&str>,
) -> Option<DateTime<FixedOffset>> {
    internal_date
        .and_then(|d| DateTime::parse_from_rfc3339(d.trim()).ok())
        .or_else(|| date_header.and_then(|d| DateTime::parse_from_rfc2822(d.trim()).ok()))
}

/// `YYYYMMDD-HHMMSS_<uid>_<short subject>.eml`: sortable by date within a folder, the UID
/// (zero-padded to 10 digits, or the sanitized POP3 UIDL) keeps it unique, the subject makes
/// it recognisable. The whole name stays within [`MAX_COMPONENT_BYTES`].
pub fn message_file_name(
    time: Option<NaiveDateTime>,
    key: &MessageKey,
    subject: Option<&str>,
) -> String {
    let stamp = time.map_or_else(
        || "00000000-000000".to_string(),
        |t| t.format("%Y%m%d-%H%M%S").to_string(),
    );
    let id = match key {
        MessageKey::Uid(uid) => format!("{uid:010}"),
        MessageKey::Uidl(uidl) => sanitize_component(uidl, MAX_UIDL_BYTES),
    };
    let prefix = format!("{stamp}_{id}");
    let subject: String = subject
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // Room for "_", the subject and ".eml"; the suffix "~N" added on a clash is cut from
    // the subject later by `Layout::unique`.
    let room = MAX_COMPONENT_BYTES.saturating_sub(prefix.len() + 1 + ".eml".len());
    let short = if subject.is_empty() || room < 4 {
        String::new()
    } else {
        sanitize_component(&subject, room)
    };
    if short.is_empty() || short == "_" {
        format!("{prefix}.eml")
    } else {
        format!("{prefix}_{short}.eml")
    }
}

/// Splits a folder name on the server's delimiter; `inbox` in any case becomes `INBOX`
/// because IMAP treats that one name case-insensitively.
pub fn folder_components(name: &str, delimiter: Option<char>) -> Vec<String> {
    let mut parts: Vec<String> = match delimiter {
        Some(d) => name.split(d).map(str::to_string).collect(),
        None => vec![name.to_string()],
    };
    if let Some(first) = parts.first_mut()
        && first.eq_ignore_ascii_case("INBOX")
    {
        *first = "INBOX".to_string();
    }
    parts
}

/// The set of names used in one archive and the folder -> directory mapping.
///
/// Names are compared case-insensitively and without a trailing `/`, because a file `a`
/// and a directory `A/` cannot coexist on Windows or macOS. The set holds a 128-bit digest
/// of each name, not the name (16 bytes instead of ~100 per message on a large mailbox): a
/// false match could only make a new name take a `~2` suffix, never reuse a name.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    used: HashSet<u128>,
    /// Folder name components (also every implicit parent) -> directory with trailing `/`.
    dirs: HashMap<Vec<String>, String>,
}

fn fold(name: &str) -> u128 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(name.trim_end_matches('/').to_lowercase().as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

impl Layout {
    pub(crate) fn new() -> Self {
        let mut used = HashSet::new();
        used.insert(fold(MANIFEST_NAME));
        Self {
            used,
            dirs: HashMap::new(),
        }
    }

    /// Records an entry name that already exists in the archive, and its parent directories.
    pub(crate) fn note_entry(&mut self, name: &str) {
        let trimmed = name.trim_end_matches('/');
        for (i, c) in trimmed.char_indices() {
            if c == '/' {
                self.used.insert(fold(&trimmed[..i]));
            }
        }
        self.used.insert(fold(trimmed));
    }

    /// Records a folder's directory from a manifest, including the implicit parents, so
    /// later runs map the same folder (and its subfolders) to the same place.
    pub(crate) fn note_folder(&mut self, name: &str, delimiter: Option<char>, dir: &str) {
        let comps = folder_components(name, delimiter);
        let parts: Vec<&str> = dir.trim_end_matches('/').split('/').collect();
        if parts.len() == comps.len() {
            for i in 1..=comps.len() {
                let prefix = format!("{}/", parts[..i].join("/"));
                self.dirs.entry(comps[..i].to_vec()).or_insert(prefix);
            }
        } else {
            self.dirs.insert(comps, dir.to_string());
        }
        self.note_entry(dir);
    }

    /// The known directory of a folder, if it was mapped before.
    #[cfg(test)]
    pub(crate) fn known_dir(&self, name: &str, delimiter: Option<char>) -> Option<&str> {
        self.dirs
            .get(&folder_components(name, delimiter))
            .map(String::as_str)
    }

    /// Maps a folder to its directory, creating unique names for new components. Returns
    /// the directory and the directory entries that must be written (parents first).
    pub(crate) fn folder_dir(
        &mut self,
        name: &str,
        delimiter: Option<char>,
    ) -> (String, Vec<String>) {
        let comps = folder_components(name, delimiter);
        let mut current = String::new();
        let mut created = Vec::new();
        for i in 0..comps.len() {
            if let Some(dir) = self.dirs.get(&comps[..=i]) {
                current = dir.clone();
                continue;
            }
            let safe = sanitize_component(&comps[i], MAX_COMPONENT_BYTES);
            let component = self.unique(&current, &safe, "");
            current = format!("{current}{component}/");
            self.dirs.insert(comps[..=i].to_vec(), current.clone());
            created.push(current.clone());
        }
        (current, created)
    }

    /// A unique message entry path in `dir` for the file name `file` (`stem.ext`).
    pub(crate) fn message_entry(&mut self, dir: &str, file: &str) -> String {
        let (stem, ext) = match file.rfind('.') {
            Some(i) if i > 0 => (&file[..i], &file[i..]),
            _ => (file, ""),
        };
        let name = self.unique(dir, stem, ext);
        format!("{dir}{name}")
    }

    /// Picks `stem+ext`, or `stem~2+ext`, `stem~3+ext`... (cutting the stem to stay within
    /// the component limit) so that `dir + name` is not used yet; marks it used.
    fn unique(&mut self, dir: &str, stem: &str, ext: &str) -> String {
        let mut n = 1u32;
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!("~{n}")
            };
            let room = MAX_COMPONENT_BYTES.saturating_sub(ext.len() + suffix.len());
            let cut = truncate_utf8(stem, room).trim_end_matches(['.', ' ']);
            let candidate = format!("{cut}{suffix}{ext}");
            let key = fold(&format!("{dir}{candidate}"));
            if !self.used.contains(&key) {
                self.used.insert(key);
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_table() {
        let long_ja = "研究室".repeat(20); // 180 bytes
        let cases: Vec<(&str, String)> = vec![
            ("INBOX", "INBOX".into()),
            ("研究室", "研究室".into()),
            ("a:b", "a_b".into()),
            ("<>:\"/\\|?*", "_________".into()),
            ("tab\there\r\n", "tab_here__".into()),
            ("CON", "_CON".into()),
            ("con.txt", "_con.txt".into()),
            ("Nul.tar.gz", "_Nul.tar.gz".into()),
            ("COM1", "_COM1".into()),
            ("lpt9.eml", "_lpt9.eml".into()),
            ("COM10", "COM10".into()),
            ("CONSOLE", "CONSOLE".into()),
            ("trailing. . ", "trailing".into()),
            ("  leading", "leading".into()),
            (".", "_".into()),
            ("..", "_".into()),
            ("", "_".into()),
            ("evil\u{202E}lmx.exe", "evil_lmx.exe".into()),
            (long_ja.as_str(), "研究室".repeat(11)), // 33 chars * 3 bytes = 99 bytes
        ];
        for (input, want) in cases {
            let got = sanitize_component(input, MAX_COMPONENT_BYTES);
            assert_eq!(got, want, "input {input:?}");
            assert!(got.len() <= MAX_COMPONENT_BYTES);
        }
    }

    #[test]
    fn message_names() {
        let t = message_time(Some("2024-03-05T07:08:09+09:00"), None).map(|d| d.naive_local());
        assert_eq!(
            message_file_name(t, &MessageKey::Uid(42), Some("Re: 会議の件 / 資料?")),
            "20240305-070809_0000000042_Re_ 会議の件 _ 資料_.eml"
        );
        assert_eq!(
            message_file_name(None, &MessageKey::Uid(7), None),
            "00000000-000000_0000000007.eml"
        );
        // Date header fallback, whitespace collapsed, reserved-looking subject harmless.
        let t = message_time(None, Some("Tue, 1 Jul 2003 10:52:37 +0200")).map(|d| d.naive_local());
        assert_eq!(
            message_file_name(t, &MessageKey::Uidl("a/b:c".into()), Some("CON\r\n  x")),
            "20030701-105237_a_b_c_CON x.eml"
        );
        let long = "件名".repeat(100);
        let name = message_file_name(t, &MessageKey::Uid(1), Some(&long));
        assert!(name.len() <= MAX_COMPONENT_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(".eml") && name.starts_with("20030701-105237_0000000001_件名"));
    }

    #[test]
    fn layout_folders_and_duplicates() {
        let mut l = Layout::new();
        let (d, created) = l.folder_dir("INBOX.研究室.学会", Some('.'));
        assert_eq!(d, "INBOX/研究室/学会/");
        assert_eq!(created, ["INBOX/", "INBOX/研究室/", "INBOX/研究室/学会/"]);
        let (d, created) = l.folder_dir("inbox", Some('.'));
        assert_eq!((d.as_str(), created.len()), ("INBOX/", 0));
        // Two folders that sanitize (or case-fold) to the same directory stay apart.
        assert_eq!(l.folder_dir("a:b", Some('/')).0, "a_b/");
        assert_eq!(l.folder_dir("a_b", Some('/')).0, "a_b~2/");
        assert_eq!(l.folder_dir("A_B", Some('/')).0, "A_B~3/");
        assert_eq!(l.folder_dir("CON", None).0, "_CON/");
        assert_eq!(
            l.folder_dir("ikou-manifest.json", None).0,
            "ikou-manifest.json~2/"
        );
        // Duplicate file names get ~2, case-insensitively.
        assert_eq!(l.message_entry("INBOX/", "x.eml"), "INBOX/x.eml");
        assert_eq!(l.message_entry("INBOX/", "X.eml"), "INBOX/X~2.eml");
        assert_eq!(l.message_entry("INBOX/", "x.eml"), "INBOX/x~3.eml");
        let long = format!("{}.eml", "あ".repeat(32)); // 96 + 4 bytes: exactly at the limit
        let first = l.message_entry("INBOX/", &long);
        let second = l.message_entry("INBOX/", &long);
        assert_eq!(first, format!("INBOX/{long}"));
        assert!(second.ends_with("~2.eml") && second.len() - "INBOX/".len() <= MAX_COMPONENT_BYTES);
    }

    #[test]
    fn layout_remembers_manifest_mapping() {
        let mut l = Layout::new();
        l.note_folder("a:b.x", Some('.'), "a_b~2/x/");
        // The subfolder of a known parent lands under the parent's recorded directory.
        assert_eq!(l.folder_dir("a:b.y", Some('.')).0, "a_b~2/y/");
        assert_eq!(l.known_dir("a:b", Some('.')), Some("a_b~2/"));
        // A file entry occupies the name for a directory too.
        l.note_entry("Foo/bar.eml");
        assert_eq!(l.folder_dir("foo", None).0, "foo~2/");
    }
}
