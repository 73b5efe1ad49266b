//! # Folders: one server's folders with counts and sizes, scrollable, sortable by size

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::parts::{Theme, clean, side_title};
use crate::compare::mapping::MapReason;
use crate::compare::result::{FindingKind, FolderStatus, Severity};
use crate::i18n::Lang;
use crate::report::{grouped, human_size, role, truncate};
use crate::service::verify::VerifyReport;
use crate::tui::app::App;
use crate::tui::folders::{FolderSort, sorted_folders};
use crate::tui::layout::folder_page;
use crate::tui::protocol::ServerStatus;

/// What the last verification found for one old folder and the new folder it is paired with:
/// the identity comparison's problems, never a difference of counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FolderVerdict {
    /// Missing, too large to migrate, or not proven present.
    pub missing: u64,
    /// Extra copies in the new folder.
    pub duplicates: u64,
    pub garbled: u64,
    /// Any other problem of this folder.
    pub other: u64,
    /// The comparison calls the folder group different without any problem finding in it
    /// (fewer messages in a count-only run).
    pub differs: bool,
}

impl FolderVerdict {
    pub fn of(report: &VerifyReport, old: &str, new: &str) -> Self {
        let mut v = FolderVerdict::default();
        for f in &report.comparison.findings {
            if f.severity != Severity::Problem {
                continue;
            }
            let here = f.old_folder.as_deref() == Some(old);
            let in_new = f.old_folder.is_none() && f.new_folder.as_deref() == Some(new);
            match f.reason.kind() {
                FindingKind::Missing | FindingKind::Oversize | FindingKind::Unproven if here => {
                    v.missing += 1
                }
                FindingKind::Duplicate if here || in_new => v.duplicates += 1,
                FindingKind::Garbled if here => v.garbled += 1,
                // The folder's messages are counted as missing already.
                FindingKind::FolderMissing => {}
                _ if here => v.other += 1,
                _ => {}
            }
        }
        // A group that differs by its problems already shows them on the rows they concern.
        v.differs =
            report.comparison.folders.iter().any(|g| {
                g.new_folder == new && g.status == FolderStatus::Differs && g.problems == 0
            });
        v
    }

    /// No problem and the group matches: the only state shown as "=".
    pub fn is_clean(&self) -> bool {
        *self == FolderVerdict::default()
    }

    /// The full words when they fit in `width` columns, else the short ones.
    pub fn describe(&self, lang: Lang, width: usize) -> String {
        let full = self.words(lang, false);
        if unicode_width::UnicodeWidthStr::width(full.as_str()) <= width {
            full
        } else {
            self.words(lang, true)
        }
    }

    fn words(&self, lang: Lang, short: bool) -> String {
        if self.is_clean() {
            return tr!(lang, "folders-status-ok");
        }
        let mut parts = Vec::new();
        if self.missing > 0 {
            parts.push(if short {
                tr!(lang, "folders-status-missing-short", count = self.missing)
            } else {
                tr!(lang, "folders-status-missing", count = self.missing)
            });
        }
        if self.duplicates > 0 {
            parts.push(if short {
                tr!(
                    lang,
                    "folders-status-duplicates-short",
                    count = self.duplicates
                )
            } else {
                tr!(lang, "folders-status-duplicates", count = self.duplicates)
            });
        }
        if self.garbled > 0 {
            parts.push(if short {
                tr!(lang, "folders-status-garbled-short", count = self.garbled)
            } else {
                tr!(lang, "folders-status-garbled", count = self.garbled)
            });
        }
        if self.other > 0 {
            parts.push(if short {
                tr!(lang, "folders-status-other-short", count = self.other)
            } else {
                tr!(lang, "folders-status-other", count = self.other)
            });
        }
        if parts.is_empty() {
            parts.push(tr!(lang, "folders-status-differs"));
        }
        parts.join(" ")
    }
}

