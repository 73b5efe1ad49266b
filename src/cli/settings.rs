//! # `ikou settings`: what to type into a mail program for the new server

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::common::Output;
use crate::report::exit;
use crate::settings::{self, Client, ClientProtocol};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ProtocolChoice {
    Imap,
    Pop,
    Smtp,
    Exchange,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ClientChoice {
    Thunderbird,
    Outlook,
    Apple,
    Ios,
    Android,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum FormatChoice {
    /// Tables for people (ja/en).
    #[default]
    Text,
    Json,
    /// Thunderbird autoconfig `config-v1.1.xml`.
    Autoconfig,
    /// Apple configuration profile (XML plist) for iPhone, iPad and Mac Mail.
    Mobileconfig,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Organisation profile (TOML). Without one: Exchange Online defaults.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Your mail address (fills in the user name).
    #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
    pub address: Option<String>,
    /// Only this protocol (IMAP and POP come with SMTP). Default: all.
    #[arg(long, value_enum)]
    pub protocol: Option<ProtocolChoice>,
    /// Add the caveats for this mail program.
    #[arg(long, value_enum)]
    pub client: Option<ClientChoice>,
    /// Output format (`--json` is the same as `--format json`).
    #[arg(long, value_enum, default_value = "text")]
    pub format: FormatChoice,
}

pub fn run(args: &SettingsArgs, output: Output) -> Result<i32> {
    let profile = match &args.profile {
        Some(path) => Some(super::common::load_profile(path)?),
        None => None,
    };
    let protocol = args.protocol.map(|p| match p {
        ProtocolChoice::Imap => ClientProtocol::Imap,
        ProtocolChoice::Pop => ClientProtocol::Pop,
        ProtocolChoice::Smtp => ClientProtocol::Smtp,
        ProtocolChoice::Exchange => ClientProtocol::Exchange,
    });
    let client = args.client.map(|c| match c {
        ClientChoice::Thunderbird => Client::Thunderbird,
        ClientChoice::Outlook => Client::Outlook,
        ClientChoice::Apple => Client::Apple,
        ClientChoice::Ios => Client::Ios,
        ClientChoice::Android => Client::Android,
    });
    let built = settings::build(profile.as_ref(), args.address.as_deref(), protocol, client);
    let format = if output.json {
        FormatChoice::Json
    } else {
        args.format
    };
    match format {
        FormatChoice::Json => {
            super::common::write_stdout(&(serde_json::to_string_pretty(&built)? + "\n"))?;
        }
        FormatChoice::Text => {
            super::common::write_stdout(&settings::render_text(&built, output.lang))?
        }
        FormatChoice::Autoconfig => {
            super::common::write_stdout(&settings::render_autoconfig(&built))?
        }
        FormatChoice::Mobileconfig => super::common::write_stdout(
            &settings::render_mobileconfig(&built).context("cannot write the .mobileconfig")?,
        )?,
    }
    Ok(exit::OK)
}
