//! # How an inventory reads for people (`ikou folders`, `ikou quota`)
//!
//! The text face of `service::inventory` and `service::pop3_inventory` results; `--json`
//! prints the same values serialised.

use crate::i18n::Lang;
use crate::report::{Align, Table, grouped, human_size, role, truncate};
use crate::service::inventory::Inventory;
use crate::service::pop3_inventory::Pop3Inventory;

/// The folder table with totals.
pub fn folders_text(inventory: &Inventory, lang: Lang) -> String {
    let mut table = Table::new(&[
        (&tr!(lang, "inventory-col-folder"), Align::Left),
        (&tr!(lang, "inventory-col-role"), Align::Left),
        (&tr!(lang, "inventory-col-messages"), Align::Right),
        (&tr!(lang, "inventory-col-unseen"), Align::Right),
        (&tr!(lang, "inventory-col-size"), Align::Right),
    ]);
    for folder in &inventory.folders {
        if !folder.selectable {
            table.row(vec![
                folder.name.clone(),
                tr!(lang, "inventory-container"),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        table.row(vec![
            folder.name.clone(),
            role(folder.special_use, lang),
            grouped(u64::from(folder.messages)),
            folder
                .unseen
                .map(|u| grouped(u64::from(u)))
                .unwrap_or_default(),
            human_size(folder.size),
        ]);
    }
    table.row(vec![
        tr!(lang, "inventory-total"),
        String::new(),
        grouped(inventory.total_messages),
        String::new(),
        human_size(inventory.total_size),
    ]);
    let delimiter = inventory
        .delimiter
        .map(|d| format!("'{d}'"))
        .unwrap_or_else(|| "-".into());
    let mut out = tr!(
        lang,
        "inventory-server-delimiter",
        server = inventory.server.as_str(),
        delimiter = delimiter
    );
    out.push_str("\n\n");
    out.push_str(&table.render());
    out
}

/// Quota, usage against the migration target, and the largest messages.
pub fn quota_text(inventory: &Inventory, target_bytes: u64, lang: Lang) -> String {
    let mut out = tr!(lang, "inventory-server", server = inventory.server.as_str());
    out.push_str("\n\n");
    let quota = &inventory.quota;
    if quota.reported_by_server {
        let mut table = Table::new(&[
            (&tr!(lang, "inventory-col-quota-root"), Align::Left),
            (&tr!(lang, "inventory-col-used"), Align::Right),
            (&tr!(lang, "inventory-col-limit"), Align::Right),
            ("%", Align::Right),
            (&tr!(lang, "inventory-col-messages"), Align::Right),
            (&tr!(lang, "inventory-col-msg-limit"), Align::Right),
        ]);
        for root in &quota.roots {
            let percent = match (root.storage_used, root.storage_limit) {
                (Some(u), Some(l)) if l > 0 => format!("{:.0}%", u as f64 * 100.0 / l as f64),
                _ => String::new(),
            };
            table.row(vec![
                root.root.clone(),
                root.storage_used.map(human_size).unwrap_or_default(),
                root.storage_limit.map(human_size).unwrap_or_default(),
                percent,
                root.messages_used.map(grouped).unwrap_or_default(),
                root.messages_limit.map(grouped).unwrap_or_default(),
            ]);
        }
        out.push_str(&table.render());
    } else if quota.capability {
        out.push_str(&tr!(lang, "inventory-quota-supported-no-limit"));
        out.push('\n');
    } else {
        out.push_str(&tr!(lang, "inventory-no-quota"));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&tr!(
        lang,
        "inventory-sum-of-sizes",
        size = human_size(quota.usage_from_sizes),
        count = grouped(quota.messages_from_counts),
    ));
    out.push('\n');
    if target_bytes > 0 {
        let over = quota.usage_from_sizes.saturating_sub(target_bytes);
        if over > 0 {
            out.push_str(&tr!(
                lang,
                "inventory-target-exceeded",
                target = human_size(target_bytes),
                over = human_size(over),
            ));
            out.push('\n');
        } else {
            out.push_str(&tr!(
                lang,
                "inventory-target-within",
                target = human_size(target_bytes)
            ));
            out.push('\n');
        }
    }
    out.push_str(&largest_text(
        inventory.largest.iter().map(|m| Largest {
            size: m.size,
            folder: Some((m.folder.as_str(), m.over_limit)),
            date: m.date.as_deref(),
            from: m.from.as_deref(),
            subject: m.subject.as_deref(),
        }),
        lang,
    ));
    if let Some(limit) = inventory.size_limit
        && inventory.over_limit > 0
    {
        out.push('\n');
        out.push_str(&tr!(
            lang,
            "inventory-over-limit",
            count = inventory.over_limit,
            limit = human_size(limit)
        ));
        out.push('\n');
    }
    out
}

/// A POP3 maildrop: STAT/LIST/UIDL figures and, when asked, the largest messages.
pub fn pop3_text(inventory: &Pop3Inventory, lang: Lang) -> String {
    let mut out = tr!(
        lang,
        "inventory-server-pop3",
        server = inventory.server.as_str()
    );
    out.push_str("\n\n");
    let mut table = Table::new(&[
        (&tr!(lang, "inventory-col-item"), Align::Left),
        (&tr!(lang, "inventory-col-value"), Align::Right),
    ]);
    table.row(vec![
        tr!(lang, "inventory-pop3-messages"),
        grouped(u64::from(inventory.messages)),
    ]);
    table.row(vec![
        tr!(lang, "inventory-pop3-size"),
        human_size(inventory.size),
    ]);
    table.row(vec![
        tr!(lang, "inventory-pop3-listed-size"),
        human_size(inventory.listed_size),
    ]);
    table.row(vec![
        tr!(lang, "inventory-pop3-unique-ids"),
        grouped(inventory.unique_ids as u64),
    ]);
    out.push_str(&table.render());
    out.push_str(&tr!(lang, "inventory-pop3-no-folders"));
    out.push('\n');
    out.push_str(&largest_text(
        inventory.largest.iter().map(|m| Largest {
            size: m.size,
            folder: None,
            date: m.date.as_deref(),
            from: m.from.as_deref(),
            subject: m.subject.as_deref(),
        }),
        lang,
    ));
    out
}

/// One of the largest messages as the table shows it; `folder` (with whether it is over
/// the new server's limit) only where the server has folders (IMAP, not POP3).
struct Largest<'a> {
    size: u64,
    folder: Option<(&'a str, bool)>,
    date: Option<&'a str>,
    from: Option<&'a str>,
    subject: Option<&'a str>,
}

/// The largest messages under their heading, or nothing when there are none.
fn largest_text<'a>(messages: impl Iterator<Item = Largest<'a>>, lang: Lang) -> String {
    let messages: Vec<Largest<'a>> = messages.collect();
    let Some(first) = messages.first() else {
        return String::new();
    };
    let folders = first.folder.is_some();
    let mut columns = vec![(tr!(lang, "inventory-col-size"), Align::Right)];
    if folders {
        columns.push((tr!(lang, "inventory-col-folder"), Align::Left));
    }
    columns.push((tr!(lang, "inventory-col-date"), Align::Left));
    columns.push((tr!(lang, "inventory-col-from"), Align::Left));
    columns.push((tr!(lang, "inventory-col-subject"), Align::Left));
    if folders {
        columns.push((tr!(lang, "inventory-col-over-limit"), Align::Left));
    }
    let headers: Vec<(&str, Align)> = columns.iter().map(|(t, a)| (t.as_str(), *a)).collect();
    let mut table = Table::new(&headers);
    for m in &messages {
        let mut row = vec![human_size(m.size)];
        if let Some((folder, _)) = m.folder {
            row.push(folder.to_string());
        }
        row.push(
            m.date
                .map(|d| d.chars().take(10).collect())
                .unwrap_or_default(),
        );
        row.push(truncate(m.from.unwrap_or(""), 30));
        row.push(truncate(m.subject.unwrap_or(""), 40));
        if let Some((_, over_limit)) = m.folder {
            row.push(if over_limit {
                tr!(lang, "inventory-over-limit-mark")
            } else {
                String::new()
            });
        }
        table.row(row);
    }
    format!("\n{}\n{}", tr!(lang, "inventory-largest"), table.render())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::inventory::{LargeMessage, QuotaReport};
    use crate::service::pop3_inventory::Pop3Message;

    fn large(folder: &str, size: u64, over_limit: bool) -> LargeMessage {
        LargeMessage {
            folder: folder.into(),
            uid: 1,
            size,
            date: Some("2024-04-01T09:00:00+09:00".into()),
            from: Some("山田 <yamada@example.jp>".into()),
            subject: Some("資料".into()),
            over_limit,
        }
    }

    /// The largest-messages table: IMAP has the folder and the over-limit mark, POP3 (no
    /// folders) neither; both show size, day, sender and subject.
    #[test]
    fn largest_messages_table_for_imap_and_pop3() {
        let inventory = Inventory {
            server: "old:993".into(),
            delimiter: Some('/'),
            folders: Vec::new(),
            total_messages: 2,
            total_size: 60 << 20,
            quota: QuotaReport {
                reported_by_server: false,
                capability: false,
                roots: Vec::new(),
                usage_from_sizes: 60 << 20,
                messages_from_counts: 2,
            },
            largest: vec![
                large("INBOX", 40 << 20, true),
                large("送信済み", 20 << 20, false),
            ],
            size_limit: Some(35 << 20),
            over_limit: 1,
        };
        let text = quota_text(&inventory, 0, Lang::En);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines
            .iter()
            .position(|l| *l == tr!(Lang::En, "inventory-largest"))
            .expect("heading");
        for (column, cell) in [("Folder", "INBOX"), ("Date", "2024-04-01")] {
            assert!(lines[at + 1].contains(column), "{}", lines[at + 1]);
            assert!(lines[at + 3].contains(cell), "{}", lines[at + 3]);
        }
        assert!(lines[at + 3].contains(&tr!(Lang::En, "inventory-over-limit-mark")));
        assert!(lines[at + 4].contains("送信済み") && lines[at + 4].contains("資料"));

        let pop3 = Pop3Inventory {
            server: "old:995".into(),
            messages: 1,
            size: 1000,
            listed_size: 1000,
            unique_ids: 1,
            largest: vec![Pop3Message {
                msgno: 1,
                uidl: None,
                size: 1000,
                date: Some("2024-04-02T09:00:00+09:00".into()),
                from: Some("a@example.jp".into()),
                subject: Some("件名".into()),
            }],
        };
        let text = pop3_text(&pop3, Lang::En);
        assert!(text.contains(&tr!(Lang::En, "inventory-largest")));
        assert!(!text.contains("Folder"));
        assert!(text.contains("2024-04-02") && text.contains("件名"));
        let empty = Pop3Inventory {
            largest: Vec::new(),
            ..pop3
        };
        assert!(!pop3_text(&empty, Lang::En).contains(&tr!(Lang::En, "inventory-largest")));
    }
}
