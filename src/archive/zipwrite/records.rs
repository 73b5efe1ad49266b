//! # Zip records
//!
//! The bytes of the zip format that ikou writes: local and central headers, the end records
//! (ZIP64 where a limit is exceeded), and the fields they share (method, DOS and Unix times).
//! Pure functions from a [`CentralRecord`] to bytes, so a resumed backup can rebuild the
//! central directory of entries it appended earlier without reading them again.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
pub(super) const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
pub(super) const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EXTRA_ID: u16 = 0x0001;
const EXT_TIME_EXTRA_ID: u16 = 0x5455;
/// General-purpose flag bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// "Made by" Unix (3), spec 6.3, so unzip applies the Unix mode bits below.
const VERSION_MADE_BY: u16 = (3 << 8) | 63;
pub(super) const U32_LIMIT: u64 = 0xFFFF_FFFF;
/// Size of the fixed part of a local file header.
pub(crate) const LOCAL_HEADER_LEN: usize = 30;

/// Compression method of one stored entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Stored,
    Deflated,
}

impl Method {
    fn code(self) -> u16 {
        match self {
            Self::Stored => 0,
            Self::Deflated => 8,
        }
    }
}

/// Modification time of an entry in both encodings the zip format carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryTime {
    pub dos_time: u16,
    pub dos_date: u16,
    /// Unix seconds for the extended-timestamp field (0x5455); `None` omits the field.
    pub unix: Option<u32>,
}

impl EntryTime {
    /// 1980-01-01 00:00, the DOS epoch, used when a message has no usable date.
    pub const UNKNOWN: Self = Self {
        dos_time: 0,
        dos_date: (1 << 5) | 1,
        unix: None,
    };

    /// DOS fields from the wall clock in the time's own offset (DOS time has no zone and is
    /// shown as local time), the extended field from the absolute instant.
    pub fn from_datetime(t: &DateTime<FixedOffset>) -> Self {
        let local = t.naive_local();
        let (dos_time, dos_date) = if local.year() < 1980 {
            (0, (1 << 5) | 1)
        } else if local.year() > 2107 {
            ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31)
        } else {
            (
                ((local.hour() << 11) | (local.minute() << 5) | (local.second() / 2)) as u16,
                (((local.year() - 1980) as u32) << 9 | (local.month() << 5) | local.day()) as u16,
            )
        };
        // Readers disagree on whether the field is signed; stay in the range both accept.
        let unix = u32::try_from(t.timestamp().clamp(0, i64::from(i32::MAX))).ok();
        Self {
            dos_time,
            dos_date,
            unix,
        }
    }

    pub fn now() -> Self {
        Self::from_datetime(&chrono::Utc::now().fixed_offset())
    }
}

/// Everything the central directory needs to know about one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentralRecord {
    pub name: String,
    pub method: Method,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Offset of the local header from the start of the file.
    pub offset: u64,
    pub time: EntryTime,
    /// The local header carries a ZIP64 extra field (keeps "version needed" consistent).
    pub zip64_local: bool,
}

impl CentralRecord {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    fn version_needed(&self, zip64: bool) -> u16 {
        if zip64 {
            45
        } else if self.method == Method::Deflated || self.is_dir() {
            20
        } else {
            10
        }
    }

    fn external_attributes(&self) -> u32 {
        // Unix mode in the high half; 0x10 is the MS-DOS directory bit.
        if self.is_dir() {
            (0o040_755 << 16) | 0x10
        } else {
            0o100_644 << 16
        }
    }
}

fn put16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_le_bytes());
}
fn put32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}
fn put64(buf: &mut Vec<u8>, v: u64) {
    buf.extend_from_slice(&v.to_le_bytes());
}

/// A 32-bit size field: the value, or 0xFFFFFFFF when the ZIP64 extra carries it.
fn field32(v: u64, zip64: bool) -> u32 {
    if zip64 || v >= U32_LIMIT {
        u32::MAX
    } else {
        v as u32
    }
}

fn ext_time_extra(buf: &mut Vec<u8>, time: &EntryTime) {
    if let Some(unix) = time.unix {
        put16(buf, EXT_TIME_EXTRA_ID);
        put16(buf, 5);
        buf.push(1); // only the modification time is present
        put32(buf, unix);
    }
}

pub(super) fn local_header(r: &CentralRecord) -> Vec<u8> {
    let mut extra = Vec::with_capacity(32);
    if r.zip64_local {
        // In a local header the ZIP64 field always holds both sizes.
        put16(&mut extra, ZIP64_EXTRA_ID);
        put16(&mut extra, 16);
        put64(&mut extra, r.size);
        put64(&mut extra, r.compressed_size);
    }
    ext_time_extra(&mut extra, &r.time);
    let mut h = Vec::with_capacity(LOCAL_HEADER_LEN + r.name.len() + extra.len());
    put32(&mut h, LOCAL_SIG);
    put16(&mut h, r.version_needed(r.zip64_local));
    put16(&mut h, FLAG_UTF8);
    put16(&mut h, r.method.code());
    put16(&mut h, r.time.dos_time);
    put16(&mut h, r.time.dos_date);
    put32(&mut h, r.crc32);
    put32(&mut h, field32(r.compressed_size, r.zip64_local));
    put32(&mut h, field32(r.size, r.zip64_local));
    put16(&mut h, r.name.len() as u16);
    put16(&mut h, extra.len() as u16);
    h.extend_from_slice(r.name.as_bytes());
    h.extend_from_slice(&extra);
    h
}

