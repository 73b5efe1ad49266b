//! # Background work: the network never runs on the UI's thread of control
//!
//! Each [`Effect`](super::protocol::Effect) that needs the network becomes a tokio task that
//! reports back over a channel as [`TaskEvent`]s; the event loop folds those into the state.
//! A task that fails reports its error as one line; a task that panics is reported too, so
//! a panel never stays "connecting" forever.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use super::config::one_line;
use super::protocol::{DeviceCode, GatherRequest, SignIn, Stage, TaskEvent};
use super::verify::{HeaderTarget, VerifyEvent, VerifyOutcome};
use crate::i18n::Lang;
use crate::oauth::{DeviceCodePrompt, DevicePrompt};
use crate::profile::Side;
use crate::service::backup::{self, BackupError, BackupOptions, ProgressSink};
use crate::service::progress::{Progress, ReadStep};
use crate::service::signin;
use crate::service::verify::restore::{self, PlanItem};
use crate::service::verify::{self, OldSource, VerifyError};
use crate::service::{self, AccountRef, ServiceError, inventory};

/// Runs `work` as a task and hands its result (or its panic, as an error line) to `report`.
fn spawn_reporting<T, F, R>(work: F, report: R)
where
    T: Send + 'static,
    F: Future<Output = Result<T, String>> + Send + 'static,
    R: FnOnce(Result<T, String>) + Send + 'static,
{
    let handle = tokio::spawn(work);
    tokio::spawn(async move {
        let result = match handle.await {
            Ok(result) => result,
            Err(join) => Err(format!("internal error in the background task: {join}")),
        };
        report(result);
    });
}

/// Starts signing in and gathering one server's inventory; returns at once.
pub fn spawn_gather(request: GatherRequest, tx: UnboundedSender<TaskEvent>) {
    let (side, generation, lang) = (request.side, request.generation, request.lang);
    let work_tx = tx.clone();
    spawn_reporting(
        async move {
            gather(request, work_tx)
                .await
                .map(Box::new)
                .map_err(|e| error_line(&e, lang))
        },
        move |result| {
            // The receiver is gone only when the app has quit.
            let _ = tx.send(TaskEvent::Inventory {
                side,
                generation,
                result,
            });
        },
    );
}

/// An error as the screen shows it: sign-in errors in the person's language; a Microsoft
/// 365 sign-in that failed also names the key that starts it again.
fn error_line(error: &ServiceError, lang: Lang) -> String {
    let line = one_line(&signin::explain(error, lang));
    if matches!(
        error,
        ServiceError::OAuth(_) | ServiceError::TokenRejected { .. }
    ) {
        format!("{line} {}", tr!(lang, "signin-retry-hint"))
    } else {
        line
    }
}

/// Shows a device code on the screen (through the task channel) and counts down each
/// second until the sign-in ends.
struct ScreenPrompt {
    tx: UnboundedSender<TaskEvent>,
    side: Side,
    generation: u64,
    done: CancellationToken,
}

impl DevicePrompt for ScreenPrompt {
    fn show(&self, prompt: &DeviceCodePrompt) {
        let (tx, side, generation, done) = (
            self.tx.clone(),
            self.side,
            self.generation,
            self.done.clone(),
        );
        let prompt = prompt.clone();
        let deadline = Instant::now() + prompt.expires_in;
        tokio::spawn(async move {
            loop {
                let remaining_secs = deadline.saturating_duration_since(Instant::now()).as_secs();
                let event = TaskEvent::DeviceCode(DeviceCode {
                    side,
                    generation,
                    user_code: prompt.user_code.clone(),
                    verification_uri: prompt.verification_uri.clone(),
                    remaining_secs,
                });
                if tx.send(event).is_err() || remaining_secs == 0 {
                    return;
                }
                tokio::select! {
                    () = done.cancelled() => return,
                    () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
                }
            }
        });
    }
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
        lang,
    } = request;
    let _ = tx.send(TaskEvent::Stage {
        side,
        generation,
        stage: Stage::Connecting,
    });
    // Typed into the TUI: used as is, never stored; else the seam's order. Never a
    // terminal prompt (the screen owns the terminal); a device code goes on the screen.
    let done = CancellationToken::new();
    let prompt_done = done.clone();
    let prompt = ScreenPrompt {
        tx: tx.clone(),
        side,
        generation,
        done: done.clone(),
    };
    let account = AccountRef::new(address, false)
        .with_lang(lang)
        .with_typed(side, secret)
        .with_device_prompt(Arc::new(prompt));
    // Signed in: the device code (if any) has done its work; the gauge says "counting".
    let stage_tx = tx.clone();
    let progress: Progress = Arc::new(move |step| {
        if let ReadStep::Connected(_) = step {
            done.cancel();
            let _ = stage_tx.send(TaskEvent::Stage {
                side,
                generation,
                stage: Stage::Gathering,
            });
        }
    });
    let options = inventory::InventoryOptions {
        largest,
        size_limit: Some(profile.limits.max_message_bytes()),
    };
    let result = inventory::run(&profile, side, &account, options, &progress).await;
    // A failed sign-in also ends the countdown.
    prompt_done.cancel();
    result
}

