//! # The existing archive an update starts from
//!
//! Validates that a file is an ikou backup whose entries all lie before the manifest, and
//! collects what a new version needs from it: the byte length of the prefix to copy raw,
//! the central records to rebuild, the manifest, and an identity to detect later changes.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};
use zip::CompressionMethod;

use super::error::{ArchiveError, IoContext, Result};
use super::journal::BaseId;
use super::manifest::{MANIFEST_NAME, Manifest};
use super::reader::{open_zip_view, zip_entry_error};
use super::zipwrite::{CentralRecord, EntryTime, LOCAL_HEADER_LEN, Method};

/// A validated existing backup.
#[derive(Debug, Clone)]
pub(crate) struct BaseArchive {
    /// Every entry except the manifest, in central-directory order.
    pub records: Vec<CentralRecord>,
    /// Offset of the manifest's local header: everything before it is copied verbatim.
    pub prefix_len: u64,
    pub id: BaseId,
}

/// Fields of a local header that the central directory repeats.
struct LocalInfo {
    crc32: u32,
    time: EntryTime,
    zip64: bool,
    data_start: u64,
}

impl BaseArchive {
    /// Opens the first `file_len` bytes of `path` (the committed archive; the file may be
    /// longer while an in-place append is unfinished). Returns it and its manifest.
    pub(crate) fn open(path: &Path, file_len: u64) -> Result<(Self, Manifest)> {
        let mut zip = open_zip_view(path, File::open(path).ctx(path, "open")?, file_len)?;
        if zip.offset() != 0 {
            return Err(ArchiveError::corrupt(
                path,
                format!("{} unexpected bytes before the first entry", zip.offset()),
            ));
        }
        let mut raw = File::open(path).ctx(path, "open")?;
        let manifest_index =
            zip.index_for_name(MANIFEST_NAME)
                .ok_or_else(|| ArchiveError::NotIkouArchive {
                    path: path.to_path_buf(),
                })?;
        let (prefix_len, manifest_entry) = {
            let f = zip
                .by_index_raw(manifest_index)
                .map_err(|e| zip_entry_error(path, MANIFEST_NAME, e))?;
            let method = match f.compression() {
                CompressionMethod::Stored => Method::Stored,
                CompressionMethod::Deflated => Method::Deflated,
                other => {
                    return Err(ArchiveError::corrupt(
                        path,
                        format!("{MANIFEST_NAME} uses {other}, which ikou never writes"),
                    ));
                }
            };
            let entry = (method, f.crc32(), f.compressed_size(), f.size());
            (f.header_start(), entry)
        };

        let mut records = Vec::with_capacity(zip.len());
        let mut names = HashSet::with_capacity(zip.len());
        for i in 0..zip.len() {
            if i == manifest_index {
                continue;
            }
            let f = zip
                .by_index_raw(i)
                .map_err(|e| zip_entry_error(path, &format!("#{i}"), e))?;
            let name = f
                .name()
                .map_err(|e| zip_entry_error(path, &format!("#{i}"), e))?
                .into_owned();
            let method = match f.compression() {
                CompressionMethod::Stored => Method::Stored,
                CompressionMethod::Deflated => Method::Deflated,
                other => {
                    return Err(ArchiveError::corrupt(
                        path,
                        format!("entry {name:?} uses {other}, which ikou never writes"),
                    ));
                }
            };
            let (crc32, compressed_size, size, offset) =
                (f.crc32(), f.compressed_size(), f.size(), f.header_start());
            drop(f);
            let local = read_local(&mut raw, path, &name, offset)?;
            if local.crc32 != crc32 {
                return Err(ArchiveError::corrupt(
                    path,
                    format!("entry {name:?}: local and central CRC differ"),
                ));
            }
            if local.data_start.saturating_add(compressed_size) > prefix_len {
                return Err(ArchiveError::corrupt(
                    path,
                    format!("entry {name:?} lies after {MANIFEST_NAME}, which must be last"),
                ));
            }
            if !names.insert(name.clone()) {
                return Err(ArchiveError::corrupt(
                    path,
                    format!("entry {name:?} appears twice"),
                ));
            }
            records.push(CentralRecord {
                name,
                method,
                crc32,
                compressed_size,
                size,
                offset,
                time: local.time,
                zip64_local: local.zip64,
            });
        }
        // The zip crate's copy of the central directory goes before the manifest is read, so
        // a large backup does not hold both at once.
        drop(zip);
        let manifest = read_manifest_at(&mut raw, path, prefix_len, manifest_entry)?;
        let id = base_id(&mut raw, path, prefix_len, file_len)?;
        Ok((
            Self {
                records,
                prefix_len,
                id,
            },
            manifest,
        ))
    }
}

