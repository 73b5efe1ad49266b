//! `ikou folders` and `ikou quota` against real Dovecot servers in both layouts.

mod common;

use common::*;

fn folder<'a>(inventory: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    inventory["folders"]
        .as_array()
        .expect("folders array")
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("folder {name} missing in {inventory:#}"))
}

/// Folder names as the given layout shows them (Unicode, server delimiter and prefix).
fn server_name(layout: &Layout, corpus_name: &str) -> String {
    match layout {
        Layout::Legacy if corpus_name == "INBOX" => "INBOX".into(),
        Layout::Legacy => format!("INBOX.{}", corpus_name.replace('/', ".")),
        Layout::ExchangeLike => corpus_name.to_string(),
    }
}

fn counts_and_sizes_match(layout: Layout) {
    let account = Account::start(layout, 7);
    let profile = account.default_profile();
    let inventory = json(&ikou(&["--json", "folders", "-p", path_str(&profile)]));
    let mut expected_total = 0u64;
    for corpus_folder in &account.corpus.folders {
        let name = server_name(&layout, &corpus_folder.name);
        let listed = folder(&inventory, &name);
        let expected_size: u64 = corpus_folder
            .messages
            .iter()
            .map(|m| m.raw.len() as u64)
            .sum();
        assert_eq!(
            listed["messages"].as_u64(),
            Some(corpus_folder.messages.len() as u64),
            "count of {name}"
        );
        assert_eq!(
            listed["size"].as_u64(),
            Some(expected_size),
            "size of {name}"
        );
        let unseen = corpus_folder
            .messages
            .iter()
            .filter(|m| !m.flags.contains(&ikou_testbed::Flag::Seen))
            .count() as u64;
        assert_eq!(listed["unseen"].as_u64(), Some(unseen), "unseen of {name}");
        expected_total += corpus_folder.messages.len() as u64;
    }
    assert_eq!(inventory["total_messages"].as_u64(), Some(expected_total));
    // Nothing listed that the corpus did not write (apart from \Noselect parents).
    for listed in inventory["folders"].as_array().expect("folders") {
        if listed["selectable"] == true {
            let name = listed["name"].as_str().expect("name");
            assert!(
                account
                    .corpus
                    .folders
                    .iter()
                    .any(|f| server_name(&layout, &f.name) == name),
                "unexpected folder {name}"
            );
        }
    }
}

#[test]
fn legacy_layout_counts_sizes_and_japanese_names() {
    counts_and_sizes_match(Layout::Legacy);
}

#[test]
fn exchange_like_layout_counts_sizes_and_japanese_names() {
    counts_and_sizes_match(Layout::ExchangeLike);
}

#[test]
fn legacy_special_use_and_delimiter() {
    let account = Account::start(Layout::Legacy, 7);
    let inventory = json(&ikou(&[
        "--json",
        "folders",
        "-p",
        path_str(&account.default_profile()),
    ]));
    assert_eq!(inventory["delimiter"], ".");
    assert_eq!(folder(&inventory, "INBOX")["special_use"], "inbox");
    assert_eq!(folder(&inventory, "INBOX.Sent")["special_use"], "sent");
    assert_eq!(
        folder(&inventory, "INBOX.送信済みトレイ")["special_use"],
        "sent"
    );
    assert_eq!(
        folder(&inventory, "INBOX.送信済みトレイ")["raw_name"],
        "INBOX.&kAFP4W4IMH8wyDDsMKQ-"
    );
    assert_eq!(folder(&inventory, "INBOX.R&D")["raw_name"], "INBOX.R&-D");
}

#[test]
fn quota_equals_the_servers_numbers() {
    let account = Account::start(Layout::Legacy, 7);
    let report = json(&ikou(&[
        "--json",
        "quota",
        "-p",
        path_str(&account.default_profile()),
        "--largest",
        "3",
    ]));
    // doveadm prints: Quota name  Type  Value  Limit  %   (STORAGE in KiB, MESSAGE in count)
    let doveadm = account
        .server
        .doveadm(&["quota", "get", "-u", USER])
        .expect("doveadm quota get");
    let mut storage = None;
    let mut messages = None;
    for line in doveadm.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let n = fields.len();
        if n >= 4 {
            let value: u64 = fields[n - 3].parse().unwrap_or(0);
            let limit: u64 = fields[n - 2].parse().unwrap_or(0);
            if line.contains("STORAGE") {
                storage = Some((value * 1024, limit * 1024));
            } else if line.contains("MESSAGE") {
                messages = Some((value, limit));
            }
        }
    }
    let root = &report["quota"]["roots"][0];
    assert_eq!(report["quota"]["reported_by_server"], true);
    let (used, limit) = storage.expect("doveadm STORAGE line");
    assert_eq!(root["storage_used"].as_u64(), Some(used));
    assert_eq!(root["storage_limit"].as_u64(), Some(limit));
    let (count, count_limit) = messages.expect("doveadm MESSAGE line");
    assert_eq!(root["messages_used"].as_u64(), Some(count));
    assert_eq!(root["messages_limit"].as_u64(), Some(count_limit));
    assert_eq!(count, account.corpus.total_messages() as u64);

    // The largest messages really are the largest of the corpus, in order.
    let mut sizes: Vec<u64> = account
        .corpus
        .folders
        .iter()
        .flat_map(|f| f.messages.iter().map(|m| m.raw.len() as u64))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    let largest: Vec<u64> = report["largest"]
        .as_array()
        .expect("largest")
        .iter()
        .map(|m| m["size"].as_u64().expect("size"))
        .collect();
    assert_eq!(largest, sizes[..3].to_vec());
    assert!(report["largest"][0]["subject"].is_string());
}

