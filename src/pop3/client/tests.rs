//! Client tests against a scripted fake server on loopback: exact wire exchanges,
//! pipelining, error classification, timeouts and cancellation.

use std::time::Duration;

use futures::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::*;
use crate::imap::{AuthMethod, Credentials};
use crate::net::{ConnectOptions, Endpoint, NetError, Security, Timeouts, TlsPolicy};
use crate::pop3::Pop3Error;
use crate::secret::Secret;

const PASSWORD: &str = "s3cret-pass";

/// The fake server's side of one connection.
struct Peer {
    io: BufReader<TcpStream>,
}

impl Peer {
    async fn send(&mut self, text: &str) {
        self.io
            .get_mut()
            .write_all(text.as_bytes())
            .await
            .expect("send");
    }

    async fn line(&mut self) -> String {
        let mut line = String::new();
        self.io.read_line(&mut line).await.expect("read");
        line
    }

    /// Asserts the client's next line (CRLF added here).
    async fn expect(&mut self, want: &str) {
        assert_eq!(self.line().await, format!("{want}\r\n"));
    }

    /// Asserts that the client sends nothing more for a while.
    async fn silent(&mut self) {
        let mut line = String::new();
        let read =
            tokio::time::timeout(Duration::from_millis(100), self.io.read_line(&mut line)).await;
        // A timeout or end of stream (the client hung up) both mean nothing was sent.
        let quiet = matches!(read, Err(_) | Ok(Ok(0)));
        assert!(quiet, "client sent {line:?} without waiting for the reply");
    }

    /// Greeting and CAPA up to the point where the client signs in.
    async fn hello(&mut self, capa: &str) {
        self.send("+OK fake POP3 ready\r\n").await;
        self.expect("CAPA").await;
        self.send(&format!("+OK\r\n{capa}.\r\n")).await;
    }

    async fn user_pass(&mut self) {
        self.expect("USER alice").await;
        self.send("+OK\r\n").await;
        self.expect(&format!("PASS {PASSWORD}")).await;
        self.send("+OK Logged in.\r\n").await;
    }
}

const CAPA: &str = "TOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\nSASL PLAIN XOAUTH2\r\n";
const CAPA_NO_PIPELINING: &str = "TOP\r\nUIDL\r\nUSER\r\nSASL PLAIN\r\n";

/// Starts a one-connection fake server running `script` and returns options to reach it.
async fn fake<F, Fut>(
    security: Security,
    script: F,
) -> (ConnectOptions, tokio::task::JoinHandle<()>)
where
    F: FnOnce(Peer) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accept");
        script(Peer {
            io: BufReader::new(socket),
        })
        .await;
    });
    let options = ConnectOptions {
        endpoint: Endpoint {
            host: "127.0.0.1".into(),
            port,
            security,
        },
        tls: TlsPolicy::default(),
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            io: Duration::from_secs(2),
        },
        allow_plaintext: true,
    };
    (options, task)
}

fn credentials(method: AuthMethod, secret: &str) -> Credentials {
    Credentials {
        username: "alice".into(),
        method,
        secret: Secret::new(secret),
    }
}

fn login() -> Credentials {
    credentials(AuthMethod::Login, PASSWORD)
}

fn stuffed(message: &str) -> String {
    let mut out = String::new();
    for line in message.split_inclusive('\n') {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    out + ".\r\n"
}

const MESSAGE: &str = "Subject: hi\r\n\r\n.hidden dot\r\n..\r\n.\r\nend\r\n";

#[tokio::test]
async fn signs_in_and_reads() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA).await;
        p.user_pass().await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA}.\r\n")).await;
        p.expect("STAT").await;
        p.send("+OK 2 320\r\n").await;
        p.expect("LIST").await;
        p.send("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n").await;
        p.expect("UIDL").await;
        p.send("+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n").await;
        p.expect("LIST 2").await;
        p.send("+OK 2 200\r\n").await;
        p.expect("UIDL 1").await;
        p.send("+OK 1 aaa\r\n").await;
        p.expect("RETR 1").await;
        p.send(&format!("+OK 120 octets\r\n{}", stuffed(MESSAGE)))
            .await;
        p.expect("TOP 1 0").await;
        p.send("+OK\r\nSubject: hi\r\n\r\n.\r\n").await;
        p.expect("NOOP").await;
        p.send("+OK\r\n").await;
        p.expect("QUIT").await;
        p.send("+OK Logging out.\r\n").await;
    })
    .await;
    let mut session = connect(&options, &login()).await.expect("connect");
    assert!(session.pipelining());
    assert!(session.server().starts_with("127.0.0.1:"));
    assert_eq!(session.stat().await.expect("stat"), (2, 320));
    assert_eq!(
        session.list().await.expect("list"),
        vec![(1, 120), (2, 200)]
    );
    assert_eq!(
        session.uidl().await.expect("uidl"),
        vec![(1, "aaa".to_string()), (2, "bbb".to_string())]
    );
    assert_eq!(session.list_one(2).await.expect("list 2"), (2, 200));
    assert_eq!(
        session.uidl_one(1).await.expect("uidl 1"),
        (1, "aaa".into())
    );
    assert_eq!(session.retr(1).await.expect("retr"), MESSAGE.as_bytes());
    assert_eq!(
        session.top(1, 0).await.expect("top"),
        b"Subject: hi\r\n\r\n"
    );
    session.noop().await.expect("noop");
    session.quit().await.expect("quit");
    server.await.expect("server");
}

