//! # The Backup screen's state and its part of `update`
//!
//! The person ticks folders (all by default, from the old server's inventory) and edits the
//! destination, then starts the backup task. Its progress events fill per-folder and overall
//! gauges; the task also reports the elapsed time with each event, so rate and ETA are
//! computed here without reading a clock. Cancelling stops between messages: the previous
//! archive stays as it was and the next start resumes from what was fetched.

use super::keys::{Global, Keymap, key, moved_cursor, moves_cursor};
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use crate::service::backup::{BackupEvent, BackupResult};
use crate::service::inventory::Inventory;

/// One folder on the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderChoice {
    pub name: String,
    pub messages: u64,
    pub size: u64,
    pub chosen: bool,
}

/// One folder's gauge while running.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FolderGauge {
    pub name: String,
    pub messages: u64,
    pub bytes: u64,
    pub done_messages: u64,
    pub done_bytes: u64,
    pub finished: bool,
}

/// The running backup as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackupProgress {
    pub preparing: bool,
    /// Messages and bytes to fetch (from `Planned`).
    pub planned: Option<(u64, u64)>,
    pub folders: Vec<FolderGauge>,
    pub done_messages: u64,
    pub done_bytes: u64,
    pub committing: bool,
    /// A reconnect or throttle note.
    pub note: Option<String>,
    /// Time since start, as the task measured it with the last event.
    pub elapsed_ms: u64,
}

impl BackupProgress {
    /// Bytes per second so far.
    pub fn rate(&self) -> Option<f64> {
        (self.elapsed_ms >= 500 && self.done_bytes > 0)
            .then(|| self.done_bytes as f64 * 1000.0 / self.elapsed_ms as f64)
    }

    /// Seconds left at the rate so far.
    pub fn eta_seconds(&self) -> Option<u64> {
        let (_, bytes) = self.planned?;
        let rate = self.rate()?;
        Some((bytes.saturating_sub(self.done_bytes) as f64 / rate).ceil() as u64)
    }
}

#[derive(Debug, Clone)]
pub enum BackupRun {
    Idle,
    Running(BackupProgress),
    /// Cancel asked for; waiting for the task to stop between messages.
    Cancelling(BackupProgress),
    Cancelled(BackupProgress),
    Done(Box<BackupResult>),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct BackupState {
    pub folders: Vec<FolderChoice>,
    pub selected: usize,
    pub offset: usize,
    pub path: Input,
    pub editing: bool,
    pub run: BackupRun,
    pub generation: u64,
    /// Quit once the running backup has stopped (q while running cancels first).
    pub quit_when_stopped: bool,
}

impl Default for BackupState {
    fn default() -> Self {
        BackupState {
            folders: Vec::new(),
            selected: 0,
            offset: 0,
            path: Input::default(),
            editing: false,
            run: BackupRun::Idle,
            generation: 0,
            quit_when_stopped: false,
        }
    }
}

/// What the Backup screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupAction {
    Start,
    Cancel,
}

impl BackupState {
    /// The help bar: the destination being typed, the run, or the checklist.
    pub fn keymap(&self) -> Keymap {
        if self.editing {
            return Keymap::new(vec![key("Enter", "tui-key-done")], Global::None);
        }
        if self.running() {
            return Keymap::new(vec![key("c", "tui-key-cancel")], Global::All);
        }
        Keymap::new(
            vec![
                key("Up/Dn", "tui-key-move"),
                key("Space", "tui-key-tick"),
                key("*", "tui-key-all"),
                key("e", "tui-key-destination"),
                key("s", "tui-key-start-resume"),
            ],
            Global::All,
        )
    }

    pub fn running(&self) -> bool {
        matches!(self.run, BackupRun::Running(_) | BackupRun::Cancelling(_))
    }

    /// The checklist from the old server's folders (all chosen), unless a run is going on.
    pub fn set_folders(&mut self, inventory: &Inventory) {
        if self.running() {
            return;
        }
        let before = std::mem::take(&mut self.folders);
        self.folders = inventory
            .folders
            .iter()
            .filter(|f| f.selectable)
            .map(|f| FolderChoice {
                name: f.name.clone(),
                messages: u64::from(f.messages),
                size: f.size,
                // A reload keeps what the person unticked.
                chosen: before
                    .iter()
                    .find(|b| b.name == f.name)
                    .is_none_or(|b| b.chosen),
            })
            .collect();
        self.selected = self.selected.min(self.folders.len().saturating_sub(1));
    }

