//! Who, when and with which ikou a report was made: what a helpdesk needs to file a
//! `--json` or `--csv` report, carried by every report that names an account.

use serde::{Deserialize, Serialize};

/// The run a report comes from. Language-neutral: the same whatever `--lang` is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RunInfo {
    /// The mail address the report is about, when known.
    pub address: Option<String>,
    /// The profile's name: the organisation's name, else the profile file's name.
    pub profile: Option<String>,
    /// When the report was made, RFC 3339 with the local offset.
    pub generated_at: String,
    /// ikou's version (`0.1.0`).
    pub ikou_version: String,
}

impl RunInfo {
    /// A run starting now.
    pub fn now(profile: Option<&crate::profile::Profile>, address: Option<&str>) -> Self {
        Self {
            address: address.map(str::to_string),
            profile: profile.and_then(profile_name),
            generated_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            ikou_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The organisation's name, else the profile file's stem.
pub fn profile_name(profile: &crate::profile::Profile) -> Option<String> {
    let name = profile.organisation.name.trim();
    if !name.is_empty() {
        return Some(name.to_string());
    }
    profile
        .source
        .as_deref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_rfc3339_with_the_version() {
        let run = RunInfo::now(None, Some("taro@example-univ.test"));
        assert!(chrono::DateTime::parse_from_rfc3339(&run.generated_at).is_ok());
        assert_eq!(run.ikou_version, env!("CARGO_PKG_VERSION"));
        assert_eq!(run.address.as_deref(), Some("taro@example-univ.test"));
        assert_eq!(run.profile, None);
    }
}
