//! # The sign-in flow: from the form to both servers' inventories
//!
//! The form's actions ([`SetupAction`]) become the profile taken, the passwords asked for,
//! and at last the sign-in: the choice remembered and both servers gathered in the
//! background. The servers' reports (stage, device code, inventory) come back here, and
//! the folder mapping is made once both are ready. Pure like the rest of `update`.

use std::path::PathBuf;
use std::sync::Arc;

use super::app::{App, LARGEST};
use super::backup::BackupState;
use super::config::Remembered;
use super::protocol::{Effect, GatherRequest, ServerStatus, Stage};
use super::screen::Screen;
use super::setup::{SetupAction, SetupStep};
use super::verify::VerifyState;
use crate::compare::mapping::map_folders;
use crate::profile::discovery::ProfileOrigin;
use crate::profile::{Profile, Side};
use crate::service::inventory::Inventory;

impl App {
    /// Carries out what the form asked for.
    pub(super) fn setup_action(&mut self, action: Option<SetupAction>) -> Vec<Effect> {
        match action {
            None => vec![],
            Some(SetupAction::Find {
                generation,
                address,
            }) => vec![Effect::FindProfile {
                generation,
                address,
            }],
            Some(SetupAction::Load(path)) => vec![Effect::LoadProfile(path)],
            Some(SetupAction::Use {
                path,
                profile,
                origin,
            }) => self.use_profile(path, profile, origin),
            Some(SetupAction::Address(address)) => {
                self.address = address;
                self.next_password(None)
            }
            Some(SetupAction::Password(side, secret)) => {
                self.secrets[side.index()] = secret;
                self.next_password(Some(side))
            }
            Some(SetupAction::Leave) => {
                self.leave_setup();
                vec![]
            }
        }
    }

    /// Back to the screens if signed in before, else quit.
    fn leave_setup(&mut self) {
        if self.profile.is_some() {
            self.screen = Screen::Overview;
        } else {
            self.quit = true;
        }
    }

    /// Takes `profile` (from `path`) for the sign-in form, which comes next; which
    /// passwords are already in the environment is asked of the runtime (the form's hint).
    fn use_profile(
        &mut self,
        path: PathBuf,
        profile: Arc<Profile>,
        origin: Option<ProfileOrigin>,
    ) -> Vec<Effect> {
        let names = self.setup.use_profile(path, profile, origin);
        vec![Effect::PasswordEnv(names)]
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
            self.secrets[side.index()] = None;
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
        // The runtime keeps the path only when it is a file (a built-in profile has none;
        // it is found again next time), in its canonical form.
        let mut effects = vec![Effect::Remember(Remembered {
            profile: Some(path),
            address: Some(self.address.clone()),
        })];
        effects.extend(self.start_gather());
        effects
    }

    /// Both servers, again from the start (sign-in, reload).
    pub(super) fn start_gather(&mut self) -> Vec<Effect> {
        let Some(profile) = self.profile.clone() else {
            return vec![];
        };
        self.generation += 1;
        self.mapping = None;
        self.device_code = None;
        let mut effects = Vec::new();
        for side in [Side::Old, Side::New] {
            self.servers[side.index()] = ServerStatus::Working(Stage::Connecting);
            effects.push(Effect::Gather(GatherRequest {
                side,
                generation: self.generation,
                profile: profile.clone(),
                address: self.address.clone(),
                secret: self.secrets[side.index()].clone(),
                largest: if side == Side::Old { LARGEST } else { 0 },
                lang: self.lang,
            }));
        }
        self.folders.selected = 0;
        self.folders.offset = 0;
        effects
    }

