//! # Which log lines may be written at all
//!
//! The libraries under ikou trace their wire traffic: at `trace` async-imap prints every
//! command it sends, which includes `LOGIN user password` and the SASL PLAIN and XOAUTH2
//! blobs (a master password, an access token). `IKOU_LOG` may ask for any level, so no
//! level may show a secret: lines from other crates are kept only up to `info`; ikou's own
//! lines never carry a secret ([`crate::secret::Secret`] prints `***`).

use tracing::Level;

/// Whether a log line from `target` at `level` may be written.
pub fn may_log(target: &str, level: Level) -> bool {
    let ours = target == "ikou" || target.starts_with("ikou::");
    ours || level <= Level::INFO
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_crates_are_capped_at_info() {
        assert!(may_log("ikou::imap", Level::TRACE));
        assert!(may_log("ikou", Level::DEBUG));
        assert!(!may_log("async_imap::imap_stream", Level::TRACE));
        assert!(!may_log("async_imap::imap_stream", Level::DEBUG));
        assert!(!may_log("ikou_other", Level::TRACE));
        assert!(may_log("hyper::proto", Level::INFO));
        assert!(may_log("async_imap", Level::WARN));
    }
}
