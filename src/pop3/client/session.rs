//! # The signed-in POP3 session: read, never delete

use futures::Stream;
use tokio::io::AsyncWriteExt;

use super::PIPELINE_WINDOW;
use super::conn::Conn;
use crate::pop3::codec::{self, Capabilities, Command};
use crate::pop3::error::Pop3Error;

/// A signed-in POP3 session that can only read.
///
/// There is no DELE and no RSET: nothing here can mark a message for deletion, so the
/// UPDATE state entered by [`Pop3Session::quit`] removes nothing.
pub struct Pop3Session {
    conn: Conn,
    capabilities: Capabilities,
}

impl std::fmt::Debug for Pop3Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pop3Session")
            .field("server", &self.conn.server)
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

impl Pop3Session {
    pub(super) fn new(conn: Conn, capabilities: Capabilities) -> Pop3Session {
        Pop3Session { conn, capabilities }
    }

    /// The server as `host:port (security)`, for messages.
    pub fn server(&self) -> &str {
        &self.conn.server
    }

    /// CAPA as announced after sign-in (empty if the server has no CAPA).
    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// Whether [`Pop3Session::retr_many`] sends several RETR ahead.
    pub fn pipelining(&self) -> bool {
        self.capabilities.has("PIPELINING")
    }

    /// STAT: number of messages and total size in octets.
    pub async fn stat(&mut self) -> Result<(u32, u64), Pop3Error> {
        let status = self.conn.ok(Command::Stat, "STAT").await?;
        self.conn.parsed("STAT", codec::parse_stat(&status))
    }

    /// LIST: every message number with its size in octets (CRLF line endings).
    pub async fn list(&mut self) -> Result<Vec<(u32, u64)>, Pop3Error> {
        let body = self.conn.body(Command::List(None), "LIST").await?;
        self.conn.parsed("LIST", codec::parse_list(&body))
    }

    /// LIST for one message.
    pub async fn list_one(&mut self, msgno: u32) -> Result<(u32, u64), Pop3Error> {
        let label = format!("LIST {msgno}");
        let status = self.conn.ok(Command::List(Some(msgno)), &label).await?;
        self.conn
            .parsed(&label, codec::parse_scan_listing(status.text.as_bytes()))
    }

    /// UIDL: every message number with the server's persistent unique id.
    pub async fn uidl(&mut self) -> Result<Vec<(u32, String)>, Pop3Error> {
        let body = self.conn.body(Command::Uidl(None), "UIDL").await?;
        self.conn.parsed("UIDL", codec::parse_uidl(&body))
    }

    /// UIDL for one message.
    pub async fn uidl_one(&mut self, msgno: u32) -> Result<(u32, String), Pop3Error> {
        let label = format!("UIDL {msgno}");
        let status = self.conn.ok(Command::Uidl(Some(msgno)), &label).await?;
        self.conn.parsed(
            &label,
            codec::parse_unique_id_listing(status.text.as_bytes()),
        )
    }

    /// RETR: the whole message as the server stores it (dot-unstuffed, line endings as sent).
    pub async fn retr(&mut self, msgno: u32) -> Result<Vec<u8>, Pop3Error> {
        self.conn
            .body(Command::Retr(msgno), &format!("RETR {msgno}"))
            .await
    }

    /// TOP: the header, the empty line, and the first `lines` body lines (`0` for headers).
    pub async fn top(&mut self, msgno: u32, lines: u32) -> Result<Vec<u8>, Pop3Error> {
        self.conn
            .body(Command::Top(msgno, lines), &format!("TOP {msgno}"))
            .await
    }

    /// NOOP, to keep an idle session from timing out on the server.
    pub async fn noop(&mut self) -> Result<(), Pop3Error> {
        self.conn.ok(Command::Noop, "NOOP").await.map(|_| ())
    }

    /// Retrieves messages in the given order as `(msgno, bytes)`. With PIPELINING up to
    /// [`PIPELINE_WINDOW`] RETR are outstanding; otherwise one at a time. A `-ERR` for one
    /// message is yielded as an error and the stream goes on; an error that breaks the
    /// connection ends it. Dropping the stream early is fine: the next command first reads
    /// the replies still on their way.
    pub fn retr_many<'a>(
        &'a mut self,
        msgnos: &'a [u32],
    ) -> impl Stream<Item = Result<(u32, Vec<u8>), Pop3Error>> + Send + 'a {
        let window = if self.pipelining() {
            PIPELINE_WINDOW
        } else {
            1
        };
        let state = RetrMany {
            conn: &mut self.conn,
            msgnos,
            window,
            sent: 0,
            received: 0,
            started: false,
            finished: false,
        };
        futures::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        })
    }

    /// QUIT: ends the session. Without DELE the server deletes nothing. Note that RETR
    /// itself may mark messages as read on the server: Dovecot sets `\Seen` on RETR
    /// (committed with or without QUIT) but not on TOP (see `tests/pop3.rs`).
    pub async fn quit(mut self) -> Result<(), Pop3Error> {
        self.conn.ok(Command::Quit, "QUIT").await?;
        let _ = self.conn.stream.shutdown().await;
        Ok(())
    }
}

/// State of one [`Pop3Session::retr_many`] stream.
struct RetrMany<'a> {
    conn: &'a mut Conn,
    msgnos: &'a [u32],
    window: usize,
    sent: usize,
    received: usize,
    started: bool,
    finished: bool,
}

impl RetrMany<'_> {
    async fn next(&mut self) -> Option<Result<(u32, Vec<u8>), Pop3Error>> {
        if self.finished || self.received >= self.msgnos.len() {
            return None;
        }
        let result = self.step().await;
        if result.is_err() && self.conn.broken {
            self.finished = true;
        }
        Some(result)
    }

    async fn step(&mut self) -> Result<(u32, Vec<u8>), Pop3Error> {
        if !self.started {
            self.started = true;
            self.conn.drain().await?;
        }
        let room = self.window - (self.sent - self.received);
        let end = (self.sent + room).min(self.msgnos.len());
        if end > self.sent {
            let batch: Vec<Command<'_>> = self.msgnos[self.sent..end]
                .iter()
                .map(|&n| Command::Retr(n))
                .collect();
            self.conn.send(&batch).await?;
            self.sent = end;
        }
        let msgno = self.msgnos[self.received];
        let label = format!("RETR {msgno}");
        let reply = self.conn.receive(&label).await?;
        self.received += 1;
        let body = self.conn.body_of(reply, &label)?;
        Ok((msgno, body))
    }
}
