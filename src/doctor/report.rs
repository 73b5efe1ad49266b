//! # The doctor's result: facts, findings, counts; text for people, JSON for programs

use serde::{Deserialize, Serialize};

use super::facts::Facts;
use super::finding::{Diagnosis, Severity};
use crate::i18n::Lang;
use crate::report::exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Counts {
    pub ok: usize,
    pub warnings: usize,
    pub errors: usize,
}

/// Everything one `ikou doctor` run found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorReport {
    pub domain: String,
    pub address: Option<String>,
    /// Wall-clock time of the run.
    pub elapsed_ms: u64,
    pub counts: Counts,
    pub findings: Vec<Diagnosis>,
    pub facts: Facts,
    /// The helpdesk's state code (`D<phase>-<errors>-<warnings>-<check>`), for `ikou explain`.
    #[serde(default)]
    pub state_code: String,
}

impl DoctorReport {
    pub fn new(facts: Facts, elapsed_ms: u64) -> DoctorReport {
        let findings = super::rules::findings(&facts);
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        DoctorReport {
            domain: facts.expect.domain.clone(),
            address: facts.expect.address.clone(),
            elapsed_ms,
            counts: Counts {
                ok: count(Severity::Ok),
                warnings: count(Severity::Warning),
                errors: count(Severity::Error),
            },
            findings,
            facts,
            state_code: String::new(),
        }
        .with_phase(crate::profile::Phase::Unknown)
    }

    /// Sets the migration phase the state code carries.
    pub fn with_phase(mut self, phase: crate::profile::Phase) -> DoctorReport {
        self.state_code = crate::helpdesk::StateCode::Doctor {
            phase: phase.digit(),
            errors: self.counts.errors as u64,
            warnings: self.counts.warnings as u64,
        }
        .to_string();
        self
    }

    /// The worst severity found.
    pub fn worst(&self) -> Severity {
        self.findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Ok)
    }

    /// 0 all ok, 1 warnings, 2 errors.
    pub fn exit_code(&self) -> i32 {
        match self.worst() {
            Severity::Ok => exit::OK,
            Severity::Warning => exit::DIFFERENCES,
            Severity::Error => exit::ERROR,
        }
    }

    /// Findings grouped by area; problems with their meaning and fix indented below.
    pub fn render_text(&self, lang: Lang) -> String {
        use unicode_width::UnicodeWidthStr;
        let mut out = format!(
            "ikou doctor — {}{}  ({:.1} s)\n",
            self.domain,
            self.address
                .as_ref()
                .map(|a| format!(" <{a}>"))
                .unwrap_or_default(),
            self.elapsed_ms as f64 / 1000.0
        );
        let width = [Severity::Ok, Severity::Warning, Severity::Error]
            .iter()
            .map(|s| s.label(lang).width())
            .max()
            .unwrap_or(5);
        let mut area = None;
        for f in &self.findings {
            if area != Some(f.area) {
                area = Some(f.area);
                out.push_str(&format!("\n{}\n", f.area.label(lang)));
            }
            let label = f.severity.label(lang);
            let pad = " ".repeat(width - label.width());
            let text = f.text(lang);
            // The subject (URL, host:port, record) leads unless the summary already names it.
            let line = if text.summary.contains(&f.subject) {
                text.summary.clone()
            } else {
                format!("{}: {}", f.subject, text.summary)
            };
            out.push_str(&format!("  {label}{pad}  {}\n", sanitise(&line)));
            let indent = " ".repeat(width + 4);
            if !text.meaning.is_empty() {
                out.push_str(&format!(
                    "{indent}{} {}\n",
                    tr!(lang, "doctor-meaning"),
                    sanitise(&text.meaning)
                ));
            }
            if !text.fix.is_empty() {
                out.push_str(&format!(
                    "{indent}{} {}\n",
                    tr!(lang, "doctor-fix"),
                    sanitise(&text.fix)
                ));
            }
        }
        out.push_str(&format!(
            "\n{}\n",
            tr!(
                lang,
                "doctor-summary",
                ok = self.counts.ok,
                warnings = self.counts.warnings,
                errors = self.counts.errors,
            )
        ));
        out.push_str(&tr!(
            lang,
            "helpdesk-state-code-line",
            code = self.state_code.as_str()
        ));
        out.push('\n');
        out
    }
}

/// Control characters from DNS or HTTP answers must not reach the terminal.
fn sanitise(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}
