//! # Full-screen face (`ikou` with no subcommand, or `ikou tui`)
//!
//! An Elm-style loop: [`app::App`] holds the state and its `update` (`update.rs`) turns
//! messages (keys, resizes, background task reports) into new state plus
//! [`protocol::Effect`]s; `view` renders the state into a ratatui frame without side
//! effects; [`Driver`] performs the effects (tokio tasks for the network in `tasks.rs`,
//! quick file and environment reads in `files.rs`, a small file for remembered choices).
//! The terminal is restored on every way out: normal quit, error, Ctrl-C, SIGINT/SIGTERM
//! and panic.

pub mod app;
pub mod backup;
pub mod config;
pub mod doctor;
pub mod files;
pub mod folders;
pub mod input;
pub mod keys;
pub mod layout;
pub mod local;
pub mod protocol;
pub mod screen;
mod session;
pub mod settings;
pub mod setup;
pub mod tasks;
mod update;
pub mod verify;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEvent};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use app::{App, AppOptions};
use protocol::{Effect, Msg, TaskEvent};

/// The app plus what it needs to act on the world: performs effects, collects reports.
pub struct Driver {
    pub app: App,
    tx: UnboundedSender<TaskEvent>,
    rx: UnboundedReceiver<TaskEvent>,
    /// Where remembered choices are written (`None`: nowhere).
    remember_path: Option<PathBuf>,
    /// Cancels the running backup (between two messages).
    backup_cancel: Option<CancellationToken>,
    /// Cancels the running upload of local mail (between two messages).
    local_cancel: Option<CancellationToken>,
    /// The DNS server the doctor asks (`None`: the system's); tests point it at their own.
    pub doctor_dns: Option<std::net::SocketAddr>,
    /// Where the support report is saved (`None`: the current directory).
    pub report_dir: Option<PathBuf>,
}

impl Driver {
    pub fn new(app: App, remember_path: Option<PathBuf>) -> Driver {
        let (tx, rx) = unbounded_channel();
        Driver {
            app,
            tx,
            rx,
            remember_path,
            backup_cancel: None,
            local_cancel: None,
            doctor_dns: None,
            report_dir: None,
        }
    }

    /// Feeds one message to the app and performs what it asks for. Must run inside a tokio
    /// runtime (network effects become tasks).
    pub fn handle(&mut self, msg: Msg) {
        let effects = self.app.update(msg);
        for effect in effects {
            if let Some(answer) = files::perform(&effect) {
                // A quick read of files or the environment: its answer goes straight back.
                self.handle(Msg::Task(answer));
                continue;
            }
            match effect {
                Effect::DiscoverProfiles { .. }
                | Effect::LoadProfile(_)
                | Effect::PasswordEnv(_) => {}
                Effect::Gather(request) => tasks::spawn_gather(request, self.tx.clone()),
                Effect::Verify {
                    generation,
                    sign_in,
                    lang,
                } => tasks::spawn_verify(generation, sign_in, lang, self.tx.clone()),
                Effect::Headers {
                    generation,
                    sign_in,
                    target,
                } => tasks::spawn_headers(
                    generation,
                    sign_in,
                    target,
                    self.app.lang,
                    self.tx.clone(),
                ),
                Effect::Restore {
                    generation,
                    sign_in,
                    plan,
                    outcome,
                } => tasks::spawn_restore(
                    generation,
                    sign_in,
                    plan,
                    outcome,
                    self.app.lang,
                    self.tx.clone(),
                ),
                Effect::Backup {
                    generation,
                    sign_in,
                    folders,
                    output,
                } => {
                    let cancel = CancellationToken::new();
                    self.backup_cancel = Some(cancel.clone());
                    tasks::spawn_backup(
                        generation,
                        sign_in,
                        folders,
                        output,
                        cancel,
                        self.tx.clone(),
                    );
                }
                Effect::Doctor {
                    generation,
                    profile,
                    address,
                    today,
                } => tasks::spawn_doctor(
                    generation,
                    profile,
                    address,
                    today,
                    self.doctor_dns,
                    self.tx.clone(),
                ),
                Effect::FindProfile {
                    generation,
                    address,
                } => tasks::spawn_find(generation, address, self.tx.clone()),
                Effect::SupportReport {
                    generation,
                    sign_in,
                    lang,
                    today,
                } => tasks::spawn_support(
                    generation,
                    sign_in,
                    lang,
                    today,
                    self.doctor_dns,
                    self.report_dir.clone(),
                    self.tx.clone(),
                ),
                Effect::SaveSupport { report, path } => {
                    // The same writer as `ikou report -o` (a small file, private to the user).
                    let result = crate::service::support::write(&report, &path)
                        .map(|()| path.clone())
                        .map_err(|e| format!("{}: {e}", path.display()));
                    self.handle(Msg::Task(TaskEvent::SupportSaved(result)));
                }
                Effect::Copy(text) => copy_to_clipboard(&text),
                Effect::Export(files) => {
                    let lang = self.app.lang;
                    let mut written = Vec::new();
                    let mut failed = None;
                    for (path, text) in files {
                        match crate::private_file::write(&path, text) {
                            Ok(()) => written.push(path.display().to_string()),
                            Err(e) => failed = Some(format!("{}: {e}", path.display())),
                        }
                    }
                    let line = match failed {
                        Some(e) => format!("{} {e}", tr!(lang, "tui-cannot-write")),
                        None => format!("{} {}", tr!(lang, "tui-written"), written.join(", ")),
                    };
                    // Through `update`, like every other report.
                    self.handle(Msg::Task(TaskEvent::Notice(line)));
                }
                Effect::Local {
                    generation,
                    request,
                    sign_in,
                } => {
                    let cancel = CancellationToken::new();
                    self.local_cancel = Some(cancel.clone());
                    tasks::spawn_local(
                        generation,
                        request,
                        sign_in,
                        self.app.lang,
                        cancel,
                        self.tx.clone(),
                    );
                }
                Effect::CancelLocal => {
                    if let Some(cancel) = &self.local_cancel {
                        cancel.cancel();
                    }
                }
                Effect::CancelBackup => {
                    if let Some(cancel) = &self.backup_cancel {
                        cancel.cancel();
                    }
                }
                Effect::Remember(remembered) => {
                    if let Some(path) = &self.remember_path
                        && let Err(e) = files::on_disk(remembered).save(path)
                    {
                        self.app.notice = Some(format!(
                            "{}: {e}",
                            tr!(self.app.lang, "tui-cannot-save-settings")
                        ));
                    }
                }
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent) {
        self.handle(Msg::Key(key));
    }

    /// Applies the reports that are already waiting, without blocking (the event loop calls
    /// this before drawing, so a burst of progress events costs one frame).
    pub fn drain(&mut self) {
        while let Ok(event) = self.rx.try_recv() {
            self.handle(Msg::Task(event));
        }
    }

    /// Waits for one background report (at most `limit`) and applies it; false on timeout.
    pub async fn step(&mut self, limit: Duration) -> bool {
        match tokio::time::timeout(limit, self.rx.recv()).await {
            Ok(Some(event)) => {
                self.handle(Msg::Task(event));
                true
            }
            _ => false,
        }
    }

    /// Applies background reports until nothing is busy, or until `limit` passes.
    pub async fn settle(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while self.app.busy() {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(event)) => self.handle(Msg::Task(event)),
                _ => return false,
            }
        }
        true
    }
}

