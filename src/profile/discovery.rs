//! # Where an organisation's profile comes from, and what a fetched one may not do
//!
//! Pure rules for finding a profile from a mail address alone: the domain, the URLs asked in
//! order, the places searched on disk, and the refusal of anything in a profile fetched over
//! the network that would run a command or read a local file, and the shape of the answer
//! ([`FindReport`]: every place asked and what it said), which the faces put into words.
//! The fetching itself is in `service::find_profile`.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Problem, Profile, ProfileError};

/// Where a profile came from; said to the user and kept in the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ProfileOrigin {
    /// Built into this binary by the IT centre (`IKOU_EMBED_PROFILE`).
    Embedded { file: String },
    /// `https://autoconfig.<domain>/ikou/profile.toml`
    Autoconfig { url: String },
    /// `https://<domain>/.well-known/ikou/profile.toml`
    WellKnown { url: String },
    /// A copy of a profile fetched earlier, kept because the network did not answer now.
    Cache {
        path: PathBuf,
        url: String,
        fetched: String,
    },
    /// A file on this computer (`--profile`, a shipped or remembered profile).
    File { path: PathBuf },
}

impl ProfileOrigin {
    /// True for a profile whose text came over the network (now or earlier).
    pub fn is_remote(&self) -> bool {
        matches!(
            self,
            ProfileOrigin::Autoconfig { .. }
                | ProfileOrigin::WellKnown { .. }
                | ProfileOrigin::Cache { .. }
        )
    }
}

/// What happened at one place that was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// This profile is the one used.
    Used,
    /// The embedded profile is for another domain.
    OtherDomain { domain: String },
    /// The server answered, without a profile (HTTP status).
    NotFound { status: u16 },
    /// The DNS answered: there is no such web server.
    NoSuchHost { detail: String },
    /// No answer: DNS, connection, certificate or time-out.
    Unreachable { detail: String },
    /// A profile was there but is not used.
    Refused { problems: Vec<Problem> },
}

/// One place asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// `built-in`, a URL, or a file.
    pub place: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The profile found and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    pub origin: ProfileOrigin,
    /// Where the fetched profile was saved for next time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached: Option<PathBuf>,
    #[serde(skip)]
    pub profile: Profile,
}

/// The whole answer: found or not, every place asked, and the local files to choose from.
#[derive(Debug, Clone, Serialize)]
pub struct FindReport {
    pub address: String,
    pub domain: String,
    pub found: Option<Found>,
    pub attempts: Vec<Attempt>,
    /// Profile files on this computer (all of them when nothing was found).
    pub local: Vec<PathBuf>,
}

impl FindReport {
    /// True when no place on the network answered at all.
    pub fn network_unreachable(&self) -> bool {
        let remote: Vec<_> = self
            .attempts
            .iter()
            .filter(|a| a.place.starts_with("https://"))
            .collect();
        !remote.is_empty()
            && remote
                .iter()
                .all(|a| matches!(a.outcome, Outcome::Unreachable { .. }))
    }
}

/// The domain of a mail address, lower-cased, if it is a plain DNS name that can go into a
/// URL as it is (letters, digits, hyphens; at least two labels).
pub fn domain_of(address: &str) -> Result<String, String> {
    let address = address.trim();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err(format!("`{address}` is not a mail address (no @)"));
    };
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let good_label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if local.is_empty() || labels.len() < 2 || !labels.iter().all(good_label) {
        return Err(format!(
            "`{address}` is not a mail address ikou can look up (write it as name@example-univ.ac.jp)"
        ));
    }
    Ok(domain)
}

/// Which network place a URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteKind {
    Autoconfig,
    WellKnown,
}

/// The URLs asked, in order. `port` is 443 except for a test or staging server.
pub fn profile_urls(domain: &str, port: u16) -> Vec<(RemoteKind, String)> {
    let authority = |host: String| {
        if port == 443 {
            host
        } else {
            format!("{host}:{port}")
        }
    };
    vec![
        (
            RemoteKind::Autoconfig,
            format!(
                "https://{}/ikou/profile.toml",
                authority(format!("autoconfig.{domain}"))
            ),
        ),
        (
            RemoteKind::WellKnown,
            format!(
                "https://{}/.well-known/ikou/profile.toml",
                authority(domain.to_string())
            ),
        ),
    ]
}

impl RemoteKind {
    pub fn origin(self, url: &str) -> ProfileOrigin {
        match self {
            RemoteKind::Autoconfig => ProfileOrigin::Autoconfig { url: url.into() },
            RemoteKind::WellKnown => ProfileOrigin::WellKnown { url: url.into() },
        }
    }
}

