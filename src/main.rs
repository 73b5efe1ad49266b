//! The `ikou` binary: parse arguments, set up logging, run, map errors to exit codes.

use ikou::cli::{Command, run_to_exit};
use ikou::report::exit;

#[cfg(feature = "jemalloc")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let cli = ikou::cli::help::parse();
    // Only a backup holds many large message buffers; other commands start as they are.
    if cfg!(not(feature = "jemalloc")) && matches!(cli.command, Some(Command::Backup(_))) {
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
    let code = runtime.block_on(run_to_exit(cli));
    std::process::exit(code);
}

/// glibc raises its mmap threshold each time a large block is freed, after which freed
/// message buffers stay in the allocator's arenas: `ikou backup` of a 256 MB mailbox peaked
/// at 420 MB RSS; with a fixed 128 KiB threshold at 45 MB, as fast (mimalloc: 170 MB).
/// The threshold can only be fixed before the process starts (`mallopt` would need
/// `unsafe`), so ikou re-executes itself once with glibc's environment tunable set.
/// jemalloc (`--features jemalloc`) was measured against this by `scripts/bench/allocator.sh`:
/// about 96 MiB peak instead of 71 MiB for 20,000 messages, with somewhat less CPU.
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
    use std::io::IsTerminal;
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let default = match verbose {
        0 => "warn",
        1 => "ikou=info",
        _ => "ikou=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("IKOU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        // Colour codes only for a person at a terminal, never in a redirected log file.
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter)
        .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
            ikou::logging::may_log(meta.target(), *meta.level())
        }));
    let _ = tracing_subscriber::registry().with(layer).try_init();
}
