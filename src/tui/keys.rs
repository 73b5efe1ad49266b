//! # Keys as data: bindings, the help bar they make, and the cursor keys every list shares
//!
//! A screen lists its keys as [`Binding`]s (the keys, what they do, the help entry); its
//! `key` method looks the pressed key up in that table and its `keymap` method lists the
//! same table for the help bar, so the two cannot drift apart. [`help_lines`] lays the help
//! bar out, and its height sets how much room the screens get. Nothing here knows a screen.

use ratatui::crossterm::event::KeyCode;
use unicode_width::UnicodeWidthStr;

use crate::i18n::Lang;

/// One entry of the help bar: the key(s) and what they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// A help entry: `keys` and the message id of their label.
pub const fn key(keys: &'static str, id: &'static str) -> KeyHelp {
    KeyHelp { keys, id }
}

/// Keys and what they do on one screen: the table both key handling and the help bar read.
#[derive(Debug, Clone, Copy)]
pub struct Binding<A> {
    pub codes: &'static [KeyCode],
    pub action: A,
    /// The help bar's entry; `None` when the key works without being listed (Esc to leave,
    /// or the second half of an entry such as "Up/Down").
    pub help: Option<KeyHelp>,
}

/// A listed binding.
pub const fn bind<A>(codes: &'static [KeyCode], action: A, help: KeyHelp) -> Binding<A> {
    Binding {
        codes,
        action,
        help: Some(help),
    }
}

/// A binding that works but is not listed on its own.
pub const fn unlisted<A>(codes: &'static [KeyCode], action: A) -> Binding<A> {
    Binding {
        codes,
        action,
        help: None,
    }
}

/// What `code` does in `table`, if it is there.
pub fn action<A: Copy>(table: &[Binding<A>], code: KeyCode) -> Option<A> {
    table
        .iter()
        .find(|b| b.codes.contains(&code))
        .map(|b| b.action)
}

/// The help entries of `table`, in its order.
pub fn listed<A>(table: &[Binding<A>]) -> Vec<KeyHelp> {
    table.iter().filter_map(|b| b.help).collect()
}

/// The cursor keys of every list: Up/k, Down/j, PageUp, PageDown, Home, End.
pub const CURSOR: &[KeyCode] = &[
    KeyCode::Up,
    KeyCode::Char('k'),
    KeyCode::Down,
    KeyCode::Char('j'),
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Home,
    KeyCode::End,
];

/// Whether `code` moves a list's cursor ([`CURSOR`]).
pub fn moves_cursor(code: KeyCode) -> bool {
    CURSOR.contains(&code)
}

/// The cursor after a key that [`moves_cursor`], on pages of `page` rows; the caller keeps it
/// inside its list (End gives `usize::MAX`).
pub fn moved_cursor(selected: usize, code: KeyCode, page: usize) -> usize {
    match code {
        KeyCode::Up | KeyCode::Char('k') => selected.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => selected.saturating_add(1),
        KeyCode::PageUp => selected.saturating_sub(page),
        KeyCode::PageDown => selected.saturating_add(page),
        KeyCode::Home => 0,
        KeyCode::End => usize::MAX,
        _ => selected,
    }
}

/// Which of the keys that work everywhere the help bar lists after a screen's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    /// Screens, reload, sign-in, language, quit.
    All,
    /// Only Ctrl-C (the sign-in form, where letters are typed).
    CtrlC,
    /// Only the language and quit (inside a drill-down; all still work).
    Short,
    /// None: the screen's list says everything.
    None,
}

/// What a key that works on every screen (but the sign-in form) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalKey {
    /// A number picks a screen of the menu; Tab and BackTab step through it.
    Screen,
    Reload,
    SignIn,
    Language,
    Quit,
    /// Back to the overview (never out).
    Back,
}

