//! # Minimal plaintext IMAP / POP3 clients
//!
//! Just enough protocol to check readiness, APPEND a message with its flags and date, and
//! let tests look at what a real client sees (capabilities, LIST, STATUS, UIDL). They speak
//! plaintext only, so use them from 127.0.0.1, where Dovecot treats the link as secured.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs as _};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};

use crate::corpus::Flag;

fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream> {
    let addr: SocketAddr = (host, port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| anyhow!("cannot resolve {host}:{port}"))?;
    let s = TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connecting to {addr}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    // Commands are small writes answered at once: without this, delayed ACKs cost ~40 ms
    // per round trip on some servers (Courier, Cyrus).
    s.set_nodelay(true)?;
    Ok(s)
}

/// Quotes a string as an IMAP quoted string.
pub fn imap_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `(uid, sorted flags, BODY[] bytes)` from [`Imap::fetch_all`].
pub type FetchedMessage = (u32, Vec<String>, Vec<u8>);

/// A logged-out-or-in IMAP connection over plain TCP.
pub struct Imap {
    r: BufReader<TcpStream>,
    tag: u32,
    greeting: String,
}

impl Imap {
    /// Connects and reads the `* OK` greeting.
    pub fn connect(host: &str, port: u16) -> Result<Imap> {
        let s = connect(host, port, Duration::from_secs(30))?;
        let mut r = BufReader::new(s);
        let mut greeting = String::new();
        r.read_line(&mut greeting)?;
        if !greeting.starts_with("* OK") {
            bail!("unexpected IMAP greeting {greeting:?}");
        }
        Ok(Imap {
            r,
            tag: 0,
            greeting: greeting.trim_end().to_string(),
        })
    }

