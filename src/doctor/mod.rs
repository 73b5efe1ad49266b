//! # Doctor: why does autoconfiguration fail, and what exactly to fix
//!
//! Probes (`probe::dns`, `probe::http`, `probe::tls`, `probe::client`) gather [`Facts`]
//! concurrently, each bounded in time; [`rules::findings`] (pure) turns them into
//! [`Diagnosis`]s: ok / warning / error, with what it means and how to fix it in Japanese and
//! English. [`DoctorReport`] is the result the CLI prints and the TUI shows; it is built by
//! `service::doctor::run(&DoctorOptions) -> DoctorReport`.
//!
//! Exit codes (`DoctorReport::exit_code`): 0 all ok, 1 warnings, 2 errors.

pub mod facts;
pub mod finding;
pub mod prefs;
pub mod probe;
mod report;
pub mod rules;

pub use facts::Facts;
pub use finding::{Area, Diagnosis, Severity, Text};
pub use report::{Counts, DoctorReport};
