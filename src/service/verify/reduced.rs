//! `ikou verify` without holding the mailboxes: each side is reduced, as it is read, to
//! compact identities, and the envelopes go to a temporary file (see `spill`) from which only
//! the messages a finding is about are read back. A face that may restore afterwards (the
//! full-screen verify, `ikou restore`) keeps a [`RestoreBasis`] besides the report: the
//! folders and the old copies of the messages the findings name, nothing more.

use super::basis::RestoreBasis;
use super::spill::{Reduced, Spill};
use super::{
    AccountRef, OldSource, SourceInfo, VerifyError, VerifyReport, old_mailbox_with, read_into,
    report_listed,
};
use std::path::Path;

use super::archived::{Archived, read_backup};
use crate::archive::Manifest;
use crate::archive::manifest::MessageRecord;
use crate::compare::listing::{Details, Listed, Listing};
use crate::i18n::Lang;
use crate::imap::ReadSession;
use crate::model::{FolderMessages, MessageInfo};
use crate::profile::{Profile, Side};
use crate::service::open_read_session;
use crate::service::progress::{Progress, silent};

/// Where the envelopes of one side's listed messages are.
#[derive(Debug)]
pub enum Envelopes {
    /// Held in memory (a snapshot, or a mailbox another step still needs), with the backup's
    /// manifest when they were read from one.
    Held {
        folders: Vec<FolderMessages>,
        manifest: Option<Manifest>,
    },
    /// Written to a temporary file as they were read live.
    Spilled(Spill),
    /// A backup's records, written to a temporary file as its manifest was read.
    Archived(Archived),
}

impl Envelopes {
    fn message(&self, folder: usize, index: usize) -> MessageInfo {
        match self {
            Envelopes::Held { folders, .. } => folders
                .get(folder)
                .and_then(|f| f.messages.get(index))
                .cloned()
                .unwrap_or_default(),
            Envelopes::Spilled(spill) => spill.message(folder, index),
            Envelopes::Archived(archived) => archived.message(folder, index),
        }
    }

    /// The backup's record of a message, when the side was read from a backup (a restore
    /// reads its bytes through it). Only an IMAP record (with a UID) is given, as the
    /// whole-manifest reading pairs records with findings by folder and UID.
    fn record(&self, folder: usize, index: usize) -> Option<MessageRecord> {
        match self {
            Envelopes::Archived(archived) => {
                archived.record(folder, index).filter(|r| r.uid.is_some())
            }
            Envelopes::Held { .. } | Envelopes::Spilled(_) => None,
        }
    }

    fn failure(&self) -> Option<std::io::Error> {
        match self {
            Envelopes::Held { .. } => None,
            Envelopes::Spilled(spill) => spill.failure(),
            Envelopes::Archived(archived) => archived.failure(),
        }
    }

    /// The backup's manifest, when the side was read whole from one.
    fn manifest(&self) -> Option<&Manifest> {
        match self {
            Envelopes::Held { manifest, .. } => manifest.as_ref(),
            Envelopes::Spilled(_) | Envelopes::Archived(_) => None,
        }
    }
}

/// Both sides' envelopes, for the findings.
struct BothEnvelopes<'a> {
    old: &'a Envelopes,
    new: &'a Envelopes,
}

impl Details for BothEnvelopes<'_> {
    fn message(&self, side: Side, folder: usize, index: usize) -> crate::model::MessageInfo {
        match side {
            Side::Old => self.old.message(folder, index),
            Side::New => self.new.message(folder, index),
        }
    }
}

/// One side reduced for the comparison: where it was read, its folders as compact
/// identities, and where their envelopes are.
#[derive(Debug)]
pub struct ReducedSide {
    source: SourceInfo,
    folders: Vec<Listed>,
    envelopes: Envelopes,
}

impl ReducedSide {
    /// A side already held in memory (a snapshot, or a live read that another step still
    /// needs).
    pub fn held(old: super::OldMailbox) -> Self {
        ReducedSide {
            source: old.source,
            folders: old.folders.iter().map(Listed::of).collect(),
            envelopes: Envelopes::Held {
                folders: old.folders,
                manifest: old.manifest,
            },
        }
    }

    /// The backup at `path` as the old side, its manifest streamed: each message kept as
    /// its compact identity, its record in a temporary file (see `archived`). The body of
    /// each message without a Message-ID is hashed from the backup's own bytes, as it is
    /// read live from a server.
    pub fn backup(path: &Path) -> Result<Self, VerifyError> {
        let (source, folders, archived) = read_backup(path)?;
        Ok(ReducedSide {
            source,
            folders,
            envelopes: Envelopes::Archived(archived),
        })
    }
}

