//! # A mailbox read for verify, in little memory
//!
//! `ikou verify` needs every message's identity but the whole envelope of only the few
//! messages a finding is about. [`Reduced`] keeps each message as its compact identity
//! (`compare::listing`) and writes what the server sent for it (UID, size, INTERNALDATE,
//! flags, the header fields) to a [`Spill`]: an unnamed temporary file, readable only by this
//! process and deleted by the system when it is closed. A finding's envelope is read back and
//! parsed exactly as it was while streaming, so the report is the one the whole mailbox in
//! memory gives; memory grows by about 100 bytes a message instead of about 1.5 KB. The body
//! hash of a message without a Message-ID goes there too (a restore compares it).

use std::io;

use crate::compare::identity::text_digest;
use crate::compare::listing::Listed;
use crate::imap::FetchedMeta;
use crate::model::{FolderInfo, MessageInfo};

use super::gather::{Collector, message_info};
use super::records::{FolderRecords, Positions, RecordWriter};

/// Marks an absent optional field in a record.
const NONE: u32 = u32::MAX;

/// The fetched items of every message read, in a temporary file, by folder and position.
#[derive(Debug)]
pub struct Spill(FolderRecords);

impl Spill {
    /// The envelope of message `index` of folder `folder`, parsed as when it was read. A
    /// record that cannot be read gives an empty envelope and is kept for [`Spill::failure`].
    pub fn message(&self, folder: usize, index: usize) -> MessageInfo {
        self.0
            .read(folder, index, |reader, at, body| {
                let meta = decode(reader.load(at)?).ok_or_else(damaged)?;
                let mut info = message_info(meta);
                if let Some(body) = body {
                    info.body_hash = Some(reader.text(body)?);
                }
                Ok(info)
            })
            .unwrap_or_default()
    }

    /// The first error met while reading records back, if any: a report built with an
    /// empty envelope in it must not be shown.
    pub fn failure(&self) -> Option<io::Error> {
        self.0.failure()
    }
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "record")
}

fn too_long() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "header block over 4 GiB")
}

fn put_bytes(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
    match bytes.and_then(|b| Some((u32::try_from(b.len()).ok()?, b))) {
        Some((len, b)) if len != NONE => {
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(b);
        }
        _ => out.extend_from_slice(&NONE.to_le_bytes()),
    }
}

/// One record: UID, size, INTERNALDATE, flags, header block (lengths little-endian).
fn encode(meta: &FetchedMeta, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&meta.uid.to_le_bytes());
    out.extend_from_slice(&meta.size.to_le_bytes());
    put_bytes(out, meta.internal_date.as_deref().map(str::as_bytes));
    let flags = u32::try_from(meta.flags.len()).unwrap_or(0);
    out.extend_from_slice(&flags.to_le_bytes());
    for flag in meta.flags.iter().take(flags as usize) {
        put_bytes(out, Some(flag.as_bytes()));
    }
    put_bytes(out, meta.header.as_deref());
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<Option<&'a [u8]>> {
        match self.u32()? {
            NONE => Some(None),
            len => Some(Some(self.take(len as usize)?)),
        }
    }

    fn text(&mut self) -> Option<Option<String>> {
        match self.bytes()? {
            None => Some(None),
            Some(b) => Some(Some(String::from_utf8(b.to_vec()).ok()?)),
        }
    }
}

fn decode(record: &[u8]) -> Option<FetchedMeta> {
    let mut c = Cursor(record);
    let uid = c.u32()?;
    let size = c.u64()?;
    let internal_date = c.text()?;
    let count = c.u32()?;
    let mut flags = Vec::new();
    for _ in 0..count {
        flags.push(c.text()??);
    }
    let header = c.bytes()?.map(<[u8]>::to_vec);
    Some(FetchedMeta {
        uid,
        size,
        internal_date,
        flags,
        header,
    })
}

/// Each folder as compact identities, each message's fetched items in a [`Spill`].
pub struct Reduced {
    folders: Vec<Listed>,
    writer: RecordWriter,
    positions: Positions,
    /// The record being encoded.
    record: Vec<u8>,
    /// The current folder's messages without a Message-ID: UID and position.
    without_id: Vec<(u32, usize)>,
    size: u64,
    error: Option<io::Error>,
}

impl std::fmt::Debug for Reduced {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reduced")
            .field("folders", &self.folders.len())
            .field("written", &self.writer.written())
            .finish_non_exhaustive()
    }
}

impl Reduced {
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            folders: Vec::new(),
            writer: RecordWriter::new()?,
            positions: Positions::default(),
            record: Vec::new(),
            without_id: Vec::new(),
            size: 0,
            error: None,
        })
    }

    /// The folders and their spill once reading is over; the first write error, if any.
    pub fn finish(mut self) -> io::Result<(Vec<Listed>, Spill)> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let spill = Spill(FolderRecords::new(self.writer.finish()?, self.positions));
        Ok((self.folders, spill))
    }

    /// Keeps the first write error for [`Reduced::finish`].
    fn keep(&mut self, written: io::Result<()>) {
        if let Err(e) = written {
            self.error.get_or_insert(e);
        }
    }
}

impl Collector for Reduced {
    fn begin(&mut self, folder: FolderInfo) {
        self.positions.offsets.push(Vec::new());
        self.positions.bodies.push(Vec::new());
        self.without_id.clear();
        self.size = 0;
        self.folders.push(Listed::empty(folder));
    }

