//! # Taking people's words out of a report before it leaves the PC
//!
//! A support report carries counts, folder names and findings, never what a message says or
//! who wrote it. [`redact`] walks any JSON value: fields that name a subject, a sender or
//! recipient, an address or a Message-ID are replaced by a placeholder; every other string
//! that contains an address (`@`) or one of the subjects seen is masked as well, so a
//! subject quoted inside a sentence (`*_text` fields, the verdict) does not slip through.
//! Secrets never reach a report in the first place (no type that holds one is serialisable).

use std::collections::BTreeSet;

use serde_json::Value;

/// What stands in for a hidden value.
pub const HIDDEN: &str = "(hidden)";

/// Field names whose values are people's words or addresses.
fn is_personal_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("subject")
        || key.contains("address")
        || key.contains("message_id")
        || matches!(
            key.as_str(),
            "from"
                | "to"
                | "cc"
                | "bcc"
                | "sender"
                | "reply_to"
                | "user"
                | "username"
                | "login"
                | "key"
        )
}

fn collect_subjects(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k.to_ascii_lowercase().contains("subject")
                    && let Value::String(s) = v
                {
                    let s = s.trim();
                    if s.chars().count() >= 3 {
                        into.insert(s.to_string());
                    }
                }
                collect_subjects(v, into);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_subjects(v, into)),
        _ => {}
    }
}

fn mask(text: &str, subjects: &BTreeSet<String>) -> Option<String> {
    let mut out = text.to_string();
    let mut changed = false;
    for subject in subjects.iter().rev() {
        if out.contains(subject.as_str()) {
            out = out.replace(subject.as_str(), HIDDEN);
            changed = true;
        }
    }
    if out.contains('@') {
        out = out
            .split_inclusive(|c: char| c.is_whitespace() || "<>()[]\"',;:".contains(c))
            .map(|word| {
                if word.contains('@') {
                    let end: String = word
                        .chars()
                        .rev()
                        .take_while(|c| c.is_whitespace() || "<>()[]\"',;:".contains(*c))
                        .collect::<Vec<_>>()
                        .into_iter()
                        .rev()
                        .collect();
                    format!("{HIDDEN}{end}")
                } else {
                    word.to_string()
                }
            })
            .collect();
        changed = true;
    }
    changed.then_some(out)
}

fn walk(value: &mut Value, subjects: &BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_personal_key(k) && !v.is_null() {
                    *v = match v {
                        Value::Array(items) => {
                            Value::Array(items.iter().map(|_| Value::from(HIDDEN)).collect())
                        }
                        Value::Number(_) | Value::Bool(_) => v.clone(),
                        _ => Value::from(HIDDEN),
                    };
                } else {
                    walk(v, subjects);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, subjects)),
        Value::String(s) => {
            if let Some(masked) = mask(s, subjects) {
                *s = masked;
            }
        }
        _ => {}
    }
}

/// Hides subjects, addresses and Message-IDs everywhere in `value`.
pub fn redact(value: &mut Value) {
    let mut subjects = BTreeSet::new();
    collect_subjects(value, &mut subjects);
    walk(value, &subjects);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subjects_addresses_and_ids_are_hidden_wherever_they_appear() {
        let mut report = json!({
            "address": "taro@example-univ.ac.jp",
            "verdict": "1 message missing in 送信済みトレイ",
            "folders": [{"old": "INBOX.送信済みトレイ", "missing": 1}],
            "findings": [{
                "kind": "missing",
                "message": {
                    "subject": "共同研究の打ち合わせ",
                    "from": "Hanako <hanako@example.org>",
                    "key": "mid:<abc@mail.example.org>",
                    "uid": 42,
                    "size": 1234
                },
                "text": "「共同研究の打ち合わせ」 from hanako@example.org is missing",
                "cc": ["a@x.jp", "b@x.jp"]
            }]
        });
        redact(&mut report);
        let text = report.to_string();
        for secret in [
            "共同研究",
            "hanako",
            "taro@",
            "abc@",
            "a@x.jp",
            "example.org",
        ] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        // Counts, folder names and sizes stay: they are what the helpdesk needs.
        assert_eq!(report["folders"][0]["old"], "INBOX.送信済みトレイ");
        assert_eq!(report["findings"][0]["message"]["uid"], 42);
        assert_eq!(report["findings"][0]["message"]["size"], 1234);
        assert_eq!(report["verdict"], "1 message missing in 送信済みトレイ");
        assert_eq!(
            report["findings"][0]["text"],
            format!("「{HIDDEN}」 from {HIDDEN} is missing")
        );
        assert_eq!(report["findings"][0]["cc"], json!([HIDDEN, HIDDEN]));
    }
}