/// The seam's view of who signs in: the passwords typed on screen, never a terminal prompt.
fn account(sign_in: &SignIn) -> AccountRef {
    AccountRef::new(sign_in.address.clone(), false)
        .with_typed(Side::Old, sign_in.secrets[Side::Old.index()].clone())
        .with_typed(Side::New, sign_in.secrets[Side::New.index()].clone())
}

fn verify_sender(
    tx: &UnboundedSender<TaskEvent>,
    generation: u64,
) -> impl Fn(VerifyEvent) + Send + Sync + Clone + 'static {
    let tx = tx.clone();
    move |event| {
        let _ = tx.send(TaskEvent::Verify { generation, event });
    }
}

/// A verify error as the screen shows it (sign-in errors explained in the person's language).
fn verify_error_line(error: &VerifyError, lang: Lang) -> String {
    match error {
        VerifyError::Service(e) => error_line(e, lang),
        other => one_line(&other.to_string()),
    }
}

/// Compares both mailboxes, both read live and concurrently, through the same use case as
/// `ikou verify`; each folder read moves a gauge.
pub fn spawn_verify(generation: u64, sign_in: SignIn, lang: Lang, tx: UnboundedSender<TaskEvent>) {
    let send = verify_sender(&tx, generation);
    let done = send.clone();
    let progress: Progress = Arc::new(move |step| match step {
        ReadStep::Connected(side) => send(VerifyEvent::Connected(side)),
        ReadStep::Folder {
            side,
            done,
            total,
            folder,
        } => send(VerifyEvent::Progress {
            side,
            done,
            total,
            folder,
        }),
    });
    spawn_reporting(
        async move {
            let account = account(&sign_in).with_lang(lang);
            let (report, basis) = verify::verify_with(
                &sign_in.profile,
                &account,
                &OldSource::Live,
                lang,
                &progress,
            )
            .await
            .map_err(|e| verify_error_line(&e, lang))?;
            Ok(Arc::new(VerifyOutcome { report, basis }))
        },
        move |result| done(VerifyEvent::Finished(result)),
    );
}

