//! The zip structure under a backup: its end records and central directory, parsed record
//! by record, and a local header checked when its entry is read.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::archive::error::{ArchiveError, IoContext, Result};
use crate::archive::zipwrite::{CentralRecord, EntryTime, LOCAL_HEADER_LEN, Method};

const CENTRAL_SIG: [u8; 4] = *b"PK\x01\x02";
const EOCD_SIG: [u8; 4] = *b"PK\x05\x06";
const ZIP64_LOCATOR_SIG: [u8; 4] = *b"PK\x06\x07";
const ZIP64_EOCD_SIG: [u8; 4] = *b"PK\x06\x06";
const CENTRAL_HEADER_LEN: usize = 46;
const EOCD_LEN: u64 = 22;
/// General-purpose flag bits ikou never sets and cannot carry over: encryption (0, 6) and
/// sizes in a data descriptor after the data (3).
const FOREIGN_FLAGS: u16 = 1 | (1 << 3) | (1 << 6);

/// Finds the end records in the first `file_len` bytes: the central directory's offset,
/// size and record count. The directory must end where the end records begin, so nothing
/// was prepended to or inserted into the archive.
pub(super) fn find_central_directory(
    file: &mut File,
    path: &Path,
    file_len: u64,
) -> Result<(u64, u64, u64)> {
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
pub(super) fn scan_central_directory(
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
pub(super) fn read_local(
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
pub(super) struct Checked<R> {
    pub(super) inner: R,
    pub(super) crc: crc32fast::Hasher,
    pub(super) len: u64,
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
pub(super) struct Hashing<'h, R> {
    pub(super) inner: R,
    pub(super) hasher: Option<&'h mut Sha256>,
    pub(super) count: u64,
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