/// An error of the temporary file that holds the envelopes.
fn spill_error(e: std::io::Error) -> VerifyError {
    VerifyError::Unreadable {
        path: std::env::temp_dir(),
        detail: e.to_string(),
    }
}

/// Reads one side live into compact identities and a spill.
async fn read_reduced(
    profile: &Profile,
    account: &AccountRef,
    side: Side,
    progress: &Progress,
) -> Result<(String, ReducedSide), VerifyError> {
    let session = open_read_session(profile, side, account).await?;
    reduce_session(session, side, progress).await
}

/// Reads one side live, through a session already signed in, into compact identities and a
/// spill; the session is logged out at the end. Returns the server's name and the side.
pub async fn reduce_session(
    session: ReadSession,
    side: Side,
    progress: &Progress,
) -> Result<(String, ReducedSide), VerifyError> {
    let reduced = Reduced::new().map_err(spill_error)?;
    let (server, result) = read_into(session, side, progress, reduced).await;
    let (folders, spill) = result?.finish().map_err(spill_error)?;
    let side = ReducedSide {
        source: SourceInfo::live(server.clone()),
        folders,
        envelopes: Envelopes::Spilled(spill),
    };
    Ok((server, side))
}

/// The old side, reduced: live as it is read, from a file once loaded.
async fn old_reduced(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    progress: &Progress,
) -> Result<ReducedSide, VerifyError> {
    match source {
        OldSource::Live => Ok(read_reduced(profile, account, Side::Old, progress).await?.1),
        OldSource::Backup(path) => ReducedSide::backup(path),
        OldSource::Snapshot(_) => {
            let old = old_mailbox_with(profile, account, source, progress).await?;
            Ok(ReducedSide::held(old))
        }
    }
}

/// Reads both sides reduced: the new one on a task of its own, so that the two sides'
/// parsing can use two cores, the old one from `source`.
async fn read_both(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    progress: &Progress,
) -> Result<(ReducedSide, String, ReducedSide), VerifyError> {
    // The guard stops the new side's task if this future is dropped before it ends.
    let new_side = {
        let (profile, account, progress) = (profile.clone(), account.clone(), progress.clone());
        AbortOnDrop(tokio::spawn(async move {
            read_reduced(&profile, &account, Side::New, &progress).await
        }))
    };
    let old = old_reduced(profile, account, source, progress).await;
    // A task is cancelled only when the runtime shuts down under it.
    let new = new_side.join().await.unwrap_or_else(|| {
        Err(crate::imap::ImapError::Closed {
            server: format!("the {} server", Side::New),
            detail: "reading stopped before it was complete".to_string(),
        }
        .into())
    });
    let old = old?;
    let (new_server, new) = new?;
    Ok((old, new_server, new))
}

/// The report of a verification without the mailboxes, for a face that shows only the
/// report (`ikou verify`): each message is reduced to its compact identity as it arrives and
/// its envelope goes to a temporary file, so memory stays small whatever the number of
/// messages (see `spill`).
pub async fn verify_report(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
    progress: &Progress,
) -> Result<VerifyReport, VerifyError> {
    let (old, new_server, new) = read_both(profile, account, source, progress).await?;
    let mut report = report_reduced(profile, old, &new_server, new, lang)?;
    report.run.address = Some(account.address.clone());
    Ok(report)
}

/// Gathers both sides (concurrently: two servers, two connections) and compares them; the
/// report comes with what a restore from it needs ([`RestoreBasis`]).
pub async fn verify(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    verify_with(profile, account, source, lang, &silent()).await
}

/// The whole verify use case for a face that may restore afterwards (the full-screen verify,
/// `ikou restore`): [`verify`] with each folder of each side reported to `progress` as it is
/// read. Memory as for [`verify_report`], plus the findings' old copies.
pub async fn verify_with(
    profile: &Profile,
    account: &AccountRef,
    source: &OldSource,
    lang: Lang,
    progress: &Progress,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    let (old, new_server, new) = read_both(profile, account, source, progress).await?;
    let (mut report, basis) = report_with_basis(profile, old, &new_server, new, lang)?;
    report.run.address = Some(account.address.clone());
    Ok((report, basis))
}

