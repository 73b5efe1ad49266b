//! # IMAP adapter: connect, authenticate, and the read-only session
//!
//! Built on async-imap. [`connect`] opens the transport (TLS, STARTTLS or an explicitly
//! allowed plaintext connection), reads the greeting and signs in with LOGIN, AUTHENTICATE
//! PLAIN or XOAUTH2. The old server is then only reachable through [`ReadSession`], whose
//! methods cannot change anything on the server.

mod auth;
mod mend;
mod read;
mod reply;
pub mod utf7;
mod write;

pub use auth::{AuthMethod, BearerMechanism, Credentials};
pub use read::{BodyStream, FetchedBody, ListedFolder, ReadSession};
pub use read::{FetchedMeta, FolderStatus};
pub use write::{
    NamedFolder, PresentMessage, WriteSession, connect_for_writing, connect_for_writing_as,
    imap_date_time,
};

use thiserror::Error;

pub use crate::net::ConnectOptions;
use crate::net::{self, MailStream, NetError, ReplyGuard, Security};

/// What async-imap reads from: the connection with bounds on line length, literal
/// reservations and time per reply ([`ReplyGuard`]), then [`mend::Mended`], which repairs
/// replies async-imap's parser rejects.
type Wire = mend::Mended<ReplyGuard<MailStream>>;
pub(crate) type Session = async_imap::Session<Wire>;
type Client = async_imap::Client<Wire>;

/// Everything that can go wrong talking IMAP, named so a user can act on it.
#[derive(Debug, Error)]
pub enum ImapError {
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(
        "{server}: refusing to send the password without encryption; use security = \"tls\" or \"starttls\", or set allow_plaintext = true in the profile if you really mean it"
    )]
    PlaintextRefused { server: String },
    #[error("{server}: the server does not offer STARTTLS; use security = \"tls\" (port 993)")]
    StartTlsUnsupported { server: String },
    #[error("{server}: the server refuses plaintext login (LOGINDISABLED); use TLS or STARTTLS")]
    LoginDisabled { server: String },
    #[error("{server}: sign-in rejected for user {user}: {detail} (wrong user name or password?)")]
    AuthRejected {
        server: String,
        user: String,
        detail: String,
    },
    #[error("{server}: the server does not offer AUTH={mechanism}")]
    MechanismUnsupported { server: String, mechanism: String },
    #[error("{server}: the server closed the connection: {detail}")]
    Closed { server: String, detail: String },
    #[error("{server}: {command} failed: {detail}")]
    Command {
        server: String,
        command: String,
        detail: String,
    },
    #[error("{server}: unexpected reply to {command}: {detail}")]
    Protocol {
        server: String,
        command: String,
        detail: String,
    },
}

/// async-imap reports a tagged NO/BAD as the debug form of the response
/// (`code: None, information: Some("...")`); people need only the server's text.
pub(crate) fn server_text(detail: &str) -> String {
    let text = match (detail.find("Some(\""), detail.rfind("\")")) {
        (Some(start), Some(end)) if end > start + 6 => &detail[start + 6..end],
        _ => detail,
    };
    text.replace("\\\"", "\"").trim().to_string()
}

/// The part of a parser error a person can read: the server's reply (not the byte dump
/// the parser adds), with control characters replaced and cut to 60 characters.
pub(crate) fn reply_excerpt(error: &str) -> String {
    let reply = match error.find("during parsing of \"") {
        Some(start) => error[start + 19..].trim_end_matches('"'),
        None => error,
    };
    // The parser quotes the reply in Rust debug form: drop its escapes too.
    let reply = ["\\r", "\\n", "\\t", "\\0"]
        .iter()
        .fold(reply.to_string(), |text, escape| text.replace(escape, " "));
    let mut text: String = reply
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if text.chars().count() > 60 {
        text = text.chars().take(60).collect::<String>() + "…";
    }
    format!("\"{text}\"")
}

impl ImapError {
    /// Whether trying again on a new connection may help: the network or the server was
    /// away, the connection dropped (async-imap reports an I/O error mid-response as a parse
    /// error), or the server says it is busy or throttling ([`net::says_busy`]). A rejected
    /// password, a missing folder or a refused plaintext login stays as it is.
    pub fn is_transient(&self) -> bool {
        match self {
            ImapError::Net(net) => net.is_transient(),
            ImapError::Closed { .. } | ImapError::Protocol { .. } => true,
            ImapError::AuthRejected { detail, .. } | ImapError::Command { detail, .. } => {
                net::says_busy(detail)
            }
            _ => false,
        }
    }

    pub(crate) fn from_imap(server: &str, command: &str, error: async_imap::error::Error) -> Self {
        use async_imap::error::Error as E;
        let server = server.to_string();
        let command = command.to_string();
        match error {
            E::No(detail) | E::Bad(detail) => ImapError::Command {
                server,
                command,
                detail: server_text(&detail),
            },
            E::Parse(e) => ImapError::Protocol {
                server,
                command,
                detail: reply_excerpt(&e.to_string()),
            },
            E::ConnectionLost => ImapError::Closed {
                server,
                detail: "connection lost".into(),
            },
            E::Io(e) => reply::io_error(&server, &command, &e),
            other => ImapError::Protocol {
                server,
                command,
                detail: other.to_string(),
            },
        }
    }
}

