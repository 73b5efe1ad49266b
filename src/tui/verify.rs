//! # The Verify screen's state and its part of `update`
//!
//! Verification runs as a background task that reports per-folder progress for each server
//! and then the whole [`VerifyReport`] with what a restore from it needs (both sides' folders
//! and the old copies of the messages the findings name, not the mailboxes). From the verdict a person drills
//! into one kind of finding (missing, duplicates, garbled, oversize), opens one message's
//! headers (fetched read-only), marks missing messages and restores them to the new server:
//! the plan is shown first and only `y` applies it. Nothing here does I/O.

use super::keys::{Global, Keymap, key, moved_cursor, moves_cursor};
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::compare::result::{Finding, FindingKind};
use crate::profile::Side;
use crate::service::verify::restore::{ItemResult, PlanItem, expand_folder_findings, plan_item};
use crate::service::verify::{RestoreBasis, VerifyReport};

/// The kinds of finding one can drill into, in the order they are listed.
pub const KINDS: [FindingKind; 4] = [
    FindingKind::Missing,
    FindingKind::Duplicate,
    FindingKind::Garbled,
    FindingKind::Oversize,
];

/// A finished verification: the report and what restoring from it needs (the folders'
/// names on the wire, the old copies of the missing messages).
#[derive(Debug, Clone)]
pub struct VerifyOutcome {
    pub report: VerifyReport,
    pub basis: RestoreBasis,
}

/// How far one server's reading has come.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadProgress {
    pub connected: bool,
    pub done: usize,
    pub total: usize,
    pub folder: String,
}

/// Where the verification stands.
#[derive(Debug, Clone)]
pub enum VerifyRun {
    Idle,
    Running([ReadProgress; 2]),
    Done(Arc<VerifyOutcome>),
    Failed(String),
}

/// Which message's headers are shown, and where to fetch them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderTarget {
    pub side: Side,
    pub folder: String,
    /// The folder's name on the wire (modified UTF-7).
    pub raw_folder: String,
    pub uid: u32,
    pub subject: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Headers {
    Loading,
    Loaded(String),
    Failed(String),
}

/// Restore: the plan, then its application.
#[derive(Debug, Clone)]
pub enum RestoreStep {
    Plan,
    Applying,
    Done(Result<Vec<ItemResult>, String>),
}

/// What the Verify screen shows.
#[derive(Debug, Clone)]
pub enum VerifyMode {
    /// The verdict, the kinds with their counts, the per-folder table.
    Summary,
    /// The findings of `KINDS[kind]`.
    List,
    Headers {
        target: HeaderTarget,
        headers: Headers,
        scroll: u16,
    },
    Restore {
        plan: Vec<PlanItem>,
        folders_to_create: Vec<String>,
        step: RestoreStep,
    },
}

#[derive(Debug, Clone)]
pub struct VerifyState {
    pub run: VerifyRun,
    pub mode: VerifyMode,
    /// Index into [`KINDS`] (the summary's cursor and the open list).
    pub kind: usize,
    pub selected: usize,
    pub offset: usize,
    /// Marked findings of the missing list (indices into the report's findings).
    pub marked: Vec<usize>,
    /// First row of the summary's folder table (PgUp/PgDn scroll it).
    pub folder_offset: usize,
    /// First row of the restore plan's table.
    pub plan_offset: usize,
    pub generation: u64,
}

impl Default for VerifyState {
    fn default() -> Self {
        VerifyState {
            run: VerifyRun::Idle,
            mode: VerifyMode::Summary,
            kind: 0,
            selected: 0,
            offset: 0,
            marked: Vec::new(),
            folder_offset: 0,
            plan_offset: 0,
            generation: 0,
        }
    }
}

/// What the Verify screen asks the app to do (the app turns these into effects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyAction {
    Run,
    FetchHeaders(HeaderTarget),
    Apply,
}

/// What the verification task reports.
#[derive(Debug, Clone)]
pub enum VerifyEvent {
    Connected(Side),
    Progress {
        side: Side,
        done: usize,
        total: usize,
        folder: String,
    },
    Finished(Result<Arc<VerifyOutcome>, String>),
    Headers {
        uid: u32,
        result: Result<String, String>,
    },
    Restored(Result<Vec<ItemResult>, String>),
}

