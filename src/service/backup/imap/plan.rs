//! Planning one folder: from its STATUS (unchanged since the last complete run?) or its
//! EXAMINE and a metadata listing, what the archive already holds, what older entries are
//! re-identified, and what is left to fetch.

use std::collections::{HashMap, HashSet};

use crate::archive::{FolderRecord, FolderSync, HeldId, MessageKey, MessageRecord, Prior};
use crate::imap::{ListedFolder, ReadSession};
use crate::mail::envelope::Envelope;
use crate::model::{FolderInfo, SpecialUse};
use crate::service::backup::writer::{WriteCmd, Writer};
use crate::service::backup::{BackupError, Failure, FolderOutcome, retry};

/// What one folder needs.
pub(super) struct FolderPlan {
    pub(super) listed: ListedFolder,
    pub(super) info: FolderInfo,
    /// `(uid, size)` still to fetch, ascending.
    pub(super) pending: Vec<(u32, u64)>,
    /// Archived messages to re-identify with a new UID (UIDVALIDITY changed).
    pub(super) rekeys: Vec<(HeldId, u32)>,
    /// Unmatched messages from an older UIDVALIDITY, by `(size, sha256)`: a fetched message
    /// with the same content takes one's place instead of being stored again (each once, so
    /// identical copies stay as many as they were).
    pub(super) by_hash: HashMap<(u64, String), Vec<HeldId>>,
    /// The folder and its re-identifications were handed to the writer (under `info`'s
    /// UIDVALIDITY): from then on that UIDVALIDITY must hold.
    pub(super) started: bool,
    /// UIDs known to be on the server (for the oversize list): every UID when the whole
    /// folder was listed, else the new ones and the archived oversize ones.
    pub(super) on_server: HashSet<u32>,
    /// Fetches that ended without a message the server still lists, per UID.
    pub(super) undelivered: HashMap<u32, u32>,
    /// UIDs the server lists but did not deliver in [`MAX_UNDELIVERED`] tries.
    pub(super) unfetched: Vec<u32>,
    /// The server state to record once every pending message is in the archive.
    pub(super) sync: Option<FolderSync>,
    pub(super) outcome: FolderOutcome,
}

/// The part of a STATUS that tells whether a folder changed; `None` when the server does not
/// report UIDVALIDITY or UIDNEXT (such a folder is always listed in full).
pub(super) fn sync_state(status: &crate::imap::FolderStatus) -> Option<FolderSync> {
    Some(FolderSync {
        uid_validity: status.uid_validity?,
        uid_next: status.uid_next?,
        messages: status.messages,
        highest_modseq: status.highest_modseq,
    })
}

/// The plan of a folder whose STATUS matches what the archive recorded: nothing to fetch,
/// and the folder is not even opened unless it holds archived oversize messages to look up.
pub(super) async fn unchanged_plan(
    session: &mut ReadSession,
    folder: &ListedFolder,
    prior: Option<&Prior>,
    sync: FolderSync,
    limit: u64,
) -> Result<FolderPlan, Failure> {
    let validity = Some(sync.uid_validity);
    let (mut size, mut large) = (0, Vec::new());
    for m in prior
        .iter()
        .flat_map(|p| p.messages_in(&folder.name))
        .filter(|m| m.uid_validity == validity)
    {
        if let Some(uid) = m.uid {
            size += m.size;
            if m.size > limit {
                large.push(uid);
            }
        }
    }
    let on_server = if large.is_empty() {
        HashSet::new()
    } else {
        session
            .examine(&folder.raw_name)
            .await
            .map_err(Failure::from_imap)?;
        oversize_on_server(session, large).await?
    };
    let mut plan = FolderPlan::empty(folder, sync.messages, Some(sync.uid_next), validity, size);
    plan.outcome.already = u64::from(sync.messages);
    plan.outcome.unchanged = true;
    plan.on_server = on_server;
    plan.sync = Some(sync);
    Ok(plan)
}

/// The plan of a folder whose STATUS matches what the archive recorded, from the archive's
/// folder record alone: when it says no archived message of the folder is above `limit`,
/// there is nothing to look up on the server and no message record to read. `None` when
/// the record cannot say so (one is above the limit, or an older version wrote it).
pub(super) fn recorded_unchanged_plan(
    folder: &ListedFolder,
    record: &FolderRecord,
    sync: FolderSync,
    limit: u64,
) -> Option<FolderPlan> {
    if record.largest? > limit {
        return None;
    }
    // The folder's size is not needed: nothing is fetched, and the archive keeps none.
    let validity = Some(sync.uid_validity);
    let mut plan = FolderPlan::empty(folder, sync.messages, Some(sync.uid_next), validity, 0);
    plan.outcome.already = u64::from(sync.messages);
    plan.outcome.unchanged = true;
    plan.sync = Some(sync);
    Some(plan)
}

