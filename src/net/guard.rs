//! # Bounds on what an IMAP server can make ikou do
//!
//! async-imap owns the IMAP reader, and it trusts the server: it parses the whole buffer
//! again each time a few bytes arrive (a 100 MB line without CRLF costs minutes of CPU), it
//! reserves the full size of an announced literal before a byte of it arrives (`{400000000}`
//! reserves 400 MB), and a server that sends one byte a second never trips a per-read
//! timeout. [`ReplyGuard`] sits between the socket and async-imap and follows the reply's
//! framing (lines, and literals announced as `{N}` at the end of a line) without parsing it:
//!
//! - a line (the text between literals) longer than [`MAX_LINE`] is an error;
//! - a line is handed on only once its line feed has arrived, so async-imap parses it once;
//! - a literal above [`HOLD_LITERALS_ABOVE`] is held back until a quarter of it has
//!   arrived, so what async-imap reserves is never more than four times what the server
//!   really sent; one above [`MAX_LITERAL`] is refused;
//! - one response must arrive within the I/O timeout, plus the time its bytes need at
//!   [`MIN_RATE`] bytes per second: every byte that arrives buys the server a little more
//!   time, so a large message on a slow line is fine and one byte a second is not.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Longest line (text outside literals) accepted from a server.
pub const MAX_LINE: usize = 1 << 20;

/// Largest literal accepted (async-imap's own read buffer stops at 512 MiB).
pub const MAX_LITERAL: u64 = 512 << 20;

/// Literals up to this size are passed on as they arrive.
pub const HOLD_LITERALS_ABOVE: u64 = 1 << 20;

/// Slowest average transfer a response may have after the first I/O timeout (bytes/s).
pub const MIN_RATE: u64 = 16 << 10;

/// Where the reader is in the server's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// Inside a line; `len` bytes since its start (or since the last literal).
    Line { len: usize },
    /// Inside a literal, `remaining` bytes to go.
    Literal { remaining: u64 },
}

/// A stream whose inbound bytes are checked and paced as described in the module docs.
#[derive(Debug)]
pub struct ReplyGuard<S> {
    inner: S,
    /// Boxed so a session that holds the guard stays small.
    st: Box<State>,
}

#[derive(Debug)]
struct State {
    io_timeout: Duration,
    frame: Frame,
    /// The last bytes of the current line, to find a `{N}` announcement at its end.
    tail: Vec<u8>,
    /// Bytes read but not yet handed on (an unfinished line, or a held-back literal).
    held: Vec<u8>,
    /// How many bytes of `held` may be handed on now.
    ready: usize,
    /// A large literal is being held back until this many of its bytes have arrived.
    hold_until: Option<u64>,
    /// Literal bytes received while holding back.
    held_literal: u64,
    /// Deadline of the response being received, armed by its first byte.
    deadline: Option<Pin<Box<Sleep>>>,
    /// The inner stream has ended or failed; what is held is handed on, then EOF.
    ended: bool,
}

