//! `ikou local` (list, backup, upload) against a generated Thunderbird profile and a real
//! Exchange-like Dovecot as the new server. The profile has Local Folders and a POP account,
//! nested and Japanese folder names, a deleted-but-not-compacted message, `From ` lines in
//! bodies, a message without Message-ID, LF and CRLF files and a message over the size
//! limit. After every command the local files' bytes and modification times are checked.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use common::{ADDRESS, Account, Corpus, Layout, ikou, json, path_str};
use ikou::archive::ArchiveReader;
use ikou::local::mbox::write_mbox;
use ikou_testbed::{CorpusFolder, CorpusMessage};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One message as the test writes it: the bytes the mbox holds for it (unescaped).
struct Msg {
    bytes: Vec<u8>,
    from_line: String,
}

fn message(id: Option<&str>, subject: &str, day: u32, status: &str, body: &str, eol: &str) -> Msg {
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

fn write_folder(path: &Path, messages: &[&Msg], eol: &str) {
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

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Every file below `dir` with its SHA-256 and modification time.
fn file_states(dir: &Path) -> BTreeMap<PathBuf, (String, SystemTime)> {
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

struct Fixture {
    root: tempfile::TempDir,
    profile_dir: PathBuf,
    /// (store, folder) -> messages the folder holds (not expunged), in order.
    expected: BTreeMap<(String, String), Vec<Vec<u8>>>,
    expunged: Vec<u8>,
    oversize: Vec<u8>,
    centre_copy: Msg,
}

impl Fixture {
    fn tb_dir(&self) -> PathBuf {
        self.root.path().join("thunderbird")
    }
}

const POP_NAME: &str = "taro@example-univ.test";

fn make_profile() -> Fixture {
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
fn new_server(f: &Fixture) -> (Account, PathBuf) {
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

fn folder<'a>(inv: &'a Value, store: &str, name: &str) -> &'a Value {
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

#[test]
fn list_backup_upload_and_nothing_local_changes() {
    let f = make_profile();
    let tb = f.tb_dir();
    let before = file_states(&tb);
    let unchanged = |after: &str| {
        assert_eq!(
            file_states(&tb),
            before,
            "local files changed (bytes or mtime) after {after}"
        );
    };

    // --- list
    let inv = json(&ikou(&["local", "--thunderbird", path_str(&tb), "--json"]));
    unchanged("ikou local");
    assert_eq!(
        inv["profile"].as_str(),
        Some(path_str(&f.profile_dir)),
        "profile from profiles.ini"
    );
    let stores: Vec<&str> = inv["stores"]
        .as_array()
        .expect("stores")
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        stores,
        [POP_NAME, "Local Folders"],
        "the IMAP cache is not listed"
    );
    for ((store, name), messages) in &f.expected {
        let entry = folder(&inv, store, name);
        assert_eq!(
            entry["messages"].as_u64(),
            Some(messages.len() as u64),
            "{store}/{name}"
        );
        let bytes: u64 = messages.iter().map(|m| m.len() as u64).sum();
        assert_eq!(entry["bytes"].as_u64(), Some(bytes), "{store}/{name}");
    }
    let pop_inbox = folder(&inv, POP_NAME, "Inbox");
    assert_eq!(pop_inbox["expunged"], 1);
    assert_eq!(
        pop_inbox["expunged_bytes"].as_u64(),
        Some(f.expunged.len() as u64)
    );
    assert_eq!(folder(&inv, "Local Folders", "Sent")["special_use"], "sent");
    let total: usize = f.expected.values().map(Vec::len).sum();
    assert_eq!(inv["messages"].as_u64(), Some(total as u64));
    // Text in both languages names the Japanese folders.
    for lang in ["ja", "en"] {
        let out = ikou(&["local", "--thunderbird", path_str(&tb), "--lang", lang]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("研究室/学会"), "{text}");
        assert!(
            text.contains(if lang == "ja" {
                "この PC だけ"
            } else {
                "only on this PC"
            }),
            "{text}"
        );
    }
    unchanged("ikou local (text)");

    // --- backup: byte-identical to what the mbox files hold, verified, resumable.
    let zip = f.root.path().join("local.zip");
    let report = json(&ikou(&[
        "local",
        "backup",
        "--thunderbird",
        path_str(&tb),
        "-o",
        path_str(&zip),
        "-a",
        ADDRESS,
        "--json",
    ]));
    unchanged("ikou local backup");
    assert_eq!(report["added"].as_u64(), Some(total as u64));
    let mut reader = ArchiveReader::open(&zip).expect("open backup");
    let manifest = reader.manifest().clone();
    assert_eq!(manifest.source, ikou::archive::SourceKind::Local);
    for ((store, name), messages) in &f.expected {
        let folder_name = format!("Local/{store}/{name}");
        let mut archived: Vec<Vec<u8>> = manifest
            .messages
            .iter()
            .filter(|m| m.folder == folder_name)
            .map(|m| reader.read_message(m).expect("read archived"))
            .collect();
        let mut want = messages.clone();
        archived.sort();
        want.sort();
        assert_eq!(archived, want, "{folder_name}: byte-identical");
    }
    assert!(
        !manifest
            .messages
            .iter()
            .any(|m| m.message_id.as_deref() == Some("gone@example.test")),
        "expunged message not backed up"
    );
    let verify = ikou(&["backup", "verify", path_str(&zip), "--json"]);
    assert!(
        verify.status.success(),
        "backup verify: {}",
        common::stderr(&verify)
    );
    let again = json(&ikou(&[
        "local",
        "backup",
        "--thunderbird",
        path_str(&tb),
        "-o",
        path_str(&zip),
        "-a",
        ADDRESS,
        "--json",
    ]));
    assert_eq!(again["added"], 0);
    assert_eq!(again["already"].as_u64(), Some(total as u64));
    assert_eq!(again["rewritten"], false);
    unchanged("second ikou local backup");

    // --- upload: plan, apply, apply again, compare again.
    let (account, profile) = new_server(&f);
    let upload = |extra: &[&str]| {
        let mut args = vec![
            "local",
            "upload",
            "--thunderbird",
            path_str(&tb),
            "-p",
            path_str(&profile),
            "--json",
        ];
        args.extend_from_slice(extra);
        json(&ikou(&args))
    };
    let plan = upload(&[]);
    unchanged("ikou local upload (plan)");
    let planned: BTreeSet<(String, String)> = plan["plan"]
        .as_array()
        .expect("plan")
        .iter()
        .map(|i| {
            (
                format!(
                    "{}/{}",
                    i["store"].as_str().expect("s"),
                    i["folder"].as_str().expect("f")
                ),
                i["new_folder"].as_str().expect("n").to_string(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        ("Local Folders/Sent", "Sent Items"),
        ("Local Folders/研究室", "研究室"),
        ("Local Folders/研究室/学会", "研究室/学会"),
        ("taro@example-univ.test/Inbox", "INBOX"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(planned, want);
    // Sent 2 + 研究室 1 + 学会 1 + Inbox 1 (one is the centre's copy, one too large).
    assert_eq!(plan["plan"].as_array().map(Vec::len), Some(5), "{plan:#}");
    let oversize = plan["oversize"].as_array().expect("oversize");
    assert_eq!(oversize.len(), 1);
    assert_eq!(
        oversize[0]["sha256"].as_str(),
        Some(sha(&f.oversize).as_str())
    );
    assert!(
        plan["folders_to_create"]
            .as_array()
            .expect("create")
            .iter()
            .any(|x| x == "研究室")
    );
    let trash = plan["folders"]
        .as_array()
        .expect("folders")
        .iter()
        .find(|x| x["folder"] == "Trash")
        .expect("trash row");
    assert_eq!(trash["skipped"], "not_by_default");
    assert_eq!(plan["applied"], false);
    let counts_before = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(
        counts_before.get("Sent Items"),
        Some(&0),
        "plan wrote nothing"
    );

    let applied = upload(&["--apply"]);
    unchanged("ikou local upload --apply");
    assert_eq!(applied["appended"], 5, "{applied:#}");
    assert_eq!(applied["failed"], 0, "{applied:#}");
    let counts = account.server.folder_counts(common::USER).expect("counts");
    assert_eq!(counts.get("Sent Items"), Some(&2));
    assert_eq!(counts.get("INBOX"), Some(&2));
    assert_eq!(counts.get("研究室/学会"), Some(&1));

    let second = upload(&["--apply"]);
    unchanged("second ikou local upload --apply");
    assert_eq!(
        second["plan"].as_array().map(Vec::len),
        Some(0),
        "{second:#}"
    );
    assert_eq!(second["appended"], 0);
    assert_eq!(
        account.server.folder_counts(common::USER).expect("counts"),
        counts
    );
    for row in second["folders"].as_array().expect("folders") {
        if row["skipped"].is_null() {
            let left = row["only_here"].as_u64().unwrap_or(0);
            let over = row["oversize"].as_u64().unwrap_or(0);
            assert_eq!(left, over, "only the oversize message is left: {row}");
        }
    }

    // Flags and dates kept: the Sent message with `From ` lines, byte for byte.
    let fetched = account
        .server
        .doveadm(&[
            "fetch",
            "-u",
            common::USER,
            "flags date.received text",
            "mailbox",
            "Sent Items",
            "header",
            "Message-ID",
            "sent1@example-univ.test",
        ])
        .expect("doveadm fetch");
    assert!(
        fetched.contains("\\Seen") && fetched.contains("\\Answered"),
        "{fetched}"
    );
    assert!(
        fetched.contains("2024-01-02 10:00:00"),
        "INTERNALDATE from the From line: {fetched}"
    );
    assert!(
        fetched.contains("\n>From a quote") && fetched.contains("\nFrom the minutes"),
        "{fetched}"
    );
}
