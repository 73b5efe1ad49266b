//! # Keys as data: which keys are live on each screen, and the help bar they make
//!
//! [`keymap`] is the one list of keys and their labels per [`KeyMode`]; the help bar is laid
//! out from it ([`help_lines`]) and its height sets how much room the screens get.

use super::setup::SetupStep;
use crate::i18n::Lang;

/// Which keys are live: the screen and, within it, what it is showing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    Setup(SetupStep),
    Overview,
    Folders,
    /// The backup checklist; `editing` while the destination is being typed.
    Backup {
        editing: bool,
        running: bool,
    },
    VerifySummary {
        done: bool,
    },
    VerifyList {
        missing: bool,
    },
    VerifyHeaders,
    VerifyPlan,
    VerifyApplying,
    VerifyRestored,
    Doctor {
        running: bool,
    },
    /// The support report panel over the Doctor screen; `preview` while it can be saved.
    SupportReport {
        preview: bool,
    },
    Settings,
    Local(super::local::LocalKeys),
    /// The device code sign-in dialog.
    DeviceCode,
}

/// One entry of the help bar: the key(s) and what they do.
#[derive(Debug, Clone, Copy)]
pub struct KeyHelp {
    pub keys: &'static str,
    /// The label's message id (ui catalogs, `tui-key-*`).
    pub id: &'static str,
}

impl KeyHelp {
    /// What the key does, in `lang`.
    pub fn label(&self, lang: Lang) -> String {
        crate::i18n::message(lang, self.id, &[])
    }
}

const fn key(keys: &'static str, id: &'static str) -> KeyHelp {
    KeyHelp { keys, id }
}

/// The keymap shown in the help bar; `update` implements exactly these.
pub fn keymap(mode: KeyMode) -> Vec<KeyHelp> {
    let global = [
        key("1-7/Tab", "tui-key-screen"),
        key("r", "tui-key-reload"),
        key("a", "tui-key-sign-in"),
        key("l", "tui-key-x"),
        key("q", "tui-key-quit"),
    ];
    // Inside a drill-down only the language and quit stay listed (all still work).
    let short = [key("l", "tui-key-x"), key("q", "tui-key-quit")];
    let mut keys = match mode {
        KeyMode::Setup(SetupStep::Find) => vec![
            key("Enter", "tui-key-find-the-profile"),
            key("Down", "tui-key-choose-a-file"),
        ],
        KeyMode::Setup(SetupStep::Profile) => vec![
            key("Up/Down", "tui-key-choose"),
            key("Enter", "tui-key-select"),
        ],
        KeyMode::Setup(_) => vec![key("Enter", "tui-key-next"), key("Esc", "tui-key-back")],
        KeyMode::Overview => vec![],
        KeyMode::Folders => vec![
            key("Up/Dn/PgUp/PgDn", "tui-key-move"),
            key("s", "tui-key-sort"),
            key("o", "tui-key-old-new"),
        ],
        KeyMode::Backup { editing: true, .. } => {
            return vec![key("Enter", "tui-key-done")];
        }
        KeyMode::Backup { running: true, .. } => vec![key("c", "tui-key-cancel")],
        KeyMode::Backup { .. } => vec![
            key("Up/Dn", "tui-key-move"),
            key("Space", "tui-key-tick"),
            key("*", "tui-key-all"),
            key("e", "tui-key-destination"),
            key("s", "tui-key-start-resume"),
        ],
        KeyMode::VerifySummary { done: true } => vec![
            key("Up/Dn", "tui-key-kind"),
            key("Enter", "tui-key-list"),
            key("PgUp/PgDn", "tui-key-folder-table"),
            key("v", "tui-key-verify-again"),
        ],
        KeyMode::VerifySummary { done: false } => vec![key("v/Enter", "tui-key-verify")],
        KeyMode::VerifyList { missing } => {
            let mut k = vec![
                key("Up/Dn", "tui-key-move"),
                key("Left/Right", "tui-key-kind"),
                key("Enter", "tui-key-headers"),
            ];
            if missing {
                k.push(key("Space", "tui-key-mark"));
                k.push(key("p", "tui-key-restore-plan"));
            }
            k.push(key("Esc", "tui-key-back"));
            k.extend(short);
            return k;
        }
        KeyMode::VerifyHeaders => {
            let mut k = vec![
                key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                key("Esc", "tui-key-back"),
            ];
            k.extend(short);
            return k;
        }
        KeyMode::VerifyPlan => {
            return vec![
                key("y", "tui-key-restore-to-the-new-server"),
                key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                key("Esc", "tui-key-back-2"),
            ];
        }
        KeyMode::VerifyApplying => return vec![],
        KeyMode::DeviceCode => {
            return vec![
                key("y", "tui-key-copy-code"),
                key("u", "tui-key-copy-address"),
                key("l", "tui-key-x"),
                key("q", "tui-key-quit"),
            ];
        }
        KeyMode::Doctor { running: true } => vec![],
        KeyMode::Doctor { running: false } => vec![
            key("d/Enter", "tui-key-diagnose"),
            key("Up/Dn", "tui-key-choose"),
            key("h", "tui-key-report-for-the-helpdesk"),
        ],
        KeyMode::SupportReport { preview: true } => {
            return vec![
                key("s", "tui-key-save"),
                key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                key("Esc", "tui-key-close"),
                key("q", "tui-key-quit"),
            ];
        }
        KeyMode::SupportReport { preview: false } => {
            return vec![key("Esc", "tui-key-close"), key("q", "tui-key-quit")];
        }
        KeyMode::Settings => vec![
            key("p", "tui-key-protocol"),
            key("c", "tui-key-mail-program"),
            key("y", "tui-key-copy"),
            key("x", "tui-key-export-files"),
        ],
        KeyMode::Local(keys) => {
            let (keys, with_global) = super::local::keymap(keys);
            if !with_global {
                return keys;
            }
            keys
        }
        KeyMode::VerifyRestored => {
            return vec![
                key("v", "tui-key-verify-again"),
                key("Esc", "tui-key-back-to-the-list"),
                key("q", "tui-key-quit"),
            ];
        }
    };
    if matches!(mode, KeyMode::Setup(_)) {
        keys.push(key("Ctrl-C", "tui-key-quit"));
    } else {
        keys.extend(global);
    }
    keys
}

/// The help bar's text width in `lang` (entries joined as `key label  `).
pub fn help_width(mode: KeyMode, lang: Lang) -> usize {
    use unicode_width::UnicodeWidthStr;
    1 + keymap(mode)
        .iter()
        .map(|k| k.keys.width() + 1 + k.label(lang).width() + 2)
        .sum::<usize>()
}

/// The help bar's rows: entries (`key label`) never split, each row filled greedily.
pub fn help_lines(mode: KeyMode, lang: Lang, columns: u16) -> Vec<Vec<KeyHelp>> {
    use unicode_width::UnicodeWidthStr;
    let mut lines: Vec<Vec<KeyHelp>> = vec![Vec::new()];
    let mut used = 1;
    for entry in keymap(mode) {
        let width = entry.keys.width() + 1 + entry.label(lang).width();
        let last = lines.len() - 1;
        if used + width > usize::from(columns) && !lines[last].is_empty() {
            lines.push(Vec::new());
            used = 1;
        }
        used += width + 2;
        let last = lines.len() - 1;
        lines[last].push(entry);
    }
    lines
}

/// How many rows the help bar takes (at most three).
pub fn help_rows(mode: KeyMode, lang: Lang, columns: u16) -> u16 {
    u16::try_from(help_lines(mode, lang, columns).len())
        .unwrap_or(3)
        .min(3)
}
