//! # Corpus: a deterministic, realistic mailbox
//!
//! Generates the messages a legacy Japanese university mailbox really contains: ISO-2022-JP
//! and UTF-8 encoded-words, Shift_JIS bodies, RFC 2231 attachment names, messages without a
//! Message-ID, broken MIME and a few large attachments. Everything derives from a seed, so a
//! test can regenerate exactly what it expects the server to hold.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::mime::{self, Charset, HeaderEncoding};
use crate::prng::SplitMix64;
use crate::words::{self, OWNER, Person};

/// An IMAP system flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Flag {
    /// `\Seen`
    Seen,
    /// `\Answered`
    Answered,
    /// `\Flagged`
    Flagged,
    /// `\Deleted` (maildir `T`, "trashed")
    Deleted,
    /// `\Draft`
    Draft,
}

impl Flag {
    /// The IMAP spelling, e.g. `\Seen`.
    pub fn imap(self) -> &'static str {
        match self {
            Flag::Seen => "\\Seen",
            Flag::Answered => "\\Answered",
            Flag::Flagged => "\\Flagged",
            Flag::Deleted => "\\Deleted",
            Flag::Draft => "\\Draft",
        }
    }

    /// The maildir info letter (`:2,` suffix).
    pub fn maildir_char(self) -> char {
        match self {
            Flag::Seen => 'S',
            Flag::Answered => 'R',
            Flag::Flagged => 'F',
            Flag::Deleted => 'T',
            Flag::Draft => 'D',
        }
    }
}

/// One message: the exact bytes a client must get back from `FETCH BODY[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusMessage {
    /// Exact RFC 5322 bytes, CRLF line endings.
    pub raw: Vec<u8>,
    /// INTERNALDATE, unix seconds (equal to the Date header's instant).
    pub internal_date: i64,
    /// System flags, sorted and unique.
    pub flags: Vec<Flag>,
}

impl CorpusMessage {
    /// The Message-ID header value (with angle brackets), if the message has one.
    pub fn message_id(&self) -> Option<String> {
        mime::header(&self.raw, "Message-ID")
    }

    /// The Subject decoded from its encoded-words (raw 8-bit bytes are read as UTF-8, lossily).
    pub fn subject(&self) -> Option<String> {
        mime::header(&self.raw, "Subject").map(|s| mime::decode_words(&s))
    }

    /// Size in octets, as `RFC822.SIZE` reports it.
    pub fn size(&self) -> u64 {
        self.raw.len() as u64
    }

    /// Lower-case hex SHA-256 of `raw`; identifies messages that have no Message-ID.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.raw))
    }
}

/// A folder and its messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusFolder {
    /// Unicode name with `/` as hierarchy separator (`INBOX`, `送信済みトレイ`, `Projects/2024`).
    pub name: String,
    /// Messages in UID order.
    pub messages: Vec<CorpusMessage>,
}

/// A whole mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Corpus {
    /// Folders; parents are listed before their children.
    pub folders: Vec<CorpusFolder>,
}

/// What kind of mail a folder holds; decides senders, recipients and flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Inbox,
    Sent,
    Drafts,
    Trash,
    Junk,
    List,
    Mixed,
}

/// Deliberate damage found in real legacy mailboxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Broken {
    /// multipart without the closing `--boundary--`.
    MissingBoundary,
    /// An attachment whose base64 has invalid characters and a truncated last line.
    BadBase64,
    /// Subject in raw 8-bit UTF-8, no encoded-word.
    RawUtf8Subject,
}

/// Everything needed to generate one message deterministically.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub role: Role,
    pub date: i64,
    pub seq: u64,
    pub seed: u64,
    /// Approximate size in bytes; above ~14 KB the rest is filled by attachments.
    pub target: usize,
    pub message_id: bool,
    pub broken: Option<Broken>,
    pub forward: bool,
    pub extra_flags: Vec<Flag>,
}

impl Spec {
    pub(crate) fn new(role: Role, date: i64, seq: u64, seed: u64, target: usize) -> Self {
        Spec {
            role,
            date,
            seq,
            seed,
            target,
            message_id: true,
            broken: None,
            forward: false,
            extra_flags: Vec::new(),
        }
    }
}

/// 2023-01-01 00:00 JST: the corpus spans about two years from here.
pub(crate) const EPOCH: i64 = 1_672_498_800;
pub(crate) const SPAN: i64 = 720 * 86_400;