/// The widths a [`Table`] gives `columns` in `width` cells (its defaults: columns one
/// cell apart, packed to the start).
fn column_widths(columns: &[Constraint], width: u16) -> Vec<usize> {
    Layout::horizontal(columns.iter().copied())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| usize::from(r.width))
        .collect()
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let theme = Theme::new(app.colour);
    let view = &app.folders;
    let sort = match view.sort {
        FolderSort::Server => tr!(lang, "folders-sort-server"),
        FolderSort::Size => tr!(lang, "folders-sort-size"),
    };
    let title = tr!(
        lang,
        "folders-title",
        side = side_title(view.side, lang),
        sort = sort
    );
    let block = Block::bordered().title(format!(" {title} "));
    let inventory = match app.server(view.side) {
        ServerStatus::Ready(inventory) => inventory,
        ServerStatus::Failed(reason) => {
            let text = vec![
                Line::styled(tr!(lang, "folders-cannot-connect"), theme.bad()),
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
            let text = tr!(lang, "folders-not-loaded");
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        }
    };
    let [table_area, totals_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    let page = folder_page(app.size, lang);
    // Narrow terminals give the status room the size column had: no status is cut short.
    let wide = area.width >= 100;
    let status_width: u16 = if wide { 30 } else { 20 };
    let folders = sorted_folders(inventory, view.sort);
    // Old folders next to where they go on the new server, when both are known. A finished
    // verification decides the pairing (by contents) and every status; without one the
    // names pair the folders and no status is claimed.
    let report = app.verify.outcome().map(|o| &o.report);
    let mapping = report.map(|r| &r.raw_mapping).or(app.mapping.as_ref());
    let mapped = match (view.side, mapping, app.server(crate::profile::Side::New)) {
        (crate::profile::Side::Old, Some(mapping), ServerStatus::Ready(new)) => {
            Some((mapping, new))
        }
        _ => None,
    };
    // Old folder, messages, size, new folder, messages, status. The names are cut here, by
    // display width and with an ellipsis, to the widths the table gives them.
    let mapped_columns = [
        Constraint::Fill(5),
        Constraint::Length(6),
        Constraint::Length(if wide { 9 } else { 0 }),
        Constraint::Fill(4),
        Constraint::Length(6),
        Constraint::Length(status_width),
    ];
    let widths = column_widths(&mapped_columns, block.inner(table_area).width);
    let rows = folders
        .iter()
        .enumerate()
        .skip(view.offset)
        .take(page)
        .map(|(i, f)| {
            let name = clean(&f.name);
            let name = if mapped.is_some() {
                truncate(&name, widths[0])
            } else {
                name
            };
            let mut cells = vec![Cell::from(name)];
            if !f.selectable {
                cells.push(Cell::from(tr!(lang, "folders-container")));
            } else if let Some((mapping, new)) = mapped {
                cells.push(right(grouped(u64::from(f.messages))));
                cells.push(right(human_size(f.size)));
                match mapping.new_for(&f.name) {
                    Some(entry) if entry.reason == MapReason::NotOnNew => cells.push(
                        Cell::from(tr!(lang, "verify-folder-not-on-new-cell")).style(theme.bad()),
                    ),
                    Some(entry) => {
                        let new_count = new
                            .folders
                            .iter()
                            .find(|n| n.name == entry.new)
                            .map(|n| u64::from(n.messages))
                            .unwrap_or(0);
                        // Several old folders may feed one new folder: compare the sums.
                        let old_sum: u64 = mapping
                            .entries
                            .iter()
                            .filter(|e| e.new == entry.new)
                            .filter_map(|e| inventory.folders.iter().find(|o| o.name == e.old))
                            .map(|o| u64::from(o.messages))
                            .sum();
                        let target = format!("-> {}", clean(&entry.new));
                        cells.push(Cell::from(truncate(&target, widths[3])));
                        cells.push(right(grouped(new_count)));
                        cells.push(match report {
                            Some(report) => {
                                let status = FolderVerdict::of(report, &f.name, &entry.new);
                                let style = if status.is_clean() {
                                    theme.ok()
                                } else {
                                    theme.bad()
                                };
                                let text = status.describe(lang, usize::from(status_width));
                                Cell::from(Line::from(text).right_aligned()).style(style)
                            }
                            None => {
                                // Counts alone prove nothing: the sums stay neutral.
                                let diff = i128::from(new_count) - i128::from(old_sum);
                                Cell::from(
                                    Line::from(tr!(
                                        lang,
                                        "folders-status-unverified",
                                        diff = format!("{diff:+}")
                                    ))
                                    .right_aligned(),
                                )
                                .style(theme.dim())
                            }
                        });
                    }
                    None => {
                        cells.push(Cell::from(tr!(lang, "folders-not-mapped")).style(theme.bad()))
                    }
                }
            } else {
                cells.push(Cell::from(role(f.special_use, lang)));
                cells.push(right(grouped(u64::from(f.messages))));
                cells.push(right(
                    f.unseen.map(|u| grouped(u64::from(u))).unwrap_or_default(),
                ));
                cells.push(right(human_size(f.size)));
            }
            let row = Row::new(cells);
            if i == view.selected {
                row.style(theme.selected())
            } else {
                row
            }
        });
    let table = if mapped.is_some() {
        let header = Row::new(vec![
            Cell::from(tr!(lang, "folders-column-old")),
            right(tr!(lang, "folders-column-msgs")),
            right(tr!(lang, "folders-column-size")),
            Cell::from(tr!(lang, "folders-column-new")),
            right(tr!(lang, "folders-column-msgs")),
            right(tr!(lang, "folders-status-column")),
        ])
        .style(theme.key());
        Table::new(rows, mapped_columns).header(header)
    } else {
        let header = Row::new(vec![
            Cell::from(tr!(lang, "folders-column-folder")),
            Cell::from(tr!(lang, "folders-column-role")),
            right(tr!(lang, "folders-column-messages")),
            right(tr!(lang, "folders-column-unseen")),
            right(tr!(lang, "folders-column-size")),
        ])
        .style(theme.key());
        Table::new(
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
    }
    .block(block);
    frame.render_widget(table, table_area);
    let shown_to = (view.offset + page).min(folders.len());
    let totals = tr!(
        lang,
        "folders-totals",
        messages = grouped(inventory.total_messages),
        size = human_size(inventory.total_size),
        first = (view.offset + 1).to_string(),
        last = shown_to.to_string(),
        folders = folders.len().to_string()
    );
    let totals = format!(" {totals}");
    frame.render_widget(Paragraph::new(totals), totals_area);
}
