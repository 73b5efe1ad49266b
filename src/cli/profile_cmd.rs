//! # `ikou profile check`

use std::path::Path;

use anyhow::Result;
use serde::Serialize;

use super::common::Output;
use crate::profile::{Problem, Profile, ProfileError};
use crate::report::exit;

#[derive(Debug, Serialize)]
struct CheckResult {
    file: String,
    ok: bool,
    problems: Vec<Problem>,
}

pub fn check(file: &Path, output: Output) -> Result<i32> {
    let result = match Profile::load(file) {
        Ok(_) => CheckResult {
            file: file.display().to_string(),
            ok: true,
            problems: Vec::new(),
        },
        Err(error @ ProfileError::Unreadable { .. }) => {
            anyhow::bail!("{}", error.text(output.lang))
        }
        Err(ProfileError::Invalid { file, problems }) => CheckResult {
            file,
            ok: false,
            problems,
        },
    };
    output.emit(&result, || {
        if result.ok {
            format!("{}: OK\n", result.file)
        } else {
            let mut text = String::new();
            for problem in &result.problems {
                text.push_str(&format!(
                    "{}: {}: {}\n    {}\n",
                    result.file,
                    problem.key_in(output.lang),
                    problem.problem_in(output.lang),
                    tr!(
                        output.lang,
                        "profile-check-fix",
                        fix = problem.fix_in(output.lang)
                    )
                ));
            }
            text
        }
    })?;
    Ok(if result.ok { exit::OK } else { exit::ERROR })
}

/// `ikou profile find ADDRESS`.
#[derive(Debug, clap::Args)]
pub struct FindArgs {
    /// Your mail address; the profile is looked for at its domain.
    pub address: String,
    /// Ask this DNS server (IP:PORT) instead of the system's (a staging zone).
    #[arg(long, value_name = "IP:PORT", env = "IKOU_DNS_SERVER")]
    pub dns_server: Option<std::net::SocketAddr>,
    /// Port of the organisation's web servers (for a staging server).
    #[arg(long, default_value_t = 443, env = "IKOU_HTTPS_PORT")]
    pub https_port: u16,
    /// Extra CA certificate (PEM) to trust for the HTTPS requests (repeatable).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<std::path::PathBuf>,
    /// Seconds to wait for each web server.
    #[arg(long, default_value_t = 8)]
    pub timeout: u64,
}

pub async fn find(args: &FindArgs, output: Output) -> Result<i32> {
    let mut options = crate::service::find_profile::FindOptions::from_env();
    options.dns_server = args.dns_server.or(options.dns_server);
    options.https_port = args.https_port;
    options.ca_files.extend(args.ca_file.iter().cloned());
    options.timeout = std::time::Duration::from_secs(args.timeout.max(1));
    let report = crate::service::find_profile::find(&args.address, &options)
        .await
        .map_err(anyhow::Error::msg)?;
    output.emit(&report, || {
        crate::report::find::render_text(&report, output.lang)
    })?;
    Ok(if report.found.is_some() {
        exit::OK
    } else {
        exit::ERROR
    })
}
