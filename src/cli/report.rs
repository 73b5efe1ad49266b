//! # `ikou report -o FILE`: one file for the helpdesk, read by the user before it is sent

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{AccountArgs, Output, load_profile};
use super::doctor::CheckArgs;
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
    // For the doctor: where it asks and how long it may take.
    #[command(flatten)]
    pub checks: CheckArgs,
}

pub async fn run(args: &ReportArgs, output: Output) -> Result<i32> {
    let profile = load_profile(&args.account.profile)?;
    let account = output.account(&profile, args.account.address.as_deref())?;
    let today = chrono::Local::now().date_naive();
    let doctor = (!args.no_doctor).then(|| {
        let mut options = DoctorOptions::new(today);
        options.profile = Some(profile.clone());
        options.address = Some(account.address.clone());
        args.checks.apply_to(&mut options);
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
