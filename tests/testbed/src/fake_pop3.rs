//! # A scripted POP3 server with a broken UIDL list
//!
//! Some old POP3 servers give several messages the same UIDL (a maildrop converted from
//! mbox, a UIDL made from a Message-ID that is not unique). Dovecot never does, so this
//! server speaks just enough POP3 (CAPA, USER/PASS, STAT, LIST, UIDL, TOP, NOOP, QUIT) over
//! plain TCP on loopback and answers UIDL with the names it is given, duplicates and all.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result};

/// A running fake POP3 server.
pub struct FakePop3 {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl FakePop3 {
    /// Serves `messages` as `(uidl, bytes)` in maildrop order.
    pub fn start(messages: Vec<(String, Vec<u8>)>) -> Result<FakePop3> {
        let listener = TcpListener::bind("127.0.0.1:0").context("bind fake POP3")?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let messages = Arc::new(messages);
        {
            let stop = stop.clone();
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((socket, _)) => {
                            let messages = messages.clone();
                            std::thread::spawn(move || {
                                let _ = serve(socket, &messages);
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            });
        }
        Ok(FakePop3 { port, stop })
    }

    /// The loopback port it listens on (plain POP3).
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for FakePop3 {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// The message with its lines dot-stuffed and the terminating `.` line.
fn stuffed(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 8);
    for line in bytes.split_inclusive(|b| *b == b'\n') {
        if line.first() == Some(&b'.') {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

fn serve(socket: TcpStream, messages: &[(String, Vec<u8>)]) -> Result<()> {
    socket.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = socket.try_clone()?;
    let mut input = BufReader::new(socket);
    out.write_all(b"+OK fake POP3 ready\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let command = words
            .first()
            .map(|w| w.to_ascii_uppercase())
            .unwrap_or_default();
        let number = |i: usize| -> Option<usize> {
            words
                .get(i)
                .and_then(|w| w.parse::<usize>().ok())
                .filter(|n| (1..=messages.len()).contains(n))
        };
        match command.as_str() {
            "CAPA" => out.write_all(b"+OK\r\nTOP\r\nUIDL\r\nUSER\r\nPIPELINING\r\n.\r\n")?,
            "USER" | "PASS" | "NOOP" => out.write_all(b"+OK\r\n")?,
            "STAT" => {
                let total: usize = messages.iter().map(|m| m.1.len()).sum();
                write!(out, "+OK {} {total}\r\n", messages.len())?;
            }
            "LIST" => {
                let mut text = format!("+OK {} messages\r\n", messages.len());
                for (i, m) in messages.iter().enumerate() {
                    text.push_str(&format!("{} {}\r\n", i + 1, m.1.len()));
                }
                text.push_str(".\r\n");
                out.write_all(text.as_bytes())?;
            }
            "UIDL" => {
                let mut text = String::from("+OK\r\n");
                for (i, m) in messages.iter().enumerate() {
                    text.push_str(&format!("{} {}\r\n", i + 1, m.0));
                }
                text.push_str(".\r\n");
                out.write_all(text.as_bytes())?;
            }
            "TOP" | "RETR" => match number(1) {
                Some(n) => {
                    out.write_all(b"+OK\r\n")?;
                    out.write_all(&stuffed(&messages[n - 1].1))?;
                }
                None => out.write_all(b"-ERR no such message\r\n")?,
            },
            "QUIT" => {
                out.write_all(b"+OK bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"-ERR unknown command\r\n")?,
        }
    }
}
