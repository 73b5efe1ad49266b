//! # Message identity across two servers
//!
//! Decides when a message on the new server is "the same" as one on the old server, without
//! trusting the size (Exchange reports an estimate) or headers Exchange rewrites. The key is
//! written for people too: it is quoted verbatim in the user documentation.
//!
//! ## The identity key
//! * **Message-ID** (`mid:` + the id) when the message has one. The id is normalised: text
//!   inside the first `<…>`, white space removed, local part's case kept, domain lower-cased.
//! * **Fingerprint** (`fp:` + 32 hex digits, the first 128 bits of a SHA-256) otherwise, over:
//!   1. the Date header as a UTC instant (`utc:<unix seconds>`) when it parses, else its text
//!      with white space collapsed (`text:…`), empty when absent;
//!   2. the From addr-spec(s), lower-cased, without display names;
//!   3. the To addr-specs, lower-cased, sorted, duplicates removed;
//!   4. the decoded subject with white space collapsed.
//!
//! The subject is part of the fingerprint only, never of a Message-ID key, so a subject garbled
//! on the new server still finds its old message. For messages without a Message-ID a
//! **loose fingerprint** (items 1–3, no subject) is used as a second pass; see
//! [`super::matching`] for the order of the passes and how a Message-ID that is not unique
//! within a folder is handled.
//!
//! ## Weak identities
//! A fingerprint proves nothing when it is shared: every message without Message-ID, Date,
//! From and To has the same one. A message without a Message-ID is **weak** when fewer than
//! two of Date, From and To are present, or when another message without a Message-ID on the
//! same server (any folder) has the same loose fingerprint. A weak message is recognised only
//! by its loose fingerprint **and** an equal body hash (`mail::body`); when either body is
//! unknown the message is *not proven* present, never assumed present.

use std::collections::{HashMap, HashSet};

use mail_parser::DateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::mail::address::addr_specs;
use crate::mail::envelope::normalize_message_id;
use crate::mail::garble::{collapse_whitespace, effective_subject};
use crate::model::MessageInfo;

/// Separator between fingerprint fields; it cannot occur in any normalised field.
const SEP: char = '\u{1f}';

/// Everything the matching needs to recognise one message.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    /// Normalised Message-ID, when present.
    pub message_id: Option<String>,
    /// Date, From, To and subject (see the module docs).
    pub fingerprint: String,
    /// Date, From and To only: survives a garbled subject.
    pub loose: String,
    /// Fewer than two of Date, From and To are present.
    pub sparse: bool,
    /// The body hash, when it was read (only for weak identities).
    pub body: Option<String>,
    /// Set by [`mark_weak`]: headers alone cannot tell this message apart.
    pub weak: bool,
}

impl Identity {
    pub fn of(info: &MessageInfo) -> Self {
        let parts = Parts::of(info);
        Self {
            message_id: parts.message_id,
            fingerprint: hex::encode(parts.fingerprint),
            loose: hex::encode(parts.loose),
            sparse: parts.sparse,
            body: info.body_hash.clone(),
            weak: false,
        }
    }

    /// The same identity as fixed-size digests (see [`Compact`]).
    pub fn compact(&self) -> Compact {
        Compact {
            message_id: self.message_id.as_deref().map(text_digest),
            fingerprint: from_hex(&self.fingerprint),
            loose: from_hex(&self.loose),
            body: self.body.as_deref().map(text_digest),
            sparse: self.sparse,
            weak: self.weak,
        }
    }

    /// True when this identity may pair with `other` by fingerprint or loose fingerprint:
    /// `Some(true)` proven, `Some(false)` disproven (bodies differ), `None` when a weak
    /// identity's body is unknown on either side. The keys themselves are compared by the
    /// caller.
    pub fn proof(&self, other: &Identity) -> Option<bool> {
        if !(self.weak || other.weak) {
            return Some(true);
        }
        match (&self.body, &other.body) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        }
    }

    /// The key shown to people and written to JSON/CSV: `mid:<id>` or `fp:<hex>`.
    pub fn key(&self) -> String {
        match &self.message_id {
            Some(id) => format!("mid:{id}"),
            None => format!("fp:{}", self.fingerprint),
        }
    }
}

/// 128 bits of a SHA-256: a fingerprint, or the digest of a Message-ID or body hash.
pub type Digest = [u8; 16];

