//! # The application state and its one transition function
//!
//! [`App::update`] takes a message (a key, a resize, a background task's report) and changes
//! the state; anything that must touch the world (the network, the config file) comes back as
//! an [`Effect`] for the runtime to perform. Nothing here touches the network or the terminal
//! (it only reads profile files and checks which password variables are set), so the whole
//! behaviour is testable by feeding messages in and looking at the state and the rendered
//! buffer.
//!
//! Adding a screen (doctor, settings) means: a [`Screen`] variant and its entry in
//! [`Screen::MENU`], its state and key handling in its own file (as `verify.rs` and
//! `backup.rs`), its view in `view/`, its keys in [`keymap`], and, for long work, a task in
//! `tasks.rs` that reports progress with a new [`TaskEvent`] variant.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

pub use super::folders::{FolderSort, FolderView, sorted_folders};
pub use super::input::typed_path;
pub use super::keys::{KeyHelp, KeyMode, help_lines, help_rows, help_width, keymap};
pub use super::layout::{folder_page, list_page, tab_at, tabs, title_tabs};
pub use super::protocol::{
    DeviceCode, Effect, GatherRequest, Msg, ServerStatus, SignIn, Stage, SupportResult, TaskEvent,
};
pub use super::screen::Screen;
pub use super::setup::{SetupState, SetupStep};

use super::backup::{BackupAction, BackupState};
use super::config::{ProfileChoice, Remembered, discover};
use super::doctor::{DoctorAction, DoctorState};
use super::input::Input;
use super::local::{LocalAction, LocalEvent, LocalState};
use super::settings::{SettingsAction, SettingsState};
use super::verify::{VerifyAction, VerifyMode, VerifyState};
use crate::compare::mapping::{Mapping, map_folders};
use crate::i18n::Lang;
use crate::model::AuthMethod;
use crate::profile::{Dates, Profile, Side};
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
    secrets: [Option<Secret>; 2],
    pub servers: [ServerStatus; 2],
    /// A device code sign-in in progress (shown over every screen but the setup form).
    pub device_code: Option<DeviceCode>,
    generation: u64,
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

pub fn side_index(side: Side) -> usize {
    match side {
        Side::Old => 0,
        Side::New => 1,
    }
}

pub use crate::profile::Phase;

/// Where the migration stands on `today` (the one rule lives with the profile's dates).
pub fn phase(dates: &Dates, today: NaiveDate) -> Phase {
    dates.phase(today)
}