impl Corpus {
    /// A small realistic mailbox (169 messages, about 12 MB) used by most tests.
    ///
    /// Folders: INBOX, Sent, 送信済みトレイ, Drafts, 下書き, Trash, Junk, Projects,
    /// Projects/2024, 研究室, 研究室/学会, R&D, メールマガジン and the empty 保存用.
    /// INBOX messages 5 and 40 and Sent message 3 have no Message-ID; INBOX 12 lacks its
    /// closing boundary, INBOX 30 has invalid base64, Junk 2 has a raw UTF-8 subject;
    /// INBOX 20, Projects/2024 4 and 研究室/学会 1 are 1.2-2.6 MB; Trash 0 is `\Deleted`.
    pub fn standard(seed: u64) -> Corpus {
        let plan: &[(&str, Role, usize)] = &[
            ("INBOX", Role::Inbox, 72),
            ("Sent", Role::Sent, 20),
            ("送信済みトレイ", Role::Sent, 12),
            ("Drafts", Role::Drafts, 3),
            ("下書き", Role::Drafts, 2),
            ("Trash", Role::Trash, 8),
            ("Junk", Role::Junk, 6),
            ("Projects", Role::Mixed, 8),
            ("Projects/2024", Role::Mixed, 10),
            ("研究室", Role::Mixed, 10),
            ("研究室/学会", Role::Mixed, 7),
            ("R&D", Role::Mixed, 5),
            ("メールマガジン", Role::List, 6),
            ("保存用", Role::Mixed, 0),
        ];
        let mut seq = 0u64;
        let mut folders = Vec::new();
        for (fi, &(name, role, count)) in plan.iter().enumerate() {
            let mut r = SplitMix64::derive(seed, 1000 + fi as u64, 1);
            let mut dates: Vec<i64> = (0..count)
                .map(|_| random_date(&mut r, EPOCH, SPAN))
                .collect();
            dates.sort_unstable();
            let mut messages = Vec::with_capacity(count);
            for (i, &date) in dates.iter().enumerate() {
                let target = if r.chance(20) {
                    r.range(20_000, 300_000)
                } else {
                    r.range(1_500, 8_000)
                } as usize;
                let mut spec = Spec::new(role, date, seq, seed, target);
                seq += 1;
                match (name, i) {
                    ("INBOX", 5) | ("INBOX", 40) | ("Sent", 3) => spec.message_id = false,
                    ("INBOX", 12) => spec.broken = Some(Broken::MissingBoundary),
                    ("INBOX", 30) => spec.broken = Some(Broken::BadBase64),
                    ("Junk", 2) => spec.broken = Some(Broken::RawUtf8Subject),
                    ("INBOX", 20) => spec.target = 1_200_000,
                    ("Projects/2024", 4) => spec.target = 2_600_000,
                    ("研究室/学会", 1) => spec.target = 1_800_000,
                    ("Trash", 0) => spec.extra_flags.push(Flag::Deleted),
                    ("研究室", 3) => spec.forward = true,
                    _ => {}
                }
                if spec.broken.is_some() && spec.target < 20_000 {
                    spec.target = 30_000;
                }
                messages.push(generate(&spec));
            }
            folders.push(CorpusFolder {
                name: name.to_string(),
                messages,
            });
        }
        Corpus { folders }
    }

    /// A benchmark-sized mailbox: `messages` messages totalling about `total_bytes`, over 31
    /// folders (Japanese names included). About 72 % are short text mails, the rest carry
    /// attachments with a heavy-tailed size distribution, and corpora of 256 MiB or more get a
    /// few 10-30 MB messages. Generation runs on all cores (~1 GB in a few seconds).
    pub fn sized(seed: u64, messages: usize, total_bytes: u64) -> Corpus {
        let plan: &[(&str, Role, u32)] = &[
            ("INBOX", Role::Inbox, 300),
            ("Sent", Role::Sent, 120),
            ("送信済みトレイ", Role::Sent, 60),
            ("Drafts", Role::Drafts, 3),
            ("Trash", Role::Trash, 40),
            ("Junk", Role::Junk, 25),
            ("研究室", Role::Mixed, 40),
            ("研究室/学会", Role::Mixed, 25),
            ("研究室/ゼミ", Role::Mixed, 30),
            ("研究室/論文", Role::Mixed, 20),
            ("Projects", Role::Mixed, 15),
            ("Projects/2022", Role::Mixed, 20),
            ("Projects/2023", Role::Mixed, 25),
            ("Projects/2024", Role::Mixed, 30),
            ("Archive", Role::Mixed, 10),
            ("Archive/2019", Role::Mixed, 20),
            ("Archive/2020", Role::Mixed, 20),
            ("Archive/2021", Role::Mixed, 20),
            ("Archive/2022", Role::Mixed, 20),
            ("事務", Role::Mixed, 15),
            ("事務/経理", Role::Mixed, 10),
            ("事務/人事", Role::Mixed, 8),
            ("メールマガジン", Role::List, 40),
            ("ML", Role::List, 5),
            ("ML/ikou-users", Role::List, 30),
            ("ML/dev", Role::List, 25),
            ("家族", Role::Mixed, 8),
            ("旅行", Role::Mixed, 6),
            ("R&D", Role::Mixed, 10),
            ("講義", Role::Mixed, 12),
            ("講義/2024前期", Role::Mixed, 18),
        ];
        let total_w: u64 = plan.iter().map(|p| p.2 as u64).sum();
        // Largest-remainder apportionment so the counts add up exactly.
        let mut counts: Vec<usize> = plan
            .iter()
            .map(|p| (messages as u64 * p.2 as u64 / total_w) as usize)
            .collect();
        let mut rema: Vec<(u64, usize)> = plan
            .iter()
            .enumerate()
            .map(|(i, p)| (messages as u64 * p.2 as u64 % total_w, i))
            .collect();
        rema.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let short = messages - counts.iter().sum::<usize>();
        for &(_, i) in rema.iter().take(short) {
            counts[i] += 1;
        }

        let mut r = SplitMix64::derive(seed, 77, 77);
        let sizes = size_plan(&mut r, messages, total_bytes);
        let mut specs: Vec<(usize, Spec)> = Vec::with_capacity(messages);
        let mut seq = 0u64;
        for (fi, &(_, role, _)) in plan.iter().enumerate() {
            let mut dates: Vec<i64> = (0..counts[fi])
                .map(|_| random_date(&mut r, EPOCH, SPAN))
                .collect();
            dates.sort_unstable();
            for date in dates {
                let mut spec = Spec::new(role, date, seq, seed, sizes[seq as usize]);
                if r.below(200) == 0 {
                    spec.message_id = false;
                }
                if r.below(5000) == 0 {
                    spec.broken = Some(if r.chance(50) {
                        Broken::MissingBoundary
                    } else {
                        Broken::BadBase64
                    });
                    spec.target = spec.target.max(30_000);
                }
                specs.push((fi, spec));
                seq += 1;
            }
        }

        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 8);
        let chunk = specs.len().div_ceil(threads).max(1);
        let generated: Vec<CorpusMessage> = std::thread::scope(|s| {
            let handles: Vec<_> = specs
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || part.iter().map(|(_, sp)| generate(sp)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });

        let mut folders: Vec<CorpusFolder> = plan
            .iter()
            .map(|p| CorpusFolder {
                name: p.0.to_string(),
                messages: Vec::new(),
            })
            .collect();
        for ((fi, _), msg) in specs.iter().zip(generated) {
            folders[*fi].messages.push(msg);
        }
        Corpus { folders }
    }

