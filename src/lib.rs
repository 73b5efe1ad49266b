//! # ikou — carry your mail from a legacy IMAP/POP server to Microsoft 365
//!
//! A pure core (`model`, `mail`, `compare`, `settings`, `doctor::rules`, `report`) uses no
//! sockets, tokio or terminal; adapters (`net`, `imap`, `pop3`, `oauth`, `archive`, `local`)
//! sit behind small types; `service` composes them into whole use cases (a file or folder
//! each) and resolves every credential in one place (`service::access`); nothing below it
//! imports `service`, and `cli` and `tui` are two faces that only ask and render.
//! The old server is only ever reached through `imap::ReadSession`, which cannot write.
//! Modules with submodules are `name/mod.rs`; unit tests close their file (`mod tests`) or,
//! when long, sit in `tests.rs` beside `mod.rs` (docs/architecture.md).

// First, so that `tr!` is in scope in every module.
#[macro_use]
pub mod i18n;

pub mod archive;
pub mod cli;
pub mod compare;
pub mod doctor;
pub mod helpdesk;
pub mod imap;
pub mod input;
pub mod local;
pub mod logging;
pub mod mail;
pub mod model;
pub mod net;
pub mod oauth;
pub mod pop3;
pub mod private_file;
pub mod profile;
pub mod report;
pub mod secret;
pub mod service;
pub mod settings;
pub mod tui;
