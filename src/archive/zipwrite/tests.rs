//! Tests of the zip writer: archives read back by the zip crate and by Info-ZIP.

use std::io::Read;

use chrono::DateTime;

use super::encode::mostly_base64;
use super::records::{ZIP64_EOCD_SIG, ZIP64_LOCATOR_SIG};
use super::*;
use crate::archive::testutil::{assert_unzip_ok, unzip_names};

fn build(path: &Path, force_zip64: bool) -> Vec<(String, Vec<u8>)> {
    let t = DateTime::parse_from_rfc3339("2024-03-05T07:08:10+09:00").expect("valid date");
    let files: Vec<(String, Vec<u8>)> = vec![
        ("INBOX/".into(), vec![]),
        ("INBOX/研究室/".into(), vec![]),
        (
            "INBOX/研究室/a.eml".into(),
            b"Subject: x\r\n\r\nhello hello hello hello hello\r\n".to_vec(),
        ),
        ("INBOX/研究室/empty.eml".into(), vec![]),
        ("INBOX/b.eml".into(), (0..=255u8).collect()),
    ];
    let file = File::create(path).expect("create");
    let mut sink = ZipSink::new(file, path, 0);
    let mut records = Vec::new();
    for (name, data) in &files {
        let e = encode_entry(
            name,
            data.clone(),
            EntryTime::from_datetime(&t),
            Compression::Deflate(6),
            force_zip64,
        );
        records.push(sink.write_entry(&e).expect("write"));
    }
    // A streamed entry, produced in pieces (as the manifest is): read back below with its
    // CRC and sizes checked by the zip crate and by Info-ZIP.
    let streamed: Vec<u8> = (0..5000u32)
        .flat_map(|i| format!("{{\"n\": {i}, \"件名\": \"テスト\"}}\n").into_bytes())
        .collect();
    let e = encode_streamed_entry::<std::io::Error>(
        "manifest.json",
        |out| {
            for chunk in streamed.chunks(777) {
                out.write_all(chunk)?;
            }
            Ok(())
        },
        EntryTime::from_datetime(&t),
        6,
        force_zip64,
    )
    .expect("streamed entry");
    assert_eq!(e.record.size, streamed.len() as u64);
    assert!(e.record.compressed_size < e.record.size / 4);
    records.push(sink.write_entry(&e).expect("write"));
    let mut files = files;
    files.push(("manifest.json".into(), streamed));
    sink.write_central_directory(&records, force_zip64)
        .expect("cd");
    sink.sync().expect("sync");
    assert_eq!(records[2].method, Method::Deflated);
    assert_eq!(
        records[4].method,
        Method::Stored,
        "random bytes do not shrink"
    );
    files
}

/// A message the way attachments arrive: base64 lines of 76 characters with CRLF.
fn base64_message(len: usize) -> Vec<u8> {
    use base64::Engine;
    let raw = crate::archive::testutil::pseudo_random(7, len / 4 * 3);
    let text = base64::engine::general_purpose::STANDARD.encode(raw);
    let mut m = b"Content-Transfer-Encoding: base64\r\n\r\n".to_vec();
    for line in text.as_bytes().chunks(76) {
        m.extend_from_slice(line);
        m.extend_from_slice(b"\r\n");
    }
    m
}

#[test]
fn base64_is_told_from_text_and_quoted_printable() {
    assert!(mostly_base64(&base64_message(300_000)));
    assert!(
        !mostly_base64(&base64_message(20_000)),
        "small: not worth sampling"
    );
    let qp = "=E6=97=A5=E6=9C=AC=E8=AA=9E=E3=81=AE=E6=9C=AC=E6=96=87=\r\n".repeat(8000);
    assert!(!mostly_base64(qp.as_bytes()), "quoted-printable keeps LZ77");
    let text = "The meeting moved to Friday, see you there.\r\n".repeat(8000);
    assert!(!mostly_base64(text.as_bytes()), "plain text keeps LZ77");
}

