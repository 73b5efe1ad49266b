//! # What a batch found: one result per account, totals, and the helpdesk CSV
//!
//! Pure data and rendering: [`AccountResult`] is also the journal's line format, so a
//! resumed batch reports accounts from earlier runs exactly as they were recorded.

use serde::{Deserialize, Serialize};

use crate::compare::csv::csv_field;
use crate::i18n::Lang;
use crate::report::exit;
use crate::service::verify::VerifyReport;

/// How one account ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Verified without differences, or snapshot saved.
    Ok,
    /// Verified, with differences (see the counts and the detail file).
    Differences,
    /// Could not be checked (sign-in, network, missing snapshot...).
    Failed,
}

impl Outcome {
    pub fn label(self, lang: Lang) -> String {
        match self {
            Outcome::Ok => "OK".to_string(),
            Outcome::Differences => tr!(lang, "batch-outcome-differences"),
            Outcome::Failed => tr!(lang, "batch-outcome-failed"),
        }
    }
}

/// The numbers a helpdesk filters on (from `ikou verify`'s summary and totals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct AccountCounts {
    pub folders: u64,
    pub old_messages: u64,
    pub new_messages: u64,
    pub missing: u64,
    pub sent_missing: u64,
    pub duplicates: u64,
    pub garbled: u64,
    pub oversize: u64,
    pub extras: u64,
    pub unmapped_old: u64,
}

impl AccountCounts {
    pub fn of(report: &VerifyReport) -> AccountCounts {
        let t = &report.comparison.totals;
        let s = &report.summary;
        AccountCounts {
            folders: t.folders,
            old_messages: t.old_messages,
            new_messages: t.new_messages,
            missing: s.missing,
            sent_missing: s.sent_missing,
            duplicates: s.duplicates,
            garbled: s.garbled,
            oversize: s.oversize,
            extras: s.extras,
            unmapped_old: s.unmapped_old.len() as u64,
        }
    }
}

/// One account's result; also one line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountResult {
    pub address: String,
    pub outcome: Outcome,
    /// `ikou verify`'s verdict line, the snapshot summary, or the error in one line.
    pub verdict: String,
    pub counts: Option<AccountCounts>,
    pub error: Option<String>,
    /// When it finished (RFC 3339, UTC).
    pub finished: String,
    pub seconds: f64,
    /// Sign-in attempts (more than one after throttling or network trouble).
    pub attempts: u32,
    /// The snapshot written, or the detail file.
    pub file: Option<String>,
    /// Taken from the journal of an earlier run, not checked again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub earlier_run: bool,
    /// `batch restore`: what was planned and, with `--apply`, what happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreCounts>,
}

/// One account's restore in numbers (`batch restore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RestoreCounts {
    /// Messages the plan puts back.
    pub planned: u64,
    pub planned_bytes: u64,
    /// Missing but above the new server's size limit: never sent.
    pub oversize: u64,
    /// New folders the plan creates.
    pub folders_to_create: u64,
    /// With `--apply`: appended now, found already there, failed (or refused as too large).
    pub appended: u64,
    pub already_present: u64,
    pub failed: u64,
}

/// Which messages `batch restore` puts back (`--kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoreKind {
    /// The missing messages of the Sent folders.
    #[default]
    Sent,
    /// Every missing message (and the folders missing on the new server).
    Missing,
}

impl RestoreKind {
    pub fn name(self) -> &'static str {
        match self {
            RestoreKind::Sent => "sent",
            RestoreKind::Missing => "missing",
        }
    }
}

/// The whole restore run in numbers (`batch restore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RestoreTotals {
    pub kind: RestoreKind,
    pub applied: bool,
    pub planned: u64,
    pub planned_bytes: u64,
    pub oversize: u64,
    pub appended: u64,
    pub already_present: u64,
    pub failed: u64,
}

