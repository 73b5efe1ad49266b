//! The `ikou` binary: parse arguments, set up logging, run, map errors to exit codes.

use clap::Parser;
use ikou::cli::{Cli, run};
use ikou::report::exit;

fn main() {
    let cli = Cli::parse();
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
    let code = match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            // One line that names the cause: the chain joined, outermost first.
            let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
            eprintln!("ikou: error: {}", chain.join(": "));
            exit::ERROR
        }
    };
    std::process::exit(code);
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
