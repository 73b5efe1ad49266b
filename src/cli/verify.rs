//! # `ikou snapshot`, `ikou verify` and `ikou restore`

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::common::{AccountArgs, Output, load_profile};
use crate::i18n::Lang;
use crate::profile::Side;
use crate::report::{Align, Table, exit, grouped, human_size};
use crate::service::AccountRef;
use crate::service::verify::restore::{ItemOutcome, PlanItem, RestoreOptions, RestoreReport};
use crate::service::verify::{self, OldSource};

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Where to write the snapshot (JSON; metadata only, no message bodies).
    #[arg(long, short = 'o')]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Read the old side from a snapshot (.json) or a backup (.zip) instead of the old server.
    #[arg(long, value_name = "FILE")]
    pub old_from: Option<PathBuf>,
    /// Also write every finding to this CSV file (UTF-8 with BOM, for spreadsheets).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Take the old side and the message bytes from this backup zip.
    #[arg(long, value_name = "FILE.zip")]
    pub from_backup: Option<PathBuf>,
    /// Restore missing messages of this folder (old or new name); repeatable.
    /// Default: the Sent folders.
    #[arg(long)]
    pub folder: Vec<String>,
    /// Append the messages to the new server. Without it, only the plan is shown.
    #[arg(long)]
    pub apply: bool,
}

fn account(args: &AccountArgs, output: Output) -> Result<(crate::profile::Profile, AccountRef)> {
    let profile = load_profile(&args.profile)?;
    let account = output.account(&profile, args.address.as_deref())?;
    Ok((profile, account))
}

/// Both servers are read at once; their prompts (a password, a device code) come first,
/// one after the other, so they never interleave.
async fn sign_in_ahead(
    profile: &crate::profile::Profile,
    account: &mut AccountRef,
    source: &OldSource,
) -> Result<()> {
    if *source == OldSource::Live {
        account.sign_in_ahead(profile, Side::Old).await?;
    }
    account.sign_in_ahead(profile, Side::New).await?;
    Ok(())
}

pub async fn snapshot(args: &SnapshotArgs, output: Output) -> Result<i32> {
    let (profile, account) = account(&args.account, output)?;
    let snap = verify::take_snapshot(&profile, &account, &args.output).await?;
    #[derive(serde::Serialize)]
    struct Saved<'a> {
        file: String,
        server: &'a str,
        folders: usize,
        messages: u64,
        taken: &'a str,
    }
    let saved = Saved {
        file: args.output.display().to_string(),
        server: &snap.head.server,
        folders: snap.folders,
        messages: snap.messages,
        taken: &snap.head.taken,
    };
    let run = crate::report::RunInfo::now(Some(&profile), Some(&account.address));
    output.emit_run(&saved, &run, || {
        let lang = output.lang;
        let saved_line = tr!(
            lang,
            "verify-snapshot-saved",
            file = saved.file.as_str(),
            folders = saved.folders.to_string(),
            messages = grouped(saved.messages)
        );
        format!("{saved_line}\n")
    })?;
    Ok(exit::OK)
}

pub async fn run_verify(args: &VerifyArgs, output: Output) -> Result<i32> {
    let (profile, mut account) = account(&args.account, output)?;
    let source = match &args.old_from {
        Some(path) => OldSource::from_file(path)?,
        None => OldSource::Live,
    };
    sign_in_ahead(&profile, &mut account, &source).await?;
    let silent = crate::service::progress::silent();
    let report = verify::verify_report(&profile, &account, &source, output.lang, &silent).await?;
    if let Some(path) = &args.csv {
        let mut text = String::from("\u{feff}");
        text.push_str(&report.comparison.to_csv_for(output.lang, &report.run));
        crate::private_file::write(path, text)
            .with_context(|| format!("cannot write the CSV file {}", path.display()))?;
    }
    output.emit(&report, || {
        super::verify_text::verify_text(&report, output.lang, crate::report::wrap::terminal_width())
    })?;
    Ok(report.exit_code())
}

pub async fn run_restore(args: &RestoreArgs, output: Output) -> Result<i32> {
    let (profile, mut account) = account(&args.account, output)?;
    let source = match &args.from_backup {
        Some(path) => OldSource::Backup(path.clone()),
        None => OldSource::Live,
    };
    sign_in_ahead(&profile, &mut account, &source).await?;
    let options = RestoreOptions {
        folders: args.folder.clone(),
        from_backup: args.from_backup.clone(),
        apply: args.apply,
    };
    let report = verify::restore::restore(&profile, &account, &options, output.lang).await?;
    let run = crate::report::RunInfo::now(Some(&profile), Some(&account.address));
    output.emit_run(&report, &run, || restore_text(&report, output.lang))?;
    Ok(if report.failed > 0 {
        exit::DIFFERENCES
    } else {
        exit::OK
    })
}

fn or_dash(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

/// Cuts long header text by characters so a table stays readable; the JSON keeps it whole.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn plan_table(items: &[PlanItem], lang: Lang) -> String {
    let old_folder = tr!(lang, "verify-plan-old-folder");
    let new_folder = tr!(lang, "verify-plan-new-folder");
    let date = tr!(lang, "verify-plan-date");
    let subject = tr!(lang, "verify-plan-subject");
    let size = tr!(lang, "verify-plan-size");
    let mut table = Table::new(&[
        (old_folder.as_str(), Align::Left),
        (new_folder.as_str(), Align::Left),
        (date.as_str(), Align::Left),
        (subject.as_str(), Align::Left),
        (size.as_str(), Align::Right),
    ]);
    for i in items {
        table.row(vec![
            i.old_folder.clone(),
            i.new_folder.clone(),
            or_dash(i.date.as_deref()),
            truncate(i.subject.as_deref().unwrap_or(""), 40),
            human_size(i.size),
        ]);
    }
    table.render()
}

