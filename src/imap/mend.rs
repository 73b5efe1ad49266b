//! # Server replies the IMAP parser cannot read, mended on the way in
//!
//! Courier-IMAP answers GETQUOTAROOT for an account that has no quota with
//! `* QUOTA "ROOT"`: no resource list, where RFC 2087/9208 require one (possibly empty).
//! async-imap's parser rejects that line and the session is lost. [`Mended`] sits between the
//! connection and async-imap, adds the empty list (`* QUOTA "ROOT" ()`) to exactly such a
//! line, and passes every other byte through unchanged. It follows literals (`{n}` at the end
//! of a line), so message bodies are never inspected, and it holds at most one reply line.

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A reply line longer than this is passed on as it is (it cannot be the short QUOTA line).
const LINE_CAP: usize = 64 * 1024;
/// Bytes read from the connection at a time outside literals.
const CHUNK: usize = 16 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Inside a reply line. `fresh`: the line started after CRLF (not after a literal).
    Line { fresh: bool, long: bool },
    /// Inside a literal with this many octets left.
    Literal(u64),
}

/// The read side of a connection, with Courier's resource-less QUOTA line mended.
#[derive(Debug)]
pub(crate) struct Mended<S> {
    inner: S,
    mode: Mode,
    eof: bool,
    /// Boxed: sessions are moved around and kept in enums, the buffers need not be.
    b: Box<Buffers>,
}

#[derive(Debug, Default)]
struct Buffers {
    /// The current, incomplete reply line (or, for a long line, its last bytes).
    line: Vec<u8>,
    /// Bytes ready for the reader, from `out_pos` on.
    out: Vec<u8>,
    out_pos: usize,
    chunk: Vec<u8>,
}

impl<S> Mended<S> {
    pub(crate) fn new(inner: S) -> Self {
        Mended {
            inner,
            mode: Mode::Line {
                fresh: true,
                long: false,
            },
            eof: false,
            b: Box::default(),
        }
    }

    /// The connection (for STARTTLS). Nothing is buffered then: the server waits for the
    /// TLS handshake after its OK.
    pub(crate) fn into_inner(self) -> S {
        self.inner
    }

    fn process(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            match self.mode {
                Mode::Literal(left) => {
                    let k = usize::try_from(left).unwrap_or(usize::MAX).min(data.len());
                    self.b.out.extend_from_slice(&data[..k]);
                    data = &data[k..];
                    let left = left - k as u64;
                    self.mode = if left == 0 {
                        Mode::Line {
                            fresh: false,
                            long: false,
                        }
                    } else {
                        Mode::Literal(left)
                    };
                }
                Mode::Line { fresh, long } => match data.iter().position(|&b| b == b'\n') {
                    Some(end) => {
                        self.b.line.extend_from_slice(&data[..=end]);
                        data = &data[end + 1..];
                        self.end_line(fresh && !long);
                    }
                    None => {
                        self.b.line.extend_from_slice(data);
                        data = &[];
                        if self.b.line.len() > LINE_CAP {
                            // Keep only a tail long enough to see a literal announcement.
                            let keep = self.b.line.len() - 32;
                            self.b.out.extend_from_slice(&self.b.line[..keep]);
                            self.b.line.drain(..keep);
                            self.mode = Mode::Line { fresh, long: true };
                        }
                    }
                },
            }
        }
    }

    fn end_line(&mut self, may_mend: bool) {
        let mut line = std::mem::take(&mut self.b.line);
        let eol = if line.ends_with(b"\r\n") { 2 } else { 1 };
        let body_len = line.len() - eol;
        if may_mend && is_listless_quota(&line[..body_len]) {
            let mut body = line[..body_len].trim_ascii_end().to_vec();
            body.extend_from_slice(b" ()");
            body.extend_from_slice(&line[body_len..]);
            line = body;
        }
        let literal = literal_length(line[..line.len() - eol].trim_ascii_end());
        self.b.out.extend_from_slice(&line);
        self.mode = match literal {
            Some(n) if n > 0 => Mode::Literal(n),
            Some(_) => Mode::Line {
                fresh: false,
                long: false,
            },
            None => Mode::Line {
                fresh: true,
                long: false,
            },
        };
        // Reuse the allocation for the next line.
        line.clear();
        self.b.line = line;
    }
}