pub(super) fn central_header(buf: &mut Vec<u8>, r: &CentralRecord, force_zip64: bool) {
    let big_size = force_zip64 || r.size >= U32_LIMIT;
    let big_csize = force_zip64 || r.compressed_size >= U32_LIMIT;
    let big_offset = force_zip64 || r.offset >= U32_LIMIT;
    let mut extra = Vec::with_capacity(40);
    if big_size || big_csize || big_offset {
        // Only the fields whose 32-bit slot is 0xFFFFFFFF appear, in this fixed order.
        let n = 8 * (u16::from(big_size) + u16::from(big_csize) + u16::from(big_offset));
        put16(&mut extra, ZIP64_EXTRA_ID);
        put16(&mut extra, n);
        if big_size {
            put64(&mut extra, r.size);
        }
        if big_csize {
            put64(&mut extra, r.compressed_size);
        }
        if big_offset {
            put64(&mut extra, r.offset);
        }
    }
    ext_time_extra(&mut extra, &r.time);
    put32(buf, CENTRAL_SIG);
    put16(buf, VERSION_MADE_BY);
    put16(
        buf,
        r.version_needed(r.zip64_local || big_size || big_csize || big_offset),
    );
    put16(buf, FLAG_UTF8);
    put16(buf, r.method.code());
    put16(buf, r.time.dos_time);
    put16(buf, r.time.dos_date);
    put32(buf, r.crc32);
    put32(buf, field32(r.compressed_size, big_csize));
    put32(buf, field32(r.size, big_size));
    put16(buf, r.name.len() as u16);
    put16(buf, extra.len() as u16);
    put16(buf, 0); // comment length
    put16(buf, 0); // disk number start
    put16(buf, 0); // internal attributes
    put32(buf, r.external_attributes());
    put32(buf, field32(r.offset, big_offset));
    buf.extend_from_slice(r.name.as_bytes());
    buf.extend_from_slice(&extra);
}

/// The central directory, ZIP64 end records when needed, and the end record.
pub fn central_directory(records: &[CentralRecord], cd_offset: u64, force_zip64: bool) -> Vec<u8> {
    let mut buf = Vec::with_capacity(records.len() * 120 + 200);
    for r in records {
        central_header(&mut buf, r, force_zip64);
    }
    let cd_size = buf.len() as u64;
    end_records(
        &mut buf,
        records.len() as u64,
        cd_size,
        cd_offset,
        force_zip64,
    );
    buf
}

/// The end of central directory record (and, where a limit is exceeded or forced, the ZIP64
/// end record and locator before it) for `count` headers of `cd_size` bytes at `cd_offset`.
pub(super) fn end_records(
    buf: &mut Vec<u8>,
    count: u64,
    cd_size: u64,
    cd_offset: u64,
    force_zip64: bool,
) {
    let zip64 = force_zip64 || count >= 0xFFFF || cd_size >= U32_LIMIT || cd_offset >= U32_LIMIT;
    if zip64 {
        let eocd64_offset = cd_offset + cd_size;
        put32(buf, ZIP64_EOCD_SIG);
        put64(buf, 44); // size of the rest of this record
        put16(buf, VERSION_MADE_BY);
        put16(buf, 45);
        put32(buf, 0); // this disk
        put32(buf, 0); // disk with the central directory
        put64(buf, count);
        put64(buf, count);
        put64(buf, cd_size);
        put64(buf, cd_offset);
        put32(buf, ZIP64_LOCATOR_SIG);
        put32(buf, 0);
        put64(buf, eocd64_offset);
        put32(buf, 1); // total disks
    }
    let count16 = if zip64 || count >= 0xFFFF {
        0xFFFF
    } else {
        count as u16
    };
    put32(buf, EOCD_SIG);
    put16(buf, 0);
    put16(buf, 0);
    put16(buf, count16);
    put16(buf, count16);
    put32(buf, field32(cd_size, zip64));
    put32(buf, field32(cd_offset, zip64));
    put16(buf, 0); // comment length
}

/// Parses the name out of a local header written by [`encode_entry`]; used by resume to
/// check that a journalled entry really starts where the journal says.
pub fn local_header_name(header: &[u8]) -> Option<&str> {
    if header.len() < LOCAL_HEADER_LEN
        || u32::from_le_bytes(header[0..4].try_into().ok()?) != LOCAL_SIG
    {
        return None;
    }
    let n = usize::from(u16::from_le_bytes(header[26..28].try_into().ok()?));
    std::str::from_utf8(header.get(LOCAL_HEADER_LEN..LOCAL_HEADER_LEN + n)?).ok()
}
