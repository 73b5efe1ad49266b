//! # Minimal zip writer
//!
//! Writes the zip records ikou needs and nothing else: entries whose size and CRC are known
//! before the local header (each is compressed in memory first, so no data descriptors),
//! UTF-8 names, deflate or stored, DOS time plus the extended-timestamp field, and ZIP64
//! whenever a size, offset or count exceeds the classic limits. Owning the format lets a
//! resumed backup append raw bytes and rebuild the central directory without recompressing.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use serde::{Deserialize, Serialize};

use super::error::{IoContext, Result};

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const ZIP64_EXTRA_ID: u16 = 0x0001;
const EXT_TIME_EXTRA_ID: u16 = 0x5455;
/// General-purpose flag bit 11: names are UTF-8.
const FLAG_UTF8: u16 = 1 << 11;
/// "Made by" Unix (3), spec 6.3, so unzip applies the Unix mode bits below.
const VERSION_MADE_BY: u16 = (3 << 8) | 63;
const U32_LIMIT: u64 = 0xFFFF_FFFF;
/// Size of the fixed part of a local file header.
pub(crate) const LOCAL_HEADER_LEN: usize = 30;

/// How message bodies are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compression {
    /// No compression (fastest; largest file).
    Store,
    /// Deflate at a zlib level 1 (fast) ..= 9 (small). Entries that do not shrink are stored.
    Deflate(u32),
}

impl Default for Compression {
    /// Level 2. With the zlib-rs backend, level 1 is the "quick" strategy with static
    /// Huffman codes only, which barely shrinks base64 attachments: on a typical mix (72%
    /// base64 by bytes, 2 cores) level 1 gave 134 MB/s and 78% of the input size, level 2
    /// 88 MB/s and 60%, level 6 74 MB/s and 59%. Level 2 is still several times faster than
    /// a legacy IMAP server delivers mail, and saves a quarter of the disk space. Entries that
    /// are mostly base64 are Huffman-coded only, whatever the level (see `deflate_huffman_only`).
    fn default() -> Self {
        Self::Deflate(2)
    }
}

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

/// A fully encoded entry, ready to be appended: local header bytes, data bytes, and the
/// central record (offset still 0, filled in by the writer).
#[derive(Debug)]
pub struct EncodedEntry {
    pub header: Vec<u8>,
    pub data: Vec<u8>,
    pub record: CentralRecord,
    /// CRC-32 of `header` followed by `data`, i.e. of the bytes as they lie in the file;
    /// the resume journal checks this to detect torn writes without decompressing.
    pub raw_crc: u32,
}

impl EncodedEntry {
    pub fn span_len(&self) -> u64 {
        (self.header.len() + self.data.len()) as u64
    }
}

/// Compresses `content` and builds the local header. `content` is moved into the entry when
/// it is stored, so a message is held in memory at most twice while compressing.
pub fn encode_entry(
    name: &str,
    content: Vec<u8>,
    time: EntryTime,
    compression: Compression,
    force_zip64: bool,
) -> EncodedEntry {
    let crc = crc32fast::hash(&content);
    let size = content.len() as u64;
    let (method, data) = match compression {
        Compression::Deflate(level) if !content.is_empty() => match deflate(&content, level) {
            Some(packed) if packed.len() < content.len() => (Method::Deflated, packed),
            _ => (Method::Stored, content),
        },
        _ => (Method::Stored, content),
    };
    assemble(name, method, crc, size, data, time, force_zip64)
}

/// The entry around already encoded `data`: central record, local header, and the CRC of
/// both as they will lie in the file.
fn assemble(
    name: &str,
    method: Method,
    crc32: u32,
    size: u64,
    data: Vec<u8>,
    time: EntryTime,
    force_zip64: bool,
) -> EncodedEntry {
    let compressed_size = data.len() as u64;
    let record = CentralRecord {
        name: name.to_string(),
        method,
        crc32,
        compressed_size,
        size,
        offset: 0,
        time,
        zip64_local: force_zip64 || size >= U32_LIMIT || compressed_size >= U32_LIMIT,
    };
    let header = local_header(&record);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&header);
    hasher.update(&data);
    EncodedEntry {
        header,
        data,
        record,
        raw_crc: hasher.finalize(),
    }
}

/// Passes bytes on to `inner` while counting and checksumming them.
struct Tap<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W> Tap<W> {
    fn new(inner: W) -> Self {
        Tap {
            inner,
            crc: crc32fast::Hasher::new(),
            len: 0,
        }
    }
}