/// Which batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchKind {
    Snapshot,
    Verify,
    Restore,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct BatchTotals {
    pub accounts: usize,
    pub ok: usize,
    pub differences: usize,
    pub failed: usize,
    /// Not reached because the batch was interrupted.
    pub not_checked: usize,
    /// Done in an earlier run (from the journal).
    pub from_earlier_runs: usize,
}

/// Everything `ikou batch` reports.
#[derive(Debug, Clone, Serialize)]
pub struct BatchReport {
    pub kind: BatchKind,
    pub accounts_file: String,
    pub journal: String,
    /// `live <server>` or the snapshot directory.
    pub old: String,
    pub new: Option<String>,
    pub old_access: String,
    pub new_access: Option<String>,
    pub concurrency_old: usize,
    pub concurrency_new: usize,
    /// In the accounts file's order.
    pub accounts: Vec<AccountResult>,
    /// Addresses not reached (Ctrl-C).
    pub not_checked: Vec<String>,
    pub totals: BatchTotals,
    pub interrupted: bool,
    pub elapsed_secs: f64,
    /// Accounts checked in this run per second of wall time.
    pub accounts_per_sec: f64,
    /// `batch restore`: the kind, whether it was applied, and the sums over the accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreTotals>,
}

impl BatchReport {
    pub fn compute_totals(&mut self) {
        let count = |o: Outcome| self.accounts.iter().filter(|a| a.outcome == o).count();
        self.totals = BatchTotals {
            accounts: self.accounts.len() + self.not_checked.len(),
            ok: count(Outcome::Ok),
            differences: count(Outcome::Differences),
            failed: count(Outcome::Failed),
            not_checked: self.not_checked.len(),
            from_earlier_runs: self.accounts.iter().filter(|a| a.earlier_run).count(),
        };
        if let Some(totals) = &mut self.restore {
            let sum = |f: fn(&RestoreCounts) -> u64| {
                self.accounts
                    .iter()
                    .filter_map(|a| a.restore.as_ref())
                    .map(f)
                    .sum::<u64>()
            };
            totals.planned = sum(|r| r.planned);
            totals.planned_bytes = sum(|r| r.planned_bytes);
            totals.oversize = sum(|r| r.oversize);
            totals.appended = sum(|r| r.appended);
            totals.already_present = sum(|r| r.already_present);
            totals.failed = sum(|r| r.failed);
        }
    }

    /// 0 all OK, 1 differences, 2 failures (or an interrupted batch).
    pub fn exit_code(&self) -> i32 {
        if self.totals.failed > 0 || self.interrupted {
            exit::ERROR
        } else if self.totals.differences > 0 {
            exit::DIFFERENCES
        } else {
            exit::OK
        }
    }

    /// One row per account for spreadsheets (CRLF, formula-guarded fields; the CLI adds
    /// the BOM), headers in the chosen language.
    pub fn to_csv(&self, lang: Lang) -> String {
        if self.kind == BatchKind::Restore {
            return self.restore_csv(lang);
        }
        let columns = vec![
            tr!(lang, "batch-csv-folders"),
            tr!(lang, "batch-csv-old-messages"),
            tr!(lang, "batch-csv-new-messages"),
            tr!(lang, "batch-csv-missing"),
            tr!(lang, "batch-csv-sent-missing"),
            tr!(lang, "batch-csv-duplicates"),
            tr!(lang, "batch-csv-garbled"),
            tr!(lang, "batch-csv-oversize"),
            tr!(lang, "batch-csv-extras"),
            tr!(lang, "batch-csv-unmapped-old-folders"),
        ];
        self.csv(lang, columns, |a| {
            let c = a.counts.clone().unwrap_or_default();
            let n = |v: u64| counted(a.counts.is_some(), v);
            vec![
                n(c.folders),
                n(c.old_messages),
                n(c.new_messages),
                n(c.missing),
                n(c.sent_missing),
                n(c.duplicates),
                n(c.garbled),
                n(c.oversize),
                n(c.extras),
                n(c.unmapped_old),
            ]
        })
    }