    /// Moves every message into INBOX (in folder order) and drops the other folders: one
    /// large folder, for measuring what grows with a folder's size.
    pub fn merge_into_inbox(&mut self) {
        let mut all = Vec::with_capacity(self.total_messages());
        for f in &mut self.folders {
            all.append(&mut f.messages);
        }
        self.folders = vec![CorpusFolder {
            name: "INBOX".into(),
            messages: all,
        }];
    }

    /// Number of messages in all folders.
    pub fn total_messages(&self) -> usize {
        self.folders.iter().map(|f| f.messages.len()).sum()
    }

    /// Sum of message sizes in octets.
    pub fn total_bytes(&self) -> u64 {
        self.folders
            .iter()
            .flat_map(|f| &f.messages)
            .map(CorpusMessage::size)
            .sum()
    }

    /// Size of the largest message in octets (0 for an empty corpus).
    pub fn largest_message(&self) -> u64 {
        self.folders
            .iter()
            .flat_map(|f| &f.messages)
            .map(CorpusMessage::size)
            .max()
            .unwrap_or(0)
    }

    /// The folder with this Unicode name, if any.
    pub fn folder(&self, name: &str) -> Option<&CorpusFolder> {
        self.folders.iter().find(|f| f.name == name)
    }

    /// Mutable access to a folder, for scenario builders.
    pub fn folder_mut(&mut self, name: &str) -> Option<&mut CorpusFolder> {
        self.folders.iter_mut().find(|f| f.name == name)
    }
}

/// Per-message sizes: short text mails at their natural size, the remaining budget spread over
/// attachment-bearing mails by a bucketed heavy-tailed distribution (integer arithmetic only,
/// so it is identical on every platform).
fn size_plan(r: &mut SplitMix64, n: usize, total: u64) -> Vec<usize> {
    let mut sizes = vec![0usize; n];
    if n == 0 {
        return sizes;
    }
    let huge = if total >= 256 << 20 {
        (n / 4000).clamp(1, 8)
    } else {
        0
    };
    let mut budget = total as i64;
    let mut attach_idx = Vec::new();
    let stride = n / huge.max(1);
    let mut huge_left = huge;
    for (i, s) in sizes.iter_mut().enumerate() {
        if huge_left > 0 && i % stride == stride / 2 {
            huge_left -= 1;
            let h = r.range(10_000_000, 30_000_000).min(total / 10);
            *s = h as usize;
            budget -= h as i64;
        } else if r.chance(72) {
            *s = r.range(2_000, 12_000) as usize;
            budget -= *s as i64;
        } else {
            attach_idx.push(i);
        }
    }
    const BUCKETS: &[(u64, u64, u64)] = &[
        (40, 15_000, 50_000),
        (28, 50_000, 150_000),
        (18, 150_000, 500_000),
        (9, 500_000, 1_500_000),
        (4, 1_500_000, 4_000_000),
        (1, 4_000_000, 9_000_000),
    ];
    let weights: Vec<u64> = attach_idx
        .iter()
        .map(|_| {
            let mut p = r.below(100);
            for &(pct, lo, hi) in BUCKETS {
                if p < pct {
                    return r.range(lo, hi);
                }
                p -= pct;
            }
            15_000
        })
        .collect();
    let sum_w: u64 = weights.iter().sum::<u64>().max(1);
    let budget = budget.max(attach_idx.len() as i64 * 3_000) as f64;
    let scale = budget / sum_w as f64;
    for (&i, &w) in attach_idx.iter().zip(&weights) {
        sizes[i] = ((w as f64 * scale) as usize).max(3_000);
    }
    sizes
}

