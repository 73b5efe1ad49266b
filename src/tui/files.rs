//! # The effects that read files and the environment, performed at once
//!
//! Finding and loading profile files, checking which password variables are set and
//! putting a remembered path in its canonical form are quick local reads, so the runtime
//! performs them on the spot and feeds the answer straight back to `update` (the network
//! waits for tasks, in `tasks.rs`). [`App::new`] is [`App::init`] with these done: what the
//! event loop and the tests start from.

use super::app::{App, AppOptions};
use super::config::{ProfileChoice, Remembered, discover};
use super::protocol::{Effect, Msg, TaskEvent};

/// Performs `effect` when it only reads files or the environment, and gives its answer;
/// `None` for every other effect.
pub fn perform(effect: &Effect) -> Option<TaskEvent> {
    match effect {
        Effect::DiscoverProfiles { extra, dirs } => {
            Some(TaskEvent::ProfilesDiscovered(discover(extra, dirs)))
        }
        Effect::LoadProfile(path) => Some(TaskEvent::ProfileLoaded(Box::new(ProfileChoice::load(
            path,
        )))),
        Effect::PasswordEnv(names) => Some(TaskEvent::PasswordEnv(names.clone().map(|name| {
            std::env::var(&name)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|_| name)
        }))),
        _ => None,
    }
}

/// What is saved for next time: a profile path only when it names a file (a built-in
/// profile has none; it is found again next time), in its canonical form.
pub fn on_disk(remembered: Remembered) -> Remembered {
    Remembered {
        profile: remembered
            .profile
            .filter(|path| path.is_file())
            .map(|path| std::fs::canonicalize(&path).unwrap_or(path)),
        address: remembered.address,
    }
}

/// Performs the file and environment effects among `effects`, feeding each answer back to
/// `app`, until only the others are left; those are returned in order.
pub fn settle(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let mut rest = Vec::new();
    for effect in effects {
        match perform(&effect) {
            Some(answer) => {
                let more = app.update(Msg::Task(answer));
                rest.extend(settle(app, more));
            }
            None => rest.push(effect),
        }
    }
    rest
}

/// `app.update(msg)` with the file and environment effects performed at once.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let effects = app.update(msg);
    settle(app, effects)
}

impl App {
    /// The app at its start with the profile files read (an explicit `--profile` is then
    /// taken, skipping the list).
    pub fn new(options: AppOptions) -> App {
        let (mut app, effects) = App::init(options);
        let rest = settle(&mut app, effects);
        debug_assert!(rest.is_empty(), "the start needs only files: {rest:?}");
        app
    }
}