#[test]
fn base64_entries_are_huffman_coded_and_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("b64.zip");
    let message = base64_message(600_000);
    let t = DateTime::parse_from_rfc3339("2024-03-05T07:08:10+09:00").expect("valid date");
    let time = EntryTime::from_datetime(&t);
    let file = File::create(&path).expect("create");
    let mut sink = ZipSink::new(file, &path, 0);
    let buffered = encode_entry(
        "a.eml",
        message.clone(),
        time,
        Compression::Deflate(2),
        false,
    );
    let mut records = vec![sink.write_entry(&buffered).expect("write")];
    let (streamed, _, _) = sink
        .write_entry_streaming("b.eml", &message, time, 2, false)
        .expect("write streamed");
    records.push(streamed);
    for r in &records {
        assert_eq!(r.method, Method::Deflated, "{}", r.name);
        // Base64 carries 6 bits in 8: Huffman coding gets close to 75%.
        assert!(
            r.compressed_size * 100 <= r.size * 78,
            "{}: {} of {}",
            r.name,
            r.compressed_size,
            r.size
        );
    }
    sink.write_central_directory(&records, false).expect("cd");
    sink.sync().expect("sync");
    let files = vec![
        ("a.eml".to_string(), message.clone()),
        ("b.eml".to_string(), message),
    ];
    check(&path, &files);
}

fn check(path: &Path, files: &[(String, Vec<u8>)]) {
    let mut zip =
        zip::ZipArchive::new(File::open(path).expect("open")).expect("zip crate reads it");
    assert_eq!(zip.len(), files.len());
    for (i, (name, data)) in files.iter().enumerate() {
        let mut f = zip.by_index(i).expect("entry");
        assert_eq!(f.name().expect("utf-8 name"), name.as_str());
        let mut got = Vec::new();
        f.read_to_end(&mut got).expect("read");
        assert_eq!(&got, data, "{name}");
        let lm = f.last_modified().expect("dos time");
        assert_eq!(
            (
                lm.year(),
                lm.month(),
                lm.day(),
                lm.hour(),
                lm.minute(),
                lm.second()
            ),
            (2024, 3, 5, 7, 8, 10)
        );
    }
    assert_unzip_ok(path);
    let names = unzip_names(path);
    assert_eq!(names, files.iter().map(|f| f.0.clone()).collect::<Vec<_>>());
}

#[test]
fn plain_archive_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plain.zip");
    let files = build(&path, false);
    check(&path, &files);
}

#[test]
fn forced_zip64_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("z64.zip");
    let files = build(&path, true);
    let bytes = std::fs::read(&path).expect("read");
    let has = |sig: u32| bytes.windows(4).any(|w| w == sig.to_le_bytes());
    assert!(
        has(ZIP64_EOCD_SIG) && has(ZIP64_LOCATOR_SIG),
        "zip64 end records present"
    );
    check(&path, &files);
}

#[test]
fn dos_time_clamps() {
    let old = DateTime::parse_from_rfc3339("1970-01-02T00:00:00Z").expect("date");
    assert_eq!(
        EntryTime::from_datetime(&old).dos_date,
        EntryTime::UNKNOWN.dos_date
    );
    assert_eq!(EntryTime::from_datetime(&old).unix, Some(86_400));
    let before_epoch = DateTime::parse_from_rfc3339("1960-01-01T00:00:00Z").expect("date");
    assert_eq!(EntryTime::from_datetime(&before_epoch).unix, Some(0));
}

#[test]
fn local_header_name_parses() {
    let e = encode_entry(
        "INBOX/あ.eml",
        b"x".to_vec(),
        EntryTime::UNKNOWN,
        Compression::Store,
        false,
    );
    assert_eq!(local_header_name(&e.header), Some("INBOX/あ.eml"));
    assert_eq!(local_header_name(&e.data), None);
}
