//! # The "mail on this PC" screen's state and its part of `update`
//!
//! POP users keep filed folders and Sent mail only in Thunderbird on their PC. The screen
//! lists those folders (`ikou local`'s inventory: Local Folders and POP accounts, counts,
//! sizes, deleted-but-not-compacted messages), then compares them with the new server and
//! shows the upload plan (`ikou local upload`'s), and after `y` uploads with a gauge. A
//! cancel stops between two messages; the next run finds what went and adds nothing twice.
//! Nothing here reads files or the network: the work comes back as [`LocalRequest`]s.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::Input;
use super::keys::{Global, Keymap, key};
use crate::service::local::{
    LocalBackupReport, LocalBackupStep, LocalInventory, UploadEvent, UploadOutcome, UploadReport,
};

/// The local folders as last read.
#[derive(Debug, Clone, Default)]
pub enum Scan {
    #[default]
    NotRead,
    Reading,
    Read(Arc<LocalInventory>),
    Failed(String),
}

/// The upload gauge, from the task's events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadProgress {
    pub messages: u64,
    pub bytes: u64,
    pub done_messages: u64,
    pub done_bytes: u64,
    pub appended: u64,
    pub failed: u64,
    /// The new folder being written.
    pub folder: Option<String>,
    /// Cancel asked for; the task stops after the message it is sending.
    pub cancelling: bool,
}

/// The comparison with the new server and the upload.
#[derive(Debug, Clone, Default)]
pub enum Upload {
    /// Not compared: the folder list is shown.
    #[default]
    None,
    /// Signing in to the new server and comparing.
    Planning,
    /// The plan, waiting for `y`.
    Plan(Arc<UploadReport>),
    Applying {
        plan: Arc<UploadReport>,
        progress: UploadProgress,
    },
    /// Finished or cancelled (the report says which).
    Done(Arc<UploadReport>),
    Failed(String),
}

/// The backup of the local folders into a zip (`ikou local backup`'s).
#[derive(Debug, Clone, Default)]
pub enum LocalBackup {
    #[default]
    Idle,
    Running(BackupProgress),
    /// Finished or stopped (the report says which).
    Done(Arc<LocalBackupReport>),
    Failed(String),
}

/// How far a running local backup is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupProgress {
    /// What the folder list counted (the gauge's whole).
    pub messages: u64,
    pub bytes: u64,
    /// Messages read so far, and how many of them were new to the backup.
    pub done_messages: u64,
    pub done_bytes: u64,
    pub added: u64,
    /// The folder being read (`account/folder`).
    pub folder: Option<String>,
    /// Stop was asked; the backup commits what it read and ends.
    pub cancelling: bool,
}

impl BackupProgress {
    fn step(&mut self, step: LocalBackupStep) {
        match step {
            LocalBackupStep::Folder(name) => self.folder = Some(name),
            LocalBackupStep::Message { bytes, added } => {
                self.done_messages += 1;
                self.done_bytes += bytes;
                self.added += u64::from(added);
            }
            LocalBackupStep::Reread { messages, bytes } => {
                self.done_messages = self.done_messages.saturating_sub(messages);
                self.done_bytes = self.done_bytes.saturating_sub(bytes);
            }
        }
    }

    /// Share of the bytes read, 0.0 to 1.0 (by messages when the sizes are unknown).
    pub fn ratio(&self) -> f64 {
        let (done, all) = if self.bytes > 0 {
            (self.done_bytes, self.bytes)
        } else {
            (self.done_messages, self.messages)
        };
        if all == 0 {
            return 0.0;
        }
        (done as f64 / all as f64).clamp(0.0, 1.0)
    }
}

/// Which line is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Field {
    /// The Thunderbird profile.
    #[default]
    Profile,
    /// The backup's destination.
    Backup,
}

/// Work the screen asks for (the app adds the sign-in and runs it as a task).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalRequest {
    /// List the local folders: the profile typed (`~` expanded), else the usual places.
    Read { thunderbird: Option<PathBuf> },
    /// Compare with the new server (`apply`: and upload what exists only on this PC).
    Upload { thunderbird: PathBuf, apply: bool },
    /// Back the folders up into `output` (created or extended, like `ikou local backup`).
    Backup {
        thunderbird: PathBuf,
        output: PathBuf,
    },
}

