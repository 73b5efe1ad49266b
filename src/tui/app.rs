//! # The application's model: every screen's state, how it starts, what it shows
//!
//! [`App`] holds all UI state (no tokio types); [`App::init`] builds it from the options and
//! names the first work (finding the profile files) as [`Effect`]s. The one transition
//! function, `App::update`, lives in `update.rs` with the sign-in flow in `signin.rs`;
//! nothing in any of them touches the network, files, the environment or the terminal, so
//! the whole behaviour is testable by feeding messages in and looking at the state, the
//! effects and the rendered buffer.
//!
//! Adding a screen (doctor, settings) means: a [`Screen`] variant and its entry in
//! [`Screen::MENU`], its state, keys and keymap in its own file (as `verify.rs` and
//! `backup.rs`), its view in `view/`, and, for long work, a task in `tasks.rs` that reports
//! progress with a new `TaskEvent` variant.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use super::backup::BackupState;
use super::config::Remembered;
use super::doctor::DoctorState;
use super::folders::{FolderSort, FolderView};
use super::keys::{Global, Keymap, key};
use super::local::LocalState;
use super::protocol::{DeviceCode, Effect, ServerStatus, SignIn};
use super::screen::Screen;
use super::settings::SettingsState;
use super::setup::SetupState;
use super::verify::{Headers, VerifyMode, VerifyState};
use crate::compare::mapping::Mapping;
use crate::i18n::Lang;
use crate::profile::{Profile, Side};
use crate::secret::Secret;

/// How many of the largest old-server messages the overview lists.
pub const LARGEST: usize = 10;

/// How the app starts.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub lang: Lang,
    /// `--profile` / `$IKOU_PROFILE`: preselected, and the profile step is skipped.
    pub profile: Option<PathBuf>,
    pub address: Option<String>,
    pub remembered: Remembered,
    pub profile_dirs: Vec<PathBuf>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub today: NaiveDate,
    pub colour: bool,
}

#[derive(Debug)]
pub struct App {
    pub lang: Lang,
    pub screen: Screen,
    pub setup: SetupState,
    pub profile: Option<Arc<Profile>>,
    pub address: String,
    pub(super) secrets: [Option<Secret>; 2],
    pub servers: [ServerStatus; 2],
    /// A device code sign-in in progress (shown over every screen but the setup form).
    pub device_code: Option<DeviceCode>,
    pub(super) generation: u64,
    pub folders: FolderView,
    pub size: (u16, u16),
    pub quit: bool,
    /// `q` was pressed while quitting would lose results or typed passwords: the next `q`
    /// or `y` quits, any other key stays.
    pub confirm_quit: bool,
    /// A one-line note for the status line (e.g. the config could not be saved).
    pub notice: Option<String>,
    pub today: NaiveDate,
    pub colour: bool,
    /// Old folder -> new folder, once both servers are ready (the compare module's rules).
    pub mapping: Option<Mapping>,
    pub verify: VerifyState,
    pub backup: BackupState,
    pub doctor: DoctorState,
    pub settings: SettingsState,
    pub local: LocalState,
}

impl App {
    /// The app at its start, and its first work: reading the profile files (an explicit
    /// `--profile` is then taken at once, skipping the list).
    pub fn init(options: AppOptions) -> (App, Vec<Effect>) {
        let mut extra = Vec::new();
        extra.extend(options.profile.clone());
        extra.extend(options.remembered.profile.clone());
        let wanted = options
            .profile
            .clone()
            .or(options.remembered.profile.clone());
        let address = options
            .address
            .clone()
            .or_else(|| options.remembered.address.clone())
            .unwrap_or_default();
        let app = App {
            lang: options.lang,
            screen: Screen::Setup,
            setup: SetupState::new(&address, wanted, options.profile.is_some()),
            profile: None,
            address: String::new(),
            secrets: [None, None],
            servers: [ServerStatus::NotSignedIn, ServerStatus::NotSignedIn],
            device_code: None,
            generation: 0,
            folders: FolderView {
                side: Side::Old,
                sort: FolderSort::Server,
                selected: 0,
                offset: 0,
            },
            size: options.size,
            quit: false,
            confirm_quit: false,
            notice: None,
            today: options.today,
            colour: options.colour,
            mapping: None,
            verify: VerifyState::default(),
            backup: BackupState::default(),
            doctor: DoctorState::default(),
            settings: SettingsState::default(),
            local: LocalState::default(),
        };
        let effects = vec![Effect::DiscoverProfiles {
            extra,
            dirs: options.profile_dirs,
        }];
        (app, effects)
    }

    pub fn server(&self, side: Side) -> &ServerStatus {
        &self.servers[side.index()]
    }

    /// The keys live now: the help bar lists exactly these.
    pub fn keymap(&self) -> Keymap {
        if self.device_code.is_some() && self.screen != Screen::Setup {
            return Keymap::new(
                vec![
                    key("y", "tui-key-copy-code"),
                    key("u", "tui-key-copy-address"),
                    key("l", "tui-key-x"),
                    key("q", "tui-key-quit"),
                ],
                Global::None,
            );
        }
        match self.screen {
            Screen::Setup => self.setup.keymap(),
            Screen::Overview => Keymap::new(Vec::new(), Global::All),
            Screen::Folders => super::folders::keymap(),
            Screen::Backup => self.backup.keymap(),
            Screen::Verify => self.verify.keymap(),
            Screen::Doctor => self.doctor.keymap(),
            Screen::Settings => super::settings::keymap(),
            Screen::Local => self.local.keymap(),
        }
    }

    /// The profile, address and typed passwords, once signed in.
    pub(super) fn sign_in_data(&self) -> Option<SignIn> {
        Some(SignIn {
            profile: self.profile.clone()?,
            address: self.address.clone(),
            secrets: self.secrets.clone(),
        })
    }

    /// A password field is shown for servers that sign in with a password (not OAuth2).
    pub fn needs_password(&self, side: Side) -> bool {
        self.setup.needs_password(side)
    }

    /// The current sign-in's generation: background reports carry it, and one from an
    /// older sign-in is ignored.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// True while any background work is still running (servers, verify, restore, backup).
    pub fn busy(&self) -> bool {
        self.servers
            .iter()
            .any(|s| matches!(s, ServerStatus::Working(_)))
            || self.verify.running()
            || matches!(
                self.verify.mode,
                VerifyMode::Headers {
                    headers: Headers::Loading,
                    ..
                }
            )
            || self.backup.running()
            || self.local.running()
            || self.doctor.running()
            || self.doctor.support_running()
    }

    /// Whether quitting now would throw away a verification's result or typed passwords.
    pub(super) fn quitting_loses_something(&self) -> bool {
        matches!(self.verify.run, super::verify::VerifyRun::Done(_))
            || self.setup.passwords.iter().any(|p| !p.value().is_empty())
    }

    /// `<address>-YYYYMMDD.zip`: the server backup's default name.
    pub(super) fn backup_default(&self) -> PathBuf {
        crate::service::backup::default_output_on(
            &self.address,
            crate::service::backup::Protocol::Imap,
            self.today,
        )
    }

    /// `<address>-local-<YYYYMMDD>.zip`, beside the server backup's default name.
    pub(super) fn local_backup_default(&self) -> String {
        let name = self.backup_default().display().to_string();
        let date = self.today.format("-%Y%m%d.zip").to_string();
        match name.strip_suffix(&date) {
            Some(stem) => format!("{stem}-local{date}"),
            None => format!("local{date}"),
        }
    }
}
