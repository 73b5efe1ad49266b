//! # Compressing entries
//!
//! Turns a message into the bytes of one zip entry: deflate (Huffman coding only for base64
//! attachments, where the match search finds almost nothing), stored when that does not
//! shrink it, and the local header and CRCs around it. Runs on the compression threads.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::records::{CentralRecord, EntryTime, Method, U32_LIMIT, local_header};

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
pub(super) struct Tap<W> {
    pub(super) inner: W,
    pub(super) crc: crc32fast::Hasher,
    pub(super) len: u64,
}

impl<W> Tap<W> {
    pub(super) fn new(inner: W) -> Self {
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
pub(super) fn mostly_base64(content: &[u8]) -> bool {
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
pub(super) fn deflate_into(content: &[u8], level: u32, out: &mut dyn Write) -> std::io::Result<()> {
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
