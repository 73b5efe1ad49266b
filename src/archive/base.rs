//! # The existing archive an update starts from
//!
//! Validates that a file is an ikou backup whose entries all lie before the manifest, from
//! its central directory alone: the directory is parsed here, record by record, so a backup
//! of 100,000 messages is never held as a list of entries, and no entry's local header is
//! read (a local header is checked when its entry is actually read: the manifest's below,
//! a message's by verify, extract and upload). The central directory's offsets, sizes and
//! CRCs are trusted as the archive's last commit wrote them; the journal's hash of the
//! manifest and directory ([`BaseId`]) ties an interrupted append to exactly these bytes.
//!
//! A new version needs from the old one: the length of the part kept as it is, the central
//! records to write again (streamed from the file at commit, [`BaseArchive::for_each_record`]),
//! the manifest (streamed, [`BaseArchive::read_manifest`]), and an identity to detect later
//! changes.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::error::{ArchiveError, IoContext, Result};
use super::journal::BaseId;
use super::manifest::{MANIFEST_NAME, MAX_MANIFEST_BYTES, Manifest, MessagesText, RecordTexts};
use super::zipwrite::{CentralRecord, EntryTime, LOCAL_HEADER_LEN, Method};

const CENTRAL_SIG: [u8; 4] = *b"PK\x01\x02";
const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const ZIP64_LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const ZIP64_EOCD_SIG: [u8; 4] = *b"PK\x06\x06";
const CENTRAL_HEADER_LEN: usize = 46;
const EOCD_LEN: u64 = 22;
/// General-purpose flag bits ikou never sets and cannot carry over: encryption (0, 6) and
/// sizes in a data descriptor after the data (3).
const FOREIGN_FLAGS: u16 = 1 | (1 << 3) | (1 << 6);

/// A validated existing backup.
#[derive(Debug, Clone)]
pub(crate) struct BaseArchive {
    path: PathBuf,
    /// Offset of the manifest's local header: everything before it is kept as it is.
    pub prefix_len: u64,
    pub id: BaseId,
    /// Where the central directory starts, how long it is and how many records it holds
    /// (the manifest's included).
    cd_offset: u64,
    cd_size: u64,
    cd_count: u64,
    /// The manifest's central record.
    manifest: CentralRecord,
    /// Entries other than the manifest that are files (not directories).
    pub files: usize,
}

/// What opening found besides the archive: every entry's name as a 128-bit digest
/// ([`name_digest`]), sorted, to look names up without holding them.
#[derive(Debug, Default)]
pub(crate) struct EntryNames {
    sorted: Vec<u128>,
}

impl EntryNames {
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.sorted.binary_search(&name_digest(name)).is_ok()
    }
}

/// The exact name of an entry as 128 bits of its SHA-256.
pub(crate) fn name_digest(name: &str) -> u128 {
    let digest = Sha256::digest(name.as_bytes());
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(first)
}