impl<W: Write> Write for Tap<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Like [`encode_entry`] with deflate, but the content is produced by `produce` straight into
/// the compressor, so only the compressed bytes are held: the manifest of a mailbox with
/// 100,000 messages is tens of megabytes as JSON and a few once deflated.
pub fn encode_streamed_entry<E: From<std::io::Error>>(
    name: &str,
    produce: impl FnOnce(&mut dyn Write) -> std::result::Result<(), E>,
    time: EntryTime,
    level: u32,
    force_zip64: bool,
) -> std::result::Result<EncodedEntry, E> {
    // The tap sits before the compressor: it counts and checksums the content.
    let mut tap = Tap::new(flate2::write::DeflateEncoder::new(
        Vec::new(),
        flate2::Compression::new(level.clamp(1, 9)),
    ));
    produce(&mut tap)?;
    let data = tap.inner.finish()?;
    let (crc, size) = (tap.crc.finalize(), tap.len);
    Ok(assemble(
        name,
        Method::Deflated,
        crc,
        size,
        data,
        time,
        force_zip64,
    ))
}

/// True when `content` is mostly base64 (an attachment), judged from three 4 KiB samples:
/// only base64 characters and line breaks, and almost no `=` (which base64 uses only as
/// final padding, but quoted-printable uses everywhere).
fn mostly_base64(content: &[u8]) -> bool {
    const SAMPLE: usize = 4096;
    if content.len() < 16 * SAMPLE {
        return false;
    }
    let (mut total, mut alphabet, mut equals) = (0usize, 0usize, 0usize);
    for quarter in 1..=3 {
        let start = content.len() / 4 * quarter;
        let sample = &content[start..(start + SAMPLE).min(content.len())];
        total += sample.len();
        for &c in sample {
            match c {
                b'=' => equals += 1,
                b'+' | b'/' | b'\r' | b'\n' => alphabet += 1,
                c if c.is_ascii_alphanumeric() => alphabet += 1,
                _ => {}
            }
        }
    }
    alphabet * 100 >= total * 99 && equals * 200 <= total
}

/// Raw deflate with Huffman coding only (no LZ77 matching), streamed into `out`.
///
/// Base64 attachments are most of a mailbox's bytes, and what deflate gains on them is the
/// 6-of-8-bit alphabet, which Huffman coding alone captures; the match search finds almost
/// nothing in them but costs most of the CPU (measured: level 2 spent 60% of a backup's CPU
/// in deflate on two cores, where the server competes for the same cores).
fn deflate_huffman_only(content: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
    use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Status, Strategy};
    let mut encoder = Deflate::new_with_config(DeflateConfig {
        level: 1,
        window_bits: -15, // raw deflate, as zip stores it
        strategy: Strategy::HuffmanOnly,
        ..DeflateConfig::default()
    });
    let mut buffer = vec![0u8; 256 << 10];
    let mut input = content;
    loop {
        let flush = if input.is_empty() {
            DeflateFlush::Finish
        } else {
            DeflateFlush::NoFlush
        };
        let (in_before, out_before) = (encoder.total_in(), encoder.total_out());
        let status = encoder
            .compress(input, &mut buffer, flush)
            .map_err(|e| std::io::Error::other(format!("deflate failed: {e:?}")))?;
        let consumed = usize::try_from(encoder.total_in() - in_before).unwrap_or(usize::MAX);
        let produced = usize::try_from(encoder.total_out() - out_before).unwrap_or(usize::MAX);
        out.write_all(&buffer[..produced.min(buffer.len())])?;
        input = &input[consumed.min(input.len())..];
        if status == Status::StreamEnd {
            return Ok(());
        }
        if consumed == 0 && produced == 0 && status == Status::BufError {
            return Err(std::io::Error::other("deflate made no progress"));
        }
    }
}

/// Raw deflate of `content` into `out`: Huffman coding only for base64, else `level`.
fn deflate_into(content: &[u8], level: u32, out: &mut dyn Write) -> std::io::Result<()> {
    if mostly_base64(content) {
        return deflate_huffman_only(content, out);
    }
    let mut enc =
        flate2::write::DeflateEncoder::new(out, flate2::Compression::new(level.clamp(1, 9)));
    enc.write_all(content)?;
    enc.finish().map(drop)
}

