//! Connection failures read in Japanese: the CLI's error line comes from the catalogs, with
//! only the operating system's own detail quoted as it is.

mod common;

#[test]
fn an_unknown_host_is_explained_in_japanese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("unknown-host.toml");
    std::fs::write(
        &profile,
        "[old]\nhost = \"no-such-host.invalid\"\nimap = { port = 993, security = \"tls\" }\n\
         [new]\nhost = \"no-such-host.invalid\"\nimap = { port = 993, security = \"tls\" }\n",
    )
    .expect("write profile");
    let args = [
        "quota",
        "--profile",
        common::path_str(&profile),
        "--address",
        "taro@example-univ.test",
    ];
    let ja = common::ikou_with_env(
        &args,
        &[("LANG", "ja_JP.UTF-8"), ("IKOU_OLD_PASSWORD", "x")],
    );
    assert!(!ja.status.success());
    let text = common::stderr(&ja);
    assert!(
        text.contains("ホスト名 no-such-host.invalid が見つかりません"),
        "{text}"
    );
    assert!(!text.contains("cannot resolve"), "{text}");
    let en = common::ikou_with_env(&args, &[("IKOU_OLD_PASSWORD", "x")]);
    assert!(
        common::stderr(&en).contains("cannot resolve host name no-such-host.invalid"),
        "{}",
        common::stderr(&en)
    );
}

#[test]
fn a_file_that_is_not_a_backup_is_explained_in_japanese() {
    let dir = tempfile::tempdir().expect("temp dir");
    let zip = dir.path().join("broken.zip");
    std::fs::write(&zip, "not a zip at all").expect("write");
    let args = ["backup", "verify", common::path_str(&zip)];
    let ja = common::ikou_with_env(&args, &[("LANG", "ja_JP.UTF-8")]);
    assert!(!ja.status.success());
    let text = common::stderr(&ja);
    assert!(text.contains("は zip ファイルではありません"), "{text}");
    assert!(!text.contains("is not a zip file"), "{text}");
    let en = common::ikou_with_env(&args, &[]);
    assert!(
        common::stderr(&en).contains("is not a zip file"),
        "{}",
        common::stderr(&en)
    );
}
