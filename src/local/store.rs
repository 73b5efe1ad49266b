//! # Finding Thunderbird's local folders on disk and reading them without changing them
//!
//! The profile is found the way the doctor finds it (`doctor::probe::client`), its accounts
//! are read from prefs.js (`doctor::prefs::mail_stores`). Local Folders and POP (and
//! movemail) accounts keep the only copy of their mail on the PC; IMAP accounts only keep a
//! cache and are left out.
//!
//! ## Folder files
//! A folder `X` is the mbox file `X` with its index `X.msf`; its subfolders live in the
//! directory `X.sbd/`. Current Thunderbird writes folder names as they are (UTF-8, so
//! `研究室` is a file named `研究室`); names with characters the file system refuses, and
//! non-ASCII names on some old versions, were stored under a hashed file name, which is
//! shown as it is (the real name is only in the `.msf` index). A file counts as a folder
//! when it has an `.msf` next to it or starts with a `From ` line.
//!
//! ## A consistent snapshot while Thunderbird runs
//! Every file is opened once and read only up to the length it had when opened, through that
//! open handle: new mail appended meanwhile is not read half-way, and a compaction (which
//! writes a new file and renames it over the old one) does not disturb the read. After the
//! read the path is looked at again; if its identity, length or modification time changed,
//! the folder is read again (up to three times). If it keeps changing, the last read is used
//! without its final message unless a `From ` line followed it, and the folder is reported
//! as changed. Nothing here opens a file for writing.

use std::fs::{File, Metadata};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;
use thiserror::Error;

use super::mbox::{MboxReader, RawMessage};
use crate::doctor::prefs::{self, MailStore};
use crate::doctor::probe::client;
use crate::model::SpecialUse;

#[derive(Debug, Error)]
pub enum LocalError {
    #[error(
        "no Thunderbird profile found (looked in {looked}); give the profile folder with --thunderbird"
    )]
    NoProfile { looked: String },
    #[error("{path}: no Thunderbird profile here (no prefs.js, and no profiles.ini naming one)")]
    NotAProfile { path: PathBuf },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LocalError {
    /// The error in `lang`. The operating system's detail of a read error (English only) is
    /// quoted in English; in Japanese it is logged (shown with `-v`) and pointed to instead.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::Lang;
        match self {
            LocalError::NoProfile { looked } => {
                crate::tr!(lang, "local-tui-error-no-profile", looked = looked.as_str())
            }
            LocalError::NotAProfile { path } => crate::tr!(
                lang,
                "local-tui-error-not-a-profile",
                path = path.display().to_string()
            ),
            LocalError::Io { path, source } => {
                let line = crate::tr!(
                    lang,
                    "local-tui-error-io",
                    path = path.display().to_string()
                );
                let detail = source.to_string().replace(['\r', '\n'], " ");
                match lang {
                    Lang::En => format!("{line} ({detail})"),
                    Lang::Ja => {
                        tracing::info!(%detail, "detail of the error above");
                        format!("{line} ({})", crate::tr!(lang, "errors-detail-with-v"))
                    }
                }
            }
        }
    }

    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Which kind of account a store belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// Thunderbird's "Local Folders".
    LocalFolders,
    Pop3,
    Movemail,
}

/// One account's local folders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Store {
    /// The account's name as shown in Thunderbird's folder pane.
    pub name: String,
    pub kind: StoreKind,
    /// The POP server, empty for Local Folders.
    pub hostname: String,
    pub directory: PathBuf,
    /// Folder paths (with `/`) that identities name as their Sent folder (`fcc_folder`).
    pub sent_folders: Vec<String>,
}

/// One folder file found on disk (not read yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderFile {
    /// Path below the store with `/`: `Inbox`, `研究室/学会`.
    pub name: String,
    pub path: PathBuf,
    pub special_use: Option<SpecialUse>,
    /// False for a `.sbd` directory without its own mbox file.
    pub selectable: bool,
}