/// What a profile fetched over the network may not contain: commands and local files.
pub fn remote_problems(profile: &Profile) -> Vec<Problem> {
    let mut out = Vec::new();
    let command = |key: String| {
        Problem::new(
            key,
            |lang| tr!(lang, "package-remote-command"),
            |lang| tr!(lang, "package-remote-command-fix"),
        )
    };
    for (side, server) in [("old", &profile.old), ("new", &profile.new)] {
        if server.password_command.is_some() {
            out.push(command(format!("{side}.password_command")));
        }
        if server.token_command.is_some() {
            out.push(command(format!("{side}.token_command")));
        }
        if let Some(admin) = &server.admin {
            for (key, value) in [
                ("password_command", &admin.password_command),
                ("token_command", &admin.token_command),
                ("client_secret_command", &admin.client_secret_command),
            ] {
                if value.is_some() {
                    out.push(command(format!("{side}.admin.{key}")));
                }
            }
        }
        if server.ca_file.is_some() {
            out.push(Problem::new(
                format!("{side}.ca_file"),
                |lang| tr!(lang, "package-remote-file"),
                |lang| tr!(lang, "package-remote-file-fix"),
            ));
        }
    }
    out
}

/// Parses a profile that came over the network from `url`: the same checks as
/// `ikou profile check`, plus [`remote_problems`]. Relative paths have nothing to resolve
/// against, so the profile has no `source`.
pub fn parse_remote(text: &str, url: &str) -> Result<Profile, ProfileError> {
    let label = Path::new(url);
    let profile: Profile =
        toml::from_str(text).map_err(|e| super::check::syntax_error(label, text, &e))?;
    let mut problems = remote_problems(&profile);
    for problem in super::check::validate(&profile) {
        if !problems.iter().any(|p| p.key == problem.key) {
            problems.push(problem);
        }
    }
    if problems.is_empty() {
        Ok(profile)
    } else {
        Err(ProfileError::Invalid {
            file: url.to_string(),
            problems,
        })
    }
}

/// Parses the built-in profile (see `profile::embedded`). It is checked like a local file
/// and may use commands and local files: the IT centre built it in on purpose. Relative
/// paths in it have no folder to be relative to.
pub fn parse_embedded(file: &str, text: &str) -> Result<Profile, ProfileError> {
    let mut parsed = Profile::parse(text, Path::new(&format!("(built in) {file}")));
    if let Ok(profile) = &mut parsed {
        profile.source = None;
    }
    parsed
}

/// True when a profile is meant for `domain`: its `[organisation] domain` is the same, a
/// parent of it (`example-univ.ac.jp` for `med.example-univ.ac.jp`), or not written.
pub fn serves_domain(profile: &Profile, domain: &str) -> bool {
    let own = profile
        .organisation
        .domain
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    own.is_empty() || own == domain || domain.ends_with(&format!(".{own}"))
}

/// Folders searched for profiles on this computer, in order: `$IKOU_PROFILE_DIR`,
/// `./assets/profiles`, `<dir of the executable>/../share/ikou/profiles` (the .deb and the
/// tarball's layout), `<dir of the executable>/profiles` (the zip's layout).
pub fn local_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("IKOU_PROFILE_DIR").filter(|v| !v.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(PathBuf::from("assets/profiles"));
    if let Ok(exe) = std::env::current_exe()
        && let Some(bin) = exe.parent()
    {
        dirs.push(bin.join("../share/ikou/profiles"));
        dirs.push(bin.join("profiles"));
    }
    dirs
}

/// Where fetched profiles are kept: `$IKOU_CACHE_DIR`, else the platform's cache folder
/// (`$XDG_CACHE_HOME/ikou` or `~/.cache/ikou`; `~/Library/Caches/ikou` on macOS;
/// `%LOCALAPPDATA%\ikou\cache` on Windows), then `profiles/`.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("IKOU_CACHE_DIR") {
        return Some(PathBuf::from(dir).join("profiles"));
    }
    let base: Option<PathBuf> = if cfg!(windows) {
        var("LOCALAPPDATA").map(|d| PathBuf::from(d).join("ikou").join("cache"))
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| PathBuf::from(h).join("Library/Caches/ikou"))
    } else {
        var("XDG_CACHE_HOME")
            .map(|d| PathBuf::from(d).join("ikou"))
            .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache/ikou")))
    };
    base.map(|b| b.join("profiles"))
}

