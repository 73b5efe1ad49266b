//! # The Doctor screen's state: the run, the findings, which one is open, the support report
//!
//! The findings come from `doctor::DoctorReport` (the same rules and words as `ikou
//! doctor`); the probing runs as a background task. The support report (`h`) is the one
//! `ikou report` writes, made by the same service function, shown as text to read before it
//! is saved (`s`). Nothing here does I/O.

use super::keys::{Global, Keymap, key, moved_cursor, moves_cursor};
use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::doctor::DoctorReport;
use crate::profile::Profile;
use crate::service::support::SupportReport;

/// The support report panel over the Doctor screen.
#[derive(Debug, Clone, Default)]
pub enum SupportView {
    #[default]
    Closed,
    /// Quota, verification and doctor are running.
    Running,
    /// Made: the text is shown; `s` saves it to `path`.
    Preview {
        report: Arc<SupportReport>,
        path: PathBuf,
        scroll: u16,
    },
    Saved(PathBuf),
    Failed(String),
}

/// What a key on the Doctor screen asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoctorAction {
    Run,
    /// Make the support report.
    Report,
    /// Save the report shown.
    Save,
}

/// The domain the doctor checks: the profile's, else the address's.
pub fn domain(profile: Option<&Profile>, address: &str) -> String {
    profile
        .map(|p| p.organisation.domain.clone())
        .filter(|d| !d.is_empty())
        .or_else(|| address.split_once('@').map(|(_, d)| d.to_string()))
        .unwrap_or_default()
        .to_ascii_lowercase()
}

#[derive(Debug, Clone)]
pub enum DoctorRun {
    Idle,
    Running,
    Done(Box<DoctorReport>),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct DoctorState {
    pub run: DoctorRun,
    pub selected: usize,
    pub offset: usize,
    pub generation: u64,
    pub support: SupportView,
    pub support_generation: u64,
}

impl Default for DoctorState {
    fn default() -> Self {
        DoctorState {
            run: DoctorRun::Idle,
            selected: 0,
            offset: 0,
            generation: 0,
            support: SupportView::Closed,
            support_generation: 0,
        }
    }
}

impl DoctorState {
    /// The help bar: the support report's panel, or the diagnosis.
    pub fn keymap(&self) -> Keymap {
        match &self.support {
            SupportView::Closed if self.running() => Keymap::new(vec![], Global::All),
            SupportView::Closed => Keymap::new(
                vec![
                    key("d/Enter", "tui-key-diagnose"),
                    key("Up/Dn", "tui-key-choose"),
                    key("h", "tui-key-report-for-the-helpdesk"),
                ],
                Global::All,
            ),
            SupportView::Preview { .. } => Keymap::new(
                vec![
                    key("s", "tui-key-save"),
                    key("Up/Dn/PgUp/PgDn", "tui-key-scroll"),
                    key("Esc", "tui-key-close"),
                    key("q", "tui-key-quit"),
                ],
                Global::None,
            ),
            _ => Keymap::new(
                vec![key("Esc", "tui-key-close"), key("q", "tui-key-quit")],
                Global::None,
            ),
        }
    }

    pub fn running(&self) -> bool {
        matches!(self.run, DoctorRun::Running)
    }

    pub fn start(&mut self) -> u64 {
        self.generation += 1;
        self.run = DoctorRun::Running;
        self.selected = 0;
        self.offset = 0;
        self.generation
    }

    pub fn finished(&mut self, result: Result<Box<DoctorReport>, String>) {
        self.run = match result {
            Ok(report) => DoctorRun::Done(report),
            Err(reason) => DoctorRun::Failed(reason),
        };
    }

    pub fn support_running(&self) -> bool {
        matches!(self.support, SupportView::Running)
    }

    pub fn start_support(&mut self) -> u64 {
        self.support_generation += 1;
        self.support = SupportView::Running;
        self.support_generation
    }

    pub fn support_made(&mut self, result: Result<(Arc<SupportReport>, PathBuf), String>) {
        self.support = match result {
            Ok((report, path)) => SupportView::Preview {
                report,
                path,
                scroll: 0,
            },
            Err(reason) => SupportView::Failed(reason),
        };
    }

    pub fn support_saved(&mut self, result: Result<PathBuf, String>) {
        self.support = match result {
            Ok(path) => SupportView::Saved(path),
            Err(reason) => SupportView::Failed(reason),
        };
    }

    /// Keys of the support report panel; `None` when the panel is closed or the key is not
    /// its own.
    fn support_key(&mut self, key: KeyEvent, page: usize) -> Option<Option<DoctorAction>> {
        let step = u16::try_from(page).unwrap_or(u16::MAX);
        if matches!(self.support, SupportView::Closed) {
            return None;
        }
        if key.code == KeyCode::Esc {
            // A report still being made is dropped when it arrives (generation).
            if self.support_running() {
                self.support_generation += 1;
            }
            self.support = SupportView::Closed;
            return Some(None);
        }
        match (&mut self.support, key.code) {
            (SupportView::Preview { .. }, KeyCode::Char('s')) => Some(Some(DoctorAction::Save)),
            (SupportView::Preview { scroll, .. }, code) => {
                *scroll = match code {
                    KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
                    KeyCode::Down | KeyCode::Char('j') => scroll.saturating_add(1),
                    KeyCode::PageUp => scroll.saturating_sub(step),
                    KeyCode::PageDown => scroll.saturating_add(step),
                    KeyCode::Home => 0,
                    _ => return None,
                };
                Some(None)
            }
            (SupportView::Saved(_) | SupportView::Failed(_), KeyCode::Char('h')) => {
                Some(Some(DoctorAction::Report))
            }
            _ => None,
        }
    }

    /// Handles a key; `Some(Some(action))` asks for work, `None` when the key is not the
    /// screen's.
    pub fn key(&mut self, key: KeyEvent, page: usize) -> Option<Option<DoctorAction>> {
        if let Some(handled) = self.support_key(key, page) {
            return Some(handled);
        }
        if !matches!(self.support, SupportView::Closed) {
            return None;
        }
        let len = match &self.run {
            DoctorRun::Done(report) => report.findings.len(),
            _ => 0,
        };
        match key.code {
            KeyCode::Char('d') | KeyCode::Enter if !self.running() => {
                return Some(Some(DoctorAction::Run));
            }
            KeyCode::Char('h') => return Some(Some(DoctorAction::Report)),
            code if moves_cursor(code) => self.selected = moved_cursor(self.selected, code, page),
            _ => return None,
        }
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        Some(None)
    }
}
