//! # The screens of the full-screen view and their titles

use crate::i18n::Lang;

/// A full screen of the application. Only screens that work are in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Profile, address and sign-in; not in the menu (key `a` opens it).
    Setup,
    Overview,
    Folders,
    Backup,
    Verify,
    Doctor,
    Settings,
    /// The mail kept only in Thunderbird on this PC (POP users), and its upload.
    Local,
}

impl Screen {
    /// The menu, in order; number keys 1.. pick from it.
    pub const MENU: [Screen; 7] = [
        Screen::Overview,
        Screen::Folders,
        Screen::Backup,
        Screen::Verify,
        Screen::Doctor,
        Screen::Settings,
        Screen::Local,
    ];

    pub fn title(self, lang: Lang) -> String {
        match self {
            Screen::Setup => tr!(lang, "tui-sign-in"),
            Screen::Overview => tr!(lang, "tui-overview"),
            Screen::Folders => tr!(lang, "tui-folders"),
            Screen::Backup => tr!(lang, "tui-backup"),
            Screen::Verify => tr!(lang, "tui-verify"),
            Screen::Doctor => tr!(lang, "tui-doctor"),
            Screen::Settings => tr!(lang, "tui-settings"),
            Screen::Local => tr!(lang, "local-tui-tab"),
        }
    }
}