#[tokio::test]
async fn retr_many_pipelines_within_the_window_and_keeps_order() {
    let count = 11u32;
    let (options, server) = fake(Security::Plain, move |mut p| async move {
        p.hello(CAPA).await;
        p.user_pass().await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA}.\r\n")).await;
        // The whole window arrives before any reply: proof of pipelining (a client that
        // waited for each reply would time out here).
        for n in 1..=PIPELINE_WINDOW as u32 {
            p.expect(&format!("RETR {n}")).await;
        }
        p.silent().await;
        let mut next = PIPELINE_WINDOW as u32 + 1;
        for n in 1..=count {
            if n == 5 {
                p.send("-ERR [SYS/TEMP] cannot read message 5\r\n").await;
            } else {
                p.send(&format!("+OK\r\n{}", stuffed(&format!(".message {n}\r\n"))))
                    .await;
            }
            // Each reply frees one slot, which the client refills.
            if next <= count {
                p.expect(&format!("RETR {next}")).await;
                next += 1;
            }
        }
        p.expect("STAT").await;
        p.send(&format!("+OK {count} 999\r\n")).await;
    })
    .await;
    let mut session = connect(&options, &login()).await.expect("connect");
    let msgnos: Vec<u32> = (1..=count).collect();
    let results: Vec<_> = session.retr_many(&msgnos).collect().await;
    assert_eq!(results.len(), count as usize);
    for (i, result) in results.into_iter().enumerate() {
        let n = i as u32 + 1;
        match result {
            Ok((msgno, body)) => {
                assert_eq!(msgno, n);
                assert_eq!(body, format!(".message {n}\r\n").into_bytes());
            }
            Err(Pop3Error::Temporary { command, .. }) => {
                assert_eq!(n, 5);
                assert_eq!(command, "RETR 5");
            }
            Err(e) => panic!("message {n}: {e}"),
        }
    }
    assert_eq!(session.stat().await.expect("stat"), (count, 999));
    server.await.expect("server");
}

#[tokio::test]
async fn retr_many_without_pipelining_waits_for_each_reply() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA_NO_PIPELINING).await;
        p.user_pass().await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA_NO_PIPELINING}.\r\n")).await;
        for n in 1..=3 {
            p.expect(&format!("RETR {n}")).await;
            p.silent().await;
            p.send(&format!("+OK\r\nmessage {n}\r\n.\r\n")).await;
        }
    })
    .await;
    let mut session = connect(&options, &login()).await.expect("connect");
    assert!(!session.pipelining());
    let bodies: Vec<_> = session
        .retr_many(&[1, 2, 3])
        .map(|r| r.expect("retr").1)
        .collect()
        .await;
    assert_eq!(
        bodies,
        vec![
            b"message 1\r\n".to_vec(),
            b"message 2\r\n".to_vec(),
            b"message 3\r\n".to_vec()
        ]
    );
    server.await.expect("server");
}

#[tokio::test]
async fn dropping_a_pipelined_stream_keeps_the_session_in_step() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA).await;
        p.user_pass().await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA}.\r\n")).await;
        for n in 1..=4 {
            p.expect(&format!("RETR {n}")).await;
        }
        for n in 1..=4 {
            p.send(&format!("+OK\r\nmessage {n}\r\n.\r\n")).await;
        }
        p.expect("STAT").await;
        p.send("+OK 4 100\r\n").await;
    })
    .await;
    let mut session = connect(&options, &login()).await.expect("connect");
    {
        let mut stream = std::pin::pin!(session.retr_many(&[1, 2, 3, 4]));
        let first = stream.next().await.expect("item").expect("retr 1");
        assert_eq!(first, (1, b"message 1\r\n".to_vec()));
    }
    // Replies 2-4 are still on the wire; STAT must not mistake them for its own.
    assert_eq!(session.stat().await.expect("stat"), (4, 100));
    server.await.expect("server");
}