/// An [`Identity`] as fixed-size digests, for matching whole mailboxes in little memory: the
/// normalised Message-ID and the body hash are kept as digests of their text (equal texts,
/// equal digests), the fingerprints as their 128 bits. `Identity::of(m).compact()` equals
/// `Compact::of(m)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Compact {
    pub message_id: Option<Digest>,
    pub fingerprint: Digest,
    pub loose: Digest,
    pub body: Option<Digest>,
    pub sparse: bool,
    pub weak: bool,
}

/// [`Identity::key`] as digests: what the duplicate rule and the contents mapping compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    MessageId(Digest),
    Fingerprint(Digest),
}

impl Compact {
    pub fn of(info: &MessageInfo) -> Self {
        let parts = Parts::of(info);
        Self {
            message_id: parts.message_id.as_deref().map(text_digest),
            fingerprint: parts.fingerprint,
            loose: parts.loose,
            body: info.body_hash.as_deref().map(text_digest),
            sparse: parts.sparse,
            weak: false,
        }
    }

    /// [`Identity::proof`] for compact identities.
    pub fn proof(&self, other: &Compact) -> Option<bool> {
        if !(self.weak || other.weak) {
            return Some(true);
        }
        match (&self.body, &other.body) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        }
    }

    /// The Message-ID, or the fingerprint when there is none.
    pub fn key(&self) -> Key {
        match self.message_id {
            Some(id) => Key::MessageId(id),
            None => Key::Fingerprint(self.fingerprint),
        }
    }
}

/// What both identity forms are made of.
struct Parts {
    message_id: Option<String>,
    fingerprint: Digest,
    loose: Digest,
    sparse: bool,
}

impl Parts {
    fn of(info: &MessageInfo) -> Self {
        let date = normalized_date(info.date.as_deref().unwrap_or(""));
        let from = normalized_addresses(info.from.as_deref().unwrap_or(""), false);
        let to = normalized_addresses(info.to.as_deref().unwrap_or(""), true);
        let subject = collapse_whitespace(&effective_subject(info));
        Self {
            message_id: info.message_id.as_deref().and_then(normalize_message_id),
            fingerprint: digest(&["v1", &date, &from, &to, &subject]),
            loose: digest(&["v1-loose", &date, &from, &to]),
            sparse: [&date, &from, &to].iter().filter(|f| !f.is_empty()).count() < 2,
        }
    }
}

/// What the weak-identity rule needs of an identity, in either form.
pub trait Weakness {
    type Loose: Clone + Eq + std::hash::Hash;
    fn has_message_id(&self) -> bool;
    fn loose_key(&self) -> &Self::Loose;
    fn is_sparse(&self) -> bool;
    fn set_weak(&mut self, weak: bool);
}

impl Weakness for Identity {
    type Loose = String;
    fn has_message_id(&self) -> bool {
        self.message_id.is_some()
    }
    fn loose_key(&self) -> &String {
        &self.loose
    }
    fn is_sparse(&self) -> bool {
        self.sparse
    }
    fn set_weak(&mut self, weak: bool) {
        self.weak = weak;
    }
}

impl Weakness for Compact {
    type Loose = Digest;
    fn has_message_id(&self) -> bool {
        self.message_id.is_some()
    }
    fn loose_key(&self) -> &Digest {
        &self.loose
    }
    fn is_sparse(&self) -> bool {
        self.sparse
    }
    fn set_weak(&mut self, weak: bool) {
        self.weak = weak;
    }
}

/// Loose fingerprints that cannot identify a message by headers alone (see the module docs):
/// sparse, or shared by two messages without a Message-ID on the same side.
pub fn weak_keys<'a, I: Weakness + 'a>(
    old: impl IntoIterator<Item = &'a I>,
    new: impl IntoIterator<Item = &'a I>,
) -> HashSet<I::Loose> {
    let mut weak = HashSet::new();
    for side in [
        old.into_iter().collect::<Vec<_>>(),
        new.into_iter().collect::<Vec<_>>(),
    ] {
        let mut seen: HashMap<&I::Loose, usize> = HashMap::new();
        for id in side.iter().filter(|i| !i.has_message_id()) {
            *seen.entry(id.loose_key()).or_default() += 1;
            if id.is_sparse() {
                weak.insert(id.loose_key().clone());
            }
        }
        weak.extend(
            seen.into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(k, _)| k.clone()),
        );
    }
    weak
}

/// Marks the identities whose loose fingerprint is in `weak` (see [`weak_keys`]).
pub fn mark_weak<'a, I: Weakness + 'a>(
    ids: impl IntoIterator<Item = &'a mut I>,
    weak: &HashSet<I::Loose>,
) {
    for id in ids {
        let is_weak = weak.contains(id.loose_key());
        id.set_weak(is_weak);
    }
}

