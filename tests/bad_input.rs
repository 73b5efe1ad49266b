//! Every kind of bad input ends with exit code 2 and one line that names the cause.

mod common;

use common::*;

fn fails_with(output: &std::process::Output, needle: &str) {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(
        err.contains(needle),
        "stderr should mention {needle:?}: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains(PASSWORD), "the password leaked: {err}");
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    said_once(&err);
}

#[test]
fn wrong_password() {
    let account = Account::start(Layout::Legacy, 3);
    let output = ikou_with_env(
        &["folders", "-p", path_str(&account.default_profile())],
        &[("IKOU_OLD_PASSWORD", "not-the-password")],
    );
    fails_with(&output, "sign-in rejected for user taro");
    assert!(!stderr(&output).contains("not-the-password"));
}

#[test]
fn unknown_host_closed_port_untrusted_certificate_plaintext_and_pins() {
    let account = Account::start(Layout::Legacy, 3);
    let imaps = account.server.imaps_port();
    let dir = account.dir.path();

    let unknown = dir.join("unknown.toml");
    std::fs::write(
        &unknown,
        std::fs::read_to_string(account.default_profile())
            .expect("profile")
            .replacen("host = \"127.0.0.1\"", "host = \"no-such-host.invalid\"", 1),
    )
    .expect("write");
    fails_with(
        &ikou(&["folders", "-p", path_str(&unknown)]),
        "cannot resolve host name no-such-host.invalid",
    );

    // A port nobody listens on: bind one, note it, close it.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed_port = closed.local_addr().expect("addr").port();
    drop(closed);
    let refused = account.profile(
        "refused.toml",
        &format!("{{ port = {closed_port}, security = \"tls\" }}"),
        "",
    );
    fails_with(
        &ikou(&["folders", "-p", path_str(&refused)]),
        "connection refused",
    );

    // The test CA is not in the system store: without ca_file the certificate is refused.
    let untrusted = dir.join("untrusted.toml");
    let text = std::fs::read_to_string(account.default_profile()).expect("profile");
    let ca_line = format!("ca_file = \"{}\"\n", account.server.ca_file().display());
    std::fs::write(&untrusted, text.replacen(&ca_line, "", 1)).expect("write");
    fails_with(
        &ikou(&["folders", "-p", path_str(&untrusted)]),
        "certificate is not trusted",
    );

    // Pinning the right certificate works without the CA; a wrong pin is refused.
    let pinned = dir.join("pinned.toml");
    std::fs::write(
        &pinned,
        text.replacen(
            &ca_line,
            &format!("pin_sha256 = \"{}\"\n", account.server.cert_sha256()),
            1,
        ),
    )
    .expect("write");
    let ok = ikou(&["--json", "folders", "-p", path_str(&pinned)]);
    assert!(ok.status.success(), "pinned: {}", stderr(&ok));
    let wrong_pin = dir.join("wrong-pin.toml");
    std::fs::write(
        &wrong_pin,
        text.replacen(
            &ca_line,
            &format!("pin_sha256 = \"{}\"\n", "ab".repeat(32)),
            1,
        ),
    )
    .expect("write");
    fails_with(
        &ikou(&["folders", "-p", path_str(&wrong_pin)]),
        "does not match the pinned",
    );

    // Plaintext without consent is refused before anything is sent.
    let plain = account.profile(
        "plain.toml",
        &format!(
            "{{ port = {}, security = \"plain\" }}",
            account.server.imap_port()
        ),
        "",
    );
    fails_with(&ikou(&["folders", "-p", path_str(&plain)]), "unencrypted");
    let _ = imaps;
}

#[test]
fn broken_profiles_name_the_place_and_the_fix() {
    let dir = tempfile::tempdir().expect("tmp");
    let syntax = dir.path().join("syntax.toml");
    std::fs::write(&syntax, "[old]\nhost = \"x\nimap = { port = 993 }\n").expect("write");
    let output = ikou(&["profile", "check", path_str(&syntax)]);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("syntax.toml: line 2"), "{text}");

    let typo = dir.path().join("typo.toml");
    std::fs::write(
        &typo,
        "[old]\nhost = \"x\"\nimap = { port = 993, security = \"ssl\" }\n[new]\nhost = \"y\"\nimap = { port = 993, security = \"tls\" }\n",
    )
    .expect("write");
    let output = ikou(&["--json", "profile", "check", path_str(&typo)]);
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["ok"], false);
    let problem = &report["problems"][0];
    assert!(
        problem["problem"]
            .as_str()
            .unwrap_or("")
            .contains("unknown variant `ssl`"),
        "{report:#}"
    );
    assert!(
        problem["fix"]
            .as_str()
            .unwrap_or("")
            .contains("security = \"tls\""),
        "{report:#}"
    );

    let meaning = dir.path().join("meaning.toml");
    std::fs::write(
        &meaning,
        "[old]\nhost = \"x\"\nimap = { port = 0, security = \"plain\" }\nca_file = \"missing.pem\"\npin_sha256 = \"xyz\"\n[new]\nhost = \"y\"\nimap = { port = 993, security = \"tls\" }\n",
    )
    .expect("write");
    let output = ikou(&["--json", "profile", "check", path_str(&meaning)]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let keys: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["key"].as_str().expect("key"))
        .collect();
    assert_eq!(
        keys,
        [
            "old.imap.port",
            "old.imap.security",
            "old.ca_file",
            "old.pin_sha256"
        ],
        "{report:#}"
    );

    // Commands that need a profile refuse a broken one with one line.
    let output = ikou(&["folders", "-p", path_str(&typo)]);
    fails_with(&output, "profile check");
}

