//! # The Settings screen's state: which protocol and mail program, and what to copy or export
//!
//! The table itself is `settings::build` + `settings::render_text`, the same as `ikou
//! settings`; this file only holds the person's choices and turns `y` (copy) and `x`
//! (export) into the text and files the runtime writes.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::keys::{
    Binding, CURSOR, Global, Keymap, action, bind, key, listed, moved_cursor, unlisted,
};
use crate::i18n::Lang;
use crate::profile::Profile;
use crate::settings::{self, Client, ClientProtocol, ClientSettings};

/// The protocol filter, in the order `p` cycles through it.
pub const PROTOCOLS: [Option<ClientProtocol>; 5] = [
    None,
    Some(ClientProtocol::Imap),
    Some(ClientProtocol::Pop),
    Some(ClientProtocol::Smtp),
    Some(ClientProtocol::Exchange),
];

/// The mail program, in the order `c` cycles through it.
pub const CLIENTS: [Option<Client>; 6] = [
    None,
    Some(Client::Thunderbird),
    Some(Client::Outlook),
    Some(Client::Apple),
    Some(Client::Ios),
    Some(Client::Android),
];

pub fn client_label(client: Option<Client>, lang: Lang) -> String {
    match client {
        None => tr!(lang, "settings-any"),
        Some(Client::Thunderbird) => "Thunderbird".into(),
        Some(Client::Outlook) => "Outlook".into(),
        Some(Client::Apple) => "Apple Mail".into(),
        Some(Client::Ios) => "iPhone/iPad".into(),
        Some(Client::Android) => "Android".into(),
    }
}

pub fn protocol_label(protocol: Option<ClientProtocol>, lang: Lang) -> String {
    match protocol {
        None => tr!(lang, "settings-all"),
        Some(p) => p.label().to_string(),
    }
}

/// What a key does on the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SettingsKey {
    Protocol,
    Client,
    Copy,
    Export,
    Scroll,
}

/// The settings screen's keys: handling and the help bar both read this table.
const KEYS: &[Binding<SettingsKey>] = &[
    bind(
        &[KeyCode::Char('p')],
        SettingsKey::Protocol,
        key("p", "tui-key-protocol"),
    ),
    bind(
        &[KeyCode::Char('c')],
        SettingsKey::Client,
        key("c", "tui-key-mail-program"),
    ),
    bind(
        &[KeyCode::Char('y')],
        SettingsKey::Copy,
        key("y", "tui-key-copy"),
    ),
    bind(
        &[KeyCode::Char('x')],
        SettingsKey::Export,
        key("x", "tui-key-export-files"),
    ),
    unlisted(CURSOR, SettingsKey::Scroll),
];

/// The help bar of the settings screen.
pub fn keymap() -> Keymap {
    Keymap::new(listed(KEYS), Global::All)
}

#[derive(Debug, Clone, Default)]
pub struct SettingsState {
    /// Index into [`PROTOCOLS`].
    pub protocol: usize,
    /// Index into [`CLIENTS`].
    pub client: usize,
    pub scroll: u16,
    /// The last copy or export, for the status line.
    pub notice: Option<String>,
}

/// What the Settings screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsAction {
    /// Put this text on the clipboard (OSC 52: works over SSH, no clipboard tool needed).
    Copy(String),
    /// Write these files.
    Export(Vec<(PathBuf, String)>),
}

impl SettingsState {
    pub fn build(&self, profile: Option<&Profile>, address: &str) -> ClientSettings {
        let address = (!address.is_empty()).then_some(address);
        settings::build(
            profile,
            address,
            PROTOCOLS[self.protocol],
            CLIENTS[self.client],
        )
    }

    /// Handles a key; `None` when it is not the screen's.
    pub fn key(
        &mut self,
        key: KeyEvent,
        profile: Option<&Profile>,
        address: &str,
        lang: Lang,
    ) -> Option<Option<SettingsAction>> {
        match action(KEYS, key.code)? {
            SettingsKey::Protocol => {
                self.protocol = (self.protocol + 1) % PROTOCOLS.len();
                self.scroll = 0;
            }
            SettingsKey::Client => {
                self.client = (self.client + 1) % CLIENTS.len();
                self.scroll = 0;
            }
            SettingsKey::Scroll => {
                // By lines and pages of ten; `update` stops it at the last page.
                let at = moved_cursor(usize::from(self.scroll), key.code, 10);
                self.scroll = u16::try_from(at).unwrap_or(u16::MAX);
            }
            SettingsKey::Copy => {
                let text = settings::render_text(&self.build(profile, address), lang);
                self.notice = Some(tr!(lang, "settings-copied-the-settings-to-the"));
                return Some(Some(SettingsAction::Copy(text)));
            }
            SettingsKey::Export => {
                return Some(Some(SettingsAction::Export(self.files(profile, address))));
            }
        }
        Some(None)
    }

    /// The export: the tables in both languages, Thunderbird's autoconfig and, when it can
    /// be made, an Apple configuration profile; named after the domain.
    pub fn files(&self, profile: Option<&Profile>, address: &str) -> Vec<(PathBuf, String)> {
        let built = self.build(profile, address);
        let stem = if built.domain.is_empty() {
            "ikou-settings".to_string()
        } else {
            format!("{}-settings", safe(&built.domain))
        };
        let mut files = vec![
            (
                PathBuf::from(format!("{stem}.ja.txt")),
                settings::render_text(&built, Lang::Ja),
            ),
            (
                PathBuf::from(format!("{stem}.en.txt")),
                settings::render_text(&built, Lang::En),
            ),
            (
                PathBuf::from(format!("{stem}.config-v1.1.xml")),
                settings::render_autoconfig(&built),
            ),
        ];
        if let Ok(plist) = settings::render_mobileconfig(&built) {
            files.push((PathBuf::from(format!("{stem}.mobileconfig")), plist));
        }
        files
    }
}

/// A file-name-safe form of a domain.
fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}