    /// The greeting line without CRLF.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    fn read_response_line(&mut self) -> Result<String> {
        // A line may end in a {N} literal; splice it in so callers see one logical line.
        let mut out = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = self.r.read_until(b'\n', &mut line)?;
            if n == 0 {
                bail!("IMAP server closed the connection");
            }
            while line.last().is_some_and(|&c| c == b'\n' || c == b'\r') {
                line.pop();
            }
            let lit = if line.last() == Some(&b'}') {
                line.iter().rposition(|&c| c == b'{').and_then(|p| {
                    std::str::from_utf8(&line[p + 1..line.len() - 1])
                        .ok()?
                        .trim_end_matches('+')
                        .parse::<usize>()
                        .ok()
                })
            } else {
                None
            };
            out.extend_from_slice(&line);
            match lit {
                Some(n) => {
                    let mut buf = vec![0u8; n];
                    self.r.read_exact(&mut buf)?;
                    out.extend_from_slice(b"\r\n");
                    out.extend_from_slice(&buf);
                }
                None => return Ok(String::from_utf8_lossy(&out).into_owned()),
            }
        }
    }

    fn next_tag(&mut self) -> String {
        self.tag += 1;
        format!("t{}", self.tag)
    }

    fn finish(&mut self, tag: &str, what: &str) -> Result<(Vec<String>, String)> {
        let mut untagged = Vec::new();
        loop {
            let line = self.read_response_line()?;
            if let Some(rest) = line.strip_prefix(&format!("{tag} ")) {
                if rest.starts_with("OK") {
                    return Ok((untagged, rest.to_string()));
                }
                bail!("IMAP {what} failed: {rest}");
            }
            untagged.push(line);
        }
    }

    /// Sends one command (without tag) and returns the untagged lines; `NO`/`BAD` is an error.
    pub fn command(&mut self, cmd: &str) -> Result<Vec<String>> {
        let tag = self.next_tag();
        self.r
            .get_mut()
            .write_all(format!("{tag} {cmd}\r\n").as_bytes())?;
        let word = cmd.split(' ').next().unwrap_or(cmd).to_string();
        Ok(self.finish(&tag, &word)?.0)
    }

    /// `LOGIN` with quoted credentials.
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        self.command(&format!(
            "LOGIN {} {}",
            imap_quote(user),
            imap_quote(password)
        ))
        .map(|_| ())
    }

    /// `CAPABILITY` as a list of atoms.
    pub fn capabilities(&mut self) -> Result<Vec<String>> {
        let lines = self.command("CAPABILITY")?;
        Ok(lines
            .iter()
            .filter_map(|l| l.strip_prefix("* CAPABILITY "))
            .flat_map(|l| l.split(' ').map(str::to_string))
            .collect())
    }

    /// `APPEND` with flags and INTERNALDATE; returns the UID from `APPENDUID` if sent.
    pub fn append(
        &mut self,
        mailbox_mutf7: &str,
        flags: &[Flag],
        internal_date: i64,
        raw: &[u8],
    ) -> Result<Option<u32>> {
        let tag = self.next_tag();
        let flags: Vec<&str> = flags.iter().map(|f| f.imap()).collect();
        let date = crate::mime::imap_date(internal_date, 540);
        let head = format!(
            "{tag} APPEND {} ({}) \"{date}\" {{{}}}\r\n",
            imap_quote(mailbox_mutf7),
            flags.join(" "),
            raw.len()
        );
        self.r.get_mut().write_all(head.as_bytes())?;
        let cont = self.read_response_line()?;
        if !cont.starts_with('+') {
            bail!("APPEND refused: {cont}");
        }
        self.r.get_mut().write_all(raw)?;
        self.r.get_mut().write_all(b"\r\n")?;
        let (_, ok) = self.finish(&tag, "APPEND")?;
        // "OK [APPENDUID <validity> <uid>] ..."
        Ok(ok
            .split_once("[APPENDUID ")
            .and_then(|(_, r)| r.split([' ', ']']).nth(1)?.parse().ok()))
    }

    /// One `APPEND` with many messages (MULTIAPPEND, RFC 3502) and non-synchronising
    /// literals (LITERAL+, RFC 7888): a whole folder in one round trip. The server must
    /// offer both (Cyrus does).
    pub fn append_many(
        &mut self,
        mailbox_mutf7: &str,
        messages: &[&crate::CorpusMessage],
    ) -> Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let tag = self.next_tag();
        let mut out = format!("{tag} APPEND {}", imap_quote(mailbox_mutf7)).into_bytes();
        for m in messages {
            let flags: Vec<&str> = m.flags.iter().map(|f| f.imap()).collect();
            let date = crate::mime::imap_date(m.internal_date, 540);
            out.extend_from_slice(
                format!(" ({}) \"{date}\" {{{}+}}\r\n", flags.join(" "), m.raw.len()).as_bytes(),
            );
            out.extend_from_slice(&m.raw);
        }
        out.extend_from_slice(b"\r\n");
        self.r.get_mut().write_all(&out)?;
        self.finish(&tag, "APPEND").map(|_| ())
    }

    /// `UID FETCH 1:* (UID FLAGS BODY.PEEK[])` of the examined mailbox in one command:
    /// `(uid, flags, bytes)` in UID order.
    pub fn fetch_all(&mut self) -> Result<Vec<FetchedMessage>> {
        let tag = self.next_tag();
        self.r
            .get_mut()
            .write_all(format!("{tag} UID FETCH 1:* (UID FLAGS BODY.PEEK[])\r\n").as_bytes())?;
        let mut out = Vec::new();
        loop {
            let mut line = Vec::new();
            if self.r.read_until(b'\n', &mut line)? == 0 {
                bail!("IMAP server closed the connection");
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            if let Some(rest) = text.strip_prefix(&format!("{tag} ")) {
                if rest.starts_with("OK") {
                    out.sort_by_key(|m: &FetchedMessage| m.0);
                    return Ok(out);
                }
                // An empty mailbox: some servers answer NO/BAD to 1:*.
                if out.is_empty() {
                    return Ok(out);
                }
                bail!("UID FETCH failed: {}", rest.trim_end());
            }
            let mut head = text.trim_end().to_string();
            if !(head.starts_with("* ") && head.contains(" FETCH ")) {
                continue;
            }
            let mut body = None;
            // Items may come in any order; a literal can be followed by more items.
            while head.ends_with('}') {
                let n: usize = head
                    .rsplit_once('{')
                    .and_then(|(_, n)| n.trim_end_matches('}').parse().ok())
                    .ok_or_else(|| anyhow!("bad literal in {head:?}"))?;
                let mut buf = vec![0u8; n];
                self.r.read_exact(&mut buf)?;
                body = Some(buf);
                let mut rest = Vec::new();
                self.r.read_until(b'\n', &mut rest)?;
                head.push_str(String::from_utf8_lossy(&rest).trim_end());
            }
            let uid = head
                .split_once("UID ")
                .and_then(|(_, r)| r.split([' ', ')']).next()?.parse().ok())
                .ok_or_else(|| anyhow!("no UID in {head:?}"))?;
            let mut flags: Vec<String> = head
                .split_once("FLAGS (")
                .and_then(|(_, r)| r.split_once(')'))
                .map(|(f, _)| f.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default();
            flags.sort();
            out.push((
                uid,
                flags,
                body.ok_or_else(|| anyhow!("no BODY[] for UID {uid}"))?,
            ));
        }
    }

    /// `UID FETCH <uid> BODY.PEEK[]`: the exact bytes the server returns.
    pub fn uid_fetch_body(&mut self, uid: u32) -> Result<Vec<u8>> {
        let tag = self.next_tag();
        self.r
            .get_mut()
            .write_all(format!("{tag} UID FETCH {uid} BODY.PEEK[]\r\n").as_bytes())?;
        let mut body = None;
        loop {
            let mut line = Vec::new();
            if self.r.read_until(b'\n', &mut line)? == 0 {
                bail!("IMAP server closed the connection");
            }
            let text = String::from_utf8_lossy(&line).into_owned();
            if text.starts_with(&format!("{tag} ")) {
                if !text[tag.len() + 1..].starts_with("OK") {
                    bail!("UID FETCH failed: {}", text.trim_end());
                }
                return body.ok_or_else(|| anyhow!("no such UID {uid}"));
            }
            let trimmed = text.trim_end();
            if trimmed.starts_with("* ") && trimmed.contains("BODY[]") && trimmed.ends_with('}') {
                let n: usize = trimmed
                    .rsplit_once('{')
                    .and_then(|(_, n)| n.trim_end_matches('}').parse().ok())
                    .ok_or_else(|| anyhow!("bad literal in {trimmed:?}"))?;
                let mut buf = vec![0u8; n];
                self.r.read_exact(&mut buf)?;
                body = Some(buf);
                // The rest of the FETCH response (")" and maybe more items) up to CRLF.
                let mut rest = Vec::new();
                self.r.read_until(b'\n', &mut rest)?;
            }
        }
    }

    /// `LOGOUT`, ignoring errors (the server may already have gone).
    pub fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }
}