/// Fetches one message's header block (EXAMINE + `BODY.PEEK[HEADER]`).
pub fn spawn_headers(
    generation: u64,
    sign_in: SignIn,
    target: HeaderTarget,
    lang: Lang,
    tx: UnboundedSender<TaskEvent>,
) {
    let send = verify_sender(&tx, generation);
    let uid = target.uid;
    spawn_reporting(
        async move {
            let fetched = verify::message_header(
                &sign_in.profile,
                &account(&sign_in).with_lang(lang),
                target.side,
                &target.raw_folder,
                target.uid,
            )
            .await
            .map_err(|e| verify_error_line(&e, lang))?;
            match fetched {
                Some(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
                None => Err(tr!(
                    lang,
                    "verify-message-gone",
                    uid = target.uid,
                    folder = target.folder.as_str()
                )),
            }
        },
        move |result| send(VerifyEvent::Headers { uid, result }),
    );
}

/// Appends the planned messages to the new server (bytes read from the old one).
pub fn spawn_restore(
    generation: u64,
    sign_in: SignIn,
    plan: Vec<PlanItem>,
    outcome: Arc<VerifyOutcome>,
    lang: Lang,
    tx: UnboundedSender<TaskEvent>,
) {
    let send = verify_sender(&tx, generation);
    spawn_reporting(
        async move {
            restore::apply_plan(
                &sign_in.profile,
                &account(&sign_in).with_lang(lang),
                &plan,
                &outcome.basis,
                None,
                outcome.report.limits.max_message_bytes,
            )
            .await
            .map_err(|e| verify_error_line(&e, lang))
        },
        move |result| send(VerifyEvent::Restored(result)),
    );
}

/// Runs a backup of the old server over IMAP; `cancel` stops it between messages.
pub fn spawn_backup(
    generation: u64,
    sign_in: SignIn,
    folders: Vec<String>,
    output: PathBuf,
    cancel: CancellationToken,
    tx: UnboundedSender<TaskEvent>,
) {
    let started = Instant::now();
    let progress_tx = tx.clone();
    let sink: ProgressSink = Arc::new(move |event| {
        let _ = progress_tx.send(TaskEvent::Backup {
            generation,
            event,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
    });
    let was_cancelled = cancel.clone();
    spawn_reporting(
        async move {
            let mut options = BackupOptions::new(output);
            options.side = Side::Old;
            options.folders = folders;
            options.cancel = Some(cancel);
            match backup::run(&sign_in.profile, &account(&sign_in), &options, sink).await {
                Ok(result) => Ok(Box::new(result)),
                Err(BackupError::Cancelled) => Err(String::new()),
                Err(e) => Err(one_line(&e.to_string())),
            }
        },
        move |result| {
            let cancelled = result.is_err() && was_cancelled.is_cancelled();
            let _ = tx.send(TaskEvent::BackupEnded {
                generation,
                result,
                cancelled,
            });
        },
    );
}

/// Diagnoses the organisation's domain with `service::doctor::run`, exactly as `ikou
/// doctor` does (DNS, autoconfig/autodiscover, TLS, the local mail client; no login test).
pub fn spawn_doctor(
    generation: u64,
    profile: Option<Arc<crate::profile::Profile>>,
    address: String,
    today: chrono::NaiveDate,
    dns_server: Option<std::net::SocketAddr>,
    tx: UnboundedSender<TaskEvent>,
) {
    spawn_reporting(
        async move {
            let mut options = service::doctor::DoctorOptions::new(today);
            options.profile = profile.map(|p| (*p).clone());
            options.address = (!address.is_empty()).then_some(address);
            options.dns_server = dns_server;
            options.interactive = false;
            service::doctor::run(&options)
                .await
                .map(Box::new)
                .map_err(|e| one_line(&e.to_string()))
        },
        move |result| {
            let _ = tx.send(TaskEvent::Doctor { generation, result });
        },
    );
}

/// Makes `ikou report`'s support report (quota, verification, doctor; subjects and
/// addresses hidden) with the passwords typed on screen, and names the file it is to be
/// saved to: `dir` (else the current directory) / `ikou-report-<local time>.json`.
pub fn spawn_support(
    generation: u64,
    sign_in: SignIn,
    lang: Lang,
    today: chrono::NaiveDate,
    dns_server: Option<std::net::SocketAddr>,
    dir: Option<PathBuf>,
    tx: UnboundedSender<TaskEvent>,
) {
    spawn_reporting(
        async move {
            let mut doctor = service::doctor::DoctorOptions::new(today);
            doctor.profile = Some((*sign_in.profile).clone());
            doctor.address = Some(sign_in.address.clone());
            doctor.dns_server = dns_server;
            doctor.interactive = false;
            doctor.client = service::doctor::ClientCheck::Skip;
            let options = service::support::SupportOptions {
                today,
                with_subjects: false,
                doctor: Some(doctor),
                lang,
            };
            let report =
                service::support::support_report(&sign_in.profile, &account(&sign_in), &options)
                    .await;
            let dir = dir
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_default();
            let name = format!(
                "ikou-report-{}.json",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            );
            Ok((Arc::new(report), dir.join(name)))
        },
        move |result| {
            let _ = tx.send(TaskEvent::Support { generation, result });
        },
    );
}

/// The local screen's work through `service::local`, as `ikou local` and `ikou local upload`
/// do it: the folder list (files only read), or the comparison with the new server and,
/// with `apply`, the upload, or the backup into a zip; `cancel` stops an upload or a backup
/// between two messages.
pub fn spawn_local(
    generation: u64,
    request: super::local::LocalRequest,
    sign_in: Option<SignIn>,
    lang: Lang,
    cancel: CancellationToken,
    tx: UnboundedSender<TaskEvent>,
) {
    use super::local::{LocalEvent, LocalRequest};
    use crate::service::local::{self, LocalServiceError, UploadOptions, UploadSink};
    let send = move |event: LocalEvent| {
        let _ = tx.send(TaskEvent::Local { generation, event });
    };
    match request {
        LocalRequest::Read { thunderbird } => spawn_reporting(
            async move {
                tokio::task::spawn_blocking(move || local::inventory(thunderbird.as_deref()))
                    .await
                    .map_err(|e| format!("internal error in the background task: {e}"))?
                    .map(Box::new)
                    .map_err(|e| local_error_line(&e, lang))
            },
            move |result| send(LocalEvent::Read(result)),
        ),
        LocalRequest::Backup {
            thunderbird,
            output,
        } => {
            let account = sign_in.map(|s| s.address).unwrap_or_default();
            let progress_send = send.clone();
            spawn_reporting(
                async move {
                    tokio::task::spawn_blocking(move || {
                        local::backup_with(
                            Some(&thunderbird),
                            &output,
                            &account,
                            &|step| progress_send(LocalEvent::BackupStep(step)),
                            &|| cancel.is_cancelled(),
                        )
                    })
                    .await
                    .map_err(|e| format!("internal error in the background task: {e}"))?
                    .map(Box::new)
                    .map_err(|e| match e {
                        LocalServiceError::Local(e) => local_error_line(&e, lang),
                        other => one_line(&other.to_string()),
                    })
                },
                move |result| send(LocalEvent::BackedUp(result)),
            );
        }
        LocalRequest::Upload { thunderbird, apply } => {
            let progress_send = send.clone();
            let sink: UploadSink =
                Arc::new(move |event| progress_send(LocalEvent::Progress(event)));
            spawn_reporting(
                async move {
                    let Some(sign_in) = sign_in else {
                        return Err(tr!(lang, "local-tui-sign-in-first"));
                    };
                    let options = UploadOptions {
                        thunderbird: Some(thunderbird),
                        folders: Vec::new(),
                        apply,
                    };
                    local::upload_with(
                        &sign_in.profile,
                        &account(&sign_in).with_lang(lang),
                        &options,
                        Some(&sink),
                        Some(&cancel),
                    )
                    .await
                    .map(Box::new)
                    .map_err(|e| match e {
                        LocalServiceError::Service(e) => error_line(&e, lang),
                        LocalServiceError::Verify(e) => verify_error_line(&e, lang),
                        LocalServiceError::Local(e) => local_error_line(&e, lang),
                        other => one_line(&other.to_string()),
                    })
                },
                move |result| send(LocalEvent::Uploaded(result)),
            );
        }
    }
}

/// Why the local folders could not be read, in the person's language.
fn local_error_line(error: &crate::local::LocalError, lang: Lang) -> String {
    tracing::warn!("local folders: {error}");
    error.text(lang)
}

/// Runs the profile search as a task; the answer comes back as [`TaskEvent::ProfileFound`].
pub fn spawn_find(generation: u64, address: String, tx: UnboundedSender<TaskEvent>) {
    tokio::spawn(async move {
        let options = crate::service::find_profile::FindOptions::from_env();
        let result = crate::service::find_profile::find(&address, &options)
            .await
            .map(Box::new);
        let _ = tx.send(TaskEvent::ProfileFound { generation, result });
    });
}
