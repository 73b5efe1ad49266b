//! # Backup against the live server: per-folder counts
//!
//! `ikou backup verify FILE -p PROFILE` re-reads the archive (see `archive::verify`) and
//! then asks the server, read-only, how many messages each folder holds now (STATUS for
//! IMAP, STAT for POP3), so a person sees whether the backup covers the whole mailbox.

use std::collections::HashMap;

use serde::Serialize;

use super::{BackupError, pop3::POP3_FOLDER};
use crate::archive::{Manifest, SourceKind};
use crate::profile::{Profile, Side};
use crate::service::AccountRef;

/// One folder in the backup, the server, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderCount {
    pub folder: String,
    /// Messages of this folder in the backup that belong to the server's current
    /// UIDVALIDITY (all of them for POP3). `None`: the folder is not in the backup.
    pub archived: Option<u64>,
    /// Messages in the backup from an older UIDVALIDITY (kept, but not comparable).
    pub archived_older: u64,
    /// STATUS MESSAGES / STAT count. `None`: the server has no such folder any more.
    pub server: Option<u64>,
    pub same: bool,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerCounts {
    pub server: String,
    pub folders: Vec<FolderCount>,
    /// Folders whose counts differ (a folder missing on one side counts when it has mail).
    pub differences: usize,
}

/// Compares the manifest's per-folder counts with the server's.
pub async fn compare_counts(
    profile: &Profile,
    account: &AccountRef,
    side: Side,
    manifest: &Manifest,
) -> Result<ServerCounts, BackupError> {
    let (server, live): (String, Vec<(String, u64, Option<u32>)>) = match manifest.source {
        SourceKind::Imap => {
            let mut session = crate::service::open_read_session(profile, side, account).await?;
            let listed = session.list_folders().await?;
            let mut live = Vec::new();
            for f in listed.iter().filter(|f| f.selectable) {
                let status = session.status(&f.raw_name).await?;
                live.push((
                    f.name.clone(),
                    u64::from(status.messages),
                    status.uid_validity,
                    f.raw_name.clone(),
                ));
            }
            // A UIDVALIDITY other than the archive's: look again a second later. One that
            // changes between two looks identifies nothing (Courier, for folders no client
            // opened read-write); such folders are compared by count alone.
            let differs = |name: &str, now: Option<u32>| {
                manifest
                    .folder(name)
                    .is_some_and(|f| f.uid_validity.is_some() && f.uid_validity != now)
            };
            if live.iter().any(|(name, _, v, _)| differs(name, *v)) {
                tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
                for (name, _, validity, raw) in &mut live {
                    if differs(name, *validity)
                        && session.status(raw).await?.uid_validity != *validity
                    {
                        *validity = None;
                    }
                }
            }
            let live = live
                .into_iter()
                .map(|(name, n, v, _)| (name, n, v))
                .collect();
            let server = session.server().to_string();
            session.logout().await;
            (server, live)
        }
        SourceKind::Local => return Err(BackupError::LocalBackup),
        SourceKind::Pop3 => {
            let mut session = crate::service::open_pop3_session(profile, side, account).await?;
            let (count, _) = session.stat().await?;
            let server = session.server().to_string();
            let _ = session.quit().await;
            (
                server,
                vec![(POP3_FOLDER.to_string(), u64::from(count), None)],
            )
        }
    };
    Ok(ServerCounts {
        server,
        ..counts(manifest, &live)
    })
}

/// The pure part: `live` is `(folder, messages, uidvalidity)` as the server reports it
/// (`None`: the server keeps no stable UIDVALIDITY for it, every archived message counts).
pub fn counts(manifest: &Manifest, live: &[(String, u64, Option<u32>)]) -> ServerCounts {
    let validity: HashMap<&str, Option<u32>> = live
        .iter()
        .map(|(name, _, v)| (name.as_str(), *v))
        .collect();
    let mut current: HashMap<&str, u64> = HashMap::new();
    let mut older: HashMap<&str, u64> = HashMap::new();
    for m in &manifest.messages {
        let now = validity.get(m.folder.as_str()).copied().flatten();
        let is_current =
            manifest.source == SourceKind::Pop3 || now.is_none() || m.uid_validity == now;
        let map = if is_current { &mut current } else { &mut older };
        *map.entry(m.folder.as_str()).or_default() += 1;
    }
    let mut folders: Vec<FolderCount> = Vec::new();
    for f in &manifest.folders {
        let server = live
            .iter()
            .find(|(name, _, _)| name == &f.name)
            .map(|(_, n, _)| *n);
        let archived = current.get(f.name.as_str()).copied().unwrap_or(0);
        folders.push(FolderCount {
            folder: f.name.clone(),
            archived: Some(archived),
            archived_older: older.get(f.name.as_str()).copied().unwrap_or(0),
            same: server == Some(archived) || (server.is_none() && archived == 0),
            server,
        });
    }
    for (name, n, _) in live {
        if manifest.folder(name).is_none() {
            folders.push(FolderCount {
                folder: name.clone(),
                archived: None,
                archived_older: 0,
                server: Some(*n),
                same: *n == 0,
            });
        }
    }
    let differences = folders.iter().filter(|f| !f.same).count();
    ServerCounts {
        server: manifest.server.clone(),
        folders,
        differences,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::{FolderRecord, MessageRecord};

    fn manifest() -> Manifest {
        let mut m = Manifest::new("h:993", "a@b", SourceKind::Imap);
        for name in ["INBOX", "Old"] {
            m.folders.push(FolderRecord {
                name: name.into(),
                raw_name: name.into(),
                delimiter: Some('.'),
                special_use: None,
                uid_validity: Some(5),
                messages: 0,
                dir: format!("{name}/"),
                synced: None,
                largest: None,
            });
        }
        for (uid, v) in [(1, 5), (2, 5), (3, 4)] {
            m.messages.push(MessageRecord {
                folder: "INBOX".into(),
                uid: Some(uid),
                uid_validity: Some(v),
                entry: format!("INBOX/{uid}.eml"),
                ..Default::default()
            });
        }
        m
    }

    #[test]
    fn counts_compare_current_uidvalidity_only() {
        let live = vec![
            ("INBOX".to_string(), 2, Some(5)),
            ("New".to_string(), 3, Some(1)),
            ("Empty".to_string(), 0, Some(1)),
        ];
        let c = counts(&manifest(), &live);
        let get = |n: &str| c.folders.iter().find(|f| f.folder == n).cloned();
        let inbox = get("INBOX").expect("inbox");
        assert_eq!(
            (inbox.archived, inbox.archived_older, inbox.server),
            (Some(2), 1, Some(2))
        );
        assert!(inbox.same);
        let old = get("Old").expect("old");
        assert!(old.same, "gone from the server, nothing archived: {old:?}");
        assert!(!get("New").expect("new").same);
        assert!(get("Empty").expect("empty").same);
        assert_eq!(c.differences, 1);
    }
}
