//! Opening without reading the message records ([`ArchiveUpdate::open_lazily`]): a rerun
//! that changes nothing reads only the manifest's head and writes nothing; anything that
//! needs the records reads them first.

use std::fs;
use std::path::Path;

use super::{
    assert_matches_manifest, fill, folder_info, leftovers, opts, replace_manifest, write_backup,
};
use crate::archive::testutil::mail;
use crate::archive::*;

const FOLDER: &str = "INBOX.研究室.学会";

fn sizes_of(msgs: &[(u32, Vec<u8>)]) -> u64 {
    msgs.iter().map(|m| m.1.len() as u64).max().unwrap_or(0)
}

fn head_of(path: &Path) -> FolderRecord {
    Manifest::read_from_zip(path)
        .expect("manifest")
        .folder(FOLDER)
        .expect("folder")
        .clone()
}

/// Flips one byte of the manifest's compressed data near its end: the head still reads,
/// the records (and the CRC) no longer do.
fn damage_manifest_tail(path: &Path) {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).expect("open")).expect("zip");
    let (start, len) = {
        let m = zip.by_name(MANIFEST_NAME).expect("manifest");
        (m.data_start().expect("data start"), m.compressed_size())
    };
    let mut bytes = fs::read(path).expect("read");
    let at = usize::try_from(start + len - 40).expect("offset");
    bytes[at] ^= 0x55;
    fs::write(path, bytes).expect("write");
}

#[test]
fn unchanged_rerun_reads_only_the_head_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("b.zip");
    // Enough messages that the manifest is far longer than what reading its head decodes.
    let msgs: Vec<(u32, Vec<u8>)> = (1..=3000u32).map(|u| (u, mail(u.into(), 3))).collect();
    write_backup(&path, opts(), &msgs);
    let record = head_of(&path);
    assert_eq!(
        (record.messages, record.largest),
        (3000, Some(sizes_of(&msgs)))
    );
    damage_manifest_tail(&path);
    let before = fs::read(&path).expect("archive");

    // Reading every record now fails...
    let err = ArchiveUpdate::open(&path, opts()).expect_err("damaged records");
    assert!(err.to_string().contains(MANIFEST_NAME), "{err}");

    // ...but a rerun that finds the folder as recorded never reads them.
    let mut up = ArchiveUpdate::open_lazily(&path, opts()).expect("lazy open");
    assert!(!up.is_loaded());
    assert_eq!(up.head().folder(FOLDER), Some(&record));
    up.prepare().expect("prepare");
    up.folder(&folder_info(FOLDER, 7)).expect("known folder");
    let later = FolderSync {
        uid_validity: 7,
        uid_next: 3001,
        messages: 3000,
        highest_modseq: Some(99),
    };
    up.set_synced_if_written(FOLDER, later).expect("sync");
    assert!(!up.is_loaded());
    let report = up.commit().expect("commit");
    assert_eq!(
        (
            report.rewritten,
            report.messages,
            report.added,
            report.unreferenced_entries
        ),
        (false, 3000, 0, 0)
    );
    assert_eq!(report.archive_bytes, before.len() as u64);
    assert_eq!(
        fs::read(&path).expect("archive"),
        before,
        "not a byte written"
    );
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn adding_reads_the_records_first_and_stores_nothing_twice() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("b.zip");
    let msgs: Vec<(u32, Vec<u8>)> = (1..=6u32)
        .map(|u| (u, mail(u.into(), 10 * u as usize)))
        .collect();
    write_backup(&path, opts(), &msgs[..4]);
    let mut up = ArchiveUpdate::open_lazily(&path, opts()).expect("lazy open");
    assert!(!up.is_loaded());
    let sync = FolderSync {
        uid_validity: 7,
        uid_next: 7,
        messages: 6,
        highest_modseq: Some(5),
    };
    up.set_synced_if_written(FOLDER, sync).expect("sync");
    // The held messages are known again before anything is added: the first four are
    // already there.
    fill(&mut up, &msgs);
    assert!(up.is_loaded());
    let report = up.commit().expect("commit");
    assert_eq!((report.messages, report.added), (6, 2));
    assert_matches_manifest(&path, &msgs);
    let record = head_of(&path);
    assert_eq!(record.largest, Some(sizes_of(&msgs)));
    // The manifest was written anyway, so it carries the state offered for that case.
    assert_eq!(record.synced, Some(sync));
    assert_eq!(leftovers(&path), (false, false));
}

#[test]
fn a_large_message_or_an_older_manifest_makes_the_commit_read_the_records() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("b.zip");
    let msgs: Vec<(u32, Vec<u8>)> = (1..=5u32)
        .map(|u| (u, mail(u.into(), 100 * u as usize)))
        .collect();
    write_backup(&path, opts(), &msgs);
    let largest = sizes_of(&msgs);

    // One message is above the limit: the commit reads the records to list it.
    let up = ArchiveUpdate::open_lazily(&path, opts()).expect("lazy open");
    let (report, large) = up.commit_listing_above(largest - 1).expect("commit");
    assert!(!report.rewritten);
    assert_eq!(
        large.iter().map(|m| m.uid).collect::<Vec<_>>(),
        [Some(5)],
        "{large:?}"
    );

    // A manifest from before folders recorded their largest message: read whole once,
    // and written again with it, so later reruns need only its head.
    let manifest = Manifest::read_from_zip(&path).expect("manifest");
    let mut json: serde_json::Value =
        serde_json::from_slice(&manifest.to_json().expect("json")).expect("value");
    for f in json["folders"].as_array_mut().expect("folders") {
        f.as_object_mut().expect("folder").remove("largest");
    }
    replace_manifest(&path, &serde_json::to_vec(&json).expect("json"));
    assert_eq!(head_of(&path).largest, None);
    let up = ArchiveUpdate::open_lazily(&path, opts()).expect("lazy open");
    let report = up.commit().expect("commit");
    assert!(
        report.rewritten,
        "the folder record gained its largest size"
    );
    assert_eq!(head_of(&path).largest, Some(largest));
    assert_matches_manifest(&path, &msgs);
    let before = fs::read(&path).expect("archive");
    let report = ArchiveUpdate::open_lazily(&path, opts())
        .expect("lazy open")
        .commit()
        .expect("commit");
    assert!(!report.rewritten);
    assert_eq!(fs::read(&path).expect("archive"), before);
}
