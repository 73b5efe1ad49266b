//! # `ikou doctor`: diagnose DNS, autoconfig/autodiscover, TLS, login and the mail client

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use super::common::Output;
use crate::service::doctor::{self, ClientCheck, DoctorOptions};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Your mail address; its domain is checked (default: from the profile).
    pub address: Option<String>,
    /// Organisation profile (TOML): old/new servers to check. Without one: Exchange Online.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Check this domain instead of the address's.
    #[arg(long)]
    pub domain: Option<String>,
    #[command(flatten)]
    pub checks: CheckArgs,
    /// Thunderbird profile folder, prefs.js, or folder with profiles.ini (default: search).
    #[arg(long, value_name = "PATH")]
    pub thunderbird_profile: Option<PathBuf>,
    /// Do not look at the local mail client.
    #[arg(long, conflicts_with = "thunderbird_profile")]
    pub no_client: bool,
    /// Also sign in to every IMAP, POP3 and SMTP server with your credentials (nothing is sent).
    #[arg(long)]
    pub login: bool,
}

/// Where the doctor's network checks ask and how long they may take; `ikou doctor` and
/// `ikou report` (which runs the doctor) share them.
#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// Ask this DNS server (IP:PORT) instead of the system's, for every look-up of the run.
    #[arg(long, value_name = "IP:PORT")]
    pub dns_server: Option<SocketAddr>,
    /// Extra CA certificate (PEM) to trust for HTTPS and TLS checks (repeatable).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<PathBuf>,
    /// Port of the autoconfig/autodiscover web servers (for staging or test servers).
    #[arg(long, default_value_t = 443)]
    pub https_port: u16,
    /// Upper bound for the whole run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

impl CheckArgs {
    /// Sets these in the doctor's options.
    pub fn apply_to(&self, options: &mut DoctorOptions) {
        options.dns_server = self.dns_server;
        options.ca_files = self.ca_file.clone();
        options.https_port = self.https_port;
        options.timeout = Duration::from_secs(self.timeout.max(1));
    }
}

/// Exit code: 0 all ok, 1 warnings, 2 errors.
pub async fn run(args: &DoctorArgs, output: Output) -> Result<i32> {
    let profile = match &args.profile {
        Some(path) => Some(super::common::load_profile(path)?),
        None => None,
    };
    let mut options = DoctorOptions::new(chrono::Local::now().date_naive());
    options.profile = profile;
    options.address = args.address.clone();
    options.domain = args.domain.clone();
    args.checks.apply_to(&mut options);
    options.client = match (&args.thunderbird_profile, args.no_client) {
        (_, true) => ClientCheck::Skip,
        (Some(path), false) => ClientCheck::Path(path.clone()),
        (None, false) => ClientCheck::Auto,
    };
    options.login = args.login;
    options.interactive = output.interactive;
    options.lang = output.lang;
    let report = match doctor::run(&options).await {
        Err(crate::service::ServiceError::NoAddress) => {
            anyhow::bail!("{}", tr!(output.lang, "doctor-nothing-to-check"))
        }
        other => other?,
    };
    output.emit(&report, || report.render_text(output.lang))?;
    Ok(report.exit_code())
}
