//! # The first-run form: the address (the profile found from it), profile, passwords
//!
//! The form's state and its keys. A key changes the form and, where the app must act
//! (search, load a typed path, take a profile, sign in), comes back as a [`SetupAction`];
//! nothing here reads a file, the environment or the network.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::config::ProfileChoice;
use super::input::{Input, typed_path};
use super::keys::{Binding, Global, Keymap, action, bind, key, listed, unlisted};
use crate::i18n::Lang;
use crate::model::AuthMethod;
use crate::profile::discovery::{self, ProfileOrigin};
use crate::profile::{Profile, Side};
use crate::secret::Secret;
use crate::service::find_profile::FindReport;

/// Where the first-run form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupStep {
    /// The mail address, from which the organisation's profile is found.
    Find,
    Profile,
    Address,
    Password(Side),
}

/// The address line's search for the organisation's profile.
#[derive(Debug, Clone, Default)]
pub struct FindState {
    /// Moves on with each search, so a late answer to an older one is ignored.
    pub generation: u64,
    /// The domain being looked up now.
    pub looking: Option<String>,
    /// Where the chosen profile came from, when it was found from the address.
    pub origin: Option<ProfileOrigin>,
}

/// The first-run form: profile, address, passwords.
#[derive(Debug, Clone)]
pub struct SetupState {
    pub step: SetupStep,
    pub choices: Vec<ProfileChoice>,
    /// Index into `choices`; `choices.len()` is the "type a path" line.
    pub selected: usize,
    pub path: Input,
    pub address: Input,
    /// Old and new password fields (masked).
    pub passwords: [Input; 2],
    /// For each side, the environment variable that already holds a password, if set.
    pub env_password: [Option<String>; 2],
    /// The profile picked in the first step, and its file.
    pub chosen: Option<(PathBuf, Arc<Profile>)>,
    pub error: Option<String>,
    /// The address line: the search and where the profile came from.
    pub find: FindState,
    /// The profile to put the cursor on once the list is read (`--profile`, remembered).
    pub wanted: Option<PathBuf>,
    /// Take `wanted` as soon as the list is read (`--profile` skips the list).
    pub take_wanted: bool,
}

/// What the form asks the app to do.
#[derive(Debug, Clone)]
pub enum SetupAction {
    /// Look the organisation's profile up from the address (a background search).
    Find { generation: u64, address: String },
    /// Load the profile file whose path was typed.
    Load(PathBuf),
    /// Take this profile (from `path`); the address comes next.
    Use {
        path: PathBuf,
        profile: Arc<Profile>,
        origin: Option<ProfileOrigin>,
    },
    /// The address is typed: the passwords come next, or the sign-in.
    Address(String),
    /// The password for a side is typed (`None` when left empty).
    Password(Side, Option<Secret>),
    /// Back to the screens if signed in before, else quit.
    Leave,
}

/// What a key does on the form (which step decides which table applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKey {
    Submit,
    ToList,
    Up,
    Down,
    Back,
    Leave,
}

/// The address line (the profile is searched from it).
const FIND_KEYS: &[Binding<FormKey>] = &[
    bind(
        &[KeyCode::Enter],
        FormKey::Submit,
        key("Enter", "tui-key-find-the-profile"),
    ),
    bind(
        &[KeyCode::Down],
        FormKey::ToList,
        key("Down", "tui-key-choose-a-file"),
    ),
    unlisted(&[KeyCode::Esc], FormKey::Leave),
];

/// The list of profile files (its last line takes a typed path).
const PROFILE_KEYS: &[Binding<FormKey>] = &[
    bind(
        &[KeyCode::Up],
        FormKey::Up,
        key("Up/Down", "tui-key-choose"),
    ),
    unlisted(&[KeyCode::Down], FormKey::Down),
    bind(
        &[KeyCode::Enter],
        FormKey::Submit,
        key("Enter", "tui-key-select"),
    ),
    unlisted(&[KeyCode::Esc], FormKey::Leave),
];

