//! # Migration scenarios
//!
//! A legacy server and an Exchange-like server holding a "central copy" of the same mailbox,
//! with a known list of differences ([`Expected`]): messages sent after the copy, POP-style
//! duplicates, garbled subjects, an oversize message, an unmapped folder and mail that arrived
//! after cut-over. Tests and the demo compare what ikou reports against this list.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result, anyhow};
use serde::{Deserialize, Serialize};

use crate::corpus::{self, Corpus, CorpusFolder, CorpusMessage, Role, Spec};
use crate::dovecot::{Auth, Dovecot, Layout, ServerOptions, User};
use crate::mime::{self, HeaderEncoding};
use crate::prng::SplitMix64;

/// Exchange Online's default maximum message size (35 MiB); the Exchange-like server rejects
/// larger APPENDs.
pub const EXCHANGE_MAX_MESSAGE_BYTES: u64 = 35 * 1024 * 1024;

/// When the central copy was taken (2025-01-05 00:00 JST); the standard corpus ends before it.
pub const CENTRAL_COPY_AT: i64 = corpus::EPOCH + corpus::SPAN + 10 * 86_400;
/// When the user switched to the new server (2025-01-12 00:00 JST).
pub const CUT_OVER_AT: i64 = CENTRAL_COPY_AT + 7 * 86_400;

/// Where an old folder went on the new server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderMapping {
    /// Old folder (Unicode, `/` hierarchy).
    pub old: String,
    /// New folder, or `None` when it was not copied.
    pub new: Option<String>,
}

/// Identifies one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    /// Folder (Unicode) on the server where the message is; for old-only messages the old
    /// folder, for new-only messages the new folder.
    pub folder: String,
    /// Message-ID with angle brackets, if any.
    pub message_id: Option<String>,
    /// Decoded subject.
    pub subject: Option<String>,
    /// INTERNALDATE, unix seconds.
    pub internal_date: i64,
    /// RFC822.SIZE.
    pub size: u64,
    /// SHA-256 of the exact bytes.
    pub sha256: String,
}

impl MessageRef {
    fn of(folder: &str, m: &CorpusMessage) -> MessageRef {
        MessageRef {
            folder: folder.to_string(),
            message_id: m.message_id(),
            subject: m.subject(),
            internal_date: m.internal_date,
            size: m.size(),
            sha256: m.sha256(),
        }
    }
}

/// A message whose Subject differs between the servers (everything else is identical).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GarbledSubject {
    /// Old folder.
    pub old_folder: String,
    /// New folder.
    pub new_folder: String,
    /// Message-ID (same on both).
    pub message_id: String,
    /// `double-encoded` (the new subject shows the literal `=?ISO-2022-JP?B?...?=` text),
    /// `replacement-char` (some characters became U+FFFD), and with
    /// [`Variant::subject_repairs`] `fold-inside-encoded-word` and `cut-off`.
    pub kind: String,
    /// Decoded subject on old.
    pub old_subject: String,
    /// Decoded subject on new.
    pub new_subject: String,
    /// Raw (unfolded) Subject header value on new.
    pub new_subject_raw: String,
    /// SHA-256 of the old bytes.
    pub old_sha256: String,
    /// SHA-256 of the new bytes.
    pub new_sha256: String,
}

/// An old folder that is absent on new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmappedFolder {
    /// Old folder (Unicode).
    pub name: String,
    /// Its message count.
    pub messages: u64,
}

