//! # A backup as the old side, in little memory
//!
//! A backup's manifest holds about 1 KB a message. Read whole, 100,000 messages cost some
//! 100 MB before anything is compared. [`read_backup`] streams the manifest's records
//! instead ([`ArchiveStream`]): each message is kept as its compact identity
//! (`compare::listing`), as a live read keeps it, and its record goes to an [`Archived`]
//! file, an unnamed temporary file from which only the records of the messages a finding
//! is about are read back. The body of a message without a Message-ID is hashed from the
//! backup's own bytes, as it is read live from a server; its hash goes to the same file.
//! The report, and the plan of a restore, are the ones the whole manifest gives: the
//! manifest's CRC is still checked, and a manifest that fails it is an error.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

use super::gather::{archived_folder, archived_message};
use super::records::{FolderRecords, Positions, RecordWriter};
use super::{SourceInfo, VerifyError};
use crate::archive::manifest::MessageRecord;
use crate::archive::{ArchiveStream, FolderRecord};
use crate::compare::identity::text_digest;
use crate::compare::listing::Listed;
use crate::mail::body::body_hash;
use crate::model::{FolderInfo, MessageInfo};

/// A backup's message records in a temporary file, by folder and position, with the body
/// hashes of the messages without a Message-ID.
#[derive(Debug)]
pub struct Archived(FolderRecords);

impl Archived {
    /// The record of message `index` of folder `folder`, as the manifest holds it. A
    /// record that cannot be read back gives `None` and is kept for [`Archived::failure`].
    pub fn record(&self, folder: usize, index: usize) -> Option<MessageRecord> {
        self.0.read(folder, index, |reader, at, _| reader.json(at))
    }

    /// The envelope of message `index` of folder `folder` as recorded at backup time, with
    /// its body hash when it has no Message-ID; empty when it cannot be read back (see
    /// [`Archived::failure`]).
    pub fn message(&self, folder: usize, index: usize) -> MessageInfo {
        self.0
            .read(folder, index, |reader, at, body| {
                let mut info = archived_message(&reader.json(at)?);
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

/// The messages of one folder name as the manifest lists them, in its order.
#[derive(Clone)]
struct Group {
    listed: Listed,
    offsets: Vec<u64>,
    size: u64,
    /// Messages without a Message-ID: index, where the record is, its entry's name.
    without_id: Vec<(u32, u64, String)>,
    /// Their body hashes once read: (index, where the hash is).
    bodies: Vec<(u32, u64)>,
}

impl Group {
    fn new(name: &str) -> Self {
        Group {
            listed: Listed::empty(FolderInfo::named(name, None)),
            offsets: Vec::new(),
            size: 0,
            without_id: Vec::new(),
            bodies: Vec::new(),
        }
    }
}

/// An error of the temporary file that holds the records.
fn temp_error(e: io::Error) -> VerifyError {
    VerifyError::Unreadable {
        path: std::env::temp_dir(),
        detail: e.to_string(),
    }
}

/// The backup at `path` as the old side: where it was taken, its folders (the manifest's,
/// in its order) as compact identities, and its records in an [`Archived`] file.
pub fn read_backup(path: &Path) -> Result<(SourceInfo, Vec<Listed>, Archived), VerifyError> {
    let mut stream = ArchiveStream::open(path)?;
    let mut writer = RecordWriter::new().map_err(temp_error)?;
    let mut failed: Option<io::Error> = None;
    let mut groups: Vec<Group> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut text = Vec::with_capacity(2048);
    let head = stream.for_each_message(|record| {
        let at = match by_name.get(&record.folder) {
            Some(&at) => at,
            None => {
                groups.push(Group::new(&record.folder));
                by_name.insert(record.folder.clone(), groups.len() - 1);
                groups.len() - 1
            }
        };
        let group = &mut groups[at];
        text.clear();
        let offset = serde_json::to_writer(&mut text, &record)
            .map_err(io::Error::other)
            .and_then(|()| writer.append(&text));
        let offset = match offset {
            Ok(offset) => offset,
            Err(e) => {
                failed.get_or_insert(e);
                0
            }
        };
        let info = archived_message(&record);
        if info.message_id.is_none() {
            let index = u32::try_from(group.listed.len()).unwrap_or(u32::MAX);
            group.without_id.push((index, offset, record.entry));
        }
        group.size += info.size;
        group.listed.push(&info);
        group.offsets.push(offset);
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(temp_error(e));
    }
    // The folders as the manifest lists them; a record of a folder it does not list is not
    // part of the old side (as when the whole manifest is read).
    let chosen: Vec<(&FolderRecord, Option<usize>)> = head
        .folders
        .iter()
        .map(|f| (f, by_name.get(&f.name).copied()))
        .collect();
    let mut uses = vec![0usize; groups.len()];
    for &(_, at) in &chosen {
        if let Some(at) = at {
            uses[at] += 1;
        }
    }
    hash_bodies(&mut stream, &mut writer, &mut groups, &uses)?;

    let mut folders = Vec::with_capacity(chosen.len());
    let mut offsets = Vec::with_capacity(chosen.len());
    let mut bodies = Vec::with_capacity(chosen.len());
    for (record, at) in chosen {
        let mut group = match at {
            Some(at) => {
                uses[at] -= 1;
                if uses[at] == 0 {
                    std::mem::replace(&mut groups[at], Group::new(""))
                } else {
                    groups[at].clone()
                }
            }
            None => Group::new(&record.name),
        };
        group.listed.folder = archived_folder(record, group.listed.len(), group.size);
        group.bodies.sort_unstable();
        folders.push(group.listed);
        offsets.push(group.offsets);
        bodies.push(group.bodies);
    }
    let archived = Archived(FolderRecords::new(
        writer.finish().map_err(temp_error)?,
        Positions { offsets, bodies },
    ));
    Ok((SourceInfo::backup(path, &head), folders, archived))
}

/// Reads the bytes of every message without a Message-ID of the groups in use (`uses`),
/// found with one pass over the zip's directory, and records each one's body hash: in its
/// identity, and in the records' file for its envelope.
fn hash_bodies(
    stream: &mut ArchiveStream,
    writer: &mut RecordWriter,
    groups: &mut [Group],
    uses: &[usize],
) -> Result<(), VerifyError> {
    let used = || {
        groups
            .iter()
            .zip(uses)
            .filter(|(_, n)| **n > 0)
            .map(|(g, _)| g)
    };
    let names: HashSet<&str> = used()
        .flat_map(|g| g.without_id.iter().map(|(_, _, entry)| entry.as_str()))
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let found = stream.locate(&names)?;
    let mut reader = writer.reader().map_err(temp_error)?;
    for (group, _) in groups.iter_mut().zip(uses).filter(|(_, n)| **n > 0) {
        for (index, offset, _) in std::mem::take(&mut group.without_id) {
            let record: MessageRecord = reader.json(offset).map_err(temp_error)?;
            let at = found
                .get(&record.entry)
                .ok_or_else(|| stream.no_entry(&record))?;
            let hash = body_hash(&stream.read_message(at, &record)?);
            if let Some(id) = group.listed.ids.get_mut(index as usize) {
                id.body = Some(text_digest(&hash));
            }
            let at = writer.append(hash.as_bytes()).map_err(temp_error)?;
            group.bodies.push((index, at));
        }
    }
    Ok(())
}