fn random_date(r: &mut SplitMix64, from: i64, span: i64) -> i64 {
    // Mail arrives mostly in working hours (JST), some at night.
    let day = r.below((span / 86_400) as u64) as i64;
    let hour = if r.chance(80) {
        r.range(8, 19)
    } else {
        r.range(0, 23)
    } as i64;
    from + day * 86_400 + hour * 3600 + r.below(3600) as i64
}

fn mailbox(p: &Person, enc: HeaderEncoding) -> String {
    if p.name.is_ascii() {
        if p.name.contains([',', '\'', '.']) {
            format!("\"{}\" <{}>", p.name, p.addr)
        } else {
            format!("{} <{}>", p.name, p.addr)
        }
    } else {
        format!("{} <{}>", mime::encode_words(p.name, enc), p.addr)
    }
}

fn addr_list(people: &[Person], enc: HeaderEncoding) -> String {
    people
        .iter()
        .map(|p| mailbox(p, enc))
        .collect::<Vec<_>>()
        .join(",\r\n ")
}

fn pick_people(r: &mut SplitMix64, n: usize) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    while out.len() < n {
        let p = *r.pick(words::PEOPLE);
        if !out.iter().any(|q| q.addr == p.addr) {
            out.push(p);
        }
    }
    out
}

fn wrap_ja(s: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

fn wrap_en(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in s.split(' ') {
        if !cur.is_empty() && cur.len() + 1 + w.len() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    lines.push(cur);
    lines
}

/// Plain text of a body with `\n` line ends, about `chars` characters long.
fn body_text(
    r: &mut SplitMix64,
    ja: bool,
    to: &Person,
    from: &Person,
    chars: usize,
    reply: bool,
) -> String {
    let mut lines: Vec<String> = Vec::new();
    let family = to.name.split(' ').next().unwrap_or(to.name);
    if ja {
        lines.push(if to.name.is_ascii() {
            format!("{} 様", to.name)
        } else {
            format!("{family}様")
        });
        lines.push(String::new());
    } else {
        lines.push(format!(
            "Dear {},",
            to.name.split([' ', ',']).next().unwrap_or("colleague")
        ));
        lines.push(String::new());
    }
    let mut len = 0;
    while len < chars {
        let mut para = String::new();
        for _ in 0..r.range(2, 4) {
            let s = if ja {
                r.pick(words::SENTENCES_JA)
            } else {
                r.pick(words::SENTENCES_EN)
            };
            if !ja && !para.is_empty() {
                para.push(' ');
            }
            para.push_str(s);
        }
        len += para.chars().count();
        lines.extend(if ja {
            wrap_ja(&para, 35)
        } else {
            wrap_en(&para, 72)
        });
        lines.push(String::new());
    }
    if reply {
        lines.push(if ja {
            format!("{} wrote:", from.addr)
        } else {
            format!("On a previous day, {} wrote:", from.addr)
        });
        for _ in 0..r.range(2, 6) {
            let s = if ja {
                r.pick(words::SENTENCES_JA)
            } else {
                r.pick(words::SENTENCES_EN)
            };
            lines.push(format!("> {s}"));
        }
        lines.push(String::new());
    }
    lines.push("-- ".to_string());
    lines.push(from.name.to_string());
    if from.addr.ends_with("example-univ.test") {
        lines.push(if ja {
            "情報科学研究科".to_string()
        } else {
            "Graduate School of Informatics".to_string()
        });
    }
    lines.push(from.addr.to_string());
    lines.join("\n") + "\n"
}

/// Headers (without final CRLF) and body (CRLF) of one text part.
fn text_part(r: &mut SplitMix64, text: &str, ja: bool) -> (Vec<String>, Vec<u8>) {
    let crlf = |lines: Vec<Vec<u8>>| {
        let mut v = Vec::new();
        for l in lines {
            v.extend_from_slice(&l);
            v.extend_from_slice(b"\r\n");
        }
        v
    };
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    let p = r.below(100);
    if !ja {
        if p < 70 {
            let body = crlf(lines.iter().map(|l| l.as_bytes().to_vec()).collect());
            return (
                vec![
                    "Content-Type: text/plain; charset=us-ascii".into(),
                    "Content-Transfer-Encoding: 7bit".into(),
                ],
                body,
            );
        }
        return (
            vec![
                "Content-Type: text/plain; charset=UTF-8".into(),
                "Content-Transfer-Encoding: quoted-printable".into(),
            ],
            mime::quoted_printable(text.trim_end_matches('\n').as_bytes()),
        );
    }
    if p < 55 {
        let body = crlf(lines.iter().map(|l| Charset::Iso2022Jp.encode(l)).collect());
        (
            vec![
                "Content-Type: text/plain; charset=ISO-2022-JP".into(),
                "Content-Transfer-Encoding: 7bit".into(),
            ],
            body,
        )
    } else if p < 75 {
        let body = crlf(lines.iter().map(|l| Charset::ShiftJis.encode(l)).collect());
        if p < 65 {
            (
                vec![
                    "Content-Type: text/plain; charset=Shift_JIS".into(),
                    "Content-Transfer-Encoding: 8bit".into(),
                ],
                body,
            )
        } else {
            (
                vec![
                    "Content-Type: text/plain; charset=\"Shift_JIS\"".into(),
                    "Content-Transfer-Encoding: base64".into(),
                ],
                mime::base64_lines(&body),
            )
        }
    } else if p < 88 {
        let body = crlf(lines.iter().map(|l| l.as_bytes().to_vec()).collect());
        (
            vec![
                "Content-Type: text/plain; charset=UTF-8; format=flowed".into(),
                "Content-Transfer-Encoding: base64".into(),
            ],
            mime::base64_lines(&body),
        )
    } else if p < 95 {
        (
            vec![
                "Content-Type: text/plain; charset=utf-8".into(),
                "Content-Transfer-Encoding: quoted-printable".into(),
            ],
            mime::quoted_printable(text.trim_end_matches('\n').as_bytes()),
        )
    } else {
        let body = crlf(lines.iter().map(|l| l.as_bytes().to_vec()).collect());
        (
            vec![
                "Content-Type: text/plain; charset=UTF-8".into(),
                "Content-Transfer-Encoding: 8bit".into(),
            ],
            body,
        )
    }
}

/// 1 MiB of random base64 text, made once per process.
fn base64_pool() -> &'static [u8] {
    static POOL: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        use base64::Engine as _;
        let mut data = vec![0u8; 3 << 18];
        SplitMix64::new(0x1C0_0B45E).fill(&mut data);
        base64::engine::general_purpose::STANDARD
            .encode(data)
            .into_bytes()
    })
}