/// `utc:<unix seconds>` for a parsable RFC 5322 date, else `text:` + collapsed text; empty
/// input stays empty. Parsing makes `+0900` and `GMT` spellings of one instant equal.
pub fn normalized_date(raw: &str) -> String {
    let text = collapse_whitespace(raw);
    if text.is_empty() {
        return text;
    }
    match DateTime::parse_rfc822(&text).filter(DateTime::is_valid) {
        Some(date) => format!("utc:{}", date.to_timestamp()),
        None => format!("text:{text}"),
    }
}

/// Lower-cased addr-specs joined by `,` (sorted and de-duplicated when `sort`); a value with
/// no addr-spec falls back to its collapsed, lower-cased text so it still tells messages apart.
fn normalized_addresses(display: &str, sort: bool) -> String {
    let mut specs = addr_specs(display);
    if specs.is_empty() {
        return collapse_whitespace(display).to_lowercase();
    }
    if sort {
        specs.sort();
        specs.dedup();
    }
    specs.join(",")
}

/// [`text_digest`] of the fields joined by [`SEP`], without joining them.
fn digest(fields: &[&str]) -> Digest {
    let mut hasher = Sha256::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            hasher.update(SEP.encode_utf8(&mut [0u8; 4]).as_bytes());
        }
        hasher.update(field.as_bytes());
    }
    let mut out = [0u8; 16];
    out.copy_from_slice(&hasher.finalize()[..16]);
    out
}

/// The first 128 bits of the SHA-256 of `text`.
pub fn text_digest(text: &str) -> Digest {
    let hash = Sha256::digest(text.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&hash[..16]);
    out
}

