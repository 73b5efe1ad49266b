//! # Output for people: aligned tables, sizes, exit codes
//!
//! Tables are aligned by terminal display width (a Japanese character takes two columns),
//! so folder names such as 送信済みトレイ line up. Exit codes are part of the interface:
//! 0 all good, 1 differences found (verify), 2 error.

pub mod find;
pub mod inventory;
pub mod signin;
mod table;

pub use table::{Align, Table};

/// Process exit codes, documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DIFFERENCES: i32 = 1;
    pub const ERROR: i32 = 2;
}

/// Human size in binary units (KiB, MiB, GiB), one decimal above KiB.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Thousands separators for counts people compare by eye.
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
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(grouped(12), "12");
    }
}
