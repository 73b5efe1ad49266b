//! # POP3 client: sign-in and the read-only session over a `MailStream`
//!
//! Drives the pure codec over the network transport: greeting, CAPA, STLS, sign-in, then
//! STAT/LIST/UIDL/RETR/TOP and pipelined RETR. [`Pop3Session`] has no DELE, so a session
//! can never mark a message for deletion and QUIT leaves the maildrop's messages in place.

use std::collections::VecDeque;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures::Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::codec::{
    self, Capabilities, CodecError, Command, Decoder, Expect, Reply, ResponseCode, Status,
};
use super::{AuthMethod, ConnectOptions, Credentials, Pop3Error};
use crate::imap::BearerMechanism;
use crate::net::{self, MailStream, Security};
use crate::secret::Secret;

/// How many RETR commands [`Pop3Session::retr_many`] keeps outstanding when the server
/// announces PIPELINING. Enough to hide the round trip; the replies themselves wait in the
/// kernel's socket buffer, so memory stays at about one message.
pub const PIPELINE_WINDOW: usize = 8;

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

/// The slowest a reply may arrive once it has started, in bytes per second (16 KiB/s: a
/// 35 MB message may take about 36 minutes on top of the I/O timeout).
const MIN_RATE: u64 = 16 * 1024;

/// RFC 5034 §4: an AUTH line with initial response must not exceed 255 octets; longer
/// responses (every real OAuth token) go in answer to the first `+` continuation instead.
const MAX_AUTH_LINE: usize = 255;

/// A server answering one SASL step with continuations forever is broken; stop after this.
const MAX_SASL_STEPS: usize = 4;

/// The connection: transport, decoder, and which replies the server still owes.
struct Conn {
    stream: MailStream,
    decoder: Decoder,
    scratch: Vec<u8>,
    server: String,
    io_secs: u64,
    /// The I/O timeout; also the base of each reply's deadline (see [`Conn::receive`]).
    io: std::time::Duration,
    /// Shapes of replies not yet read, oldest first. Non-empty between calls only when a
    /// pipelined [`Pop3Session::retr_many`] stream was dropped early; the next command
    /// reads and discards those replies first, so the session stays in step.
    unread: VecDeque<Expect>,
    /// Set while a write is in progress and after any error that loses framing, so a
    /// cancelled or failed exchange can never be mistaken for a fresh one.
    broken: bool,
    /// Present only during sign-in: removed from any server text quoted in an error.
    secrets: Vec<Secret>,
}

impl Conn {
    fn new(stream: MailStream, server: String, io: std::time::Duration) -> Self {
        Conn {
            stream,
            decoder: Decoder::new(),
            scratch: vec![0; READ_CHUNK],
            server,
            io_secs: io.as_secs(),
            io,
            unread: VecDeque::new(),
            broken: false,
            secrets: Vec::new(),
        }
    }

    /// Quotes server text for an error: secrets removed, then shortened and made printable.
    fn quote(&self, text: &[u8]) -> String {
        let mut text = String::from_utf8_lossy(text).into_owned();
        for secret in &self.secrets {
            if !secret.expose().is_empty() {
                text = text.replace(secret.expose(), "***");
            }
        }
        codec::excerpt(text.as_bytes())
    }

    fn codec_error(&mut self, command: &str, error: CodecError) -> Pop3Error {
        let detail = match &error {
            CodecError::Malformed { expected, line } => {
                format!("{expected} expected, got \"{}\"", self.quote(line))
            }
            CodecError::InvalidArgument { .. } => {
                // Nothing was sent, so the session is still in step.
                return Pop3Error::Command {
                    server: self.server.clone(),
                    command: command.to_string(),
                    detail: "the argument contains a line break or NUL and cannot be sent".into(),
                };
            }
            other => other.to_string(),
        };
        self.broken = true;
        Pop3Error::Malformed {
            server: self.server.clone(),
            command: command.to_string(),
            detail,
        }
    }

