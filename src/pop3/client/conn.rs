//! # One POP3 connection kept in step
//!
//! Commands out and replies in through the codec, with a deadline on every reply, the
//! replies still owed after a dropped pipelined stream, and a session marked unusable after
//! any error that loses framing. Server text quoted in an error never carries the secret.

use std::collections::VecDeque;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::net::MailStream;
use crate::pop3::codec::{
    self, Capabilities, CodecError, Command, Decoder, Expect, Reply, ResponseCode, Status,
};
use crate::pop3::error::Pop3Error;
use crate::secret::Secret;

/// Bytes read from the socket at a time.
const READ_CHUNK: usize = 64 * 1024;

/// The slowest a reply may arrive once it has started, in bytes per second (16 KiB/s: a
/// 35 MB message may take about 36 minutes on top of the I/O timeout).
const MIN_RATE: u64 = 16 * 1024;

/// The connection: transport, decoder, and which replies the server still owes.
pub(super) struct Conn {
    pub(super) stream: MailStream,
    pub(super) decoder: Decoder,
    scratch: Vec<u8>,
    pub(super) server: String,
    io_secs: u64,
    /// The I/O timeout; also the base of each reply's deadline (see [`Conn::receive`]).
    io: std::time::Duration,
    /// Shapes of replies not yet read, oldest first. Non-empty between calls only when a
    /// pipelined [`Pop3Session::retr_many`] stream was dropped early; the next command
    /// reads and discards those replies first, so the session stays in step.
    unread: VecDeque<Expect>,
    /// Set while a write is in progress and after any error that loses framing, so a
    /// cancelled or failed exchange can never be mistaken for a fresh one.
    pub(super) broken: bool,
    /// Present only during sign-in: removed from any server text quoted in an error.
    pub(super) secrets: Vec<Secret>,
}

impl Conn {
    pub(super) fn new(stream: MailStream, server: String, io: std::time::Duration) -> Self {
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
    pub(super) fn quote(&self, text: &[u8]) -> String {
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
    pub(super) async fn send(&mut self, commands: &[Command<'_>]) -> Result<(), Pop3Error> {
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
    pub(super) async fn receive(&mut self, command: &str) -> Result<Reply, Pop3Error> {
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
    pub(super) async fn drain(&mut self) -> Result<(), Pop3Error> {
        while !self.unread.is_empty() {
            self.receive("RETR").await?;
        }
        Ok(())
    }

    pub(super) async fn exec(
        &mut self,
        command: Command<'_>,
        label: &str,
    ) -> Result<Reply, Pop3Error> {
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

    pub(super) fn unexpected(&mut self, command: &str, reply: &Reply) -> Pop3Error {
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
    pub(super) async fn ok(
        &mut self,
        command: Command<'_>,
        label: &str,
    ) -> Result<Status, Pop3Error> {
        match self.exec(command, label).await? {
            Reply::Status(status) if status.ok => Ok(status),
            Reply::Status(status) => Err(self.refusal(label, &status)),
            other => Err(self.unexpected(label, &other)),
        }
    }

    pub(super) fn body_of(&mut self, reply: Reply, label: &str) -> Result<Vec<u8>, Pop3Error> {
        match reply {
            Reply::Multi(_, body) => Ok(body),
            Reply::Status(status) if !status.ok => Err(self.refusal(label, &status)),
            other => Err(self.unexpected(label, &other)),
        }
    }

    /// Runs a multi-line command and returns its body.
    pub(super) async fn body(
        &mut self,
        command: Command<'_>,
        label: &str,
    ) -> Result<Vec<u8>, Pop3Error> {
        let reply = self.exec(command, label).await?;
        self.body_of(reply, label)
    }

    pub(super) fn parsed<T>(
        &mut self,
        label: &str,
        parsed: Result<T, CodecError>,
    ) -> Result<T, Pop3Error> {
        parsed.map_err(|e| {
            let error = self.codec_error(label, e);
            // The reply was complete, so only its content is wrong; framing is intact.
            self.broken = false;
            error
        })
    }

    pub(super) async fn greeting(&mut self) -> Result<(), Pop3Error> {
        self.unread.push_back(Expect::Single);
        match self.receive("greeting").await? {
            Reply::Status(status) if status.ok => Ok(()),
            Reply::Status(status) => Err(self.refusal("greeting", &status)),
            other => Err(self.unexpected("greeting", &other)),
        }
    }

    /// CAPA, or an empty list when the server predates RFC 2449.
    pub(super) async fn capa(&mut self) -> Result<Capabilities, Pop3Error> {
        match self.exec(Command::Capa, "CAPA").await? {
            Reply::Multi(_, body) => Ok(Capabilities::parse(&body)),
            Reply::Status(status) if !status.ok => Ok(Capabilities::default()),
            other => Err(self.unexpected("CAPA", &other)),
        }
    }
}
