//! # Background work: the network never runs on the UI's thread of control
//!
//! Each [`Effect`] that needs the network becomes a tokio task that reports back over a
//! channel as [`TaskEvent`]s; the event loop folds those into the state. A task that fails
//! reports its error as one line; a task that panics is reported too, so a server panel
//! never stays "connecting" forever.

use tokio::sync::mpsc::UnboundedSender;

use super::app::{GatherRequest, Stage, TaskEvent};
use super::config::one_line;
use crate::imap::{self, Credentials};
use crate::profile::resolve_credentials;
use crate::service::{self, ServiceError, inventory};

/// Starts signing in and gathering one server's inventory; returns at once.
pub fn spawn_gather(request: GatherRequest, tx: UnboundedSender<TaskEvent>) {
    let (side, generation) = (request.side, request.generation);
    let work = tokio::spawn(gather(request, tx.clone()));
    tokio::spawn(async move {
        let result = match work.await {
            Ok(Ok(inventory)) => Ok(Box::new(inventory)),
            Ok(Err(error)) => Err(one_line(&error.to_string())),
            Err(join) => Err(format!("internal error in the background task: {join}")),
        };
        // The receiver is gone only when the app has quit.
        let _ = tx.send(TaskEvent::Inventory {
            side,
            generation,
            result,
        });
    });
}

async fn gather(
    request: GatherRequest,
    tx: UnboundedSender<TaskEvent>,
) -> Result<inventory::Inventory, ServiceError> {
    let GatherRequest {
        side,
        generation,
        profile,
        address,
        secret,
        largest,
    } = request;
    let _ = tx.send(TaskEvent::Stage {
        side,
        generation,
        stage: Stage::Connecting,
    });
    let options = service::imap_options(&profile, side)?;
    let server = profile.server(side);
    let credentials = match secret {
        // Typed into the TUI: used as is, never stored.
        Some(secret) => Credentials {
            username: server.username_for(&address),
            method: server.auth,
            secret,
        },
        // Not typed: the profile's variable or command; never a terminal prompt here.
        None => resolve_credentials(&profile, side, &address, false)?,
    };
    let mut session = imap::connect_read_only(&options, &credentials).await?;
    let _ = tx.send(TaskEvent::Stage {
        side,
        generation,
        stage: Stage::Gathering,
    });
    let result = inventory::gather(&mut session, inventory::InventoryOptions { largest }).await;
    session.logout().await;
    result
}