    /// The chosen folder names; empty when all are chosen (the service then takes every
    /// folder, including ones created since the list was read).
    pub fn chosen(&self) -> Vec<String> {
        if self.folders.iter().all(|f| f.chosen) {
            return Vec::new();
        }
        self.folders
            .iter()
            .filter(|f| f.chosen)
            .map(|f| f.name.clone())
            .collect()
    }

    pub fn start(&mut self) -> u64 {
        self.generation += 1;
        self.run = BackupRun::Running(BackupProgress {
            preparing: true,
            ..BackupProgress::default()
        });
        self.generation
    }

    pub fn on_event(&mut self, event: BackupEvent, elapsed_ms: u64) {
        let (BackupRun::Running(p) | BackupRun::Cancelling(p)) = &mut self.run else {
            return;
        };
        p.elapsed_ms = elapsed_ms;
        match event {
            BackupEvent::Preparing { .. } => p.preparing = true,
            BackupEvent::Planned {
                messages, bytes, ..
            } => {
                p.preparing = false;
                p.planned = Some((messages, bytes));
            }
            BackupEvent::FolderStarted {
                folder,
                messages,
                bytes,
            } => {
                p.note = None;
                p.folders.push(FolderGauge {
                    name: folder,
                    messages,
                    bytes,
                    ..FolderGauge::default()
                });
            }
            BackupEvent::MessageWritten { folder, bytes } => {
                p.done_messages += 1;
                p.done_bytes += bytes;
                p.note = None;
                if let Some(g) = p.folders.iter_mut().rev().find(|g| g.name == folder) {
                    g.done_messages += 1;
                    g.done_bytes += bytes;
                }
            }
            BackupEvent::FolderDone { folder, .. } => {
                if let Some(g) = p.folders.iter_mut().rev().find(|g| g.name == folder) {
                    g.finished = true;
                }
            }
            BackupEvent::Reconnecting {
                attempt,
                max,
                reason,
                ..
            } => p.note = Some(format!("reconnecting ({attempt}/{max}): {reason}")),
            BackupEvent::Throttled { detail, .. } => p.note = Some(format!("throttled: {detail}")),
            BackupEvent::Committing => p.committing = true,
            BackupEvent::Finished { .. } => {}
        }
    }

    /// The task ended: the result, a cancel, or an error.
    pub fn finished(&mut self, result: Result<Box<BackupResult>, String>, cancelled: bool) {
        let progress = match &self.run {
            BackupRun::Running(p) | BackupRun::Cancelling(p) => p.clone(),
            _ => BackupProgress::default(),
        };
        self.run = match result {
            Ok(done) => BackupRun::Done(done),
            Err(_) if cancelled => BackupRun::Cancelled(progress),
            Err(reason) => BackupRun::Failed(reason),
        };
    }

    /// Handles a key; `None` when it is not the screen's.
    pub fn key(&mut self, key: KeyEvent, page: usize) -> Option<Option<BackupAction>> {
        if self.editing {
            match key.code {
                KeyCode::Enter | KeyCode::Esc | KeyCode::Tab => self.editing = false,
                _ => self.path.edit(key),
            }
            return Some(None);
        }
        if self.running() {
            return match key.code {
                KeyCode::Char('c') | KeyCode::Esc => {
                    if let BackupRun::Running(p) = &self.run {
                        self.run = BackupRun::Cancelling(p.clone());
                        return Some(Some(BackupAction::Cancel));
                    }
                    Some(None)
                }
                _ => None,
            };
        }
        match key.code {
            code if moves_cursor(code) => self.selected = moved_cursor(self.selected, code, page),
            KeyCode::Char(' ') => {
                if let Some(f) = self.folders.get_mut(self.selected) {
                    f.chosen = !f.chosen;
                }
            }
            KeyCode::Char('*') => {
                let all = self.folders.iter().all(|f| f.chosen);
                for f in &mut self.folders {
                    f.chosen = !all;
                }
            }
            KeyCode::Char('e') => {
                self.editing = true;
                self.path.end();
            }
            KeyCode::Char('s') | KeyCode::Enter => {
                if !self.folders.iter().any(|f| f.chosen) || self.path.value().trim().is_empty() {
                    return Some(None);
                }
                return Some(Some(BackupAction::Start));
            }
            _ => return None,
        }
        self.clamp(page);
        Some(None)
    }

    /// Keeps the checklist's cursor inside the list and on screen.
    pub fn clamp(&mut self, page: usize) {
        let len = self.folders.len();
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}