/// The profile folder (the one holding prefs.js) for a given path or the usual places.
pub fn find_profile(given: Option<&Path>) -> Result<PathBuf, LocalError> {
    let prefs_file = match given {
        Some(path) => client::prefs_in(path).ok_or_else(|| LocalError::NotAProfile {
            path: path.to_path_buf(),
        })?,
        None => {
            let places = client::usual_places();
            places
                .iter()
                .find_map(|p| client::prefs_in(p))
                .ok_or_else(|| LocalError::NoProfile {
                    looked: places
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?
        }
    };
    Ok(prefs_file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf))
}

/// The stores whose mail exists only on this PC, in account order.
pub fn stores(profile: &Path) -> Result<Vec<Store>, LocalError> {
    let file = profile.join("prefs.js");
    let bytes = std::fs::read(&file).map_err(|e| LocalError::io(&file, e))?;
    let parsed = prefs::parse_prefs(&String::from_utf8_lossy(&bytes));
    let accounts = prefs::accounts(&parsed);
    let mut out = Vec::new();
    for store in prefs::mail_stores(&parsed) {
        let kind = match store.kind.as_str() {
            "none" => StoreKind::LocalFolders,
            "pop3" => StoreKind::Pop3,
            "movemail" => StoreKind::Movemail,
            _ => continue,
        };
        let sent_folders = accounts
            .iter()
            .flat_map(|a| &a.identities)
            .filter_map(|i| i.fcc_folder.as_deref())
            .filter_map(|url| fcc_folder_in(url, &store))
            .collect();
        out.push(Store {
            name: if store.name.is_empty() {
                store.hostname.clone()
            } else {
                store.name.clone()
            },
            kind,
            hostname: if kind == StoreKind::LocalFolders {
                String::new()
            } else {
                store.hostname.clone()
            },
            directory: directory_of(&store, profile),
            sent_folders,
        });
    }
    Ok(out)
}

/// `[ProfD]Mail/Local Folders` → `<profile>/Mail/Local Folders`; else `directory`; else
/// Thunderbird's default `Mail/<hostname>`.
fn directory_of(store: &MailStore, profile: &Path) -> PathBuf {
    if let Some(rel) = store.directory_rel.as_deref()
        && let Some(rest) = rel.strip_prefix("[ProfD]")
    {
        return rest
            .split(['/', '\\'])
            .fold(profile.to_path_buf(), |p, part| {
                if part.is_empty() { p } else { p.join(part) }
            });
    }
    if let Some(dir) = store.directory.as_deref()
        && Path::new(dir).is_dir()
    {
        return PathBuf::from(dir);
    }
    profile.join("Mail").join(&store.hostname)
}

/// The folder path an `fcc_folder` URL names inside this store
/// (`mailbox://nobody@Local%20Folders/Sent` → `Sent`).
fn fcc_folder_in(url: &str, store: &MailStore) -> Option<String> {
    let rest = url.strip_prefix("mailbox://")?;
    let (authority, path) = rest.split_once('/')?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = percent_decode(host);
    if !host.eq_ignore_ascii_case(&store.hostname) {
        return None;
    }
    Some(percent_decode(path))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Files in a store directory that are never folders.
fn is_not_a_folder(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    name.starts_with('.')
        || [
            ".msf", ".dat", ".json", ".html", ".sqlite", ".lock", ".tmp", ".bak", ".snm", ".toc",
            ".log", ".mozlz4",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        || lower == "nstmp"
}

fn starts_with_from(path: &Path) -> bool {
    let mut head = [0u8; 5];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| &head == b"From ")
}

/// Every folder of a store, parents before children, `Inbox` first at each level.
pub fn folders(store: &Store) -> Result<Vec<FolderFile>, LocalError> {
    let mut out = Vec::new();
    if store.directory.is_dir() {
        walk(&store.directory, "", store, &mut out)?;
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    prefix: &str,
    store: &Store,
    out: &mut Vec<FolderFile>,
) -> Result<(), LocalError> {
    let mut files: Vec<String> = Vec::new();
    let mut containers: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| LocalError::io(dir, e))? {
        let entry = entry.map_err(|e| LocalError::io(dir, e))?;
        let Ok(name) = entry.file_name().into_string() else {
            tracing::warn!("{}: skipping a file name that is not UTF-8", dir.display());
            continue;
        };
        let kind = entry
            .file_type()
            .map_err(|e| LocalError::io(&entry.path(), e))?;
        if kind.is_dir() {
            if let Some(base) = name.strip_suffix(".sbd") {
                containers.push(base.to_string());
            }
        } else if kind.is_file() && !is_not_a_folder(&name) {
            let path = entry.path();
            let has_index = dir.join(format!("{name}.msf")).is_file();
            if has_index || starts_with_from(&path) {
                files.push(name);
            }
        }
    }
    for c in &containers {
        if !files.contains(c) {
            files.push(c.clone());
        }
    }
    files.sort_by(|a, b| {
        (!a.eq_ignore_ascii_case("inbox"), a.as_str())
            .cmp(&(!b.eq_ignore_ascii_case("inbox"), b.as_str()))
    });
    for name in files {
        let full = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = dir.join(&name);
        let special_use = special_use_of(&full, prefix.is_empty(), store);
        out.push(FolderFile {
            name: full.clone(),
            selectable: path.is_file(),
            path,
            special_use,
        });
        let sub = dir.join(format!("{name}.sbd"));
        if sub.is_dir() {
            walk(&sub, &full, store, out)?;
        }
    }
    Ok(())
}

/// Thunderbird's special folders go by their (English, on disk) names at the top level;
/// an identity's `fcc_folder` also makes a folder the Sent folder.
fn special_use_of(name: &str, top: bool, store: &Store) -> Option<SpecialUse> {
    if store.sent_folders.iter().any(|s| s == name) {
        return Some(SpecialUse::Sent);
    }
    if !top {
        return None;
    }
    match name.to_ascii_lowercase().as_str() {
        "inbox" => Some(SpecialUse::Inbox),
        "sent" => Some(SpecialUse::Sent),
        "drafts" => Some(SpecialUse::Drafts),
        "trash" => Some(SpecialUse::Trash),
        "junk" => Some(SpecialUse::Junk),
        "archives" => Some(SpecialUse::Archive),
        _ => None,
    }
}

/// What a file looked like: enough to notice an append, an in-place change or a rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    identity: (u64, u64),
}

fn stamp(meta: &Metadata) -> Stamp {
    #[cfg(unix)]
    let identity = {
        use std::os::unix::fs::MetadataExt;
        (meta.dev(), meta.ino())
    };
    #[cfg(not(unix))]
    let identity = (0, 0);
    Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        identity,
    }
}