impl BaseArchive {
    /// Opens the first `file_len` bytes of `path` (the committed archive; the file may be
    /// longer while an in-place append is unfinished): checks the central directory and
    /// calls `on_entry` for every entry but the manifest, in directory order. The manifest
    /// itself is read with [`BaseArchive::read_manifest`].
    pub(crate) fn open(
        path: &Path,
        file_len: u64,
        on_entry: &mut dyn FnMut(&CentralRecord),
    ) -> Result<(Self, EntryNames)> {
        let mut file = File::open(path).ctx(path, "open")?;
        let (cd_offset, cd_size, cd_count) = find_central_directory(&mut file, path, file_len)?;
        let mut manifest: Option<CentralRecord> = None;
        let mut names = Vec::with_capacity(usize::try_from(cd_count).unwrap_or(0).min(1 << 24));
        let mut files = 0;
        // The furthest any entry's data could end (its local extra field not counted).
        let mut data_end = 0u64;
        scan_central_directory(&mut file, path, (cd_offset, cd_size, cd_count), &mut |r| {
            let end = r
                .offset
                .saturating_add((LOCAL_HEADER_LEN + r.name.len()) as u64)
                .saturating_add(r.compressed_size);
            if end > cd_offset {
                return Err(ArchiveError::corrupt(
                    path,
                    format!("entry {:?} runs into the central directory", r.name),
                ));
            }
            names.push(name_digest(&r.name));
            if r.name == MANIFEST_NAME {
                if manifest.is_some() {
                    return Err(ArchiveError::corrupt(
                        path,
                        format!("entry {MANIFEST_NAME:?} appears twice"),
                    ));
                }
                manifest = Some(r);
                return Ok(());
            }
            data_end = data_end.max(end);
            if !r.is_dir() {
                files += 1;
            }
            on_entry(&r);
            Ok(())
        })?;
        let manifest = manifest.ok_or_else(|| ArchiveError::NotIkouArchive {
            path: path.to_path_buf(),
        })?;
        let prefix_len = manifest.offset;
        if data_end > prefix_len {
            return Err(ArchiveError::corrupt(
                path,
                format!("an entry lies after {MANIFEST_NAME}, which must be last"),
            ));
        }
        if manifest.size > MAX_MANIFEST_BYTES {
            return Err(ArchiveError::corrupt(
                path,
                format!("{MANIFEST_NAME} claims {} bytes", manifest.size),
            ));
        }
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(ArchiveError::corrupt(path, "an entry name appears twice"));
        }
        let base = Self {
            path: path.to_path_buf(),
            prefix_len,
            // Filled in by `read_manifest`, which hashes the manifest as it reads it.
            id: BaseId {
                size: file_len,
                tail_sha256: String::new(),
            },
            cd_offset,
            cd_size,
            cd_count,
            manifest,
            files,
        };
        Ok((base, EntryNames { sorted: names }))
    }

    /// Reads the manifest as it is decompressed: returns its head (folders and fields,
    /// with an empty message list) and hands every message record to `on_message` in
    /// order, so a large backup's records need not be in memory together. The local header,
    /// CRC and size are checked as the zip crate would. The first call also computes the
    /// archive's identity ([`BaseArchive::id`]) from the same bytes.
    #[cfg(test)]
    pub(crate) fn read_manifest<M: DeserializeOwned>(
        &mut self,
        on_message: impl FnMut(M) -> Result<()>,
    ) -> Result<Manifest> {
        let want_id = self.id.tail_sha256.is_empty();
        let path = self.path.clone();
        let (manifest, id) = self.read_manifest_with(want_id, |content| {
            Manifest::stream_from_reader(content, &path, on_message)
        })?;
        if let Some(id) = id {
            self.id.tail_sha256 = id;
        }
        Ok(manifest)
    }

    /// [`BaseArchive::read_manifest`] handing out each message record's JSON text instead
    /// (cut out of the decompressed text, see [`RecordTexts`]), to be parsed from a slice:
    /// several times faster than parsing the whole manifest from a reader.
    pub(crate) fn read_manifest_records(
        &mut self,
        mut on_record: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<Manifest> {
        let want_id = self.id.tail_sha256.is_empty();
        let path = self.path.clone();
        let (manifest, id) = self.read_manifest_with(want_id, |content| {
            let mut text = MessagesText::default();
            let mut head = Vec::new();
            let mut records = RecordTexts::new(&mut on_record);
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = content.read(&mut buf).map_err(|e| {
                    ArchiveError::corrupt(&path, format!("{MANIFEST_NAME} unreadable: {e}"))
                })?;
                if n == 0 {
                    break;
                }
                if let Err(e) = text.feed_split(&buf[..n], &mut records, Some(&mut head)) {
                    return Err(records.failed.take().unwrap_or_else(|| {
                        ArchiveError::corrupt(&path, format!("{MANIFEST_NAME} unreadable: {e}"))
                    }));
                }
            }
            // The head (every field but the records, with an empty list) is checked and
            // read as a whole manifest, the format number first.
            Manifest::from_json(&head, &path)
        })?;
        if let Some(id) = id {
            self.id.tail_sha256 = id;
        }
        Ok(manifest)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the manifest again (see [`BaseArchive::read_manifest`]), handing its message
    /// records to `on_message`; returns how many there were.
    pub(crate) fn stream_messages<M: DeserializeOwned>(
        &self,
        mut on_message: impl FnMut(M) -> Result<()>,
    ) -> Result<u64> {
        let mut n = 0;
        let path = self.path.clone();
        self.read_manifest_with(false, |content| {
            Manifest::stream_from_reader(content, &path, |m| {
                n += 1;
                on_message(m)
            })
        })?;
        Ok(n)
    }

    /// Opens the manifest's decompressed content for `body`, then checks its CRC and size
    /// (and, with `want_id`, hashes the manifest and directory for [`BaseArchive::id`]).
    fn read_manifest_with<T>(
        &self,
        want_id: bool,
        body: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<(T, Option<String>)> {
        let path = self.path.clone();
        let mut file = File::open(&path).ctx(&path, "open")?;
        let mut hasher = want_id.then(Sha256::new);
        let local = read_local(&mut file, &path, &self.manifest, hasher.as_mut())?;
        let r = &self.manifest;
        let raw = Hashing {
            inner: Read::take(&mut file, r.compressed_size),
            hasher: hasher.as_mut(),
            count: 0,
        };
        let mut raw = BufReader::with_capacity(1 << 16, raw);
        let manifest = {
            let mut content = Checked {
                inner: match r.method {
                    Method::Stored => Box::new(&mut raw) as Box<dyn Read + '_>,
                    Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(&mut raw)),
                },
                crc: crc32fast::Hasher::new(),
                len: 0,
            };
            let manifest = body(&mut content)?;
            // The parser stops at the end of the JSON; whatever follows still counts.
            std::io::copy(&mut content, &mut std::io::sink()).map_err(|e| {
                ArchiveError::corrupt(&path, format!("{MANIFEST_NAME} unreadable: {e}"))
            })?;
            if content.len != r.size || content.crc.finalize() != r.crc32 {
                return Err(ArchiveError::corrupt(
                    &path,
                    format!("{MANIFEST_NAME}: CRC or size does not match its directory entry"),
                ));
            }
            manifest
        };
        let consumed = raw.into_inner().count;
        let mut id = None;
        if let Some(mut hasher) = hasher {
            // The rest of the manifest's bytes (past what the decompressor asked for), then
            // the central directory and end records: the identity covers them all.
            let from = local + consumed;
            file.seek(SeekFrom::Start(from)).ctx(&path, "seek")?;
            let mut rest = Hashing {
                inner: Read::take(&mut file, self.id.size.saturating_sub(from)),
                hasher: Some(&mut hasher),
                count: 0,
            };
            std::io::copy(&mut rest, &mut std::io::sink()).ctx(&path, "read")?;
            id = Some(hex::encode(hasher.finalize()));
        }
        Ok((manifest, id))
    }

    /// Hands the manifest's decompressed text to `f` in chunks, as it is read; the CRC and
    /// size are checked at the end (an error then, after `f` saw everything).
    pub(crate) fn stream_manifest_text(
        &self,
        f: &mut dyn FnMut(&[u8]) -> Result<()>,
    ) -> Result<()> {
        let path = &self.path;
        let mut file = File::open(path).ctx(path, "open")?;
        read_local(&mut file, path, &self.manifest, None)?;
        let r = &self.manifest;
        let raw = BufReader::with_capacity(1 << 16, Read::take(&mut file, r.compressed_size));
        let mut content = Checked {
            inner: match r.method {
                Method::Stored => Box::new(raw) as Box<dyn Read + '_>,
                Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
            },
            crc: crc32fast::Hasher::new(),
            len: 0,
        };
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = content.read(&mut buf).map_err(|e| {
                ArchiveError::corrupt(path, format!("{MANIFEST_NAME} unreadable: {e}"))
            })?;
            if n == 0 {
                break;
            }
            f(&buf[..n])?;
        }
        if content.len != r.size || content.crc.finalize() != r.crc32 {
            return Err(ArchiveError::corrupt(
                path,
                format!("{MANIFEST_NAME}: CRC or size does not match its directory entry"),
            ));
        }
        Ok(())
    }

    /// Calls `f` with every entry's central record but the manifest's, in directory order,
    /// read again from the file.
    pub(crate) fn for_each_record(
        &self,
        f: &mut dyn FnMut(CentralRecord) -> Result<()>,
    ) -> Result<()> {
        let mut file = File::open(&self.path).ctx(&self.path, "open")?;
        scan_central_directory(
            &mut file,
            &self.path,
            (self.cd_offset, self.cd_size, self.cd_count),
            &mut |r| {
                if r.name == MANIFEST_NAME {
                    Ok(())
                } else {
                    f(r)
                }
            },
        )
    }
}