    /// `batch restore`'s CSV: one row per account with the plan and what was appended.
    fn restore_csv(&self, lang: Lang) -> String {
        let columns = vec![
            tr!(lang, "batch-csv-applied"),
            tr!(lang, "batch-csv-planned"),
            tr!(lang, "batch-csv-planned-bytes"),
            tr!(lang, "batch-csv-oversize"),
            tr!(lang, "batch-csv-folders-to-create"),
            tr!(lang, "batch-csv-appended"),
            tr!(lang, "batch-csv-already-present"),
            tr!(lang, "batch-csv-failed"),
            tr!(lang, "batch-csv-missing-before"),
        ];
        let applied = self.restore.as_ref().is_some_and(|r| r.applied);
        self.csv(lang, columns, |a| {
            let r = a.restore.clone().unwrap_or_default();
            let n = |v: u64| counted(a.restore.is_some(), v);
            vec![
                if applied { "yes" } else { "no" }.to_string(),
                n(r.planned),
                n(r.planned_bytes),
                n(r.oversize),
                n(r.folders_to_create),
                n(r.appended),
                n(r.already_present),
                n(r.failed),
                a.counts
                    .as_ref()
                    .map(|c| c.missing.to_string())
                    .unwrap_or_default(),
            ]
        })
    }

    /// The CSV of either kind: address, status and verdict, then the kind's own `columns`
    /// (`cells` of an account), then error, finish time and seconds. An account not checked
    /// is its address and `not_checked`, the other cells empty.
    fn csv(
        &self,
        lang: Lang,
        columns: Vec<String>,
        cells: impl Fn(&AccountResult) -> Vec<String>,
    ) -> String {
        let header: Vec<String> = [
            tr!(lang, "batch-csv-address"),
            tr!(lang, "batch-csv-status"),
            tr!(lang, "batch-csv-verdict"),
        ]
        .into_iter()
        .chain(columns)
        .chain([
            tr!(lang, "batch-csv-error"),
            tr!(lang, "batch-csv-finished"),
            tr!(lang, "batch-csv-seconds"),
        ])
        .collect();
        let mut out = header.join(",");
        out.push_str("\r\n");
        for a in &self.accounts {
            let status = match a.outcome {
                Outcome::Ok => "ok",
                Outcome::Differences => "differences",
                Outcome::Failed => "failed",
            };
            let mut row = vec![
                csv_field(&a.address),
                status.to_string(),
                csv_field(&a.verdict),
            ];
            row.extend(cells(a));
            row.extend([
                csv_field(a.error.as_deref().unwrap_or("")),
                a.finished.clone(),
                format!("{:.1}", a.seconds),
            ]);
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        }
        for address in &self.not_checked {
            out.push_str(&format!(
                "{},not_checked{}\r\n",
                csv_field(address),
                ",".repeat(header.len() - 2)
            ));
        }
        out
    }
}

/// A count for the CSV, or an empty cell when the account has no such counts (it failed).
fn counted(present: bool, value: u64) -> String {
    if present {
        value.to_string()
    } else {
        String::new()
    }
}