/// Connects, signs in and returns a session that can only read.
pub async fn connect_read_only(
    options: &ConnectOptions,
    credentials: &Credentials,
) -> Result<ReadSession, ImapError> {
    connect_read_only_as(options, credentials, None).await
}

/// Like [`connect_read_only`], signing in with AUTHENTICATE PLAIN and an authorization
/// identity when `authzid` is given: the credentials are an admin's (Dovecot master user,
/// Cyrus admin) and `authzid` is the mailbox to open. `credentials.method` must be Plain.
pub async fn connect_read_only_as(
    options: &ConnectOptions,
    credentials: &Credentials,
    authzid: Option<&str>,
) -> Result<ReadSession, ImapError> {
    let (session, capabilities) = connect_as(options, credentials, authzid).await?;
    Ok(ReadSession::new(
        session,
        options.endpoint.to_string(),
        capabilities,
    ))
}

/// Opens the transport, reads the greeting, upgrades if asked and signs in (as `authzid`
/// with SASL PLAIN when given). Returns the session and the capabilities the server
/// announced after login.
async fn connect_as(
    options: &ConnectOptions,
    credentials: &Credentials,
    authzid: Option<&str>,
) -> Result<(Session, Vec<String>), ImapError> {
    let server = options.endpoint.to_string();
    if options.endpoint.security == Security::Plain && !options.allow_plaintext {
        return Err(ImapError::PlaintextRefused { server });
    }
    let stream = net::open(&options.endpoint, &options.tls, options.timeouts).await?;
    let mut client = Client::new(mend::Mended::new(ReplyGuard::new(
        stream,
        options.timeouts.io,
    )));
    let greeting_caps = read_greeting(&mut client, &server).await?;
    let offers = |cap: &str| greeting_caps.iter().any(|c| c.eq_ignore_ascii_case(cap));

    if options.endpoint.security == Security::Starttls {
        // Dovecot, Cyrus and Courier list STARTTLS in the greeting; a server that does not
        // answers NO/BAD to the command, which is reported the same way.
        if !greeting_caps.is_empty() && !offers("STARTTLS") {
            return Err(ImapError::StartTlsUnsupported { server });
        }
        client
            .run_command_and_check_ok("STARTTLS", None)
            .await
            .map_err(|_| ImapError::StartTlsUnsupported {
                server: server.clone(),
            })?;
        let plain = client.into_inner().into_inner().into_inner();
        let tls = net::upgrade(plain, &options.endpoint, &options.tls, options.timeouts).await?;
        client = Client::new(mend::Mended::new(ReplyGuard::new(tls, options.timeouts.io)));
    } else if options.endpoint.security == Security::Plain
        && offers("LOGINDISABLED")
        && credentials.method == AuthMethod::Login
    {
        return Err(ImapError::LoginDisabled { server });
    }

    let mut session = auth::sign_in(client, credentials, &server, &greeting_caps, authzid).await?;
    // Capabilities can change after login (QUOTA, SPECIAL-USE appear only then on some
    // servers), so ask again rather than trusting the greeting.
    let capabilities = session
        .capabilities()
        .await
        .map_err(|e| ImapError::from_imap(&server, "CAPABILITY", e))?
        .iter()
        .map(|c| match c {
            async_imap::types::Capability::Imap4rev1 => "IMAP4rev1".to_string(),
            async_imap::types::Capability::Auth(m) => format!("AUTH={m}"),
            async_imap::types::Capability::Atom(a) => a.clone(),
        })
        .collect();
    Ok((session, capabilities))
}

/// Reads the server greeting and returns the capabilities it carries, if any.
async fn read_greeting(client: &mut Client, server: &str) -> Result<Vec<String>, ImapError> {
    use async_imap::imap_proto::{Response, ResponseCode, Status};
    let greeting = client
        .read_response()
        .await
        .map_err(|e| match e {
            // async-imap reports an unparsable greeting as an I/O error of this kind.
            ref e
                if e.kind() == std::io::ErrorKind::InvalidData
                    || e.to_string().contains("parsing") =>
            {
                ImapError::Protocol {
                    server: server.to_string(),
                    command: "greeting".into(),
                    detail: format!(
                        "not an IMAP greeting: {} (is this an IMAP port?)",
                        reply_excerpt(&e.to_string())
                    ),
                }
            }
            _ => ImapError::Closed {
                server: server.to_string(),
                detail: e.to_string(),
            },
        })?
        .ok_or_else(|| ImapError::Closed {
            server: server.to_string(),
            detail: "no greeting (is this an IMAP port?)".into(),
        })?;
    match greeting.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            outcome,
        } => Ok(match &outcome.code {
            Some(ResponseCode::Capabilities(list)) => list.iter().map(capability_name).collect(),
            _ => Vec::new(),
        }),
        Response::Data {
            status: Status::Bye,
            outcome,
        } => Err(ImapError::Closed {
            server: server.to_string(),
            detail: outcome
                .information
                .as_deref()
                .unwrap_or("server said BYE")
                .to_string(),
        }),
        other => Err(ImapError::Protocol {
            server: server.to_string(),
            command: "greeting".into(),
            detail: format!("{other:?}"),
        }),
    }
}

fn capability_name(capability: &async_imap::imap_proto::Capability<'_>) -> String {
    use async_imap::imap_proto::Capability;
    match capability {
        Capability::Imap4rev1 => "IMAP4rev1".to_string(),
        Capability::Auth(m) => format!("AUTH={m}"),
        Capability::Atom(a) => a.to_string(),
    }
}
