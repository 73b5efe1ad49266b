//! # `ikou report -o FILE`: one file for the helpdesk, read by the user before it is sent

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{AccountArgs, Output, load_profile};
use crate::report::exit;
use crate::service::doctor::{ClientCheck, DoctorOptions};
use crate::service::support::{self, SupportOptions};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Where to write the report (JSON, readable by you only).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Include subjects, senders and addresses (hidden by default).
    #[arg(long)]
    pub with_subjects: bool,
    /// Leave out the doctor's DNS, autoconfig and certificate checks.
    #[arg(long)]
    pub no_doctor: bool,
    /// For the doctor: ask this DNS server instead of the system's.
    #[arg(long, value_name = "IP:PORT")]
    pub dns_server: Option<SocketAddr>,
    /// For the doctor: extra CA certificates to trust.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Vec<PathBuf>,
    /// For the doctor: port of the autoconfig/autodiscover URLs.
    #[arg(long, default_value_t = 443)]
    pub https_port: u16,
    /// For the doctor: seconds each check may take.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

pub async fn run(args: &ReportArgs, output: Output) -> Result<i32> {
    let profile = load_profile(&args.account.profile)?;
    let account = output.account(&profile, args.account.address.as_deref())?;
    let today = chrono::Local::now().date_naive();
    let doctor = (!args.no_doctor).then(|| {
        let mut options = DoctorOptions::new(today);
        options.profile = Some(profile.clone());
        options.address = Some(account.address.clone());
        options.dns_server = args.dns_server;
        options.ca_files = args.ca_file.clone();
        options.https_port = args.https_port;
        options.timeout = Duration::from_secs(args.timeout.max(1));
        options.client = ClientCheck::Skip;
        options
    });
    let options = SupportOptions {
        today,
        with_subjects: args.with_subjects,
        doctor,
        lang: output.lang,
    };
    let report = support::support_report(&profile, &account, &options).await;
    support::write(&report, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    output.emit(&report, || {
        let mut text = support::render_text(&report, output.lang);
        text.push('\n');
        text.push_str(&tr!(
            output.lang,
            "helpdesk-report-written",
            path = args.output.display().to_string()
        ));
        text.push('\n');
        text
    })?;
    Ok(exit::OK)
}