/// The differences injected between old and new, so tests know the right answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    /// Largest message the new server accepts.
    pub size_limit_bytes: u64,
    /// Every old folder and where it went (Sent and 送信済みトレイ merge into `Sent Items`,
    /// Drafts and 下書き into `Drafts`, Trash → `Deleted Items`, Junk → `Junk Email`).
    pub folder_map: Vec<FolderMapping>,
    /// Message counts per old folder.
    pub old_counts: BTreeMap<String, u64>,
    /// Message counts per new folder.
    pub new_counts: BTreeMap<String, u64>,
    /// On old only: the 3 Sent messages sent after the central copy.
    pub missing_on_new: Vec<MessageRef>,
    /// On old only: messages above `size_limit_bytes` (old INBOX).
    pub oversize: Vec<MessageRef>,
    /// Messages stored twice (identical bytes) in the new INBOX; each listed once.
    pub pop_duplicates: Vec<MessageRef>,
    /// Messages whose Subject is garbled on new.
    pub garbled_subjects: Vec<GarbledSubject>,
    /// Old folders not copied at all.
    pub unmapped_folders: Vec<UnmappedFolder>,
    /// On new only: mail that arrived in INBOX after cut-over.
    pub extra_on_new: Vec<MessageRef>,
    /// Messages without a Message-ID; all were copied unchanged (no difference expected).
    pub without_message_id: Vec<MessageRef>,
    /// Empty folders only on new (Exchange creates them).
    pub new_only_folders: Vec<String>,
    /// [`Variant::headerless`]: header-less messages on old that are not on new.
    #[serde(default)]
    pub headerless_missing: Vec<MessageRef>,
    /// [`Variant::subject_repairs`]: messages whose Subject is the same text on both servers,
    /// folded differently but legally on new (no difference expected).
    #[serde(default)]
    pub refolded_subjects: Vec<MessageRef>,
    /// [`Variant::sent_tray_apart`]: the old `送信済みトレイ` messages not in the new folder of
    /// the same name (missing on new).
    #[serde(default)]
    pub tray_missing: Vec<MessageRef>,
}

/// Cases added on top of the standard scenario. All are off by default, so the standard
/// expectations (and the screens drawn from them) stay as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Variant {
    /// Messages that headers cannot tell apart, in `研究室/学会`: three on old with no
    /// Message-ID, Date, From or To (two alike, one with only a Subject), of which new lacks
    /// one; and an unrelated header-less message in the new `Archive`.
    pub headerless: bool,
    /// Subjects in the new INBOX that ikou's lenient decoder reads like the old ones but a
    /// mail program does not: one with a line fold inside an encoded-word's text
    /// (`fold-inside-encoded-word`), one whose last encoded-word lost its `?=` (`cut-off`);
    /// both added to [`Expected::garbled_subjects`]. A third is re-encoded as two words
    /// joined by a legal fold (`CRLF TAB`), the same text: [`Expected::refolded_subjects`].
    pub subject_repairs: bool,
    /// The old `送信済みトレイ` is not merged into the new Sent folder: the new server has a
    /// folder `送信済みトレイ` of its own holding about two thirds of its messages (every third
    /// is missing, [`Expected::tray_missing`]), beside `Sent Items` with the old `Sent`.
    pub sent_tray_apart: bool,
}

/// The folder [`Variant::headerless`] uses (the same name on both servers).
pub const HEADERLESS_FOLDER: &str = "研究室/学会";

fn headerless_message(headers: &str, body: &str, day: i64) -> CorpusMessage {
    CorpusMessage {
        raw: format!("{headers}\r\n{body}\r\n").into_bytes(),
        internal_date: CENTRAL_COPY_AT - day * 86_400,
        flags: Vec::new(),
    }
}

/// Adds the [`Variant`]'s cases to a planned scenario.
fn apply_variant(plan: &mut Plan, variant: Variant) {
    if variant.headerless {
        let plain = "Content-Type: text/plain; charset=us-ascii\r\n";
        let old = [
            headerless_message(plain, "memo one: the first of two look-alikes", 40),
            headerless_message(plain, "memo two: the second look-alike", 39),
            headerless_message("Subject: memo\r\n", "memo three: only a subject", 38),
        ];
        if let Some(f) = plan.old.folder_mut(HEADERLESS_FOLDER) {
            f.messages.extend(old.iter().cloned());
        }
        if let Some(f) = plan.new.folder_mut(HEADERLESS_FOLDER) {
            f.messages.push(old[0].clone());
            f.messages.push(old[2].clone());
        }
        if let Some(f) = plan.new.folder_mut("Archive") {
            f.messages
                .push(headerless_message(plain, "an unrelated note", 37));
        }
        plan.expected.headerless_missing = vec![MessageRef::of(HEADERLESS_FOLDER, &old[1])];
    }
    if variant.subject_repairs {
        add_subject_repairs(plan);
    }
    if variant.sent_tray_apart {
        keep_sent_tray_apart(plan);
    }
    plan.expected.old_counts = counts(&plan.old);
    plan.expected.new_counts = counts(&plan.new);
}