/// Finds the end records in the first `file_len` bytes: the central directory's offset,
/// size and record count. The directory must end where the end records begin, so nothing
/// was prepended to or inserted into the archive.
fn find_central_directory(file: &mut File, path: &Path, file_len: u64) -> Result<(u64, u64, u64)> {
    let not_zip = |detail: &str| ArchiveError::NotZip {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    };
    if file_len < EOCD_LEN {
        return Err(not_zip("too short to be a zip file"));
    }
    // The end record is 22 bytes plus a comment of at most 65,535.
    let tail_len = file_len.min(EOCD_LEN + 0xFFFF);
    let tail_start = file_len - tail_len;
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(tail_start)).ctx(path, "seek")?;
    file.read_exact(&mut tail).ctx(path, "read")?;
    let at = (0..=tail.len() - EOCD_LEN as usize)
        .rev()
        .find(|&i| {
            tail[i..i + 4] == EOCD_SIG && {
                let comment = u16::from_le_bytes([tail[i + 20], tail[i + 21]]);
                i + EOCD_LEN as usize + usize::from(comment) == tail.len()
            }
        })
        .ok_or_else(|| {
            let mut magic = [0u8; 4];
            let starts_like_zip = file
                .seek(SeekFrom::Start(0))
                .and_then(|_| file.read_exact(&mut magic))
                .is_ok()
                && (magic == *b"PK\x03\x04" || magic == EOCD_SIG);
            if starts_like_zip {
                ArchiveError::corrupt(path, "zip structure unreadable: no end record")
            } else {
                not_zip("no end of central directory record")
            }
        })?;
    let e = &tail[at..];
    let u16_at = |b: &[u8], i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    let u32_at =
        |b: &[u8], i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    let u64_at = |b: &[u8], i: usize| {
        let mut v = [0u8; 8];
        v.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(v)
    };
    let eocd_pos = tail_start + at as u64;
    if u16_at(e, 4) != 0 || u16_at(e, 6) != 0 {
        return Err(ArchiveError::corrupt(
            path,
            "a multi-disk zip is not an ikou backup",
        ));
    }
    let (mut count, mut size, mut offset) = (u16_at(e, 10), u32_at(e, 12), u32_at(e, 16));
    let mut cd_end = eocd_pos;
    // A ZIP64 locator right before the end record points to the ZIP64 end record.
    if at >= 20 && tail[at - 20..at - 16] == ZIP64_LOCATOR_SIG {
        let loc = &tail[at - 20..at];
        let eocd64 = u64_at(loc, 8);
        if eocd64.checked_add(56).is_none_or(|end| end > eocd_pos - 20) {
            return Err(ArchiveError::corrupt(path, "ZIP64 end record out of place"));
        }
        let mut rec = [0u8; 56];
        file.seek(SeekFrom::Start(eocd64)).ctx(path, "seek")?;
        file.read_exact(&mut rec).ctx(path, "read")?;
        if rec[..4] != ZIP64_EOCD_SIG {
            return Err(ArchiveError::corrupt(path, "ZIP64 end record missing"));
        }
        (count, size, offset) = (u64_at(&rec, 32), u64_at(&rec, 40), u64_at(&rec, 48));
        cd_end = eocd64;
    } else if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err(ArchiveError::corrupt(path, "ZIP64 end record missing"));
    }
    match offset.checked_add(size) {
        Some(end) if end == cd_end => Ok((offset, size, count)),
        Some(end) if end < cd_end => Err(ArchiveError::corrupt(
            path,
            format!("{} unexpected bytes before the end records", cd_end - end),
        )),
        _ => Err(ArchiveError::corrupt(
            path,
            "central directory out of place (bytes before the first entry?)",
        )),
    }
}

