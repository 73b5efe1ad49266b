//! # Profile validation: every problem with its key and the fix
//!
//! Syntax errors come from the TOML parser with a line and column; meaning errors (a port
//! of 0, a missing CA file, plaintext without consent, a token method without a token
//! source) are found here, all at once, so an IT centre fixes a profile in one pass.

use std::path::Path;

use serde::Serialize;
use thiserror::Error;

use super::{Profile, ServerProfile};
use crate::i18n::Lang;
use crate::net::Security;

/// One thing wrong in a profile: where, what, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Dotted key path, e.g. `old.imap.port`, or `line 12, column 3` for syntax errors.
    pub key: String,
    /// What is wrong and what to write, in English (the JSON keeps English).
    pub problem: String,
    pub fix: String,
    /// Key, problem and fix in Japanese, when the catalog has them.
    #[serde(skip)]
    pub ja: Option<Box<[String; 3]>>,
}

impl Problem {
    /// A problem whose words come from the catalog: `problem` and `fix` give the text in a
    /// language (usually a closure around a `tr!` call).
    pub(crate) fn new(
        key: impl Into<String>,
        problem: impl Fn(Lang) -> String,
        fix: impl Fn(Lang) -> String,
    ) -> Problem {
        let key = key.into();
        Problem {
            ja: Some(Box::new([key.clone(), problem(Lang::Ja), fix(Lang::Ja)])),
            key,
            problem: problem(Lang::En),
            fix: fix(Lang::En),
        }
    }

    pub fn key_in(&self, lang: Lang) -> &str {
        match (&self.ja, lang) {
            (Some(ja), Lang::Ja) => &ja[0],
            _ => &self.key,
        }
    }

    pub fn problem_in(&self, lang: Lang) -> &str {
        match (&self.ja, lang) {
            (Some(ja), Lang::Ja) => &ja[1],
            _ => &self.problem,
        }
    }

    pub fn fix_in(&self, lang: Lang) -> &str {
        match (&self.ja, lang) {
            (Some(ja), Lang::Ja) => &ja[2],
            _ => &self.fix,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} — {}", self.key, self.problem, self.fix)
    }
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("cannot read profile {file}: {detail}")]
    Unreadable {
        file: String,
        detail: String,
        /// What went wrong, for the faces to put into words.
        kind: std::io::ErrorKind,
    },
    #[error("{file}: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ProfileError {
    /// The error as the reader's language says it (the `Display` form is English).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ProfileError::Unreadable { file, detail, kind } => tr!(
                lang,
                "profile-unreadable",
                file = file.as_str(),
                reason = crate::i18n::io_reason(*kind, detail, lang)
            ),
            ProfileError::Invalid { file, problems } => {
                let problems: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        format!(
                            "{}: {} — {}",
                            p.key_in(lang),
                            p.problem_in(lang),
                            p.fix_in(lang)
                        )
                    })
                    .collect();
                format!("{file}: {}", problems.join("; "))
            }
        }
    }

    pub fn problems(&self) -> &[Problem] {
        match self {
            ProfileError::Unreadable { .. } => &[],
            ProfileError::Invalid { problems, .. } => problems,
        }
    }
}

/// Turns a TOML parse error into a problem naming the line, the key and a likely fix.
pub(super) fn syntax_error(path: &Path, text: &str, error: &toml::de::Error) -> ProfileError {
    let message = error.message().trim().to_string();
    let location = error.span().map(|span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let snippet = text.lines().nth(line - 1).unwrap_or("").trim().to_string();
        (line, column, snippet)
    });
    let place = |lang: Lang| match &location {
        Some((line, column, snippet)) => tr!(
            lang,
            "profile-syntax-place",
            line = *line,
            column = *column,
            snippet = snippet.as_str()
        ),
        None => tr!(lang, "profile-syntax-file"),
    };
    let fix = |lang: Lang| {
        if message.contains("unknown variant") && message.contains("tls") {
            tr!(lang, "profile-fix-security-value")
        } else if message.contains("unknown variant") && message.contains("xoauth2") {
            tr!(lang, "profile-fix-auth-value")
        } else if message.contains("unknown field") {
            tr!(lang, "profile-fix-unknown-key")
        } else if message.contains("missing field") {
            tr!(lang, "profile-fix-missing-key")
        } else if message.contains("invalid type") {
            tr!(lang, "profile-fix-value-type")
        } else {
            tr!(lang, "profile-fix-syntax")
        }
    };
    let mut problem = Problem::new(
        place(Lang::En),
        |lang| tr!(lang, "profile-syntax", detail = message.as_str()),
        fix,
    );
    if let Some(ja) = problem.ja.as_mut() {
        ja[0] = place(Lang::Ja);
    }
    // The parser's own words stay as they are in English output.
    problem.problem = message.clone();
    ProfileError::Invalid {
        file: path.display().to_string(),
        problems: vec![problem],
    }
}

