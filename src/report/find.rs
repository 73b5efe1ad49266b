//! # `ikou profile find` and the TUI's first screen in words: where the profile came from

use crate::i18n::Lang;
use crate::profile::discovery::{FindReport, Outcome, ProfileOrigin};

/// One line: where a profile came from.
pub fn origin(origin: &ProfileOrigin, lang: Lang) -> String {
    match origin {
        ProfileOrigin::Embedded { file } => {
            tr!(lang, "package-origin-embedded", file = file.as_str())
        }
        ProfileOrigin::Autoconfig { url } | ProfileOrigin::WellKnown { url } => {
            tr!(lang, "package-origin-fetched", url = url.as_str())
        }
        ProfileOrigin::Cache { url, fetched, .. } => tr!(
            lang,
            "package-origin-cache",
            url = url.as_str(),
            fetched = fetched.as_str()
        ),
        ProfileOrigin::File { path } => {
            tr!(
                lang,
                "package-origin-file",
                path = path.display().to_string()
            )
        }
    }
}

/// Why nothing was found, and what to do.
pub fn not_found(report: &FindReport, lang: Lang) -> String {
    let domain = report.domain.as_str();
    if report.network_unreachable() {
        tr!(lang, "package-no-network", domain = domain)
    } else {
        tr!(lang, "package-not-published", domain = domain)
    }
}

/// The whole report for people: each place asked, then the profile or what to do.
pub fn render_text(report: &FindReport, lang: Lang) -> String {
    let mut text = String::new();
    for attempt in &report.attempts {
        let what = match &attempt.outcome {
            Outcome::Used => tr!(lang, "package-attempt-used"),
            Outcome::OtherDomain { domain } => {
                tr!(
                    lang,
                    "package-attempt-other-domain",
                    domain = domain.as_str()
                )
            }
            Outcome::NotFound { status } => {
                tr!(lang, "package-attempt-not-found", status = *status)
            }
            Outcome::NoSuchHost { detail } => {
                tr!(lang, "package-attempt-no-host", detail = detail.as_str())
            }
            Outcome::Unreachable { detail } => {
                tr!(
                    lang,
                    "package-attempt-unreachable",
                    detail = detail.as_str()
                )
            }
            Outcome::Refused { problems } => {
                let mut s = tr!(lang, "package-attempt-refused");
                for p in problems {
                    s.push_str(&format!(
                        "\n      {}: {} — {}",
                        p.key_in(lang),
                        p.problem_in(lang),
                        p.fix_in(lang)
                    ));
                }
                s
            }
        };
        text.push_str(&format!("  {}: {what}\n", attempt.place));
    }
    match &report.found {
        Some(found) => {
            text.push_str(&tr!(
                lang,
                "package-found",
                name = found.profile.organisation.name.as_str(),
                origin = origin(&found.origin, lang)
            ));
            text.push('\n');
            if let Some(path) = &found.cached {
                text.push_str(&tr!(
                    lang,
                    "package-saved-to",
                    path = path.display().to_string()
                ));
                text.push('\n');
            }
        }
        None => {
            text.push_str(&not_found(report, lang));
            text.push('\n');
            for path in &report.local {
                text.push_str(&format!("  {}\n", path.display()));
            }
        }
    }
    text
}
