//! # The folders screen's position, order and keys

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::keys::{Binding, CURSOR, Global, Keymap, action, bind, key, listed, moved_cursor};
use crate::model::FolderInfo;
use crate::profile::Side;
use crate::service::inventory::Inventory;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderSort {
    /// As the server lists them.
    Server,
    /// Largest first.
    Size,
}

/// The folders screen's position.
#[derive(Debug, Clone)]
pub struct FolderView {
    pub side: Side,
    pub sort: FolderSort,
    pub selected: usize,
    pub offset: usize,
}

/// What a key does on the folders screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKey {
    Move,
    Sort,
    Side,
}

/// The folders screen's keys: handling and the help bar both read this table.
pub const KEYS: &[Binding<FolderKey>] = &[
    bind(
        CURSOR,
        FolderKey::Move,
        key("Up/Dn/PgUp/PgDn", "tui-key-move"),
    ),
    bind(
        &[KeyCode::Char('s')],
        FolderKey::Sort,
        key("s", "tui-key-sort"),
    ),
    bind(
        &[KeyCode::Char('o')],
        FolderKey::Side,
        key("o", "tui-key-old-new"),
    ),
];

/// The help bar of the folders screen.
pub fn keymap() -> Keymap {
    Keymap::new(listed(KEYS), Global::All)
}

impl FolderView {
    /// Moves, sorts or switches servers on pages of `page` rows; `None` when the key is not
    /// the screen's (global keys then apply). Call [`Self::clamp`] afterwards (with the
    /// length of the list now shown).
    pub fn key(&mut self, key: KeyEvent, page: usize) -> Option<FolderKey> {
        let action = action(KEYS, key.code)?;
        match action {
            FolderKey::Move => self.selected = moved_cursor(self.selected, key.code, page),
            FolderKey::Sort => {
                self.sort = match self.sort {
                    FolderSort::Server => FolderSort::Size,
                    FolderSort::Size => FolderSort::Server,
                };
                self.selected = 0;
            }
            FolderKey::Side => {
                self.side = match self.side {
                    Side::Old => Side::New,
                    Side::New => Side::Old,
                };
                self.selected = 0;
                self.offset = 0;
            }
        }
        Some(action)
    }

    /// Keeps the selection inside a list of `count` folders and on a page of `page` rows.
    pub fn clamp(&mut self, count: usize, page: usize) {
        self.selected = self.selected.min(count.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(count.saturating_sub(page));
    }
}

/// Folders in display order.
pub fn sorted_folders(inventory: &Inventory, sort: FolderSort) -> Vec<&FolderInfo> {
    let mut folders: Vec<&FolderInfo> = inventory.folders.iter().collect();
    if sort == FolderSort::Size {
        folders.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
    }
    folders
}