/// Raw deflate of `content`; `None` only if the in-memory encoder fails (it cannot on a Vec).
fn deflate(content: &[u8], level: u32) -> Option<Vec<u8>> {
    let mut packed = Vec::with_capacity(content.len() / 2 + 64);
    deflate_into(content, level, &mut packed).ok()?;
    Some(packed)
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

fn local_header(r: &CentralRecord) -> Vec<u8> {
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

fn central_header(buf: &mut Vec<u8>, r: &CentralRecord, force_zip64: bool) {
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
fn end_records(buf: &mut Vec<u8>, count: u64, cd_size: u64, cd_offset: u64, force_zip64: bool) {
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

/// A central directory written header by header, so a large archive's records need not be
/// in memory at once: [`ZipSink::begin_central_directory`], `add` each record in entry
/// order, then [`CentralDirectoryWriter::finish`].
#[derive(Debug)]
pub struct CentralDirectoryWriter {
    offset: u64,
    count: u64,
    size: u64,
    force_zip64: bool,
    buf: Vec<u8>,
}

impl CentralDirectoryWriter {
    /// Writes one central header.
    pub fn add(&mut self, sink: &mut ZipSink, record: &CentralRecord) -> Result<()> {
        self.buf.clear();
        central_header(&mut self.buf, record, self.force_zip64);
        sink.write_raw(&self.buf)?;
        self.count += 1;
        self.size += self.buf.len() as u64;
        Ok(())
    }

    /// Writes the end records; the archive is complete once they are durable.
    pub fn finish(mut self, sink: &mut ZipSink) -> Result<()> {
        self.buf.clear();
        end_records(
            &mut self.buf,
            self.count,
            self.size,
            self.offset,
            self.force_zip64,
        );
        sink.write_raw(&self.buf)
    }
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

/// An append-only zip file: tracks the write offset and writes entries and the directory.
#[derive(Debug)]
pub struct ZipSink {
    file: BufWriter<File>,
    path: PathBuf,
    offset: u64,
}

impl ZipSink {
    /// Wraps `file`, whose current end (where writing continues) is at `offset`.
    pub fn new(file: File, path: &Path, offset: u64) -> Self {
        // Large buffer: most messages are small, so several go out in one write call.
        Self {
            file: BufWriter::with_capacity(1 << 20, file),
            path: path.to_path_buf(),
            offset,
        }
    }

    pub fn offset(&self) -> u64 {
        self.offset
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry and returns its central record with the offset filled in.
    pub fn write_entry(&mut self, entry: &EncodedEntry) -> Result<CentralRecord> {
        let mut record = entry.record.clone();
        record.offset = self.offset;
        self.file
            .write_all(&entry.header)
            .ctx(&self.path, "write")?;
        self.file.write_all(&entry.data).ctx(&self.path, "write")?;
        self.offset += entry.span_len();
        Ok(record)
    }

    /// Appends one large entry, deflating `content` straight into the file instead of into
    /// a buffer, so a 30 MB message costs 30 MB of memory rather than 30 plus its compressed
    /// copy. The local header is written with a zero compressed size and patched afterwards
    /// (its length does not depend on the value); content that does not shrink is rewritten
    /// stored, as [`encode_entry`] would. Returns the central record (offset filled in), the
    /// entry's span in the file and the CRC-32 of that span, as the journal needs them.
    pub fn write_entry_streaming(
        &mut self,
        name: &str,
        content: &[u8],
        time: EntryTime,
        level: u32,
        force_zip64: bool,
    ) -> Result<(CentralRecord, u64, u32)> {
        let size = content.len() as u64;
        let start = self.offset;
        let mut record = CentralRecord {
            name: name.to_string(),
            method: Method::Deflated,
            crc32: crc32fast::hash(content),
            compressed_size: 0,
            size,
            offset: start,
            time,
            // Deflate can grow incompressible input by a few bytes per 64 KiB block; decide
            // with that margin, since the header's shape must not change after the fact.
            zip64_local: force_zip64 || size >= U32_LIMIT - (1 << 24),
        };
        let placeholder = local_header(&record);
        let header_len = placeholder.len() as u64;
        self.file.write_all(&placeholder).ctx(&self.path, "write")?;
        // The tap sits after the compressor: it counts and checksums the compressed bytes.
        let mut tap = Tap::new(&mut self.file);
        deflate_into(content, level, &mut tap).ctx(&self.path, "write")?;
        let (data_crc, compressed) = (tap.crc, tap.len);

        // Hand the bytes to the OS first, so a full or vanished disk is reported as the
        // failed write it is, not as a failed seek.
        self.file.flush().ctx(&self.path, "write")?;
        let mut span_crc = crc32fast::Hasher::new();
        if compressed < size {
            record.compressed_size = compressed;
            let header = local_header(&record);
            self.file
                .seek(SeekFrom::Start(start))
                .ctx(&self.path, "seek")?;
            self.file.write_all(&header).ctx(&self.path, "write")?;
            self.file
                .seek(SeekFrom::Start(start + header_len + compressed))
                .ctx(&self.path, "seek")?;
            span_crc.update(&header);
            span_crc.combine(&data_crc);
        } else {
            record.method = Method::Stored;
            record.compressed_size = size;
            let header = local_header(&record);
            self.file
                .seek(SeekFrom::Start(start))
                .ctx(&self.path, "seek")?;
            self.file.write_all(&header).ctx(&self.path, "write")?;
            self.file.write_all(content).ctx(&self.path, "write")?;
            self.file.flush().ctx(&self.path, "write")?;
            // Drop the longer deflated attempt that lay beyond the stored copy.
            self.file
                .get_ref()
                .set_len(start + header_len + size)
                .ctx(&self.path, "truncate")?;
            self.file
                .seek(SeekFrom::Start(start + header_len + size))
                .ctx(&self.path, "seek")?;
            span_crc.update(&header);
            span_crc.update(content);
        }
        let span = header_len + record.compressed_size;
        self.offset += span;
        Ok((record, span, span_crc.finalize()))
    }

    /// Appends a deflated entry whose content `produce` writes as it is compressed (the
    /// manifest): the compressed bytes go straight into the file, so neither the content nor
    /// its compressed copy is held in memory. The local header is written first and patched
    /// with the CRC and sizes afterwards (its length does not change).
    pub fn write_produced_entry(
        &mut self,
        name: &str,
        produce: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
        time: EntryTime,
        level: u32,
        force_zip64: bool,
    ) -> Result<CentralRecord> {
        let start = self.offset;
        let mut record = CentralRecord {
            name: name.to_string(),
            method: Method::Deflated,
            crc32: 0,
            compressed_size: 0,
            size: 0,
            offset: start,
            time,
            zip64_local: force_zip64,
        };
        let header_len = local_header(&record).len() as u64;
        self.file
            .write_all(&local_header(&record))
            .ctx(&self.path, "write")?;
        let (crc, size, compressed) = {
            let mut packed = Tap::new(&mut self.file);
            let mut content = Tap::new(flate2::write::DeflateEncoder::new(
                &mut packed,
                flate2::Compression::new(level.clamp(1, 9)),
            ));
            produce(&mut content).ctx(&self.path, "write")?;
            let Tap { inner, crc, len } = content;
            let packed = inner.finish().ctx(&self.path, "write")?;
            (crc.finalize(), len, packed.len)
        };
        if !record.zip64_local && (size >= U32_LIMIT || compressed >= U32_LIMIT) {
            return Err(super::error::ArchiveError::io(
                &self.path,
                "write",
                std::io::Error::other(format!("{name} is larger than 4 GiB")),
            ));
        }
        (record.crc32, record.size, record.compressed_size) = (crc, size, compressed);
        self.file.flush().ctx(&self.path, "write")?;
        let end = start + header_len + compressed;
        self.file
            .seek(SeekFrom::Start(start))
            .ctx(&self.path, "seek")?;
        self.file
            .write_all(&local_header(&record))
            .ctx(&self.path, "write")?;
        self.file
            .seek(SeekFrom::Start(end))
            .ctx(&self.path, "seek")?;
        self.offset = end;
        Ok(record)
    }

    /// Writes the central directory and end records for `records`.
    pub fn write_central_directory(
        &mut self,
        records: &[CentralRecord],
        force_zip64: bool,
    ) -> Result<()> {
        let cd = central_directory(records, self.offset, force_zip64);
        self.file.write_all(&cd).ctx(&self.path, "write")?;
        self.offset += cd.len() as u64;
        Ok(())
    }

    /// Starts a central directory at the current offset (after the last entry).
    pub fn begin_central_directory(&self, force_zip64: bool) -> CentralDirectoryWriter {
        CentralDirectoryWriter {
            offset: self.offset,
            count: 0,
            size: 0,
            force_zip64,
            buf: Vec::with_capacity(512),
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Result<()> {
        self.file.write_all(bytes).ctx(&self.path, "write")?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Hands buffered bytes to the OS, so they survive the process being killed.
    pub fn flush(&mut self) -> Result<()> {
        self.file.flush().ctx(&self.path, "write")
    }

    /// Flushes and forces the data to stable storage (power loss).
    pub fn sync(&mut self) -> Result<()> {
        self.flush()?;
        self.file.get_ref().sync_data().ctx(&self.path, "fsync")
    }

    /// Flushes and returns the file.
    pub fn into_file(mut self) -> Result<File> {
        self.flush()?;
        self.file
            .into_inner()
            .map_err(|e| super::error::ArchiveError::io(&self.path, "write", e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testutil::{assert_unzip_ok, unzip_names};
    use std::io::Read;

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
}