#[test]
fn shipped_profiles_are_valid() {
    for file in [
        "assets/profiles/exchange-online.toml",
        "assets/profiles/demo.toml",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let output = ikou(&["profile", "check", path_str(&path)]);
        assert!(
            output.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// A server that accepts the connection and then says nothing, and one that answers with
/// garbage: both end with a clear error within the profile's timeout, never a hang or panic.
/// (Dovecot cannot be made to misbehave, so these two peers are raw sockets.)
#[test]
fn silent_and_malformed_servers() {
    use std::io::Write;
    use std::net::TcpListener;

    let dir = tempfile::tempdir().expect("tempdir");
    let silent = TcpListener::bind("127.0.0.1:0").expect("bind");
    let garbage = TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_port = silent.local_addr().expect("addr").port();
    let garbage_port = garbage.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream); // keep it open, say nothing
        }
    });
    std::thread::spawn(move || {
        for mut stream in garbage.incoming().flatten() {
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff garbage\r\n");
        }
    });
    let profile = |name: &str, port: u16, security: &str| {
        let path = dir.path().join(name);
        std::fs::write(
            &path,
            format!(
                "[account]\naddress = \"{ADDRESS}\"\n\n[old]\nhost = \"127.0.0.1\"\n\
                 username = \"{{local}}\"\nimap = {{ port = {port}, security = \"{security}\" }}\n\
                 allow_plaintext = true\nconnect_timeout_secs = 2\nio_timeout_secs = 2\n\n\
                 [new]\nhost = \"127.0.0.1\"\nimap = {{ port = 993, security = \"tls\" }}\n"
            ),
        )
        .expect("write profile");
        path
    };

    let started = std::time::Instant::now();
    let output = ikou(&[
        "folders",
        "-p",
        path_str(&profile("s.toml", silent_port, "tls")),
    ]);
    fails_with(&output, "127.0.0.1");
    let err = stderr(&output).to_lowercase();
    assert!(
        err.contains("time") || err.contains("no answer"),
        "a silent server is a timeout: {err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "the 2 s timeout was not applied"
    );

    for security in ["plain", "tls"] {
        let output = ikou(&[
            "folders",
            "-p",
            path_str(&profile("g.toml", garbage_port, security)),
        ]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{security}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        let cause = if security == "plain" {
            "not an IMAP greeting"
        } else {
            "TLS"
        };
        assert!(err.contains(cause), "{security}: {err}");
    }
}

