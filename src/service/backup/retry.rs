//! # Retry policy, throttle hints and UID sets (pure)
//!
//! Decides how long to wait before reconnecting, recognises a server's "slow down" reply
//! (Exchange Online's `Suggested Backoff Time: N milliseconds`, RFC 5530
//! `[UNAVAILABLE]`/`[LIMIT]`), and builds compact UID sets for pipelined fetches. Kept free
//! of I/O so the rules are tested on their own.

use std::time::Duration;

/// Reconnect attempts after one failure before the backup gives up. Together with
/// [`backoff`] that is about 45 s of patience: enough for a server restart or a Wi-Fi
/// hand-over, short enough that a server that is really gone is reported promptly.
pub const MAX_RECONNECTS: u32 = 8;

/// Throttle replies honoured in a row before giving up.
pub const MAX_THROTTLES: u32 = 30;

/// Longest throttle wait honoured; a longer hint is capped (and shown) rather than obeyed.
const MAX_THROTTLE: Duration = Duration::from_secs(300);

/// Wait without a hint when a server says it is throttling.
const DEFAULT_THROTTLE: Duration = Duration::from_secs(5);

/// Delay before reconnect attempt `attempt` (1-based): 0.5 s doubling, capped at 10 s.
pub fn backoff(attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(10);
    Duration::from_millis(500u64.saturating_mul(1 << exp)).min(Duration::from_secs(10))
}

/// How long a server asked us to wait, if `text` (a tagged NO/BAD, a BYE, a `-ERR`) is a
/// throttling reply. `None` means it is not one.
pub fn throttle_hint(text: &str) -> Option<Duration> {
    if !crate::net::says_busy(text) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    // "Suggested Backoff Time: 1234 milliseconds" (Exchange Online), else any "N ms" /
    // "N milliseconds" / "N seconds" after the word throttle, else the default.
    let hint = find_number_before(&lower, &["milliseconds", "millisecond", "ms"])
        .map(Duration::from_millis)
        .or_else(|| {
            find_number_before(&lower, &["seconds", "second", "secs", "sec"])
                .map(Duration::from_secs)
        })
        .unwrap_or(DEFAULT_THROTTLE);
    Some(hint.min(MAX_THROTTLE))
}

/// The first number directly followed (after spaces) by one of `units`.
fn find_number_before(text: &str, units: &[&str]) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let number = &text[start..i];
            let rest = text[i..].trim_start();
            let unit_follows = units.iter().any(|u| {
                rest.strip_prefix(u).is_some_and(|after| {
                    after
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_ascii_alphabetic())
                })
            });
            if unit_follows && let Ok(n) = number.parse() {
                return Some(n);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// A compact IMAP UID set for sorted, distinct UIDs: `1:5,7,9:12`.
pub fn uid_set(uids: &[u32]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end.wrapping_add(1) {
            i += 1;
            end = uids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}:{end}"));
        }
        i += 1;
    }
    out
}

/// Splits pending messages `(uid, size)` into the next batch: at most `max_messages`
/// and at most `max_bytes` (but always at least one message, however large).
pub fn next_batch(pending: &[(u32, u64)], max_messages: usize, max_bytes: u64) -> usize {
    let mut bytes = 0u64;
    let mut n = 0;
    for &(_, size) in pending.iter().take(max_messages.max(1)) {
        if n > 0 && bytes.saturating_add(size) > max_bytes {
            break;
        }
        bytes = bytes.saturating_add(size);
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(5), Duration::from_secs(8));
        assert_eq!(backoff(6), Duration::from_secs(10));
        assert_eq!(backoff(60), Duration::from_secs(10));
        let total: Duration = (1..=MAX_RECONNECTS).map(backoff).sum();
        assert!(total < Duration::from_secs(60), "{total:?}");
    }

    #[test]
    fn throttle_hints() {
        let cases: &[(&str, Option<u64>)] = &[
            (
                "Request is throttled. Suggested Backoff Time: 1234 milliseconds",
                Some(1234),
            ),
            (
                "[UNAVAILABLE] Server busy, try again in 3 seconds",
                Some(3000),
            ),
            ("NO [LIMIT] Too many commands", Some(5000)),
            ("-ERR [SYS/TEMP] try again later", Some(5000)),
            ("throttled for 9999999 seconds", Some(300_000)),
            ("Mailbox doesn't exist: INBOX.x", None),
            ("Invalid credentials", None),
            ("connection lost", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                throttle_hint(text).map(|d| d.as_millis() as u64),
                *want,
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_need_a_unit() {
        assert_eq!(find_number_before("wait 12 ms", &["ms"]), Some(12));
        assert_eq!(find_number_before("uid 12 msgs", &["ms"]), None);
        assert_eq!(find_number_before("a12 ms", &["ms"]), None);
    }

    #[test]
    fn uid_sets_are_compact() {
        assert_eq!(uid_set(&[]), "");
        assert_eq!(uid_set(&[7]), "7");
        assert_eq!(uid_set(&[1, 2, 3, 4, 5, 7, 9, 10, 11, 12]), "1:5,7,9:12");
        assert_eq!(uid_set(&[u32::MAX - 1, u32::MAX]), "4294967294:4294967295");
    }

    #[test]
    fn batches_respect_count_and_bytes() {
        let p: Vec<(u32, u64)> = (1..=10).map(|u| (u, 100)).collect();
        assert_eq!(next_batch(&p, 4, 1_000_000), 4);
        assert_eq!(next_batch(&p, 100, 350), 3);
        assert_eq!(next_batch(&[(1, 5_000), (2, 1)], 100, 100), 1);
        assert_eq!(next_batch(&[], 100, 100), 0);
    }
}