/// The address and password fields.
const FIELD_KEYS: &[Binding<FormKey>] = &[
    bind(
        &[KeyCode::Enter],
        FormKey::Submit,
        key("Enter", "tui-key-next"),
    ),
    bind(&[KeyCode::Esc], FormKey::Back, key("Esc", "tui-key-back")),
];

impl SetupState {
    /// The form at its start: the address first, or the list with `wanted` preselected
    /// once it is read.
    pub fn new(address: &str, wanted: Option<PathBuf>, take_wanted: bool) -> SetupState {
        SetupState {
            // Without a profile given or remembered, the address comes first.
            step: if wanted.is_some() {
                SetupStep::Profile
            } else {
                SetupStep::Find
            },
            choices: Vec::new(),
            selected: 0,
            path: Input::default(),
            address: Input::new(address),
            passwords: [Input::masked(), Input::masked()],
            env_password: [None, None],
            chosen: None,
            error: None,
            find: FindState::default(),
            wanted,
            take_wanted,
        }
    }

    fn bindings(&self) -> &'static [Binding<FormKey>] {
        match self.step {
            SetupStep::Find => FIND_KEYS,
            SetupStep::Profile => PROFILE_KEYS,
            SetupStep::Address | SetupStep::Password(_) => FIELD_KEYS,
        }
    }

    /// The help bar of the step shown.
    pub fn keymap(&self) -> Keymap {
        Keymap::new(listed(self.bindings()), Global::CtrlC)
    }

    /// Handles a key; every key is the form's (letters are typed into the active field).
    pub fn key(&mut self, key: KeyEvent, lang: Lang) -> Option<SetupAction> {
        self.error = None;
        let Some(pressed) = action(self.bindings(), key.code) else {
            self.type_key(key);
            return None;
        };
        match (self.step, pressed) {
            (_, FormKey::Leave) => Some(SetupAction::Leave),
            (SetupStep::Find, FormKey::Submit) => self.search(lang),
            (SetupStep::Find, _) => {
                self.find.looking = None;
                self.find.generation += 1;
                self.step = SetupStep::Profile;
                self.selected = 0;
                None
            }
            (SetupStep::Profile, FormKey::Up) if self.selected == 0 => {
                self.step = SetupStep::Find;
                None
            }
            (SetupStep::Profile, FormKey::Up) => {
                self.selected = self.selected.saturating_sub(1);
                None
            }
            (SetupStep::Profile, FormKey::Down) => {
                self.selected = (self.selected + 1).min(self.choices.len());
                None
            }
            (SetupStep::Profile, _) => self.choose(lang),
            (SetupStep::Address, FormKey::Submit) => {
                let address = self.address.value().trim().to_string();
                if address.is_empty() {
                    self.error = Some(tr!(lang, "tui-enter-your-mail-address"));
                    return None;
                }
                Some(SetupAction::Address(address))
            }
            (SetupStep::Address, _) => {
                self.step = if self.find.origin.is_some() {
                    SetupStep::Find
                } else {
                    SetupStep::Profile
                };
                None
            }
            (SetupStep::Password(side), FormKey::Submit) => Some(SetupAction::Password(
                side,
                self.passwords[side.index()].take_secret(),
            )),
            (SetupStep::Password(side), _) => {
                self.step = match side {
                    Side::Old => SetupStep::Address,
                    Side::New if self.needs_password(Side::Old) => SetupStep::Password(Side::Old),
                    Side::New => SetupStep::Address,
                };
                None
            }
        }
    }

    /// A key that is not a binding: typed into the active field.
    fn type_key(&mut self, key: KeyEvent) {
        match self.step {
            SetupStep::Find | SetupStep::Address => self.address.edit(key),
            SetupStep::Profile if self.selected == self.choices.len() => self.path.edit(key),
            SetupStep::Profile => {}
            SetupStep::Password(side) => self.passwords[side.index()].edit(key),
        }
    }

    /// Enter on the address line: search for the profile of its domain.
    fn search(&mut self, lang: Lang) -> Option<SetupAction> {
        if self.find.looking.is_some() {
            return None;
        }
        let address = self.address.value().trim().to_string();
        if address.is_empty() {
            self.error = Some(tr!(lang, "package-find-enter-address"));
            return None;
        }
        match discovery::domain_of(&address) {
            Ok(domain) => {
                self.find.generation += 1;
                self.find.looking = Some(domain);
                Some(SetupAction::Find {
                    generation: self.find.generation,
                    address,
                })
            }
            Err(reason) => {
                self.error = Some(reason);
                None
            }
        }
    }

    /// Enter on the list: the profile under the cursor, or the typed path (to be loaded).
    fn choose(&mut self, lang: Lang) -> Option<SetupAction> {
        if let Some(choice) = self.choices.get(self.selected) {
            return self.take(&choice.clone());
        }
        let typed = self.path.value().trim();
        if typed.is_empty() {
            self.error = Some(tr!(lang, "tui-type-the-path-of-a"));
            return None;
        }
        Some(SetupAction::Load(typed_path(typed)))
    }

    /// A profile file read: taken when it loaded, else the reason is shown.
    pub fn take(&mut self, choice: &ProfileChoice) -> Option<SetupAction> {
        match &choice.loaded {
            Ok(profile) => Some(SetupAction::Use {
                path: choice.path.clone(),
                profile: Arc::new(profile.clone()),
                origin: None,
            }),
            Err(reason) => {
                self.error = Some(reason.clone());
                None
            }
        }
    }

    /// The profile files found: the wanted one gets the cursor, and is taken at once when
    /// it was given on the command line.
    pub fn discovered(&mut self, choices: Vec<ProfileChoice>, lang: Lang) -> Option<SetupAction> {
        self.choices = choices;
        self.selected = self
            .wanted
            .as_ref()
            .and_then(|w| self.choices.iter().position(|c| &c.path == w))
            .unwrap_or(0);
        if std::mem::take(&mut self.take_wanted) {
            return self.choose(lang);
        }
        None
    }

    /// The search's answer (an answer to an older search is ignored).
    pub fn found(
        &mut self,
        generation: u64,
        result: Result<Box<FindReport>, String>,
        lang: Lang,
    ) -> Option<SetupAction> {
        if generation != self.find.generation {
            return None;
        }
        self.find.looking = None;
        match result {
            Ok(report) => match report.found.clone() {
                Some(found) => {
                    let path = match &found.origin {
                        ProfileOrigin::File { path } => path.clone(),
                        ProfileOrigin::Cache { path, .. } => path.clone(),
                        ProfileOrigin::Embedded { file } => PathBuf::from(file),
                        _ => found.cached.clone().unwrap_or_default(),
                    };
                    Some(SetupAction::Use {
                        path,
                        profile: Arc::new(found.profile),
                        origin: Some(found.origin),
                    })
                }
                None => {
                    self.error = Some(crate::report::find::not_found(&report, lang));
                    None
                }
            },
            Err(reason) => {
                self.error = Some(reason);
                None
            }
        }
    }

    /// Takes `profile` (from `path`): the address comes next. Returns the names of the
    /// password variables to look for (the hint on the form).
    pub fn use_profile(
        &mut self,
        path: PathBuf,
        profile: Arc<Profile>,
        origin: Option<ProfileOrigin>,
    ) -> [String; 2] {
        if self.address.is_empty()
            && let Some(address) = &profile.account.address
        {
            self.address.set(address);
        }
        let names = [Side::Old, Side::New].map(|side| {
            profile
                .server(side)
                .password_env
                .clone()
                .unwrap_or_else(|| format!("{}_PASSWORD", side.env_prefix()))
        });
        self.chosen = Some((path, profile));
        self.find.origin = origin;
        self.step = SetupStep::Address;
        names
    }

    /// A password field is shown for servers that sign in with a password (not OAuth2).
    pub fn needs_password(&self, side: Side) -> bool {
        self.chosen
            .as_ref()
            .is_some_and(|(_, p)| p.server(side).auth != AuthMethod::Xoauth2)
    }
}
