use super::*;
use crate::archive::ArchiveReader;
use crate::archive::update::tests::{corpus, opts, write_backup};

/// Every record, in order, with the head the whole-manifest reader gives.
fn streamed(path: &Path) -> Result<Manifest> {
    let stream = ArchiveStream::open(path)?;
    let mut records = Vec::new();
    let mut head = stream.for_each_message(|r| {
        records.push(r);
        Ok(())
    })?;
    assert!(head.messages.is_empty(), "the head holds no records");
    head.messages = records;
    Ok(head)
}

/// Where `name` (an entry's name, UTF-8) starts after a header with signature `sig` whose
/// name field begins `name_at` bytes in; the header's offset.
fn header_of(bytes: &[u8], sig: &[u8; 4], name_at: usize, name: &str) -> usize {
    let name = name.as_bytes();
    (0..bytes.len() - name_at - name.len())
        .find(|&i| bytes[i..i + 4] == *sig && bytes[i + name_at..i + name_at + name.len()] == *name)
        .expect("header found")
}

/// The streamed records and head are the manifest the zip crate's reader reads, and each
/// message located by one directory pass reads back as that reader reads it.
#[test]
fn records_stream_as_the_whole_manifest_and_messages_read_by_their_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.zip");
    let msgs = corpus();
    write_backup(&path, opts(), &msgs[..3]);
    write_backup(&path, opts(), &msgs);
    let whole = Manifest::read_from_zip(&path).expect("whole manifest");
    assert_eq!(whole.messages.len(), msgs.len());
    assert_eq!(streamed(&path).expect("streams"), whole);

    let mut stream = ArchiveStream::open(&path).expect("opens");
    let mut reader = ArchiveReader::open(&path).expect("zip crate opens it");
    let mut names: HashSet<&str> = whole.messages.iter().map(|m| m.entry.as_str()).collect();
    names.insert("INBOX/no-such-entry.eml");
    let found = stream.locate(&names).expect("located");
    assert_eq!(found.len(), whole.messages.len());
    assert!(!found.contains_key("INBOX/no-such-entry.eml"));
    for record in &whole.messages {
        let at = found.get(&record.entry).expect("entry found");
        let bytes = stream.read_message(at, record).expect("reads");
        assert_eq!(bytes, reader.read_message(record).expect("reads"));
    }
    // An entry asked for another record's message, or a record that does not match its
    // entry, is an error.
    let (first, second) = (&whole.messages[3], &whole.messages[4]);
    let at = found.get(&first.entry).expect("entry found");
    assert!(stream.read_message(at, second).is_err());
    let mut wrong = first.clone();
    wrong.sha256 = "0".repeat(64);
    let err = stream.read_message(at, &wrong).expect_err("sha256 differs");
    assert!(err.to_string().contains("does not match"), "{err}");
}

/// A manifest whose CRC does not match is an error, even though every record in it parses
/// and was handed out; a message entry whose data is damaged is an error too.
#[test]
fn a_damaged_manifest_or_entry_is_an_error_not_a_partial_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.zip");
    let mut msgs = corpus();
    msgs.truncate(5);
    write_backup(&path, opts(), &msgs);
    let good = std::fs::read(&path).expect("read");

    // The manifest's CRC changed in both its local header and its central record: the
    // headers agree, the content does not.
    let mut bytes = good.clone();
    let local = header_of(&bytes, b"PK\x03\x04", 30, MANIFEST_NAME);
    let central = header_of(&bytes, b"PK\x01\x02", 46, MANIFEST_NAME);
    for crc_at in [local + 14, central + 16] {
        bytes[crc_at] ^= 0x01;
    }
    std::fs::write(&path, &bytes).expect("write");
    let stream = ArchiveStream::open(&path).expect("the directory is sound");
    let mut seen = 0;
    let err = stream
        .for_each_message(|_| {
            seen += 1;
            Ok(())
        })
        .expect_err("CRC mismatch");
    assert_eq!(seen, msgs.len(), "every record was read before the check");
    assert!(err.to_string().contains("CRC"), "{err}");
    assert!(streamed(&path).is_err());

    // A message entry damaged in place: its CRC fails when it is read.
    std::fs::write(&path, &good).expect("write");
    let whole = Manifest::read_from_zip(&path).expect("whole manifest");
    let record = whole
        .messages
        .iter()
        .find(|m| m.size > 100)
        .expect("a message with data");
    let mut bytes = good.clone();
    let local = header_of(&bytes, b"PK\x03\x04", 30, &record.entry);
    let name_len = u16::from_le_bytes([bytes[local + 26], bytes[local + 27]]) as usize;
    let extra_len = u16::from_le_bytes([bytes[local + 28], bytes[local + 29]]) as usize;
    bytes[local + 30 + name_len + extra_len + 10] ^= 0x55;
    std::fs::write(&path, &bytes).expect("write");
    let mut stream = ArchiveStream::open(&path).expect("opens");
    let names: HashSet<&str> = [record.entry.as_str()].into_iter().collect();
    let found = stream.locate(&names).expect("located");
    let at = found.get(&record.entry).expect("entry found");
    assert!(stream.read_message(at, record).is_err());

    // Not a zip, and a zip without a manifest, are refused when opened.
    std::fs::write(&path, b"not a zip at all, just text").expect("write");
    assert!(matches!(
        ArchiveStream::open(&path),
        Err(ArchiveError::NotZip { .. })
    ));
}
