//! # Profile validation: every problem with its key and the fix
//!
//! Syntax errors come from the TOML parser with a line and column; meaning errors (a port
//! of 0, a missing CA file, plaintext without consent, a token method without a token
//! source) are found here, all at once, so an IT centre fixes a profile in one pass.

use std::path::Path;

use serde::Serialize;
use thiserror::Error;

use super::{Profile, ServerProfile};
use crate::net::Security;

/// One thing wrong in a profile: where, what, and what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Dotted key path, e.g. `old.imap.port`, or `line 12, column 3` for syntax errors.
    pub key: String,
    pub problem: String,
    pub fix: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} — {}", self.key, self.problem, self.fix)
    }
}

#[derive(Debug, Error)]
pub enum ProfileError {
    #[error("cannot read profile {file}: {detail}")]
    Unreadable { file: String, detail: String },
    #[error("{file}: {}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ProfileError {
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
    let location = error
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let snippet = text.lines().nth(line - 1).unwrap_or("").trim().to_string();
            format!("line {line}, column {column} (`{snippet}`)")
        })
        .unwrap_or_else(|| "file".to_string());
    let fix = if message.contains("unknown variant") && message.contains("tls") {
        "write security = \"tls\" (port 993/995), \"starttls\" (143/110/587) or \"plain\"".into()
    } else if message.contains("unknown variant") && message.contains("xoauth2") {
        "write auth = \"login\", \"plain\" or \"xoauth2\"".into()
    } else if message.contains("unknown field") {
        "remove or correct the key; see assets/profiles/exchange-online.toml for every key".into()
    } else if message.contains("missing field") {
        "add the missing key; see assets/profiles/exchange-online.toml".into()
    } else if message.contains("invalid type") {
        "check the value's type: numbers without quotes, text in \"quotes\", true/false".into()
    } else {
        "fix the TOML syntax at this place (quotes, brackets, `key = value`)".into()
    };
    ProfileError::Invalid {
        file: path.display().to_string(),
        problems: vec![Problem {
            key: location,
            problem: message,
            fix,
        }],
    }
}

pub(super) fn validate(profile: &Profile) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_server(profile, "old", &profile.old, &mut problems);
    check_server(profile, "new", &profile.new, &mut problems);
    if profile.limits.max_message_mb == 0 {
        problems.push(Problem {
            key: "limits.max_message_mb".into(),
            problem: "must be more than 0".into(),
            fix: "write the migration's per-message limit, e.g. max_message_mb = 32".into(),
        });
    }
    if let Some(address) = &profile.account.address
        && !address.contains('@')
    {
        problems.push(Problem {
            key: "account.address".into(),
            problem: format!("`{address}` is not a mail address"),
            fix: "write the full address, e.g. address = \"taro@example-univ.ac.jp\"".into(),
        });
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
            problems.push(Problem {
                key: key.into(),
                problem: format!("`{value}` is not a plain date"),
                fix: format!(
                    "write a date without quotes, e.g. {} = 2026-12-15",
                    key.trim_start_matches("dates.")
                ),
            });
        }
    }
    let ordered: Vec<_> = dates
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (*k, v.to_string())))
        .collect();
    for pair in ordered.windows(2) {
        if pair[0].1 > pair[1].1 {
            problems.push(Problem {
                key: pair[1].0.into(),
                problem: format!("{} comes before {}", pair[1].0, pair[0].0),
                fix: "dates must be in order: copy_start, cutover, old_shutdown".into(),
            });
        }
    }
    problems
}

/// Longest connect or I/O timeout a profile may ask for.
pub const MAX_TIMEOUT_SECS: u64 = 3600;

fn check_server(profile: &Profile, side: &str, server: &ServerProfile, out: &mut Vec<Problem>) {
    if let Some(admin) = &server.admin {
        out.extend(super::admin::problems(side, admin));
    }
    let mut push = |key: &str, problem: String, fix: String| {
        out.push(Problem {
            key: format!("{side}.{key}"),
            problem,
            fix,
        });
    };
    if server.host.trim().is_empty() || server.host.contains(char::is_whitespace) {
        push(
            "host",
            format!("`{}` is not a host name", server.host),
            "write the server's name, e.g. host = \"outlook.office365.com\"".into(),
        );
    }
    if server.imap.is_none() && server.pop3.is_none() {
        push(
            "imap",
            "neither imap nor pop3 is configured".into(),
            "add imap = { port = 993, security = \"tls\" }".into(),
        );
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
                "port 0 is not a port".into(),
                format!("write port = {tls_port} (SSL/TLS) or {starttls_port} (STARTTLS)"),
            );
        }
        if value.security == Security::Plain && !server.allow_plaintext {
            push(
                &format!("{name}.security"),
                "\"plain\" would send the password unencrypted".into(),
                format!(
                    "write security = \"tls\" (port {tls_port}) or \"starttls\" (port {starttls_port}); only if the server has no TLS at all, also write allow_plaintext = true"
                ),
            );
        }
    }
    if !server.username.contains('{') && server.username.trim().is_empty() {
        push(
            "username",
            "empty".into(),
            "write username = \"{address}\" (full address) or \"{local}\" (the part before @)"
                .into(),
        );
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
                format!("unknown placeholder in `{}`", server.username),
                "use {address}, {local} or {domain}".into(),
            );
            break;
        }
    }
    if let Some(ca) = &server.ca_file {
        let resolved = profile.resolve_path(ca);
        if !resolved.is_file() {
            push(
                "ca_file",
                format!("{} does not exist", resolved.display()),
                "give the path of the IT centre's CA certificate (PEM), relative to this profile"
                    .into(),
            );
        }
    }
    if let Some(pin) = &server.pin_sha256 {
        let hex: String = pin.chars().filter(|c| *c != ':').collect();
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            push(
                "pin_sha256",
                "not a SHA-256 fingerprint (64 hex digits)".into(),
                "write the certificate's SHA-256, e.g. from `openssl x509 -noout -fingerprint -sha256`"
                    .into(),
            );
        }
    }
    if let Some(oauth) = &server.oauth {
        for (key, problem, fix) in oauth.problems() {
            push(&format!("oauth.{key}"), problem, fix);
        }
        if server.auth != crate::imap::AuthMethod::Xoauth2 {
            push(
                "oauth",
                "the [oauth] table is used only with auth = \"xoauth2\"".into(),
                "write auth = \"xoauth2\" for Microsoft 365, or remove the [oauth] table".into(),
            );
        }
    }
    for (key, value) in [
        ("connect_timeout_secs", server.connect_timeout_secs),
        ("io_timeout_secs", server.io_timeout_secs),
    ] {
        match value {
            Some(0) => push(
                key,
                "0 seconds would give up before the server can answer".into(),
                format!("write a number of seconds from 1 to {MAX_TIMEOUT_SECS}, e.g. {key} = 60"),
            ),
            Some(n) if n > MAX_TIMEOUT_SECS => push(
                key,
                format!("{n} seconds is longer than ikou waits ({MAX_TIMEOUT_SECS} s, one hour)"),
                format!("write a number of seconds from 1 to {MAX_TIMEOUT_SECS}, e.g. {key} = 60"),
            ),
            _ => {}
        }
    }
    if server.password_env.is_some() && server.password_command.is_some() {
        push(
            "password_command",
            "both password_env and password_command are given".into(),
            "keep one of them".into(),
        );
    }
}