/// What the screen asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalAction {
    Run(LocalRequest),
    Cancel,
}

/// What the local task reports.
#[derive(Debug, Clone)]
pub enum LocalEvent {
    Read(Result<Box<LocalInventory>, String>),
    Progress(UploadEvent),
    /// The plan (`apply` false) or the upload's result.
    Uploaded(Result<Box<UploadReport>, String>),
    BackupStep(LocalBackupStep),
    BackedUp(Result<Box<LocalBackupReport>, String>),
}

#[derive(Debug, Clone, Default)]
pub struct LocalState {
    /// The Thunderbird profile as typed; empty: the usual places.
    pub path: Input,
    /// Where `b` writes the backup.
    pub backup_path: Input,
    pub editing: bool,
    /// The line `editing` types into.
    pub field: Field,
    pub backup: LocalBackup,
    pub scan: Scan,
    pub upload: Upload,
    /// First row shown of the list or the plan.
    pub scroll: usize,
    pub generation: u64,
    /// Quit once the running upload has stopped (q while uploading cancels first).
    pub quit_when_stopped: bool,
}

/// Which keys are live on the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKeys {
    List {
        editing: bool,
        field: Field,
        read: bool,
    },
    Busy,
    Plan {
        any: bool,
    },
    Applying,
    /// The backup into a zip runs (it can be stopped).
    BackingUp,
    Done,
}

impl LocalState {
    /// True while a task runs (reading, comparing or uploading).
    pub fn running(&self) -> bool {
        matches!(self.scan, Scan::Reading)
            || matches!(self.upload, Upload::Planning | Upload::Applying { .. })
            || matches!(self.backup, LocalBackup::Running(_))
    }

    /// True while something runs that `q` or Ctrl-C stops first (an upload, a backup).
    pub fn stoppable(&self) -> bool {
        matches!(self.upload, Upload::Applying { .. })
            || matches!(self.backup, LocalBackup::Running(_))
    }

    /// The help bar for what the screen shows.
    pub fn keymap(&self) -> Keymap {
        keymap(self.keys())
    }

    pub fn keys(&self) -> LocalKeys {
        match &self.upload {
            Upload::None if matches!(self.backup, LocalBackup::Running(_)) => LocalKeys::BackingUp,
            Upload::None if matches!(self.scan, Scan::Reading) => LocalKeys::Busy,
            Upload::None => LocalKeys::List {
                editing: self.editing,
                field: self.field,
                read: matches!(self.scan, Scan::Read(_)),
            },
            Upload::Planning => LocalKeys::Busy,
            Upload::Plan(plan) => LocalKeys::Plan {
                any: !plan.plan.is_empty(),
            },
            Upload::Applying { .. } => LocalKeys::Applying,
            Upload::Done(_) | Upload::Failed(_) => LocalKeys::Done,
        }
    }

    /// The first visit reads the folders from the usual places; `backup` is the default
    /// destination of the backup.
    pub fn on_enter(&mut self, backup: &str) -> Option<LocalAction> {
        if self.backup_path.is_empty() {
            self.backup_path.set(backup);
        }
        matches!(self.scan, Scan::NotRead).then(|| self.read())
    }

    fn start_backup(&mut self) -> Option<LocalAction> {
        let thunderbird = self.profile()?;
        let typed = self.backup_path.value().trim();
        if typed.is_empty() {
            return None;
        }
        let output = super::input::typed_path(typed);
        self.generation += 1;
        let (messages, bytes) = match &self.scan {
            Scan::Read(inventory) => (inventory.messages, inventory.bytes),
            _ => (0, 0),
        };
        self.backup = LocalBackup::Running(BackupProgress {
            messages,
            bytes,
            ..BackupProgress::default()
        });
        Some(LocalAction::Run(LocalRequest::Backup {
            thunderbird,
            output,
        }))
    }