/// A POP3 connection over plain TCP.
pub struct Pop3 {
    r: BufReader<TcpStream>,
    greeting: String,
}

impl Pop3 {
    /// Connects and reads the `+OK` greeting.
    pub fn connect(host: &str, port: u16) -> Result<Pop3> {
        let s = connect(host, port, Duration::from_secs(30))?;
        let mut r = BufReader::new(s);
        let mut greeting = String::new();
        r.read_line(&mut greeting)?;
        if !greeting.starts_with("+OK") {
            bail!("unexpected POP3 greeting {greeting:?}");
        }
        Ok(Pop3 {
            r,
            greeting: greeting.trim_end().to_string(),
        })
    }

    /// The greeting line without CRLF.
    pub fn greeting(&self) -> &str {
        &self.greeting
    }

    /// One command with a single-line answer; `-ERR` is an error.
    pub fn command(&mut self, cmd: &str) -> Result<String> {
        self.r
            .get_mut()
            .write_all(format!("{cmd}\r\n").as_bytes())?;
        let mut line = String::new();
        self.r.read_line(&mut line)?;
        let line = line.trim_end().to_string();
        if !line.starts_with("+OK") {
            bail!(
                "POP3 {} failed: {line}",
                cmd.split(' ').next().unwrap_or(cmd)
            );
        }
        Ok(line)
    }

    /// One command with a multi-line answer (dot-unstuffed lines, terminator removed).
    pub fn multi(&mut self, cmd: &str) -> Result<Vec<String>> {
        self.command(cmd)?;
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            if self.r.read_line(&mut line)? == 0 {
                bail!("POP3 server closed the connection");
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line == "." {
                return Ok(lines);
            }
            lines.push(line.strip_prefix('.').unwrap_or(line).to_string());
        }
    }

    /// `USER` + `PASS`.
    pub fn login(&mut self, user: &str, password: &str) -> Result<()> {
        self.command(&format!("USER {user}"))?;
        self.command(&format!("PASS {password}")).map(|_| ())
    }
}

/// Reads the first line a server sends, with a deadline (readiness probing).
pub fn read_greeting(host: &str, port: u16, timeout: Duration) -> Result<String> {
    let mut s = connect(host, port, timeout)?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while buf.len() < 4096 {
        if s.read(&mut byte)? == 0 {
            break;
        }
        buf.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&buf).trim_end().to_string())
}