/// The report over two reduced sides (what [`super::build_report`] is over two held
/// mailboxes). Fails only when the temporary file of envelopes could not be read back, so
/// that a finding never lacks its message.
pub fn report_reduced(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
) -> Result<VerifyReport, VerifyError> {
    compare_reduced(profile, old, new_server, new, lang, |_, _, _| ()).map(|(report, ())| report)
}

/// [`report_reduced`] with what a restore from the report needs.
pub fn report_with_basis(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
) -> Result<(VerifyReport, RestoreBasis), VerifyError> {
    compare_reduced(
        profile,
        old,
        new_server,
        new,
        lang,
        |report, listing, old| {
            let find = |folder: &str, uid: u32| {
                let at = listing.old.iter().position(|f| f.folder.name == folder)?;
                let index = listing.old.get(at)?.position(uid)?;
                let info = old.envelopes.message(at, index);
                Some((info, old.envelopes.record(at, index)))
            };
            RestoreBasis::gather(
                report,
                old.source.clone(),
                listing.old.iter().map(|f| f.folder.clone()).collect(),
                listing.new.iter().map(|f| f.folder.clone()).collect(),
                find,
                old.envelopes.manifest(),
            )
        },
    )
}

/// The comparison of two reduced sides, and `more` taken from it while the envelopes are
/// still at hand; checked for a failed read-back of the envelopes after both.
fn compare_reduced<T>(
    profile: &Profile,
    old: ReducedSide,
    new_server: &str,
    new: ReducedSide,
    lang: Lang,
    more: impl FnOnce(&VerifyReport, &Listing, &OldSide) -> T,
) -> Result<(VerifyReport, T), VerifyError> {
    let listing = Listing::new(old.folders, new.folders);
    let details = BothEnvelopes {
        old: &old.envelopes,
        new: &new.envelopes,
    };
    let report = report_listed(profile, &old.source, new_server, &listing, &details, lang);
    let old = OldSide {
        source: old.source,
        envelopes: old.envelopes,
    };
    let extra = more(&report, &listing, &old);
    if let Some(e) = old.envelopes.failure().or_else(|| new.envelopes.failure()) {
        return Err(spill_error(e));
    }
    Ok((report, extra))
}

/// The old side once its folders went into the comparison's listing.
struct OldSide {
    source: SourceInfo,
    envelopes: Envelopes,
}

