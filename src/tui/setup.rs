//! # The first-run form's state: profile, address, passwords

use std::path::PathBuf;
use std::sync::Arc;

use super::config::ProfileChoice;
use super::input::Input;
use crate::profile::{Profile, Side};

/// Where the first-run form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupStep {
    /// The mail address, from which the organisation's profile is found.
    Find,
    Profile,
    Address,
    Password(Side),
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
    pub find: super::find::FindState,
}