    fn read(&mut self) -> LocalAction {
        self.generation += 1;
        self.scan = Scan::Reading;
        self.upload = Upload::None;
        self.backup = LocalBackup::Idle;
        self.scroll = 0;
        let typed = self.path.value().trim();
        let thunderbird = (!typed.is_empty()).then(|| super::input::typed_path(typed));
        LocalAction::Run(LocalRequest::Read { thunderbird })
    }

    /// The profile the list was read from (what the comparison reads again).
    fn profile(&self) -> Option<PathBuf> {
        match &self.scan {
            Scan::Read(inventory) => Some(inventory.profile.clone()),
            _ => None,
        }
    }

    fn compare(&mut self, apply: bool) -> Option<LocalAction> {
        let thunderbird = self.profile()?;
        self.generation += 1;
        self.scroll = 0;
        self.upload = if apply {
            let Upload::Plan(plan) = &self.upload else {
                return None;
            };
            Upload::Applying {
                plan: plan.clone(),
                progress: UploadProgress {
                    messages: plan.plan.len() as u64,
                    bytes: plan.plan_bytes,
                    ..UploadProgress::default()
                },
            }
        } else {
            Upload::Planning
        };
        Some(LocalAction::Run(LocalRequest::Upload {
            thunderbird,
            apply,
        }))
    }

    /// Asks the running upload or backup to stop between two messages.
    pub fn cancel(&mut self) -> Option<LocalAction> {
        match (&mut self.upload, &mut self.backup) {
            (Upload::Applying { progress, .. }, _) if !progress.cancelling => {
                progress.cancelling = true;
                Some(LocalAction::Cancel)
            }
            (_, LocalBackup::Running(progress)) if !progress.cancelling => {
                progress.cancelling = true;
                Some(LocalAction::Cancel)
            }
            _ => None,
        }
    }

    /// A report of the task started with `generation`; older ones are ignored.
    pub fn on_event(&mut self, generation: u64, event: LocalEvent) {
        if generation != self.generation {
            return;
        }
        match event {
            LocalEvent::Read(result) => {
                self.scan = match result {
                    Ok(inventory) => Scan::Read(Arc::from(inventory)),
                    Err(reason) => Scan::Failed(reason),
                };
                self.scroll = 0;
            }
            LocalEvent::Progress(event) => {
                let Upload::Applying { progress, .. } = &mut self.upload else {
                    return;
                };
                match event {
                    UploadEvent::Started { messages, bytes } => {
                        progress.messages = messages;
                        progress.bytes = bytes;
                    }
                    UploadEvent::Item {
                        new_folder,
                        bytes,
                        outcome,
                    } => {
                        progress.done_messages += 1;
                        progress.done_bytes += bytes;
                        match outcome {
                            UploadOutcome::Appended => progress.appended += 1,
                            UploadOutcome::AlreadyPresent => {}
                            UploadOutcome::Failed | UploadOutcome::Gone => progress.failed += 1,
                        }
                        progress.folder = Some(new_folder);
                    }
                }
            }
            LocalEvent::BackupStep(step) => {
                if let LocalBackup::Running(progress) = &mut self.backup {
                    progress.step(step);
                }
            }
            LocalEvent::BackedUp(result) => {
                self.backup = match result {
                    Ok(report) => LocalBackup::Done(Arc::from(report)),
                    Err(reason) => LocalBackup::Failed(reason),
                };
            }
            LocalEvent::Uploaded(result) => {
                let applying = matches!(self.upload, Upload::Applying { .. });
                self.scroll = 0;
                self.upload = match result {
                    Ok(report) if applying => Upload::Done(Arc::from(report)),
                    Ok(report) => Upload::Plan(Arc::from(report)),
                    Err(reason) => Upload::Failed(reason),
                };
            }
        }
    }

