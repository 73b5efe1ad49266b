//! # The writing IMAP session, for the new server only
//!
//! `ikou restore` puts missing messages back on the new server. That needs APPEND and CREATE,
//! which [`super::ReadSession`] deliberately cannot send. They live here, in a separate type
//! that the service layer opens only for the new server (`service::open_write_session` takes
//! no side), so the old server stays reachable through the read-only type alone.
//!
//! The session offers just what restoring needs: list folder names, create a folder, read the
//! identifying headers of a folder (EXAMINE + `BODY.PEEK`, to re-check presence right before
//! appending) and APPEND with flags and INTERNALDATE. There is no STORE, EXPUNGE, COPY, MOVE,
//! DELETE or RENAME: restoring never changes or removes what is already there.

use futures::{StreamExt, TryStreamExt};

use super::{ConnectOptions, Credentials, ImapError, Session, utf7};

/// A folder on the server: Unicode name and name on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFolder {
    pub name: String,
    pub raw_name: String,
    pub delimiter: Option<char>,
}

/// One message's UID and identifying header block, as read back before appending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresentMessage {
    pub uid: u32,
    pub header: Vec<u8>,
}

/// An authenticated session on the NEW server that may add folders and messages.
pub struct WriteSession {
    session: Session,
    server: String,
}

impl std::fmt::Debug for WriteSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteSession")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// Connects and signs in for writing. Callers must only pass the new server's options.
pub async fn connect_for_writing(
    options: &ConnectOptions,
    credentials: &Credentials,
) -> Result<WriteSession, ImapError> {
    connect_for_writing_as(options, credentials, None).await
}

/// Like [`connect_for_writing`], signing in with AUTHENTICATE PLAIN as an admin acting for
/// `authzid` when given (`ikou batch restore` with a delegated account on the new server).
pub async fn connect_for_writing_as(
    options: &ConnectOptions,
    credentials: &Credentials,
    authzid: Option<&str>,
) -> Result<WriteSession, ImapError> {
    let (session, _capabilities) = super::connect_as(options, credentials, authzid).await?;
    Ok(WriteSession {
        session,
        server: options.endpoint.to_string(),
    })
}

impl WriteSession {
    pub fn server(&self) -> &str {
        &self.server
    }

    fn error(&self, command: &str, e: async_imap::error::Error) -> ImapError {
        ImapError::from_imap(&self.server, command, e)
    }

    /// Every mailbox name (selectable or not) with its delimiter.
    pub async fn folder_names(&mut self) -> Result<Vec<NamedFolder>, ImapError> {
        let names: Vec<_> = {
            let stream = self
                .session
                .list(Some(""), Some("*"))
                .await
                .map_err(|e| ImapError::from_imap(&self.server, "LIST", e))?;
            stream
                .try_collect()
                .await
                .map_err(|e| ImapError::from_imap(&self.server, "LIST", e))?
        };
        Ok(names
            .iter()
            .map(|n| NamedFolder {
                name: utf7::decode(n.name()),
                raw_name: n.name().to_string(),
                delimiter: n.delimiter().and_then(|d| d.chars().next()),
            })
            .collect())
    }

    /// CREATE; the name is the Unicode name with the server's delimiter.
    pub async fn create_folder(&mut self, name: &str) -> Result<String, ImapError> {
        let raw = utf7::encode(name);
        self.session
            .create(&raw)
            .await
            .map_err(|e| self.error("CREATE", e))?;
        Ok(raw)
    }

    /// The UID and the named header fields of every message in a folder, read with EXAMINE
    /// and `BODY.PEEK` so that checking presence changes no flag.
    pub async fn folder_headers(
        &mut self,
        raw_name: &str,
        header_fields: &[&str],
    ) -> Result<Vec<PresentMessage>, ImapError> {
        let mut out = Vec::new();
        self.for_each_header(raw_name, header_fields, |m| out.push(m))
            .await?;
        Ok(out)
    }