/// Reads the local header at `offset`: the time fields, the CRC and whether it has ZIP64.
fn read_local(file: &mut File, path: &Path, name: &str, offset: u64) -> Result<LocalInfo> {
    let bad = |what: &str| ArchiveError::corrupt(path, format!("entry {name:?}: {what}"));
    let mut fixed = [0u8; LOCAL_HEADER_LEN];
    file.seek(SeekFrom::Start(offset)).ctx(path, "seek")?;
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
    if rest[..name_len] != *name.as_bytes() {
        return Err(bad("local header has another name"));
    }
    let mut time = EntryTime {
        dos_time: u16_at(10),
        dos_date: u16_at(12),
        unix: None,
    };
    let mut zip64 = false;
    let mut extra = &rest[name_len..];
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let body = extra
            .get(4..4 + len)
            .ok_or_else(|| bad("extra field truncated"))?;
        match id {
            0x0001 => zip64 = true,
            0x5455 if body.len() >= 5 && body[0] & 1 == 1 => {
                time.unix = Some(u32::from_le_bytes([body[1], body[2], body[3], body[4]]))
            }
            _ => {}
        }
        extra = &extra[4 + len..];
    }
    Ok(LocalInfo {
        crc32: u32::from_le_bytes([fixed[14], fixed[15], fixed[16], fixed[17]]),
        time,
        zip64,
        data_start: offset + (LOCAL_HEADER_LEN + name_len + extra_len) as u64,
    })
}

/// Reads the manifest entry whose local header is at `offset`, checking its CRC and size as
/// the zip crate would, straight from the file.
fn read_manifest_at(
    file: &mut File,
    path: &Path,
    offset: u64,
    (method, crc32, compressed_size, size): (Method, u32, u64, u64),
) -> Result<Manifest> {
    let local = read_local(file, path, MANIFEST_NAME, offset)?;
    if local.crc32 != crc32 {
        return Err(ArchiveError::corrupt(
            path,
            format!("entry {MANIFEST_NAME:?}: local and central CRC differ"),
        ));
    }
    file.seek(SeekFrom::Start(local.data_start))
        .ctx(path, "seek")?;
    let raw = BufReader::with_capacity(1 << 16, Read::take(&mut *file, compressed_size));
    let mut content = Checked {
        inner: match method {
            Method::Stored => Box::new(raw) as Box<dyn Read + '_>,
            Method::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        },
        crc: crc32fast::Hasher::new(),
        len: 0,
    };
    let manifest = Manifest::from_reader(&mut content, path)?;
    // The parser stops at the end of the JSON; whatever follows still counts for the check.
    std::io::copy(&mut content, &mut std::io::sink())
        .map_err(|e| ArchiveError::corrupt(path, format!("{MANIFEST_NAME} unreadable: {e}")))?;
    if content.len != size || content.crc.finalize() != crc32 {
        return Err(ArchiveError::corrupt(
            path,
            format!("{MANIFEST_NAME}: CRC or size does not match its directory entry"),
        ));
    }
    Ok(manifest)
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

/// Size plus SHA-256 of the manifest and central directory: changes with every commit.
fn base_id(file: &mut File, path: &Path, prefix_len: u64, file_len: u64) -> Result<BaseId> {
    file.seek(SeekFrom::Start(prefix_len)).ctx(path, "seek")?;
    let mut hasher = Sha256::new();
    let mut reader = BufReader::with_capacity(
        1 << 16,
        Read::take(&mut *file, file_len.saturating_sub(prefix_len)),
    );
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).ctx(path, "read")?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(BaseId {
        size: file_len,
        tail_sha256: hex::encode(hasher.finalize()),
    })
}