/// `* QUOTA <astring>` and nothing after it (Courier with no quota set).
fn is_listless_quota(line: &[u8]) -> bool {
    const PREFIX: &[u8] = b"* QUOTA ";
    if line.len() <= PREFIX.len() || !line[..PREFIX.len()].eq_ignore_ascii_case(PREFIX) {
        return false;
    }
    let rest = line[PREFIX.len()..].trim_ascii();
    let after = match rest.first() {
        Some(b'"') => {
            let mut i = 1;
            loop {
                match rest.get(i) {
                    None => return false,
                    Some(b'\\') => i += 2,
                    Some(b'"') => break &rest[i + 1..],
                    Some(_) => i += 1,
                }
            }
        }
        Some(_) => match rest.iter().position(|&b| b == b' ') {
            Some(space) => &rest[space..],
            None => &[][..],
        },
        None => return false,
    };
    after.trim_ascii().is_empty() && !rest.contains(&b'(') && !rest.starts_with(b"{")
}

/// The octet count of a literal announced at the end of a line (`{12}`, `{12+}`, `~{12}`).
fn literal_length(line: &[u8]) -> Option<u64> {
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|&b| b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits.strip_suffix(b"+").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 19 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl<S: AsyncRead + Unpin> AsyncRead for Mended<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let me = self.get_mut();
        loop {
            if buf.remaining() == 0 {
                return Poll::Ready(Ok(()));
            }
            if me.b.out_pos < me.b.out.len() {
                let k = (me.b.out.len() - me.b.out_pos).min(buf.remaining());
                buf.put_slice(&me.b.out[me.b.out_pos..me.b.out_pos + k]);
                me.b.out_pos += k;
                if me.b.out_pos == me.b.out.len() {
                    me.b.out.clear();
                    me.b.out_pos = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if me.eof {
                return Poll::Ready(Ok(()));
            }
            if let Mode::Literal(left) = me.mode {
                // Message bodies go straight to the reader, without a copy here.
                let want = usize::try_from(left)
                    .unwrap_or(usize::MAX)
                    .min(buf.remaining());
                let target = &mut buf.initialize_unfilled_to(want)[..want];
                let mut sub = ReadBuf::new(target);
                ready!(Pin::new(&mut me.inner).poll_read(cx, &mut sub))?;
                let n = sub.filled().len();
                if n == 0 {
                    me.eof = true;
                    return Poll::Ready(Ok(()));
                }
                buf.advance(n);
                let left = left - n as u64;
                me.mode = if left == 0 {
                    Mode::Line {
                        fresh: false,
                        long: false,
                    }
                } else {
                    Mode::Literal(left)
                };
                return Poll::Ready(Ok(()));
            }
            if me.b.chunk.len() != CHUNK {
                me.b.chunk.resize(CHUNK, 0);
            }
            let mut chunk = std::mem::take(&mut me.b.chunk);
            let mut rb = ReadBuf::new(&mut chunk);
            let polled = Pin::new(&mut me.inner).poll_read(cx, &mut rb);
            let n = rb.filled().len();
            match polled {
                Poll::Ready(Ok(())) if n == 0 => {
                    me.eof = true;
                    // A last line without CRLF is passed on as it is.
                    let rest = std::mem::take(&mut me.b.line);
                    me.b.out.extend_from_slice(&rest);
                }
                Poll::Ready(Ok(())) => me.process(&chunk[..n]),
                Poll::Ready(Err(e)) => {
                    me.b.chunk = chunk;
                    return Poll::Ready(Err(e));
                }
                Poll::Pending => {
                    me.b.chunk = chunk;
                    return Poll::Pending;
                }
            }
            me.b.chunk = chunk;
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Mended<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
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
    use tokio::io::AsyncReadExt as _;

    /// Feeds `parts` (as separate reads) through the mender and returns what comes out.
    async fn mend(parts: &[&[u8]]) -> Vec<u8> {
        let mut builder = tokio_test_reader(parts);
        let mut out = Vec::new();
        let mut m = Mended::new(&mut builder);
        m.read_to_end(&mut out).await.expect("read");
        out
    }

    fn tokio_test_reader(parts: &[&[u8]]) -> impl AsyncRead + Unpin {
        // A reader that returns the parts one read at a time.
        struct Parts(std::collections::VecDeque<Vec<u8>>);
        impl AsyncRead for Parts {
            fn poll_read(
                self: Pin<&mut Self>,
                _cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<std::io::Result<()>> {
                let me = self.get_mut();
                if let Some(mut part) = me.0.pop_front() {
                    let k = part.len().min(buf.remaining());
                    buf.put_slice(&part[..k]);
                    if k < part.len() {
                        part.drain(..k);
                        me.0.push_front(part);
                    }
                }
                Poll::Ready(Ok(()))
            }
        }
        Parts(parts.iter().map(|p| p.to_vec()).collect())
    }

    #[tokio::test]
    async fn courier_quota_without_resources_gets_an_empty_list() {
        let reply =
            b"* QUOTAROOT \"INBOX\" \"ROOT\"\r\n* QUOTA \"ROOT\"\r\nA3 OK GETQUOTAROOT Ok.\r\n";
        let want =
            b"* QUOTAROOT \"INBOX\" \"ROOT\"\r\n* QUOTA \"ROOT\" ()\r\nA3 OK GETQUOTAROOT Ok.\r\n";
        assert_eq!(mend(&[reply]).await, want);
        // Split anywhere, byte by byte: the same.
        let bytes: Vec<&[u8]> = reply.chunks(1).collect();
        assert_eq!(mend(&bytes).await, want);
        // An atom root, lower case.
        assert_eq!(mend(&[b"* quota ROOT \r\n"]).await, b"* quota ROOT ()\r\n");
    }

    #[tokio::test]
    async fn everything_else_passes_unchanged() {
        for reply in [
            &b"* QUOTA \"ROOT\" (STORAGE 10 512)\r\n"[..],
            b"* QUOTA \"\" ()\r\n",
            b"* QUOTA \"a b\" (STORAGE 1 2)\r\n",
            b"* OK no CRLF at the end",
            b"* 1 FETCH (UID 1 BODY[] {0}\r\n)\r\n",
        ] {
            assert_eq!(
                mend(&[reply]).await,
                reply,
                "{}",
                String::from_utf8_lossy(reply)
            );
        }
    }

    #[tokio::test]
    async fn literals_are_never_mended() {
        // A message body that contains the Courier line must come out byte for byte.
        let body = b"Subject: x\r\n\r\n* QUOTA \"ROOT\"\r\n";
        let mut reply = format!("* 1 FETCH (UID 7 BODY[] {{{}}}\r\n", body.len()).into_bytes();
        reply.extend_from_slice(body);
        reply.extend_from_slice(b")\r\n* QUOTA \"ROOT\"\r\nA1 OK\r\n");
        let mut want = reply.clone();
        let at = want.len() - b"\r\nA1 OK\r\n".len();
        want.splice(at..at, b" ()".iter().copied());
        let parts: Vec<&[u8]> = reply.chunks(5).collect();
        assert_eq!(mend(&parts).await, want);
        // A literal right after a literal's end is not a fresh line either.
        let reply =
            b"* 2 FETCH (BODY[HEADER] {3}\r\nabc BODY[TEXT] {16}\r\n* QUOTA \"ROOT\"\r\n)\r\n";
        assert_eq!(mend(&[reply]).await, reply);
    }

    #[tokio::test]
    async fn a_long_line_is_passed_on_without_holding_it_whole() {
        let mut reply = b"* OK ".to_vec();
        reply.extend(std::iter::repeat_n(b'x', 3 * LINE_CAP));
        reply.extend_from_slice(b" {4}\r\nabcd\r\n");
        assert_eq!(mend(&[&reply]).await, reply);
    }

    #[test]
    fn literal_announcements() {
        assert_eq!(literal_length(b"BODY[] {12}"), Some(12));
        assert_eq!(literal_length(b"BODY[] {12+}"), Some(12));
        assert_eq!(literal_length(b"BINARY[] ~{3}"), Some(3));
        assert_eq!(literal_length(b"{}"), None);
        assert_eq!(literal_length(b"{1a}"), None);
        assert_eq!(literal_length(b"no literal"), None);
    }
}