/// Whether the recorded state `saved` still stands for a folder now at `now` that this run
/// left as it was: the same UIDVALIDITY, UIDNEXT and message count, only HIGHESTMODSEQ
/// moved (flags changed). Recording `now` instead would rewrite the manifest for nothing.
pub(super) fn keeps_record(
    saved: Option<FolderSync>,
    now: FolderSync,
    outcome: &FolderOutcome,
) -> bool {
    saved.is_some_and(|s| {
        (s.uid_validity, s.uid_next, s.messages) == (now.uid_validity, now.uid_next, now.messages)
            && outcome.added == 0
            && outcome.rekeyed == 0
    })
}

impl FolderPlan {
    /// The plan of `folder` as the server reports it, with nothing to do yet.
    fn empty(
        folder: &ListedFolder,
        messages: u32,
        uid_next: Option<u32>,
        uid_validity: Option<u32>,
        size: u64,
    ) -> FolderPlan {
        FolderPlan {
            listed: folder.clone(),
            started: false,
            outcome: FolderOutcome {
                folder: folder.name.clone(),
                uid_validity,
                server_messages: u64::from(messages),
                added: 0,
                already: 0,
                rekeyed: 0,
                vanished: 0,
                unchanged: false,
            },
            info: FolderInfo {
                selectable: true,
                messages,
                uid_next,
                uid_validity,
                size,
                ..FolderInfo::from(folder)
            },
            pending: Vec::new(),
            rekeys: Vec::new(),
            by_hash: HashMap::new(),
            on_server: HashSet::new(),
            undelivered: HashMap::new(),
            unfetched: Vec::new(),
            sync: None,
        }
    }
}

/// Which of the archived messages above the limit (UIDs `large`, under the folder's current
/// UIDVALIDITY) the examined folder still has: one `UID FETCH` of just those UIDs, usually
/// none or a handful.
async fn oversize_on_server(
    session: &mut ReadSession,
    mut large: Vec<u32>,
) -> Result<HashSet<u32>, Failure> {
    if large.is_empty() {
        return Ok(HashSet::new());
    }
    large.sort_unstable();
    let metas = session
        .fetch_meta(&retry::uid_set(&large), &[])
        .await
        .map_err(Failure::from_imap)?;
    Ok(metas
        .into_iter()
        .map(|m| m.uid)
        .filter(|u| large.binary_search(u).is_ok())
        .collect())
}

/// One message of a folder listing: only what planning needs, so listing a folder of
/// 100,000 messages costs a few megabytes.
struct ServerMessage {
    uid: u32,
    size: u64,
    /// Asked for only when archived messages need re-identifying.
    message_id: Option<String>,
}

async fn server_list(
    session: &mut ReadSession,
    uid_set: &str,
    fields: &[&str],
) -> Result<Vec<ServerMessage>, Failure> {
    let mut list = Vec::new();
    session
        .fetch_meta_each(uid_set, fields, |meta| {
            list.push(ServerMessage {
                uid: meta.uid,
                size: meta.size,
                message_id: meta
                    .header
                    .as_deref()
                    .and_then(|h| Envelope::parse(h).message_id),
            });
        })
        .await
        .map_err(Failure::from_imap)?;
    Ok(list)
}

/// Whether the archive holds messages of `folder` with a UID under another UIDVALIDITY
/// than `validity` (their full records are then read for [`plan_examined`]).
pub(super) fn has_stale(prior: Option<&Prior>, folder: &str, validity: Option<u32>) -> bool {
    prior
        .iter()
        .flat_map(|p| p.messages_in(folder))
        .any(|m| m.uid.is_some() && m.uid_validity != validity)
}