/// How a folder read went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ReadOutcome {
    /// Bytes of the file that were read (its length when opened).
    pub file_bytes: u64,
    /// Reads needed (more than one: the file changed while it was read).
    pub attempts: u32,
    /// The file kept changing; the last read was used (see `dropped_tail`).
    pub changed: bool,
    /// The final message was left out because it may still have been written.
    pub dropped_tail: bool,
}

/// What [`read_folder`] hands to its visitor.
pub enum Visit {
    /// A message that is not marked expunged.
    Message(RawMessage),
    /// A message marked expunged (deleted, waiting for compaction).
    Expunged(RawMessage),
    /// The file changed: forget what was handed over so far, it is read again.
    Restart,
}

const ATTEMPTS: u32 = 3;

/// Reads a folder file as a consistent snapshot (see the module docs), handing each
/// message to `visit`. A visitor error stops the read and is returned as `Err(Ok(e))`.
pub fn read_folder<E>(
    path: &Path,
    visit: &mut dyn FnMut(Visit) -> Result<(), E>,
) -> Result<ReadOutcome, Result<E, LocalError>> {
    let mut outcome = ReadOutcome::default();
    loop {
        outcome.attempts += 1;
        if outcome.attempts > 1 {
            visit(Visit::Restart).map_err(Ok)?;
        }
        let last = outcome.attempts >= ATTEMPTS;
        let file = File::open(path).map_err(|e| Err(LocalError::io(path, e)))?;
        let before = stamp(&file.metadata().map_err(|e| Err(LocalError::io(path, e)))?);
        outcome.file_bytes = before.len;
        let mut reader = MboxReader::new(BufReader::with_capacity(
            256 << 10,
            Read::take(file, before.len),
        ));
        let mut held: Option<RawMessage> = None;
        while let Some(message) = reader
            .next_message()
            .map_err(|e| Err(LocalError::io(path, e)))?
        {
            if let Some(previous) = held.replace(message) {
                hand_over(previous, visit).map_err(Ok)?;
            }
        }
        let after = std::fs::metadata(path).map(|m| stamp(&m)).ok();
        if after == Some(before) {
            if let Some(m) = held {
                hand_over(m, visit).map_err(Ok)?;
            }
            return Ok(outcome);
        }
        tracing::info!(
            "{}: changed while being read (attempt {})",
            path.display(),
            outcome.attempts
        );
        if last {
            outcome.changed = true;
            if let Some(m) = held {
                if m.followed {
                    hand_over(m, visit).map_err(Ok)?;
                } else {
                    outcome.dropped_tail = true;
                }
            }
            return Ok(outcome);
        }
    }
}

