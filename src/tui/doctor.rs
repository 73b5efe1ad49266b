//! # The Doctor screen's state: the run, the findings, which one is open
//!
//! The findings come from `doctor::DoctorReport` (the same rules and words as `ikou
//! doctor`); the probing runs as a background task. Nothing here does I/O.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::doctor::DoctorReport;
use crate::profile::Profile;

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
}

impl Default for DoctorState {
    fn default() -> Self {
        DoctorState {
            run: DoctorRun::Idle,
            selected: 0,
            offset: 0,
            generation: 0,
        }
    }
}

impl DoctorState {
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

    /// Handles a key; `Some(true)` asks for a run, `None` when the key is not the screen's.
    pub fn key(&mut self, key: KeyEvent, page: usize) -> Option<bool> {
        let len = match &self.run {
            DoctorRun::Done(report) => report.findings.len(),
            _ => 0,
        };
        match key.code {
            KeyCode::Char('d') | KeyCode::Enter if !self.running() => return Some(true),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected += 1,
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(page),
            KeyCode::PageDown => self.selected += page,
            KeyCode::Home => self.selected = 0,
            KeyCode::End => self.selected = usize::MAX,
            _ => return None,
        }
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        Some(false)
    }
}