/// The plan of one folder from the EXAMINE `status` the session holds now: what the archive
/// already has under this UIDVALIDITY, what older messages (`stale`: the folder's archived
/// records under another UIDVALIDITY) this EXAMINE's messages re-identify (Message-ID and
/// size now, content hash while fetching) and what is left to fetch.
#[allow(clippy::too_many_arguments)]
pub(super) async fn plan_examined(
    session: &mut ReadSession,
    folder: &ListedFolder,
    status: crate::imap::FolderStatus,
    prior: Option<&Prior>,
    stale: Vec<(HeldId, MessageRecord)>,
    saved: Option<FolderSync>,
    now_sync: Option<FolderSync>,
    limit: u64,
) -> Result<FolderPlan, Failure> {
    let validity = status.uid_validity;
    let mut archived: HashSet<u32> = HashSet::new();
    let mut large: Vec<u32> = Vec::new();
    for m in prior
        .iter()
        .flat_map(|p| p.messages_in(&folder.name))
        .filter(|m| m.uid_validity == validity)
    {
        if let Some(uid) = m.uid {
            archived.insert(uid);
            if m.size > limit {
                large.push(uid);
            }
        }
    }
    let fields: &[&str] = if stale.is_empty() {
        &[]
    } else {
        &["MESSAGE-ID"]
    };
    // Only UIDs from the recorded UIDNEXT on can be new while the UIDVALIDITY holds;
    // the counts then tell whether anything was expunged since (UIDs are never reused).
    let since = saved
        .filter(|s| Some(s.uid_validity) == validity && stale.is_empty())
        .map(|s| (s.uid_next, s.messages));
    let mut incremental = None;
    if let (Some((from, then)), true) = (since, status.messages > 0) {
        let new: Vec<_> = server_list(session, &format!("{from}:*"), fields)
            .await?
            .into_iter()
            .filter(|m| m.uid >= from)
            .collect();
        if u64::from(then) + new.len() as u64 == u64::from(status.messages) {
            incremental = Some(new);
        }
    }
    let listed_all = incremental.is_none();
    let metas = match incremental {
        Some(new) => new,
        None if status.messages > 0 => server_list(session, "1:*", fields).await?,
        None => Vec::new(),
    };
    // Stale messages by Message-ID and size; each can be claimed once.
    let mut by_id: HashMap<(String, u64), Vec<HeldId>> = HashMap::new();
    for (held, m) in &stale {
        if let Some(id) = &m.message_id {
            by_id.entry((id.clone(), m.size)).or_default().push(*held);
        }
    }
    let mut claimed: HashSet<HeldId> = HashSet::new();
    let mut pending = Vec::new();
    let mut rekeys = Vec::new();
    let mut on_server = HashSet::with_capacity(metas.len());
    let mut already = 0;
    if !listed_all {
        // Nothing expunged since the recorded state: everything archived then is still
        // there, and only the archived oversize messages need checking by UID.
        already = u64::from(saved.map_or(0, |s| s.messages));
        on_server = oversize_on_server(session, large).await?;
    }
    for meta in &metas {
        on_server.insert(meta.uid);
        if archived.contains(&meta.uid) {
            already += 1;
            continue;
        }
        let matched = meta
            .message_id
            .clone()
            .and_then(|id| by_id.get_mut(&(id, meta.size)))
            .and_then(Vec::pop);
        match matched {
            Some(held) => {
                claimed.insert(held);
                rekeys.push((held, meta.uid));
            }
            None => pending.push((meta.uid, meta.size)),
        }
    }
    pending.sort_unstable();
    let mut by_hash: HashMap<(u64, String), Vec<HeldId>> = HashMap::new();
    for (held, m) in stale
        .into_iter()
        .filter(|(held, m)| !claimed.contains(held) && !m.sha256.is_empty())
    {
        by_hash.entry((m.size, m.sha256)).or_default().push(held);
    }
    let size = metas.iter().map(|m| m.size).sum();
    let mut plan = FolderPlan::empty(folder, status.messages, status.uid_next, validity, size);
    plan.outcome.already = already;
    plan.pending = pending;
    plan.rekeys = rekeys;
    plan.by_hash = by_hash;
    plan.on_server = on_server;
    // Recorded only if the EXAMINE saw the UIDVALIDITY the STATUS reported.
    plan.sync = now_sync.filter(|s| Some(s.uid_validity) == validity);
    Ok(plan)
}

/// Whether the person's `wanted` folder name means `folder`: the decoded name, the name
/// with `/` as separator, or (on servers that put everything under `INBOX.`) without it.
pub(super) fn folder_matches(folder: &ListedFolder, wanted: &str) -> bool {
    let is_inbox = folder.special_use == Some(SpecialUse::Inbox);
    if folder.name == wanted || (wanted.eq_ignore_ascii_case("INBOX") && is_inbox) {
        return true;
    }
    let Some(d) = folder.delimiter else {
        return false;
    };
    let with_delim = wanted.replace('/', &d.to_string());
    folder.name == with_delim || folder.name == format!("INBOX{d}{with_delim}")
}

/// Gives an archived message (found again after a UIDVALIDITY change) its new UID.
pub(super) async fn rekey(
    writer: &mut Writer,
    path: &std::path::Path,
    plan: &mut FolderPlan,
    id: HeldId,
    uid: u32,
) -> Result<(), BackupError> {
    let cmd = WriteCmd::Rekey {
        id,
        key: MessageKey::Uid(uid),
        uid_validity: plan.info.uid_validity,
    };
    writer.send(cmd, path).await?;
    plan.outcome.rekeyed += 1;
    Ok(())
}