/// Puts text on the terminal's clipboard with OSC 52 (xterm, iTerm2, Windows Terminal, tmux
/// with `set-clipboard on`; also over SSH). Terminals without it ignore the sequence.
fn copy_to_clipboard(text: &str) {
    use base64::Engine as _;
    use std::io::Write as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = std::io::stdout();
    let _ = write!(out, "\u{1b}]52;c;{encoded}\u{7}");
    let _ = out.flush();
}

/// Restores the terminal when dropped, whatever the way out of `run`.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        // Harmless when mouse reporting was never switched on.
        let _ = ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::DisableMouseCapture
        );
        ratatui::restore();
    }
}

/// Opens the full-screen application and runs it until the person quits.
/// `mouse`: report the wheel and clicks (it takes text selection away from the terminal,
/// so it is off unless asked for).
pub async fn run(
    mut options: AppOptions,
    remember_path: Option<PathBuf>,
    mouse: bool,
) -> anyhow::Result<()> {
    // try_init also installs a panic hook that restores the terminal before the message.
    let mut terminal = ratatui::try_init()?;
    let _restore = Restore;
    if mouse {
        ratatui::crossterm::execute!(
            std::io::stdout(),
            ratatui::crossterm::event::EnableMouseCapture
        )?;
    }
    if let Ok(size) = ratatui::crossterm::terminal::size() {
        options.size = size;
    }
    let mut driver = Driver::new(App::new(options), remember_path);

    // Terminal input is read on its own thread (crossterm's read blocks) and sent over.
    let (input_tx, mut input_rx) = unbounded_channel::<Msg>();
    let stop = Arc::new(AtomicBool::new(false));
    let reader_stop = stop.clone();
    let reader = std::thread::spawn(move || {
        while !reader_stop.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => break,
            }
            let msg = match event::read() {
                Ok(Event::Key(key)) => Msg::Key(key),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(_) => continue,
                Err(_) => break,
            };
            if input_tx.send(msg).is_err() {
                break;
            }
        }
    });

    let result = async {
        loop {
            terminal.draw(|frame| view::render(&driver.app, frame))?;
            if driver.app.quit {
                break;
            }
            let next = tokio::select! {
                msg = input_rx.recv() => msg.ok_or_else(|| anyhow::anyhow!("the terminal input closed"))?,
                Some(event) = driver.rx.recv() => Msg::Task(event),
                _ = tokio::signal::ctrl_c() => break,
                _ = terminate() => break,
            };
            driver.handle(next);
            driver.drain();
        }
        Ok::<(), anyhow::Error>(())
    }
    .await;
    stop.store(true, Ordering::Relaxed);
    let _ = reader.join();
    result
}

/// SIGTERM (e.g. the session closing): quit cleanly so the terminal is restored.
async fn terminate() {
    #[cfg(unix)]
    {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
            return;
        }
    }
    std::future::pending::<()>().await
}