#[tokio::test]
async fn an_err_reply_leaves_the_session_usable() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA).await;
        p.user_pass().await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA}.\r\n")).await;
        p.expect("RETR 9").await;
        p.send("-ERR There's no message 9.\r\n").await;
        p.expect("STAT").await;
        p.send("+OK 1 10\r\n").await;
    })
    .await;
    let mut session = connect(&options, &login()).await.expect("connect");
    match session.retr(9).await {
        Err(Pop3Error::Command {
            command, detail, ..
        }) => {
            assert_eq!(command, "RETR 9");
            assert_eq!(detail, "There's no message 9.");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(session.stat().await.expect("stat"), (1, 10));
    server.await.expect("server");
}

/// Runs a sign-in against a server that answers PASS with `reply`.
async fn pass_reply(reply: &'static str) -> Pop3Error {
    let (options, server) = fake(Security::Plain, move |mut p| async move {
        p.hello(CAPA).await;
        p.expect("USER alice").await;
        p.send("+OK\r\n").await;
        p.expect(&format!("PASS {PASSWORD}")).await;
        p.send(reply).await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    server.await.expect("server");
    assert!(
        !format!("{error} {error:?}").contains(PASSWORD),
        "secret leaked: {error}"
    );
    error
}

#[tokio::test]
async fn sign_in_refusals_are_classified() {
    match pass_reply("-ERR [AUTH] Authentication failed.\r\n").await {
        Pop3Error::AuthRejected { user, detail, .. } => {
            assert_eq!(user, "alice");
            assert_eq!(detail, "Authentication failed.");
        }
        other => panic!("{other:?}"),
    }
    // Pre-RFC 3206 servers give no code: still a rejected sign-in.
    assert!(matches!(
        pass_reply("-ERR invalid password\r\n").await,
        Pop3Error::AuthRejected { .. }
    ));
    assert!(matches!(
        pass_reply("-ERR [IN-USE] Mailbox is locked by another session\r\n").await,
        Pop3Error::MailboxInUse { .. }
    ));
    assert!(matches!(
        pass_reply("-ERR [SYS/TEMP] Try again later\r\n").await,
        Pop3Error::Temporary { .. }
    ));
    // A server that echoes the password does not get it into our error message.
    match pass_reply(&*format!("-ERR [AUTH] bad password {PASSWORD}\r\n").leak()).await {
        Pop3Error::AuthRejected { detail, .. } => assert_eq!(detail, "bad password ***"),
        other => panic!("{other:?}"),
    }
    match pass_reply(&*format!("garbage {PASSWORD}\r\n").leak()).await {
        Pop3Error::Malformed {
            command, detail, ..
        } => {
            assert_eq!(command, "PASS");
            assert!(detail.contains("garbage ***"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn auth_plain_uses_an_initial_response() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA).await;
        let expected = BASE64.encode(format!("\0alice\0{PASSWORD}"));
        p.expect(&format!("AUTH PLAIN {expected}")).await;
        p.send("+OK Logged in.\r\n").await;
        p.expect("CAPA").await;
        p.send("-ERR no CAPA after login\r\n").await;
    })
    .await;
    let session = connect(&options, &credentials(AuthMethod::Plain, PASSWORD))
        .await
        .expect("connect");
    // CAPA failing after sign-in keeps the list from before.
    assert!(session.pipelining());
    server.await.expect("server");
}

#[tokio::test]
async fn xoauth2_short_token_goes_inline() {
    let token = "short.token";
    let (options, server) = fake(Security::Plain, move |mut p| async move {
        p.hello(CAPA).await;
        let expected = BASE64.encode(format!("user=alice\x01auth=Bearer {token}\x01\x01"));
        p.expect(&format!("AUTH XOAUTH2 {expected}")).await;
        p.send("+OK Logged in.\r\n").await;
        p.expect("CAPA").await;
        p.send(&format!("+OK\r\n{CAPA}.\r\n")).await;
    })
    .await;
    connect(&options, &credentials(AuthMethod::Xoauth2, token))
        .await
        .expect("connect");
    server.await.expect("server");
}

#[tokio::test]
async fn xoauth2_failure_continuation_is_acknowledged() {
    // Real tokens are long JWTs: the response goes after the first continuation.
    let token = format!("eyJ0eXAiOiJKV1QifQ.{}.sig", "x".repeat(400));
    let expected = BASE64.encode(format!("user=alice\x01auth=Bearer {token}\x01\x01"));
    let (options, server) = fake(Security::Plain, move |mut p| async move {
        p.hello(CAPA).await;
        p.expect("AUTH XOAUTH2").await;
        p.send("+ \r\n").await;
        p.expect(&expected).await;
        let json = BASE64.encode(r#"{"status":"invalid_token","schemes":"bearer"}"#);
        p.send(&format!("+ {json}\r\n")).await;
        // The empty acknowledgement, then the final -ERR.
        p.expect("").await;
        p.send("-ERR [AUTH] Authentication failed.\r\n").await;
    })
    .await;
    let error = connect(&options, &credentials(AuthMethod::Xoauth2, &token))
        .await
        .expect_err("must fail");
    match &error {
        Pop3Error::AuthRejected { detail, .. } => {
            assert!(detail.contains("invalid_token"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    assert!(!error.to_string().contains(&token));
    server.await.expect("server");
}

#[tokio::test]
async fn unsupported_mechanism_is_refused_before_sending_anything() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.hello(CAPA_NO_PIPELINING).await;
        p.silent().await;
    })
    .await;
    let error = connect(&options, &credentials(AuthMethod::Xoauth2, "tok"))
        .await
        .expect_err("must fail");
    assert!(
        matches!(&error, Pop3Error::MechanismUnsupported { mechanism, .. } if mechanism == "XOAUTH2"),
        "{error:?}"
    );
    server.await.expect("server");
}

#[tokio::test]
async fn starttls_requires_stls_in_capa() {
    let (options, server) = fake(Security::Starttls, |mut p| async move {
        p.hello(CAPA).await;
        p.silent().await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(error, Pop3Error::StlsUnsupported { .. }),
        "{error:?}"
    );
    server.await.expect("server");
}

#[tokio::test]
async fn data_injected_before_the_tls_handshake_is_refused() {
    let (options, server) = fake(Security::Starttls, |mut p| async move {
        p.hello("STLS\r\nUSER\r\n").await;
        p.expect("STLS").await;
        p.send("+OK Begin TLS negotiation now.\r\n+OK injected\r\n")
            .await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(&error, Pop3Error::Malformed { command, .. } if command == "STLS"),
        "{error:?}"
    );
    server.await.expect("server");
}

#[tokio::test]
async fn plaintext_is_refused_unless_allowed() {
    let (mut options, server) = fake(Security::Plain, |_p| async move {}).await;
    options.allow_plaintext = false;
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(error, Pop3Error::PlaintextRefused { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("allow_plaintext"));
    server.abort();
}

#[tokio::test]
async fn silence_gives_a_timeout() {
    let (mut options, server) = fake(Security::Plain, |mut p| async move {
        p.send("+OK hello\r\n").await;
        p.expect("CAPA").await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    })
    .await;
    options.timeouts.io = Duration::from_millis(300);
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(&error, Pop3Error::Timeout { command, .. } if command == "CAPA"),
        "{error:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_reply_trickled_a_byte_at_a_time_ends_at_its_deadline() {
    // Each byte comes well inside the I/O timeout, so only the reply's own deadline ends it.
    let (mut options, server) = fake(Security::Plain, |mut p| async move {
        p.send("+OK hello\r\n").await;
        p.expect("CAPA").await;
        p.send("+OK\r\n").await;
        for _ in 0..200 {
            p.send("X").await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    options.timeouts.io = Duration::from_millis(400);
    let started = std::time::Instant::now();
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(&error, Pop3Error::Timeout { command, .. } if command == "CAPA"),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "ended after {:?}",
        started.elapsed()
    );
    server.abort();
}

#[tokio::test]
async fn hang_up_gives_closed() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.send("+OK hello\r\n").await;
        p.expect("CAPA").await;
        p.send("+OK\r\nTOP\r\n").await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(&error, Pop3Error::Closed { command, .. } if command == "CAPA"),
        "{error:?}"
    );
    server.await.expect("server");
}

#[tokio::test]
async fn garbage_greeting_is_malformed_and_quoted_briefly() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.send(&format!(
            "* OK [CAPABILITY IMAP4rev1] {}\r\n",
            "x".repeat(500)
        ))
        .await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    match &error {
        Pop3Error::Malformed { detail, .. } => {
            assert!(detail.contains("* OK [CAPABILITY"), "{detail}");
            assert!(detail.chars().count() < 160, "{detail}");
        }
        other => panic!("{other:?}"),
    }
    server.await.expect("server");
}

#[tokio::test]
async fn busy_server_greeting_is_temporary() {
    let (options, server) = fake(Security::Plain, |mut p| async move {
        p.send("-ERR [SYS/TEMP] Too many connections\r\n").await;
    })
    .await;
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(matches!(error, Pop3Error::Temporary { .. }), "{error:?}");
    server.await.expect("server");
}

#[tokio::test]
async fn refused_connection_is_a_net_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let options = ConnectOptions {
        endpoint: Endpoint {
            host: "127.0.0.1".into(),
            port,
            security: Security::Tls,
        },
        tls: TlsPolicy::default(),
        timeouts: Timeouts::default(),
        allow_plaintext: false,
    };
    let error = connect(&options, &login()).await.expect_err("must fail");
    assert!(
        matches!(error, Pop3Error::Net(NetError::Refused { .. })),
        "{error:?}"
    );
}