impl App {
    pub fn new(options: AppOptions) -> App {
        let mut extra = Vec::new();
        extra.extend(options.profile.clone());
        extra.extend(options.remembered.profile.clone());
        let choices = discover(&extra, &options.profile_dirs);
        let wanted = options
            .profile
            .as_ref()
            .or(options.remembered.profile.as_ref());
        let selected = wanted
            .and_then(|w| choices.iter().position(|c| &c.path == w))
            .unwrap_or(0);
        let address = options
            .address
            .clone()
            .or_else(|| options.remembered.address.clone())
            .unwrap_or_default();
        let mut app = App {
            lang: options.lang,
            screen: Screen::Setup,
            setup: SetupState {
                // Without a profile given or remembered, the address comes first.
                step: if wanted.is_some() {
                    SetupStep::Profile
                } else {
                    SetupStep::Find
                },
                choices,
                selected,
                path: Input::default(),
                address: Input::new(&address),
                passwords: [Input::masked(), Input::masked()],
                env_password: [None, None],
                chosen: None,
                error: None,
                find: Default::default(),
            },
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
        // An explicit --profile skips the list when it loads.
        if options.profile.is_some() {
            app.choose_profile();
        }
        app
    }

    pub fn server(&self, side: Side) -> &ServerStatus {
        &self.servers[side_index(side)]
    }

    /// Which keys are live now (the help bar shows exactly these).
    pub fn key_mode(&self) -> KeyMode {
        if self.device_code.is_some() && self.screen != Screen::Setup {
            return KeyMode::DeviceCode;
        }
        match self.screen {
            Screen::Setup => KeyMode::Setup(self.setup.step),
            Screen::Overview => KeyMode::Overview,
            Screen::Folders => KeyMode::Folders,
            Screen::Backup => KeyMode::Backup {
                editing: self.backup.editing,
                running: self.backup.running(),
            },
            Screen::Verify => match &self.verify.mode {
                VerifyMode::Summary => KeyMode::VerifySummary {
                    done: self.verify.outcome().is_some(),
                },
                VerifyMode::List => KeyMode::VerifyList {
                    missing: super::verify::KINDS[self.verify.kind]
                        == crate::compare::result::FindingKind::Missing,
                },
                VerifyMode::Headers { .. } => KeyMode::VerifyHeaders,
                VerifyMode::Restore { step, .. } => match step {
                    super::verify::RestoreStep::Plan => KeyMode::VerifyPlan,
                    super::verify::RestoreStep::Applying => KeyMode::VerifyApplying,
                    super::verify::RestoreStep::Done(_) => KeyMode::VerifyRestored,
                },
            },
            Screen::Doctor => match &self.doctor.support {
                super::doctor::SupportView::Closed => KeyMode::Doctor {
                    running: self.doctor.running(),
                },
                view => KeyMode::SupportReport {
                    preview: matches!(view, super::doctor::SupportView::Preview { .. }),
                },
            },
            Screen::Settings => KeyMode::Settings,
            Screen::Local => KeyMode::Local(self.local.keys()),
        }
    }

    /// The profile, address and typed passwords, once signed in.
    fn sign_in_data(&self) -> Option<SignIn> {
        Some(SignIn {
            profile: self.profile.clone()?,
            address: self.address.clone(),
            secrets: self.secrets.clone(),
        })
    }

    /// The one transition function.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let before = self.screen;
        let mut effects = self.transition(msg);
        // The first visit to the local screen reads the folders.
        if self.screen == Screen::Local
            && before != Screen::Local
            && let Some(action) = self.local.on_enter(&self.local_backup_default())
        {
            effects.extend(self.local_action(action));
        }
        effects
    }

