//! # The byte stream every protocol adapter talks over
//!
//! One type for plain and TLS connections, with read and write timeouts built in, so the
//! IMAP and POP3 code can upgrade with STARTTLS without changing types.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_io_timeout::TimeoutStream;

/// A TCP stream whose reads and writes time out.
pub(crate) type TimedTcp = Pin<Box<TimeoutStream<TcpStream>>>;

/// A TLS connection over it: OpenSSL's, or the system's where native-tls uses that (see
/// `tls`).
#[cfg(not(any(windows, target_vendor = "apple")))]
pub(crate) type TlsStream = tokio_openssl::SslStream<TimedTcp>;
#[cfg(any(windows, target_vendor = "apple"))]
pub(crate) type TlsStream = tokio_native_tls::TlsStream<TimedTcp>;

/// A connection to a mail server, plain (before STARTTLS, or when explicitly allowed) or TLS.
#[derive(Debug)]
pub enum MailStream {
    Plain(TimedTcp),
    Tls(Box<TlsStream>),
}

impl MailStream {
    pub(crate) fn timed(tcp: TcpStream, io_timeout: Duration) -> TimedTcp {
        let mut timed = TimeoutStream::new(tcp);
        timed.set_read_timeout(Some(io_timeout));
        timed.set_write_timeout(Some(io_timeout));
        Box::pin(timed)
    }

    pub fn is_tls(&self) -> bool {
        matches!(self, MailStream::Tls(_))
    }
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => s.as_mut().poll_read(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            MailStream::Plain(s) => s.as_mut().poll_write(cx, buf),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => s.as_mut().poll_flush(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            MailStream::Plain(s) => s.as_mut().poll_shutdown(cx),
            MailStream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}
