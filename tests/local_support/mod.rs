//! Generated Thunderbird profiles for the tests of the mail kept on the PC (`ikou local`
//! and the full-screen view's local screen): Local Folders and a POP account, nested and
//! Japanese folder names, a deleted-but-not-compacted message, `From ` lines in bodies, a
//! message without Message-ID, LF and CRLF files, a message over the size limit, an IMAP
//! account's cache that must be ignored; and an Exchange-like Dovecot as the new server
//! holding the IT centre's copy of one POP message.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::common::{ADDRESS, Account, Corpus, Layout};
use ikou::local::mbox::write_mbox;
use ikou_testbed::{CorpusFolder, CorpusMessage};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One message as the test writes it: the bytes the mbox holds for it (unescaped).
pub struct Msg {
    pub bytes: Vec<u8>,
    pub from_line: String,
}

pub fn message(
    id: Option<&str>,
    subject: &str,
    day: u32,
    status: &str,
    body: &str,
    eol: &str,
) -> Msg {
    let mut text = format!("X-Mozilla-Status: {status}\nX-Mozilla-Status2: 00000000\n");
    if let Some(id) = id {
        text.push_str(&format!("Message-ID: <{id}>\n"));
    }
    text.push_str(&format!(
        "Date: Mon, {day} Jan 2024 09:00:00 +0900\nFrom: Taro <taro@example-univ.test>\nTo: hanako@example.test\nSubject: {subject}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n{body}\n"
    ));
    Msg {
        bytes: text.replace('\n', eol).into_bytes(),
        from_line: format!("From - Tue Jan {day:02} 10:00:00 2024"),
    }
}

pub fn write_folder(path: &Path, messages: &[&Msg], eol: &str) {
    let list: Vec<(&str, &[u8])> = messages
        .iter()
        .map(|m| (m.from_line.as_str(), m.bytes.as_slice()))
        .collect();
    let mut data = Vec::new();
    write_mbox(&mut data, &list, eol);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, data).expect("write mbox");
    std::fs::write(
        path.with_file_name(format!(
            "{}.msf",
            path.file_name().and_then(|n| n.to_str()).expect("name")
        )),
        b"// mork index\n",
    )
    .expect("write msf");
}

pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every file below `dir` with its SHA-256 and modification time.
pub fn file_states(dir: &Path) -> BTreeMap<PathBuf, (String, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let e = e.expect("entry");
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).expect("read");
                let mtime = e.metadata().expect("meta").modified().expect("mtime");
                out.insert(p, (sha(&bytes), mtime));
            }
        }
    }
    out
}

pub struct Fixture {
    pub root: tempfile::TempDir,
    pub profile_dir: PathBuf,
    /// (store, folder) -> messages the folder holds (not expunged), in order.
    pub expected: BTreeMap<(String, String), Vec<Vec<u8>>>,
    pub expunged: Vec<u8>,
    pub oversize: Vec<u8>,
    pub centre_copy: Msg,
}

impl Fixture {
    pub fn tb_dir(&self) -> PathBuf {
        self.root.path().join("thunderbird")
    }
}

pub const POP_NAME: &str = "taro@example-univ.test";

pub fn make_profile() -> Fixture {
    make_profile_with(0)
}

/// The name of the folder [`make_profile_with`] fills with `bulk` messages.
pub const BULK_FOLDER: &str = "一括/保存";

