//! # Findings: what is wrong, what it means, how to fix it
//!
//! A [`Diagnosis`] holds no words: its [`Kind`] names the message in the catalog
//! (`src/i18n/{ja,en}/doctor.ftl`, id `doctor-<kind>` with the attributes `.meaning` and
//! `.fix`), and [`Diagnosis::args`] hold the values of the message's variables (records, host
//! names, counts; `role` is `old`/`new`, `reason` is `timeout` or the system's words, also in
//! a [`Tried`] list). The faces call [`Diagnosis::text`] for the language the reader reads;
//! the JSON carries the text in both languages as well, for programs and tickets.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::i18n::{FluentValue, Lang};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Ok,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self, lang: Lang) -> String {
        match self {
            Severity::Ok => "OK".into(),
            Severity::Warning => tr!(lang, "doctor-warn"),
            Severity::Error => tr!(lang, "doctor-error"),
        }
    }
}

/// Which group of checks a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Dns,
    Autoconfig,
    Autodiscover,
    Tls,
    Login,
    Client,
}

impl Area {
    pub fn label(self, lang: Lang) -> String {
        match self {
            Area::Dns => "DNS".into(),
            Area::Autoconfig => tr!(lang, "doctor-autoconfig"),
            Area::Autodiscover => "Autodiscover".into(),
            Area::Tls => "TLS".into(),
            Area::Login => tr!(lang, "doctor-login"),
            Area::Client => tr!(lang, "doctor-mail-client"),
        }
    }
}

