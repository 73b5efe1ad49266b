//! # A scripted IMAP server that misbehaves on demand
//!
//! Dovecot cannot be told to close the connection between two FETCH responses, to answer
//! with UIDs nobody asked for, or to announce a 400 MB literal and then stall. This server
//! speaks just enough IMAP4rev1 for ikou's read path (LOGIN, AUTHENTICATE PLAIN, CAPABILITY,
//! LIST, STATUS, EXAMINE, UID FETCH, NOOP, LOGOUT) over plain TCP on loopback, serves one
//! folder `INBOX` from memory, and plays one [`Trick`]. Each connection runs on its own
//! thread; the server stops when the [`FakeImap`] is dropped.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};

/// How the server misbehaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trick {
    /// A well-behaved server.
    Honest,
    /// On the first body FETCH only, close the connection cleanly after `n` messages.
    CloseAfterBodies(usize),
    /// On the first body FETCH only, send `* BYE` and close after `n` messages.
    ByeAfterBodies(usize),
    /// Every body FETCH answers with other UIDs (asked + 1000) and a tagged OK.
    SwapUids,
    /// These UIDs are listed when the folder is planned, then deleted before any body FETCH
    /// (as if another client expunged them).
    DeleteAfterPlan(Vec<u32>),
    /// The greeting trickles out one byte per second and never ends.
    SlowLoris,
    /// After login, LIST answers with one line of this many bytes that never ends.
    EndlessLine(usize),
    /// After login, LIST answers with a literal announcement of this size, then stalls.
    HugeLiteral(u64),
    /// LIST answers with this many folders (only INBOX can be examined).
    ManyFolders(usize),
    /// Honest, and offers AUTH=OAUTHBEARER besides PLAIN and XOAUTH2.
    OffersOAuthBearer,
}

/// One message of the fake INBOX.
#[derive(Debug, Clone)]
pub struct FakeMessage {
    /// Its UID in INBOX.
    pub uid: u32,
    /// The whole message, as BODY[] sends it.
    pub bytes: Vec<u8>,
}

struct State {
    messages: Vec<FakeMessage>,
    trick: Trick,
    /// The one-time tricks have been played.
    played: bool,
    /// Meta fetches served (DeleteAfterPlan deletes after the first).
    meta_fetches: usize,
}

/// A running fake server.
pub struct FakeImap {
    port: u16,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
    logins: Arc<Mutex<Vec<String>>>,
}

/// The UIDVALIDITY of the fake INBOX.
pub const UID_VALIDITY: u32 = 1_700_000_000;

/// `count` small distinct messages with UIDs 1..=count.
pub fn sample_messages(count: u32) -> Vec<FakeMessage> {
    (1..=count)
        .map(|uid| FakeMessage {
            uid,
            bytes: format!(
                "Message-ID: <fake-{uid}@hostile.test>\r\nFrom: a@hostile.test\r\nTo: b@hostile.test\r\nDate: Mon, 1 Jan 2024 00:00:{:02} +0000\r\nSubject: message {uid}\r\n\r\nbody of message {uid}\r\n",
                uid % 60
            )
            .into_bytes(),
        })
        .collect()
}