/// Base64 lines (76 chars + CRLF) that decode to `raw_len` pseudo-random bytes. Lines are
/// 4-aligned slices of a shared random pool picked by `r`, so attachment bodies cost a memcpy
/// (fast even in debug builds) yet differ per message and do not compress much, like real
/// attachments.
fn random_base64_lines(r: &mut SplitMix64, raw_len: usize, out: &mut Vec<u8>) {
    let pool = base64_pool();
    let groups_total = raw_len.div_ceil(3);
    let mut chars_left = groups_total * 4;
    out.reserve(chars_left + chars_left / 76 * 2 + 2);
    let slots = (pool.len() - 76) / 4;
    while chars_left > 0 {
        let n = chars_left.min(76);
        let off = r.below(slots as u64) as usize * 4;
        out.extend_from_slice(&pool[off..off + n]);
        out.extend_from_slice(b"\r\n");
        chars_left -= n;
    }
}

fn attachment_part(
    r: &mut SplitMix64,
    raw_len: usize,
    enc: HeaderEncoding,
    corrupt: bool,
    out: &mut Vec<u8>,
) {
    let (name, ctype) = *r.pick(words::ATTACHMENTS);
    let mut head = String::new();
    if name.is_ascii() {
        head.push_str(&format!(
            "Content-Type: {ctype}; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
        ));
    } else if r.chance(50) {
        // Outlook / Becky! style: encoded-word in name= as well (not RFC-conformant, but common).
        let ew = mime::encode_words(name, enc).replace("\r\n ", "");
        head.push_str(&format!(
            "Content-Type: {ctype};\r\n name=\"{ew}\"\r\nContent-Disposition: attachment;\r\n {}\r\n",
            mime::rfc2231_filename(name)
        ));
    } else {
        head.push_str(&format!(
            "Content-Type: {ctype}\r\nContent-Disposition: attachment;\r\n {}\r\n",
            mime::rfc2231_filename(name)
        ));
    }
    head.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    out.extend_from_slice(head.as_bytes());
    let start = out.len();
    random_base64_lines(r, raw_len, out);
    if corrupt {
        // Characters outside the alphabet in the middle and a last line of odd length.
        for i in [3usize, 40, 41, 150] {
            let i = start + i;
            if i < out.len() && out[i] != b'\r' && out[i] != b'\n' {
                out[i] = b'*';
            }
        }
        let cut = out.len().saturating_sub(5).max(start);
        out.truncate(cut);
        out.extend_from_slice(b"!\r\n");
    }
}