/// A spawned task that is aborted when its handle is dropped unjoined.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> AbortOnDrop<T> {
    /// The task's result, `None` when it was cancelled; a panic in the task goes on in the
    /// caller, as it would have had the task's future been awaited in place.
    async fn join(mut self) -> Option<T> {
        match (&mut self.0).await {
            Ok(value) => Some(value),
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(_) => None,
            },
        }
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::result::{FindingKind, Reason};
    use crate::imap::FetchedMeta;
    use crate::model::{FolderInfo, SpecialUse};
    use crate::service::verify::OldMailbox;
    use crate::service::verify::gather::{Collector, Whole};
    use std::collections::BTreeSet;

    fn profile() -> Profile {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("assets/profiles/exchange-online.toml");
        Profile::load(&path).expect("shipped profile")
    }

    fn folder(name: &str, special_use: SpecialUse) -> FolderInfo {
        let mut info = crate::compare::path::tests::folder(name, Some('/'));
        info.raw_name = format!("{name}&AAA-");
        info.special_use = Some(special_use);
        info
    }

    /// A message as fetched; `id: None` gives one without a Message-ID.
    fn meta(uid: u32, id: Option<&str>, subject: &str, size: u64) -> FetchedMeta {
        let mut header = String::new();
        if let Some(id) = id {
            header.push_str(&format!("Message-ID: <{id}@example-univ.ac.jp>\r\n"));
        }
        header.push_str(&format!(
            "Date: Mon, 20 Jan 2025 09:{:02}:00 +0900\r\nFrom: taro@example-univ.ac.jp\r\n\
             To: hanako@example-univ.ac.jp\r\nSubject: {subject}\r\n\r\n",
            uid % 60
        ));
        FetchedMeta {
            uid,
            size,
            internal_date: Some(format!("2025-01-20T09:{:02}:00+09:00", uid % 60)),
            flags: if uid.is_multiple_of(2) {
                vec!["\\Seen".into()]
            } else {
                vec!["\\Answered".into(), "$Label1".into()]
            },
            header: Some(header.into_bytes()),
        }
    }

    /// Each folder's messages, and the body hashes of those without a Message-ID.
    type Side = Vec<(FolderInfo, Vec<FetchedMeta>, Vec<(u32, String)>)>;

    fn feed(collector: &mut dyn Collector, side: &Side) {
        for (info, metas, bodies) in side {
            collector.begin(info.clone());
            for m in metas {
                collector.message(m.clone());
            }
            for (uid, hash) in bodies {
                collector.body_hash(*uid, hash.clone());
            }
            collector.end();
        }
    }

    /// Reduced as a live read reduces it: identities, envelopes in a temporary file.
    fn spilled(side: &Side, server: &str) -> ReducedSide {
        let mut reduced = Reduced::new().expect("temporary file");
        feed(&mut reduced, side);
        let (folders, spill) = reduced.finish().expect("spill");
        ReducedSide {
            source: SourceInfo::live(server.into()),
            folders,
            envelopes: Envelopes::Spilled(spill),
        }
    }

    fn whole(side: &Side) -> Vec<crate::model::FolderMessages> {
        let mut whole = Whole::default();
        feed(&mut whole, side);
        whole.0
    }

    /// Old: INBOX with 200 messages (one without a Message-ID, one too large), Sent with 5.
    /// New: the copy without INBOX 7, 8, 120 (no Message-ID), 150 (too large) and Sent 4, 5;
    /// one garbled subject and one extra copy.
    /// The report and basis of [`mailboxes`], both sides read through the spill.
    fn spilled_report() -> (Side, Side, VerifyReport, RestoreBasis) {
        let (old, new) = mailboxes();
        let (report, basis) = report_with_basis(
            &profile(),
            spilled(&old, "old:993"),
            "new:993",
            spilled(&new, "new:993"),
            Lang::En,
        )
        .expect("report");
        (old, new, report, basis)
    }

    fn mailboxes() -> (Side, Side) {
        let big = 200 * 1024 * 1024;
        let inbox: Vec<FetchedMeta> = (1..=200)
            .map(|uid| match uid {
                120 => meta(uid, None, "no id", 4_000),
                150 => meta(uid, Some("m150"), "poster", big),
                42 => meta(uid, Some("m42"), "=?UTF-8?B?5Lya6K2w44Gu5Lu2?=", 5_000),
                _ => meta(uid, Some(&format!("m{uid}")), &format!("note {uid}"), 3_000),
            })
            .collect();
        let sent: Vec<FetchedMeta> = (1..=5)
            .map(|uid| meta(uid, Some(&format!("s{uid}")), &format!("sent {uid}"), 9_000))
            .collect();
        let old: Side = vec![
            (
                folder("INBOX", SpecialUse::Inbox),
                inbox.clone(),
                vec![(120, "b120".into())],
            ),
            (folder("Sent", SpecialUse::Sent), sent.clone(), vec![]),
        ];
        let mut new_inbox: Vec<FetchedMeta> = inbox
            .iter()
            .filter(|m| ![7, 8, 120, 150].contains(&m.uid))
            .cloned()
            .collect();
        for m in &mut new_inbox {
            if m.uid == 42 {
                m.header = meta(42, Some("m42"), "会議の\u{FFFD}\u{FFFD}", 5_000).header;
            }
        }
        let mut copy = inbox[0].clone();
        copy.uid = 900;
        new_inbox.push(copy);
        let new: Side = vec![
            (folder("INBOX", SpecialUse::Inbox), new_inbox, vec![]),
            (
                folder("Sent Items", SpecialUse::Sent),
                sent[..3].to_vec(),
                vec![],
            ),
        ];
        (old, new)
    }

    /// The basis keeps the folders of both sides and the old copies of exactly the messages
    /// a missing or oversize finding names, with what their plan lines take; read from a
    /// spill it is the basis the whole mailboxes in memory give.
    #[test]
    fn the_basis_holds_only_the_messages_the_findings_name() {
        let (old, new, report, basis) = spilled_report();

        let kinds: BTreeSet<FindingKind> = report
            .comparison
            .findings
            .iter()
            .map(|f| f.reason.kind())
            .collect();
        for kind in [
            FindingKind::Missing,
            FindingKind::Oversize,
            FindingKind::Garbled,
            FindingKind::Duplicate,
        ] {
            assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
        }
        let kept: Vec<(&str, u32)> = basis.copies().map(|(f, uid, _)| (f, uid)).collect();
        assert_eq!(
            kept,
            vec![
                ("INBOX", 7),
                ("INBOX", 8),
                ("INBOX", 120),
                ("INBOX", 150),
                ("Sent", 4),
                ("Sent", 5)
            ]
        );
        let named: BTreeSet<(&str, u32)> = crate::service::verify::basis::restorable(&report)
            .filter_map(|f| Some((f.old_folder.as_deref()?, f.message.as_ref()?.uid)))
            .collect();
        assert_eq!(kept.iter().copied().collect::<BTreeSet<_>>(), named);
        let garbled = report
            .comparison
            .of_kind(FindingKind::Garbled)
            .find_map(|f| f.message.as_ref())
            .expect("garbled");
        assert!(basis.copy("INBOX", garbled.uid).is_none());

        let (folder, uid) = ("INBOX", 7);
        let copy = basis.copy(folder, uid).expect("kept");
        assert_eq!(copy.flags, vec!["\\Answered".to_string(), "$Label1".into()]);
        assert_eq!(
            copy.internal_date.as_deref(),
            Some("2025-01-20T09:07:00+09:00")
        );
        assert_eq!(copy.body_hash, None, "a Message-ID identifies it");
        assert_eq!(copy.record, None, "read live, not from a backup");
        let no_id = basis.copy("INBOX", 120).expect("kept");
        assert_eq!(no_id.body_hash.as_deref(), Some("b120"));
        assert_eq!(no_id.flags, vec!["\\Seen".to_string()]);
        assert!(
            report.comparison.findings.iter().any(|f| {
                matches!(f.reason, Reason::Oversize { .. })
                    && f.message.as_ref().is_some_and(|m| m.uid == 150)
            }),
            "{:?}",
            report.comparison.findings
        );

        let names = |folders: &[FolderInfo]| -> Vec<(String, String)> {
            folders
                .iter()
                .map(|f| (f.name.clone(), f.raw_name.clone()))
                .collect()
        };
        assert_eq!(
            names(&basis.old_folders),
            vec![
                ("INBOX".into(), "INBOX&AAA-".into()),
                ("Sent".into(), "Sent&AAA-".into())
            ]
        );
        assert_eq!(basis.new_raw_name("Sent Items"), Some("Sent Items&AAA-"));
        assert_eq!(basis.old_raw_name("Sent"), Some("Sent&AAA-"));
        assert!(basis.new_has("INBOX") && !basis.new_has("Sent"));
        assert_eq!(basis.source.server, "old:993");

        // The same from both mailboxes held whole.
        let held_old = OldMailbox::live("old:993".into(), whole(&old));
        let held_new = whole(&new);
        let held = RestoreBasis::held(&report, &held_old, &held_new);
        let all = |b: &RestoreBasis| -> Vec<(String, u32, crate::service::verify::basis::OldCopy)> {
            b.copies()
                .map(|(f, u, c)| (f.to_string(), u, c.clone()))
                .collect()
        };
        assert_eq!(all(&held), all(&basis));
        assert_eq!(held.old_folders, basis.old_folders);
        assert_eq!(held.new_folders, basis.new_folders);
    }

    /// The plan made from the basis carries the old copy's flags, date and body hash.
    #[test]
    fn the_plan_from_the_basis_carries_the_old_copies() {
        use crate::service::verify::restore::{Selection, plan_restore};
        let (_, _, report, basis) = spilled_report();
        let sent = plan_restore(&report, &basis, &Selection::Sent);
        let uids: Vec<(String, u32, Vec<String>)> = sent
            .plan
            .iter()
            .map(|i| (i.new_folder.clone(), i.uid, i.flags.clone()))
            .collect();
        assert_eq!(
            uids,
            vec![
                ("Sent Items".into(), 4, vec!["\\Seen".into()]),
                (
                    "Sent Items".into(),
                    5,
                    vec!["\\Answered".into(), "$Label1".into()]
                )
            ]
        );
        let all = plan_restore(&report, &basis, &Selection::AllMissing);
        let planned: Vec<u32> = all.plan.iter().map(|i| i.uid).collect();
        assert_eq!(planned, vec![7, 8, 120, 4, 5]);
        let no_id = all.plan.iter().find(|i| i.uid == 120).expect("planned");
        assert_eq!(no_id.body_hash.as_deref(), Some("b120"));
        assert_eq!(
            no_id.internal_date.as_deref(),
            Some("2025-01-20T09:00:00+09:00")
        );
        assert_eq!(
            all.oversize.iter().map(|i| i.uid).collect::<Vec<_>>(),
            vec![150]
        );
        assert!(all.folders_to_create.is_empty());
    }
}