/// [`make_profile`], plus `bulk` small messages in Local Folders' `一括/保存` (so that an
/// upload takes long enough to be stopped half-way).
pub fn make_profile_with(bulk: usize) -> Fixture {
    let root = tempfile::tempdir().expect("temp");
    let tb = root.path().join("thunderbird");
    let profile_dir = tb.join("x1y2z3.default-release");
    std::fs::create_dir_all(&profile_dir).expect("mkdir");
    std::fs::write(
        tb.join("profiles.ini"),
        "[Install4F96D1932A9F858E]\nDefault=x1y2z3.default-release\nLocked=1\n\n[Profile0]\nName=default-release\nIsRelative=1\nPath=x1y2z3.default-release\nDefault=1\n",
    )
    .expect("profiles.ini");
    std::fs::write(
        profile_dir.join("prefs.js"),
        r#"// Mozilla User Preferences
user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.identity.id1.useremail", "taro@example-univ.test");
user_pref("mail.identity.id1.fcc_folder", "mailbox://nobody@Local%20Folders/Sent");
user_pref("mail.server.server1.directory-rel", "[ProfD]Mail/pop.example-univ.test");
user_pref("mail.server.server1.hostname", "pop.example-univ.test");
user_pref("mail.server.server1.name", "taro@example-univ.test");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.userName", "taro");
user_pref("mail.server.server2.directory-rel", "[ProfD]Mail/Local Folders");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.name", "Local Folders");
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.userName", "nobody");
user_pref("mail.server.server3.directory-rel", "[ProfD]ImapMail/imap.example-univ.test");
user_pref("mail.server.server3.hostname", "imap.example-univ.test");
user_pref("mail.server.server3.name", "IMAP cache");
user_pref("mail.server.server3.type", "imap");
"#,
    )
    .expect("prefs.js");
    let local = profile_dir.join("Mail").join("Local Folders");
    let pop = profile_dir.join("Mail").join("pop.example-univ.test");
    let imap = profile_dir.join("ImapMail").join("imap.example-univ.test");

    // Local Folders (LF): Sent with a `From ` line body and a message without Message-ID,
    // 研究室 with the nested 学会, Trash.
    let sent1 = message(
        Some("sent1@example-univ.test"),
        "Re: 会議",
        2,
        "0003",
        "From the minutes:\n>From a quote\n>>From deeper\nregards",
        "\n",
    );
    let sent2 = message(None, "no id at all", 3, "0001", "hello", "\n");
    let lab = message(
        Some("lab1@example-univ.test"),
        "研究室の予定",
        4,
        "0005",
        "x",
        "\n",
    );
    let conf = message(
        Some("conf1@example-univ.test"),
        "学会",
        5,
        "0000",
        "y",
        "\n",
    );
    let trash = message(
        Some("trash1@example-univ.test"),
        "old",
        6,
        "0001",
        "z",
        "\n",
    );
    write_folder(&local.join("Sent"), &[&sent1, &sent2], "\n");
    write_folder(&local.join("研究室"), &[&lab], "\n");
    write_folder(&local.join("研究室.sbd").join("学会"), &[&conf], "\n");
    write_folder(&local.join("Trash"), &[&trash], "\n");
    std::fs::write(local.join("msgFilterRules.dat"), "version=\"9\"\n").expect("filters");

    // POP account (CRLF): Inbox with an expunged message, one message the centre already
    // copied, and one over the 1 MB limit.
    let inbox1 = message(
        Some("in1@example.test"),
        "ようこそ",
        7,
        "0001",
        "hi",
        "\r\n",
    );
    let gone = message(
        Some("gone@example.test"),
        "deleted",
        8,
        "0009",
        "bye",
        "\r\n",
    );
    let copied = message(
        Some("copied@example.test"),
        "on the server too",
        9,
        "0001",
        "c",
        "\r\n",
    );
    let big_body =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456\n".repeat(16_000);
    let big = message(
        Some("big@example.test"),
        "large",
        10,
        "0000",
        &big_body,
        "\r\n",
    );
    write_folder(&pop.join("Inbox"), &[&inbox1, &gone, &copied, &big], "\r\n");
    std::fs::write(pop.join("popstate.dat"), "# POP3 State File\n").expect("popstate");
    // The IMAP account's cache must be ignored.
    let cached = message(Some("cache@example.test"), "cache", 11, "0001", "c", "\n");
    write_folder(&imap.join("INBOX"), &[&cached], "\n");

    let mut expected = BTreeMap::new();
    let key = |s: &str, f: &str| (s.to_string(), f.to_string());
    if bulk > 0 {
        let many: Vec<Msg> = (0..bulk)
            .map(|i| {
                message(
                    Some(&format!("bulk{i}@example-univ.test")),
                    &format!("保存 {i}"),
                    1 + u32::try_from(i % 28).unwrap_or(0),
                    "0001",
                    &format!("body {i}"),
                    "\n",
                )
            })
            .collect();
        let refs: Vec<&Msg> = many.iter().collect();
        write_folder(&local.join("一括.sbd").join("保存"), &refs, "\n");
        std::fs::write(local.join("一括"), b"").expect("parent folder");
        expected.insert(
            key("Local Folders", BULK_FOLDER),
            many.iter().map(|m| m.bytes.clone()).collect(),
        );
    }
    expected.insert(
        key("Local Folders", "Sent"),
        vec![sent1.bytes.clone(), sent2.bytes.clone()],
    );
    expected.insert(key("Local Folders", "研究室"), vec![lab.bytes.clone()]);
    expected.insert(
        key("Local Folders", "研究室/学会"),
        vec![conf.bytes.clone()],
    );
    expected.insert(key("Local Folders", "Trash"), vec![trash.bytes.clone()]);
    expected.insert(
        key(POP_NAME, "Inbox"),
        vec![
            inbox1.bytes.clone(),
            copied.bytes.clone(),
            big.bytes.clone(),
        ],
    );
    Fixture {
        root,
        profile_dir,
        expected,
        expunged: gone.bytes,
        oversize: big.bytes,
        centre_copy: copied,
    }
}

/// The new server: Exchange-like, with the IT centre's copy of one POP message in INBOX.
pub fn new_server(f: &Fixture) -> (Account, PathBuf) {
    let centre = String::from_utf8_lossy(&f.centre_copy.bytes)
        .lines()
        .filter(|l| !l.starts_with("X-Mozilla-Status"))
        .map(|l| format!("{l}\r\n"))
        .collect::<String>();
    let corpus = Corpus {
        folders: vec![
            CorpusFolder {
                name: "INBOX".into(),
                messages: vec![CorpusMessage {
                    raw: centre.into_bytes(),
                    internal_date: 1_704_758_400,
                    flags: Vec::new(),
                }],
            },
            CorpusFolder {
                name: "Sent Items".into(),
                messages: Vec::new(),
            },
        ],
    };
    let account = Account::start_with(Layout::ExchangeLike, corpus);
    let ca = account.server.ca_file().display().to_string();
    let host = account.server.host().to_string();
    let text = format!(
        r#"[account]
address = "{ADDRESS}"

[old]
host = "old.invalid"
username = "{{local}}"
imap = {{ port = 993, security = "tls" }}

[new]
host = "{host}"
username = "{{local}}"
imap = {{ port = {imaps}, security = "tls" }}
ca_file = "{ca}"

[limits]
max_message_mb = 1
"#,
        imaps = account.server.imaps_port(),
    );
    let path = account.dir.path().join("profile.toml");
    std::fs::write(&path, text).expect("profile");
    (account, path)
}

pub fn folder<'a>(inv: &'a Value, store: &str, name: &str) -> &'a Value {
    inv["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .find(|s| s["name"] == store)
        .and_then(|s| {
            s["folders"]
                .as_array()
                .expect("folders")
                .iter()
                .find(|f| f["name"] == name)
        })
        .unwrap_or_else(|| panic!("no {store}/{name} in {inv:#}"))
}