    /// One server's inventory (or why not) for the current sign-in.
    pub(super) fn on_inventory(&mut self, side: Side, result: Result<Box<Inventory>, String>) {
        if self.device_code.as_ref().is_some_and(|d| d.side == side) {
            self.device_code = None;
        }
        if side == Side::Old
            && let Ok(inventory) = &result
        {
            self.backup.set_folders(inventory);
            if self.backup.path.is_empty() {
                let path = self.backup_default();
                self.backup.path.set(&path.display().to_string());
            }
        }
        self.servers[side.index()] = match result {
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
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use chrono::NaiveDate;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::i18n::Lang;
    use crate::profile::Side;
    use crate::tui::app::{App, AppOptions};
    use crate::tui::config::{ProfileChoice, Remembered};
    use crate::tui::protocol::{Effect, Msg, TaskEvent};
    use crate::tui::setup::SetupStep;

    fn shipped() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/profiles/exchange-online.toml")
    }

    fn options(profile: Option<PathBuf>) -> AppOptions {
        AppOptions {
            lang: Lang::En,
            profile,
            address: Some("taro@example-univ.ac.jp".into()),
            remembered: Remembered::default(),
            profile_dirs: vec![PathBuf::from("/nonexistent/profiles")],
            size: (80, 24),
            today: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
            colour: false,
        }
    }

    fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    #[test]
    fn the_start_asks_for_the_profile_files_and_reads_none_itself() {
        let (app, effects) = App::init(options(Some(shipped())));
        assert!(app.setup.choices.is_empty(), "nothing read yet");
        assert_eq!(app.setup.step, SetupStep::Profile);
        match effects.as_slice() {
            [Effect::DiscoverProfiles { extra, dirs }] => {
                assert_eq!(extra, &vec![shipped()]);
                assert_eq!(dirs, &vec![PathBuf::from("/nonexistent/profiles")]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_given_profile_is_taken_when_the_files_come_back() {
        let (mut app, _) = App::init(options(Some(shipped())));
        let choice = ProfileChoice::load(&shipped());
        let effects = app.update(Msg::Task(TaskEvent::ProfilesDiscovered(vec![choice])));
        assert_eq!(
            app.setup.step,
            SetupStep::Address,
            "--profile skips the list"
        );
        // The environment is asked by the runtime, not read here.
        match effects.as_slice() {
            [Effect::PasswordEnv([old, new])] => {
                assert!(old.ends_with("PASSWORD"), "{old}");
                assert!(new.ends_with("PASSWORD"), "{new}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(app.setup.env_password, [None, None]);
        let name = "IKOU_OLD_PASSWORD".to_string();
        app.update(Msg::Task(TaskEvent::PasswordEnv([
            Some(name.clone()),
            None,
        ])));
        assert_eq!(app.setup.env_password, [Some(name), None]);
    }

    #[test]
    fn a_typed_path_is_loaded_by_the_runtime() {
        let (mut app, _) = App::init(options(None));
        app.update(Msg::Task(TaskEvent::ProfilesDiscovered(vec![])));
        press(&mut app, KeyCode::Down);
        assert_eq!(app.setup.step, SetupStep::Profile);
        for c in "/tmp/x.toml".chars() {
            press(&mut app, KeyCode::Char(c));
        }
        let effects = press(&mut app, KeyCode::Enter);
        match effects.as_slice() {
            [Effect::LoadProfile(path)] => assert_eq!(path, Path::new("/tmp/x.toml")),
            other => panic!("{other:?}"),
        }
        assert_eq!(app.setup.step, SetupStep::Profile, "waits for the file");
        // A file that does not load: its reason, still on the list.
        let missing = ProfileChoice::load(Path::new("/nonexistent/x.toml"));
        let effects = app.update(Msg::Task(TaskEvent::ProfileLoaded(Box::new(missing))));
        assert!(effects.is_empty());
        assert_eq!(app.setup.step, SetupStep::Profile);
        assert!(app.setup.error.is_some());
        // One that loads: the address comes next.
        let loaded = Box::new(ProfileChoice::load(&shipped()));
        let effects = app.update(Msg::Task(TaskEvent::ProfileLoaded(loaded)));
        assert_eq!(app.setup.step, SetupStep::Address);
        assert!(matches!(effects.as_slice(), [Effect::PasswordEnv(_)]));
    }

    #[test]
    fn signing_in_leaves_the_path_as_chosen_for_the_runtime_to_resolve() {
        let (mut app, _) = App::init(options(Some(shipped())));
        app.update(Msg::Task(TaskEvent::ProfilesDiscovered(vec![
            ProfileChoice::load(&shipped()),
        ])));
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.setup.step, SetupStep::Password(Side::Old));
        let effects = press(&mut app, KeyCode::Enter);
        let remembered = effects
            .iter()
            .find_map(|e| match e {
                Effect::Remember(r) => Some(r.clone()),
                _ => None,
            })
            .expect("remembered");
        assert_eq!(remembered.profile, Some(shipped()));
        let saved = crate::tui::files::on_disk(remembered);
        assert_eq!(
            saved.profile,
            Some(std::fs::canonicalize(shipped()).expect("canonical"))
        );
        let built_in = crate::tui::files::on_disk(Remembered {
            profile: Some(PathBuf::from("built-in")),
            address: None,
        });
        assert_eq!(built_in.profile, None, "no file, nothing to remember");
    }
}