/// [`Variant::sent_tray_apart`]: moves the old `送信済みトレイ` messages out of the new Sent
/// folder into a new folder `送信済みトレイ`, leaving every third out.
fn keep_sent_tray_apart(plan: &mut Plan) {
    const TRAY: &str = "送信済みトレイ";
    let Some(tray) = plan.old.folder(TRAY).map(|f| f.messages.clone()) else {
        return;
    };
    let Some(sent_name) = plan
        .expected
        .folder_map
        .iter()
        .find(|m| m.old == TRAY)
        .and_then(|m| m.new.clone())
    else {
        return;
    };
    let mut moved = Vec::new();
    if let Some(sent) = plan.new.folder_mut(&sent_name) {
        for (i, m) in tray.iter().enumerate() {
            if let Some(pos) = sent.messages.iter().position(|n| n.raw == m.raw) {
                let taken = sent.messages.remove(pos);
                if i % 3 == 1 {
                    plan.expected.tray_missing.push(MessageRef::of(TRAY, m));
                } else {
                    moved.push(taken);
                }
            }
        }
    }
    plan.new.folders.push(CorpusFolder {
        name: TRAY.to_string(),
        messages: moved,
    });
    for m in &mut plan.expected.folder_map {
        if m.old == TRAY {
            m.new = Some(TRAY.to_string());
        }
    }
}

/// [`Variant::subject_repairs`]: rewrites the Subject of three new INBOX messages that are
/// byte-identical to their old copy and have an ISO-2022-JP encoded subject.
fn add_subject_repairs(plan: &mut Plan) {
    let Some(old_inbox) = plan.old.folder("INBOX") else {
        return;
    };
    let Some(new_inbox) = plan.new.folder_mut("INBOX") else {
        return;
    };
    let mut candidates = Vec::new();
    for orig in &old_inbox.messages {
        let subject = mime::header(&orig.raw, "Subject").unwrap_or_default();
        let twins: Vec<usize> = (0..new_inbox.messages.len())
            .filter(|&n| new_inbox.messages[n].raw == orig.raw)
            .collect();
        let decoded = mime::decode_words(&subject);
        if twins.len() == 1
            && orig.message_id().is_some()
            && subject.starts_with("=?ISO-2022-JP?B?")
            && decoded.chars().count() >= 4
        {
            candidates.push((orig.clone(), twins[0], subject, decoded));
        }
        if candidates.len() == 3 {
            break;
        }
    }
    for (k, (orig, n, subject, decoded)) in candidates.into_iter().enumerate() {
        let value = match k {
            0 => {
                // A fold inside the first word's encoded text, at a four-character boundary.
                let body = "=?ISO-2022-JP?B?".len();
                let len = subject[body..].find("?=").unwrap_or(0);
                let cut = body + (len / 2 / 4 * 4).max(4);
                format!("{}\r\n {}", &subject[..cut], &subject[cut..])
            }
            1 => subject.strip_suffix("?=").unwrap_or(&subject).to_string(),
            _ => {
                let half = decoded.chars().count() / 2;
                let first: String = decoded.chars().take(half).collect();
                let second: String = decoded.chars().skip(half).collect();
                format!(
                    "{}\r\n\t{}",
                    mime::encode_words(&first, HeaderEncoding::Iso2022JpB),
                    mime::encode_words(&second, HeaderEncoding::Iso2022JpB)
                )
            }
        };
        let m = &mut new_inbox.messages[n];
        m.raw = replace_subject(&m.raw, &value);
        if k == 2 {
            plan.expected
                .refolded_subjects
                .push(MessageRef::of("INBOX", &orig));
            continue;
        }
        let new_raw = mime::header(&m.raw, "Subject").unwrap_or_default();
        plan.expected.garbled_subjects.push(GarbledSubject {
            old_folder: "INBOX".into(),
            new_folder: "INBOX".into(),
            message_id: orig.message_id().unwrap_or_default(),
            kind: if k == 0 {
                "fold-inside-encoded-word"
            } else {
                "cut-off"
            }
            .into(),
            old_subject: decoded,
            new_subject: mime::decode_words(&new_raw),
            new_subject_raw: new_raw,
            old_sha256: orig.sha256(),
            new_sha256: m.sha256(),
        });
    }
}

