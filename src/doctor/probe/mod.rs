//! # Probes: the I/O half of the doctor
//!
//! Each probe returns facts and never fails as a whole: a host that does not answer becomes
//! a `Timeout` or `Unreachable` fact, so one dead server cannot hide the other findings.

pub mod client;
pub mod dns;
pub mod http;
pub mod smtp;
pub mod tls;
