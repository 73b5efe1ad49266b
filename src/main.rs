//! The `ikou` binary: parse arguments, set up logging, run, map errors to exit codes.

use ikou::cli::{Command, run};
use ikou::report::exit;

fn main() {
    let cli = ikou::cli::help::parse();
    // Only a backup holds many large message buffers; other commands start as they are.
    if matches!(cli.command, Some(Command::Backup(_))) {
        fixed_mmap_threshold();
    }
    // The full-screen view owns the terminal: log lines would tear it apart.
    if !cli.is_tui() {
        init_logging(cli.verbose);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ikou: cannot start: {e}");
            std::process::exit(exit::ERROR);
        }
    };
    let lang = cli.language();
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        // The reader of stdout went away (`| head`): nothing is wrong, nothing to say.
        Err(error) if ikou::cli::is_broken_pipe(&error) => exit::OK,
        Err(error) => {
            // One line that names the cause: the chain joined, outermost first.
            eprintln!("{}", ikou::cli::error_line(&error, lang));
            exit::ERROR
        }
    };
    std::process::exit(code);
}

/// glibc raises its mmap threshold each time a large block is freed, after which freed
/// message buffers stay in the allocator's arenas: `ikou backup` of a 256 MB mailbox peaked
/// at 420 MB RSS; with a fixed 128 KiB threshold at 45 MB, as fast (mimalloc: 170 MB).
/// The threshold can only be fixed before the process starts (`mallopt` would need
/// `unsafe`), so ikou re-executes itself once with glibc's environment tunable set.
fn fixed_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
        if std::env::var_os(VAR).is_some() {
            return;
        }
        if let Ok(exe) = std::env::current_exe() {
            // `exec` returns only on failure; then ikou simply runs with the defaults.
            let error = std::process::Command::new(exe)
                .args(std::env::args_os().skip(1))
                .env(VAR, "131072")
                .exec();
            tracing::debug!("re-exec with {VAR} failed: {error}");
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "ikou=info",
        _ => "ikou=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("IKOU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