impl FakeImap {
    /// Starts the server on a free loopback port.
    pub fn start(messages: Vec<FakeMessage>, trick: Trick) -> Result<FakeImap> {
        let listener = TcpListener::bind("127.0.0.1:0").context("bind fake IMAP")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let logins = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(Mutex::new(State {
            messages,
            trick,
            played: false,
            meta_fetches: 0,
        }));
        {
            let (stop, connections, logins) = (stop.clone(), connections.clone(), logins.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((socket, _)) => {
                            connections.fetch_add(1, Ordering::Relaxed);
                            let (state, stop, logins) =
                                (state.clone(), stop.clone(), logins.clone());
                            std::thread::spawn(move || {
                                let _ = serve(socket, &state, &stop, &logins);
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            });
        }
        Ok(FakeImap {
            port,
            stop,
            connections,
            logins,
        })
    }

    /// The loopback port it listens on (plain IMAP).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// The user names that signed in, in order.
    pub fn logins(&self) -> Vec<String> {
        self.logins.lock().map(|l| l.clone()).unwrap_or_default()
    }
}

impl Drop for FakeImap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Expands an IMAP sequence set of UIDs (`1:5,7,9:*`) against the UIDs that exist.
fn uid_set(set: &str, existing: &[u32]) -> BTreeSet<u32> {
    let max = existing.iter().copied().max().unwrap_or(0);
    let mut out = BTreeSet::new();
    for part in set.split(',') {
        let bound = |s: &str| {
            if s == "*" {
                max
            } else {
                s.parse().unwrap_or(0)
            }
        };
        let (a, b) = match part.split_once(':') {
            Some((a, b)) => (bound(a), bound(b)),
            None => (bound(part), bound(part)),
        };
        let (lo, hi) = (a.min(b), a.max(b));
        out.extend(existing.iter().copied().filter(|u| (lo..=hi).contains(u)));
    }
    out
}

fn serve(
    socket: TcpStream,
    state: &Mutex<State>,
    stop: &AtomicBool,
    logins: &Mutex<Vec<String>>,
) -> Result<()> {
    socket.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = socket.try_clone()?;
    let mut input = BufReader::new(socket);
    let trick = state
        .lock()
        .map(|s| s.trick.clone())
        .unwrap_or(Trick::Honest);
    if trick == Trick::SlowLoris {
        for b in b"* OK fake IMAP server taking its time ".iter().cycle() {
            if stop.load(Ordering::Relaxed) || out.write_all(&[*b]).is_err() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    }
    let caps = if trick == Trick::OffersOAuthBearer {
        "IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER"
    } else {
        "IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2"
    };
    write!(out, "* OK [CAPABILITY {caps}] fake IMAP ready\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        let text = line.trim_end();
        let (tag, rest) = text.split_once(' ').unwrap_or((text, ""));
        let (command, args) = rest.split_once(' ').unwrap_or((rest, ""));
        match command.to_ascii_uppercase().as_str() {
            "CAPABILITY" => {
                write!(out, "* CAPABILITY {caps}\r\n{tag} OK done\r\n")?;
            }
            "LOGIN" => {
                let user = args.split(' ').next().unwrap_or("").trim_matches('"');
                if let Ok(mut l) = logins.lock() {
                    l.push(user.to_string());
                }
                write!(out, "{tag} OK logged in\r\n")?;
            }
            "AUTHENTICATE" => {
                // SASL-IR or a continuation: either way one more line carries the blob.
                if args.split(' ').nth(1).is_none() {
                    out.write_all(b"+ \r\n")?;
                    let mut blob = String::new();
                    input.read_line(&mut blob)?;
                }
                if let Ok(mut l) = logins.lock() {
                    l.push("(sasl)".into());
                }
                write!(out, "{tag} OK logged in\r\n")?;
            }
            "NOOP" => write!(out, "{tag} OK done\r\n")?,
            "LOGOUT" => {
                write!(out, "* BYE see you\r\n{tag} OK done\r\n")?;
                return Ok(());
            }
            "LIST" => match &trick {
                Trick::EndlessLine(n) => {
                    out.write_all(b"* LIST () \"/\" \"")?;
                    let chunk = vec![b'x'; 64 * 1024];
                    let mut sent = 0;
                    while sent < *n {
                        let k = chunk.len().min(n - sent);
                        if out.write_all(&chunk[..k]).is_err() {
                            return Ok(());
                        }
                        sent += k;
                    }
                    // Never a CRLF: wait for the client to give up.
                    wait_for_close(&mut input, stop);
                    return Ok(());
                }
                Trick::HugeLiteral(n) => {
                    write!(out, "* LIST () \"/\" {{{n}}}\r\n")?;
                    out.write_all(b"INBOX")?;
                    wait_for_close(&mut input, stop);
                    return Ok(());
                }
                Trick::ManyFolders(n) => {
                    let mut text = String::with_capacity(64 * 1024);
                    out.write_all(b"* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n")?;
                    for i in 0..*n {
                        text.push_str(&format!(
                            "* LIST (\\HasNoChildren \\Noselect) \"/\" \"folder-{i}\"\r\n"
                        ));
                        if text.len() > 60 * 1024 {
                            out.write_all(text.as_bytes())?;
                            text.clear();
                        }
                    }
                    out.write_all(text.as_bytes())?;
                    write!(out, "{tag} OK done\r\n")?;
                }
                _ => write!(
                    out,
                    "* LIST (\\HasNoChildren) \"/\" \"INBOX\"\r\n{tag} OK done\r\n"
                )?,
            },
            "STATUS" => {
                let (count, next) = counts(state);
                write!(
                    out,
                    "* STATUS \"INBOX\" (MESSAGES {count} UNSEEN 0 UIDNEXT {next} UIDVALIDITY {UID_VALIDITY})\r\n{tag} OK done\r\n"
                )?;
            }
            "EXAMINE" | "SELECT" => {
                let (count, next) = counts(state);
                write!(
                    out,
                    "* FLAGS (\\Seen \\Answered)\r\n* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY {UID_VALIDITY}] ok\r\n* OK [UIDNEXT {next}] ok\r\n{tag} OK [READ-ONLY] done\r\n"
                )?;
            }
            "UID" => {
                let mut words = args.splitn(3, ' ');
                let sub = words.next().unwrap_or("");
                let set = words.next().unwrap_or("");
                let items = words.next().unwrap_or("");
                if !sub.eq_ignore_ascii_case("FETCH") {
                    write!(out, "{tag} BAD only UID FETCH here\r\n")?;
                    continue;
                }
                if !fetch(&mut out, state, tag, set, items)? {
                    let _ = out.shutdown(Shutdown::Both);
                    return Ok(());
                }
            }
            _ => write!(out, "{tag} BAD unknown command\r\n")?,
        }
    }
}

fn wait_for_close(input: &mut BufReader<TcpStream>, stop: &AtomicBool) {
    let _ = input
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = String::new();
    while !stop.load(Ordering::Relaxed) {
        match input.read_line(&mut buf) {
            Ok(0) => return,
            Ok(_) => buf.clear(),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return,
        }
    }
}

fn counts(state: &Mutex<State>) -> (usize, u32) {
    let s = state.lock().expect("state");
    let next = s.messages.iter().map(|m| m.uid).max().unwrap_or(0) + 1;
    (s.messages.len(), next)
}

/// Answers one UID FETCH; `false` when the connection is to be closed now.
fn fetch(
    out: &mut TcpStream,
    state: &Mutex<State>,
    tag: &str,
    set: &str,
    items: &str,
) -> Result<bool> {
    let mut s = state.lock().expect("state");
    let uids: Vec<u32> = s.messages.iter().map(|m| m.uid).collect();
    let wanted = uid_set(set, &uids);
    let bodies = items.to_ascii_uppercase().contains("BODY.PEEK[]");
    if !bodies {
        let header = items.to_ascii_uppercase().contains("HEADER.FIELDS");
        for (i, m) in s.messages.iter().enumerate() {
            if !wanted.contains(&m.uid) {
                continue;
            }
            let mut line = format!(
                "* {} FETCH (UID {} RFC822.SIZE {} INTERNALDATE \"01-Jan-2024 00:00:00 +0000\" FLAGS (\\Seen)",
                i + 1,
                m.uid,
                m.bytes.len()
            );
            if header {
                let id = format!("Message-ID: <fake-{}@hostile.test>\r\n\r\n", m.uid);
                line.push_str(&format!(
                    " BODY[HEADER.FIELDS (MESSAGE-ID)] {{{}}}\r\n{id}",
                    id.len()
                ));
            }
            line.push_str(")\r\n");
            out.write_all(line.as_bytes())?;
        }
        write!(out, "{tag} OK fetch done\r\n")?;
        s.meta_fetches += 1;
        if let Trick::DeleteAfterPlan(gone) = &s.trick
            && s.meta_fetches == 1
        {
            let gone = gone.clone();
            s.messages.retain(|m| !gone.contains(&m.uid));
        }
        return Ok(true);
    }
    let mut sent = 0;
    let trick = s.trick.clone();
    let play_once = !s.played;
    for (i, m) in s.messages.iter().enumerate() {
        if !wanted.contains(&m.uid) {
            continue;
        }
        match trick {
            Trick::CloseAfterBodies(n) if play_once && sent == n => {
                s.played = true;
                return Ok(false);
            }
            Trick::ByeAfterBodies(n) if play_once && sent == n => {
                s.played = true;
                out.write_all(b"* BYE server shutting down\r\n")?;
                return Ok(false);
            }
            _ => {}
        }
        let uid = if trick == Trick::SwapUids {
            m.uid + 1000
        } else {
            m.uid
        };
        write!(
            out,
            "* {} FETCH (UID {uid} RFC822.SIZE {} INTERNALDATE \"01-Jan-2024 00:00:00 +0000\" FLAGS (\\Seen) BODY[] {{{}}}\r\n",
            i + 1,
            m.bytes.len(),
            m.bytes.len()
        )?;
        out.write_all(&m.bytes)?;
        out.write_all(b")\r\n")?;
        sent += 1;
    }
    write!(out, "{tag} OK fetch done\r\n")?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_expand_against_existing_uids() {
        let existing = [1, 2, 3, 5, 8];
        assert_eq!(
            uid_set("1:3,8", &existing).into_iter().collect::<Vec<_>>(),
            vec![1, 2, 3, 8]
        );
        assert_eq!(uid_set("4:*", &existing).len(), 2);
        assert_eq!(uid_set("9", &existing).len(), 0);
    }
}