/// A fingerprint's hex back to its bits (a text that is not one is digested instead).
fn from_hex(text: &str) -> Digest {
    let mut out = [0u8; 16];
    match hex::decode_to_slice(text, &mut out) {
        Ok(()) => out,
        Err(_) => text_digest(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: Option<&str>, date: &str, from: &str, to: &str, subject: &str) -> MessageInfo {
        MessageInfo {
            message_id: id.map(str::to_string),
            date: Some(date.to_string()),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            subject: Some(subject.to_string()),
            ..MessageInfo::default()
        }
    }

    const DATE: &str = "Mon, 23 Jan 2012 10:15:00 +0900";

    #[test]
    fn date_normal_form() {
        let cases = [
            (DATE, "utc:1327281300"),
            ("Mon, 23 Jan 2012 01:15:00 GMT", "utc:1327281300"),
            ("23 Jan 2012 01:15:00 +0000 (UTC)", "utc:1327281300"),
            ("  Mon,  23 Jan 2012\t10:15:00 +0900 ", "utc:1327281300"),
            ("yesterday  evening", "text:yesterday evening"),
            ("", ""),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalized_date(raw), expected, "{raw}");
        }
    }

    #[test]
    fn key_prefers_message_id() {
        let with_id = msg(Some("<A@Example.JP>"), DATE, "a@b.jp", "c@d.jp", "x");
        assert_eq!(Identity::of(&with_id).key(), "mid:A@example.jp");
        let without = msg(None, DATE, "a@b.jp", "c@d.jp", "x");
        let key = Identity::of(&without).key();
        assert!(key.starts_with("fp:") && key.len() == 3 + 32);
    }

    #[test]
    fn fingerprint_ignores_presentation_only() {
        let base = Identity::of(&msg(
            None,
            DATE,
            "山田 <Taro@B.jp>",
            "x@y.jp, a@b.jp",
            "会議 の件",
        ));
        let same = [
            msg(
                None,
                "Mon, 23 Jan 2012 01:15:00 GMT",
                "taro@b.jp",
                "a@b.jp, x@y.jp",
                "会議 の件",
            ),
            msg(
                None,
                DATE,
                "\"Yamada\" <TARO@b.jp>",
                "A@B.jp, X@Y.jp, a@b.jp",
                " 会議　の件 ",
            ),
        ];
        for m in same {
            assert_eq!(Identity::of(&m), base, "{m:?}");
        }
    }

    #[test]
    fn fingerprint_separates_real_differences() {
        let base = Identity::of(&msg(None, DATE, "a@b.jp", "c@d.jp", "会議"));
        let subject_only =
            Identity::of(&msg(None, DATE, "a@b.jp", "c@d.jp", "=?ISO-2022-JP?B?x?="));
        assert_ne!(subject_only.fingerprint, base.fingerprint);
        assert_eq!(
            subject_only.loose, base.loose,
            "loose survives a garbled subject"
        );
        let others = [
            msg(
                None,
                "Mon, 23 Jan 2012 10:15:01 +0900",
                "a@b.jp",
                "c@d.jp",
                "会議",
            ),
            msg(None, DATE, "z@b.jp", "c@d.jp", "会議"),
            msg(None, DATE, "a@b.jp", "c@d.jp, e@f.jp", "会議"),
        ];
        for m in others {
            let other = Identity::of(&m);
            assert_ne!(other.fingerprint, base.fingerprint, "{m:?}");
            assert_ne!(other.loose, base.loose, "{m:?}");
        }
    }

    #[test]
    fn weak_keys_are_sparse_or_shared() {
        let full = |s: &str| msg(None, DATE, "a@b.jp", "c@d.jp", s);
        let sparse = msg(None, "", "", "c@d.jp", "x");
        let with_id = msg(Some("<i@d>"), DATE, "a@b.jp", "c@d.jp", "x");
        let old = [Identity::of(&full("1")), Identity::of(&full("2"))];
        let new = [
            Identity::of(&sparse),
            Identity::of(&with_id),
            Identity::of(&msg(None, DATE, "z@b.jp", "c@d.jp", "x")),
        ];
        let weak = weak_keys(&old, &new);
        assert!(weak.contains(&old[0].loose), "shared on old");
        assert!(weak.contains(&new[0].loose), "sparse");
        assert!(!weak.contains(&new[2].loose), "unique and complete");
        assert_eq!(weak.len(), 2);
        // A message with a Message-ID never makes a key shared.
        let weak = weak_keys(&old[..1], &new[1..2]);
        assert!(weak.is_empty());
        let empty = Identity::of(&MessageInfo::default());
        assert!(empty.sparse);
    }

    #[test]
    fn weak_identities_need_equal_bodies() {
        let mut a = Identity::of(&MessageInfo::default());
        let mut b = a.clone();
        assert_eq!(a.proof(&b), Some(true), "not marked weak");
        a.weak = true;
        b.weak = true;
        assert_eq!(a.proof(&b), None, "bodies unknown");
        a.body = Some("1".into());
        assert_eq!(a.proof(&b), None, "one body unknown");
        b.body = Some("2".into());
        assert_eq!(a.proof(&b), Some(false));
        b.body = Some("1".into());
        assert_eq!(a.proof(&b), Some(true));
    }

    /// Both forms of one identity agree, so matching on digests decides what matching on the
    /// texts would.
    #[test]
    fn compact_is_the_identity_in_digests() {
        let mut with_body = msg(None, "", "", "c@d.jp", "x");
        with_body.body_hash = Some("abc".into());
        let messages = [
            msg(Some("<A@Example.JP>"), DATE, "a@b.jp", "c@d.jp", "x"),
            msg(
                None,
                DATE,
                "山田 <Taro@B.jp>",
                "x@y.jp, a@b.jp",
                "会議 の件",
            ),
            with_body,
            MessageInfo::default(),
        ];
        for m in &messages {
            let identity = Identity::of(m);
            assert_eq!(identity.compact(), Compact::of(m), "{m:?}");
            assert_eq!(
                hex::encode(Compact::of(m).fingerprint),
                identity.fingerprint
            );
        }
        let [a, b] = [&messages[0], &messages[1]].map(Compact::of);
        assert_ne!(a.key(), b.key());
        assert_eq!(a.key(), Compact::of(&messages[0].clone()).key());
    }

    #[test]
    fn digest_is_of_the_joined_fields() {
        let fields = ["v1", "utc:1", "", "a@b.jp", "件名"];
        assert_eq!(digest(&fields), text_digest(&fields.join("\u{1f}")));
        assert_eq!(digest(&[]), text_digest(""));
    }

    #[test]
    fn absent_fields_are_stable() {
        let empty = Identity::of(&MessageInfo::default());
        assert_eq!(empty, Identity::of(&MessageInfo::default()));
        assert_eq!(empty.message_id, None);
        let name_only = Identity::of(&msg(None, DATE, "名無し", "", ""));
        let other_name = Identity::of(&msg(None, DATE, "別人", "", ""));
        assert_ne!(name_only.loose, other_name.loose);
    }
}
