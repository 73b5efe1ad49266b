//! # Where the migration stands on a given day, from the profile's dates
//!
//! One rule for every face: the doctor (is the cutover past?), the TUI's phase line, restore's
//! warning during the centre's copy, and the helpdesk's state code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Dates;

/// Where the migration stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Phase {
    /// The profile names no dates.
    Unknown,
    /// The centre has not started copying.
    Before { copy_start: NaiveDate },
    /// The centre copies mailboxes; new mail may still reach the old server.
    Copying { cutover: Option<NaiveDate> },
    /// New mail reaches the new server; the old one is still readable.
    AfterCutover { shutdown: Option<NaiveDate> },
    /// The old server is switched off.
    OldShutDown,
}

impl Phase {
    /// A one-digit number for the helpdesk's state code (0 = unknown … 4 = old server off).
    pub fn digit(self) -> u8 {
        match self {
            Phase::Unknown => 0,
            Phase::Before { .. } => 1,
            Phase::Copying { .. } => 2,
            Phase::AfterCutover { .. } => 3,
            Phase::OldShutDown => 4,
        }
    }

    /// Whether the cutover day has come (new mail reaches the new server).
    pub fn cutover_passed(self) -> bool {
        matches!(self, Phase::AfterCutover { .. } | Phase::OldShutDown)
    }
}

/// A TOML date as a calendar date (times and offsets are ignored).
pub fn to_date(value: &Option<toml::value::Datetime>) -> Option<NaiveDate> {
    let date = value.as_ref()?.date?;
    NaiveDate::from_ymd_opt(
        i32::from(date.year),
        u32::from(date.month),
        u32::from(date.day),
    )
}

impl Dates {
    /// The phase on `today`.
    pub fn phase(&self, today: NaiveDate) -> Phase {
        let copy_start = to_date(&self.copy_start);
        let cutover = to_date(&self.cutover);
        let shutdown = to_date(&self.old_shutdown);
        if shutdown.is_some_and(|d| today >= d) {
            Phase::OldShutDown
        } else if cutover.is_some_and(|d| today >= d) {
            Phase::AfterCutover { shutdown }
        } else if let Some(start) = copy_start {
            if today >= start {
                Phase::Copying { cutover }
            } else {
                Phase::Before { copy_start: start }
            }
        } else if cutover.is_some() {
            Phase::Copying { cutover }
        } else {
            Phase::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(copy: Option<&str>, cutover: Option<&str>, off: Option<&str>) -> Dates {
        let parse = |s: Option<&str>| s.map(|s| s.parse::<toml::value::Datetime>().expect("date"));
        Dates {
            copy_start: parse(copy),
            cutover: parse(cutover),
            old_shutdown: parse(off),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("day")
    }

    #[test]
    fn each_phase_from_its_first_day() {
        let d = dates(Some("2026-12-01"), Some("2026-12-15"), Some("2027-03-31"));
        assert_eq!(
            d.phase(day("2026-11-30")),
            Phase::Before {
                copy_start: day("2026-12-01")
            }
        );
        assert_eq!(
            d.phase(day("2026-12-01")),
            Phase::Copying {
                cutover: Some(day("2026-12-15"))
            }
        );
        assert!(d.phase(day("2026-12-15")).cutover_passed());
        assert_eq!(d.phase(day("2027-03-31")), Phase::OldShutDown);
        assert_eq!(
            dates(None, None, None).phase(day("2026-12-01")),
            Phase::Unknown
        );
        assert_eq!(
            dates(None, Some("2026-12-15"), None).phase(day("2026-12-01")),
            Phase::Copying {
                cutover: Some(day("2026-12-15"))
            }
        );
        let digits: Vec<u8> = ["2026-11-30", "2026-12-02", "2026-12-20", "2027-04-01"]
            .iter()
            .map(|s| d.phase(day(s)).digit())
            .collect();
        assert_eq!(digits, vec![1, 2, 3, 4]);
    }
}