/// [`plan`] with the cases of `variant` added.
pub fn plan_with(seed: u64, variant: Variant) -> Plan {
    let mut p = plan(seed);
    apply_variant(&mut p, variant);
    p
}

/// Both mailboxes and the expectations, before any server runs.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Legacy mailbox.
    pub old: Corpus,
    /// Exchange-like mailbox (central copy plus differences).
    pub new: Corpus,
    /// What differs.
    pub expected: Expected,
}

/// The language of the new server's well-known folders (Exchange names them in the
/// mailbox's language).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FolderLanguage {
    /// Sent Items, Deleted Items, Junk Email, Drafts, Archive, Outbox.
    #[default]
    English,
    /// 送信済みアイテム, 削除済みアイテム, 迷惑メール, 下書き, アーカイブ, 送信トレイ.
    Japanese,
}

impl FolderLanguage {
    /// Sent, Drafts, Trash, Junk, Archive, Outbox in this language.
    fn well_known(self) -> [&'static str; 6] {
        match self {
            FolderLanguage::English => [
                "Sent Items",
                "Drafts",
                "Deleted Items",
                "Junk Email",
                "Archive",
                "Outbox",
            ],
            FolderLanguage::Japanese => [
                "送信済みアイテム",
                "下書き",
                "削除済みアイテム",
                "迷惑メール",
                "アーカイブ",
                "送信トレイ",
            ],
        }
    }
}

fn new_name(old: &str, language: FolderLanguage) -> Option<&str> {
    let [sent, drafts, trash, junk, _, _] = language.well_known();
    match old {
        "Sent" | "送信済みトレイ" => Some(sent),
        "Drafts" | "下書き" => Some(drafts),
        "Trash" => Some(trash),
        "Junk" => Some(junk),
        "メールマガジン" => None,
        other => Some(other),
    }
}

fn counts(c: &Corpus) -> BTreeMap<String, u64> {
    c.folders
        .iter()
        .map(|f| (f.name.clone(), f.messages.len() as u64))
        .collect()
}

fn replace_subject(raw: &[u8], new_value: &str) -> Vec<u8> {
    let Some((s, e)) = mime::header_span(raw, "Subject") else {
        return raw.to_vec();
    };
    let mut out = raw[..s].to_vec();
    out.extend_from_slice(format!("Subject: {new_value}\r\n").as_bytes());
    out.extend_from_slice(&raw[e..]);
    out
}

/// Builds the two mailboxes and the expectations for `seed` (deterministic, no servers).
pub fn plan(seed: u64) -> Plan {
    plan_in(seed, FolderLanguage::English)
}

