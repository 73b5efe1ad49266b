//! # The runtime protocol: messages in, effects out, task reports
//!
//! [`Msg`] is everything `App::update` feeds on (keys, mouse, resizes, [`TaskEvent`]s from
//! background work and the answers to file and environment effects); [`Effect`] is the only
//! way it reaches the world.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::config::{ProfileChoice, Remembered};
use super::local::{LocalEvent, LocalRequest};
use super::verify::{HeaderTarget, VerifyEvent};
use crate::i18n::Lang;
use crate::profile::{Profile, Side};
use crate::secret::Secret;
use crate::service::backup::{BackupEvent, BackupResult};
use crate::service::inventory::Inventory;
use crate::service::verify::restore::PlanItem;

/// What the background work for one server is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Connecting,
    Gathering,
}

/// One server's state on the overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerStatus {
    NotSignedIn,
    Working(Stage),
    Ready(Box<Inventory>),
    /// The one-line reason, in the words of the error.
    Failed(String),
}

/// What background tasks report back.
#[derive(Debug, Clone)]
pub enum TaskEvent {
    Verify {
        generation: u64,
        event: VerifyEvent,
    },
    Backup {
        generation: u64,
        event: BackupEvent,
        /// Milliseconds since the backup started, measured by the task.
        elapsed_ms: u64,
    },
    BackupEnded {
        generation: u64,
        result: Result<Box<BackupResult>, String>,
        cancelled: bool,
    },
    Doctor {
        generation: u64,
        result: Result<Box<crate::doctor::DoctorReport>, String>,
    },
    /// The local screen's task (list, plan, upload progress and result).
    Local {
        generation: u64,
        event: LocalEvent,
    },
    /// The support report is made (with the file it will be saved to), or why not.
    Support {
        generation: u64,
        result: SupportResult,
    },
    /// The support report was written (the path), or why not.
    SupportSaved(Result<PathBuf, String>),
    /// A copy or export finished: the line for the status bar.
    Notice(String),
    /// The profile files found (the answer to [`Effect::DiscoverProfiles`]).
    ProfilesDiscovered(Vec<ProfileChoice>),
    /// A typed profile path, read (the answer to [`Effect::LoadProfile`]).
    ProfileLoaded(Box<ProfileChoice>),
    /// For old and new, the password variable that is set and not empty (the answer to
    /// [`Effect::PasswordEnv`]).
    PasswordEnv([Option<String>; 2]),
    /// The profile search's answer.
    ProfileFound {
        generation: u64,
        result: Result<Box<crate::service::find_profile::FindReport>, String>,
    },
    Stage {
        side: Side,
        generation: u64,
        stage: Stage,
    },
    Inventory {
        side: Side,
        generation: u64,
        result: Result<Box<Inventory>, String>,
    },
    /// A device code sign-in is waiting for the person (sent again every second with the
    /// time left, for the countdown).
    DeviceCode(DeviceCode),
}

/// The device code sign-in to Microsoft 365 the screen shows while a server task waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    pub side: Side,
    pub generation: u64,
    pub user_code: String,
    pub verification_uri: String,
    pub remaining_secs: u64,
}

/// Everything the app feeds on.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    /// Only with `--mouse`: the wheel moves like Up/Down, a click on a tab opens it.
    Mouse(MouseEvent),
    Resize(u16, u16),
    Task(TaskEvent),
}

/// Sign in to one server and gather its inventory (a background task).
#[derive(Debug, Clone)]
pub struct GatherRequest {
    pub side: Side,
    pub generation: u64,
    pub profile: Arc<Profile>,
    pub address: String,
    /// Typed in the TUI; `None` falls back to the profile's env variable or command.
    pub secret: Option<Secret>,
    pub largest: usize,
    /// For sign-in errors and the device code.
    pub lang: Lang,
}

/// Who signs in where: the profile, the address and the passwords typed on screen.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub profile: Arc<Profile>,
    pub address: String,
    /// Old and new; `None` falls back to the profile's env variable or command.
    pub secrets: [Option<Secret>; 2],
}

/// A made support report and the file it is to be saved to.
pub type SupportResult = Result<(Arc<crate::service::support::SupportReport>, PathBuf), String>;

/// Work for the runtime: the only way `update` reaches the world.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Read the profile files: the `extra` paths, then every `*.toml` in `dirs`.
    DiscoverProfiles {
        extra: Vec<PathBuf>,
        dirs: Vec<PathBuf>,
    },
    /// Read one profile file (a path typed on the form).
    LoadProfile(PathBuf),
    /// Which of these password variables (old, new) are set.
    PasswordEnv([String; 2]),
    Gather(GatherRequest),
    /// Save the choices for next time; the profile path is kept only when it names a file,
    /// and then in its canonical form.
    Remember(Remembered),
    /// Compare both mailboxes (read-only on both servers).
    Verify {
        generation: u64,
        sign_in: SignIn,
        lang: Lang,
    },
    /// One message's header block, read-only.
    Headers {
        generation: u64,
        sign_in: SignIn,
        target: HeaderTarget,
    },
    /// Append the planned messages to the new server.
    Restore {
        generation: u64,
        sign_in: SignIn,
        plan: Vec<PlanItem>,
        outcome: Arc<super::verify::VerifyOutcome>,
    },
    Backup {
        generation: u64,
        sign_in: SignIn,
        folders: Vec<String>,
        output: PathBuf,
    },
    CancelBackup,
    /// Read the local folders or compare/upload them (the sign-in is for the new server).
    Local {
        generation: u64,
        request: LocalRequest,
        sign_in: Option<SignIn>,
    },
    CancelLocal,
    /// Diagnose the organisation's domain (DNS and what the probes can see).
    Doctor {
        generation: u64,
        profile: Option<Arc<Profile>>,
        address: String,
        today: NaiveDate,
    },
    /// Make the support report (`ikou report`'s: quota, verification, doctor).
    SupportReport {
        generation: u64,
        sign_in: SignIn,
        lang: Lang,
        today: NaiveDate,
    },
    /// Write the support report shown, as `ikou report -o` writes it.
    SaveSupport {
        report: Arc<crate::service::support::SupportReport>,
        path: PathBuf,
    },
    /// Text for the terminal's clipboard (OSC 52).
    Copy(String),
    /// Files to write (the settings export).
    Export(Vec<(PathBuf, String)>),
    /// Find the organisation's profile from the address (built in, web, saved, files).
    FindProfile {
        generation: u64,
        address: String,
    },
}
