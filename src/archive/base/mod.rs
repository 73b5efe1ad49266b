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
use super::zipwrite::{CentralRecord, LOCAL_HEADER_LEN, Method};

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
        Self::open_with(path, file_len, Some(on_entry))
    }

    /// [`BaseArchive::open`] checking the central directory only: no entry is handed out
    /// and no name remembered (the returned [`EntryNames`] is empty).
    pub(crate) fn open_checked(path: &Path, file_len: u64) -> Result<Self> {
        Self::open_with(path, file_len, None).map(|(b, _)| b)
    }

    fn open_with(
        path: &Path,
        file_len: u64,
        mut on_entry: Option<&mut dyn FnMut(&CentralRecord)>,
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
            if on_entry.is_some() {
                names.push(name_digest(&r.name));
            }
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
            if let Some(f) = on_entry.as_mut() {
                f(&r);
            }
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
        on_record: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<Manifest> {
        let want_id = self.id.tail_sha256.is_empty();
        let (manifest, id) = self.manifest_records_with(want_id, on_record)?;
        if let Some(id) = id {
            self.id.tail_sha256 = id;
        }
        Ok(manifest)
    }

    /// [`BaseArchive::read_manifest_records`] for a reader only: the archive's identity is
    /// not computed. The CRC and size are checked all the same, after the last record.
    pub(crate) fn manifest_records(
        &self,
        on_record: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<Manifest> {
        self.manifest_records_with(false, on_record).map(|(m, _)| m)
    }

    fn manifest_records_with(
        &self,
        want_id: bool,
        mut on_record: impl FnMut(&[u8]) -> Result<()>,
    ) -> Result<(Manifest, Option<String>)> {
        let path = self.path.clone();
        self.read_manifest_with(want_id, |content| {
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
        })
    }

    /// Reads only the manifest's head: every field before its message list (the mailbox
    /// and the folders), decompressing no further than the list's start, which is a few
    /// kilobytes of a manifest of any size. `None` when that head cannot be read so (the
    /// list is not last, as another writer might lay it out): the caller then reads the
    /// whole manifest, which also reports what is wrong with it. The CRC needs every byte,
    /// so it is checked when the records are read ([`BaseArchive::read_manifest_records`]).
    pub(crate) fn read_head(&self) -> Result<Option<Manifest>> {
        let path = &self.path;
        let mut file = File::open(path).ctx(path, "open")?;
        let mut content = entry_content(&mut file, path, &self.manifest, 1 << 14)?;
        let mut text = MessagesText::default();
        let mut head = Vec::new();
        let mut buf = vec![0u8; 1 << 14];
        // Until the list begins; a short manifest may be read to its end in one go.
        let reading = |text: &MessagesText| !text.in_list() || text.complete;
        while reading(&text) {
            let n = content.read(&mut buf).map_err(|e| {
                ArchiveError::corrupt(path, format!("{MANIFEST_NAME} unreadable: {e}"))
            })?;
            if n == 0 {
                break;
            }
            text.feed_split(&buf[..n], &mut std::io::sink(), Some(&mut head))
                .ctx(path, "read")?;
        }
        match (text.in_list(), text.complete) {
            // Cut after the list's `[`: close the list and the object.
            (true, false) => head.extend_from_slice(b"]}"),
            // Read to the end: the head is the manifest with an empty list.
            (true, true) => {}
            (false, _) => return Ok(None),
        }
        Ok(Manifest::from_json(&head, path).ok())
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
        let r = &self.manifest;
        let mut file = File::open(path).ctx(path, "open")?;
        let mut content = entry_content(&mut file, path, r, 1 << 16)?;
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

    /// The bytes of the entry `r` (one of this archive's central records), read through
    /// `file` (this archive, open): its local header checked against `r`, then its data
    /// decompressed and checked against the CRC and size `r` records.
    pub(crate) fn read_entry(&self, file: &mut File, r: &CentralRecord) -> Result<Vec<u8>> {
        let path = &self.path;
        let mut content = entry_content(file, path, r, 1 << 16)?;
        let mut out = Vec::with_capacity(usize::try_from(r.size).unwrap_or(0).min(1 << 30));
        // One byte past the recorded size is enough to tell that the data is longer.
        Read::take(&mut content, r.size.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| ArchiveError::corrupt(path, format!("entry {:?}: {e}", r.name)))?;
        if content.len != r.size || content.crc.finalize() != r.crc32 {
            return Err(ArchiveError::corrupt(
                path,
                format!(
                    "entry {:?}: CRC or size does not match its directory entry",
                    r.name
                ),
            ));
        }
        Ok(out)
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

/// The decompressed content of entry `r`, read through `file` (the archive) once its local
/// header is checked against `r`, with a read buffer of `buffer` bytes; its CRC and length
/// are counted as it is read, for the caller to compare with `r`.
fn entry_content<'a>(
    file: &'a mut File,
    path: &Path,
    r: &CentralRecord,
    buffer: usize,
) -> Result<Checked<Box<dyn Read + 'a>>> {
    read_local(file, path, r, None)?;
    let raw = BufReader::with_capacity(buffer, Read::take(file, r.compressed_size));
    Ok(Checked {
        inner: match r.method {
            Method::Stored => Box::new(raw) as Box<dyn Read + 'a>,
            Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        },
        crc: crc32fast::Hasher::new(),
        len: 0,
    })
}

mod directory;

use directory::{Checked, Hashing, find_central_directory, read_local, scan_central_directory};
#[cfg(test)]
mod tests;
