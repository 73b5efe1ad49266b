//! # POP3 wire format: commands out, replies in
//!
//! Encodes requests and decodes replies (status lines with RFC 2449/3206 response codes,
//! dot-stuffed multi-line bodies, SASL continuations) without touching a socket. Keeping
//! this pure means every framing rule is tested byte by byte, including replies split at
//! arbitrary points, and a misbehaving server can only ever produce a typed error.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use thiserror::Error;

use crate::secret::Secret;

/// Longest status or continuation line accepted. RFC 2449 allows 512 octets; SASL
/// challenges and chatty servers need more, but a line without end is garbage.
pub const MAX_LINE: usize = 8 * 1024;

/// Largest multi-line reply (one message) held in memory. Exchange Online refuses
/// anything above 150 MB, so a larger "message" is a broken server, not mail to migrate.
pub const MAX_BODY: usize = 256 * 1024 * 1024;

/// How many characters of an offending line an error message shows.
const EXCERPT_CHARS: usize = 100;

/// How many octets of an offending line an error keeps (enough to scrub and excerpt).
const KEEP_OCTETS: usize = MAX_LINE;

/// A reply the codec could not accept, or a command argument it refused to send.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodecError {
    /// The line does not have the expected shape. `line` is the raw line (capped at
    /// [`MAX_LINE`] octets); show it only through [`excerpt`].
    #[error("{expected} expected, got \"{}\"", excerpt(line))]
    Malformed {
        expected: &'static str,
        line: Vec<u8>,
    },
    #[error("a reply line is longer than {limit} octets")]
    LineTooLong { limit: usize },
    #[error("a multi-line reply is longer than {limit} octets")]
    TooLarge { limit: usize },
    #[error("the argument of {command} contains CR, LF or NUL")]
    InvalidArgument { command: &'static str },
}

fn malformed(expected: &'static str, line: &[u8]) -> CodecError {
    CodecError::Malformed {
        expected,
        line: line[..line.len().min(KEEP_OCTETS)].to_vec(),
    }
}

/// A printable, single-line, length-limited view of server bytes for error messages.
/// Control characters are escaped so a hostile server cannot drive the user's terminal.
pub fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches(['\r', '\n']);
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Requests

/// One POP3 request. There is deliberately no DELE: ikou never deletes on the old server.
#[derive(Clone, Copy)]
pub enum Command<'a> {
    Capa,
    Stls,
    User(&'a str),
    Pass(&'a Secret),
    /// `AUTH mechanism [initial-response]`; the initial response is sent base64-encoded.
    Auth {
        mechanism: &'a str,
        initial: Option<&'a [u8]>,
    },
    /// The answer to a `+ ` continuation, base64-encoded; empty bytes give an empty line.
    SaslResponse(&'a [u8]),
    /// `*`: abandons a SASL exchange (RFC 5034).
    SaslCancel,
    Stat,
    List(Option<u32>),
    Uidl(Option<u32>),
    Retr(u32),
    Top(u32, u32),
    Noop,
    Quit,
}

/// The reply shape a command produces, which the decoder needs to frame it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// One status line.
    Single,
    /// A status line, and after `+OK` a dot-terminated body.
    Multi,
    /// A status line or a `+ ` continuation.
    Sasl,
}

impl fmt::Debug for Command<'_> {
    // Hand-written so that passwords and SASL responses never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::User(name) => write!(f, "USER {name}"),
            Command::Pass(_) => f.write_str("PASS ***"),
            Command::Auth { mechanism, initial } => write!(
                f,
                "AUTH {mechanism}{}",
                if initial.is_some() { " ***" } else { "" }
            ),
            Command::SaslResponse(_) => f.write_str("(SASL response ***)"),
            Command::List(Some(n)) => write!(f, "LIST {n}"),
            Command::Uidl(Some(n)) => write!(f, "UIDL {n}"),
            Command::Retr(n) => write!(f, "RETR {n}"),
            Command::Top(n, lines) => write!(f, "TOP {n} {lines}"),
            other => f.write_str(other.name()),
        }
    }
}

