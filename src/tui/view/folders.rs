//! # Folders: one server's folders with counts and sizes, scrollable, sortable by size

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::{Theme, clean, side_title};
use crate::i18n::Lang;
use crate::model::SpecialUse;
use crate::report::{grouped, human_size};
use crate::tui::app::{App, FolderSort, ServerStatus, folder_page, sorted_folders};

fn role(special_use: Option<SpecialUse>, lang: Lang) -> &'static str {
    match special_use {
        None => "",
        Some(SpecialUse::Inbox) => lang.pick("受信", "inbox"),
        Some(SpecialUse::Sent) => lang.pick("送信済み", "sent"),
        Some(SpecialUse::Drafts) => lang.pick("下書き", "drafts"),
        Some(SpecialUse::Trash) => lang.pick("ごみ箱", "trash"),
        Some(SpecialUse::Junk) => lang.pick("迷惑メール", "junk"),
        Some(SpecialUse::Archive) => lang.pick("アーカイブ", "archive"),
        Some(SpecialUse::All) => lang.pick("すべて", "all"),
        Some(SpecialUse::Flagged) => lang.pick("フラグ付き", "flagged"),
    }
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::of(app);
    let view = &app.folders;
    let sort = match view.sort {
        FolderSort::Server => lang.pick("サーバー順", "server order"),
        FolderSort::Size => lang.pick("サイズ順", "largest first"),
    };
    let block = Block::bordered().title(format!(
        " {} {} ({}) ",
        side_title(view.side, lang),
        lang.pick("のフォルダ", "folders"),
        sort
    ));
    let inventory = match app.server(view.side) {
        ServerStatus::Ready(inventory) => inventory,
        ServerStatus::Failed(reason) => {
            let text = vec![
                Line::styled(lang.pick("接続できません:", "Cannot connect:"), theme.bad()),
                Line::raw(clean(reason)),
            ];
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .block(block),
                area,
            );
            return;
        }
        _ => {
            let text = lang.pick("まだ読み込んでいません。", "Not loaded yet.");
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        }
    };
    let [table_area, totals_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let page = folder_page(app.size, lang);
    let folders = sorted_folders(inventory, view.sort);
    let rows = folders
        .iter()
        .enumerate()
        .skip(view.offset)
        .take(page)
        .map(|(i, f)| {
            let row = if f.selectable {
                Row::new(vec![
                    Cell::from(clean(&f.name)),
                    Cell::from(role(f.special_use, lang)),
                    right(grouped(u64::from(f.messages))),
                    right(f.unseen.map(|u| grouped(u64::from(u))).unwrap_or_default()),
                    right(human_size(f.size)),
                ])
            } else {
                Row::new(vec![
                    Cell::from(clean(&f.name)),
                    Cell::from(lang.pick("(入れ物)", "(container)")),
                ])
            };
            if i == view.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let header = Row::new(vec![
        Cell::from(lang.pick("フォルダ", "Folder")),
        Cell::from(lang.pick("用途", "Role")),
        right(lang.pick("件数", "Messages").into()),
        right(lang.pick("未読", "Unseen").into()),
        right(lang.pick("サイズ", "Size").into()),
    ])
    .style(theme.key());
    let table = Table::new(
        rows,
        [
            Constraint::Min(16),
            Constraint::Length(11),
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Length(10),
        ],
    )
    .header(header)
    .block(block);
    frame.render_widget(table, table_area);
    let shown_to = (view.offset + page).min(folders.len());
    let totals = match lang {
        Lang::Ja => format!(
            " 合計 {} 通 {}   {}-{} / {} フォルダ",
            grouped(inventory.total_messages),
            human_size(inventory.total_size),
            view.offset + 1,
            shown_to,
            folders.len()
        ),
        Lang::En => format!(
            " Total {} messages {}   {}-{} of {} folders",
            grouped(inventory.total_messages),
            human_size(inventory.total_size),
            view.offset + 1,
            shown_to,
            folders.len()
        ),
    };
    frame.render_widget(Paragraph::new(totals), totals_area);
}
