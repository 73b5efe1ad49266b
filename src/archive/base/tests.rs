use super::*;
use crate::archive::MessageRecord;
use crate::archive::update::tests::{corpus, opts, write_backup};
use crate::archive::zipwrite::central_directory;

fn open_base(path: &Path) -> Result<(BaseArchive, EntryNames, Manifest)> {
    let len = std::fs::metadata(path).expect("stat").len();
    let (mut b, names) = BaseArchive::open(path, len, &mut |_| {})?;
    let mut messages = Vec::new();
    let mut m = b.read_manifest(|r: MessageRecord| {
        messages.push(r);
        Ok(())
    })?;
    m.messages = messages;
    Ok((b, names, m))
}

/// The directory is read without the zip crate and without local headers, yet the
/// identity is the SHA-256 of the manifest and directory as before, and the records
/// written again give the directory's bytes exactly (with and without forced ZIP64).
#[test]
fn directory_is_read_back_exactly_and_identity_is_unchanged() {
    for force in [false, true] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.zip");
        let mut o = opts();
        o.force_zip64 = force;
        let msgs = corpus();
        write_backup(&path, o.clone(), &msgs[..3]);
        write_backup(&path, o, &msgs);
        let bytes = std::fs::read(&path).expect("read");
        let (base, names, manifest) = open_base(&path).expect("opens");
        assert_eq!(
            manifest,
            Manifest::read_from_zip(&path).expect("zip crate reads it")
        );
        // Cut into record texts and parsed from slices: the same records and identity.
        let len = bytes.len() as u64;
        let (mut again, _) = BaseArchive::open(&path, len, &mut |_| {}).expect("opens");
        let mut records = Vec::new();
        let mut head = again
            .read_manifest_records(|text| {
                records.push(serde_json::from_slice::<MessageRecord>(text).expect("record"));
                Ok(())
            })
            .expect("reads");
        head.messages = records;
        assert_eq!(head, manifest);
        assert_eq!(base.id.size, bytes.len() as u64);
        assert_eq!(again.id, base.id);
        assert_eq!(
            base.id.tail_sha256,
            hex::encode(Sha256::digest(&bytes[base.prefix_len as usize..]))
        );
        let mut records = Vec::new();
        base.for_each_record(&mut |r| {
            records.push(r);
            Ok(())
        })
        .expect("records");
        assert!(records.iter().all(|r| names.contains(&r.name)));
        assert!(!names.contains("INBOX/nothing.eml"));
        assert_eq!(records.iter().filter(|r| !r.is_dir()).count(), msgs.len());
        assert_eq!(
            base.files,
            msgs.len(),
            "one file per message, plus directories"
        );
        records.push(base.manifest.clone());
        let cd = central_directory(&records, base.cd_offset, force);
        assert!(
            bytes[base.cd_offset as usize..] == cd[..],
            "directory written again differs (force_zip64 {force})"
        );
    }
}

#[test]
fn damaged_or_foreign_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.zip");
    write_backup(&path, opts(), &corpus()[..3]);
    let good = std::fs::read(&path).expect("read");
    let (base, _, _) = open_base(&path).expect("opens");

    let mut prepended = b"junk".to_vec();
    prepended.extend_from_slice(&good);
    std::fs::write(&path, &prepended).expect("write");
    let err = open_base(&path).expect_err("bytes before the first entry");
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");

    let mut bad_crc = good.clone();
    // The manifest's local header CRC no longer matches the directory's.
    bad_crc[base.prefix_len as usize + 14] ^= 0xFF;
    std::fs::write(&path, &bad_crc).expect("write");
    let err = open_base(&path).expect_err("CRC mismatch");
    assert!(err.to_string().contains("CRC"), "{err}");

    let mut bad_cd = good.clone();
    bad_cd[base.cd_offset as usize] = b'X';
    std::fs::write(&path, &bad_cd).expect("write");
    let err = open_base(&path).expect_err("no central header");
    assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");

    std::fs::write(&path, b"plain text, not a zip at all").expect("write");
    let err = open_base(&path).expect_err("not a zip");
    assert!(matches!(err, ArchiveError::NotZip { .. }), "{err}");
}
