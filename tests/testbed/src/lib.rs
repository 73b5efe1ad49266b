//! # ikou-testbed
//!
//! Real mail servers for ikou's tests: [`Dovecot`] starts a private Dovecot 2.3 on loopback
//! (IMAP, IMAPS, POP3, POP3S, generated TLS, optional quota) loaded with a deterministic
//! [`Corpus`], and [`scenario::Migration`] pairs a legacy server with an Exchange-like one
//! whose differences are known in advance. Nothing here is mocked: if Dovecot is missing,
//! starting a server fails loudly instead of skipping.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bounded;
pub mod corpus;
pub mod dovecot;
pub mod fake_imap;
pub mod fake_pop3;
mod maildir;
pub mod mime;
pub mod mutf7;
pub mod peers;
pub mod prng;
pub mod profile;
pub mod scenario;
mod tls;
pub mod wire;
mod words;

pub use corpus::{Corpus, CorpusFolder, CorpusMessage, Flag};
pub use dovecot::{Auth, Dovecot, Layout, ServerInfo, ServerOptions, User};
pub use peers::{Peer, PeerKind};

/// The demo / CLI user name.
pub const DEMO_USER: &str = "taro";
/// The demo / CLI user's password.
pub const DEMO_PASSWORD: &str = "taro-pass";
