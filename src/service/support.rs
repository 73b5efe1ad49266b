//! # The support report: one file a user can read and send to the helpdesk
//!
//! `ikou report -o FILE` runs what the helpdesk would ask for — the old server's quota and
//! usage, the old/new comparison, and the doctor — and writes one JSON file with ikou's
//! version, the profile's name, the migration phase, each part's verdict and state code,
//! per-folder counts and the findings. A part that fails is kept as its error (a wrong
//! password is exactly what the helpdesk needs to see), never dropped. Passwords and tokens
//! are never serialisable; message bodies are never read; subjects, addresses and
//! Message-IDs are hidden ([`crate::helpdesk::redact`]) unless the user asks for them. The
//! file is written 0600, like a backup.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AccountRef;
use super::doctor::DoctorOptions;
use super::inventory::{self, InventoryOptions};
use super::verify::{OldSource, verify_report};
use crate::i18n::Lang;
use crate::profile::{Phase, Profile, Side};

/// The format name and version written into every report.
pub const FORMAT: &str = "ikou-support-report/1";

/// What to put in the report.
#[derive(Debug, Clone)]
pub struct SupportOptions {
    pub today: NaiveDate,
    /// Keep subjects, senders and addresses (the user chose to share them).
    pub with_subjects: bool,
    /// Run the doctor too (DNS, autoconfig, TLS), with these options.
    pub doctor: Option<DoctorOptions>,
    pub lang: Lang,
}

/// One part of the report: its result, or why there is none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Part {
    Done {
        /// The one-line verdict, in the language the report was made in.
        verdict_text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        state_code: Option<String>,
        result: Value,
    },
    Failed {
        error_text: String,
    },
    Skipped,
}

/// The whole report as written to the file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SupportReport {
    pub format: String,
    pub ikou_version: String,
    /// When it was made (UTC, RFC 3339).
    pub created: String,
    pub profile: String,
    pub domain: Option<String>,
    pub phase: Phase,
    /// False: subjects, addresses and Message-IDs are hidden.
    pub with_subjects: bool,
    pub lang: Lang,
    pub quota: Part,
    pub verify: Part,
    pub doctor: Part,
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("unserialisable: {e}")))
}

/// Runs every part and assembles the report (already redacted unless `with_subjects`).
pub async fn support_report(
    profile: &Profile,
    account: &AccountRef,
    options: &SupportOptions,
) -> SupportReport {
    let lang = options.lang;
    let phase = profile.dates.phase(options.today);
    let quiet = super::progress::silent();
    let quota = inventory::run(
        profile,
        Side::Old,
        account,
        InventoryOptions {
            largest: 10,
            size_limit: Some(profile.limits.max_message_bytes()),
        },
        &quiet,
    );
    let compared = verify_report(profile, account, &OldSource::Live, lang, &quiet);
    let doctor = async {
        match &options.doctor {
            Some(doctor_options) => Some(super::doctor::run(doctor_options).await),
            None => None,
        }
    };
    let (quota, compared, doctor) = tokio::join!(quota, compared, doctor);
    let quota = match quota {
        Ok(inventory) => Part::Done {
            verdict_text: tr!(
                lang,
                "helpdesk-report-quota-verdict",
                messages = inventory.total_messages,
                size = crate::report::human_size(inventory.total_size),
                folders = inventory.folders.len()
            ),
            state_code: None,
            result: to_value(&inventory),
        },
        Err(error) => Part::Failed {
            error_text: super::signin::explain(&error, lang),
        },
    };
    let verify = match compared {
        Ok(report) => Part::Done {
            verdict_text: report.verdict_text.clone(),
            state_code: Some(report.state_code.clone()),
            result: to_value(&report),
        },
        Err(error) => Part::Failed {
            error_text: error.to_string(),
        },
    };
    let doctor = match doctor {
        None => Part::Skipped,
        Some(Ok(report)) => Part::Done {
            verdict_text: tr!(
                lang,
                "doctor-summary",
                ok = report.counts.ok,
                warnings = report.counts.warnings,
                errors = report.counts.errors
            ),
            state_code: Some(report.state_code.clone()),
            result: to_value(&report),
        },
        Some(Err(error)) => Part::Failed {
            error_text: super::signin::explain(&error, lang),
        },
    };
    let mut report = SupportReport {
        format: FORMAT.into(),
        ikou_version: env!("CARGO_PKG_VERSION").into(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        profile: profile.organisation.name.clone(),
        domain: account.address.split_once('@').map(|(_, d)| d.to_string()),
        phase,
        with_subjects: options.with_subjects,
        lang,
        quota,
        verify,
        doctor,
    };
    if !options.with_subjects {
        report = redacted(report);
    }
    report
}

/// The report with subjects, addresses and Message-IDs hidden everywhere.
pub fn redacted(report: SupportReport) -> SupportReport {
    let mut value = to_value(&report);
    crate::helpdesk::redact::redact(&mut value);
    serde_json::from_value(value).unwrap_or(report)
}

/// Writes the report, readable by the user only.
pub fn write(report: &SupportReport, path: &Path) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    text.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // An existing file keeps its mode on open: make it private too.
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()
}

/// Reads a report written earlier (for the text view).
pub fn read(path: &Path) -> std::io::Result<SupportReport> {
    let text = std::fs::read_to_string(path)?;
    serde_json::from_str(&text).map_err(std::io::Error::other)
}

/// The report as a person reads it before sending it.
pub fn render_text(report: &SupportReport, lang: Lang) -> String {
    let mut out = tr!(
        lang,
        "helpdesk-report-title",
        version = report.ikou_version.as_str(),
        created = report.created.as_str()
    );
    out.push('\n');
    out.push_str(&tr!(
        lang,
        "helpdesk-report-profile",
        profile = report.profile.as_str(),
        domain = report.domain.as_deref().unwrap_or("-")
    ));
    out.push('\n');
    out.push_str(&tr!(
        lang,
        "helpdesk-report-phase",
        phase = report.phase.digit()
    ));
    out.push('\n');
    out.push_str(&if report.with_subjects {
        tr!(lang, "helpdesk-report-with-subjects")
    } else {
        tr!(lang, "helpdesk-report-hidden")
    });
    out.push('\n');
    for (name, part) in [
        (tr!(lang, "helpdesk-report-part-quota"), &report.quota),
        (tr!(lang, "helpdesk-report-part-verify"), &report.verify),
        (tr!(lang, "helpdesk-report-part-doctor"), &report.doctor),
    ] {
        out.push('\n');
        out.push_str(&name);
        out.push('\n');
        match part {
            Part::Done {
                verdict_text,
                state_code,
                result,
            } => {
                out.push_str(&format!("  {verdict_text}\n"));
                if let Some(code) = state_code {
                    out.push_str(&format!(
                        "  {}\n",
                        tr!(lang, "helpdesk-state-code-line", code = code.as_str())
                    ));
                }
                if let Some(folders) = result["comparison"]["folders"].as_array() {
                    for folder in folders {
                        out.push_str(&format!(
                            "    {}  {} → {}\n",
                            folder["new_folder"].as_str().unwrap_or("-"),
                            folder["old_count"].as_u64().unwrap_or(0),
                            folder["new_count"].as_u64().unwrap_or(0),
                        ));
                    }
                }
            }
            Part::Failed { error_text } => {
                out.push_str(&format!(
                    "  {}\n",
                    tr!(lang, "helpdesk-report-failed", error = error_text.as_str())
                ));
            }
            Part::Skipped => {
                out.push_str(&format!("  {}\n", tr!(lang, "helpdesk-report-skipped")));
            }
        }
    }
    out
}