/// Reads `count` central records from `offset` (`size` bytes), checking each is one ikou
/// can carry into a new version, and hands them to `f` in order.
fn scan_central_directory(
    file: &mut File,
    path: &Path,
    (offset, size, count): (u64, u64, u64),
    f: &mut dyn FnMut(CentralRecord) -> Result<()>,
) -> Result<()> {
    file.seek(SeekFrom::Start(offset)).ctx(path, "seek")?;
    let mut reader = BufReader::with_capacity(1 << 16, Read::take(&mut *file, size));
    let mut fixed = [0u8; CENTRAL_HEADER_LEN];
    let mut var = Vec::with_capacity(512);
    let mut read = 0u64;
    for i in 0..count {
        let bad =
            |what: String| ArchiveError::corrupt(path, format!("central record #{i}: {what}"));
        reader
            .read_exact(&mut fixed)
            .map_err(|_| bad("truncated".into()))?;
        if fixed[..4] != CENTRAL_SIG {
            return Err(bad("no central header signature".into()));
        }
        let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
        let u32_at =
            |i: usize| u32::from_le_bytes([fixed[i], fixed[i + 1], fixed[i + 2], fixed[i + 3]]);
        let (name_len, extra_len, comment_len) = (
            usize::from(u16_at(28)),
            usize::from(u16_at(30)),
            usize::from(u16_at(32)),
        );
        var.resize(name_len + extra_len + comment_len, 0);
        reader
            .read_exact(&mut var)
            .map_err(|_| bad("truncated".into()))?;
        read += (CENTRAL_HEADER_LEN + var.len()) as u64;
        let name = std::str::from_utf8(&var[..name_len])
            .map_err(|_| bad("name is not UTF-8".into()))?
            .to_string();
        let bad = |what: &str| ArchiveError::corrupt(path, format!("entry {name:?}: {what}"));
        let method = match u16_at(10) {
            0 => Method::Stored,
            8 => Method::Deflated,
            other => {
                return Err(bad(&format!(
                    "uses compression method {other}, which ikou never writes"
                )));
            }
        };
        if u16_at(8) & FOREIGN_FLAGS != 0 {
            return Err(bad(
                "encrypted or with a data descriptor, which ikou never writes",
            ));
        }
        let mut compressed_size = u64::from(u32_at(20));
        let mut size = u64::from(u32_at(24));
        let mut offset = u64::from(u32_at(42));
        let mut time = EntryTime {
            dos_time: u16_at(12),
            dos_date: u16_at(14),
            unix: None,
        };
        let mut extra = &var[name_len..name_len + extra_len];
        while extra.len() >= 4 {
            let id = u16::from_le_bytes([extra[0], extra[1]]);
            let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
            let body = extra
                .get(4..4 + len)
                .ok_or_else(|| bad("extra field truncated"))?;
            match id {
                0x0001 => {
                    // Only the fields whose 32-bit slot is full appear, in this order.
                    let mut fields = body.chunks_exact(8).map(|c| {
                        let mut v = [0u8; 8];
                        v.copy_from_slice(c);
                        u64::from_le_bytes(v)
                    });
                    for slot in [&mut size, &mut compressed_size, &mut offset] {
                        if *slot == 0xFFFF_FFFF {
                            *slot = fields.next().ok_or_else(|| bad("ZIP64 field truncated"))?;
                        }
                    }
                }
                0x5455 if body.len() >= 5 && body[0] & 1 == 1 => {
                    time.unix = Some(u32::from_le_bytes([body[1], body[2], body[3], body[4]]))
                }
                _ => {}
            }
            extra = &extra[4 + len..];
        }
        f(CentralRecord {
            name,
            method,
            crc32: u32_at(16),
            compressed_size,
            size,
            offset,
            time,
            // ikou's "version needed" is 4.5 exactly when a ZIP64 field is in the local
            // header or the central one; written again, it comes out the same.
            zip64_local: u16_at(6) & 0xFF >= 45,
        })?;
    }
    if read != size {
        return Err(ArchiveError::corrupt(
            path,
            "the central directory's size does not match its records",
        ));
    }
    Ok(())
}

