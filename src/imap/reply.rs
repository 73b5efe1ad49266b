//! # One command's reply, read to its tagged end
//!
//! async-imap's ready-made commands end a reply at the first tagged line whatever its status,
//! treat `* BYE` as an unrelated notice, and take a clean close of the connection for the end
//! of the reply. A backup built on that would save 2 of 6 messages and call it done. [`Reply`]
//! reads the responses of one command and ends only at *its* tagged `OK`: a tagged NO/BAD, a
//! BYE or a close before that is an error, so a caller never mistakes half a reply for all
//! of it. Each response is handed out as it arrives and can be dropped right away, so a
//! LIST of 100,000 folders does not keep 100,000 read buffers.

use async_imap::imap_proto::RequestId;
use async_imap::imap_proto::{
    AttributeValue, MailboxDatum, MessageSection, Response, SectionPath, Status,
};

use super::{ImapError, Session, reply_excerpt, server_text};

/// One response as read from the server, owning its read buffer. (async-imap hands these
/// out without naming their type, so ikou sees them through this trait.)
pub(super) trait Parsed: Send + 'static {
    fn parsed(&self) -> &Response<'_>;
}

struct Held<R>(R, for<'a> fn(&'a R) -> &'a Response<'a>);

impl<R: Send + 'static> Parsed for Held<R> {
    fn parsed(&self) -> &Response<'_> {
        (self.1)(&self.0)
    }
}

/// The responses to one command in flight.
pub(super) struct Reply<'s> {
    session: &'s mut Session,
    tag: RequestId,
    server: String,
    command: &'static str,
    finished: bool,
}

/// `text` as an IMAP quoted string; `None` when it cannot be one (CR, LF, NUL or 8-bit).
pub(super) fn quoted(text: &str) -> Option<String> {
    if text
        .bytes()
        .any(|b| b == b'\r' || b == b'\n' || b == 0 || !b.is_ascii())
    {
        return None;
    }
    Some(format!(
        "\"{}\"",
        text.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// An I/O error from the response reader, as a person can read it.
pub(super) fn io_error(server: &str, command: &str, e: &std::io::Error) -> ImapError {
    let text = e.to_string();
    let closed = |detail: String| ImapError::Closed {
        server: server.to_string(),
        detail,
    };
    if text.contains("during parsing of") {
        return ImapError::Protocol {
            server: server.to_string(),
            command: command.to_string(),
            detail: reply_excerpt(&text),
        };
    }
    match e.kind() {
        // The reply guard says what was too slow; the socket's own timeout says nothing.
        std::io::ErrorKind::TimedOut if text.starts_with("the server") => closed(text),
        std::io::ErrorKind::TimedOut => closed("no answer within the I/O timeout".into()),
        std::io::ErrorKind::UnexpectedEof => closed(format!(
            "the connection ended in the middle of the reply to {command}"
        )),
        _ => closed(text),
    }
}

impl<'s> Reply<'s> {
    /// Sends `command` (already formatted, without tag) and returns its reply.
    pub(super) async fn start(
        session: &'s mut Session,
        server: &str,
        name: &'static str,
        command: &str,
    ) -> Result<Reply<'s>, ImapError> {
        let tag = session
            .run_command(command)
            .await
            .map_err(|e| ImapError::from_imap(server, name, e))?;
        Ok(Reply {
            session,
            tag,
            server: server.to_string(),
            command: name,
            finished: false,
        })
    }

    /// The next untagged response, `None` after the tagged OK. A tagged NO/BAD, a BYE, a
    /// close or an unreadable reply is an error.
    pub(super) async fn next(&mut self) -> Result<Option<impl Parsed + use<>>, ImapError> {
        if self.finished {
            return Ok(None);
        }
        let response = match self.session.read_response().await {
            Ok(Some(r)) => Held(r, |r| r.parsed()),
            Ok(None) => {
                self.finished = true;
                return Err(ImapError::Closed {
                    server: self.server.clone(),
                    detail: format!(
                        "the connection was closed before the reply to {} was complete",
                        self.command
                    ),
                });
            }
            Err(e) => {
                self.finished = true;
                return Err(io_error(&self.server, self.command, &e));
            }
        };
        match response.parsed() {
            Response::Done {
                tag,
                status,
                outcome,
            } if *tag == self.tag => {
                self.finished = true;
                let text = outcome.information.as_deref().unwrap_or_default();
                match status {
                    Status::Ok => Ok(None),
                    _ => Err(ImapError::Command {
                        server: self.server.clone(),
                        command: self.command.to_string(),
                        detail: server_text(text),
                    }),
                }
            }
            Response::Data {
                status: Status::Bye,
                outcome,
            } => {
                self.finished = true;
                let text = outcome.information.as_deref().unwrap_or("BYE");
                Err(ImapError::Closed {
                    server: self.server.clone(),
                    detail: format!("BYE {} (during {})", server_text(text), self.command),
                })
            }
            _ => Ok(Some(response)),
        }
    }

    /// Reads the whole reply, handing each untagged response to `each`.
    pub(super) async fn for_each(
        mut self,
        mut each: impl FnMut(&Response<'_>),
    ) -> Result<(), ImapError> {
        while let Some(r) = self.next().await? {
            each(r.parsed());
        }
        Ok(())
    }
}

/// The attributes of a FETCH response, `None` for any other response.
pub(super) fn fetch_attributes<'a>(response: &'a Response<'a>) -> Option<&'a [AttributeValue<'a>]> {
    match response {
        Response::Fetch(_, attributes) => Some(attributes),
        _ => None,
    }
}

/// `BODY[]` of a FETCH response.
pub(super) fn body<'a>(attributes: &'a [AttributeValue<'a>]) -> Option<&'a [u8]> {
    attributes.iter().find_map(|a| match a {
        AttributeValue::BodySection {
            section: None,
            data: Some(body),
            ..
        }
        | AttributeValue::Rfc822(Some(body)) => Some(body.as_ref()),
        _ => None,
    })
}

/// `BODY[HEADER]` / `BODY[HEADER.FIELDS (...)]` of a FETCH response.
pub(super) fn header<'a>(attributes: &'a [AttributeValue<'a>]) -> Option<&'a [u8]> {
    attributes.iter().find_map(|a| match a {
        AttributeValue::BodySection {
            section: Some(SectionPath::Full(MessageSection::Header)),
            data: Some(header),
            ..
        }
        | AttributeValue::Rfc822Header(Some(header)) => Some(header.as_ref()),
        _ => None,
    })
}

/// The mailbox name of a LIST response and its parts, `None` for any other response.
pub(super) fn list_data<'a>(
    response: &'a Response<'a>,
) -> Option<&'a async_imap::imap_proto::MailboxListData<'a>> {
    match response {
        Response::MailboxData(MailboxDatum::List(data)) => Some(data),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_and_refuses_line_breaks() {
        assert_eq!(quoted("INBOX").as_deref(), Some("\"INBOX\""));
        assert_eq!(quoted("a\"b\\c").as_deref(), Some("\"a\\\"b\\\\c\""));
        assert_eq!(quoted("a\r\nb"), None);
        assert_eq!(quoted("日本"), None);
    }

    #[test]
    fn parser_errors_show_the_reply_as_text() {
        let e = std::io::Error::other(
            "Error(Error { input: [42, 32, 88], code: Tag }) during parsing of \"* XYZZY odd\\r\\n\"",
        );
        let text = io_error("s", "FETCH", &e).to_string();
        assert!(text.contains("* XYZZY odd"), "{text}");
        assert!(!text.contains("42, 32"), "{text}");
    }
}