/// Findings of one kind, as (index in the report, finding).
pub fn findings_of(report: &VerifyReport, kind: FindingKind) -> Vec<(usize, &Finding)> {
    report
        .comparison
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.reason.kind() == kind)
        .collect()
}

/// The help bar of the findings list (`missing`: marking and the restore plan apply).
pub fn list_keymap(missing: bool) -> Keymap {
    let mut k = vec![
        key("Up/Dn", "tui-key-move"),
        key("Left/Right", "tui-key-kind"),
        key("Enter", "tui-key-headers"),
    ];
    if missing {
        k.push(key("Space", "tui-key-mark"));
        k.push(key("p", "tui-key-restore-plan"));
    }
    k.push(key("Esc", "tui-key-back"));
    Keymap::new(k, Global::Short)
}

impl VerifyState {
    /// The help bar for what the screen shows.
    pub fn keymap(&self) -> Keymap {
        match &self.mode {
            VerifyMode::Summary if self.outcome().is_some() => Keymap::new(
                vec![
                    key("Up/Dn", "tui-key-kind"),
                    key("Enter", "tui-key-list"),
                    key("PgUp/PgDn", "tui-key-folder-table"),
                    key("v", "tui-key-verify-again"),
                ],
                Global::All,
            ),
            VerifyMode::Summary => Keymap::new(vec![key("v/Enter", "tui-key-verify")], Global::All),
            VerifyMode::List => list_keymap(KINDS[self.kind] == FindingKind::Missing),
            VerifyMode::Headers { .. } => Keymap::new(
                vec![
                    key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                    key("Esc", "tui-key-back"),
                ],
                Global::Short,
            ),
            VerifyMode::Restore { step, .. } => match step {
                RestoreStep::Plan => Keymap::new(
                    vec![
                        key("y", "tui-key-restore-to-the-new-server"),
                        key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                        key("Esc", "tui-key-back-2"),
                    ],
                    Global::None,
                ),
                RestoreStep::Applying => Keymap::new(vec![], Global::None),
                RestoreStep::Done(_) => Keymap::new(
                    vec![
                        key("v", "tui-key-verify-again"),
                        key("Esc", "tui-key-back-to-the-list"),
                        key("q", "tui-key-quit"),
                    ],
                    Global::None,
                ),
            },
        }
    }

    pub fn outcome(&self) -> Option<&Arc<VerifyOutcome>> {
        match &self.run {
            VerifyRun::Done(outcome) => Some(outcome),
            _ => None,
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.run, VerifyRun::Running(_))
            || matches!(
                self.mode,
                VerifyMode::Restore {
                    step: RestoreStep::Applying,
                    ..
                }
            )
    }

    /// Starts a new run: everything shown before is dropped.
    pub fn start(&mut self) -> u64 {
        self.generation += 1;
        self.run = VerifyRun::Running([ReadProgress::default(), ReadProgress::default()]);
        self.mode = VerifyMode::Summary;
        self.selected = 0;
        self.offset = 0;
        self.marked.clear();
        self.generation
    }

    pub fn on_event(&mut self, event: VerifyEvent) {
        match event {
            VerifyEvent::Connected(side) => {
                if let VerifyRun::Running(progress) = &mut self.run {
                    progress[side.index()].connected = true;
                }
            }
            VerifyEvent::Progress {
                side,
                done,
                total,
                folder,
            } => {
                if let VerifyRun::Running(progress) = &mut self.run {
                    progress[side.index()] = ReadProgress {
                        connected: true,
                        done,
                        total,
                        folder,
                    };
                }
            }
            VerifyEvent::Finished(result) => {
                self.run = match result {
                    Ok(outcome) => VerifyRun::Done(outcome),
                    Err(reason) => VerifyRun::Failed(reason),
                };
            }
            VerifyEvent::Headers { uid, result } => {
                if let VerifyMode::Headers {
                    target, headers, ..
                } = &mut self.mode
                    && target.uid == uid
                {
                    *headers = match result {
                        Ok(text) => Headers::Loaded(text),
                        Err(reason) => Headers::Failed(reason),
                    };
                }
            }
            VerifyEvent::Restored(result) => {
                if let VerifyMode::Restore { step, .. } = &mut self.mode {
                    *step = RestoreStep::Done(result);
                }
                self.marked.clear();
            }
        }
    }