    /// [`Self::folder_headers`] handing each message to `f` as it arrives, so that a caller
    /// that keeps only some of them holds none of the others.
    pub async fn for_each_header(
        &mut self,
        raw_name: &str,
        header_fields: &[&str],
        mut f: impl FnMut(PresentMessage),
    ) -> Result<(), ImapError> {
        let mailbox = self
            .session
            .examine(raw_name)
            .await
            .map_err(|e| self.error("EXAMINE", e))?;
        if mailbox.exists == 0 {
            return Ok(());
        }
        let query = format!(
            "(UID BODY.PEEK[HEADER.FIELDS ({})])",
            header_fields.join(" ")
        );
        let server = self.server.clone();
        let mut stream = self
            .session
            .uid_fetch("1:*", &query)
            .await
            .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
        while let Some(fetch) = stream.next().await {
            let fetch = fetch.map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
            f(PresentMessage {
                uid: fetch.uid.unwrap_or(0),
                header: fetch.header().map(<[u8]>::to_vec).unwrap_or_default(),
            });
        }
        Ok(())
    }

    /// The body (`BODY.PEEK[TEXT]`) of the given UIDs in the folder [`Self::folder_headers`]
    /// last examined: for the few messages whose headers do not identify them.
    pub async fn body_texts(&mut self, uids: &[u32]) -> Result<Vec<(u32, Vec<u8>)>, ImapError> {
        if uids.is_empty() {
            return Ok(Vec::new());
        }
        let set: Vec<String> = uids.iter().map(u32::to_string).collect();
        let server = self.server.clone();
        let fetches: Vec<_> = {
            let stream = self
                .session
                .uid_fetch(set.join(","), "(UID BODY.PEEK[TEXT])")
                .await
                .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?;
            stream
                .try_collect()
                .await
                .map_err(|e| ImapError::from_imap(&server, "FETCH", e))?
        };
        Ok(fetches
            .iter()
            .filter_map(|f| Some((f.uid?, f.text().unwrap_or_default().to_vec())))
            .collect())
    }

    /// APPEND one message with its flags (`\Recent` is dropped: only the server may set it)
    /// and its INTERNALDATE (RFC 3339; converted to the IMAP form, omitted when unparsable).
    pub async fn append(
        &mut self,
        raw_name: &str,
        bytes: &[u8],
        flags: &[String],
        internal_date: Option<&str>,
    ) -> Result<(), ImapError> {
        let flags: Vec<&str> = flags
            .iter()
            .map(String::as_str)
            .filter(|f| !f.eq_ignore_ascii_case("\\Recent") && is_flag_atom(f))
            .collect();
        let flag_list = format!("({})", flags.join(" "));
        let date = internal_date.and_then(imap_date_time);
        self.session
            .append(raw_name, Some(&flag_list), date.as_deref(), bytes)
            .await
            .map_err(|e| self.error("APPEND", e))
    }

    /// Ends the session politely; errors here are not worth reporting.
    pub async fn logout(mut self) {
        let _ = self.session.logout().await;
    }
}

/// A flag is sent bare inside the list, so only atoms (optionally with a leading `\`) pass;
/// anything else from a damaged source is dropped rather than breaking the command.
fn is_flag_atom(flag: &str) -> bool {
    let atom = flag.strip_prefix('\\').unwrap_or(flag);
    !atom.is_empty()
        && atom.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\')
        })
}

/// RFC 3339 to the quoted IMAP `date-time` (`"05-Jan-2025 09:30:00 +0900"`).
pub fn imap_date_time(rfc3339: &str) -> Option<String> {
    let date = chrono::DateTime::parse_from_rfc3339(rfc3339).ok()?;
    Some(format!("\"{}\"", date.format("%d-%b-%Y %H:%M:%S %z")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_flags_for_append() {
        assert_eq!(
            imap_date_time("2025-01-05T09:30:00+09:00").as_deref(),
            Some("\"05-Jan-2025 09:30:00 +0900\"")
        );
        assert_eq!(imap_date_time("yesterday"), None);
        assert!(is_flag_atom("\\Seen") && is_flag_atom("$Label1"));
        assert!(!is_flag_atom("bad flag") && !is_flag_atom("(x") && !is_flag_atom("\\"));
    }
}
