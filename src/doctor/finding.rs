//! # Findings: what is wrong, what it means, how to fix it (ja + en)

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

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

/// The words for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    /// One line: what was found.
    pub summary: String,
    /// Why it matters (empty for OK findings).
    pub meaning: String,
    /// What to do (empty for OK findings).
    pub fix: String,
}

/// One diagnosis, with the same content in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable key, e.g. `mx-mixed`; the documentation lists every key.
    pub id: String,
    pub severity: Severity,
    pub area: Area,
    /// The record, URL, host:port or account the finding is about.
    pub subject: String,
    pub ja: Text,
    pub en: Text,
}

impl Finding {
    pub fn text(&self, lang: Lang) -> &Text {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }
}

/// Builds a finding; `ja`/`en` are (summary, meaning, fix).
pub(crate) fn finding(
    id: &str,
    severity: Severity,
    area: Area,
    subject: impl Into<String>,
    ja: (String, &str, &str),
    en: (String, &str, &str),
) -> Finding {
    Finding {
        id: id.to_string(),
        severity,
        area,
        subject: subject.into(),
        ja: Text {
            summary: ja.0,
            meaning: ja.1.to_string(),
            fix: ja.2.to_string(),
        },
        en: Text {
            summary: en.0,
            meaning: en.1.to_string(),
            fix: en.2.to_string(),
        },
    }
}
