//! # Screen geometry: the title bar's tabs and how many list rows fit

use super::screen::Screen;
use crate::i18n::Lang;

/// The menu's tabs as the title bar shows them: label and screen, right-aligned.
pub fn tabs(lang: Lang) -> Vec<(String, Screen)> {
    Screen::MENU
        .iter()
        .enumerate()
        .map(|(i, screen)| (format!(" {} {} ", i + 1, screen.title(lang)), *screen))
        .collect()
}

/// The tabs as the title bar of a `width`-column terminal shows them: whole labels when they
/// leave room for the address, else numbers only with the current screen named, so that at
/// 80 columns the user still sees whose mailbox this is.
pub fn title_tabs(lang: Lang, address: &str, current: Screen, width: u16) -> Vec<(String, Screen)> {
    use unicode_width::UnicodeWidthStr;
    let full = tabs(lang);
    let full_width: usize = full.iter().map(|(label, _)| label.width()).sum();
    // " ikou 移行 | address " must fit beside them.
    let left = 12 + address.width() + 2;
    if full_width + left <= usize::from(width) {
        return full;
    }
    full.into_iter()
        .enumerate()
        .map(|(i, (label, screen))| {
            if screen == current {
                (label, screen)
            } else {
                (format!(" {} ", i + 1), screen)
            }
        })
        .collect()
}

/// The tab under `column` of the title bar, for a terminal `width` columns wide.
pub fn tab_at(
    lang: Lang,
    address: &str,
    current: Screen,
    column: u16,
    width: u16,
) -> Option<Screen> {
    use unicode_width::UnicodeWidthStr;
    let tabs = title_tabs(lang, address, current, width);
    let total: usize = tabs.iter().map(|(label, _)| label.width()).sum();
    let mut x = usize::from(width).checked_sub(total)?;
    for (label, screen) in tabs {
        let end = x + label.width();
        if (x..end).contains(&usize::from(column)) {
            return Some(screen);
        }
        x = end;
    }
    None
}

/// Rows of the folder table that fit on screen (title, help, borders, header, totals).
pub fn folder_page(size: (u16, u16), lang: Lang) -> usize {
    let help = super::folders::keymap().rows(lang, size.0);
    usize::from(size.1.saturating_sub(5 + help)).max(1)
}

/// Rows of the verify lists and the backup checklist that fit on screen (title, help,
/// borders, header, the two lines under the table).
pub fn list_page(size: (u16, u16), lang: Lang) -> usize {
    let help = super::verify::list_keymap(true).rows(lang, size.0);
    usize::from(size.1.saturating_sub(6 + help)).max(1)
}
