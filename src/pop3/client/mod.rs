//! # POP3 client: sign-in and the read-only session over a `MailStream`
//!
//! Drives the pure codec over the network transport: greeting, CAPA, STLS, sign-in, then
//! STAT/LIST/UIDL/RETR/TOP and pipelined RETR. [`Pop3Session`] has no DELE, so a session
//! can never mark a message for deletion and QUIT leaves the maildrop's messages in place.
//!
//! `conn.rs` keeps the connection in step (framing, deadlines, errors), `sign_in.rs` opens
//! it and signs in (USER/PASS, SASL PLAIN, XOAUTH2/OAUTHBEARER), `session.rs` is what a
//! signed-in caller may do.

mod conn;
mod session;
mod sign_in;

pub use session::Pop3Session;
pub use sign_in::connect;

/// How many RETR commands [`Pop3Session::retr_many`] keeps outstanding when the server
/// announces PIPELINING. Enough to hide the round trip; the replies themselves wait in the
/// kernel's socket buffer, so memory stays at about one message.
pub const PIPELINE_WINDOW: usize = 8;

#[cfg(test)]
mod tests;