/// A file name for an address (`taro@example.ac.jp` stays; anything unusual becomes `_`).
pub fn file_stem(address: &str) -> String {
    address
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '+' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(address: &str, outcome: Outcome, counts: Option<AccountCounts>) -> AccountResult {
        AccountResult {
            address: address.into(),
            outcome,
            verdict: format!("verdict, with comma for {address}"),
            counts,
            error: (outcome == Outcome::Failed).then(|| "=sign-in rejected".to_string()),
            finished: "2026-12-05T00:00:00Z".into(),
            seconds: 1.25,
            attempts: 1,
            file: None,
            earlier_run: false,
            restore: None,
        }
    }

    fn report(
        accounts: Vec<AccountResult>,
        not_checked: Vec<String>,
        interrupted: bool,
    ) -> BatchReport {
        let mut r = BatchReport {
            kind: BatchKind::Verify,
            accounts_file: "a.csv".into(),
            journal: "j".into(),
            old: "live".into(),
            new: Some("new".into()),
            old_access: "master".into(),
            new_access: None,
            concurrency_old: 4,
            concurrency_new: 4,
            accounts,
            not_checked,
            totals: BatchTotals::default(),
            interrupted,
            elapsed_secs: 1.0,
            accounts_per_sec: 1.0,
            restore: None,
        };
        r.compute_totals();
        r
    }

    #[test]
    fn totals_exit_codes_and_csv() {
        let diff = AccountCounts {
            missing: 3,
            sent_missing: 3,
            ..AccountCounts::default()
        };
        let r = report(
            vec![account(
                "a@x.jp",
                Outcome::Ok,
                Some(AccountCounts::default()),
            )],
            vec![],
            false,
        );
        assert_eq!(r.exit_code(), 0);
        let r = report(
            vec![
                account("a@x.jp", Outcome::Ok, Some(AccountCounts::default())),
                account("b@x.jp", Outcome::Differences, Some(diff)),
            ],
            vec![],
            false,
        );
        assert_eq!(
            (r.totals.ok, r.totals.differences, r.exit_code()),
            (1, 1, 1)
        );
        let r = report(
            vec![
                account("b@x.jp", Outcome::Differences, None),
                account("c@x.jp", Outcome::Failed, None),
            ],
            vec!["d@x.jp".into()],
            true,
        );
        assert_eq!(
            (r.totals.failed, r.totals.not_checked, r.totals.accounts),
            (1, 1, 3)
        );
        assert_eq!(r.exit_code(), 2);
        let csv = r.to_csv(Lang::En);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "{csv}");
        assert!(lines[0].starts_with("address,status,verdict,"));
        assert!(lines[1].starts_with("b@x.jp,differences,\"verdict, with comma for b@x.jp\","));
        assert!(lines[2].contains(",failed,"), "{}", lines[2]);
        assert!(
            lines[2].contains(",'=sign-in rejected,"),
            "formula guarded: {}",
            lines[2]
        );
        assert_eq!(lines[3].split(',').count(), 16, "{}", lines[3]);
        assert!(r.to_csv(Lang::Ja).starts_with("アドレス,結果"));
    }

    #[test]
    fn restore_csv_has_one_row_per_account_with_the_restore_counts() {
        let mut ok = account("a@x.jp", Outcome::Ok, Some(AccountCounts::default()));
        ok.restore = Some(RestoreCounts {
            planned: 3,
            planned_bytes: 14_000,
            appended: 3,
            ..RestoreCounts::default()
        });
        let failed = account("b@x.jp", Outcome::Failed, None);
        let mut r = report(vec![ok, failed], vec!["c@x.jp".into()], true);
        r.kind = BatchKind::Restore;
        r.restore = Some(RestoreTotals {
            applied: true,
            ..RestoreTotals::default()
        });
        r.compute_totals();
        let totals = r.restore.clone().expect("totals");
        assert_eq!((totals.planned, totals.appended), (3, 3));
        let csv = r.to_csv(Lang::En);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 5, "{csv}");
        assert!(lines[0].starts_with("address,status,verdict,applied,planned,"));
        assert!(lines[1].starts_with("a@x.jp,ok,"), "{}", lines[1]);
        assert!(
            lines[1].contains(",yes,3,14000,0,0,3,0,0,0,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].contains(",'=sign-in rejected,"), "{}", lines[2]);
        // The header and the row of an account not reached have every column.
        for line in [lines[0], lines[3]] {
            assert_eq!(line.split(',').count(), 15, "{line}");
        }
        assert!(r.to_csv(Lang::Ja).starts_with("アドレス,結果,判定,実行"));
    }

    #[test]
    fn file_stems() {
        assert_eq!(file_stem("Taro@Example.ac.jp"), "taro@example.ac.jp");
        assert_eq!(file_stem("../a b/c@x.jp"), "_a_b_c@x.jp");
    }
}
