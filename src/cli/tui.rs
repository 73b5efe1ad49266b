//! # `ikou` (no subcommand) and `ikou tui`: open the full-screen application

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use super::common::Output;
use crate::report::exit;
use crate::tui::{self, app::AppOptions, config::Remembered};

/// Optional starting points; anything missing is asked for on screen.
#[derive(Debug, Args, Clone, Default)]
pub struct TuiArgs {
    /// Organisation profile (TOML) to start with. Default: $IKOU_PROFILE, else the last one.
    #[arg(long, short = 'p', env = "IKOU_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Your mail address. Default: $IKOU_ADDRESS, else the last one.
    #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
    pub address: Option<String>,
    /// Use the mouse too: the wheel scrolls, a click on a tab opens it (the terminal's own
    /// text selection then needs Shift). Default: $IKOU_MOUSE.
    #[arg(long, env = "IKOU_MOUSE")]
    pub mouse: bool,
}

impl TuiArgs {
    /// The same defaults clap applies, for `ikou` with no subcommand at all.
    pub fn from_env() -> TuiArgs {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        TuiArgs {
            profile: var("IKOU_PROFILE").map(PathBuf::from),
            address: var("IKOU_ADDRESS"),
            mouse: var("IKOU_MOUSE").is_some_and(|v| v != "0" && v != "false"),
        }
    }
}

pub async fn run(args: TuiArgs, output: Output) -> Result<i32> {
    if output.json {
        bail!(
            "the full-screen view has no JSON output; use a subcommand such as `ikou quota --json`"
        );
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        bail!(
            "the full-screen view needs a terminal; run a subcommand instead (see `ikou --help`)"
        );
    }
    let remember_path = Remembered::default_path();
    let remembered = remember_path
        .as_deref()
        .map(Remembered::load)
        .unwrap_or_default();
    let options = AppOptions {
        lang: output.lang,
        profile: args.profile,
        address: args.address,
        remembered,
        profile_dirs: tui::config::profile_dirs(),
        size: (80, 24),
        today: chrono::Local::now().date_naive(),
        colour: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    tui::run(options, remember_path, args.mouse).await?;
    Ok(exit::OK)
}