    /// Number of rows in the open list.
    fn list_len(&self) -> usize {
        self.outcome()
            .map(|o| findings_of(&o.report, KINDS[self.kind]).len())
            .unwrap_or(0)
    }

    /// The finding under the cursor in the open list.
    pub fn current(&self) -> Option<(usize, &Finding)> {
        let outcome = self.outcome()?;
        findings_of(&outcome.report, KINDS[self.kind])
            .get(self.selected)
            .copied()
    }

    /// Handles a key; `None` when the key is not the screen's (global keys then apply).
    pub fn key(&mut self, key: KeyEvent, page: usize) -> Option<Option<VerifyAction>> {
        match &mut self.mode {
            VerifyMode::Summary => match key.code {
                KeyCode::Enter | KeyCode::Char('v') if !self.running() => {
                    match (&self.run, key.code) {
                        (VerifyRun::Done(_), KeyCode::Enter) => {
                            self.mode = VerifyMode::List;
                            self.selected = 0;
                            self.offset = 0;
                            Some(None)
                        }
                        _ => Some(Some(VerifyAction::Run)),
                    }
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    self.kind = self.kind.saturating_sub(1);
                    Some(None)
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    self.kind = (self.kind + 1).min(KINDS.len() - 1);
                    Some(None)
                }
                // The folder table scrolls by pages; the view keeps the last page full.
                KeyCode::PageDown | KeyCode::PageUp | KeyCode::Home | KeyCode::End
                    if self.outcome().is_some() =>
                {
                    let last = self
                        .outcome()
                        .map_or(0, |o| o.report.comparison.folders.len().saturating_sub(1));
                    self.folder_offset = match key.code {
                        KeyCode::PageDown => self.folder_offset.saturating_add(page),
                        KeyCode::PageUp => self.folder_offset.min(last).saturating_sub(page),
                        KeyCode::Home => 0,
                        _ => last,
                    }
                    .min(last);
                    Some(None)
                }
                _ => None,
            },
            VerifyMode::List => {
                let len = self.list_len();
                match key.code {
                    KeyCode::Esc | KeyCode::Backspace => self.mode = VerifyMode::Summary,
                    code if moves_cursor(code) => {
                        self.selected = moved_cursor(self.selected, code, page)
                    }
                    KeyCode::Left => {
                        self.kind = self.kind.saturating_sub(1);
                        self.selected = 0;
                    }
                    KeyCode::Right => {
                        self.kind = (self.kind + 1).min(KINDS.len() - 1);
                        self.selected = 0;
                    }
                    KeyCode::Char(' ') if KINDS[self.kind] == FindingKind::Missing => {
                        if let Some((index, _)) = self.current() {
                            match self.marked.iter().position(|m| *m == index) {
                                Some(at) => {
                                    self.marked.remove(at);
                                }
                                None => self.marked.push(index),
                            }
                        }
                    }
                    KeyCode::Enter => {
                        let target = self.header_target()?;
                        self.mode = VerifyMode::Headers {
                            target: target.clone(),
                            headers: Headers::Loading,
                            scroll: 0,
                        };
                        self.clamp(len, page);
                        return Some(Some(VerifyAction::FetchHeaders(target)));
                    }
                    KeyCode::Char('p') if KINDS[self.kind] == FindingKind::Missing => self.plan(),
                    _ => return None,
                }
                self.clamp(len, page);
                Some(None)
            }
            VerifyMode::Headers { scroll, .. } => {
                match key.code {
                    KeyCode::Esc | KeyCode::Backspace => self.mode = VerifyMode::List,
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::PageUp => {
                        *scroll = scroll.saturating_sub(u16::try_from(page).unwrap_or(10))
                    }
                    KeyCode::PageDown => {
                        *scroll = scroll.saturating_add(u16::try_from(page).unwrap_or(10))
                    }
                    KeyCode::Home => *scroll = 0,
                    _ => return None,
                }
                Some(None)
            }
            VerifyMode::Restore { plan, step, .. } => match (key.code, &step) {
                (KeyCode::Char('y'), RestoreStep::Plan) if !plan.is_empty() => {
                    *step = RestoreStep::Applying;
                    Some(Some(VerifyAction::Apply))
                }
                (KeyCode::Esc | KeyCode::Char('n') | KeyCode::Backspace, RestoreStep::Plan) => {
                    self.mode = VerifyMode::List;
                    Some(None)
                }
                (KeyCode::Esc | KeyCode::Enter, RestoreStep::Done(_)) => {
                    self.mode = VerifyMode::List;
                    Some(None)
                }
                (KeyCode::Char('v'), RestoreStep::Done(_)) => Some(Some(VerifyAction::Run)),
                // The plan's (or the results') table scrolls.
                (
                    KeyCode::Up
                    | KeyCode::Char('k')
                    | KeyCode::Down
                    | KeyCode::Char('j')
                    | KeyCode::PageUp
                    | KeyCode::PageDown
                    | KeyCode::Home
                    | KeyCode::End,
                    RestoreStep::Plan | RestoreStep::Done(_),
                ) => {
                    let len = match step {
                        RestoreStep::Done(Ok(results)) => results.len(),
                        _ => plan.len(),
                    };
                    let last = len.saturating_sub(1);
                    let offset = self.plan_offset.min(last);
                    self.plan_offset = match key.code {
                        KeyCode::Up | KeyCode::Char('k') => offset.saturating_sub(1),
                        KeyCode::Down | KeyCode::Char('j') => offset + 1,
                        KeyCode::PageUp => offset.saturating_sub(page),
                        KeyCode::PageDown => offset.saturating_add(page),
                        KeyCode::Home => 0,
                        _ => last,
                    }
                    .min(last);
                    Some(None)
                }
                // Nothing else while applying: the plan is being carried out.
                (_, RestoreStep::Applying) => Some(None),
                _ => None,
            },
        }
    }