impl Command<'_> {
    /// The command word, safe for messages (never carries an argument).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Capa => "CAPA",
            Command::Stls => "STLS",
            Command::User(_) => "USER",
            Command::Pass(_) => "PASS",
            Command::Auth { .. } | Command::SaslResponse(_) | Command::SaslCancel => "AUTH",
            Command::Stat => "STAT",
            Command::List(_) => "LIST",
            Command::Uidl(_) => "UIDL",
            Command::Retr(_) => "RETR",
            Command::Top(..) => "TOP",
            Command::Noop => "NOOP",
            Command::Quit => "QUIT",
        }
    }

    /// What the reply to this command looks like.
    pub fn expect(&self) -> Expect {
        match self {
            Command::Capa
            | Command::List(None)
            | Command::Uidl(None)
            | Command::Retr(_)
            | Command::Top(..) => Expect::Multi,
            Command::Auth { .. } | Command::SaslResponse(_) | Command::SaslCancel => Expect::Sasl,
            _ => Expect::Single,
        }
    }

    /// Appends the command line, CRLF included, to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<(), CodecError> {
        let checked = |arg: &str| -> Result<(), CodecError> {
            // A CR or LF would end the line early and let the rest be read as another
            // command; NUL is refused by most servers and never legitimate.
            if arg.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
                Err(CodecError::InvalidArgument {
                    command: self.name(),
                })
            } else {
                Ok(())
            }
        };
        match self {
            Command::User(name) => {
                checked(name)?;
                out.extend_from_slice(b"USER ");
                out.extend_from_slice(name.as_bytes());
            }
            Command::Pass(secret) => {
                checked(secret.expose())?;
                out.extend_from_slice(b"PASS ");
                out.extend_from_slice(secret.expose().as_bytes());
            }
            Command::Auth { mechanism, initial } => {
                if mechanism.is_empty()
                    || !mechanism
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    return Err(CodecError::InvalidArgument { command: "AUTH" });
                }
                out.extend_from_slice(b"AUTH ");
                out.extend_from_slice(mechanism.as_bytes());
                if let Some(initial) = initial {
                    out.push(b' ');
                    if initial.is_empty() {
                        // RFC 5034 §4: a zero-length initial response is sent as "=".
                        out.push(b'=');
                    } else {
                        out.extend_from_slice(BASE64.encode(initial).as_bytes());
                    }
                }
            }
            Command::SaslResponse(bytes) => out.extend_from_slice(BASE64.encode(bytes).as_bytes()),
            Command::SaslCancel => out.push(b'*'),
            Command::List(Some(n)) => out.extend_from_slice(format!("LIST {n}").as_bytes()),
            Command::Uidl(Some(n)) => out.extend_from_slice(format!("UIDL {n}").as_bytes()),
            Command::Retr(n) => out.extend_from_slice(format!("RETR {n}").as_bytes()),
            Command::Top(n, lines) => out.extend_from_slice(format!("TOP {n} {lines}").as_bytes()),
            other => out.extend_from_slice(other.name().as_bytes()),
        }
        out.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// The command line, CRLF included.
    pub fn encode(&self) -> Result<Vec<u8>, CodecError> {
        let mut out = Vec::new();
        self.encode_into(&mut out)?;
        Ok(out)
    }
}

/// Length of `AUTH <mechanism> <base64 initial response>\r\n`, to decide whether the
/// initial response fits the 255-octet limit of RFC 5034 §4.
pub fn auth_line_len(mechanism: &str, initial: &[u8]) -> usize {
    let encoded = if initial.is_empty() {
        1
    } else {
        initial.len().div_ceil(3) * 4
    };
    "AUTH ".len() + mechanism.len() + 1 + encoded + 2
}

// ---------------------------------------------------------------------------------------
// Replies

/// An extended response code (RFC 2449 §8, RFC 3206) at the start of the status text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseCode {
    /// `[AUTH]`: the credentials were wrong (RFC 3206).
    Auth,
    /// `[IN-USE]`: another session holds the maildrop lock.
    InUse,
    /// `[SYS/TEMP]`: a temporary server problem.
    SysTemp,
    /// `[SYS/PERM]`: a permanent server problem (account disabled and the like).
    SysPerm,
    /// `[LOGIN-DELAY]`: the user signed in too recently.
    LoginDelay,
    /// Any other code, upper-cased.
    Other(String),
}