/// The keys of every screen but the sign-in form, after the screen's own: handling and
/// the help bar both read this table.
pub const GLOBAL_KEYS: &[Binding<GlobalKey>] = &[
    bind(
        &[
            KeyCode::Char('1'),
            KeyCode::Char('2'),
            KeyCode::Char('3'),
            KeyCode::Char('4'),
            KeyCode::Char('5'),
            KeyCode::Char('6'),
            KeyCode::Char('7'),
            KeyCode::Char('8'),
            KeyCode::Char('9'),
            KeyCode::Tab,
            KeyCode::BackTab,
        ],
        GlobalKey::Screen,
        key("1-7/Tab", "tui-key-screen"),
    ),
    bind(
        &[KeyCode::Char('r')],
        GlobalKey::Reload,
        key("r", "tui-key-reload"),
    ),
    bind(
        &[KeyCode::Char('a')],
        GlobalKey::SignIn,
        key("a", "tui-key-sign-in"),
    ),
    bind(
        &[KeyCode::Char('l'), KeyCode::Char('L')],
        GlobalKey::Language,
        key("l", "tui-key-x"),
    ),
    bind(
        &[KeyCode::Char('q')],
        GlobalKey::Quit,
        key("q", "tui-key-quit"),
    ),
    unlisted(&[KeyCode::Esc], GlobalKey::Back),
];

/// A screen's help bar: its own keys, then the global ones it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    pub keys: Vec<KeyHelp>,
    pub global: Global,
}

impl Keymap {
    pub fn new(keys: Vec<KeyHelp>, global: Global) -> Keymap {
        Keymap { keys, global }
    }

    /// Every entry of the help bar, in order.
    pub fn entries(&self) -> Vec<KeyHelp> {
        let mut keys = self.keys.clone();
        let global = GLOBAL_KEYS.iter().filter(|b| match self.global {
            Global::All => true,
            Global::Short => matches!(b.action, GlobalKey::Language | GlobalKey::Quit),
            Global::CtrlC | Global::None => false,
        });
        keys.extend(global.filter_map(|b| b.help));
        if self.global == Global::CtrlC {
            keys.push(key("Ctrl-C", "tui-key-quit"));
        }
        keys
    }

    /// The help bar's rows: entries (`key label`) never split, each row filled greedily.
    pub fn lines(&self, lang: Lang, columns: u16) -> Vec<Vec<KeyHelp>> {
        let mut lines: Vec<Vec<KeyHelp>> = vec![Vec::new()];
        let mut used = 1;
        for entry in self.entries() {
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
    pub fn rows(&self, lang: Lang, columns: u16) -> u16 {
        u16::try_from(self.lines(lang, columns).len())
            .unwrap_or(3)
            .min(3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_bar_lists_the_global_table_in_its_order() {
        let ids = |map: Keymap| map.entries().iter().map(|k| k.keys).collect::<Vec<_>>();
        assert_eq!(
            ids(Keymap::new(vec![key("s", "tui-key-sort")], Global::All)),
            ["s", "1-7/Tab", "r", "a", "l", "q"]
        );
        assert_eq!(ids(Keymap::new(vec![], Global::Short)), ["l", "q"]);
        assert_eq!(ids(Keymap::new(vec![], Global::CtrlC)), ["Ctrl-C"]);
        assert!(ids(Keymap::new(vec![], Global::None)).is_empty());
    }

    #[test]
    fn the_same_table_answers_the_keys() {
        assert_eq!(
            action(GLOBAL_KEYS, KeyCode::Char('7')),
            Some(GlobalKey::Screen)
        );
        assert_eq!(
            action(GLOBAL_KEYS, KeyCode::BackTab),
            Some(GlobalKey::Screen)
        );
        assert_eq!(
            action(GLOBAL_KEYS, KeyCode::Char('L')),
            Some(GlobalKey::Language)
        );
        assert_eq!(action(GLOBAL_KEYS, KeyCode::Esc), Some(GlobalKey::Back));
        assert_eq!(action(GLOBAL_KEYS, KeyCode::Char('s')), None);
        // Esc works without being listed.
        assert!(!listed(GLOBAL_KEYS).iter().any(|k| k.keys == "Esc"));
    }

    #[test]
    fn cursor_keys_move_within_pages() {
        assert!(moves_cursor(KeyCode::Char('j')));
        assert!(!moves_cursor(KeyCode::Char('x')));
        assert_eq!(moved_cursor(5, KeyCode::PageUp, 10), 0);
        assert_eq!(moved_cursor(5, KeyCode::PageDown, 10), 15);
        assert_eq!(moved_cursor(5, KeyCode::End, 10), usize::MAX);
    }
}
