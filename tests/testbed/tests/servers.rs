//! # Real-server tests of the test bed
//!
//! Start real Dovecot instances and check them from the outside (doveadm, a plain IMAP/POP3
//! client, `openssl s_client`), so ikou's own tests can rely on what the test bed promises.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use ikou_testbed::scenario::{self, Migration};
use ikou_testbed::wire::{Imap, Pop3};
use ikou_testbed::{Corpus, CorpusMessage, Dovecot, Flag, Layout, ServerOptions, User, mutf7};

type R = anyhow::Result<()>;

fn start(layout: Layout, corpus: Corpus) -> Dovecot {
    Dovecot::start(ServerOptions::new(
        layout,
        vec![User::new("taro", "taro-pass", corpus)],
    ))
    .unwrap_or_else(|e| panic!("starting {layout:?} Dovecot: {e:#}"))
}

fn expected_counts(c: &Corpus) -> BTreeMap<String, u64> {
    c.folders
        .iter()
        .map(|f| (f.name.clone(), f.messages.len() as u64))
        .collect()
}

/// Runs `openssl s_client` with `input` on stdin; returns (exit ok, stdout + stderr).
fn s_client(args: &[&str], input: &str) -> (bool, String) {
    let mut child = Command::new("openssl")
        .arg("s_client")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("openssl is installed");
    let mut stdin = child.stdin.take().expect("stdin");
    // Give the handshake and greeting time before the command, as an interactive user would.
    std::thread::sleep(Duration::from_millis(300));
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    let out = child.wait_with_output().expect("openssl ran");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn greeting_from(local: &str, port: u16) -> String {
    let sock =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    let local: SocketAddr = format!("{local}:0").parse().expect("addr");
    sock.bind(&local.into()).expect("bind client address");
    let remote: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    sock.connect(&remote.into()).expect("connect");
    let mut s: std::net::TcpStream = sock.into();
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).expect("greeting");
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

#[test]
fn legacy_server_serves_the_standard_corpus_with_quota_and_special_use() -> R {
    let corpus = Corpus::standard(11);
    let d = start(Layout::Legacy, corpus.clone());

    // Every folder, with the right count, under its legacy name.
    let status = d.doveadm(&[
        "-f", "tab", "mailbox", "status", "-u", "taro", "messages", "INBOX", "INBOX.*",
    ])?;
    for f in &corpus.folders {
        let name = d.server_mailbox_name(&f.name);
        let line = format!("{name}\t{}", f.messages.len());
        assert!(
            status.lines().any(|l| l == line),
            "missing {line:?} in\n{status}"
        );
    }
    assert_eq!(d.folder_counts("taro")?, expected_counts(&corpus));

    // Quota: count backend with virtual sizes, KiB.
    let quota = d.doveadm(&["quota", "get", "-u", "taro"])?;
    let kib = corpus.total_bytes() as f64 / 1024.0;
    let storage: f64 = quota
        .lines()
        .find(|l| l.contains("STORAGE"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no STORAGE in {quota}"));
    assert!(
        (storage - kib).abs() <= 1.0,
        "quota {storage} KiB vs corpus {kib} KiB\n{quota}"
    );
    assert!(quota.contains("204800"), "{quota}");
    assert!(quota.lines().any(|l| l.contains("MESSAGE") && l.contains(&format!(" {} ", corpus.total_messages()))), "{quota}");

    // What a client sees after LOGIN.
    let mut imap = Imap::connect(d.host(), d.imap_port())?;
    assert!(imap.greeting().contains("STARTTLS"), "{}", imap.greeting());
    imap.login("taro", "taro-pass")?;
    let caps = imap.capabilities()?;
    assert!(
        caps.iter().any(|c| c == "QUOTA") && caps.iter().any(|c| c == "SPECIAL-USE"),
        "{caps:?}"
    );
    let list = imap.command("LIST \"\" \"*\" RETURN (SPECIAL-USE)")?;
    let has = |attr: &str, name: &str| {
        list.iter()
            .any(|l| l.contains(attr) && l.ends_with(&format!("\".\" {name}")))
    };
    assert!(has("\\Sent", "INBOX.Sent"), "{list:#?}");
    assert!(
        has(
            "\\Sent",
            &format!("INBOX.{}", mutf7::encode("送信済みトレイ"))
        ),
        "{list:#?}"
    );
    assert!(
        has("\\Drafts", &format!("INBOX.{}", mutf7::encode("下書き"))),
        "{list:#?}"
    );
    assert!(
        has("\\Trash", "INBOX.Trash")
            && has("\\Junk", "INBOX.Junk")
            && has("\\Drafts", "INBOX.Drafts")
    );
    assert!(list.iter().any(|l| l.ends_with("INBOX.R&-D")), "{list:#?}");
    assert!(list.iter().any(|l| l.ends_with(&format!(
        "INBOX.{}.{}",
        mutf7::encode("研究室"),
        mutf7::encode("学会")
    ))));
    let lsub = imap.command("LSUB \"\" \"*\"")?;
    assert_eq!(
        lsub.len(),
        corpus.folders.len(),
        "every folder is subscribed: {lsub:#?}"
    );
    let qr = imap.command("GETQUOTAROOT INBOX")?;
    assert!(
        qr.iter()
            .any(|l| l.starts_with("* QUOTA ") && l.contains("STORAGE")),
        "{qr:?}"
    );

    // Exact bytes, flags and INTERNALDATE in UID order.
    imap.command(&format!("EXAMINE {}", d.server_mailbox_name("INBOX")))?;
    let inbox = &corpus.folder("INBOX").expect("INBOX").messages;
    for (uid, want) in [
        (1u32, &inbox[0]),
        (13, &inbox[12]),
        (21, &inbox[20]),
        (31, &inbox[30]),
    ] {
        assert_eq!(imap.uid_fetch_body(uid)?, want.raw, "UID {uid}");
    }
    let fl = imap.command("UID FETCH 1:* (FLAGS INTERNALDATE)")?;
    assert_eq!(fl.len(), inbox.len());
    for (line, m) in fl.iter().zip(inbox) {
        for f in [Flag::Seen, Flag::Answered, Flag::Flagged] {
            assert_eq!(
                line.contains(f.imap()),
                m.flags.contains(&f),
                "{line} vs {:?}",
                m.flags
            );
        }
        // INTERNALDATE "dd-Mon-yyyy hh:mm:ss +zzzz" in the server's zone: compare the instant.
        let date = line
            .split("INTERNALDATE \"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("INTERNALDATE");
        let tz = &date[date.len() - 5..];
        let mins = (tz[1..3].parse::<i32>()? * 60 + tz[3..].parse::<i32>()?)
            * if tz.starts_with('-') { -1 } else { 1 };
        assert_eq!(date, ikou_testbed::mime::imap_date(m.internal_date, mins));
    }
    imap.command("EXAMINE INBOX.Trash")?;
    let trash = imap.command("UID FETCH 1 FLAGS")?;
    assert!(
        trash[0].contains("\\Deleted"),
        "maildir flag T is \\Deleted: {trash:?}"
    );
    imap.command("EXAMINE INBOX.Drafts")?;
    let drafts = imap.command("UID FETCH 1:* FLAGS")?;
    assert!(drafts.iter().all(|l| l.contains("\\Draft")), "{drafts:?}");
    imap.logout();

    // POP3 sees INBOX, with the configured UIDL format.
    let mut pop = Pop3::connect(d.host(), d.pop3_port())?;
    assert!(pop.command("CAPA").is_ok());
    let mut pop = Pop3::connect(d.host(), d.pop3_port())?;
    pop.login("taro", "taro-pass")?;
    let stat = pop.command("STAT")?;
    assert!(stat.starts_with(&format!("+OK {} ", inbox.len())), "{stat}");
    let uidl = pop.multi("UIDL")?;
    assert_eq!(uidl.len(), inbox.len());
    let id = uidl[0].split(' ').nth(1).expect("uidl");
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_hexdigit()) && id.starts_with("00000001"),
        "{id}"
    );
    Ok(())
}

#[test]
fn exchange_like_server_has_no_special_use_no_quota_and_a_size_limit() -> R {
    let corpus = Corpus::standard(12);
    let d = start(Layout::ExchangeLike, corpus.clone());
    let status = d.doveadm(&[
        "-f", "tab", "mailbox", "status", "-u", "taro", "messages", "*",
    ])?;
    for f in &corpus.folders {
        assert!(
            status
                .lines()
                .any(|l| l == format!("{}\t{}", f.name, f.messages.len())),
            "{} in\n{status}",
            f.name
        );
    }
    assert_eq!(d.folder_counts("taro")?, expected_counts(&corpus));

    let mut imap = Imap::connect(d.host(), d.imap_port())?;
    imap.login("taro", "taro-pass")?;
    let caps = imap.capabilities()?;
    assert!(!caps.iter().any(|c| c == "QUOTA"), "{caps:?}");
    let list = imap.command("LIST \"\" \"*\" RETURN (SPECIAL-USE)")?;
    assert_eq!(list.len(), corpus.folders.len(), "{list:#?}");
    for l in &list {
        // \Marked / \UnMarked may appear (list index); special-use attributes must not.
        assert!(l.starts_with("* LIST (") && l.contains(") \"/\" "), "{l}");
        for su in [
            "\\Sent",
            "\\Drafts",
            "\\Trash",
            "\\Junk",
            "\\Archive",
            "\\All",
            "\\Flagged",
        ] {
            assert!(!l.contains(su), "unexpected special-use attribute: {l}");
        }
    }
    assert!(list.iter().any(|l| l.ends_with(&format!(
        "{}/{}",
        mutf7::encode("研究室"),
        mutf7::encode("学会")
    ))));
    assert_eq!(imap.command("LSUB \"\" \"*\"")?.len(), corpus.folders.len());
    imap.logout();

    // Mail arriving while a migration is under way, then a server-side UIDVALIDITY change.
    let small = corpus.folder("INBOX").expect("INBOX").messages[3].clone();
    let uid = d.append_message("taro", "Projects/2024", &small)?;
    assert_eq!(
        uid as usize,
        corpus
            .folder("Projects/2024")
            .expect("folder")
            .messages
            .len()
            + 1
    );
    assert_eq!(d.folder_counts("taro")?["Projects/2024"], 11);
    let before = d.uidvalidity("taro", "Projects/2024")?;
    d.set_uidvalidity("taro", "Projects/2024", before + 1000)?;
    assert_eq!(d.uidvalidity("taro", "Projects/2024")?, before + 1000);

    // Like Exchange Online, more than 35 MiB is refused.
    let mut raw = b"From: a@example.com\r\nTo: taro@example-univ.test\r\nSubject: big\r\nMessage-ID: <big@example-univ.test>\r\n\r\n".to_vec();
    let line = [b'A'; 76];
    while raw.len() < scenario::EXCHANGE_MAX_MESSAGE_BYTES as usize + 4096 {
        raw.extend_from_slice(&line);
        raw.extend_from_slice(b"\r\n");
    }
    let big = CorpusMessage {
        raw,
        internal_date: 1_700_000_000,
        flags: vec![],
    };
    let err = d
        .append_message("taro", "INBOX", &big)
        .expect_err("oversize APPEND must fail");
    assert!(format!("{err:#}").contains("NO [LIMIT]"), "{err:#}");
    Ok(())
}

#[test]
fn tls_ports_and_plaintext_policy() -> R {
    let d = Dovecot::start(ServerOptions {
        master_user: Some(("admin".into(), "admin-pass".into())),
        ..ServerOptions::new(
            Layout::Legacy,
            vec![User::new("taro", "taro-pass", Corpus::default())],
        )
    })?;
    let ca = d.ca_file().to_str().expect("utf-8 path").to_string();
    let imaps = format!("127.0.0.1:{}", d.imaps_port());
    let (ok, out) = s_client(
        &[
            "-connect",
            &imaps,
            "-CAfile",
            &ca,
            "-verify_return_error",
            "-verify_hostname",
            "mail.example-univ.test",
            "-servername",
            "mail.example-univ.test",
        ],
        "a LOGOUT\r\n",
    );
    assert!(
        ok && out.contains("Verify return code: 0 (ok)") && out.contains("* OK"),
        "{out}"
    );
    let (ok, by_ip) = s_client(
        &[
            "-connect",
            &imaps,
            "-CAfile",
            &ca,
            "-verify_return_error",
            "-verify_ip",
            "127.0.0.1",
        ],
        "a LOGOUT\r\n",
    );
    assert!(
        ok && by_ip.contains("Verify return code: 0 (ok)"),
        "{by_ip}"
    );
    let (ok, out) = s_client(
        &[
            "-connect",
            &imaps,
            "-CAfile",
            &ca,
            "-verify_return_error",
            "-verify_hostname",
            "evil.example.com",
        ],
        "a LOGOUT\r\n",
    );
    assert!(
        !ok || !out.contains("Verify return code: 0 (ok)"),
        "wrong host name must not verify:\n{out}"
    );

    // Pinning: the fingerprint the server presents is cert_sha256().
    let out = by_ip;
    let pem_start = out
        .find("-----BEGIN CERTIFICATE-----")
        .expect("cert in output");
    let pem_end = out.find("-----END CERTIFICATE-----").expect("cert end")
        + "-----END CERTIFICATE-----".len();
    let mut x509 = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    x509.stdin
        .take()
        .expect("stdin")
        .write_all(&out.as_bytes()[pem_start..pem_end])?;
    let fp = String::from_utf8(x509.wait_with_output()?.stdout)?;
    let fp = fp
        .trim()
        .rsplit('=')
        .next()
        .unwrap_or("")
        .replace(':', "")
        .to_lowercase();
    assert_eq!(fp, d.cert_sha256());

    let plain = format!("127.0.0.1:{}", d.imap_port());
    let (ok, out) = s_client(
        &[
            "-connect",
            &plain,
            "-starttls",
            "imap",
            "-CAfile",
            &ca,
            "-verify_return_error",
        ],
        "a LOGOUT\r\n",
    );
    assert!(ok && out.contains("Verify return code: 0 (ok)"), "{out}");
    let pop3s = format!("127.0.0.1:{}", d.pop3s_port());
    let (ok, out) = s_client(
        &["-connect", &pop3s, "-CAfile", &ca, "-verify_return_error"],
        "QUIT\r\n",
    );
    assert!(ok && out.contains("+OK"), "{out}");
    let pop3 = format!("127.0.0.1:{}", d.pop3_port());
    let (ok, out) = s_client(
        &[
            "-connect",
            &pop3,
            "-starttls",
            "pop3",
            "-CAfile",
            &ca,
            "-verify_return_error",
        ],
        "QUIT\r\n",
    );
    assert!(ok && out.contains("Verify return code: 0 (ok)"), "{out}");

    // Loopback counts as secured; a client bound to 127.0.0.2 is "remote" and must STARTTLS first.
    assert!(!greeting_from("127.0.0.1", d.imap_port()).contains("LOGINDISABLED"));
    let remote = greeting_from("127.0.0.2", d.imap_port());
    assert!(
        remote.contains("LOGINDISABLED") && remote.contains("STARTTLS"),
        "{remote}"
    );

    // Wrong password fails fast (no auth penalty); the master user can act as taro.
    let t = std::time::Instant::now();
    let mut imap = Imap::connect(d.host(), d.imap_port())?;
    assert!(imap.login("taro", "wrong").is_err());
    assert!(imap.login("taro", "taro-pass").is_ok());
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let mut imap = Imap::connect(d.host(), d.imap_port())?;
    imap.login("taro*admin", "admin-pass")?;
    assert!(
        imap.command("SELECT INBOX")?
            .iter()
            .any(|l| l == "* 0 EXISTS")
    );
    Ok(())
}

#[test]
fn restart_keeps_ports_and_data() -> R {
    let corpus = Corpus::standard(13);
    let mut d = start(Layout::Legacy, corpus.clone());
    let ports = (d.imap_port(), d.imaps_port(), d.pop3_port(), d.pop3s_port());
    let extra = corpus.folder("Sent").expect("Sent").messages[0].clone();
    d.append_message("taro", "送信済みトレイ", &extra)?;
    let validity = d.uidvalidity("taro", "INBOX")?;
    let counts = d.folder_counts("taro")?;
    assert_eq!(
        counts["送信済みトレイ"],
        corpus.folder("送信済みトレイ").expect("f").messages.len() as u64 + 1
    );

    d.stop();
    d.stop();
    assert!(!d.is_running());
    assert!(
        Imap::connect(d.host(), d.imap_port()).is_err(),
        "server still answers after stop"
    );
    // Someone else on our port: restart must fail loudly, not talk to the intruder.
    let intruder = std::net::TcpListener::bind(("127.0.0.1", d.pop3s_port()))?;
    let err = d.restart().expect_err("port is taken");
    assert!(format!("{err:#}").contains("taken"), "{err:#}");
    drop(intruder);
    d.restart()?;
    assert_eq!(
        ports,
        (d.imap_port(), d.imaps_port(), d.pop3_port(), d.pop3s_port())
    );
    assert_eq!(d.folder_counts("taro")?, counts);
    assert_eq!(d.uidvalidity("taro", "INBOX")?, validity);
    let mut imap = Imap::connect(d.host(), d.imap_port())?;
    imap.login("taro", "taro-pass")?;
    imap.logout();
    assert!(d.log().contains("starting up"), "{}", d.log());
    Ok(())
}

#[test]
fn migration_scenario_counts_match_expected() -> R {
    let m = Migration::start(5)?;
    let e = &m.expected;
    assert_eq!(m.old.layout(), Layout::Legacy);
    assert_eq!(m.new.layout(), Layout::ExchangeLike);
    assert_eq!(m.old.folder_counts(&m.user)?, e.old_counts);
    assert_eq!(m.new.folder_counts(&m.user)?, e.new_counts);

    // New = old adjusted by the recorded differences.
    let o = &e.old_counts;
    let mut want = BTreeMap::new();
    for map in &e.folder_map {
        if let Some(n) = &map.new {
            *want.entry(n.clone()).or_insert(0) += o[&map.old];
        }
    }
    for r in e.missing_on_new.iter().chain(&e.oversize) {
        let n = e
            .folder_map
            .iter()
            .find(|f| f.old == r.folder)
            .and_then(|f| f.new.clone())
            .expect("mapped");
        *want.get_mut(&n).expect("folder") -= 1;
    }
    for r in e.pop_duplicates.iter().chain(&e.extra_on_new) {
        *want.get_mut(&r.folder).expect("folder") += 1;
    }
    for f in &e.new_only_folders {
        want.insert(f.clone(), 0);
    }
    assert_eq!(want, e.new_counts);
    let total_old: u64 = o.values().sum();
    let total_new: u64 = e.new_counts.values().sum();
    let unmapped: u64 = e.unmapped_folders.iter().map(|u| u.messages).sum();
    assert_eq!(total_new, total_old - unmapped - 3 - 1 + 4 + 2);

    // Duplicates are really stored twice; garbled subjects really differ on the server.
    let dup = e.pop_duplicates[0].message_id.as_deref().expect("id");
    let hits = m.new.doveadm(&[
        "search",
        "-u",
        &m.user,
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        dup,
    ])?;
    assert_eq!(hits.lines().count(), 2, "{hits}");
    let g = &e.garbled_subjects[0];
    let subj = m.new.doveadm(&[
        "fetch",
        "-u",
        &m.user,
        "hdr.subject",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &g.message_id,
    ])?;
    assert!(subj.contains("=3FISO-2022-JP"), "{subj}");
    let old_subj = m.old.doveadm(&[
        "fetch",
        "-u",
        &m.user,
        "hdr.subject",
        "mailbox",
        "INBOX",
        "header",
        "Message-ID",
        &g.message_id,
    ])?;
    assert!(old_subj.contains("=?ISO-2022-JP?B?"), "{old_subj}");
    let big = m.old.doveadm(&[
        "fetch",
        "-u",
        &m.user,
        "size.virtual",
        "mailbox",
        "INBOX",
        "larger",
        "35M",
    ])?;
    assert!(big.contains(&e.oversize[0].size.to_string()), "{big}");
    Ok(())
}