/// [`plan`] with the new server's well-known folders named in `language`.
pub fn plan_in(seed: u64, language: FolderLanguage) -> Plan {
    let mut old = Corpus::standard(seed);
    let mut r = SplitMix64::derive(seed, 0x5CE7A, 0);

    // Sent after the central copy: on old only.
    let mut missing = Vec::new();
    if let Some(sent) = old.folder_mut("Sent") {
        for i in 0..3u64 {
            let date = CENTRAL_COPY_AT + (i as i64 + 1) * 86_400 / 2 + 3600 * 2;
            let m = corpus::generate(&Spec::new(
                Role::Sent,
                date,
                900_000 + i,
                seed,
                3_000 + i as usize * 1_000,
            ));
            missing.push(MessageRef::of("Sent", &m));
            sent.messages.push(m);
        }
    }
    // One message above Exchange's limit, received just before the copy.
    let big = corpus::big_message(
        seed,
        900_010,
        CENTRAL_COPY_AT - 86_400,
        EXCHANGE_MAX_MESSAGE_BYTES as usize + (1 << 20) + (1 << 19),
    );
    let oversize = vec![MessageRef::of("INBOX", &big)];
    if let Some(inbox) = old.folder_mut("INBOX") {
        inbox.messages.push(big.clone());
    }

    // Positions (folder, index) of old-only messages; compared by position because hashing a
    // 36 MiB message more than once is slow in debug builds.
    let sent_len = old.folder("Sent").map_or(0, |f| f.messages.len());
    let inbox_len = old.folder("INBOX").map_or(0, |f| f.messages.len());
    let is_excluded = |folder: &str, i: usize| {
        (folder == "Sent" && i + 3 >= sent_len) || (folder == "INBOX" && i + 1 == inbox_len)
    };
    let without_message_id: Vec<MessageRef> = old
        .folders
        .iter()
        .flat_map(|f| {
            f.messages
                .iter()
                .filter(|m| m.message_id().is_none())
                .map(|m| MessageRef::of(&f.name, m))
        })
        .collect();

    // INBOX candidates for duplicates and garbling: ordinary, well-formed, with Message-ID.
    let inbox = old
        .folder("INBOX")
        .map(|f| f.messages.clone())
        .unwrap_or_default();
    let mut ordinary: Vec<usize> = (0..inbox.len())
        .filter(|&i| {
            let m = &inbox[i];
            m.message_id().is_some()
                && !is_excluded("INBOX", i)
                && m.size() < 1_000_000
                && ![12, 20, 30].contains(&i)
        })
        .collect();
    let mut take = |pred: &dyn Fn(&CorpusMessage) -> bool, n: usize, r: &mut SplitMix64| {
        let mut got = Vec::new();
        while got.len() < n {
            let pool: Vec<usize> = ordinary
                .iter()
                .copied()
                .filter(|&i| pred(&inbox[i]))
                .collect();
            if pool.is_empty() {
                break;
            }
            let i = *r.pick(&pool);
            ordinary.retain(|&j| j != i);
            got.push(i);
        }
        got.sort_unstable();
        got
    };
    let garble_idx = take(
        &|m: &CorpusMessage| {
            mime::header(&m.raw, "Subject").is_some_and(|s| s.contains("=?ISO-2022-JP?B?"))
        },
        5,
        &mut r,
    );
    let dup_idx = take(&|_: &CorpusMessage| true, 4, &mut r);

    // The central copy.
    let well_known = language.well_known();
    let new_only_folders = vec![well_known[4].to_string(), well_known[5].to_string()];
    let mut new_folders: Vec<CorpusFolder> = Vec::new();
    let mut folder_map = Vec::new();
    let mut unmapped = Vec::new();
    for f in &old.folders {
        let target = new_name(&f.name, language);
        folder_map.push(FolderMapping {
            old: f.name.clone(),
            new: target.map(str::to_string),
        });
        let Some(target) = target else {
            unmapped.push(UnmappedFolder {
                name: f.name.clone(),
                messages: f.messages.len() as u64,
            });
            continue;
        };
        let idx = match new_folders.iter().position(|n| n.name == target) {
            Some(i) => i,
            None => {
                new_folders.push(CorpusFolder {
                    name: target.to_string(),
                    messages: Vec::new(),
                });
                new_folders.len() - 1
            }
        };
        for (i, m) in f.messages.iter().enumerate() {
            if !is_excluded(&f.name, i) {
                new_folders[idx].messages.push(m.clone());
            }
        }
    }
    for f in &mut new_folders {
        f.messages.sort_by_key(|m| m.internal_date);
    }
    for name in &new_only_folders {
        new_folders.push(CorpusFolder {
            name: name.clone(),
            messages: Vec::new(),
        });
    }

    let mut garbled = Vec::new();
    let mut pop_duplicates = Vec::new();
    let mut extra = Vec::new();
    if let Some(new_inbox) = new_folders.iter_mut().find(|f| f.name == "INBOX") {
        for (k, &i) in garble_idx.iter().enumerate() {
            let orig = &inbox[i];
            let raw_subject = mime::header(&orig.raw, "Subject").unwrap_or_default();
            let old_subject = mime::decode_words(&raw_subject);
            let (kind, value) = if k < 3 {
                // A gateway that encoded the already-encoded header a second time.
                (
                    "double-encoded",
                    mime::encode_words(&raw_subject.replace(' ', "\u{a0}"), HeaderEncoding::Utf8Q)
                        .replace('\u{a0}', " "),
                )
            } else {
                // A gateway that decoded with the wrong charset and lost characters.
                let broken: String = old_subject
                    .chars()
                    .enumerate()
                    .map(|(n, c)| {
                        if !c.is_ascii() && n % 2 == 1 {
                            '\u{FFFD}'
                        } else {
                            c
                        }
                    })
                    .collect();
                (
                    "replacement-char",
                    mime::encode_words(&broken, HeaderEncoding::Utf8B),
                )
            };
            let pos = new_inbox.messages.iter().position(|m| m.raw == orig.raw);
            if let Some(pos) = pos {
                let m = &mut new_inbox.messages[pos];
                m.raw = replace_subject(&m.raw, &value);
                let new_raw = mime::header(&m.raw, "Subject").unwrap_or_default();
                garbled.push(GarbledSubject {
                    old_folder: "INBOX".into(),
                    new_folder: "INBOX".into(),
                    message_id: orig.message_id().unwrap_or_default(),
                    kind: kind.into(),
                    old_subject,
                    new_subject: mime::decode_words(&new_raw),
                    new_subject_raw: new_raw,
                    old_sha256: orig.sha256(),
                    new_sha256: m.sha256(),
                });
            }
        }
        for &i in &dup_idx {
            let orig = &inbox[i];
            if let Some(pos) = new_inbox.messages.iter().position(|m| m.raw == orig.raw) {
                new_inbox.messages.insert(pos + 1, orig.clone());
                pop_duplicates.push(MessageRef::of("INBOX", orig));
            }
        }
        for i in 0..2u64 {
            let date = CUT_OVER_AT + (i as i64 + 1) * 3 * 3600;
            let m = corpus::generate(&Spec::new(Role::Inbox, date, 900_100 + i, seed, 4_000));
            extra.push(MessageRef::of("INBOX", &m));
            new_inbox.messages.push(m);
        }
    }

    // Exchange's own order: well-known folders first.
    let [sent, drafts, trash, junk, archive, outbox] = well_known;
    let rank = |n: &str| {
        ["INBOX", drafts, sent, trash, junk, archive, outbox]
            .iter()
            .position(|x| *x == n)
            .unwrap_or(99)
    };
    new_folders.sort_by_key(|f| rank(&f.name));
    let new = Corpus {
        folders: new_folders,
    };

    let expected = Expected {
        size_limit_bytes: EXCHANGE_MAX_MESSAGE_BYTES,
        folder_map,
        old_counts: counts(&old),
        new_counts: counts(&new),
        missing_on_new: missing,
        oversize,
        pop_duplicates,
        garbled_subjects: garbled,
        unmapped_folders: unmapped,
        extra_on_new: extra,
        without_message_id,
        new_only_folders,
        headerless_missing: Vec::new(),
        refolded_subjects: Vec::new(),
        tray_missing: Vec::new(),
    };
    Plan { old, new, expected }
}