    fn io_error(&mut self, command: &str, error: std::io::Error) -> Pop3Error {
        use std::io::ErrorKind as K;
        self.broken = true;
        let server = self.server.clone();
        let command = command.to_string();
        match error.kind() {
            K::TimedOut => Pop3Error::Timeout {
                server,
                command,
                secs: self.io_secs,
            },
            K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
                Pop3Error::Closed { server, command }
            }
            _ => Pop3Error::Io {
                server,
                command,
                source: error,
            },
        }
    }

    fn check_usable(&self) -> Result<(), Pop3Error> {
        if self.broken {
            Err(Pop3Error::Unusable {
                server: self.server.clone(),
            })
        } else {
            Ok(())
        }
    }

    /// Writes commands in one go (a pipelined batch when there are several).
    async fn send(&mut self, commands: &[Command<'_>]) -> Result<(), Pop3Error> {
        self.check_usable()?;
        let mut wire = Vec::new();
        for command in commands {
            if let Err(e) = command.encode_into(&mut wire) {
                return Err(self.codec_error(command.name(), e));
            }
        }
        let name = commands.first().map_or("", Command::name);
        // Marked broken for the duration: if this future is dropped mid-write, the server
        // may hold half a command and the session must not be used again.
        self.broken = true;
        let written = async {
            self.stream.write_all(&wire).await?;
            self.stream.flush().await
        }
        .await;
        if let Err(e) = written {
            return Err(self.io_error(name, e));
        }
        self.broken = false;
        self.unread.extend(commands.iter().map(Command::expect));
        Ok(())
    }

    /// Reads the oldest outstanding reply. Safe to cancel: partial data stays in the decoder.
    ///
    /// Each read has the I/O timeout, and the whole reply has a deadline too: the I/O
    /// timeout plus one second per [`MIN_RATE`] bytes received, so a server that trickles a
    /// byte at a time cannot hold the session open without end.
    async fn receive(&mut self, command: &str) -> Result<Reply, Pop3Error> {
        let started = std::time::Instant::now();
        let mut received: u64 = 0;
        self.check_usable()?;
        let Some(&expect) = self.unread.front() else {
            // Only reachable through a bug in this module; refuse rather than hang.
            self.broken = true;
            return Err(Pop3Error::Unusable {
                server: self.server.clone(),
            });
        };
        loop {
            match self.decoder.decode(expect) {
                Ok(Some(reply)) => {
                    self.unread.pop_front();
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => return Err(self.codec_error(command, e)),
            }
            let allowed = self.io + std::time::Duration::from_secs(received / MIN_RATE);
            let read = match allowed.checked_sub(started.elapsed()) {
                Some(left) => tokio::time::timeout(left, self.stream.read(&mut self.scratch))
                    .await
                    .ok(),
                None => None,
            };
            match read {
                Some(Ok(0)) => {
                    self.broken = true;
                    return Err(Pop3Error::Closed {
                        server: self.server.clone(),
                        command: command.to_string(),
                    });
                }
                Some(Ok(n)) => {
                    received += n as u64;
                    self.decoder.feed(&self.scratch[..n]);
                }
                Some(Err(e)) => return Err(self.io_error(command, e)),
                None => {
                    self.broken = true;
                    return Err(Pop3Error::Timeout {
                        server: self.server.clone(),
                        command: command.to_string(),
                        secs: self.io_secs,
                    });
                }
            }
        }
    }

    /// Reads and discards replies a dropped pipelined stream left behind.
    async fn drain(&mut self) -> Result<(), Pop3Error> {
        while !self.unread.is_empty() {
            self.receive("RETR").await?;
        }
        Ok(())
    }

    async fn exec(&mut self, command: Command<'_>, label: &str) -> Result<Reply, Pop3Error> {
        self.drain().await?;
        self.send(&[command]).await?;
        self.receive(label).await
    }

    /// Turns `-ERR` into the error a user can act on.
    fn refusal(&self, command: &str, status: &Status) -> Pop3Error {
        let server = self.server.clone();
        let command = command.to_string();
        let detail = self.quote(status.text.as_bytes());
        match status.code {
            Some(ResponseCode::SysTemp | ResponseCode::LoginDelay) => Pop3Error::Temporary {
                server,
                command,
                detail,
            },
            _ => Pop3Error::Command {
                server,
                command,
                detail,
            },
        }
    }

    fn unexpected(&mut self, command: &str, reply: &Reply) -> Pop3Error {
        self.broken = true;
        let detail = match reply {
            Reply::Continuation(_) => "a SASL continuation".to_string(),
            Reply::Multi(..) => "a multi-line reply".to_string(),
            Reply::Status(s) => format!("\"{}\"", self.quote(s.text.as_bytes())),
        };
        Pop3Error::Malformed {
            server: self.server.clone(),
            command: command.to_string(),
            detail: format!("unexpected {detail}"),
        }
    }

    /// Runs a single-line command and returns its `+OK` status.
    async fn ok(&mut self, command: Command<'_>, label: &str) -> Result<Status, Pop3Error> {
        match self.exec(command, label).await? {
            Reply::Status(status) if status.ok => Ok(status),
            Reply::Status(status) => Err(self.refusal(label, &status)),
            other => Err(self.unexpected(label, &other)),
        }
    }

    fn body_of(&mut self, reply: Reply, label: &str) -> Result<Vec<u8>, Pop3Error> {
        match reply {
            Reply::Multi(_, body) => Ok(body),
            Reply::Status(status) if !status.ok => Err(self.refusal(label, &status)),
            other => Err(self.unexpected(label, &other)),
        }
    }

    /// Runs a multi-line command and returns its body.
    async fn body(&mut self, command: Command<'_>, label: &str) -> Result<Vec<u8>, Pop3Error> {
        let reply = self.exec(command, label).await?;
        self.body_of(reply, label)
    }

    fn parsed<T>(&mut self, label: &str, parsed: Result<T, CodecError>) -> Result<T, Pop3Error> {
        parsed.map_err(|e| {
            let error = self.codec_error(label, e);
            // The reply was complete, so only its content is wrong; framing is intact.
            self.broken = false;
            error
        })
    }

    async fn greeting(&mut self) -> Result<(), Pop3Error> {
        self.unread.push_back(Expect::Single);
        match self.receive("greeting").await? {
            Reply::Status(status) if status.ok => Ok(()),
            Reply::Status(status) => Err(self.refusal("greeting", &status)),
            other => Err(self.unexpected("greeting", &other)),
        }
    }

    /// CAPA, or an empty list when the server predates RFC 2449.
    async fn capa(&mut self) -> Result<Capabilities, Pop3Error> {
        match self.exec(Command::Capa, "CAPA").await? {
            Reply::Multi(_, body) => Ok(Capabilities::parse(&body)),
            Reply::Status(status) if !status.ok => Ok(Capabilities::default()),
            other => Err(self.unexpected("CAPA", &other)),
        }
    }
}

/// Connects, upgrades with STLS if asked, signs in and returns a read-only session.
pub async fn connect(
    options: &ConnectOptions,
    credentials: &Credentials,
) -> Result<Pop3Session, Pop3Error> {
    let server = options.endpoint.to_string();
    let security = options.endpoint.security;
    if security == Security::Plain && !options.allow_plaintext {
        return Err(Pop3Error::PlaintextRefused { server });
    }
    let io = options.timeouts.io;
    let stream = net::open(&options.endpoint, &options.tls, options.timeouts).await?;
    let mut conn = Conn::new(stream, server.clone(), io);
    conn.greeting().await?;
    let mut capabilities = conn.capa().await?;

    if security == Security::Starttls {
        if !capabilities.has("STLS") {
            return Err(Pop3Error::StlsUnsupported { server });
        }
        match conn.exec(Command::Stls, "STLS").await? {
            Reply::Status(status) if status.ok => {}
            _ => return Err(Pop3Error::StlsUnsupported { server }),
        }
        // Bytes already buffered after "+OK" were sent in plaintext before the handshake;
        // accepting them would let an attacker inject replies (CVE-2011-0411 style).
        if !conn.decoder.is_idle() {
            return Err(Pop3Error::Malformed {
                server,
                command: "STLS".into(),
                detail: "the server sent data before the TLS handshake (possible injection)".into(),
            });
        }
        let tls = net::upgrade(
            conn.stream,
            &options.endpoint,
            &options.tls,
            options.timeouts,
        )
        .await?;
        conn = Conn::new(tls, server.clone(), io);
        // RFC 2595 §4: capabilities learnt before TLS must be forgotten.
        capabilities = conn.capa().await?;
    }

    conn.secrets = secrets_of(credentials);
    let signed_in = sign_in(&mut conn, &capabilities, credentials).await;
    conn.secrets.clear();
    signed_in?;

    // Capabilities may change after sign-in (RFC 2449 §5); PIPELINING decides retr_many.
    let after = conn.capa().await?;
    if !after.is_empty() {
        capabilities = after;
    }
    Ok(Pop3Session { conn, capabilities })
}

/// Every form in which the secret could be echoed back: as is and inside the base64 of
/// the SASL response.
fn secrets_of(credentials: &Credentials) -> Vec<Secret> {
    let mut secrets = vec![credentials.secret.clone()];
    for response in [plain_response(credentials), xoauth2_response(credentials)] {
        secrets.push(Secret::new(BASE64.encode(response)));
    }
    secrets
}

fn plain_response(credentials: &Credentials) -> Vec<u8> {
    let mut response = vec![0];
    response.extend_from_slice(credentials.username.as_bytes());
    response.push(0);
    response.extend_from_slice(credentials.secret.expose().as_bytes());
    response
}

fn xoauth2_response(credentials: &Credentials) -> Vec<u8> {
    format!(
        "user={}\x01auth=Bearer {}\x01\x01",
        credentials.username,
        credentials.secret.expose()
    )
    .into_bytes()
}

/// A `-ERR` during sign-in: an `[IN-USE]` lock, a temporary problem, or wrong credentials.
fn sign_in_refusal(conn: &Conn, user: &str, status: &Status, note: Option<&str>) -> Pop3Error {
    let server = conn.server.clone();
    let mut detail = conn.quote(status.text.as_bytes());
    if detail.is_empty() {
        detail = "no reason given".into();
    }
    if let Some(note) = note {
        detail = format!("{detail}; server said {note}");
    }
    match status.code {
        Some(ResponseCode::InUse) => Pop3Error::MailboxInUse {
            server,
            user: user.to_string(),
            detail,
        },
        Some(ResponseCode::SysTemp | ResponseCode::LoginDelay) => Pop3Error::Temporary {
            server,
            command: "sign-in".into(),
            detail,
        },
        // [AUTH], [SYS/PERM], or no code at all from servers predating RFC 3206.
        _ => Pop3Error::AuthRejected {
            server,
            user: user.to_string(),
            detail,
        },
    }
}

async fn sign_in(
    conn: &mut Conn,
    capabilities: &Capabilities,
    credentials: &Credentials,
) -> Result<(), Pop3Error> {
    let user = credentials.username.as_str();
    match credentials.method {
        AuthMethod::Login => {
            for (command, label) in [
                (Command::User(user), "USER"),
                (Command::Pass(&credentials.secret), "PASS"),
            ] {
                match conn.exec(command, label).await? {
                    Reply::Status(status) if status.ok => {}
                    Reply::Status(status) => {
                        return Err(sign_in_refusal(conn, user, &status, None));
                    }
                    other => return Err(conn.unexpected(label, &other)),
                }
            }
            Ok(())
        }
        AuthMethod::Plain => {
            sasl(
                conn,
                capabilities,
                user,
                "PLAIN",
                &plain_response(credentials),
            )
            .await
        }
        AuthMethod::Xoauth2 => {
            let mechanism = BearerMechanism::choose(
                capabilities
                    .sasl_mechanisms()
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str),
            );
            let response = match mechanism {
                BearerMechanism::Xoauth2 => xoauth2_response(credentials),
                BearerMechanism::OAuthBearer => {
                    mechanism.initial_response(user, credentials.secret.expose())
                }
            };
            sasl(conn, capabilities, user, mechanism.name(), &response).await
        }
    }
}

