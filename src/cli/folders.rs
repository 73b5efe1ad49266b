//! # `ikou folders` and `ikou quota`

use anyhow::Result;

use super::common::{AccountArgs, Output, load_profile};
use super::folders_text as text;
use crate::profile::Side;
use crate::report::{RunInfo, exit};
use crate::service::{self, inventory, pop3_inventory};

pub async fn folders(args: &AccountArgs, side: Side, output: Output) -> Result<i32> {
    let (inventory, run) = gather(args, side, 0, output).await?;
    output.emit_run(&inventory, &run, || {
        text::folders_text(&inventory, output.lang)
    })?;
    Ok(exit::OK)
}

pub async fn quota(args: &AccountArgs, side: Side, largest: usize, output: Output) -> Result<i32> {
    let profile = load_profile(&args.profile)?;
    let (inventory, run) = gather(args, side, largest, output).await?;
    output.emit_run(&inventory, &run, || {
        text::quota_text(
            &inventory,
            profile.limits.target_mailbox_bytes(),
            output.lang,
        )
    })?;
    Ok(exit::OK)
}

async fn gather(
    args: &AccountArgs,
    side: Side,
    largest: usize,
    output: Output,
) -> Result<(inventory::Inventory, RunInfo)> {
    let profile = load_profile(&args.profile)?;
    let account = output.account(&profile, args.address.as_deref())?;
    let run = RunInfo::now(Some(&profile), Some(&account.address));
    let options = inventory::InventoryOptions {
        largest,
        size_limit: Some(profile.limits.max_message_bytes()),
    };
    let inventory = inventory::run(
        &profile,
        side,
        &account,
        options,
        &service::progress::silent(),
    )
    .await?;
    Ok((inventory, run))
}

/// `--protocol pop3`: the maildrop's STAT/LIST/UIDL figures and the largest messages.
pub async fn pop3(args: &AccountArgs, side: Side, largest: usize, output: Output) -> Result<i32> {
    let profile = load_profile(&args.profile)?;
    let account = output.account(&profile, args.address.as_deref())?;
    let run = RunInfo::now(Some(&profile), Some(&account.address));
    let mut session = service::open_pop3_session(&profile, side, &account).await?;
    let result = pop3_inventory::gather(&mut session, largest).await;
    if let Err(error) = session.quit().await {
        tracing::warn!(%error, "POP3 QUIT failed");
    }
    let inventory = result?;
    output.emit_run(&inventory, &run, || {
        text::pop3_text(&inventory, output.lang)
    })?;
    Ok(exit::OK)
}
