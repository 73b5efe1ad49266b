//! # Recovering an interrupted update
//!
//! Decides whether the file a dead run appended to (`<archive>.partial` for a new backup,
//! the archive itself for an in-place append) can be continued, and if so keeps exactly the
//! entries that the journal lists and the file holds intact. Anything not provably intact is
//! cut off; a journal that cannot be tied to the current archive is rejected, with the
//! reason, so the caller discards it (for an in-place append: truncates back).

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom};
use std::path::Path;

use super::base::BaseArchive;
use super::error::{ArchiveError, IoContext, Result};
use super::journal::{
    INTACT_BUF_LEN, JOURNAL_VERSION, Journal, JournalLine, JournalLines, entry_is_intact,
};
use super::manifest::{FolderRecord, MessageRecord, SourceKind};
use super::zipwrite::{CentralRecord, ZipSink};

/// The mailbox an update is for, to reject a journal written for another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mailbox {
    pub server: String,
    pub account: String,
    pub source: SourceKind,
}

impl Mailbox {
    /// Same mailbox? Host names compare case-insensitively (DNS does), accounts exactly.
    pub(crate) fn is(&self, server: &str, account: &str, source: SourceKind) -> bool {
        self.server.eq_ignore_ascii_case(server) && self.account == account && self.source == source
    }
}

/// The intact part of an interrupted update, ready to be continued. Holds the folders
/// (few) and counts, not the kept entries: those are read again from the journal, which
/// now lists exactly them, by [`Recovered::for_each_entry`].
#[derive(Debug)]
pub(crate) struct Recovered {
    pub sink: ZipSink,
    pub journal: Journal,
    pub folders: Vec<FolderRecord>,
    /// Entries kept (messages, folder directories, implicit parents).
    pub entries: usize,
    /// Of those, messages.
    pub messages: usize,
    /// Journal lines that were not kept (torn or not matching the partial).
    pub dropped: usize,
}

impl Recovered {
    /// Calls `f` with every kept entry's central record and its message record (if it is
    /// a message), in write order, streamed from the journal: one line in memory at a time.
    pub(crate) fn for_each_entry(
        &self,
        f: &mut dyn FnMut(&CentralRecord, Option<&MessageRecord>) -> Result<()>,
    ) -> Result<()> {
        let path = self.journal.path();
        let (mut entries, mut messages) = (0, 0);
        for line in JournalLines::open(path)? {
            let (line, at) = line?;
            if at >= self.journal.start() {
                break;
            }
            if let JournalLine::Entry { entry, message, .. } = line {
                entries += 1;
                messages += usize::from(message.is_some());
                f(&entry.record, message.as_deref())?;
            }
        }
        if (entries, messages) != (self.entries, self.messages) {
            return Err(ArchiveError::corrupt(
                path,
                format!(
                    "changed while open ({entries} entries, {} expected)",
                    self.entries
                ),
            ));
        }
        Ok(())
    }
}

/// `Ok(Err(reason))` means the appended part must be discarded; `Err` is an I/O failure.
/// `partial` is the file appended to: the archive itself when `in_place`. Reads the journal
/// one line at a time and keeps no entry: see [`Recovered`].
pub(crate) fn recover(
    partial: &Path,
    journal_path: &Path,
    base: Option<&BaseArchive>,
    mailbox: &Mailbox,
    in_place: bool,
) -> Result<Result<Recovered, String>> {
    if !journal_path.exists() {
        return Ok(Err("it has no journal".into()));
    }
    let Some((h, mut lines)) = JournalLines::open_with_header(journal_path)? else {
        return Ok(Err("its journal has no intact header".into()));
    };
    if h.version != JOURNAL_VERSION {
        return Ok(Err(format!("its journal has version {}", h.version)));
    }
    if !mailbox.is(&h.server, &h.account, h.source) {
        return Ok(Err(format!("it belongs to {} on {}", h.account, h.server)));
    }
    let expected_prefix = match base {
        Some(b) if in_place => b.id.size,
        Some(b) => b.prefix_len,
        None => 0,
    };
    if h.in_place != in_place
        || h.base.as_ref() != base.map(|b| &b.id)
        || h.prefix_len != expected_prefix
    {
        return Ok(Err("the archive changed since it was started".into()));
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(partial)
        .ctx(partial, "open")?;
    let file_len = file.metadata().ctx(partial, "stat")?.len();
    if file_len < h.prefix_len {
        return Ok(Err(
            "it is shorter than the part copied from the archive".into()
        ));
    }

    let mut end = h.prefix_len;
    let mut journal_end = lines.end();
    let mut folders = Vec::new();
    let (mut entries, mut messages, mut dropped) = (0, 0, 0);
    let mut buf = vec![0u8; INTACT_BUF_LEN];
    while let Some(line) = lines.next() {
        let (line, _) = line?;
        let keep = match line {
            JournalLine::Entry {
                entry,
                folder,
                message,
            } => {
                let intact = entry.record.offset == end
                    && entry_is_intact(&mut file, file_len, &entry, &mut buf)
                        .ctx(partial, "read")?;
                if intact {
                    end += entry.span;
                    entries += 1;
                    messages += usize::from(message.is_some());
                    folders.extend(folder);
                }
                intact
            }
            JournalLine::Folder { folder } => {
                folders.push(folder);
                true
            }
            JournalLine::Header(_) | JournalLine::Committed { .. } => false,
        };
        if !keep {
            dropped = 1;
            break;
        }
        journal_end = lines.end();
    }
    // The intact lines after the first one not kept are not kept either; counted for the log.
    dropped += lines.take_while(Result::is_ok).count();
    // Cut what follows the last intact entry: torn bytes, unjournalled entries, or the
    // manifest and directory of a commit that died before its rename.
    file.set_len(end).ctx(partial, "truncate")?;
    file.sync_all().ctx(partial, "fsync")?;
    file.seek(SeekFrom::Start(end)).ctx(partial, "seek")?;
    let journal = Journal::reopen(journal_path, journal_end)?;
    Ok(Ok(Recovered {
        sink: ZipSink::new(file, partial, end),
        journal,
        folders,
        entries,
        messages,
        dropped,
    }))
}