/// Builds one message from its spec.
pub(crate) fn generate(spec: &Spec) -> CorpusMessage {
    let mut r = SplitMix64::derive(spec.seed, spec.seq, 0x5EED);
    let role = match spec.role {
        Role::Mixed if r.chance(25) => Role::Sent,
        Role::Mixed => Role::Inbox,
        other => other,
    };
    let (from, to, cc): (Person, Vec<Person>, Vec<Person>) = match role {
        Role::Sent | Role::Drafts => {
            let n = if r.chance(25) {
                r.range(2, 4) as usize
            } else {
                1
            };
            let cc = if r.chance(20) {
                pick_people(&mut r, 1)
            } else {
                Vec::new()
            };
            (OWNER, pick_people(&mut r, n), cc)
        }
        Role::Junk => (*r.pick(words::SPAMMERS), vec![OWNER], Vec::new()),
        Role::List => {
            let (name, addr, _) = *r.pick(words::LISTS);
            let p = Person {
                name,
                addr,
                ja: !name.is_ascii(),
            };
            (p, vec![p], Vec::new())
        }
        _ => {
            let from = pick_people(&mut r, 1)[0];
            let mut to = vec![OWNER];
            if r.chance(25) {
                let k = r.range(1, 3) as usize;
                to.extend(
                    pick_people(&mut r, k)
                        .into_iter()
                        .filter(|p| p.addr != from.addr),
                );
            }
            let cc = if r.chance(15) {
                pick_people(&mut r, 2)
            } else {
                Vec::new()
            };
            (from, to, cc)
        }
    };
    let peer = if matches!(role, Role::Sent | Role::Drafts) {
        to[0]
    } else {
        from
    };
    let ja = peer.ja || r.chance(10);
    let reply = !matches!(role, Role::Junk | Role::List) && !spec.forward && r.chance(30);

    let mut subject: String = match role {
        Role::Junk if spec.broken == Some(Broken::RawUtf8Subject) => {
            words::SUBJECTS_SPAM[0].to_string()
        }
        Role::Junk => r.pick(words::SUBJECTS_SPAM).to_string(),
        Role::List => {
            let base = if from.ja {
                r.pick(words::SUBJECTS_JA)
            } else {
                r.pick(words::SUBJECTS_EN)
            };
            let list = from.name;
            format!("[{list}:{:05}] {base}", spec.seq % 100_000)
        }
        _ if ja => r.pick(words::SUBJECTS_JA).to_string(),
        _ => r.pick(words::SUBJECTS_EN).to_string(),
    };
    if reply {
        subject = format!("Re: {subject}");
    } else if spec.forward {
        subject = format!("Fwd: {subject}");
    }
    let enc = match r.below(10) {
        0..=5 => HeaderEncoding::Iso2022JpB,
        6..=8 => HeaderEncoding::Utf8B,
        _ => HeaderEncoding::Utf8Q,
    };
    let tz = if ja {
        540
    } else {
        *r.pick(&[-480, 0, 60, 540])
    };
    let date = mime::rfc5322_date(spec.date, tz);

    let mut h: Vec<Vec<u8>> = Vec::new();
    let mut push = |s: String| h.push(s.into_bytes());
    let inbound = matches!(role, Role::Inbox | Role::Trash | Role::Junk | Role::List);
    if inbound {
        push(format!("Return-Path: <{}>", from.addr));
        push("Delivered-To: taro@example-univ.test".into());
        let host = from.addr.rsplit('@').next().unwrap_or("example.com");
        push(format!(
            "Received: from mx{n}.{host} (mx{n}.{host} [192.0.2.{ip}])\r\n\tby mail.example-univ.test (Postfix) with ESMTPS id {id:010X}\r\n\tfor <taro@example-univ.test>; {date}",
            n = r.range(1, 3),
            ip = r.range(10, 250),
            id = r.next_u64() >> 24,
        ));
    }
    if spec.message_id {
        let (y, m, d) = mime::civil_from_days((spec.date + 9 * 3600).div_euclid(86_400));
        let tod = (spec.date + 9 * 3600).rem_euclid(86_400);
        push(format!(
            "Message-ID: <{y:04}{m:02}{d:02}{:02}{:02}{:02}.{:06}.{:08x}@example-univ.test>",
            tod / 3600,
            tod / 60 % 60,
            tod % 60,
            spec.seq,
            SplitMix64::new(spec.seed).next_u64() as u32
        ));
    }
    push(format!("Date: {date}"));
    push(format!("From: {}", mailbox(&from, enc)));
    push(format!("To: {}", addr_list(&to, enc)));
    if !cc.is_empty() {
        push(format!("Cc: {}", addr_list(&cc, enc)));
    }
    if spec.broken == Some(Broken::RawUtf8Subject) {
        push(format!("Subject: {subject}"));
    } else if subject.is_ascii() {
        push(format!("Subject: {}", fold_ascii(&subject)));
    } else {
        push(format!("Subject: {}", mime::encode_words(&subject, enc)));
    }
    if reply {
        push(format!(
            "In-Reply-To: <{:016x}@example-univ.test>",
            r.next_u64()
        ));
    }
    if role == Role::List {
        let list = words::LISTS
            .iter()
            .find(|l| l.1 == from.addr)
            .map_or("list.example.org", |l| l.2);
        push(format!("List-Id: <{list}>"));
        push(format!("List-Unsubscribe: <mailto:leave-{list}>"));
        push("Precedence: bulk".into());
    }
    if !matches!(role, Role::Junk | Role::List) {
        push(format!("X-Mailer: {}", r.pick(words::MAILERS)));
    }
    if role == Role::Junk {
        push("X-Spam-Flag: YES".into());
        push(format!("X-Spam-Score: {}.{}", r.range(6, 19), r.below(10)));
    }
    push("MIME-Version: 1.0".into());

    let header_len: usize = h.iter().map(|l| l.len() + 2).sum();
    // Mails with attachments carry a short note; text-only mails grow their text to the target.
    let text_budget = if spec.target > 14_000 {
        r.range(300, 3_000) as usize
    } else {
        spec.target
            .saturating_sub(header_len + 300)
            .clamp(200, 12_000)
    };
    let chars = if ja {
        text_budget * 2 / 5
    } else {
        text_budget * 9 / 10
    };
    let text = if role == Role::Junk {
        words::SPAM_BODY.join("\n") + "\n"
    } else {
        body_text(&mut r, ja, &to[0], &from, chars, reply)
    };
    let (part_headers, part_body) = text_part(&mut r, &text, ja);

    let fixed = header_len + part_body.len() + 200;
    let want_attach = spec.target > 14_000 && spec.target > fixed + 2_000 || spec.broken.is_some();
    let alternative = role == Role::List && !ja && r.chance(50);
    let mut raw = Vec::with_capacity(spec.target + 4096);
    for l in &h {
        raw.extend_from_slice(l);
        raw.extend_from_slice(b"\r\n");
    }
    if !want_attach && !spec.forward && !alternative {
        for l in &part_headers {
            raw.extend_from_slice(l.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&part_body);
    } else {
        let boundary = format!(
            "----=_NextPart_{:03}_{:04X}_{:08X}",
            r.below(1000),
            r.below(65536),
            r.next_u64() as u32
        );
        let kind = if alternative && !want_attach {
            "alternative"
        } else {
            "mixed"
        };
        raw.extend_from_slice(
            format!("Content-Type: multipart/{kind};\r\n boundary=\"{boundary}\"\r\n\r\n")
                .as_bytes(),
        );
        raw.extend_from_slice(b"This is a multi-part message in MIME format.\r\n\r\n");
        raw.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        for l in &part_headers {
            raw.extend_from_slice(l.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&part_body);
        if alternative && !want_attach {
            raw.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
            raw.extend_from_slice(b"Content-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n");
            raw.extend_from_slice(b"<html><body>\r\n");
            for line in text.lines() {
                raw.extend_from_slice(
                    format!(
                        "<p>{}</p>\r\n",
                        line.replace('<', "&lt;").replace('>', "&gt;")
                    )
                    .as_bytes(),
                );
            }
            raw.extend_from_slice(b"</body></html>\r\n");
        }
        if spec.forward {
            let mut inner = Spec::new(
                Role::Inbox,
                spec.date - 86_400 * 3,
                spec.seq + 1_000_000,
                spec.seed ^ 1,
                3_000,
            );
            inner.forward = false;
            let inner = generate(&inner);
            raw.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
            raw.extend_from_slice(
                b"Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n",
            );
            raw.extend_from_slice(&inner.raw);
        }
        if want_attach {
            let remaining = spec.target.saturating_sub(raw.len() + 400).max(600);
            let raw_total = remaining / 78 * 57;
            let n = if raw_total > 60_000 && r.chance(30) {
                2
            } else {
                1
            };
            for k in 0..n {
                let len = if n == 2 && k == 0 {
                    raw_total / 3
                } else if n == 2 {
                    raw_total - raw_total / 3
                } else {
                    raw_total
                };
                raw.extend_from_slice(format!("\r\n--{boundary}\r\n").as_bytes());
                let corrupt = spec.broken == Some(Broken::BadBase64) && k == 0;
                attachment_part(&mut r, len, enc, corrupt, &mut raw);
            }
        }
        if spec.broken != Some(Broken::MissingBoundary) {
            raw.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        }
    }

    let mut flags = match role {
        Role::Sent => {
            let mut f = vec![Flag::Seen];
            if r.chance(3) {
                f.push(Flag::Flagged);
            }
            f
        }
        Role::Drafts => vec![Flag::Draft, Flag::Seen],
        Role::Trash => vec![Flag::Seen],
        Role::Junk => {
            if r.chance(50) {
                vec![Flag::Seen]
            } else {
                vec![]
            }
        }
        _ => {
            let mut f = Vec::new();
            if r.chance(85) {
                f.push(Flag::Seen);
                if r.chance(20) {
                    f.push(Flag::Answered);
                }
                if r.chance(8) {
                    f.push(Flag::Flagged);
                }
            }
            f
        }
    };
    flags.extend(spec.extra_flags.iter().copied());
    flags.sort();
    flags.dedup();
    CorpusMessage {
        raw,
        internal_date: spec.date,
        flags,
    }
}

fn fold_ascii(s: &str) -> String {
    // Fold long ASCII header text at spaces so no line exceeds 78 characters.
    let lines = wrap_en(s, 68);
    lines.join("\r\n ")
}

/// A message of about `size` bytes carrying one big base64 attachment (the oversize case).
pub(crate) fn big_message(seed: u64, seq: u64, date: i64, size: usize) -> CorpusMessage {
    let mut spec = Spec::new(Role::Inbox, date, seq, seed, size);
    spec.message_id = true;
    generate(&spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crlf_only(raw: &[u8]) -> bool {
        raw.iter().enumerate().all(|(i, &b)| match b {
            b'\n' => i > 0 && raw[i - 1] == b'\r',
            b'\r' => raw.get(i + 1) == Some(&b'\n'),
            _ => true,
        })
    }

    #[test]
    fn standard_is_deterministic_and_realistic() {
        let a = Corpus::standard(42);
        let b = Corpus::standard(42);
        assert_eq!(a, b);
        assert_ne!(a, Corpus::standard(43));
        assert_eq!(a.total_messages(), 169);
        assert_eq!(a.folder("保存用").map(|f| f.messages.len()), Some(0));
        let mut ids = std::collections::HashSet::new();
        let mut without = 0;
        for f in &a.folders {
            for m in &f.messages {
                assert!(crlf_only(&m.raw), "{}: bare CR/LF", f.name);
                assert!(m.raw.windows(4).any(|w| w == b"\r\n\r\n"));
                for line in m.raw.split(|&b| b == b'\n') {
                    assert!(
                        line.len() <= 998,
                        "{}: line of {} bytes",
                        f.name,
                        line.len()
                    );
                }
                let date = mime::header(&m.raw, "Date").expect("Date");
                assert!(
                    date == mime::rfc5322_date(m.internal_date, 540)
                        || [-480, 0, 60]
                            .iter()
                            .any(|&tz| date == mime::rfc5322_date(m.internal_date, tz))
                );
                match m.message_id() {
                    Some(id) => {
                        assert!(id.ends_with("@example-univ.test>"), "{id}");
                        assert!(ids.insert(id));
                    }
                    None => without += 1,
                }
            }
            let dates: Vec<i64> = f.messages.iter().map(|m| m.internal_date).collect();
            assert!(dates.windows(2).all(|w| w[0] <= w[1]));
        }
        assert_eq!(without, 3);
        let inbox = a.folder("INBOX").expect("INBOX");
        assert!(inbox.messages[20].size() > 1_000_000);
        assert!(
            inbox
                .messages
                .iter()
                .filter(|m| !m.flags.contains(&Flag::Seen))
                .count()
                > 3
        );
        let all: Vec<&CorpusMessage> = a.folders.iter().flat_map(|f| &f.messages).collect();
        let has = |needle: &[u8]| {
            all.iter()
                .filter(|m| m.raw.windows(needle.len()).any(|w| w == needle))
                .count()
        };
        assert!(has(b"=?ISO-2022-JP?B?") > 20);
        assert!(has(b"=?UTF-8?B?") > 5);
        assert!(has(b"=?UTF-8?Q?") > 2);
        assert!(has(b"charset=Shift_JIS") + has(b"charset=\"Shift_JIS\"") > 5);
        assert!(has(b"filename*=UTF-8''%") + has(b"filename*0*=UTF-8''%") > 3);
        assert!(has(b"message/rfc822") >= 1);
        assert!(
            a.total_bytes() > 5_000_000 && a.total_bytes() < 40_000_000,
            "{}",
            a.total_bytes()
        );
        let junk2 = &a.folder("Junk").expect("Junk").messages[2];
        assert!(mime::header(&junk2.raw, "Subject").is_some_and(|s| !s.is_ascii()));
    }

    #[test]
    fn subjects_decode() {
        let c = Corpus::standard(1);
        let subjects: Vec<String> = c
            .folders
            .iter()
            .flat_map(|f| &f.messages)
            .filter_map(|m| m.subject())
            .collect();
        assert!(
            subjects
                .iter()
                .any(|s| s.contains("研究室") || s.contains("お知らせ"))
        );
        assert!(subjects.iter().all(|s| !s.contains("=?")), "{subjects:?}");
    }

    #[test]
    fn sized_hits_count_and_size() {
        let c = Corpus::sized(9, 600, 40_000_000);
        assert_eq!(c.total_messages(), 600);
        assert_eq!(c.folders.len(), 31);
        let total = c.total_bytes() as f64;
        assert!((total / 40e6 - 1.0).abs() < 0.15, "{total}");
        assert_eq!(c, Corpus::sized(9, 600, 40_000_000));
    }
}