/// One SASL exchange with a single client response (PLAIN and XOAUTH2 both have one).
async fn sasl(
    conn: &mut Conn,
    capabilities: &Capabilities,
    user: &str,
    mechanism: &str,
    response: &[u8],
) -> Result<(), Pop3Error> {
    if let Some(offered) = capabilities.sasl_mechanisms()
        && !offered.iter().any(|m| m.eq_ignore_ascii_case(mechanism))
    {
        return Err(Pop3Error::MechanismUnsupported {
            server: conn.server.clone(),
            mechanism: mechanism.to_string(),
        });
    }
    let inline = codec::auth_line_len(mechanism, response) <= MAX_AUTH_LINE;
    let mut pending = (!inline).then_some(response);
    let first = Command::Auth {
        mechanism,
        initial: inline.then_some(response),
    };
    let mut reply = conn.exec(first, "AUTH").await?;
    let mut server_note = None;
    for _ in 0..MAX_SASL_STEPS {
        match reply {
            Reply::Status(status) if status.ok => return Ok(()),
            Reply::Status(status) => {
                return Err(sign_in_refusal(conn, user, &status, server_note.as_deref()));
            }
            Reply::Continuation(challenge) => {
                let answer = if let Some(response) = pending.take() {
                    Command::SaslResponse(response)
                } else if let Some(bearer) =
                    [BearerMechanism::Xoauth2, BearerMechanism::OAuthBearer]
                        .into_iter()
                        .find(|b| mechanism.eq_ignore_ascii_case(b.name()))
                {
                    // The failure detail (a JSON object) comes as a challenge and must be
                    // acknowledged (XOAUTH2: empty, OAUTHBEARER: ^A) before the -ERR arrives.
                    server_note = Some(conn.quote(&challenge));
                    Command::SaslResponse(bearer.failure_ack())
                } else {
                    Command::SaslCancel
                };
                conn.send(&[answer]).await?;
                reply = conn.receive("AUTH").await?;
            }
            Reply::Multi(..) => return Err(conn.unexpected("AUTH", &reply)),
        }
    }
    conn.broken = true;
    Err(Pop3Error::Malformed {
        server: conn.server.clone(),
        command: "AUTH".into(),
        detail: format!("the server kept sending challenges for {mechanism}"),
    })
}

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

#[cfg(test)]
mod tests;