impl ResponseCode {
    fn parse(code: &str) -> Self {
        let upper = code.to_ascii_uppercase();
        match upper.as_str() {
            "AUTH" => ResponseCode::Auth,
            "IN-USE" => ResponseCode::InUse,
            "SYS/TEMP" => ResponseCode::SysTemp,
            "SYS/PERM" => ResponseCode::SysPerm,
            "LOGIN-DELAY" => ResponseCode::LoginDelay,
            _ => ResponseCode::Other(upper),
        }
    }
}

/// A `+OK` or `-ERR` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub ok: bool,
    pub code: Option<ResponseCode>,
    /// The text after the indicator and the response code, trimmed.
    pub text: String,
}

/// One complete reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A single status line; also a `-ERR` to a multi-line command.
    Status(Status),
    /// `+OK` and its body: dot-unstuffed, line endings as sent, terminator removed.
    Multi(Status, Vec<u8>),
    /// A SASL challenge (`+ base64`), decoded.
    Continuation(Vec<u8>),
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn starts_with_ignore_case(line: &[u8], prefix: &[u8]) -> bool {
    line.len() >= prefix.len() && line[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Parses a status line (with or without its line ending).
pub fn parse_status(line: &[u8]) -> Result<Status, CodecError> {
    let bare = strip_eol(line);
    let (ok, rest) = if starts_with_ignore_case(bare, b"+OK") {
        (true, &bare[3..])
    } else if starts_with_ignore_case(bare, b"-ERR") {
        (false, &bare[4..])
    } else {
        return Err(malformed("+OK or -ERR", line));
    };
    // "+OKAY" is not "+OK": the indicator must end the line or be followed by a space.
    if !(rest.is_empty() || rest[0] == b' ' || rest[0] == b'\t') {
        return Err(malformed("+OK or -ERR", line));
    }
    let text = String::from_utf8_lossy(rest);
    let text = text.trim();
    let (code, text) = split_response_code(text);
    Ok(Status {
        ok,
        code,
        text: text.to_string(),
    })
}

/// Splits `[CODE] text` into the code and the text; text that merely starts with `[` is
/// left alone (RFC 2449: a code is letters, digits, `-` and `/` only).
fn split_response_code(text: &str) -> (Option<ResponseCode>, &str) {
    if let Some(rest) = text.strip_prefix('[')
        && let Some(end) = rest.find(']')
    {
        let code = &rest[..end];
        if !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'/')
        {
            return (
                Some(ResponseCode::parse(code)),
                rest[end + 1..].trim_start(),
            );
        }
    }
    (None, text)
}

/// `+` alone or `+ ` followed by base64 (RFC 5034 §4); `+OK` is a status, not this.
fn is_continuation(line: &[u8]) -> bool {
    let bare = strip_eol(line);
    bare == b"+" || bare.starts_with(b"+ ")
}

fn parse_continuation(line: &[u8]) -> Result<Vec<u8>, CodecError> {
    let payload = strip_eol(line)[1..].trim_ascii();
    if payload.is_empty() {
        return Ok(Vec::new());
    }
    BASE64
        .decode(payload)
        .map_err(|_| malformed("a base64 SASL challenge", line))
}

/// Incremental reply decoder: feed it bytes as they arrive, ask it for complete replies.
///
/// Partial state (an unfinished line, a half-received body) stays inside the decoder, so
/// a reply split into any number of chunks decodes exactly like one that arrived whole,
/// and each byte is examined once however small the chunks are.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    /// Bytes before this index were already searched for a line end.
    scanned: usize,
    /// A multi-line reply whose status line was read but whose body is not complete yet.
    partial: Option<(Status, Vec<u8>)>,
    max_line: usize,
    max_body: usize,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    pub fn new() -> Self {
        Decoder::with_limits(MAX_LINE, MAX_BODY)
    }

    /// A decoder with other limits for status lines and multi-line bodies.
    pub fn with_limits(max_line: usize, max_body: usize) -> Self {
        Decoder {
            buf: Vec::new(),
            pos: 0,
            scanned: 0,
            partial: None,
            max_line,
            max_body,
        }
    }

    /// Appends bytes received from the server.
    pub fn feed(&mut self, data: &[u8]) {
        // Compact only when at least half the buffer is consumed, so a long line arriving
        // in many small chunks is not copied again on every chunk.
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.scanned -= self.pos;
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// True when no byte is buffered and no reply is half-decoded. After `+OK` to STLS
    /// anything buffered would be plaintext injected before the TLS handshake.
    pub fn is_idle(&self) -> bool {
        self.pos == self.buf.len() && self.partial.is_none()
    }

    /// Number of received bytes not yet consumed.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// The next complete line (with its line ending) as a range of `buf`, or `None` if it
    /// has not fully arrived. `limit` caps how long an unfinished line may grow.
    fn next_line(&mut self, limit: usize) -> Result<Option<(usize, usize)>, CodecError> {
        match self.buf[self.scanned..].iter().position(|&b| b == b'\n') {
            Some(offset) => {
                let start = self.pos;
                let end = self.scanned + offset + 1;
                self.pos = end;
                self.scanned = end;
                Ok(Some((start, end)))
            }
            None => {
                self.scanned = self.buf.len();
                if self.buf.len() - self.pos > limit {
                    Err(CodecError::LineTooLong { limit })
                } else {
                    Ok(None)
                }
            }
        }
    }

    /// Decodes the next reply of the given shape, or returns `Ok(None)` until enough bytes
    /// have been fed. After an error the decoder's state is unspecified: the connection
    /// is out of step and must be dropped.
    pub fn decode(&mut self, expect: Expect) -> Result<Option<Reply>, CodecError> {
        if self.partial.is_none() {
            let Some((start, end)) = self.next_line(self.max_line)? else {
                return Ok(None);
            };
            let line = &self.buf[start..end];
            if expect == Expect::Sasl && is_continuation(line) {
                return parse_continuation(line).map(|c| Some(Reply::Continuation(c)));
            }
            let status = parse_status(line)?;
            if expect != Expect::Multi || !status.ok {
                return Ok(Some(Reply::Status(status)));
            }
            self.partial = Some((status, Vec::new()));
        }
        self.continue_body()
    }

    fn continue_body(&mut self) -> Result<Option<Reply>, CodecError> {
        let Some((status, mut body)) = self.partial.take() else {
            return Ok(None);
        };
        loop {
            let room = self.max_body.saturating_sub(body.len());
            let (start, end) = match self.next_line(room) {
                Ok(Some(range)) => range,
                Ok(None) => {
                    self.partial = Some((status, body));
                    return Ok(None);
                }
                Err(_) => {
                    return Err(CodecError::TooLarge {
                        limit: self.max_body,
                    });
                }
            };
            let line = &self.buf[start..end];
            if strip_eol(line) == b"." {
                return Ok(Some(Reply::Multi(status, body)));
            }
            // RFC 1939 §3: a line starting with "." was sent with one more "." in front.
            let content = line.strip_prefix(b".").unwrap_or(line);
            if content.len() > room {
                return Err(CodecError::TooLarge {
                    limit: self.max_body,
                });
            }
            body.extend_from_slice(content);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reply contents

fn lines(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    body.split_inclusive(|&b| b == b'\n')
        .map(strip_eol)
        .filter(|l| !l.trim_ascii().is_empty())
}

fn number<T: std::str::FromStr>(word: Option<&[u8]>) -> Option<T> {
    let word = word?;
    if word.is_empty() || !word.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(word).ok()?.parse().ok()
}

fn words(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
}

/// `+OK nn mm` to STAT: message count and maildrop size in octets.
pub fn parse_stat(status: &Status) -> Result<(u32, u64), CodecError> {
    let mut w = words(status.text.as_bytes());
    match (number(w.next()), number(w.next())) {
        (Some(count), Some(octets)) => Ok((count, octets)),
        _ => Err(malformed("STAT count and size", status.text.as_bytes())),
    }
}

/// A scan listing `msgno size` (the text of `+OK` to `LIST n`, or a line of `LIST`).
pub fn parse_scan_listing(line: &[u8]) -> Result<(u32, u64), CodecError> {
    let mut w = words(strip_eol(line));
    match (number::<u32>(w.next()), number(w.next())) {
        (Some(msgno), Some(size)) if msgno > 0 => Ok((msgno, size)),
        _ => Err(malformed("LIST message number and size", line)),
    }
}

/// A unique-id listing `msgno uid` (the text of `+OK` to `UIDL n`, or a line of `UIDL`).
/// RFC 1939 allows 1 to 70 characters 0x21-0x7E; longer ones are accepted for legacy servers.
pub fn parse_unique_id_listing(line: &[u8]) -> Result<(u32, String), CodecError> {
    let mut w = words(strip_eol(line));
    let msgno = number::<u32>(w.next()).filter(|&n| n > 0);
    let uid = w
        .next()
        .filter(|u| u.iter().all(|b| (0x21..=0x7e).contains(b)));
    match (msgno, uid) {
        (Some(msgno), Some(uid)) => Ok((msgno, String::from_utf8_lossy(uid).into_owned())),
        _ => Err(malformed("UIDL message number and unique id", line)),
    }
}

/// The body of `LIST`.
pub fn parse_list(body: &[u8]) -> Result<Vec<(u32, u64)>, CodecError> {
    lines(body).map(parse_scan_listing).collect()
}

/// The body of `UIDL`.
pub fn parse_uidl(body: &[u8]) -> Result<Vec<(u32, String)>, CodecError> {
    lines(body).map(parse_unique_id_listing).collect()
}

/// The server's CAPA list (RFC 2449): capability names with their arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities {
    entries: Vec<(String, Vec<String>)>,
}

impl Capabilities {
    /// Parses the body of `CAPA`. Never fails: unknown lines are simply capabilities.
    pub fn parse(body: &[u8]) -> Self {
        let entries = lines(body)
            .filter_map(|line| {
                let line = String::from_utf8_lossy(line);
                let mut w = line.split_whitespace();
                let name = w.next()?.to_ascii_uppercase();
                Some((name, w.map(str::to_string).collect()))
            })
            .collect();
        Capabilities { entries }
    }

    /// True when nothing is known (no CAPA support, or not asked yet).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn has(&self, name: &str) -> bool {
        self.args(name).is_some()
    }

    /// The arguments of a capability, e.g. the mechanisms of `SASL`.
    pub fn args(&self, name: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, args)| args.as_slice())
    }

    /// The SASL mechanisms offered, if the server lists any.
    pub fn sasl_mechanisms(&self) -> Option<&[String]> {
        self.args("SASL")
    }

    /// Capability names in the server's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Status {
        Status {
            ok: true,
            code: None,
            text: text.into(),
        }
    }

    fn err(code: Option<ResponseCode>, text: &str) -> Status {
        Status {
            ok: false,
            code,
            text: text.into(),
        }
    }

    type Decoded = Vec<Result<Reply, CodecError>>;

    /// Feeds `input` in chunks of every size from 1 to its length and checks that each
    /// chunking yields exactly `expected`, then nothing more.
    fn decode_all(input: &[u8], expect: &[Expect]) -> Decoded {
        let mut results = None;
        for chunk in 1..=input.len().max(1) {
            let mut decoder = Decoder::new();
            let mut out = Vec::new();
            let mut kinds = expect.iter().copied().peekable();
            'feed: for piece in input.chunks(chunk) {
                decoder.feed(piece);
                while let Some(&kind) = kinds.peek() {
                    match decoder.decode(kind) {
                        Ok(Some(reply)) => {
                            out.push(Ok(reply));
                            kinds.next();
                        }
                        Ok(None) => break,
                        Err(e) => {
                            out.push(Err(e));
                            break 'feed;
                        }
                    }
                }
            }
            match &results {
                None => results = Some(out),
                Some(previous) => assert_eq!(previous, &out, "chunk size {chunk}"),
            }
        }
        results.unwrap_or_default()
    }

    #[test]
    fn status_lines() {
        let table: &[(&[u8], Result<Status, ()>)] = &[
            (b"+OK\r\n", Ok(ok(""))),
            (b"+OK Dovecot ready.\r\n", Ok(ok("Dovecot ready."))),
            (b"+ok lower case\n", Ok(ok("lower case"))),
            (b"-ERR\r\n", Ok(err(None, ""))),
            (
                b"-ERR [AUTH] Authentication failed.\r\n",
                Ok(err(Some(ResponseCode::Auth), "Authentication failed.")),
            ),
            (
                b"-ERR [IN-USE] Mailbox is locked\r\n",
                Ok(err(Some(ResponseCode::InUse), "Mailbox is locked")),
            ),
            (
                b"-ERR [SYS/TEMP] Try again\r\n",
                Ok(err(Some(ResponseCode::SysTemp), "Try again")),
            ),
            (
                b"-ERR [SYS/PERM] Disabled\r\n",
                Ok(err(Some(ResponseCode::SysPerm), "Disabled")),
            ),
            (
                b"-ERR [LOGIN-DELAY] wait\r\n",
                Ok(err(Some(ResponseCode::LoginDelay), "wait")),
            ),
            (
                b"-ERR [x-custom] odd\r\n",
                Ok(err(Some(ResponseCode::Other("X-CUSTOM".into())), "odd")),
            ),
            (
                b"-ERR [not a code] text\r\n",
                Ok(err(None, "[not a code] text")),
            ),
            (b"-ERR [unterminated\r\n", Ok(err(None, "[unterminated"))),
            (b"+OKAY\r\n", Err(())),
            (b"-ERROR\r\n", Err(())),
            (b"* OK IMAP4rev1\r\n", Err(())),
            (b"\r\n", Err(())),
            (b"HTTP/1.1 400 Bad Request\r\n", Err(())),
            (b"\x16\x03\x01\x00\xa5\x01\x00\r\n", Err(())),
        ];
        for (line, expected) in table {
            let got = parse_status(line).map_err(|_| ());
            assert_eq!(&got, expected, "{}", excerpt(line));
        }
    }

    #[test]
    fn framing_table() {
        use Expect::*;
        let body_with_dots: &[u8] =
            b"+OK 120 octets\r\nSubject: dots\r\n\r\n..leading dot\r\n...two dots\r\n..\r\n.\r\n";
        let table: Vec<(&[u8], Vec<Expect>, Decoded)> = vec![
            (
                b"+OK hi\r\n",
                vec![Single],
                vec![Ok(Reply::Status(ok("hi")))],
            ),
            (
                b"-ERR no such message\r\n",
                vec![Multi],
                vec![Ok(Reply::Status(err(None, "no such message")))],
            ),
            (
                b"+OK\r\n.\r\n",
                vec![Multi],
                vec![Ok(Reply::Multi(ok(""), Vec::new()))],
            ),
            (
                body_with_dots,
                vec![Multi],
                vec![Ok(Reply::Multi(
                    ok("120 octets"),
                    b"Subject: dots\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n".to_vec(),
                ))],
            ),
            (
                // Line endings inside the body are kept exactly, even a lone LF or CR.
                b"+OK\r\nbare lf\nbare cr\rmid\r\n.\r\n+OK 2 320\r\n",
                vec![Multi, Single],
                vec![
                    Ok(Reply::Multi(ok(""), b"bare lf\nbare cr\rmid\r\n".to_vec())),
                    Ok(Reply::Status(ok("2 320"))),
                ],
            ),
            (
                // ".\r\n" followed by the next reply: the body must stop exactly there.
                b"+OK\r\na\r\n.\r\n-ERR [IN-USE] locked\r\n",
                vec![Multi, Multi],
                vec![
                    Ok(Reply::Multi(ok(""), b"a\r\n".to_vec())),
                    Ok(Reply::Status(err(Some(ResponseCode::InUse), "locked"))),
                ],
            ),
            (
                b"+ eyJzdGF0dXMiOiI0MDEifQ==\r\n-ERR [AUTH] failed\r\n",
                vec![Sasl, Sasl],
                vec![
                    Ok(Reply::Continuation(b"{\"status\":\"401\"}".to_vec())),
                    Ok(Reply::Status(err(Some(ResponseCode::Auth), "failed"))),
                ],
            ),
            (
                b"+ \r\n+\r\n+OK Logged in.\r\n",
                vec![Sasl, Sasl, Sasl],
                vec![
                    Ok(Reply::Continuation(Vec::new())),
                    Ok(Reply::Continuation(Vec::new())),
                    Ok(Reply::Status(ok("Logged in."))),
                ],
            ),
            (
                b"+ not base64!\r\n",
                vec![Sasl],
                vec![Err(CodecError::Malformed {
                    expected: "a base64 SASL challenge",
                    line: b"+ not base64!\r\n".to_vec(),
                })],
            ),
            (
                // A continuation where none may come is garbage.
                b"+ abcd\r\n",
                vec![Single],
                vec![Err(CodecError::Malformed {
                    expected: "+OK or -ERR",
                    line: b"+ abcd\r\n".to_vec(),
                })],
            ),
            (
                b"\x00\xff\xfegarbage\r\n",
                vec![Single],
                vec![Err(CodecError::Malformed {
                    expected: "+OK or -ERR",
                    line: b"\x00\xff\xfegarbage\r\n".to_vec(),
                })],
            ),
            (
                // Incomplete input yields nothing (and no error) yet.
                b"+OK\r\nhalf a bo",
                vec![Multi],
                vec![],
            ),
        ];
        for (input, expect, expected) in table {
            assert_eq!(
                decode_all(input, &expect),
                expected,
                "input {}",
                excerpt(input)
            );
        }
    }

    #[test]
    fn a_large_body_in_tiny_chunks_is_reassembled() {
        let mut message = Vec::new();
        for i in 0..2000 {
            if i % 7 == 0 {
                message.extend_from_slice(b".");
            }
            message.extend_from_slice(format!("line {i} of the message\r\n").as_bytes());
        }
        let mut wire = b"+OK message follows\r\n".to_vec();
        for line in message.split_inclusive(|&b| b == b'\n') {
            if line.starts_with(b".") {
                wire.push(b'.');
            }
            wire.extend_from_slice(line);
        }
        wire.extend_from_slice(b".\r\n");
        for chunk in [1, 2, 3, 5, 64, 1000] {
            let mut decoder = Decoder::new();
            let mut got = None;
            for piece in wire.chunks(chunk) {
                assert!(got.is_none(), "data after the terminator");
                decoder.feed(piece);
                if let Some(reply) = decoder.decode(Expect::Multi).expect("valid") {
                    got = Some(reply);
                }
            }
            assert_eq!(
                got,
                Some(Reply::Multi(ok("message follows"), message.clone())),
                "chunk {chunk}"
            );
            assert!(decoder.is_idle());
        }
    }

    #[test]
    fn limits_turn_endless_input_into_errors() {
        let mut decoder = Decoder::with_limits(16, 32);
        decoder.feed(b"+OK this status line never ends");
        assert_eq!(
            decoder.decode(Expect::Single),
            Err(CodecError::LineTooLong { limit: 16 })
        );

        let mut decoder = Decoder::with_limits(16, 32);
        decoder.feed(b"+OK\r\n0123456789\r\n0123456789\r\n0123456789\r\n.\r\n");
        assert_eq!(
            decoder.decode(Expect::Multi),
            Err(CodecError::TooLarge { limit: 32 })
        );

        let mut decoder = Decoder::with_limits(16, 32);
        decoder.feed(b"+OK\r\n");
        decoder.feed(&[b'x'; 40]);
        assert_eq!(
            decoder.decode(Expect::Multi),
            Err(CodecError::TooLarge { limit: 32 })
        );
    }

    #[test]
    fn stat_list_uidl() {
        assert_eq!(parse_stat(&ok("2 320")), Ok((2, 320)));
        assert_eq!(parse_stat(&ok("0 0 extra words")), Ok((0, 0)));
        for bad in ["", "2", "two 320", "-1 5", "2 99999999999999999999999"] {
            assert!(parse_stat(&ok(bad)).is_err(), "{bad:?}");
        }

        assert_eq!(parse_scan_listing(b"1 120"), Ok((1, 120)));
        assert_eq!(
            parse_list(b"1 120\r\n2 200\r\n\r\n"),
            Ok(vec![(1, 120), (2, 200)])
        );
        assert_eq!(parse_list(b""), Ok(vec![]));
        assert!(parse_list(b"1 120\r\nx y\r\n").is_err());
        assert!(parse_scan_listing(b"0 10").is_err());

        assert_eq!(
            parse_unique_id_listing(b"1 whqtswO00WBw418f9t5JxYwZ"),
            Ok((1, "whqtswO00WBw418f9t5JxYwZ".into()))
        );
        assert_eq!(
            parse_uidl(b"1 0000000158b1c5a5\r\n2 0000000258b1c5a5\r\n"),
            Ok(vec![
                (1, "0000000158b1c5a5".into()),
                (2, "0000000258b1c5a5".into())
            ])
        );
        for bad in [&b"1"[..], b"x abc", b"1 \xc3\xa9t\xc3\xa9", b""] {
            assert!(parse_unique_id_listing(bad).is_err(), "{}", excerpt(bad));
        }
    }

    #[test]
    fn capabilities() {
        let caps = Capabilities::parse(
            b"CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN xoauth2\r\n",
        );
        assert!(caps.has("stls") && caps.has("PIPELINING") && !caps.has("APOP"));
        assert_eq!(
            caps.sasl_mechanisms(),
            Some(&["PLAIN".to_string(), "xoauth2".to_string()][..])
        );
        assert_eq!(caps.names().count(), 9);
        assert!(Capabilities::parse(b"").is_empty());
    }

    #[test]
    fn encoding() {
        let secret = Secret::new("pa ss");
        let table: Vec<(Command<'_>, &[u8])> = vec![
            (Command::Capa, b"CAPA\r\n"),
            (Command::Stls, b"STLS\r\n"),
            (
                Command::User("alice@example.org"),
                b"USER alice@example.org\r\n",
            ),
            (Command::Pass(&secret), b"PASS pa ss\r\n"),
            (Command::Stat, b"STAT\r\n"),
            (Command::List(None), b"LIST\r\n"),
            (Command::List(Some(3)), b"LIST 3\r\n"),
            (Command::Uidl(None), b"UIDL\r\n"),
            (Command::Uidl(Some(4)), b"UIDL 4\r\n"),
            (Command::Retr(7), b"RETR 7\r\n"),
            (Command::Top(7, 0), b"TOP 7 0\r\n"),
            (Command::Noop, b"NOOP\r\n"),
            (Command::Quit, b"QUIT\r\n"),
            (
                Command::Auth {
                    mechanism: "PLAIN",
                    initial: Some(b"\0u\0p"),
                },
                b"AUTH PLAIN AHUAcA==\r\n",
            ),
            (
                Command::Auth {
                    mechanism: "PLAIN",
                    initial: Some(b""),
                },
                b"AUTH PLAIN =\r\n",
            ),
            (
                Command::Auth {
                    mechanism: "XOAUTH2",
                    initial: None,
                },
                b"AUTH XOAUTH2\r\n",
            ),
            (Command::SaslResponse(b""), b"\r\n"),
            (Command::SaslResponse(b"\0u\0p"), b"AHUAcA==\r\n"),
            (Command::SaslCancel, b"*\r\n"),
        ];
        for (command, wire) in table {
            assert_eq!(command.encode().as_deref(), Ok(wire), "{command:?}");
        }
        let sneaky = Secret::new("x\r\nDELE 1");
        assert_eq!(
            Command::Pass(&sneaky).encode(),
            Err(CodecError::InvalidArgument { command: "PASS" })
        );
        assert!(Command::User("a\nb").encode().is_err());
        assert!(
            Command::Auth {
                mechanism: "PLAIN\r\nDELE",
                initial: None
            }
            .encode()
            .is_err()
        );
        assert_eq!(
            auth_line_len("PLAIN", b"\0u\0p"),
            b"AUTH PLAIN AHUAcA==\r\n".len()
        );
    }

    #[test]
    fn debug_output_hides_secrets() {
        let secret = Secret::new("hunter2");
        let shown = format!(
            "{:?} {:?} {:?}",
            Command::Pass(&secret),
            Command::Auth {
                mechanism: "PLAIN",
                initial: Some(b"\0u\0hunter2")
            },
            Command::SaslResponse(b"hunter2")
        );
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn excerpts_are_short_and_printable() {
        let long = vec![b'a'; 500];
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(excerpt(b"\x1b[31mred\r\n"), "\\u{1b}[31mred");
        let error = malformed("+OK or -ERR", &long);
        assert!(error.to_string().len() < 200);
    }
}
