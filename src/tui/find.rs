//! # The first screen's address line: the organisation's profile found from the address
//!
//! The person types only their mail address; Enter asks `service::find_profile` (built-in
//! profile, the organisation's web server, a saved copy, files here) as a background task.
//! A profile found goes straight to the sign-in form with its origin named; nothing found
//! says why (no network, nothing published) and leaves the local files to choose from.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Effect, SetupStep, TaskEvent};
use crate::profile::discovery::{self, ProfileOrigin};
use crate::service::find_profile::FindReport;

/// The address line's state.
#[derive(Debug, Clone, Default)]
pub struct FindState {
    /// Moves on with each search, so a late answer to an older one is ignored.
    pub generation: u64,
    /// The domain being looked up now.
    pub looking: Option<String>,
    /// Where the chosen profile came from, when it was found from the address.
    pub origin: Option<ProfileOrigin>,
}

impl App {
    /// Keys on the address line.
    pub(super) fn find_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match key.code {
            KeyCode::Enter if self.setup.find.looking.is_none() => {
                let address = self.setup.address.value().trim().to_string();
                if address.is_empty() {
                    self.setup.error = Some(tr!(self.lang, "package-find-enter-address"));
                    return vec![];
                }
                match discovery::domain_of(&address) {
                    Ok(domain) => {
                        self.setup.find.generation += 1;
                        self.setup.find.looking = Some(domain);
                        return vec![Effect::FindProfile {
                            generation: self.setup.find.generation,
                            address,
                        }];
                    }
                    Err(reason) => self.setup.error = Some(reason),
                }
            }
            KeyCode::Enter => {}
            KeyCode::Down => {
                self.setup.find.looking = None;
                self.setup.find.generation += 1;
                self.setup.step = SetupStep::Profile;
                self.setup.selected = 0;
            }
            KeyCode::Esc => self.leave_setup(),
            _ => self.setup.address.edit(key),
        }
        vec![]
    }

    /// The search's answer.
    pub(super) fn on_found(&mut self, generation: u64, result: Result<Box<FindReport>, String>) {
        if generation != self.setup.find.generation {
            return;
        }
        self.setup.find.looking = None;
        match result {
            Ok(report) => match report.found.clone() {
                Some(found) => {
                    let path = match &found.origin {
                        ProfileOrigin::File { path } => path.clone(),
                        ProfileOrigin::Cache { path, .. } => path.clone(),
                        ProfileOrigin::Embedded { file } => PathBuf::from(file),
                        _ => found.cached.clone().unwrap_or_default(),
                    };
                    self.use_profile(path, Arc::new(found.profile));
                    self.setup.find.origin = Some(found.origin);
                }
                None => {
                    self.setup.error = Some(crate::report::find::not_found(&report, self.lang));
                }
            },
            Err(reason) => self.setup.error = Some(reason),
        }
    }
}

/// Runs the search as a task; the answer comes back as [`TaskEvent::ProfileFound`].
pub fn spawn_find(
    generation: u64,
    address: String,
    tx: tokio::sync::mpsc::UnboundedSender<TaskEvent>,
) {
    tokio::spawn(async move {
        let options = crate::service::find_profile::FindOptions::from_env();
        let result = crate::service::find_profile::find(&address, &options)
            .await
            .map(Box::new);
        let _ = tx.send(TaskEvent::ProfileFound { generation, result });
    });
}
