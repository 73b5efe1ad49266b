//! # The folders screen's position and order

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::layout::{moved_cursor, moves_cursor};
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

impl FolderView {
    /// Moves, sorts or switches servers; `page` is how many rows fit. Call [`Self::clamp`]
    /// afterwards.
    pub fn key(&mut self, key: KeyEvent, page: usize) {
        match key.code {
            code if moves_cursor(code) => self.selected = moved_cursor(self.selected, code, page),
            KeyCode::Char('s') => {
                self.sort = match self.sort {
                    FolderSort::Server => FolderSort::Size,
                    FolderSort::Size => FolderSort::Server,
                };
                self.selected = 0;
            }
            KeyCode::Char('o') => {
                self.side = match self.side {
                    Side::Old => Side::New,
                    Side::New => Side::Old,
                };
                self.selected = 0;
                self.offset = 0;
            }
            _ => {}
        }
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