    /// Handles a key; `None` when it is not the screen's (the global keys then apply).
    /// `page`: rows that fit; `max_scroll`: the last first row of what is shown.
    pub fn key(
        &mut self,
        key: KeyEvent,
        page: usize,
        max_scroll: usize,
    ) -> Option<Option<LocalAction>> {
        if self.editing {
            match (key.code, self.field) {
                (KeyCode::Enter, Field::Profile) => {
                    self.editing = false;
                    return Some(Some(self.read()));
                }
                (KeyCode::Enter | KeyCode::Esc | KeyCode::Tab, _) => self.editing = false,
                (_, Field::Profile) => self.path.edit(key),
                (_, Field::Backup) => self.backup_path.edit(key),
            }
            return Some(None);
        }
        let scroll = |state: &mut LocalState, code: KeyCode| -> bool {
            state.scroll = match code {
                KeyCode::Up | KeyCode::Char('k') => state.scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => state.scroll + 1,
                KeyCode::PageUp => state.scroll.saturating_sub(page),
                KeyCode::PageDown => state.scroll + page,
                KeyCode::Home => 0,
                KeyCode::End => usize::MAX,
                _ => return false,
            }
            .min(max_scroll);
            true
        };
        match self.keys() {
            LocalKeys::Busy => None,
            LocalKeys::Applying | LocalKeys::BackingUp => match key.code {
                KeyCode::Char('c') | KeyCode::Esc => Some(self.cancel()),
                _ => None,
            },
            LocalKeys::List { .. } => match key.code {
                KeyCode::Char('e') => {
                    self.editing = true;
                    self.field = Field::Profile;
                    self.path.end();
                    Some(None)
                }
                KeyCode::Char('o') => {
                    self.editing = true;
                    self.field = Field::Backup;
                    self.backup_path.end();
                    Some(None)
                }
                KeyCode::Char('p') => Some(self.compare(false)),
                KeyCode::Char('b') => Some(self.start_backup()),
                code if scroll(self, code) => Some(None),
                _ => None,
            },
            LocalKeys::Plan { any } => match key.code {
                KeyCode::Char('y') if any => Some(self.compare(true)),
                KeyCode::Esc | KeyCode::Backspace => {
                    self.upload = Upload::None;
                    self.scroll = 0;
                    Some(None)
                }
                code if scroll(self, code) => Some(None),
                _ => None,
            },
            LocalKeys::Done => match key.code {
                KeyCode::Char('p') => Some(self.compare(false)),
                KeyCode::Esc | KeyCode::Backspace => {
                    self.upload = Upload::None;
                    self.scroll = 0;
                    Some(None)
                }
                code if scroll(self, code) => Some(None),
                _ => None,
            },
        }
    }
}

/// The help bar for what the screen shows.
pub fn keymap(keys: LocalKeys) -> Keymap {
    let scroll = key("Up/Dn/PgUp/PgDn", "tui-key-scroll");
    match keys {
        LocalKeys::List {
            editing: true,
            field: Field::Profile,
            ..
        } => Keymap::new(
            vec![
                key("Enter", "local-tui-key-read"),
                key("Esc", "tui-key-cancel"),
            ],
            Global::None,
        ),
        LocalKeys::List { editing: true, .. } => {
            Keymap::new(vec![key("Enter", "tui-key-done")], Global::None)
        }
        LocalKeys::List { read, .. } => {
            let mut k = vec![scroll, key("e", "local-tui-key-profile")];
            if read {
                k.push(key("p", "local-tui-key-compare"));
                k.push(key("b", "local-tui-key-backup"));
                k.push(key("o", "tui-key-destination"));
            }
            Keymap::new(k, Global::All)
        }
        LocalKeys::Busy => Keymap::new(Vec::new(), Global::All),
        LocalKeys::Plan { any } => {
            let mut k = Vec::new();
            if any {
                k.push(key("y", "local-tui-key-upload"));
            }
            k.extend([scroll, key("Esc", "tui-key-back")]);
            Keymap::new(k, Global::Short)
        }
        LocalKeys::Applying | LocalKeys::BackingUp => {
            Keymap::new(vec![key("c/Esc", "tui-key-cancel")], Global::None)
        }
        LocalKeys::Done => Keymap::new(
            vec![
                key("p", "local-tui-key-compare-again"),
                scroll,
                key("Esc", "tui-key-back"),
            ],
            Global::Short,
        ),
    }
}
