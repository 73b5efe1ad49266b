//! # ikou — carry your mail from a legacy IMAP/POP server to Microsoft 365
//!
//! A pure core (`model`, `compare`, `archive` manifest logic, `report`) knows nothing of
//! sockets or terminals; protocol adapters (`net`, `imap`, `pop3`) sit behind small types;
//! `service` composes them into use cases; `cli` and `tui` are two thin faces over `service`.
//! The old server is only ever reached through `imap::ReadSession`, which cannot write.

// First, so that `tr!` is in scope in every module.
#[macro_use]
pub mod i18n;

pub mod archive;
pub mod cli;
pub mod compare;
pub mod doctor;
pub mod helpdesk;
pub mod imap;
pub mod local;
pub mod mail;
pub mod model;
pub mod net;
pub mod oauth;
pub mod pop3;
pub mod profile;
pub mod report;
pub mod secret;
pub mod service;
pub mod settings;
pub mod tui;
