//! The compression threads: each takes the next job, hashes the message and deflates it (or
//! leaves a large one for the writer to deflate straight into the file).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::{Done, Entry, Job, StreamedEntry};
use crate::archive::error::{ArchiveError, Result};
use crate::archive::zipwrite::{Compression, encode_entry};

/// How workers encode entries (a copy of the relevant `PipelineConfig` fields).
#[derive(Debug, Clone, Copy)]
pub(super) struct Encoding {
    pub(super) compression: Compression,
    pub(super) force_zip64: bool,
    pub(super) stream_above: u64,
}

pub(super) fn worker_loop(
    rx: &Mutex<Receiver<(u64, Job)>>,
    tx: &Sender<(u64, Result<Done>)>,
    encoding: Encoding,
    path: &Path,
) {
    loop {
        // Hold the lock only while receiving, so workers take jobs one at a time.
        let next = rx.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((seq, job)) = next else { return };
        let result = catch_unwind(AssertUnwindSafe(|| process(job, encoding))).map_err(|panic| {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panicked".into());
            ArchiveError::Thread {
                path: path.to_path_buf(),
                thread: "compression",
                detail,
            }
        });
        if tx.send((seq, result)).is_err() {
            return; // the writer is gone; it reports why
        }
    }
}

fn process(job: Job, encoding: Encoding) -> Done {
    let Encoding {
        compression,
        force_zip64,
        stream_above,
    } = encoding;
    match job {
        Job::Message {
            mut record,
            bytes,
            time,
        } => {
            let weight = bytes.len() as u64;
            record.sha256 = hex::encode(Sha256::digest(&bytes));
            if let Compression::Deflate(level) = compression
                && weight > stream_above
            {
                return Done {
                    entry: Entry::Streamed(StreamedEntry {
                        name: record.entry.clone(),
                        content: bytes,
                        time,
                        level,
                    }),
                    folder: None,
                    message: Some(record),
                    weight,
                };
            }
            let encoded = encode_entry(
                &record.entry,
                bytes.into_vec(),
                time,
                compression,
                force_zip64,
            );
            Done {
                entry: Entry::Encoded(encoded),
                folder: None,
                message: Some(record),
                weight,
            }
        }
        Job::Dir { name, folder, time } => Done {
            entry: Entry::Encoded(encode_entry(
                &name,
                Vec::new(),
                time,
                Compression::Store,
                force_zip64,
            )),
            folder,
            message: None,
            weight: 0,
        },
        Job::FolderNote(folder) => Done {
            entry: Entry::None,
            folder: Some(folder),
            message: None,
            weight: 0,
        },
    }
}
