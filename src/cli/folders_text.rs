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
    if !inventory.largest.is_empty() {
        out.push('\n');
        out.push_str(&tr!(lang, "inventory-largest"));
        out.push('\n');
        let mut table = Table::new(&[
            (&tr!(lang, "inventory-col-size"), Align::Right),
            (&tr!(lang, "inventory-col-folder"), Align::Left),
            (&tr!(lang, "inventory-col-date"), Align::Left),
            (&tr!(lang, "inventory-col-from"), Align::Left),
            (&tr!(lang, "inventory-col-subject"), Align::Left),
            (&tr!(lang, "inventory-col-over-limit"), Align::Left),
        ]);
        for message in &inventory.largest {
            table.row(vec![
                human_size(message.size),
                message.folder.clone(),
                message
                    .date
                    .as_deref()
                    .map(|d| d.chars().take(10).collect())
                    .unwrap_or_default(),
                truncate(message.from.as_deref().unwrap_or(""), 30),
                truncate(message.subject.as_deref().unwrap_or(""), 40),
                if message.over_limit {
                    tr!(lang, "inventory-over-limit-mark")
                } else {
                    String::new()
                },
            ]);
        }
        out.push_str(&table.render());
    }
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
    if !inventory.largest.is_empty() {
        out.push('\n');
        out.push_str(&tr!(lang, "inventory-largest"));
        out.push('\n');
        let mut table = Table::new(&[
            (&tr!(lang, "inventory-col-size"), Align::Right),
            (&tr!(lang, "inventory-col-date"), Align::Left),
            (&tr!(lang, "inventory-col-from"), Align::Left),
            (&tr!(lang, "inventory-col-subject"), Align::Left),
        ]);
        for message in &inventory.largest {
            table.row(vec![
                human_size(message.size),
                message
                    .date
                    .as_deref()
                    .map(|d| d.chars().take(10).collect())
                    .unwrap_or_default(),
                truncate(message.from.as_deref().unwrap_or(""), 30),
                truncate(message.subject.as_deref().unwrap_or(""), 40),
            ]);
        }
        out.push_str(&table.render());
    }
    out
}
