//! # ikou-testbed (binary)
//!
//! Starts real Dovecot servers for manual testing, demos and benchmarks, prints their
//! connection facts as JSON (stdout and `--state FILE`) and keeps them up until SIGTERM,
//! Ctrl-C or end of stdin. The state file is removed again on a clean exit.
#![forbid(unsafe_code)]

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use clap::{Parser, Subcommand, ValueEnum};
use ikou_testbed::scenario::{Expected, Migration};
use ikou_testbed::{
    Corpus, DEMO_PASSWORD, DEMO_USER, Dovecot, Layout, ServerInfo, ServerOptions, User,
};
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "ikou-testbed",
    version,
    about = "Real Dovecot servers with generated mailboxes for testing ikou"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Do not stop when stdin reaches end of file (by default EOF on a terminal or pipe stops
    /// the servers; /dev/null, as under `cmd &` in a script, is ignored anyway).
    #[arg(long, global = true)]
    ignore_stdin: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    /// Maildir++, `INBOX.` prefix, `.` separator, SPECIAL-USE, quota.
    Legacy,
    /// Exchange Online-like: `/` separator, no prefix, no SPECIAL-USE, no QUOTA.
    Exchange,
}

#[derive(Subcommand)]
enum Cmd {
    /// One server with the standard corpus for taro / taro-pass.
    Up {
        #[arg(long, value_enum, default_value = "legacy")]
        layout: LayoutArg,
        /// Also write the JSON description here.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Also write an ikou profile (TOML) for these servers here.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Corpus seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// The migration scenario: old (legacy) + new (Exchange-like) with known differences.
    Demo {
        /// Also write the JSON state (both servers, credentials, expected differences) here.
        #[arg(long)]
        state: Option<PathBuf>,
        /// Also write an ikou profile (TOML) for these servers here.
        #[arg(long)]
        profile: Option<PathBuf>,
        /// Scenario seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// A legacy server with a benchmark-sized corpus.
    BenchCorpus {
        #[arg(long, default_value_t = 20_000)]
        messages: usize,
        #[arg(long, default_value_t = 1 << 30)]
        bytes: u64,
        /// Put every message into INBOX (one large folder) instead of 31 folders.
        #[arg(long)]
        one_folder: bool,
        #[arg(long)]
        state: Option<PathBuf>,
        /// Also write an ikou profile (TOML) for these servers here.
        #[arg(long)]
        profile: Option<PathBuf>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// For `ikou batch`: a legacy and an Exchange-like server with the same `accounts`
    /// small mailboxes (u0001 ... , `min`-`max` messages each), a master user on both,
    /// an ikou profile using it and the accounts CSV.
    BenchBatch {
        #[arg(long, default_value_t = 1000)]
        accounts: usize,
        #[arg(long, default_value_t = 50)]
        min: usize,
        #[arg(long, default_value_t = 200)]
        max: usize,
        #[arg(long)]
        state: Option<PathBuf>,
        /// Directory for profile.toml and accounts.csv.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// JSON written by `bench-batch`.
#[derive(Serialize)]
struct BatchState {
    old: ServerInfo,
    new: ServerInfo,
    master_user: &'static str,
    master_password: &'static str,
    accounts: usize,
    messages: usize,
    bytes: u64,
    profile: PathBuf,
    accounts_csv: PathBuf,
    pid: u32,
}

const BENCH_MASTER: &str = "helpdesk";
const BENCH_MASTER_PASSWORD: &str = "helpdesk-pass";

fn bench_batch(
    accounts: usize,
    min: usize,
    max: usize,
    seed: u64,
    out: &Path,
    state: Option<&Path>,
    ignore_stdin: bool,
) -> Result<()> {
    let t = Instant::now();
    let mut r = ikou_testbed::prng::SplitMix64::derive(seed, 0xBA7C, 0);
    let mut users = Vec::with_capacity(accounts);
    let (mut messages, mut bytes) = (0usize, 0u64);
    for i in 0..accounts {
        let n = r.range(min as u64, max.max(min) as u64) as usize;
        let corpus = Corpus::sized(seed * 100_003 + i as u64, n, n as u64 * 3_000);
        messages += corpus.total_messages();
        bytes += corpus.total_bytes();
        users.push(User::new(
            &format!("u{:04}", i + 1),
            "user-pass-not-used",
            corpus,
        ));
    }
    eprintln!(
        "ikou-testbed: generated {accounts} mailboxes, {messages} messages, {bytes} bytes in {:.1?}",
        t.elapsed()
    );
    let t = Instant::now();
    let master = Some((BENCH_MASTER.to_string(), BENCH_MASTER_PASSWORD.to_string()));
    let mut new_opts = ServerOptions::new(Layout::ExchangeLike, users.clone());
    new_opts.master_user = master.clone();
    let mut old_opts = ServerOptions::new(Layout::Legacy, users);
    old_opts.master_user = master;
    let (old, new) = std::thread::scope(|s| {
        let o = s.spawn(move || Dovecot::start(old_opts));
        let n = s.spawn(move || Dovecot::start(new_opts));
        (o.join(), n.join())
    });
    let mut old = old.map_err(|_| anyhow::anyhow!("old server thread panicked"))??;
    let mut new = new.map_err(|_| anyhow::anyhow!("new server thread panicked"))??;
    eprintln!(
        "ikou-testbed: wrote maildirs and started both servers in {:.1?}",
        t.elapsed()
    );

    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let server = |i: &ServerInfo| {
        format!(
            "host = \"{}\"\nusername = \"{{local}}\"\nimap = {{ port = {}, security = \"tls\" }}\nca_file = \"{}\"\n",
            i.host,
            i.imaps_port,
            i.ca_file.display()
        )
    };
    let admin = format!(
        "method = \"master-user\"\nuser = \"{BENCH_MASTER}\"\npassword_command = \"echo {BENCH_MASTER_PASSWORD}\"\n"
    );
    let profile = out.join("profile.toml");
    std::fs::write(
        &profile,
        format!(
            "[old]\n{}\n[old.admin]\n{admin}\n[new]\n{}\n[new.admin]\n{admin}",
            server(&old.info()),
            server(&new.info())
        ),
    )?;
    let csv = out.join("accounts.csv");
    let mut text = String::from("address\n");
    for i in 0..accounts {
        text.push_str(&format!("u{:04}@example-univ.test\n", i + 1));
    }
    std::fs::write(&csv, text)?;
    let s = BatchState {
        old: old.info(),
        new: new.info(),
        master_user: BENCH_MASTER,
        master_password: BENCH_MASTER_PASSWORD,
        accounts,
        messages,
        bytes,
        profile,
        accounts_csv: csv,
        pid: std::process::id(),
    };
    publish(&s, state)?;
    let result = wait_for_stop(ignore_stdin);
    old.stop();
    new.stop();
    if let Some(p) = state {
        let _ = std::fs::remove_file(p);
    }
    result
}

/// JSON written by `up` and `bench-corpus`.
#[derive(Serialize)]
struct UpState<'a> {
    #[serde(flatten)]
    server: ServerInfo,
    user: &'a str,
    password: &'a str,
    messages: usize,
    bytes: u64,
    /// Size of the largest message, in octets.
    largest: u64,
    pid: u32,
}

/// JSON written by `demo`.
#[derive(Serialize)]
struct DemoState<'a> {
    old: ServerInfo,
    new: ServerInfo,
    user: &'a str,
    password: &'a str,
    expected: &'a Expected,
    pid: u32,
}

fn publish<T: Serialize>(value: &T, state: Option<&Path>) -> Result<()> {
    let json = serde_json::to_string_pretty(value)?;
    if let Some(path) = state {
        // Write-then-rename so a script polling for the file never reads half of it.
        let tmp = path.with_extension("tmp~");
        std::fs::write(&tmp, format!("{json}\n"))
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{json}")?;
    out.flush()?;
    Ok(())
}

/// Writes an ikou profile for the running servers (atomically, like the state file).
fn write_profile(path: Option<&Path>, old: &ServerInfo, new: Option<&ServerInfo>) -> Result<()> {
    let Some(path) = path else { return Ok(()) };
    let text = ikou_testbed::profile::ikou_profile(old, new, DEMO_USER);
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

fn wait_for_stop(ignore_stdin: bool) -> Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let watch_stdin = !ignore_stdin && {
        let stdin = std::io::stdin();
        stdin.is_terminal()
            || std::fs::metadata("/proc/self/fd/0")
                .is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
    };
    if watch_stdin {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
            stop.store(true, Ordering::SeqCst);
        });
    }
    eprintln!(
        "ikou-testbed: running; stop with SIGTERM / Ctrl-C{}",
        if watch_stdin { " / EOF on stdin" } else { "" }
    );
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("ikou-testbed: stopping");
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Up {
            layout,
            state,
            profile,
            seed,
        } => {
            let layout = match layout {
                LayoutArg::Legacy => Layout::Legacy,
                LayoutArg::Exchange => Layout::ExchangeLike,
            };
            let corpus = Corpus::standard(seed);
            let (messages, bytes) = (corpus.total_messages(), corpus.total_bytes());
            let largest = corpus.largest_message();
            let mut d = Dovecot::start(ServerOptions::new(
                layout,
                vec![User::new(DEMO_USER, DEMO_PASSWORD, corpus)],
            ))?;
            let s = UpState {
                server: d.info(),
                user: DEMO_USER,
                password: DEMO_PASSWORD,
                messages,
                bytes,
                largest,
                pid: std::process::id(),
            };
            write_profile(profile.as_deref(), &s.server, None)?;
            publish(&s, state.as_deref())?;
            let r = wait_for_stop(cli.ignore_stdin);
            d.stop();
            if let Some(p) = &state {
                let _ = std::fs::remove_file(p);
            }
            r
        }
        Cmd::Demo {
            state,
            profile,
            seed,
        } => {
            let mut m = Migration::start(seed)?;
            let s = DemoState {
                old: m.old.info(),
                new: m.new.info(),
                user: &m.user,
                password: &m.password,
                expected: &m.expected,
                pid: std::process::id(),
            };
            write_profile(profile.as_deref(), &s.old, Some(&s.new))?;
            publish(&s, state.as_deref())?;
            let r = wait_for_stop(cli.ignore_stdin);
            m.old.stop();
            m.new.stop();
            if let Some(p) = &state {
                let _ = std::fs::remove_file(p);
            }
            r
        }
        Cmd::BenchBatch {
            accounts,
            min,
            max,
            state,
            out,
            seed,
        } => bench_batch(
            accounts,
            min,
            max,
            seed,
            &out,
            state.as_deref(),
            cli.ignore_stdin,
        ),
        Cmd::BenchCorpus {
            messages,
            bytes,
            one_folder,
            state,
            profile,
            seed,
        } => {
            let t = Instant::now();
            let mut corpus = Corpus::sized(seed, messages, bytes);
            if one_folder {
                corpus.merge_into_inbox();
            }
            let (n, b) = (corpus.total_messages(), corpus.total_bytes());
            let largest = corpus.largest_message();
            eprintln!(
                "ikou-testbed: generated {n} messages, {b} bytes in {:.1?}",
                t.elapsed()
            );
            let t = Instant::now();
            let mut d = Dovecot::start(ServerOptions::new(
                Layout::Legacy,
                vec![User::new(DEMO_USER, DEMO_PASSWORD, corpus)],
            ))?;
            eprintln!(
                "ikou-testbed: wrote maildir and started Dovecot in {:.1?}",
                t.elapsed()
            );
            let s = UpState {
                server: d.info(),
                user: DEMO_USER,
                password: DEMO_PASSWORD,
                messages: n,
                bytes: b,
                largest,
                pid: std::process::id(),
            };
            write_profile(profile.as_deref(), &s.server, None)?;
            publish(&s, state.as_deref())?;
            let r = wait_for_stop(cli.ignore_stdin);
            d.stop();
            if let Some(p) = &state {
                let _ = std::fs::remove_file(p);
            }
            r
        }
    }
}