macro_rules! kinds {
    ($($variant:ident => $id:literal,)*) => {
        /// Every finding the doctor can report. The id (`mx-mixed`) is stable: the JSON, the
        /// documentation and the helpdesk use it, and the catalog message is `doctor-<id>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind {
            $($variant,)*
        }

        impl Kind {
            /// Every kind, in declaration order.
            pub const ALL: &[Kind] = &[$(Kind::$variant,)*];

            /// The stable id, e.g. `mx-mixed`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kind::$variant => $id,)*
                }
            }

            /// The catalog message of this kind, e.g. `doctor-mx-mixed`.
            pub fn message_id(self) -> &'static str {
                match self {
                    $(Kind::$variant => concat!("doctor-", $id),)*
                }
            }

            /// The kind with this id.
            pub fn from_id(id: &str) -> Option<Kind> {
                match id {
                    $($id => Some(Kind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    DnsNoAnswer => "dns-no-answer",
    DnsNoDomain => "dns-no-domain",
    DnsLookupFailed => "dns-lookup-failed",
    MxMissing => "mx-missing",
    MxMixed => "mx-mixed",
    MxNotSwitched => "mx-not-switched",
    MxExchangeOnline => "mx-exchange-online",
    MxFound => "mx-found",
    AutodiscoverCnameMissing => "autodiscover-cname-missing",
    AutodiscoverCnameWrong => "autodiscover-cname-wrong",
    AutodiscoverCnameOk => "autodiscover-cname-ok",
    AutodiscoverCname => "autodiscover-cname",
    SrvOldHost => "srv-old-host",
    SrvUnknownHost => "srv-unknown-host",
    SrvOk => "srv-ok",
    SpfMissing => "spf-missing",
    SpfMultiple => "spf-multiple",
    SpfNoExchangeOnline => "spf-no-exchange-online",
    SpfTooManyLookups => "spf-too-many-lookups",
    SpfIncludeMissing => "spf-include-missing",
    SpfOk => "spf-ok",
    DmarcMissing => "dmarc-missing",
    DmarcMultiple => "dmarc-multiple",
    DmarcOk => "dmarc-ok",
    DkimMissing => "dkim-missing",
    DkimOk => "dkim-ok",
    AutoconfigOldServer => "autoconfig-old-server",
    AutoconfigInvalid => "autoconfig-invalid",
    AutoconfigPlaintext => "autoconfig-plaintext",
    AutoconfigNoOauth2 => "autoconfig-no-oauth2",
    AutoconfigMissing => "autoconfig-missing",
    AutoconfigOk => "autoconfig-ok",
    AutodiscoverOldServer => "autodiscover-old-server",
    AutodiscoverInvalid => "autodiscover-invalid",
    AutodiscoverError => "autodiscover-error",
    AutodiscoverUnreachable => "autodiscover-unreachable",
    AutodiscoverOk => "autodiscover-ok",
    AutodiscoverAuthRequired => "autodiscover-auth-required",
    TlsUnreachable => "tls-unreachable",
    TlsNoStarttls => "tls-no-starttls",
    TlsExpired => "tls-expired",
    TlsNotYetValid => "tls-not-yet-valid",
    TlsWrongHost => "tls-wrong-host",
    TlsUntrusted => "tls-untrusted",
    TlsExpiring => "tls-expiring",
    TlsOk => "tls-ok",
    LoginOk => "login-ok",
    LoginRejected => "login-rejected",
    LoginFailed => "login-failed",
    ClientNotFound => "client-not-found",
    ClientUnreadable => "client-unreadable",
    TbSendsViaOld => "tb-sends-via-old",
    TbSentOnOld => "tb-sent-on-old",
    TbPopLeaveOnServer => "tb-pop-leave-on-server",
    TbNewNoOauth2 => "tb-new-no-oauth2",
    TbSameName => "tb-same-name",
    TbNoNewAccount => "tb-no-new-account",
    TbOk => "tb-ok",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Kind {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Kind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Kind, D::Error> {
        let id = String::deserialize(deserializer)?;
        Kind::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding id {id:?}")))
    }
}

/// The value of one message variable: a number (counts, days, HTTP codes), words from the
/// world (records, host names, the system's reasons), or places asked and why each gave
/// nothing (put into words in the reader's language, like `reason`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Number(i64),
    Text(String),
    Tried(Vec<Tried>),
}

/// One place asked without an answer: its URL and `reason` (`timeout`, `HTTP 404` or the
/// system's words).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tried {
    pub url: String,
    pub reason: String,
}

impl Arg {
    fn fluent(&self, lang: Lang) -> FluentValue<'_> {
        match self {
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Text(s) => FluentValue::from(s.as_str()),
            Arg::Tried(places) => FluentValue::from(
                places
                    .iter()
                    .map(|t| {
                        tr!(
                            lang,
                            "doctor-tried",
                            url = t.url.as_str(),
                            reason = t.reason.as_str()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }
}

impl From<Vec<Tried>> for Arg {
    fn from(value: Vec<Tried>) -> Arg {
        Arg::Tried(value)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Arg {
        Arg::Text(value.to_string())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Arg {
        Arg::Text(value)
    }
}

impl From<&String> for Arg {
    fn from(value: &String) -> Arg {
        Arg::Text(value.clone())
    }
}

impl From<usize> for Arg {
    fn from(value: usize) -> Arg {
        Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl From<u16> for Arg {
    fn from(value: u16) -> Arg {
        Arg::Number(i64::from(value))
    }
}

impl From<i64> for Arg {
    fn from(value: i64) -> Arg {
        Arg::Number(value)
    }
}

/// The words of one finding in one language, from the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    /// One line: what was found.
    pub summary: String,
    /// Why it matters (empty when the catalog has none).
    pub meaning: String,
    /// What to do (empty for OK findings).
    pub fix: String,
}

/// One diagnosis: what kind, how bad, about what, and the values its words need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// Stable kind; its id (`mx-mixed`) is what the JSON and the documentation show.
    pub id: Kind,
    pub severity: Severity,
    pub area: Area,
    /// The record, URL, host:port or account the finding is about.
    pub subject: String,
    /// The values of the catalog message's variables, by name.
    pub args: BTreeMap<String, Arg>,
}

impl Diagnosis {
    /// The summary, meaning and fix in `lang`, from the catalog. OK findings have no fix.
    pub fn text(&self, lang: Lang) -> Text {
        let args: Vec<(&str, FluentValue<'_>)> = self
            .args
            .iter()
            .map(|(name, value)| (name.as_str(), value.fluent(lang)))
            .collect();
        let id = self.id.message_id();
        let attribute =
            |name: &str| crate::i18n::attribute(lang, id, name, &args).unwrap_or_default();
        Text {
            summary: crate::i18n::message(lang, id, &args),
            meaning: attribute("meaning"),
            fix: if self.severity == Severity::Ok {
                String::new()
            } else {
                attribute("fix")
            },
        }
    }

    /// Sets the variable `name` of the finding's message.
    pub(crate) fn with(mut self, name: &str, value: impl Into<Arg>) -> Diagnosis {
        self.args.insert(name.to_string(), value.into());
        self
    }
}

/// A finding as JSON: the typed fields, plus its words in both languages.
#[derive(Serialize, Deserialize)]
struct Wire {
    id: Kind,
    severity: Severity,
    area: Area,
    subject: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    args: BTreeMap<String, Arg>,
    /// Written for readers of the JSON; ignored when read back (the catalog has the words).
    #[serde(default, skip_deserializing)]
    ja: Text,
    #[serde(default, skip_deserializing)]
    en: Text,
}

impl Serialize for Diagnosis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            id: self.id,
            severity: self.severity,
            area: self.area,
            subject: self.subject.clone(),
            args: self.args.clone(),
            ja: self.text(Lang::Ja),
            en: self.text(Lang::En),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Diagnosis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Diagnosis, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Diagnosis {
            id: wire.id,
            severity: wire.severity,
            area: wire.area,
            subject: wire.subject,
            args: wire.args,
        })
    }
}

/// Builds a finding without variables; add them with [`Diagnosis::with`].
pub(crate) fn finding(
    id: Kind,
    severity: Severity,
    area: Area,
    subject: impl Into<String>,
) -> Diagnosis {
    Diagnosis {
        id,
        severity,
        area,
        subject: subject.into(),
        args: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_words_in_both_languages() {
        let mut problems = Vec::new();
        for kind in Kind::ALL {
            assert_eq!(Kind::from_id(kind.as_str()), Some(*kind));
            if !crate::i18n::has(kind.message_id()) {
                problems.push(format!("{}: no message", kind.message_id()));
                continue;
            }
            for lang in [Lang::Ja, Lang::En] {
                let meaning = crate::i18n::attribute(lang, kind.message_id(), "meaning", &[]);
                let fix = crate::i18n::attribute(lang, kind.message_id(), "fix", &[]);
                // A problem explains itself and says what to do; an OK finding has neither,
                // or a meaning only (autoconfig-missing).
                if meaning.is_none() && fix.is_some() {
                    problems.push(format!("{kind} ({lang:?}): a fix without a meaning"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn json_carries_the_id_the_values_and_both_languages_and_reads_back() {
        let f = finding(
            Kind::SpfMultiple,
            Severity::Error,
            Area::Dns,
            "x.test TXT (SPF)",
        )
        .with("count", 2usize);
        let value = serde_json::to_value(&f).expect("json");
        assert_eq!(value["id"], "spf-multiple");
        assert_eq!(value["args"]["count"], 2);
        assert_eq!(value["en"]["summary"], "2 SPF records");
        assert_eq!(value["ja"]["summary"], "SPF レコードが 2 個あります");
        assert!(!value["en"]["fix"].as_str().unwrap_or("").is_empty());
        let back: Diagnosis = serde_json::from_value(value).expect("read back");
        assert_eq!(back, f);
        assert!(
            serde_json::from_str::<Diagnosis>(
                r#"{"id":"no-such","severity":"ok","area":"dns","subject":""}"#
            )
            .is_err()
        );
    }
}