fn hand_over<E>(m: RawMessage, visit: &mut dyn FnMut(Visit) -> Result<(), E>) -> Result<(), E> {
    if m.expunged() {
        visit(Visit::Expunged(m))
    } else {
        visit(Visit::Message(m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(sent: &[&str]) -> Store {
        Store {
            name: "Local Folders".into(),
            kind: StoreKind::LocalFolders,
            hostname: String::new(),
            directory: PathBuf::new(),
            sent_folders: sent.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn fcc_urls() {
        let s = MailStore {
            account: "account1".into(),
            server: "server1".into(),
            name: "Local Folders".into(),
            kind: "none".into(),
            hostname: "Local Folders".into(),
            username: "nobody".into(),
            directory_rel: None,
            directory: None,
        };
        assert_eq!(
            fcc_folder_in("mailbox://nobody@Local%20Folders/%E9%80%81%E4%BF%A1", &s).as_deref(),
            Some("送信")
        );
        assert_eq!(fcc_folder_in("imap://taro@mail.example/Sent", &s), None);
        assert_eq!(fcc_folder_in("mailbox://taro@pop.example/Sent", &s), None);
        let rel = MailStore {
            directory_rel: Some("[ProfD]Mail/Local Folders".into()),
            ..s
        };
        assert_eq!(
            directory_of(&rel, Path::new("/p")),
            PathBuf::from("/p/Mail/Local Folders")
        );
    }

    #[test]
    fn special_folders_by_name_and_fcc() {
        assert_eq!(
            special_use_of("Inbox", true, &store(&[])),
            Some(SpecialUse::Inbox)
        );
        assert_eq!(
            special_use_of("Sent", true, &store(&[])),
            Some(SpecialUse::Sent)
        );
        assert_eq!(special_use_of("a/Sent", false, &store(&[])), None);
        assert_eq!(
            special_use_of("送信済み", true, &store(&["送信済み"])),
            Some(SpecialUse::Sent)
        );
        assert_eq!(special_use_of("研究室", true, &store(&[])), None);
        assert!(is_not_a_folder("Inbox.msf") && is_not_a_folder("popstate.dat"));
        assert!(!is_not_a_folder("Inbox") && !is_not_a_folder("研究室"));
    }

    #[test]
    fn snapshot_of_a_stable_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("Inbox");
        let mut data = Vec::new();
        super::super::mbox::write_mbox(
            &mut data,
            &[
                (
                    "From - Tue Jan 02 10:00:00 2024",
                    b"X-Mozilla-Status: 0001\n\na\n",
                ),
                (
                    "From - Tue Jan 02 10:00:00 2024",
                    b"X-Mozilla-Status: 0008\n\nb\n",
                ),
                ("From - Tue Jan 02 10:00:00 2024", b"Subject: c\n\nc\n"),
            ],
            "\n",
        );
        std::fs::write(&path, &data).expect("write");
        let mut kept = 0;
        let mut gone = 0;
        let outcome = read_folder::<()>(&path, &mut |v| {
            match v {
                Visit::Message(_) => kept += 1,
                Visit::Expunged(_) => gone += 1,
                Visit::Restart => panic!("stable file re-read"),
            }
            Ok(())
        })
        .map_err(|_| "read")
        .expect("read");
        assert_eq!((kept, gone), (2, 1));
        assert_eq!(outcome.file_bytes, data.len() as u64);
        assert!(!outcome.changed && outcome.attempts == 1);

        // New mail arrives while the folder is read: the read starts over and sees it.
        let mut seen = 0;
        let mut appended = false;
        let outcome = read_folder::<()>(&path, &mut |v| {
            match v {
                Visit::Message(_) => {
                    seen += 1;
                    if !appended {
                        appended = true;
                        use std::io::Write;
                        let mut f = std::fs::OpenOptions::new()
                            .append(true)
                            .open(&path)
                            .expect("open for append");
                        f.write_all(b"From - Wed Jan 03 10:00:00 2024\nSubject: d\n\nd\n\n")
                            .expect("append");
                    }
                }
                Visit::Expunged(_) => {}
                Visit::Restart => seen = 0,
            }
            Ok(())
        })
        .map_err(|_| "read")
        .expect("read");
        assert_eq!(outcome.attempts, 2);
        assert!(!outcome.changed);
        assert_eq!(seen, 3);
    }
}