/// Checks the local header of `r` (its name and CRC against the central record) and
/// returns where its data starts; the header's bytes go to `hasher` when given.
fn read_local(
    file: &mut File,
    path: &Path,
    r: &CentralRecord,
    hasher: Option<&mut Sha256>,
) -> Result<u64> {
    let bad = |what: &str| ArchiveError::corrupt(path, format!("entry {:?}: {what}", r.name));
    let mut fixed = [0u8; LOCAL_HEADER_LEN];
    file.seek(SeekFrom::Start(r.offset)).ctx(path, "seek")?;
    file.read_exact(&mut fixed)
        .map_err(|_| bad("local header truncated"))?;
    let u16_at = |i: usize| u16::from_le_bytes([fixed[i], fixed[i + 1]]);
    if fixed[0..4] != *b"PK\x03\x04" {
        return Err(bad("no local header at its offset"));
    }
    let (name_len, extra_len) = (usize::from(u16_at(26)), usize::from(u16_at(28)));
    let mut rest = vec![0u8; name_len + extra_len];
    file.read_exact(&mut rest)
        .map_err(|_| bad("local header truncated"))?;
    if rest[..name_len] != *r.name.as_bytes() {
        return Err(bad("local header has another name"));
    }
    if u32::from_le_bytes([fixed[14], fixed[15], fixed[16], fixed[17]]) != r.crc32 {
        return Err(bad("local and central CRC differ"));
    }
    if let Some(h) = hasher {
        h.update(fixed);
        h.update(&rest);
    }
    Ok(r.offset + (LOCAL_HEADER_LEN + name_len + extra_len) as u64)
}

/// A reader that checksums and counts what passes through it.
struct Checked<R> {
    inner: R,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// A reader that feeds what passes through it to a SHA-256 (when given) and counts it.
struct Hashing<'h, R> {
    inner: R,
    hasher: Option<&'h mut Sha256>,
    count: u64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
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
}