pub(super) fn validate(profile: &Profile) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_server(profile, "old", &profile.old, &mut problems);
    check_server(profile, "new", &profile.new, &mut problems);
    if profile.limits.max_message_mb == 0 {
        problems.push(Problem::new(
            "limits.max_message_mb",
            |lang| tr!(lang, "profile-more-than-zero"),
            |lang| tr!(lang, "profile-fix-max-message-mb"),
        ));
    }
    if let Some(address) = &profile.account.address
        && !address.contains('@')
    {
        problems.push(Problem::new(
            "account.address",
            |lang| tr!(lang, "profile-not-an-address", value = address.as_str()),
            |lang| tr!(lang, "profile-fix-address"),
        ));
    }
    let dates = [
        ("dates.copy_start", &profile.dates.copy_start),
        ("dates.cutover", &profile.dates.cutover),
        ("dates.old_shutdown", &profile.dates.old_shutdown),
    ];
    for (key, value) in dates {
        if let Some(value) = value
            && (value.date.is_none() || value.time.is_some())
        {
            let name = key.trim_start_matches("dates.");
            problems.push(Problem::new(
                key,
                |lang| tr!(lang, "profile-not-a-date", value = value.to_string()),
                |lang| tr!(lang, "profile-fix-date", key = name),
            ));
        }
    }
    let ordered: Vec<_> = dates
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.to_string())))
        .collect();
    for pair in ordered.windows(2) {
        if pair[0].1 > pair[1].1 {
            problems.push(Problem::new(
                pair[1].0,
                |lang| {
                    tr!(
                        lang,
                        "profile-date-order",
                        later = pair[1].0,
                        earlier = pair[0].0
                    )
                },
                |lang| tr!(lang, "profile-fix-date-order"),
            ));
        }
    }
    problems
}

fn check_server(profile: &Profile, side: &str, server: &ServerProfile, out: &mut Vec<Problem>) {
    if let Some(admin) = &server.admin {
        out.extend(super::admin::problems(side, admin));
    }
    let mut push = |key: &str, problem: &dyn Fn(Lang) -> String, fix: &dyn Fn(Lang) -> String| {
        out.push(Problem::new(format!("{side}.{key}"), problem, fix));
    };
    if server.host.trim().is_empty() || server.host.contains(char::is_whitespace) {
        push(
            "host",
            &|lang| tr!(lang, "profile-not-a-host", value = server.host.as_str()),
            &|lang| tr!(lang, "profile-fix-host"),
        );
    }
    if server.imap.is_none() && server.pop3.is_none() {
        push("imap", &|lang| tr!(lang, "profile-no-protocol"), &|lang| {
            tr!(lang, "profile-fix-no-protocol")
        });
    }
    for (name, value, tls_port, starttls_port) in [
        ("imap", server.imap, 993, 143),
        ("pop3", server.pop3, 995, 110),
        ("smtp", server.smtp, 465, 587),
    ] {
        let Some(value) = value else { continue };
        if value.port == 0 {
            push(
                &format!("{name}.port"),
                &|lang| tr!(lang, "profile-port-zero"),
                &|lang| {
                    tr!(
                        lang,
                        "profile-fix-port",
                        tls = tls_port,
                        starttls = starttls_port
                    )
                },
            );
        }
        if value.security == Security::Plain && !server.allow_plaintext {
            push(
                &format!("{name}.security"),
                &|lang| tr!(lang, "profile-plaintext"),
                &|lang| {
                    tr!(
                        lang,
                        "profile-fix-plaintext",
                        tls = tls_port,
                        starttls = starttls_port
                    )
                },
            );
        }
    }
    if !server.username.contains('{') && server.username.trim().is_empty() {
        push("username", &|lang| tr!(lang, "profile-empty"), &|lang| {
            tr!(lang, "profile-fix-username")
        });
    }
    for placeholder in server
        .username
        .match_indices('{')
        .map(|(i, _)| &server.username[i..])
    {
        let known = ["{address}", "{local}", "{domain}"];
        if !known.iter().any(|k| placeholder.starts_with(k)) {
            push(
                "username",
                &|lang| {
                    tr!(
                        lang,
                        "profile-unknown-placeholder",
                        value = server.username.as_str()
                    )
                },
                &|lang| tr!(lang, "profile-fix-placeholder"),
            );
            break;
        }
    }
    if let Some(ca) = &server.ca_file {
        let resolved = profile.resolve_path(ca);
        if !resolved.is_file() {
            push(
                "ca_file",
                &|lang| {
                    tr!(
                        lang,
                        "profile-no-such-file",
                        path = resolved.display().to_string()
                    )
                },
                &|lang| tr!(lang, "profile-fix-ca-file"),
            );
        }
    }
    if let Some(pin) = &server.pin_sha256 {
        let hex: String = pin.chars().filter(|c| *c != ':').collect();
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            push(
                "pin_sha256",
                &|lang| tr!(lang, "profile-not-a-pin"),
                &|lang| tr!(lang, "profile-fix-pin"),
            );
        }
    }
    if let Some(oauth) = &server.oauth {
        for (key, problem, fix) in oauth.problems() {
            // The OAuth settings explain themselves in English only, so far.
            push(&format!("oauth.{key}"), &|_| problem.clone(), &|_| {
                fix.clone()
            });
        }
        if server.auth != crate::imap::AuthMethod::Xoauth2 {
            push(
                "oauth",
                &|lang| tr!(lang, "profile-oauth-without-xoauth2"),
                &|lang| tr!(lang, "profile-fix-oauth-without-xoauth2"),
            );
        }
    }
    if server.password_env.is_some() && server.password_command.is_some() {
        push(
            "password_command",
            &|lang| tr!(lang, "profile-two-password-sources"),
            &|lang| tr!(lang, "profile-fix-keep-one"),
        );
    }
}