    /// Keeps the list's cursor inside the list and on screen.
    pub fn clamp(&mut self, len: usize, page: usize) {
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }

    /// Where the message under the cursor lives: the old copy for missing, garbled and
    /// oversize findings, the new copy for duplicates.
    fn header_target(&self) -> Option<HeaderTarget> {
        let outcome = self.outcome()?;
        let (_, finding) = self.current()?;
        let message = finding.message.as_ref()?;
        let (side, folder) = if finding.reason.kind() == FindingKind::Duplicate {
            (Side::New, finding.new_folder.clone()?)
        } else {
            (Side::Old, finding.old_folder.clone()?)
        };
        let raw_folder = match side {
            Side::Old => outcome.basis.old_raw_name(&folder),
            Side::New => outcome.basis.new_raw_name(&folder),
        }
        .unwrap_or(&folder)
        .to_string();
        Some(HeaderTarget {
            side,
            folder,
            raw_folder,
            uid: message.uid,
            subject: message.subject.clone().unwrap_or_default(),
        })
    }

    /// The restore plan for the marked messages (or the one under the cursor).
    fn plan(&mut self) {
        let Some(outcome) = self.outcome().cloned() else {
            return;
        };
        let findings = &outcome.report.comparison.findings;
        let chosen: Vec<usize> = if self.marked.is_empty() {
            self.current().map(|(i, _)| i).into_iter().collect()
        } else {
            let mut marked = self.marked.clone();
            marked.sort_unstable();
            marked
        };
        let chosen: Vec<&Finding> = chosen.iter().filter_map(|i| findings.get(*i)).collect();
        let plan: Vec<PlanItem> = expand_folder_findings(&chosen, findings)
            .into_iter()
            .filter_map(|f| plan_item(f, &outcome.basis))
            .collect();
        self.plan_offset = 0;
        let mut folders_to_create: Vec<String> = Vec::new();
        for item in &plan {
            if !outcome.basis.new_has(&item.new_folder)
                && !folders_to_create.contains(&item.new_folder)
            {
                folders_to_create.push(item.new_folder.clone());
            }
        }
        self.mode = VerifyMode::Restore {
            plan,
            folders_to_create,
            step: RestoreStep::Plan,
        };
    }
}
