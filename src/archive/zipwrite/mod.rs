//! # Minimal zip writer
//!
//! Writes the zip records ikou needs and nothing else: entries whose size and CRC are known
//! before the local header (each is compressed in memory first, so no data descriptors),
//! UTF-8 names, deflate or stored, DOS time plus the extended-timestamp field, and ZIP64
//! whenever a size, offset or count exceeds the classic limits. Owning the format lets a
//! resumed backup append raw bytes and rebuild the central directory without recompressing.
//!
//! `records.rs` holds the bytes of each zip record, `encode.rs` the compression of one
//! entry (on the compression threads), and this file the append-only [`ZipSink`].

mod encode;
mod records;
#[cfg(test)]
mod tests;

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::error::{IoContext, Result};
pub use encode::{Compression, EncodedEntry, encode_entry, encode_streamed_entry};
use encode::{Tap, deflate_into};
pub(crate) use records::LOCAL_HEADER_LEN;
pub use records::{CentralRecord, EntryTime, Method, central_directory, local_header_name};
use records::{U32_LIMIT, central_header, end_records, local_header};

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