/// The cache file's text: two comment lines naming the URL and the time, then the profile.
pub fn cache_text(url: &str, fetched: &str, text: &str) -> String {
    format!("# ikou-origin: {url}\n# ikou-fetched: {fetched}\n{text}")
}

/// The URL and time written by [`cache_text`].
pub fn cache_header(text: &str) -> Option<(String, String)> {
    let mut lines = text.lines();
    let url = lines.next()?.strip_prefix("# ikou-origin: ")?.trim();
    let fetched = lines.next()?.strip_prefix("# ikou-fetched: ")?.trim();
    Some((url.to_string(), fetched.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "[organisation]\nname = \"U\"\ndomain = \"example-univ.test\"\n[old]\nhost = \"mail.example-univ.test\"\nimap = { port = 993, security = \"tls\" }\n[new]\nhost = \"outlook.office365.com\"\nimap = { port = 993, security = \"tls\" }\n";

    #[test]
    fn domains_that_can_go_into_a_url() {
        assert_eq!(
            domain_of(" Taro@Example-Univ.TEST ").as_deref(),
            Ok("example-univ.test")
        );
        assert_eq!(domain_of("a@b.ac.jp.").as_deref(), Ok("b.ac.jp"));
        for bad in [
            "taro",
            "@example.ac.jp",
            "taro@localhost",
            "taro@exa mple.ac.jp",
            "taro@example.ac.jp/evil",
            "taro@-x.ac.jp",
            "taro@x..jp",
            "taro@大学.jp",
            "taro@x.ac.jp:8443",
        ] {
            assert!(domain_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_in_order() {
        assert_eq!(
            profile_urls("example-univ.test", 443),
            vec![
                (
                    RemoteKind::Autoconfig,
                    "https://autoconfig.example-univ.test/ikou/profile.toml".to_string()
                ),
                (
                    RemoteKind::WellKnown,
                    "https://example-univ.test/.well-known/ikou/profile.toml".to_string()
                ),
            ]
        );
        assert!(
            profile_urls("x.test", 8443)[1]
                .1
                .starts_with("https://x.test:8443/")
        );
    }

    #[test]
    fn a_fetched_profile_may_not_run_commands_or_read_files() {
        assert!(parse_remote(GOOD, "https://x/").is_ok());
        let bad = GOOD.replace(
            "[new]\n",
            "password_command = \"cat ~/.pw\"\nca_file = \"/etc/ssl/campus.pem\"\n[old.admin]\nmethod = \"app-token\"\ntoken_command = \"x\"\n[new]\ntoken_command = \"y\"\n",
        );
        let err = parse_remote(&bad, "https://x/").expect_err("refused");
        let keys: Vec<&str> = err.problems().iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "old.password_command",
                "old.admin.token_command",
                "old.ca_file",
                "new.token_command"
            ]
        );
        assert!(err.to_string().contains("may not run commands"), "{err}");
        // The same text is fine for a local file (apart from the missing CA file).
        let local = Profile::parse(
            &bad.replace("ca_file = \"/etc/ssl/campus.pem\"\n", ""),
            Path::new("l.toml"),
        );
        assert!(local.is_ok(), "{local:?}");
        // Ordinary check failures refuse it too.
        let invalid = GOOD.replace(
            "port = 993, security = \"tls\" }\n[new]",
            "port = 0, security = \"tls\" }\n[new]",
        );
        let err = parse_remote(&invalid, "https://x/").expect_err("invalid");
        assert_eq!(err.problems()[0].key, "old.imap.port");
        assert!(parse_remote("not toml [", "https://x/").is_err());
    }

    #[test]
    fn which_domains_a_profile_serves() {
        let p = parse_remote(GOOD, "u").expect("good");
        assert!(serves_domain(&p, "example-univ.test"));
        assert!(serves_domain(&p, "med.example-univ.test"));
        assert!(!serves_domain(&p, "other-univ.test"));
        assert!(!serves_domain(&p, "badexample-univ.test"));
        let mut anywhere = p.clone();
        anywhere.organisation.domain.clear();
        assert!(serves_domain(&anywhere, "other-univ.test"));
    }

    #[test]
    fn cache_header_round_trip() {
        let text = cache_text("https://a/ikou/profile.toml", "2026-12-06T05:00:00Z", GOOD);
        assert_eq!(
            cache_header(&text),
            Some((
                "https://a/ikou/profile.toml".to_string(),
                "2026-12-06T05:00:00Z".to_string()
            ))
        );
        assert!(parse_remote(&text, "c").is_ok());
        assert_eq!(cache_header(GOOD), None);
    }
}
