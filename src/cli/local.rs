//! # `ikou local`, `ikou local backup`, `ikou local upload`
//!
//! Thin face over `service::local`: the mail that exists only in Thunderbird on this PC
//! (Local Folders and POP accounts), its backup, and its upload to the new server.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Subcommand};

use super::common::{AccountArgs, Output, load_profile};
use crate::i18n::Lang;
use crate::report::{Align, Table, grouped, human_size};
use crate::service::local::{
    self, LocalBackupReport, LocalInventory, Skipped, UploadOptions, UploadOutcome, UploadReport,
};

#[derive(Debug, Args)]
pub struct LocalArgs {
    #[command(subcommand)]
    pub action: Option<LocalAction>,
    /// Thunderbird profile folder (or the folder with profiles.ini). Default: search.
    #[arg(long, global = true)]
    pub thunderbird: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum LocalAction {
    /// List the local folders with counts and sizes (the default).
    List,
    /// Back the local folders up into an eml-in-zip archive (under Local/).
    Backup {
        /// Archive to create or extend.
        #[arg(long, short = 'o')]
        output: PathBuf,
        /// Your mail address, recorded in the archive (default: $IKOU_ADDRESS).
        #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
        address: Option<String>,
    },
    /// Compare with the new server and upload what exists only on this PC (plan unless --apply).
    Upload {
        #[command(flatten)]
        account: AccountArgs,
        /// Upload only this local folder (`folder` or `account/folder`); repeatable.
        #[arg(long)]
        folder: Vec<String>,
        /// Append for real; otherwise only the plan is shown.
        #[arg(long)]
        apply: bool,
    },
}

pub async fn run(args: LocalArgs, output: Output) -> Result<i32> {
    let thunderbird = args.thunderbird.clone();
    match args.action.unwrap_or(LocalAction::List) {
        LocalAction::List => {
            let inventory =
                tokio::task::spawn_blocking(move || local::inventory(thunderbird.as_deref()))
                    .await??;
            output.emit(&inventory, || inventory_text(&inventory, output.lang))?;
            Ok(0)
        }
        LocalAction::Backup {
            output: file,
            address,
        } => {
            let account = address.unwrap_or_default();
            let report = tokio::task::spawn_blocking(move || {
                local::backup(thunderbird.as_deref(), &file, &account)
            })
            .await??;
            output.emit(&report, || backup_text(&report, output.lang))?;
            Ok(0)
        }
        LocalAction::Upload {
            account,
            folder,
            apply,
        } => {
            let profile = load_profile(&account.profile)?;
            let mut who = output.account(&profile, account.address.as_deref())?;
            // One sign-in for the comparison and the upload, asked before any work starts.
            who.sign_in_ahead(&profile, crate::profile::Side::New)
                .await?;
            let options = UploadOptions {
                thunderbird,
                folders: folder,
                apply,
            };
            let report = local::upload(&profile, &who, &options).await?;
            output.emit(&report, || upload_text(&report, output.lang))?;
            Ok(if report.failed > 0 { 1 } else { 0 })
        }
    }
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

pub fn inventory_text(inv: &LocalInventory, lang: Lang) -> String {
    let mut out = tr!(lang, "local-profile", path = path_text(&inv.profile));
    out.push('\n');
    if inv.stores.is_empty() {
        out.push_str(&tr!(lang, "local-no-stores"));
        out.push('\n');
        return out;
    }
    for store in &inv.stores {
        out.push('\n');
        out.push_str(&tr!(
            lang,
            "local-store",
            name = store.name.as_str(),
            messages = store.messages,
            size = human_size(store.bytes)
        ));
        out.push('\n');
        let mut table = Table::new(&[
            (&tr!(lang, "local-col-folder"), Align::Left),
            (&tr!(lang, "local-col-messages"), Align::Right),
            (&tr!(lang, "local-col-size"), Align::Right),
            (&tr!(lang, "local-col-deleted"), Align::Right),
        ]);
        for f in &store.folders {
            let mut name = f.name.clone();
            if f.changed_while_read {
                name.push_str(" *");
            }
            let [messages, size, deleted] = f.cells();
            table.row(vec![name, messages, size, deleted]);
        }
        out.push_str(&table.render());
    }
    out.push('\n');
    out.push_str(&tr!(
        lang,
        "local-total",
        messages = inv.messages,
        size = human_size(inv.bytes)
    ));
    out.push('\n');
    if inv.has_deleted() {
        out.push_str(&tr!(lang, "local-deleted-note"));
        out.push('\n');
    }
    out.push_str(&changed_note(&inv.changed, lang));
    out
}

pub fn backup_text(report: &LocalBackupReport, lang: Lang) -> String {
    let mut out = tr!(
        lang,
        "local-backup-done",
        path = path_text(&report.archive),
        added = report.added,
        already = report.already,
        total = report.messages
    );
    out.push('\n');
    out.push_str(&tr!(
        lang,
        "local-backup-verify-hint",
        path = path_text(&report.archive)
    ));
    out.push('\n');
    out.push_str(&changed_note(&report.changed, lang));
    out
}

pub fn upload_text(report: &UploadReport, lang: Lang) -> String {
    let mut out = tr!(
        lang,
        "local-upload-against",
        server = report.new_server.as_str()
    );
    out.push('\n');
    let mut table = Table::new(&[
        (&tr!(lang, "local-col-folder"), Align::Left),
        (&tr!(lang, "local-col-new-folder"), Align::Left),
        (&tr!(lang, "local-col-messages"), Align::Right),
        (&tr!(lang, "local-col-on-new"), Align::Right),
        (&tr!(lang, "local-col-only-here"), Align::Right),
        (&tr!(lang, "local-col-size"), Align::Right),
        (&tr!(lang, "local-col-note"), Align::Left),
    ]);
    for f in &report.folders {
        let note = match f.skipped {
            Some(Skipped::NotByDefault) => tr!(lang, "local-skipped-default"),
            Some(Skipped::NotChosen) => tr!(lang, "local-skipped-not-chosen"),
            None if f.new_folder_missing && f.only_here > 0 => tr!(lang, "local-new-folder"),
            None => String::new(),
        };
        table.row(vec![
            format!("{}/{}", f.store, f.folder),
            f.new_folder.clone(),
            grouped(f.messages),
            grouped(f.on_new),
            grouped(f.only_here),
            human_size(f.only_here_bytes),
            note,
        ]);
    }
    out.push_str(&table.render());
    out.push('\n');
    if report.plan.is_empty() {
        out.push_str(&tr!(lang, "local-upload-nothing"));
        out.push('\n');
    } else if !report.applied {
        out.push_str(&tr!(
            lang,
            "local-upload-plan",
            count = report.plan.len(),
            size = human_size(report.plan_bytes)
        ));
        out.push('\n');
        for folder in &report.folders_to_create {
            out.push_str(&tr!(lang, "local-upload-create", folder = folder.as_str()));
            out.push('\n');
        }
        out.push_str(&tr!(lang, "local-upload-apply-hint"));
        out.push('\n');
    }
    if !report.oversize.is_empty() {
        out.push_str(&tr!(
            lang,
            "local-upload-oversize",
            count = report.oversize.len(),
            limit = human_size(report.limit_bytes)
        ));
        out.push('\n');
        let mut table = Table::new(&[
            (&tr!(lang, "local-col-folder"), Align::Left),
            (&tr!(lang, "local-col-size"), Align::Right),
            (&tr!(lang, "local-col-date"), Align::Left),
            (&tr!(lang, "local-col-subject"), Align::Left),
        ]);
        for i in &report.oversize {
            table.row(vec![
                format!("{}/{}", i.store, i.folder),
                human_size(i.size),
                i.date.clone().unwrap_or_default(),
                i.subject.clone().unwrap_or_default(),
            ]);
        }
        out.push_str(&table.render());
    }
    if report.applied {
        for r in report
            .results
            .iter()
            .filter(|r| matches!(r.outcome, UploadOutcome::Failed | UploadOutcome::Gone))
        {
            out.push_str(&tr!(
                lang,
                "local-upload-failed-item",
                folder = format!("{}/{}", r.item.store, r.item.folder),
                subject = r.item.subject.clone().unwrap_or_default(),
                error = r
                    .error
                    .clone()
                    .unwrap_or_else(|| tr!(lang, "local-upload-gone"))
            ));
            out.push('\n');
        }
        out.push_str(&tr!(
            lang,
            "local-upload-done",
            appended = report.appended,
            already = report.already_present,
            failed = report.failed
        ));
        out.push('\n');
    }
    out.push_str(&changed_note(&report.changed, lang));
    out
}

/// The line saying which folders changed while they were read (Thunderbird was writing),
/// or nothing.
fn changed_note(changed: &[String], lang: Lang) -> String {
    if changed.is_empty() {
        String::new()
    } else {
        format!(
            "{}\n",
            tr!(lang, "local-changed", folders = changed.join(", "))
        )
    }
}
