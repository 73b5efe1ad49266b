//! # Findings as CSV
//!
//! One row per finding, for the helpdesk's spreadsheet. Written by hand (RFC 4180: CRLF,
//! fields with commas, quotes or line breaks quoted, quotes doubled) because the format is
//! small and the spreadsheet-safety rule below is ours.
//!
//! A field starting with `=`, `+`, `-`, `@`, TAB or CR gets a leading `'` so a spreadsheet
//! shows it as text instead of running it as a formula: undecoded subjects start with `=?`.
//! No byte order mark is written; a caller saving a file for Excel should prepend U+FEFF.

use super::result::{Comparison, Finding};
use crate::i18n::Lang;
use crate::report::RunInfo;

/// Column names of [`Comparison::to_csv`], in order.
pub const CSV_HEADER: [&str; 10] = [
    "kind",
    "old_folder",
    "new_folder",
    "date",
    "from",
    "to",
    "subject",
    "reason",
    "severity",
    "key",
];

/// Columns [`Comparison::to_csv_for`] adds to every row: whose report it is, when it was
/// made and with which ikou, so rows from many users' files can be pooled.
pub const CSV_RUN_COLUMNS: [&str; 4] = ["address", "profile", "generated_at", "ikou_version"];

impl Comparison {
    /// The findings as CSV with English reasons.
    pub fn to_csv(&self) -> String {
        self.to_csv_in(Lang::En)
    }

    /// The findings as CSV, the `reason` column in `lang`.
    pub fn to_csv_in(&self, lang: Lang) -> String {
        let mut out = String::new();
        push_row(&mut out, CSV_HEADER.iter().copied());
        for finding in &self.findings {
            let cells = row(finding, lang);
            push_row(&mut out, cells.iter().map(String::as_str));
        }
        out
    }

    /// [`Self::to_csv_in`] with the run's columns ([`CSV_RUN_COLUMNS`]) on every row.
    pub fn to_csv_for(&self, lang: Lang, run: &RunInfo) -> String {
        let mut out = String::new();
        push_row(
            &mut out,
            CSV_HEADER.iter().chain(CSV_RUN_COLUMNS.iter()).copied(),
        );
        let extra = [
            run.address.clone().unwrap_or_default(),
            run.profile.clone().unwrap_or_default(),
            run.generated_at.clone(),
            run.ikou_version.clone(),
        ];
        for finding in &self.findings {
            let cells = row(finding, lang);
            push_row(
                &mut out,
                cells.iter().chain(extra.iter()).map(String::as_str),
            );
        }
        out
    }
}

fn row(finding: &Finding, lang: Lang) -> [String; 10] {
    let message = finding.message.as_ref();
    let field = |get: &dyn Fn(&super::result::MessageRef) -> Option<String>| {
        message.and_then(get).unwrap_or_default()
    };
    let severity = match finding.severity {
        super::result::Severity::Problem => "problem",
        super::result::Severity::Note => "note",
    };
    [
        finding.reason.kind().to_string(),
        finding.old_folder.clone().unwrap_or_default(),
        finding.new_folder.clone().unwrap_or_default(),
        field(&|m| m.date.clone()),
        field(&|m| m.from.clone()),
        field(&|m| m.to.clone()),
        field(&|m| m.subject.clone()),
        finding.describe(lang),
        severity.to_string(),
        field(&|m| Some(m.key.clone())),
    ]
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    let quoted: Vec<String> = cells.map(csv_field).collect();
    out.push_str(&quoted.join(","));
    out.push_str("\r\n");
}

/// One CSV field: formula-guarded, then quoted when needed.
pub fn csv_field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    let needs_quotes = guarded.contains([',', '"', '\r', '\n'])
        || guarded.starts_with(' ')
        || guarded.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_quoting_table() {
        let cases = [
            ("plain", "plain"),
            ("", ""),
            ("会議のお知らせ", "会議のお知らせ"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\r\nlines", "\"two\r\nlines\""),
            ("line\nbreak", "\"line\nbreak\""),
            (" padded ", "\" padded \""),
            ("=?ISO-2022-JP?B?GyRC?=", "'=?ISO-2022-JP?B?GyRC?="),
            ("=1+1", "'=1+1"),
            ("+81 3", "'+81 3"),
            ("- note", "'- note"),
            ("@home", "'@home"),
            ("=a,b", "\"'=a,b\""),
        ];
        for (value, expected) in cases {
            assert_eq!(csv_field(value), expected, "{value:?}");
        }
    }

    #[test]
    fn a_garbled_finding_row() {
        use crate::compare::result::{MessageRef, Reason};
        use crate::mail::garble::{Defect, GarbleKind};
        let message = MessageRef {
            uid: 7,
            size: 100,
            message_id: Some("g@x".into()),
            date: Some("Wed, 17 Jan 2024 14:30:00 +0900".into()),
            from: Some("\"Yamada, Taro\" <t@x.jp>".into()),
            to: Some("h@x.jp".into()),
            subject: Some("会議のお知らせ".into()),
            received: None,
            key: "mid:g@x".into(),
        };
        let reason = Reason::Garbled {
            garble: GarbleKind::OnNew(Defect::UndecodedEncodedWord),
            new_subject: Some("=?ISO-2022-JP?B?GyRC?=".into()),
        };
        let c = Comparison {
            findings: vec![Finding::new(
                reason,
                Some("INBOX"),
                Some("INBOX"),
                Some(message),
            )],
            ..Comparison::default()
        };
        let csv = c.to_csv();
        let row = csv.lines().nth(1).unwrap_or_default();
        assert_eq!(
            row,
            "garbled,INBOX,INBOX,\"Wed, 17 Jan 2024 14:30:00 +0900\",\"\"\"Yamada, Taro\"\" <t@x.jp>\",\
             h@x.jp,会議のお知らせ,subject garbled on new: encoded-word (=?…?=) left undecoded \
             (new: =?ISO-2022-JP?B?GyRC?=),problem,mid:g@x"
        );
        assert!(c.to_csv_in(Lang::Ja).contains("新サーバで件名が文字化け"));
    }

    #[test]
    fn empty_comparison_has_only_the_header() {
        assert_eq!(
            Comparison::default().to_csv(),
            "kind,old_folder,new_folder,date,from,to,subject,reason,severity,key\r\n"
        );
    }
}
