//! # Maildir writer
//!
//! Writes a [`Corpus`] straight into a user's maildir (Maildir++ or `LAYOUT=fs`) while Dovecot
//! is stopped. Writing files directly instead of APPENDing is what makes a 1 GB corpus load in
//! seconds; Dovecot assigns UIDs on first access, in file-name order.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context as _, Result, bail};

use crate::corpus::{Corpus, CorpusFolder, CorpusMessage};
use crate::dovecot::Layout;
use crate::mutf7;

/// Directory of a folder (Unicode name, `/` hierarchy) inside `maildir`.
pub(crate) fn folder_dir(maildir: &Path, layout: Layout, name: &str) -> Result<PathBuf> {
    if name == "INBOX" {
        return Ok(maildir.to_path_buf());
    }
    let levels: Vec<&str> = name.split('/').collect();
    if levels.iter().any(|l| l.is_empty()) {
        bail!("folder name {name:?} has an empty hierarchy level");
    }
    match layout {
        Layout::Legacy => {
            if let Some(l) = levels.iter().find(|l| l.contains('.')) {
                bail!("folder level {l:?} contains '.', the Maildir++ separator");
            }
            let enc: Vec<String> = levels.iter().map(|l| mutf7::encode(l)).collect();
            Ok(maildir.join(format!(".{}", enc.join("."))))
        }
        Layout::ExchangeLike => {
            let mut p = maildir.to_path_buf();
            for l in levels {
                if matches!(l, "cur" | "new" | "tmp") {
                    bail!("folder level {l:?} collides with a maildir subdirectory");
                }
                p.push(mutf7::encode(l));
            }
            Ok(p)
        }
    }
}

fn make_maildir(dir: &Path, plusplus_folder: bool) -> Result<()> {
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(dir.join(sub))
            .with_context(|| format!("creating {}", dir.join(sub).display()))?;
    }
    if plusplus_folder {
        fs::write(dir.join("maildirfolder"), b"")?;
    }
    Ok(())
}

/// Size Dovecot reports for RFC822.SIZE: bare LFs count as CRLF.
fn virtual_size(raw: &[u8]) -> usize {
    let bare_lf = raw
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' && (i == 0 || raw[i - 1] != b'\r'))
        .count();
    raw.len() + bare_lf
}

/// Maildir file name; the fixed-width time and sequence keep name order == corpus order.
pub(crate) fn file_name(msg: &CorpusMessage, index: usize, tag: &str) -> String {
    let mut flags: Vec<char> = msg.flags.iter().map(|f| f.maildir_char()).collect();
    flags.sort_unstable();
    flags.dedup();
    let flags: String = flags.into_iter().collect();
    format!(
        "{:010}.M{:06}P{}.{tag},S={},W={}:2,{flags}",
        msg.internal_date.max(0),
        index,
        std::process::id(),
        msg.raw.len(),
        virtual_size(&msg.raw)
    )
}

pub(crate) fn write_message(
    dir: &Path,
    msg: &CorpusMessage,
    index: usize,
    tag: &str,
) -> Result<()> {
    let path = dir.join("cur").join(file_name(msg, index, tag));
    let mut f = fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(&msg.raw)?;
    let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(msg.internal_date.max(0) as u64);
    f.set_modified(mtime)
        .with_context(|| format!("setting mtime of {}", path.display()))?;
    Ok(())
}

fn write_folder(maildir: &Path, layout: Layout, folder: &CorpusFolder) -> Result<()> {
    let dir = folder_dir(maildir, layout, &folder.name)?;
    for (i, msg) in folder.messages.iter().enumerate() {
        write_message(&dir, msg, i, "ikt")?;
    }
    Ok(())
}

/// Writes `corpus` into `home/Maildir` (which may not exist yet) plus a `subscriptions` file
/// listing every folder.
pub(crate) fn write_corpus(home: &Path, layout: Layout, corpus: &Corpus) -> Result<()> {
    let maildir = home.join("Maildir");
    make_maildir(&maildir, false)?;
    let mut subs = String::from("V\t2\n\n");
    for folder in &corpus.folders {
        let dir = folder_dir(&maildir, layout, &folder.name)?;
        make_maildir(&dir, layout == Layout::Legacy && folder.name != "INBOX")?;
        if layout == Layout::ExchangeLike {
            // A parent without cur/ lists as \Noselect; Exchange has no such folders.
            let mut parent = dir.parent().map(Path::to_path_buf);
            while let Some(p) = parent {
                if p == maildir || !p.starts_with(&maildir) {
                    break;
                }
                make_maildir(&p, false)?;
                parent = p.parent().map(Path::to_path_buf);
            }
        }
        let levels: Vec<String> = folder.name.split('/').map(mutf7::encode).collect();
        subs.push_str(&levels.join("\t"));
        subs.push('\n');
    }
    fs::write(maildir.join("subscriptions"), subs)?;

    // Two writers keep a 1 GB corpus to a few seconds without swamping a 2-core machine.
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let mut buckets: Vec<Vec<&CorpusFolder>> = vec![Vec::new(); threads];
    let mut load = vec![0u64; threads];
    let mut order: Vec<&CorpusFolder> = corpus.folders.iter().collect();
    order.sort_by_key(|f| {
        std::cmp::Reverse(f.messages.iter().map(|m| m.raw.len() as u64).sum::<u64>())
    });
    for f in order {
        let i = (0..threads).min_by_key(|&i| load[i]).unwrap_or(0);
        load[i] += f.messages.iter().map(|m| m.raw.len() as u64).sum::<u64>();
        buckets[i].push(f);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = buckets
            .iter()
            .map(|b| {
                let maildir = &maildir;
                s.spawn(move || -> Result<()> {
                    for f in b {
                        write_folder(maildir, layout, f)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_paths() {
        let m = Path::new("/m");
        let p = |l, n| {
            folder_dir(m, l, n)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|e| e.to_string())
        };
        assert_eq!(p(Layout::Legacy, "INBOX"), "/m");
        assert_eq!(p(Layout::Legacy, "Projects/2024"), "/m/.Projects.2024");
        assert_eq!(p(Layout::Legacy, "R&D"), "/m/.R&-D");
        assert_eq!(p(Layout::Legacy, "研究室/学会"), "/m/.&eBR6dluk-.&W2ZPGg-");
        assert!(p(Layout::Legacy, "a.b").contains("'.'"));
        assert_eq!(p(Layout::ExchangeLike, "Sent Items"), "/m/Sent Items");
        assert_eq!(
            p(Layout::ExchangeLike, "研究室/学会"),
            "/m/&eBR6dluk-/&W2ZPGg-"
        );
    }
}