/// A running pair: `old` (Legacy, with quota) and `new` (ExchangeLike), same user and password.
#[derive(Debug)]
pub struct Migration {
    /// The legacy server.
    pub old: Dovecot,
    /// The Exchange-like server.
    pub new: Dovecot,
    /// Login name on both.
    pub user: String,
    /// Password on both.
    pub password: String,
    /// The injected differences.
    pub expected: Expected,
}

impl Migration {
    /// Plans the scenario for `seed` and starts both servers (in parallel) for
    /// [`crate::DEMO_USER`] / [`crate::DEMO_PASSWORD`].
    pub fn start(seed: u64) -> Result<Migration> {
        Migration::start_with(seed, FolderLanguage::English, Auth::Password)
    }

    /// [`Migration::start`] with the new server's folders named in `language` and signing
    /// in with `new_auth` (e.g. [`Auth::Xoauth2Only`], as Exchange Online).
    pub fn start_with(seed: u64, language: FolderLanguage, new_auth: Auth) -> Result<Migration> {
        Self::start_plan(plan_in(seed, language), new_auth)
    }

    /// [`Migration::start`] with the cases of `variant` added.
    pub fn start_variant(seed: u64, variant: Variant) -> Result<Migration> {
        Self::start_plan(plan_with(seed, variant), Auth::Password)
    }

