//! # `ikou completions SHELL` and the packager's `ikou manpages DIR`
//!
//! Both are made from the real clap definitions, so a new option appears in the shell's
//! completion and in the man page without anyone writing it twice.

use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::command::Cli;
use crate::report::exit;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<i32> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "ikou", &mut std::io::stdout());
    Ok(exit::OK)
}

/// Writes `ikou.1` and one `ikou-<command>.1` per subcommand into `dir`.
pub fn manpages(dir: &Path) -> Result<i32> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let command = Cli::command().version(super::command::VERSION);
    write_pages(dir, &command, "ikou")?;
    Ok(exit::OK)
}

fn write_pages(dir: &Path, command: &clap::Command, name: &str) -> Result<()> {
    let page = command.clone().name(name.to_string());
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .date(env!("IKOU_BUILD_DATE"))
        .source(format!("ikou {}", env!("CARGO_PKG_VERSION")))
        .manual("ikou manual")
        .render(&mut roff)?;
    let file = dir.join(format!("{name}.1"));
    std::fs::write(&file, roff).with_context(|| format!("cannot write {}", file.display()))?;
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(dir, sub, &format!("{name}-{}", sub.get_name()))?;
    }
    Ok(())
}