/// Runs ikou with the reading end of its stdout already closed, as `ikou … | head -c 0` does
/// once `head` has gone: the write fails with EPIPE (Rust ignores SIGPIPE). Its stdin is one
/// empty line, as `echo | ikou …` gives, then closed.
fn with_closed_stdout(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    use std::io::Write;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ikou"));
    command
        .args(args)
        .env("LANG", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("spawn ikou");
    drop(child.stdout.take());
    if let Some(mut stdin) = child.stdin.take() {
        // ikou may already have ended (and closed its end): that is not this test's concern.
        let _ = stdin.write_all(b"\n");
    }
    let output = ikou_testbed::bounded::finish_within(child, ikou_testbed::bounded::RUN_LIMIT);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_stdout_ends_quietly_with_exit_0() {
    let account = Account::start(Layout::Legacy, 3);
    let profile = account.default_profile();
    let env = [
        ("IKOU_OLD_PASSWORD", PASSWORD),
        ("IKOU_NEW_PASSWORD", PASSWORD),
    ];
    for args in [
        vec!["settings"],
        vec!["folders", "-p", path_str(&profile)],
        vec!["--json", "folders", "-p", path_str(&profile)],
        vec!["--json", "verify", "-p", path_str(&profile)],
        vec!["verify", "-p", path_str(&profile)],
    ] {
        let (code, err) = with_closed_stdout(&args, &env);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: nothing to report: {err}");
    }
}

/// The pipelines people type: `echo | ikou --json verify … | head -c 10` and
/// `ikou folders | head -1`. ikou's own exit status (bash's PIPESTATUS) is 0 and nothing
/// panics, whether `head` left before or after ikou wrote.
#[test]
fn pipelines_into_head_end_quietly() {
    let account = Account::start(Layout::Legacy, 3);
    let profile = account.default_profile();
    let ikou_bin = env!("CARGO_BIN_EXE_ikou");
    let profile = path_str(&profile);
    for (pipeline, shown) in [
        (
            format!("echo | '{ikou_bin}' --json verify -p '{profile}' | head -c 10"),
            10,
        ),
        (format!("'{ikou_bin}' folders -p '{profile}' | head -1"), 1),
    ] {
        let script = format!("{pipeline}; echo \"status=${{PIPESTATUS[*]}}\" >&2");
        let output = ikou_testbed::bounded::output_within(
            std::process::Command::new("bash")
                .args(["-c", &script])
                .env("LANG", "C")
                .env("IKOU_OLD_PASSWORD", PASSWORD)
                .env("IKOU_NEW_PASSWORD", PASSWORD)
                .env_remove("IKOU_PROFILE")
                .stdin(std::process::Stdio::null()),
            ikou_testbed::bounded::RUN_LIMIT,
        );
        let err = stderr(&output);
        let ikou_status = err
            .lines()
            .find_map(|l| l.strip_prefix("status="))
            .unwrap_or_else(|| panic!("{pipeline}: no status line: {err}"));
        // echo's status (if any) first, then ikou's, then head's: all 0.
        assert!(
            ikou_status.split(' ').all(|s| s == "0"),
            "{pipeline}: statuses {ikou_status}: {err}"
        );
        assert!(!err.contains("panicked"), "{pipeline}: {err}");
        assert_eq!(
            err.lines().count(),
            1,
            "{pipeline}: nothing else said: {err}"
        );
        if shown == 10 {
            assert_eq!(output.stdout.len(), 10, "{pipeline}");
        } else {
            assert_eq!(output.stdout.iter().filter(|&&b| b == b'\n').count(), 1);
        }
    }
}

/// A helpdesk accounts list that is neither UTF-8 nor Shift_JIS is refused before any server
/// is asked, naming the line, also when a quoted field before it holds a newline and the
/// file starts with a BOM.
#[test]
fn a_bad_accounts_list_names_the_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let profile = dir.path().join("centre.toml");
    // Nobody listens there: the list is read before any server is asked.
    std::fs::write(
        &profile,
        "[old]\nhost = \"127.0.0.1\"\nusername = \"{local}\"\nimap = { port = 9, security = \"tls\" }\n\n[old.admin]\nmethod = \"master-user\"\nuser = \"helpdesk\"\n\n[new]\nhost = \"127.0.0.1\"\nusername = \"{address}\"\nimap = { port = 9, security = \"tls\" }\n",
    )
    .expect("profile");
    let csv = dir.path().join("accounts.csv");
    std::fs::write(
        &csv,
        b"\xef\xbb\xbfaddress,old_login\n\"a@x.jp\",\"two\nlines\"\nb@x.jp,\x82\xa0\nc@x.jp,\x81\xff\n",
    )
    .expect("csv");
    fails_with(
        &ikou(&["batch", "verify", "-p", path_str(&profile), path_str(&csv)]),
        "line 5: the file is neither UTF-8 nor Shift_JIS",
    );
}