    fn message(&mut self, meta: FetchedMeta) {
        encode(&meta, &mut self.record);
        let written = self.writer.append(&self.record).map(|offset| {
            if let Some(folder) = self.positions.offsets.last_mut() {
                folder.push(offset);
            }
        });
        self.keep(written);
        let Some(folder) = self.folders.last_mut() else {
            return;
        };
        let info = message_info(meta);
        if info.message_id.is_none() {
            self.without_id.push((info.uid, folder.len()));
        }
        self.size += info.size;
        folder.push(&info);
    }

    fn without_id(&self) -> Vec<u32> {
        self.without_id.iter().map(|&(uid, _)| uid).collect()
    }

    fn body_hash(&mut self, uid: u32, hash: String) {
        let Some(folder) = self.folders.last_mut() else {
            return;
        };
        // The first message with the UID, as the whole-mailbox reader finds it.
        let Some(&(_, index)) = self.without_id.iter().find(|(u, _)| *u == uid) else {
            return;
        };
        let Some(id) = folder.ids.get_mut(index) else {
            return;
        };
        id.body = Some(text_digest(&hash));
        let written = u32::try_from(index)
            .map_err(|_| too_long())
            .and_then(|index| Ok((index, self.writer.append(hash.as_bytes())?)))
            .map(|at| {
                if let Some(bodies) = self.positions.bodies.last_mut() {
                    bodies.push(at);
                }
            });
        self.keep(written);
    }

    fn end(&mut self) {
        if let Some(bodies) = self.positions.bodies.last_mut() {
            bodies.sort_unstable();
        }
        if let Some(f) = self.folders.last_mut().filter(|f| f.folder.selectable) {
            f.folder.size = self.size;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(uid: u32, header: Option<&[u8]>) -> FetchedMeta {
        FetchedMeta {
            uid,
            size: 1234 + u64::from(uid),
            internal_date: uid
                .is_multiple_of(2)
                .then(|| "2024-01-02T03:04:05+09:00".to_string()),
            flags: vec!["\\Seen".into(), "$Label1".into()][..(uid as usize % 3).min(2)].to_vec(),
            header: header.map(<[u8]>::to_vec),
        }
    }

    /// Every record reads back as the envelope the streaming parse gave.
    #[test]
    fn records_read_back_as_written() {
        let header: &[u8] = b"Message-ID: <a@b.jp>\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\n\r\n";
        let folders = [
            vec![meta(1, Some(header)), meta(2, None), meta(3, Some(b""))],
            vec![],
            vec![meta(7, Some(b"From: x@y.jp\r\n\r\n"))],
        ];
        let mut reduced = Reduced::new().expect("temporary file");
        for (n, metas) in folders.iter().enumerate() {
            reduced.begin(crate::compare::path::tests::folder(
                &format!("F{n}"),
                Some('/'),
            ));
            for m in metas {
                reduced.message(m.clone());
            }
            reduced.end();
        }
        let (listed, spill) = reduced.finish().expect("written");
        for (n, metas) in folders.iter().enumerate() {
            assert_eq!(listed[n].len(), metas.len());
            let size: u64 = metas.iter().map(|m| m.size).sum();
            assert_eq!(listed[n].folder.size, size);
            for (i, m) in metas.iter().enumerate() {
                assert_eq!(spill.message(n, i), message_info(m.clone()), "{n}/{i}");
            }
        }
        assert_eq!(spill.message(9, 0), MessageInfo::default());
        assert!(spill.failure().is_none());
        assert_eq!(spill.message(0, 0).subject.as_deref(), Some("会議"));
    }

    /// The body hash of a message without a Message-ID reads back with its envelope.
    #[test]
    fn body_hashes_read_back_with_their_message() {
        let no_id: &[u8] = b"Subject: x\r\n\r\n";
        let mut reduced = Reduced::new().expect("temporary file");
        for (n, uids) in [[5, 3, 9], [1, 2, 4]].iter().enumerate() {
            reduced.begin(crate::compare::path::tests::folder(
                &format!("F{n}"),
                Some('/'),
            ));
            for uid in uids {
                reduced.message(meta(*uid, Some(no_id)));
            }
            // Bodies arrive in whatever order the server sends them.
            for uid in uids.iter().rev().filter(|u| **u != 2) {
                reduced.body_hash(*uid, format!("hash-{uid}"));
            }
            reduced.end();
        }
        let (listed, spill) = reduced.finish().expect("written");
        for (n, uids) in [[5, 3, 9], [1, 2, 4]].iter().enumerate() {
            for (i, uid) in uids.iter().enumerate() {
                let info = spill.message(n, i);
                assert_eq!(info.uid, *uid);
                let want = (*uid != 2).then(|| format!("hash-{uid}"));
                assert_eq!(info.body_hash, want, "{n}/{i}");
                assert_eq!(listed[n].ids[i].body.is_some(), *uid != 2);
                assert_eq!(listed[n].uids[i], *uid);
            }
        }
        assert!(spill.failure().is_none());
    }

    #[test]
    fn a_damaged_record_is_an_error() {
        assert!(decode(&[1, 2, 3]).is_none());
        let mut out = Vec::new();
        encode(&meta(4, Some(b"Subject: x\r\n")), &mut out);
        assert!(decode(&out).is_some());
        assert!(decode(&out[..out.len() - 1]).is_none());
    }
}