    fn start_plan(plan: Plan, new_auth: Auth) -> Result<Migration> {
        let Plan { old, new, expected } = plan;
        let (user, password) = (
            crate::DEMO_USER.to_string(),
            crate::DEMO_PASSWORD.to_string(),
        );
        let old_opts = ServerOptions::new(Layout::Legacy, vec![User::new(&user, &password, old)]);
        let new_opts = ServerOptions {
            auth: new_auth,
            ..ServerOptions::new(Layout::ExchangeLike, vec![User::new(&user, &password, new)])
        };
        let (old, new) = std::thread::scope(|s| {
            let o = s.spawn(move || Dovecot::start(old_opts));
            let n = s.spawn(move || Dovecot::start(new_opts));
            (o.join(), n.join())
        });
        let old = old
            .map_err(|_| anyhow!("old server thread panicked"))?
            .context("starting the old (legacy) server")?;
        let new = new
            .map_err(|_| anyhow!("new server thread panicked"))?
            .context("starting the new (Exchange-like) server")?;
        Ok(Migration {
            old,
            new,
            user,
            password,
            expected,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_plan_names_the_well_known_folders_in_japanese() {
        let p = plan_in(7, FolderLanguage::Japanese);
        let e = &p.expected;
        let n = &e.new_counts;
        let o = &e.old_counts;
        assert_eq!(n["送信済みアイテム"], o["Sent"] + o["送信済みトレイ"] - 3);
        assert_eq!(n["削除済みアイテム"], o["Trash"]);
        assert_eq!(n["迷惑メール"], o["Junk"]);
        assert_eq!(n["下書き"], o["Drafts"] + o["下書き"]);
        assert_eq!(n["アーカイブ"], 0);
        assert!(!n.contains_key("Sent Items"));
        assert_eq!(e.missing_on_new.len(), 3);
        assert_eq!(plan(7).expected.missing_on_new, e.missing_on_new);
    }

    #[test]
    fn plan_differences_add_up() {
        let p = plan(7);
        let e = &p.expected;
        assert_eq!(e.missing_on_new.len(), 3);
        assert_eq!(e.pop_duplicates.len(), 4);
        assert_eq!(e.garbled_subjects.len(), 5);
        assert_eq!(e.oversize.len(), 1);
        assert!(e.oversize[0].size > e.size_limit_bytes);
        assert_eq!(e.extra_on_new.len(), 2);
        assert_eq!(e.unmapped_folders.len(), 1);
        assert_eq!(e.without_message_id.len(), 3);
        let o = &e.old_counts;
        let n = &e.new_counts;
        assert_eq!(n["INBOX"], o["INBOX"] - 1 + 4 + 2);
        assert_eq!(n["Sent Items"], o["Sent"] + o["送信済みトレイ"] - 3);
        assert_eq!(n["Drafts"], o["Drafts"] + o["下書き"]);
        assert_eq!(n["Deleted Items"], o["Trash"]);
        assert_eq!(n["Junk Email"], o["Junk"]);
        assert_eq!(n["研究室/学会"], o["研究室/学会"]);
        assert!(!n.contains_key("メールマガジン"));
        for g in &e.garbled_subjects {
            assert_ne!(g.old_subject, g.new_subject);
            if g.kind == "double-encoded" {
                assert!(
                    g.new_subject.starts_with("=?ISO-2022-JP?B?"),
                    "{}",
                    g.new_subject
                );
            } else {
                assert!(g.new_subject.contains('\u{FFFD}'));
            }
        }
        assert_eq!(
            serde_json::from_str::<Expected>(&serde_json::to_string(e).expect("json"))
                .expect("parse"),
            *e
        );
        assert_eq!(plan(7).expected, *e);
    }

    #[test]
    fn headerless_variant_adds_its_cases_only() {
        let base = plan(7);
        let p = plan_with(
            7,
            Variant {
                headerless: true,
                ..Variant::default()
            },
        );
        let e = &p.expected;
        assert_eq!(e.headerless_missing.len(), 1);
        assert_eq!(
            e.old_counts[HEADERLESS_FOLDER],
            base.expected.old_counts[HEADERLESS_FOLDER] + 3
        );
        assert_eq!(
            e.new_counts[HEADERLESS_FOLDER],
            base.expected.new_counts[HEADERLESS_FOLDER] + 2
        );
        assert_eq!(e.new_counts["Archive"], 1);
        assert_eq!(e.missing_on_new, base.expected.missing_on_new);
        assert_eq!(plan_with(7, Variant::default()).expected, base.expected);
    }

    #[test]
    fn sent_tray_apart_variant_moves_the_tray_and_drops_a_third() {
        let base = plan(7);
        let p = plan_with(
            7,
            Variant {
                sent_tray_apart: true,
                ..Variant::default()
            },
        );
        let e = &p.expected;
        let tray = base.expected.old_counts["送信済みトレイ"];
        assert!(tray >= 6, "{tray}");
        let kept = e.new_counts["送信済みトレイ"];
        assert_eq!(kept + e.tray_missing.len() as u64, tray);
        assert_eq!(
            e.new_counts["Sent Items"],
            base.expected.new_counts["Sent Items"] - tray
        );
        assert_eq!(e.old_counts, base.expected.old_counts);
    }

    #[test]
    fn subject_repairs_variant_changes_only_wire_forms() {
        let base = plan(7);
        let p = plan_with(
            7,
            Variant {
                subject_repairs: true,
                ..Variant::default()
            },
        );
        let e = &p.expected;
        let added = &e.garbled_subjects[base.expected.garbled_subjects.len()..];
        let kinds: Vec<&str> = added.iter().map(|g| g.kind.as_str()).collect();
        assert_eq!(kinds, ["fold-inside-encoded-word", "cut-off"]);
        assert!(added[0].new_subject_raw.contains(' '), "{:?}", added[0]);
        assert!(!added[1].new_subject_raw.ends_with("?="), "{:?}", added[1]);
        assert_eq!(e.refolded_subjects.len(), 1);
        let refolded = &e.refolded_subjects[0];
        let new_copy = p
            .new
            .folder("INBOX")
            .and_then(|f| {
                f.messages
                    .iter()
                    .find(|m| m.message_id() == refolded.message_id)
            })
            .expect("refolded message on new");
        assert_eq!(new_copy.subject(), refolded.subject, "same text");
        assert_ne!(new_copy.sha256(), refolded.sha256, "other bytes");
        assert_eq!(e.old_counts, base.expected.old_counts);
        assert_eq!(e.new_counts, base.expected.new_counts);
    }
}
