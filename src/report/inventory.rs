//! # How an inventory reads for people (`ikou folders`, `ikou quota`)

use super::{Align, Table, grouped, human_size};
use crate::i18n::Lang;
use crate::model::SpecialUse;
use crate::service::inventory::Inventory;
use crate::service::pop3_inventory::Pop3Inventory;

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

/// The folder table with totals.
pub fn folders_text(inventory: &Inventory, lang: Lang) -> String {
    let mut table = Table::new(&[
        (lang.pick("フォルダ", "Folder"), Align::Left),
        (lang.pick("用途", "Role"), Align::Left),
        (lang.pick("件数", "Messages"), Align::Right),
        (lang.pick("未読", "Unseen"), Align::Right),
        (lang.pick("サイズ", "Size"), Align::Right),
    ]);
    for folder in &inventory.folders {
        if !folder.selectable {
            table.row(vec![
                folder.name.clone(),
                lang.pick("(入れ物のみ)", "(container)").into(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            continue;
        }
        table.row(vec![
            folder.name.clone(),
            role(folder.special_use, lang).into(),
            grouped(u64::from(folder.messages)),
            folder
                .unseen
                .map(|u| grouped(u64::from(u)))
                .unwrap_or_default(),
            human_size(folder.size),
        ]);
    }
    table.row(vec![
        lang.pick("合計", "Total").into(),
        String::new(),
        grouped(inventory.total_messages),
        String::new(),
        human_size(inventory.total_size),
    ]);
    let mut out = format!(
        "{}: {}  ({}: {})\n\n",
        lang.pick("サーバー", "Server"),
        inventory.server,
        lang.pick("区切り文字", "delimiter"),
        inventory
            .delimiter
            .map(|d| format!("'{d}'"))
            .unwrap_or_else(|| "-".into())
    );
    out.push_str(&table.render());
    out
}

/// Quota, usage against the migration target, and the largest messages.
pub fn quota_text(inventory: &Inventory, target_bytes: u64, lang: Lang) -> String {
    let mut out = format!(
        "{}: {}\n\n",
        lang.pick("サーバー", "Server"),
        inventory.server
    );
    let quota = &inventory.quota;
    if quota.reported_by_server {
        let mut table = Table::new(&[
            (lang.pick("クォータ", "Quota root"), Align::Left),
            (lang.pick("使用量", "Used"), Align::Right),
            (lang.pick("上限", "Limit"), Align::Right),
            ("%", Align::Right),
            (lang.pick("件数", "Messages"), Align::Right),
            (lang.pick("件数上限", "Msg limit"), Align::Right),
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
        out.push_str(lang.pick(
            "このアカウントにはクォータが設定されていません (QUOTA 対応、上限なし)。使用量はメッセージのサイズから計算しました。\n",
            "No quota is set for this account (QUOTA supported, no limit); usage below is computed from message sizes.\n",
        ));
    } else {
        out.push_str(lang.pick(
            "このサーバーはクォータを報告しません (QUOTA 非対応)。使用量はメッセージのサイズから計算しました。\n",
            "This server reports no quota (no QUOTA capability); usage below is computed from message sizes.\n",
        ));
    }
    out.push('\n');
    out.push_str(&format!(
        "{}: {} / {} {}\n",
        lang.pick("メッセージの合計", "Sum of message sizes"),
        human_size(quota.usage_from_sizes),
        grouped(quota.messages_from_counts),
        lang.pick("通", "messages"),
    ));
    if target_bytes > 0 {
        let over = quota.usage_from_sizes.saturating_sub(target_bytes);
        if over > 0 {
            out.push_str(&format!(
                "{} {} ({} {})\n",
                lang.pick("移行前の目標", "Migration target"),
                human_size(target_bytes),
                lang.pick("を超えています: 削減が必要な量", "exceeded; reduce by"),
                human_size(over),
            ));
        } else {
            out.push_str(&format!(
                "{} {} {}\n",
                lang.pick("移行前の目標", "Migration target"),
                human_size(target_bytes),
                lang.pick("以内です。", "— within the target."),
            ));
        }
    }
    if !inventory.largest.is_empty() {
        out.push('\n');
        out.push_str(lang.pick("大きいメッセージ:\n", "Largest messages:\n"));
        let mut table = Table::new(&[
            (lang.pick("サイズ", "Size"), Align::Right),
            (lang.pick("フォルダ", "Folder"), Align::Left),
            (lang.pick("日付", "Date"), Align::Left),
            (lang.pick("差出人", "From"), Align::Left),
            (lang.pick("件名", "Subject"), Align::Left),
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
            ]);
        }
        out.push_str(&table.render());
    }
    out
}

/// Cuts text to at most `columns` display columns, marking the cut with '…'.
pub fn truncate(text: &str, columns: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= columns {
        return text.to_string();
    }
    let mut width = 0;
    let mut out = String::new();
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > columns.saturating_sub(1) {
            out.push('…');
            return out;
        }
        width += w;
        out.push(c);
    }
    out
}

/// A POP3 maildrop: STAT/LIST/UIDL figures and, when asked, the largest messages.
pub fn pop3_text(inventory: &Pop3Inventory, lang: Lang) -> String {
    let mut out = format!(
        "{}: {} (POP3)\n\n",
        lang.pick("サーバー", "Server"),
        inventory.server
    );
    let mut table = Table::new(&[
        (lang.pick("項目", "Item"), Align::Left),
        (lang.pick("値", "Value"), Align::Right),
    ]);
    table.row(vec![
        lang.pick("メッセージ数 (STAT)", "Messages (STAT)")
            .to_string(),
        grouped(u64::from(inventory.messages)),
    ]);
    table.row(vec![
        lang.pick("サイズ (STAT)", "Size (STAT)").to_string(),
        human_size(inventory.size),
    ]);
    table.row(vec![
        lang.pick("サイズ合計 (LIST)", "Size (sum of LIST)")
            .to_string(),
        human_size(inventory.listed_size),
    ]);
    table.row(vec![
        lang.pick("固有 ID (UIDL)", "Unique ids (UIDL)").to_string(),
        grouped(inventory.unique_ids as u64),
    ]);
    out.push_str(&table.render());
    out.push_str(lang.pick(
        "POP3 にはフォルダがありません。ここにあるのはサーバーの受信箱 (INBOX) です。\n",
        "POP3 has no folders: this is the server's INBOX.\n",
    ));
    if !inventory.largest.is_empty() {
        out.push('\n');
        out.push_str(lang.pick("大きいメッセージ:\n", "Largest messages:\n"));
        let mut table = Table::new(&[
            (lang.pick("サイズ", "Size"), Align::Right),
            (lang.pick("日付", "Date"), Align::Left),
            (lang.pick("差出人", "From"), Align::Left),
            (lang.pick("件名", "Subject"), Align::Left),
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