#[test]
fn a_server_without_quota_is_said_so_and_usage_comes_from_sizes() {
    let account = Account::start(Layout::ExchangeLike, 7);
    let profile = account.default_profile();
    let report = json(&ikou(&["--json", "quota", "-p", path_str(&profile)]));
    assert_eq!(report["quota"]["reported_by_server"], false);
    assert_eq!(report["quota"]["roots"].as_array().map(Vec::len), Some(0));
    let total: u64 = account
        .corpus
        .folders
        .iter()
        .flat_map(|f| f.messages.iter().map(|m| m.raw.len() as u64))
        .sum();
    assert_eq!(report["quota"]["usage_from_sizes"].as_u64(), Some(total));
    let text = ikou(&["quota", "-p", path_str(&profile)]);
    assert!(text.status.success(), "{}", stderr(&text));
    assert!(String::from_utf8_lossy(&text.stdout).contains("reports no quota"));
    let ja = ikou(&["--lang", "ja", "quota", "-p", path_str(&profile)]);
    assert!(String::from_utf8_lossy(&ja.stdout).contains("クォータを報告しません"));
}

#[test]
fn starttls_and_explicit_plaintext_work_too() {
    let account = Account::start(Layout::Legacy, 7);
    let port = account.server.imap_port();
    let starttls = account.profile(
        "starttls.toml",
        &format!("{{ port = {port}, security = \"starttls\" }}"),
        "",
    );
    let via_starttls = json(&ikou(&["--json", "folders", "-p", path_str(&starttls)]));
    let plain = account.profile(
        "plain.toml",
        &format!("{{ port = {port}, security = \"plain\" }}"),
        "allow_plaintext = true",
    );
    let via_plain = json(&ikou(&["--json", "folders", "-p", path_str(&plain)]));
    let via_tls = json(&ikou(&[
        "--json",
        "folders",
        "-p",
        path_str(&account.default_profile()),
    ]));
    assert_eq!(via_starttls["folders"], via_tls["folders"]);
    assert_eq!(via_plain["folders"], via_tls["folders"]);
}

#[test]
fn table_output_aligns_japanese_names() {
    let account = Account::start(Layout::Legacy, 7);
    let output = ikou(&["folders", "-p", path_str(&account.default_profile())]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = String::from_utf8_lossy(&output.stdout);
    use unicode_width::UnicodeWidthStr;
    let table: Vec<&str> = text.lines().skip(2).filter(|l| !l.is_empty()).collect();
    let header_width = table[0].width();
    let sent = table
        .iter()
        .find(|l| l.starts_with("INBOX.送信済みトレイ"))
        .expect("Japanese folder row");
    // Right-aligned size column: every row ends at the header's last column.
    assert_eq!(sent.width(), header_width, "{text}");
}

/// POP3 sees the INBOX: STAT and UIDL count its messages, LIST sums its sizes, and the
/// largest message's headers are those of the biggest INBOX message.
#[test]
fn pop3_stat_uidl_and_list_equal_the_inbox() {
    let account = Account::start(Layout::Legacy, 9);
    let profile = account.default_profile();
    let inbox = account
        .corpus
        .folders
        .iter()
        .find(|f| f.name == "INBOX")
        .expect("corpus INBOX");
    let inbox_size: u64 = inbox.messages.iter().map(|m| m.raw.len() as u64).sum();
    let pop3 = json(&ikou(&[
        "--json",
        "quota",
        "-p",
        path_str(&profile),
        "--protocol",
        "pop3",
        "--largest",
        "1",
    ]));
    let count = inbox.messages.len() as u64;
    assert_eq!(
        pop3["messages"].as_u64(),
        Some(count),
        "STAT count: {pop3:#}"
    );
    assert_eq!(pop3["unique_ids"].as_u64(), Some(count), "UIDL count");
    assert_eq!(pop3["size"].as_u64(), Some(inbox_size), "STAT size");
    assert_eq!(pop3["listed_size"].as_u64(), Some(inbox_size), "LIST sum");
    let biggest = inbox
        .messages
        .iter()
        .max_by_key(|m| m.raw.len())
        .expect("a message");
    assert_eq!(
        pop3["largest"][0]["size"].as_u64(),
        Some(biggest.raw.len() as u64)
    );
    assert_eq!(
        pop3["largest"][0]["subject"].as_str(),
        biggest.subject().as_deref(),
        "decoded subject of the largest message"
    );
}

/// AUTHENTICATE PLAIN with the password from `password_command` (no environment variable),
/// and the password never appears in the output.
#[test]
fn authenticate_plain_with_password_command() {
    let account = Account::start(Layout::Legacy, 5);
    let imap = format!(
        "{{ port = {}, security = \"tls\" }}",
        account.server.imaps_port()
    );
    let extra = format!("auth = \"plain\"\npassword_command = \"printf %s {PASSWORD}\"");
    let profile = account.profile("plain.toml", &imap, &extra);
    let output = ikou_with_env(&["--json", "-vv", "folders", "-p", path_str(&profile)], &[]);
    let inventory = json(&output);
    assert!(
        inventory["total_messages"].as_u64().unwrap_or(0) > 100,
        "{inventory:#}"
    );
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !everything.contains(PASSWORD),
        "the password leaked into the output"
    );

    // The same with a command that prints a wrong password: a clean sign-in error.
    let wrong = account.profile(
        "plain-wrong.toml",
        &imap,
        "auth = \"plain\"\npassword_command = \"printf %s not-the-password\"",
    );
    let output = ikou_with_env(&["folders", "-p", path_str(&wrong)], &[]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("rejected"), "{message}");
    assert!(!message.contains("not-the-password"), "{message}");
}