impl<S> ReplyGuard<S> {
    pub fn new(inner: S, io_timeout: Duration) -> Self {
        ReplyGuard {
            inner,
            st: Box::new(State {
                io_timeout,
                frame: Frame::Line { len: 0 },
                tail: Vec::with_capacity(32),
                held: Vec::new(),
                ready: 0,
                hold_until: None,
                held_literal: 0,
                deadline: None,
                ended: false,
            }),
        }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl State {
    fn arm(&mut self, extra: Duration) {
        let now = Instant::now();
        match &mut self.deadline {
            Some(sleep) => {
                let at = sleep.deadline() + extra;
                sleep.as_mut().reset(at);
            }
            None => {
                self.deadline = Some(Box::pin(tokio::time::sleep_until(
                    now + self.io_timeout + extra,
                )))
            }
        }
    }

    /// Follows the framing over `bytes` (just appended to `held` at `start`), and moves
    /// `ready` forward over what may be handed on.
    fn scan(&mut self, start: usize) -> std::io::Result<()> {
        let mut i = start;
        let end = self.held.len();
        while i < end {
            if self.deadline.is_none() {
                self.arm(Duration::ZERO);
            }
            match self.frame {
                Frame::Literal { remaining } => {
                    let take = remaining.min((end - i) as u64);
                    i += take as usize;
                    let remaining = remaining - take;
                    self.frame = if remaining == 0 {
                        Frame::Line { len: 0 }
                    } else {
                        Frame::Literal { remaining }
                    };
                    match self.hold_until {
                        Some(wanted) => {
                            self.held_literal += take;
                            if self.held_literal >= wanted || remaining == 0 {
                                self.hold_until = None;
                                self.ready = i;
                            }
                        }
                        None => self.ready = i,
                    }
                }
                Frame::Line { len } => {
                    let rest = &self.held[i..end];
                    match rest.iter().position(|b| *b == b'\n') {
                        None => {
                            let len = len + rest.len();
                            if len > MAX_LINE {
                                return Err(too_long());
                            }
                            keep_tail(&mut self.tail, rest);
                            self.frame = Frame::Line { len };
                            i = end;
                        }
                        Some(p) => {
                            if len + p > MAX_LINE {
                                return Err(too_long());
                            }
                            keep_tail(&mut self.tail, &rest[..p]);
                            i += p + 1;
                            match literal_size(&self.tail) {
                                Some(n) if n > MAX_LITERAL => {
                                    return Err(std::io::Error::new(
                                        std::io::ErrorKind::InvalidData,
                                        format!(
                                            "the server announced {n} bytes in one piece, more than the {} MiB ikou accepts",
                                            MAX_LITERAL >> 20
                                        ),
                                    ));
                                }
                                Some(n) => {
                                    if n > HOLD_LITERALS_ABOVE && self.hold_until.is_none() {
                                        // Hand on what came before the announcement only.
                                        self.hold_until = Some(n / 4);
                                        self.held_literal = 0;
                                    } else if self.hold_until.is_none() {
                                        self.ready = i;
                                    }
                                    self.frame = if n == 0 {
                                        Frame::Line { len: 0 }
                                    } else {
                                        Frame::Literal { remaining: n }
                                    };
                                }
                                None => {
                                    // The response is complete.
                                    self.frame = Frame::Line { len: 0 };
                                    self.deadline = None;
                                    if self.hold_until.is_none() {
                                        self.ready = i;
                                    }
                                }
                            }
                            self.tail.clear();
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

fn too_long() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        format!(
            "the server sent a line longer than {} MiB without a line end",
            MAX_LINE >> 20
        ),
    )
}

/// Keeps the last few bytes of a line (enough for `{4294967295+}\r`).
fn keep_tail(tail: &mut Vec<u8>, more: &[u8]) {
    const KEEP: usize = 24;
    if more.len() >= KEEP {
        tail.clear();
        tail.extend_from_slice(&more[more.len() - KEEP..]);
    } else {
        tail.extend_from_slice(more);
        if tail.len() > KEEP {
            tail.drain(..tail.len() - KEEP);
        }
    }
}

/// The size of a literal announced at the end of a line (`... {123}\r` or `{123+}\r`).
fn literal_size(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|b| *b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 12 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl<S: AsyncRead + Unpin> AsyncRead for ReplyGuard<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            // Hand on what is ready first.
            if this.st.ready > 0 || (this.st.ended && !this.st.held.is_empty()) {
                let available = if this.st.ended {
                    this.st.held.len()
                } else {
                    this.st.ready
                };
                let n = available.min(buf.remaining());
                buf.put_slice(&this.st.held[..n]);
                this.st.held.drain(..n);
                this.st.ready = this.st.ready.saturating_sub(n);
                if this.st.held.is_empty() && this.st.held.capacity() > 64 << 10 {
                    this.st.held = Vec::new();
                }
                return Poll::Ready(Ok(()));
            }
            if this.st.ended {
                return Poll::Ready(Ok(()));
            }
            // Read more from the socket, growing the hold-back buffer only by what arrives.
            let mut chunk = [0u8; 16 << 10];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) => {
                    let got = read.filled();
                    if got.is_empty() {
                        this.st.ended = true;
                        continue;
                    }
                    let start = this.st.held.len();
                    this.st.held.extend_from_slice(got);
                    this.st.scan(start)?;
                    if this.st.deadline.is_some() {
                        let earned = got.len() as u64 * 1_000_000_000 / MIN_RATE;
                        this.st.arm(Duration::from_nanos(earned));
                    }
                    if let Some(sleep) = &this.st.deadline
                        && sleep.is_elapsed()
                    {
                        return Poll::Ready(Err(slow(this.st.io_timeout)));
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    if let Some(sleep) = &mut this.st.deadline
                        && sleep.as_mut().poll(cx).is_ready()
                    {
                        return Poll::Ready(Err(slow(this.st.io_timeout)));
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

fn slow(io_timeout: Duration) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        format!(
            "the server did not finish its reply in time (more than {} s for one reply; too slow or stalled)",
            io_timeout.as_secs()
        ),
    )
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ReplyGuard<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn literal_announcements_are_found_at_line_end() {
        assert_eq!(literal_size(b"* 1 FETCH (BODY[] {123}\r"), Some(123));
        assert_eq!(literal_size(b"a {5+}"), Some(5));
        assert_eq!(literal_size(b"* OK done\r"), None);
        assert_eq!(literal_size(b"{}\r"), None);
        assert_eq!(literal_size(b"{12a}\r"), None);
    }

    async fn read_all(server_bytes: Vec<u8>, timeout: Duration) -> std::io::Result<Vec<u8>> {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let _ = server.write_all(&server_bytes).await;
            let _ = server.shutdown().await;
        });
        let mut guard = ReplyGuard::new(client, timeout);
        let mut out = Vec::new();
        guard.read_to_end(&mut out).await?;
        Ok(out)
    }

    #[tokio::test]
    async fn replies_pass_through_unchanged() {
        let mut reply = b"* 1 FETCH (UID 4 BODY[] {10}\r\n0123456789)\r\n".to_vec();
        let big = vec![b'x'; 3 << 20];
        reply
            .extend_from_slice(format!("* 2 FETCH (UID 5 BODY[] {{{}}}\r\n", big.len()).as_bytes());
        reply.extend_from_slice(&big);
        reply.extend_from_slice(b")\r\na1 OK done\r\n");
        let out = read_all(reply.clone(), Duration::from_secs(5))
            .await
            .expect("read");
        assert_eq!(out, reply);
    }

    #[tokio::test]
    async fn a_line_without_end_is_refused_at_the_cap() {
        let mut line = b"* LIST () \"/\" \"".to_vec();
        line.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        let e = read_all(line, Duration::from_secs(5))
            .await
            .expect_err("too long");
        assert!(e.to_string().contains("line longer than"), "{e}");
    }

    #[tokio::test]
    async fn a_huge_literal_is_refused() {
        let e = read_all(
            b"* LIST () \"/\" {4000000000}\r\nabc".to_vec(),
            Duration::from_secs(5),
        )
        .await
        .expect_err("too large");
        assert!(e.to_string().contains("MiB"), "{e}");
    }

    #[tokio::test]
    async fn a_large_literal_is_held_until_a_quarter_has_arrived() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        let mut guard = ReplyGuard::new(client, Duration::from_secs(5));
        server
            .write_all(b"* OK hi\r\n* LIST () \"/\" {40000000}\r\nabc")
            .await
            .expect("write");
        let mut buf = vec![0u8; 1 << 16];
        let n = guard.read(&mut buf).await.expect("read");
        assert_eq!(&buf[..n], b"* OK hi\r\n");
        // Nothing more is handed on while only 3 bytes of the 40 MB have come.
        let more = tokio::time::timeout(Duration::from_millis(100), guard.read(&mut buf)).await;
        assert!(more.is_err(), "handed on too early");
    }

    #[tokio::test]
    async fn a_slow_loris_reply_times_out() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            for b in b"* OK slowly".iter().cycle() {
                if server.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let started = std::time::Instant::now();
        let mut guard = ReplyGuard::new(client, Duration::from_secs(1));
        let mut out = Vec::new();
        let e = guard.read_to_end(&mut out).await.expect_err("too slow");
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
        assert!(out.is_empty());
    }
}
