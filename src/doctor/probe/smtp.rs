//! # SMTP submission sign-in test: EHLO, STARTTLS or implicit TLS, AUTH, QUIT
//!
//! Nothing is sent: the session ends right after the server accepts or refuses the
//! credentials. A password never goes over an unencrypted connection.

use std::path::PathBuf;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use super::dns::Dns;
use super::tls::{Failure, connect, connector, starttls};
use crate::doctor::facts::{LoginOutcome, Service};
use crate::imap::{AuthMethod, BearerMechanism, Credentials};
use crate::net::Security;

async fn reply<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
) -> Result<(u16, String), String> {
    let mut text = String::new();
    for _ in 0..100 {
        let mut line = String::new();
        match r.read_line(&mut line).await {
            Ok(0) => return Err("the server closed the connection".into()),
            Ok(_) => {}
            Err(e) => return Err(e.to_string()),
        }
        let line = line.trim_end();
        text = line.get(4..).unwrap_or("").to_string();
        if line.len() < 4 || line.as_bytes()[3] != b'-' {
            let code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
            return Ok((code, text));
        }
    }
    Err(format!("endless reply: {text}"))
}

async fn say<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    line: &str,
) -> Result<(), String> {
    r.get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .map_err(|e| e.to_string())
}

async fn authenticate<S: AsyncRead + AsyncWrite + Unpin>(
    r: &mut BufReader<S>,
    credentials: &Credentials,
    greeting: bool,
) -> Result<LoginOutcome, String> {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    if greeting {
        reply(r).await?;
    }
    say(r, "EHLO ikou.invalid").await?;
    let (code, _) = reply(r).await?;
    if code != 250 {
        return Ok(LoginOutcome::Failed(format!("EHLO answered {code}")));
    }
    let user = &credentials.username;
    let secret = credentials.secret.expose();
    let command = match credentials.method {
        AuthMethod::Xoauth2 => format!(
            "AUTH XOAUTH2 {}",
            b64(&BearerMechanism::Xoauth2.initial_response(user, secret))
        ),
        AuthMethod::Login | AuthMethod::Plain => {
            format!(
                "AUTH PLAIN {}",
                b64(format!("\0{user}\0{secret}").as_bytes())
            )
        }
    };
    say(r, &command).await?;
    let (mut code, mut text) = reply(r).await?;
    if code == 334 {
        // XOAUTH2 failure details come as a challenge; an empty line gets the final answer.
        say(r, "").await?;
        (code, text) = reply(r).await?;
    }
    let _ = say(r, "QUIT").await;
    Ok(match code {
        235 => LoginOutcome::Ok,
        500..=599 => LoginOutcome::Rejected(format!("{code} {text}")),
        _ => LoginOutcome::Failed(format!("{code} {text}")),
    })
}

/// Signs in to SMTP submission at host:port and reports whether the credentials work.
pub async fn login(
    dns: &Dns,
    host: &str,
    port: u16,
    security: Security,
    ca_files: &[PathBuf],
    credentials: &Credentials,
) -> LoginOutcome {
    let tls = match connector(ca_files, true) {
        Ok(c) => c,
        Err(e) => return LoginOutcome::Failed(e),
    };
    let tcp = match connect(dns, host, port).await {
        Ok(tcp) => tcp,
        Err(Failure::Unreachable(e)) => return LoginOutcome::Failed(e),
        Err(Failure::NoStarttls) => return LoginOutcome::Failed("no STARTTLS".into()),
    };
    let (tcp, greeting) = match security {
        Security::Plain => {
            return LoginOutcome::Failed(
                "no encryption configured: the password is not sent".into(),
            );
        }
        Security::Tls => (tcp, true),
        Security::Starttls => match starttls(tcp, Service::Smtp).await {
            Ok(tcp) => (tcp, false),
            Err(Failure::NoStarttls) => {
                return LoginOutcome::Failed("the server does not offer STARTTLS".into());
            }
            Err(Failure::Unreachable(e)) => return LoginOutcome::Failed(e),
        },
    };
    let stream = match tls.connect(host, tcp).await {
        Ok(s) => s,
        Err(e) => return LoginOutcome::Failed(format!("TLS: {e}")),
    };
    let mut r = BufReader::new(stream);
    authenticate(&mut r, credentials, greeting)
        .await
        .unwrap_or_else(LoginOutcome::Failed)
}
