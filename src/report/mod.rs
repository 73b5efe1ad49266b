//! # Output for people: aligned tables, sizes, exit codes
//!
//! Tables are aligned by terminal display width (a Japanese character takes two columns),
//! so folder names such as 送信済みトレイ line up. Exit codes are part of the interface:
//! 0 all good, 1 differences found (verify), 2 error.

pub mod find;
pub mod run;
pub mod signin;
mod table;
pub mod wrap;

pub use run::RunInfo;
pub use table::{Align, Table};

/// Process exit codes, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DIFFERENCES: i32 = 1;
    pub const ERROR: i32 = 2;
}

/// A size for people, in binary units (KiB, MiB, GiB: 1 MiB = 1,048,576 bytes), one decimal
/// above bytes, rounded to the nearest tenth, with the unit label of `lang`. The one size
/// format of every face: a message is the same size in `quota`, `verify` and the TUI.
pub fn size_text(bytes: u64, lang: crate::i18n::Lang) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    // Rounded to one decimal, 1023.96 KiB would print as "1024.0 KiB": move up a unit then.
    while unit < 4 && (value * 10.0).round() / 10.0 >= 1024.0 {
        value /= 1024.0;
        unit += 1;
    }
    let value = format!("{value:.1}");
    match unit {
        0 => tr!(lang, "common-size-bytes", count = bytes),
        1 => tr!(lang, "common-size-kib", value = value),
        2 => tr!(lang, "common-size-mib", value = value),
        3 => tr!(lang, "common-size-gib", value = value),
        _ => tr!(lang, "common-size-tib", value = value),
    }
}

/// [`size_text`] with the English unit labels, for text that has no language of its own.
pub fn human_size(bytes: u64) -> String {
    size_text(bytes, crate::i18n::Lang::En)
}

/// An RFC 3339 time (INTERNALDATE, a snapshot's date) in the local time zone, written the
/// way `lang` writes dates; `None` when it does not parse.
pub fn local_time(rfc3339: &str, lang: crate::i18n::Lang) -> Option<String> {
    let time = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(date_time_text(&time.with_timezone(&chrono::Local), lang))
}

/// A message's Date header (RFC 5322) in the local time zone and `lang`'s way of writing
/// dates; the header as written when it does not parse.
pub fn header_date(raw: &str, lang: crate::i18n::Lang) -> String {
    mail_parser::DateTime::parse_rfc822(raw)
        .filter(|d| d.is_valid())
        .and_then(|d| chrono::DateTime::from_timestamp(d.to_timestamp(), 0))
        .map(|d| date_time_text(&d.with_timezone(&chrono::Local), lang))
        .unwrap_or_else(|| raw.trim().to_string())
}

/// A calendar day the way `lang` writes it: `2025年3月31日(月)` / `Mon 31 Mar 2025`.
pub fn date_text(day: chrono::NaiveDate, lang: crate::i18n::Lang) -> String {
    use chrono::Datelike;
    tr!(
        lang,
        "common-date",
        year = day.year(),
        month_name = tr!(lang, "common-month", month = day.month()),
        day = day.day(),
        weekday = tr!(
            lang,
            "common-weekday",
            day = day.weekday().num_days_from_monday()
        )
    )
}

/// `2023年1月24日(火) 10:15` / `Tue 24 Jan 2023 10:15`.
pub fn date_time_text<Tz: chrono::TimeZone>(
    time: &chrono::DateTime<Tz>,
    lang: crate::i18n::Lang,
) -> String {
    use chrono::{Datelike, Timelike};
    tr!(
        lang,
        "common-date-time",
        year = time.year(),
        month_name = tr!(lang, "common-month", month = time.month()),
        day = time.day(),
        weekday = tr!(
            lang,
            "common-weekday",
            day = time.weekday().num_days_from_monday()
        ),
        time = format!("{:02}:{:02}", time.hour(), time.minute())
    )
}

/// Thousands separators for counts people compare by eye.
/// The warning a restore shows while the IT centre is still copying mailboxes (the profile's
/// `[dates]`): what is missing now may still arrive. `None` in every other phase.
pub fn restore_phase_warning(
    phase: crate::profile::Phase,
    lang: crate::i18n::Lang,
) -> Option<String> {
    let crate::profile::Phase::Copying { cutover } = phase else {
        return None;
    };
    Some(match cutover {
        Some(day) => tr!(
            lang,
            "verify-restore-copy-running-until",
            cutover = date_text(day, lang)
        ),
        None => tr!(lang, "verify-restore-copy-running"),
    })
}

/// A folder's special use in a word (inbox, sent, ...), empty for an ordinary folder: the
/// role column of `ikou folders` and of the TUI's folder list.
pub fn role(special_use: Option<crate::model::SpecialUse>, lang: crate::i18n::Lang) -> String {
    use crate::model::SpecialUse;
    match special_use {
        None => String::new(),
        Some(SpecialUse::Inbox) => tr!(lang, "inventory-role-inbox"),
        Some(SpecialUse::Sent) => tr!(lang, "inventory-role-sent"),
        Some(SpecialUse::Drafts) => tr!(lang, "inventory-role-drafts"),
        Some(SpecialUse::Trash) => tr!(lang, "inventory-role-trash"),
        Some(SpecialUse::Junk) => tr!(lang, "inventory-role-junk"),
        Some(SpecialUse::Archive) => tr!(lang, "inventory-role-archive"),
        Some(SpecialUse::All) => tr!(lang, "inventory-role-all"),
        Some(SpecialUse::Flagged) => tr!(lang, "inventory-role-flagged"),
    }
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

/// `1234567` → `1,234,567`: counts in people's text (both languages use the comma).
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_counts() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1), "1 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024 * 1024 - 1), "1.0 MiB");
        // 36.46 MiB: the same text wherever it is shown (it was 36.4 MB in verify).
        assert_eq!(human_size(38_231_080), "36.5 MiB");
        use crate::i18n::Lang;
        assert_eq!(size_text(38_231_080, Lang::Ja), "36.5 MiB");
        assert_eq!(size_text(100, Lang::Ja), "100 バイト");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        for (n, expected) in [
            (0, "0"),
            (12, "12"),
            (999, "999"),
            (1_000, "1,000"),
            (1_234, "1,234"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ] {
            assert_eq!(grouped(n), expected);
        }
    }

    #[test]
    fn dates_in_each_language() {
        use crate::i18n::Lang;
        use chrono::TimeZone;
        let t = chrono::FixedOffset::east_opt(9 * 3600)
            .and_then(|tz| tz.with_ymd_and_hms(2023, 1, 24, 10, 5, 0).single())
            .expect("a valid time");
        assert_eq!(date_time_text(&t, Lang::Ja), "2023年1月24日(火) 10:05");
        assert_eq!(date_time_text(&t, Lang::En), "Tue 24 Jan 2023 10:05");
    }
}