pub fn restore_text(report: &RestoreReport, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(warning) = crate::report::restore_phase_warning(report.phase, lang) {
        let width = crate::report::wrap::terminal_width();
        out.push_str(&crate::report::wrap::wrap(&warning, width, "! ", "  ").join("\n"));
        out.push_str("\n\n");
    }
    let source = match report.source {
        "backup" => tr!(lang, "verify-restore-from-backup"),
        _ => tr!(lang, "verify-restore-from-old-server"),
    };
    if report.plan.is_empty() {
        out.push_str(&tr!(lang, "verify-restore-nothing"));
        out.push('\n');
    } else {
        out.push_str(&tr!(
            lang,
            "verify-restore-plan",
            count = report.plan.len().to_string(),
            size = human_size(report.plan_bytes),
            source = source,
            server = report.new_server.as_str()
        ));
        out.push('\n');
        out.push_str(&plan_table(&report.plan, lang));
        for folder in &report.folders_to_create {
            out.push_str(&tr!(
                lang,
                "verify-restore-create-folder",
                folder = folder.as_str()
            ));
            out.push('\n');
        }
    }
    if !report.oversize.is_empty() {
        out.push('\n');
        out.push_str(&tr!(lang, "verify-restore-oversize"));
        out.push('\n');
        out.push_str(&plan_table(&report.oversize, lang));
    }
    if !report.applied {
        if !report.plan.is_empty() {
            out.push('\n');
            out.push_str(&tr!(lang, "verify-restore-plan-only"));
            out.push('\n');
        }
        return out;
    }
    out.push('\n');
    for r in &report.results {
        let what = match r.outcome {
            ItemOutcome::Appended => tr!(lang, "verify-restore-appended"),
            ItemOutcome::AlreadyPresent => tr!(lang, "verify-restore-already-present"),
            ItemOutcome::TooLarge => tr!(lang, "verify-restore-too-large"),
            ItemOutcome::Failed => tr!(lang, "verify-restore-failed"),
        };
        out.push_str(&format!(
            "{what}: {} / {}{}\n",
            r.item.new_folder,
            r.item.subject.as_deref().unwrap_or(""),
            r.error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&tr!(
        lang,
        "verify-restore-summary",
        appended = report.appended.to_string(),
        present = report.already_present.to_string(),
        failed = report.failed.to_string()
    ));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::verify::restore::ItemResult;

    fn item(subject: &str) -> PlanItem {
        PlanItem {
            old_folder: "INBOX".into(),
            new_folder: "Inbox".into(),
            uid: 1,
            size: 2048,
            date: Some("2024-01-02".into()),
            from: None,
            subject: Some(subject.into()),
            key: "mid:x".into(),
            body_hash: None,
            flags: Vec::new(),
            internal_date: None,
        }
    }

    fn report(applied: bool, source: &'static str) -> RestoreReport {
        let outcomes = [
            ItemOutcome::Appended,
            ItemOutcome::AlreadyPresent,
            ItemOutcome::TooLarge,
            ItemOutcome::Failed,
        ];
        RestoreReport {
            phase: crate::profile::Phase::Unknown,
            source,
            new_server: "outlook.office365.com".into(),
            applied,
            plan: vec![item("a"), item("b")],
            plan_bytes: 4096,
            oversize: vec![item("big")],
            folders_to_create: vec!["研究室".into()],
            results: outcomes
                .into_iter()
                .map(|outcome| ItemResult {
                    item: item("s"),
                    outcome,
                    error: None,
                })
                .collect(),
            appended: 1,
            already_present: 2,
            failed: 3,
            verification: None,
        }
    }

    /// Every sentence of the restore text, word for word in both languages.
    #[test]
    fn restore_text_sentences() {
        let plan = restore_text(&report(false, "live"), Lang::Ja);
        for line in [
            "2 通 (4.0 KiB) を旧サーバから新サーバ outlook.office365.com へ戻します:\n",
            "新フォルダ「研究室」を作成します。\n",
            "サイズ上限を超えるため戻せないメール (添付を保存して削除するか、分割してください):\n",
            "これは計画です。実行するには --apply を付けてください。\n",
        ] {
            assert!(plan.contains(line), "{line}\n{plan}");
        }
        let plan = restore_text(&report(false, "backup"), Lang::En);
        for line in [
            "Restore 2 messages (4.0 KiB) from the backup to the new server outlook.office365.com:\n",
            "The new folder 研究室 will be created.\n",
            "Too large for the new server, not restored (save the attachments elsewhere):\n",
            "This is the plan only; run again with --apply to do it.\n",
        ] {
            assert!(plan.contains(line), "{line}\n{plan}");
        }
        let done = restore_text(&report(true, "live"), Lang::Ja);
        for line in [
            "\n追加しました: Inbox / s\n既にあります: Inbox / s\n大きすぎます: Inbox / s\n失敗: Inbox / s\n",
            "追加 1 通、既存 2 通、失敗 3 通\n",
        ] {
            assert!(done.contains(line), "{line}\n{done}");
        }
        let done = restore_text(&report(true, "live"), Lang::En);
        assert!(
            done.ends_with(
                "appended: Inbox / s\nalready there: Inbox / s\ntoo large: Inbox / s\nFAILED: Inbox / s\n1 appended, 2 already there, 3 failed\n"
            ),
            "{done}"
        );
        let mut empty = report(false, "live");
        empty.plan.clear();
        empty.oversize.clear();
        assert!(restore_text(&empty, Lang::Ja).starts_with("新サーバに戻すメールはありません。\n"));
        assert!(
            restore_text(&empty, Lang::En)
                .starts_with("Nothing to restore: no missing messages selected.\n")
        );
    }
}