    fn transition(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_folders();
                // The lists keep their selection on screen at the new size.
                let page = list_page(self.size, self.lang);
                let len = self
                    .verify
                    .outcome()
                    .map(|o| {
                        super::verify::findings_of(
                            &o.report,
                            super::verify::KINDS[self.verify.kind],
                        )
                        .len()
                    })
                    .unwrap_or(0);
                self.verify.clamp(len, page);
                self.backup.clamp(page);
                vec![]
            }
            Msg::Task(event) => {
                self.on_task(event);
                vec![]
            }
            Msg::Mouse(mouse) => {
                let code = match mouse.kind {
                    MouseEventKind::ScrollUp => KeyCode::Up,
                    MouseEventKind::ScrollDown => KeyCode::Down,
                    MouseEventKind::Down(MouseButton::Left) if mouse.row == 0 => {
                        match tab_at(
                            self.lang,
                            &self.address,
                            self.screen,
                            mouse.column,
                            self.size.0,
                        ) {
                            Some(screen) if self.screen != Screen::Setup => {
                                self.screen = screen;
                            }
                            _ => {}
                        }
                        return vec![];
                    }
                    _ => return vec![],
                };
                self.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            }
            Msg::Key(key) => {
                if key.kind != KeyEventKind::Press {
                    return vec![];
                }
                if key.modifiers.contains(KeyModifiers::CONTROL)
                    && matches!(key.code, KeyCode::Char('c' | 'C'))
                {
                    // A running backup is stopped between messages first; a second Ctrl-C
                    // leaves at once (the archive is crash-safe either way).
                    if self.backup.running() && !self.backup.quit_when_stopped {
                        self.backup.quit_when_stopped = true;
                        return vec![Effect::CancelBackup];
                    }
                    if self.local.uploading() && !self.local.quit_when_stopped {
                        self.local.quit_when_stopped = true;
                        self.local.cancel();
                        return vec![Effect::CancelLocal];
                    }
                    self.quit = true;
                    return vec![];
                }
                if self.screen == Screen::Setup {
                    self.setup_key(key)
                } else if let Some(device) = &self.device_code {
                    // While the sign-in waits, only copying, the language and quitting.
                    match key.code {
                        KeyCode::Char('y') => {
                            self.notice = Some(tr!(self.lang, "signin-copied-code"));
                            vec![Effect::Copy(device.user_code.clone())]
                        }
                        KeyCode::Char('u') => {
                            self.notice = Some(tr!(self.lang, "signin-copied-url"));
                            vec![Effect::Copy(device.verification_uri.clone())]
                        }
                        KeyCode::Char('l' | 'q') => self.screen_key(key),
                        _ => vec![],
                    }
                } else {
                    self.screen_key(key)
                }
            }
        }
    }

    fn on_task(&mut self, event: TaskEvent) {
        match event {
            TaskEvent::Verify { generation, event } if generation == self.verify.generation => {
                self.verify.on_event(event);
                let len = self
                    .verify
                    .outcome()
                    .map(|o| {
                        super::verify::findings_of(
                            &o.report,
                            super::verify::KINDS[self.verify.kind],
                        )
                        .len()
                    })
                    .unwrap_or(0);
                self.verify.clamp(len, list_page(self.size, self.lang));
            }
            TaskEvent::Doctor { generation, result } if generation == self.doctor.generation => {
                self.doctor.finished(result);
            }
            TaskEvent::Support { generation, result }
                if generation == self.doctor.support_generation =>
            {
                self.doctor.support_made(result);
            }
            TaskEvent::SupportSaved(result) => self.doctor.support_saved(result),
            TaskEvent::Notice(line) => self.settings.notice = Some(line),
            TaskEvent::ProfileFound { generation, result } => self.on_found(generation, result),
            TaskEvent::Backup {
                generation,
                event,
                elapsed_ms,
            } if generation == self.backup.generation => {
                self.backup.on_event(event, elapsed_ms);
            }
            TaskEvent::BackupEnded {
                generation,
                result,
                cancelled,
            } if generation == self.backup.generation => {
                self.backup.finished(result, cancelled);
                if self.backup.quit_when_stopped {
                    self.quit = true;
                }
            }
            TaskEvent::Local { generation, event } => {
                let stopped = matches!(event, LocalEvent::Uploaded(_));
                self.local.on_event(generation, event);
                if stopped && self.local.quit_when_stopped {
                    self.quit = true;
                }
            }
            TaskEvent::Stage {
                side,
                generation,
                stage,
            } if generation == self.generation => {
                self.servers[side_index(side)] = ServerStatus::Working(stage);
            }
            TaskEvent::DeviceCode(device) if device.generation == self.generation => {
                self.device_code = Some(device);
            }
            TaskEvent::Inventory {
                side,
                generation,
                result,
            } if generation == self.generation => {
                if self.device_code.as_ref().is_some_and(|d| d.side == side) {
                    self.device_code = None;
                }
                if side == Side::Old
                    && let Ok(inventory) = &result
                {
                    self.backup.set_folders(inventory);
                    if self.backup.path.is_empty() {
                        let path = crate::service::backup::default_output_on(
                            &self.address,
                            crate::service::backup::Protocol::Imap,
                            self.today,
                        );
                        self.backup.path.set(&path.display().to_string());
                    }
                }
                self.servers[side_index(side)] = match result {
                    Ok(inventory) => ServerStatus::Ready(inventory),
                    Err(reason) => ServerStatus::Failed(reason),
                };
                self.mapping = match (&self.servers[0], &self.servers[1], &self.profile) {
                    (ServerStatus::Ready(old), ServerStatus::Ready(new), Some(profile)) => {
                        let overrides: Vec<(String, String)> = profile
                            .folder_map
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        Some(map_folders(&old.folders, &new.folders, &overrides))
                    }
                    _ => None,
                };
                self.clamp_folders();
            }
            // A report from before the last sign-in or reload: stale.
            _ => {}
        }
    }

    /// Whether quitting now would throw away a verification's result or typed passwords.
    fn quitting_loses_something(&self) -> bool {
        matches!(self.verify.run, super::verify::VerifyRun::Done(_))
            || self.setup.passwords.iter().any(|p| !p.value().is_empty())
    }

    fn screen_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.confirm_quit {
            self.confirm_quit = false;
            self.notice = None;
            if matches!(key.code, KeyCode::Char('q' | 'y' | 'Y')) {
                self.quit = true;
            }
            return vec![];
        }
        // The screen's own keys first (a typed path, a drill-down's Esc), then the global ones.
        match self.screen {
            Screen::Verify => {
                let page = list_page(self.size, self.lang);
                if let Some(action) = self.verify.key(key, page) {
                    return match action {
                        Some(action) => self.verify_action(action),
                        None => vec![],
                    };
                }
            }
            Screen::Doctor => {
                let page = list_page(self.size, self.lang);
                if let Some(action) = self.doctor.key(key, page) {
                    return match action {
                        None => vec![],
                        Some(DoctorAction::Run) => {
                            let generation = self.doctor.start();
                            vec![Effect::Doctor {
                                generation,
                                profile: self.profile.clone(),
                                address: self.address.clone(),
                                today: self.today,
                            }]
                        }
                        Some(DoctorAction::Report) => match self.sign_in_data() {
                            Some(sign_in) if !self.address.is_empty() => {
                                let generation = self.doctor.start_support();
                                vec![Effect::SupportReport {
                                    generation,
                                    sign_in,
                                    lang: self.lang,
                                    today: self.today,
                                }]
                            }
                            _ => {
                                self.notice = Some(tr!(self.lang, "tui-support-sign-in-first"));
                                vec![]
                            }
                        },
                        Some(DoctorAction::Save) => match &self.doctor.support {
                            super::doctor::SupportView::Preview { report, path, .. } => {
                                vec![Effect::SaveSupport {
                                    report: Arc::clone(report),
                                    path: path.clone(),
                                }]
                            }
                            _ => vec![],
                        },
                    };
                }
            }
            Screen::Settings => {
                let profile = self.profile.clone();
                if let Some(action) =
                    self.settings
                        .key(key, profile.as_deref(), &self.address, self.lang)
                {
                    // Scrolling stops at the last page, so Up answers at once after PgDn.
                    self.settings.scroll = self
                        .settings
                        .scroll
                        .min(super::view::settings_max_scroll(self));
                    return match action {
                        Some(SettingsAction::Copy(text)) => vec![Effect::Copy(text)],
                        Some(SettingsAction::Export(files)) => vec![Effect::Export(files)],
                        None => vec![],
                    };
                }
            }
            Screen::Local => {
                let page = list_page(self.size, self.lang);
                let max_scroll = super::view::local_max_scroll(self);
                if let Some(action) = self.local.key(key, page, max_scroll) {
                    return action.map_or_else(Vec::new, |a| self.local_action(a));
                }
            }
            Screen::Backup => {
                let page = list_page(self.size, self.lang);
                if let Some(action) = self.backup.key(key, page) {
                    return match action {
                        Some(BackupAction::Start) => self.start_backup(),
                        Some(BackupAction::Cancel) => vec![Effect::CancelBackup],
                        None => vec![],
                    };
                }
            }
            _ => {}
        }
        match key.code {
            KeyCode::Char('q') if self.local.uploading() => {
                // Stop the upload between two messages first, then quit.
                self.local.quit_when_stopped = true;
                self.local.cancel();
                return vec![Effect::CancelLocal];
            }
            KeyCode::Char('q') if self.backup.running() => {
                // Stop the backup between two messages first, then quit.
                self.backup.quit_when_stopped = true;
                if let super::backup::BackupRun::Running(p) = &self.backup.run {
                    self.backup.run = super::backup::BackupRun::Cancelling(p.clone());
                }
                return vec![Effect::CancelBackup];
            }
            // Esc goes back, never out: from any screen to the overview.
            KeyCode::Esc if self.screen != Screen::Overview && self.profile.is_some() => {
                self.screen = Screen::Overview;
            }
            KeyCode::Esc => {}
            KeyCode::Char('q') if self.quitting_loses_something() => {
                self.confirm_quit = true;
                self.notice = Some(tr!(self.lang, "tui-quit-confirm"));
            }
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('l' | 'L') => {
                self.lang = match self.lang {
                    Lang::Ja => Lang::En,
                    Lang::En => Lang::Ja,
                };
                self.clamp_folders();
            }
            KeyCode::Char(c @ '1'..='9') => {
                let index = usize::from(c as u8 - b'1');
                if let Some(screen) = Screen::MENU.get(index) {
                    self.screen = *screen;
                }
            }
            KeyCode::Tab | KeyCode::BackTab => {
                let at = Screen::MENU
                    .iter()
                    .position(|s| *s == self.screen)
                    .unwrap_or(0);
                let n = Screen::MENU.len();
                let next = if key.code == KeyCode::Tab {
                    (at + 1) % n
                } else {
                    (at + n - 1) % n
                };
                self.screen = Screen::MENU[next];
            }
            KeyCode::Char('r') => return self.start_gather(),
            KeyCode::Char('a') => {
                self.screen = Screen::Setup;
                self.setup.step = SetupStep::Profile;
                self.setup.error = None;
            }
            _ if self.screen == Screen::Folders => self.folders_key(key),
            _ => {}
        }
        vec![]
    }

    fn verify_action(&mut self, action: VerifyAction) -> Vec<Effect> {
        let Some(sign_in) = self.sign_in_data() else {
            return vec![];
        };
        match action {
            VerifyAction::Run => {
                let generation = self.verify.start();
                vec![Effect::Verify {
                    generation,
                    sign_in,
                    lang: self.lang,
                }]
            }
            VerifyAction::FetchHeaders(target) => vec![Effect::Headers {
                generation: self.verify.generation,
                sign_in,
                target,
            }],
            VerifyAction::Apply => {
                let (VerifyMode::Restore { plan, .. }, Some(outcome)) =
                    (&self.verify.mode, self.verify.outcome())
                else {
                    return vec![];
                };
                vec![Effect::Restore {
                    generation: self.verify.generation,
                    sign_in,
                    plan: plan.clone(),
                    outcome: outcome.clone(),
                }]
            }
        }
    }

    /// `<address>-local-<YYYYMMDD>.zip`, beside the server backup's default name.
    fn local_backup_default(&self) -> String {
        let server = crate::service::backup::default_output_on(
            &self.address,
            crate::service::backup::Protocol::Imap,
            self.today,
        );
        let name = server.display().to_string();
        let date = self.today.format("-%Y%m%d.zip").to_string();
        match name.strip_suffix(&date) {
            Some(stem) => format!("{stem}-local{date}"),
            None => format!("local{date}"),
        }
    }

    fn local_action(&mut self, action: LocalAction) -> Vec<Effect> {
        match action {
            LocalAction::Cancel => vec![Effect::CancelLocal],
            LocalAction::Run(request) => vec![Effect::Local {
                generation: self.local.generation,
                request,
                sign_in: self.sign_in_data(),
            }],
        }
    }

    fn start_backup(&mut self) -> Vec<Effect> {
        let Some(sign_in) = self.sign_in_data() else {
            return vec![];
        };
        let folders = self.backup.chosen();
        let output = typed_path(self.backup.path.value());
        let generation = self.backup.start();
        vec![Effect::Backup {
            generation,
            sign_in,
            folders,
            output,
        }]
    }

    fn folders_key(&mut self, key: KeyEvent) {
        let page = folder_page(self.size, self.lang);
        self.folders.key(key, page);
        self.clamp_folders();
    }

    /// Keeps the selection inside the list and on screen.
    fn clamp_folders(&mut self) {
        let count = match self.server(self.folders.side) {
            ServerStatus::Ready(inventory) => inventory.folders.len(),
            _ => 0,
        };
        let page = folder_page(self.size, self.lang);
        self.folders.clamp(count, page);
    }

    fn setup_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        self.setup.error = None;
        match self.setup.step {
            SetupStep::Find => self.find_key(key),
            SetupStep::Profile => {
                let typing = self.setup.selected == self.setup.choices.len();
                match key.code {
                    KeyCode::Up if self.setup.selected == 0 => self.setup.step = SetupStep::Find,
                    KeyCode::Up => self.setup.selected = self.setup.selected.saturating_sub(1),
                    KeyCode::Down => {
                        self.setup.selected =
                            (self.setup.selected + 1).min(self.setup.choices.len())
                    }
                    KeyCode::Enter => self.choose_profile(),
                    KeyCode::Esc => self.leave_setup(),
                    _ if typing => self.setup.path.edit(key),
                    _ => {}
                }
                vec![]
            }
            SetupStep::Address => {
                match key.code {
                    KeyCode::Enter => {
                        let address = self.setup.address.value().trim().to_string();
                        if address.is_empty() {
                            self.setup.error = Some(tr!(self.lang, "tui-enter-your-mail-address"));
                        } else {
                            self.address = address;
                            return self.next_password(None);
                        }
                    }
                    KeyCode::Esc if self.setup.find.origin.is_some() => {
                        self.setup.step = SetupStep::Find;
                    }
                    KeyCode::Esc => self.setup.step = SetupStep::Profile,
                    _ => self.setup.address.edit(key),
                }
                vec![]
            }
            SetupStep::Password(side) => {
                match key.code {
                    KeyCode::Enter => {
                        self.secrets[side_index(side)] =
                            self.setup.passwords[side_index(side)].take_secret();
                        return self.next_password(Some(side));
                    }
                    KeyCode::Esc => {
                        self.setup.step = match side {
                            Side::Old => SetupStep::Address,
                            Side::New if self.needs_password(Side::Old) => {
                                SetupStep::Password(Side::Old)
                            }
                            Side::New => SetupStep::Address,
                        }
                    }
                    _ => self.setup.passwords[side_index(side)].edit(key),
                }
                vec![]
            }
        }
    }

    /// Back to the screens if signed in before, else quit.
    pub(super) fn leave_setup(&mut self) {
        if self.profile.is_some() {
            self.screen = Screen::Overview;
        } else {
            self.quit = true;
        }
    }

    fn choose_profile(&mut self) {
        let choice = match self.setup.choices.get(self.setup.selected) {
            Some(choice) => choice.clone(),
            None => {
                let typed = self.setup.path.value().trim();
                if typed.is_empty() {
                    self.setup.error = Some(tr!(self.lang, "tui-type-the-path-of-a"));
                    return;
                }
                ProfileChoice::load(&typed_path(typed))
            }
        };
        match &choice.loaded {
            Ok(profile) => {
                self.use_profile(choice.path.clone(), Arc::new(profile.clone()));
                self.setup.find.origin = None;
            }
            Err(reason) => self.setup.error = Some(reason.clone()),
        }
    }

    /// Takes `profile` (from `path`) for the sign-in form, which comes next.
    pub(super) fn use_profile(&mut self, path: PathBuf, profile: Arc<Profile>) {
        if self.setup.address.is_empty()
            && let Some(address) = &profile.account.address
        {
            self.setup.address.set(address);
        }
        // Which passwords are already in the environment (the hint on the form).
        for side in [Side::Old, Side::New] {
            let server = profile.server(side);
            let env = server
                .password_env
                .clone()
                .unwrap_or_else(|| format!("{}_PASSWORD", side.env_prefix()));
            self.setup.env_password[side_index(side)] = std::env::var(&env)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|_| env);
        }
        self.setup.chosen = Some((path, profile));
        self.setup.step = SetupStep::Address;
    }

    /// A password field is shown for servers that sign in with a password (not OAuth2).
    pub fn needs_password(&self, side: Side) -> bool {
        self.setup
            .chosen
            .as_ref()
            .is_some_and(|(_, p)| p.server(side).auth != AuthMethod::Xoauth2)
    }

    /// The password step after `after` (None: after the address), or sign in.
    fn next_password(&mut self, after: Option<Side>) -> Vec<Effect> {
        let candidates: &[Side] = match after {
            None => &[Side::Old, Side::New],
            Some(Side::Old) => &[Side::New],
            Some(Side::New) => &[],
        };
        for side in candidates {
            if self.needs_password(*side) {
                self.setup.step = SetupStep::Password(*side);
                return vec![];
            }
            self.secrets[side_index(*side)] = None;
        }
        self.sign_in()
    }

    /// Leaves the form: remembers the choice and starts both servers' work.
    fn sign_in(&mut self) -> Vec<Effect> {
        let Some((path, profile)) = self.setup.chosen.clone() else {
            self.setup.step = SetupStep::Profile;
            return vec![];
        };
        self.profile = Some(profile);
        self.screen = Screen::Overview;
        // Another account or profile: what was verified before no longer applies, and a
        // late report from before is ignored (the generation moves on).
        self.verify = VerifyState {
            generation: self.verify.generation + 1,
            ..VerifyState::default()
        };
        if !self.backup.running() {
            self.backup = BackupState {
                generation: self.backup.generation + 1,
                ..BackupState::default()
            };
        }
        let mut effects = vec![Effect::Remember(Remembered {
            // A built-in profile has no file to remember; it is found again next time.
            profile: path
                .is_file()
                .then(|| std::fs::canonicalize(&path).unwrap_or(path)),
            address: Some(self.address.clone()),
        })];
        effects.extend(self.start_gather());
        effects
    }

    /// Both servers, again from the start (sign-in, reload).
    fn start_gather(&mut self) -> Vec<Effect> {
        let Some(profile) = self.profile.clone() else {
            return vec![];
        };
        self.generation += 1;
        self.mapping = None;
        self.device_code = None;
        let mut effects = Vec::new();
        for side in [Side::Old, Side::New] {
            self.servers[side_index(side)] = ServerStatus::Working(Stage::Connecting);
            effects.push(Effect::Gather(GatherRequest {
                side,
                generation: self.generation,
                profile: profile.clone(),
                address: self.address.clone(),
                secret: self.secrets[side_index(side)].clone(),
                largest: if side == Side::Old { LARGEST } else { 0 },
                lang: self.lang,
            }));
        }
        self.folders.selected = 0;
        self.folders.offset = 0;
        effects
    }

    /// True while any background work is still running (servers, verify, restore, backup).
    /// The current sign-in's generation: background reports carry it, and one from an
    /// older sign-in is ignored.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn busy(&self) -> bool {
        self.servers
            .iter()
            .any(|s| matches!(s, ServerStatus::Working(_)))
            || self.verify.running()
            || matches!(
                self.verify.mode,
                VerifyMode::Headers {
                    headers: super::verify::Headers::Loading,
                    ..
                }
            )
            || self.backup.running()
            || self.local.running()
            || self.doctor.running()
            || self.doctor.support_running()
    }
}
