//! # Opening a POP3 connection and signing in
//!
//! The transport (POP3S, STLS with the plaintext-injection check, or plaintext only when
//! allowed), then USER/PASS, SASL PLAIN or the bearer mechanism the server offers, with
//! every form of the secret removed from what a refusal quotes.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::conn::Conn;
use super::session::Pop3Session;
use crate::imap::{AuthMethod, BearerMechanism, Credentials};
use crate::net::{self, ConnectOptions, Security};
use crate::pop3::codec::{self, Capabilities, Command, Reply, ResponseCode, Status};
use crate::pop3::error::Pop3Error;
use crate::secret::Secret;

/// RFC 5034 §4: an AUTH line with initial response must not exceed 255 octets; longer
/// responses (every real OAuth token) go in answer to the first `+` continuation instead.
const MAX_AUTH_LINE: usize = 255;

/// A server answering one SASL step with continuations forever is broken; stop after this.
const MAX_SASL_STEPS: usize = 4;

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
    Ok(Pop3Session::new(conn, capabilities))
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
