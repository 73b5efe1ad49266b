//! # The one transition function: a message in, the state changed, effects out
//!
//! [`App::update`] takes a key, a mouse event, a resize or a report (a background task's,
//! or the answer to a file or environment effect) and changes the state; anything that
//! must touch the world comes back as an [`Effect`] for the runtime. Each screen's keys are
//! its own state's `key` method (it answers with an action or "not mine"); the keys that
//! work everywhere follow here.

use std::sync::Arc;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};

use super::app::App;
use super::backup::{BackupAction, BackupRun};
use super::doctor::{DoctorAction, SupportView};
use super::input::typed_path;
use super::keys::{GLOBAL_KEYS, GlobalKey, action};
use super::layout::{folder_page, list_page, tab_at};
use super::local::{LocalAction, LocalEvent};
use super::protocol::{Effect, Msg, ServerStatus, TaskEvent};
use super::screen::Screen;
use super::settings::SettingsAction;
use super::setup::SetupStep;
use super::verify::{KINDS, VerifyAction, VerifyMode, findings_of};
use crate::i18n::Lang;

impl App {
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
                self.clamp_verify();
                self.backup.clamp(list_page(self.size, self.lang));
                vec![]
            }
            Msg::Task(event) => self.on_task(event),
            Msg::Mouse(mouse) => {
                let code = match mouse.kind {
                    MouseEventKind::ScrollUp => KeyCode::Up,
                    MouseEventKind::ScrollDown => KeyCode::Down,
                    MouseEventKind::Down(MouseButton::Left) if mouse.row == 0 => {
                        let tab = tab_at(
                            self.lang,
                            &self.address,
                            self.screen,
                            mouse.column,
                            self.size.0,
                        );
                        if let Some(screen) = tab
                            && self.screen != Screen::Setup
                        {
                            self.screen = screen;
                        }
                        return vec![];
                    }
                    _ => return vec![],
                };
                self.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
            }
            Msg::Key(key) => self.on_key(key),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
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
            if self.local.stoppable() && !self.local.quit_when_stopped {
                self.local.quit_when_stopped = true;
                self.local.cancel();
                return vec![Effect::CancelLocal];
            }
            self.quit = true;
            return vec![];
        }
        if self.screen == Screen::Setup {
            let action = self.setup.key(key, self.lang);
            return self.setup_action(action);
        }
        if let Some(device) = &self.device_code {
            // While the sign-in waits, only copying, the language and quitting.
            return match key.code {
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
            };
        }
        self.screen_key(key)
    }

    fn on_task(&mut self, event: TaskEvent) -> Vec<Effect> {
        match event {
            TaskEvent::Verify { generation, event } if generation == self.verify.generation => {
                self.verify.on_event(event);
                self.clamp_verify();
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
            TaskEvent::ProfilesDiscovered(choices) => {
                let action = self.setup.discovered(choices, self.lang);
                return self.setup_action(action);
            }
            TaskEvent::ProfileLoaded(choice) => {
                let action = self.setup.take(&choice);
                return self.setup_action(action);
            }
            TaskEvent::PasswordEnv(set) => self.setup.env_password = set,
            TaskEvent::ProfileFound { generation, result } => {
                let action = self.setup.found(generation, result, self.lang);
                return self.setup_action(action);
            }
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
                let stopped = matches!(event, LocalEvent::Uploaded(_) | LocalEvent::BackedUp(_));
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
                self.servers[side.index()] = ServerStatus::Working(stage);
            }
            TaskEvent::DeviceCode(device) if device.generation == self.generation => {
                self.device_code = Some(device);
            }
            TaskEvent::Inventory {
                side,
                generation,
                result,
            } if generation == self.generation => self.on_inventory(side, result),
            // A report from before the last sign-in or reload: stale.
            _ => {}
        }
        vec![]
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
        if let Some(effects) = self.own_key(key) {
            return effects;
        }
        let Some(global) = action(GLOBAL_KEYS, key.code) else {
            if self.screen == Screen::Folders {
                let page = folder_page(self.size, self.lang);
                self.folders.key(key, page);
                self.clamp_folders();
            }
            return vec![];
        };
        match global {
            GlobalKey::Quit if self.local.stoppable() => {
                // Stop the upload between two messages first, then quit.
                self.local.quit_when_stopped = true;
                self.local.cancel();
                return vec![Effect::CancelLocal];
            }
            GlobalKey::Quit if self.backup.running() => {
                // Stop the backup between two messages first, then quit.
                self.backup.quit_when_stopped = true;
                if let BackupRun::Running(p) = &self.backup.run {
                    self.backup.run = BackupRun::Cancelling(p.clone());
                }
                return vec![Effect::CancelBackup];
            }
            GlobalKey::Quit if self.quitting_loses_something() => {
                self.confirm_quit = true;
                self.notice = Some(tr!(self.lang, "tui-quit-confirm"));
            }
            GlobalKey::Quit => self.quit = true,
            // Esc goes back, never out: from any screen to the overview.
            GlobalKey::Back if self.screen != Screen::Overview && self.profile.is_some() => {
                self.screen = Screen::Overview;
            }
            GlobalKey::Back => {}
            GlobalKey::Language => {
                self.lang = match self.lang {
                    Lang::Ja => Lang::En,
                    Lang::En => Lang::Ja,
                };
                self.clamp_folders();
            }
            GlobalKey::Screen => self.screen = menu_step(self.screen, key.code),
            GlobalKey::Reload => return self.start_gather(),
            GlobalKey::SignIn => {
                self.screen = Screen::Setup;
                self.setup.step = SetupStep::Profile;
                self.setup.error = None;
            }
        }
        vec![]
    }

    /// The screen's own answer to `key`; `None` when the key is not the screen's.
    fn own_key(&mut self, key: KeyEvent) -> Option<Vec<Effect>> {
        let page = list_page(self.size, self.lang);
        let effects = match self.screen {
            Screen::Verify => match self.verify.key(key, page)? {
                Some(action) => self.verify_action(action),
                None => vec![],
            },
            Screen::Doctor => match self.doctor.key(key, page)? {
                Some(action) => self.doctor_action(action),
                None => vec![],
            },
            Screen::Settings => {
                let profile = self.profile.clone();
                let action =
                    self.settings
                        .key(key, profile.as_deref(), &self.address, self.lang)?;
                // Scrolling stops at the last page, so Up answers at once after PgDn.
                let text = self.settings.build(profile.as_deref(), &self.address);
                let help = self.keymap().rows(self.lang, self.size.0);
                let last = super::view::settings::max_scroll(&text, self.lang, self.size, help);
                self.settings.scroll = self.settings.scroll.min(last);
                match action {
                    Some(SettingsAction::Copy(text)) => vec![Effect::Copy(text)],
                    Some(SettingsAction::Export(files)) => vec![Effect::Export(files)],
                    None => vec![],
                }
            }
            Screen::Local => {
                let help = self.keymap().rows(self.lang, self.size.0);
                let last = super::view::local::max_scroll(&self.local, self.lang, self.size, help);
                match self.local.key(key, page, last)? {
                    Some(action) => self.local_action(action),
                    None => vec![],
                }
            }
            Screen::Backup => match self.backup.key(key, page)? {
                Some(BackupAction::Start) => self.start_backup(),
                Some(BackupAction::Cancel) => vec![Effect::CancelBackup],
                None => vec![],
            },
            _ => return None,
        };
        Some(effects)
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

    fn doctor_action(&mut self, action: DoctorAction) -> Vec<Effect> {
        match action {
            DoctorAction::Run => {
                let generation = self.doctor.start();
                vec![Effect::Doctor {
                    generation,
                    profile: self.profile.clone(),
                    address: self.address.clone(),
                    today: self.today,
                }]
            }
            DoctorAction::Report => match self.sign_in_data() {
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
            DoctorAction::Save => match &self.doctor.support {
                SupportView::Preview { report, path, .. } => vec![Effect::SaveSupport {
                    report: Arc::clone(report),
                    path: path.clone(),
                }],
                _ => vec![],
            },
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

    /// Keeps the folders screen's selection inside the list and on screen.
    pub(super) fn clamp_folders(&mut self) {
        let count = match self.server(self.folders.side) {
            ServerStatus::Ready(inventory) => inventory.folders.len(),
            _ => 0,
        };
        let page = folder_page(self.size, self.lang);
        self.folders.clamp(count, page);
    }

    /// Keeps the verify list's selection inside the list and on screen.
    fn clamp_verify(&mut self) {
        let len = self
            .verify
            .outcome()
            .map(|o| findings_of(&o.report, KINDS[self.verify.kind]).len())
            .unwrap_or(0);
        self.verify.clamp(len, list_page(self.size, self.lang));
    }
}

/// The screen a number, Tab or BackTab leads to from `screen`.
fn menu_step(screen: Screen, code: KeyCode) -> Screen {
    let at = Screen::MENU.iter().position(|s| *s == screen).unwrap_or(0);
    let n = Screen::MENU.len();
    match code {
        KeyCode::Char(c @ '1'..='9') => {
            let index = usize::from(c as u8 - b'1');
            Screen::MENU.get(index).copied().unwrap_or(screen)
        }
        KeyCode::Tab => Screen::MENU[(at + 1) % n],
        KeyCode::BackTab => Screen::MENU[(at + n - 1) % n],
        _ => screen,
    }
}
