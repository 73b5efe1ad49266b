//! # What the TUI remembers between runs, and where it finds profiles
//!
//! Only the last profile path and mail address are written, to
//! `$XDG_CONFIG_HOME/ikou/tui.toml` (or `~/.config/ikou/tui.toml`), so that nothing is
//! typed twice. Passwords are never written anywhere: they live in memory for one run.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::profile::Profile;

/// The remembered choices. No secrets, by construction: there is no field for one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remembered {
    pub profile: Option<PathBuf>,
    pub address: Option<String>,
}

impl Remembered {
    /// The default location, or `None` when neither XDG_CONFIG_HOME nor HOME is set.
    pub fn default_path() -> Option<PathBuf> {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|home| PathBuf::from(home).join(".config"))
            })?;
        Some(base.join("ikou").join("tui.toml"))
    }

    /// Reads the file; a missing or unreadable file means nothing is remembered.
    pub fn load(path: &Path) -> Remembered {
        crate::input::read_text_bounded(path, crate::input::SMALL_FILE)
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Writes the file (creating its directory). Failure is reported, not fatal.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = toml::to_string(self).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// A profile the person can pick: its file, and either the loaded profile or why not.
#[derive(Debug, Clone)]
pub struct ProfileChoice {
    pub path: PathBuf,
    pub loaded: Result<Profile, String>,
}

impl ProfileChoice {
    pub fn load(path: &Path) -> ProfileChoice {
        ProfileChoice {
            path: path.to_path_buf(),
            loaded: Profile::load(path).map_err(|e| one_line(&e.to_string())),
        }
    }

    /// The organisation's name, else the file name.
    pub fn title(&self) -> String {
        let file = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string());
        match &self.loaded {
            Ok(profile) if !profile.organisation.name.is_empty() => {
                format!("{} ({file})", profile.organisation.name)
            }
            _ => file,
        }
    }
}

/// Joins a multi-line error into one line for a status bar.
pub fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Folders searched for shipped profiles (see `profile::discovery::local_dirs`).
pub fn profile_dirs() -> Vec<PathBuf> {
    crate::profile::discovery::local_dirs()
}

/// Every `*.toml` in `dirs` plus the `extra` paths (remembered, --profile), without duplicates.
pub fn discover(extra: &[PathBuf], dirs: &[PathBuf]) -> Vec<ProfileChoice> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut push = |path: PathBuf| {
        let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !paths
            .iter()
            .any(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()) == key)
        {
            paths.push(path);
        }
    };
    for path in extra {
        push(path.clone());
    }
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        found.sort();
        for path in found {
            push(path);
        }
    }
    paths.iter().map(|p| ProfileChoice::load(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_profile_and_address_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/tui.toml");
        let remembered = Remembered {
            profile: Some(PathBuf::from("/etc/ikou/univ.toml")),
            address: Some("taro@example-univ.ac.jp".into()),
        };
        remembered.save(&path).expect("save");
        assert_eq!(Remembered::load(&path), remembered);
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().count(), 2, "{text}");
        assert_eq!(
            Remembered::load(&dir.path().join("missing")),
            Remembered::default()
        );
    }

    #[test]
    fn finds_the_shipped_profile() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/profiles");
        let example = dir.join("exchange-online.toml");
        let found = discover(std::slice::from_ref(&example), &[dir.clone(), dir.clone()]);
        let shipped = std::fs::read_dir(&dir).expect("assets/profiles").count();
        assert_eq!(found.len(), shipped, "each file once");
        assert_eq!(found[0].path, example, "the given profile comes first");
        assert!(found[0].loaded.is_ok(), "{:?}", found[0].loaded);
        assert!(
            found[0]
                .title()
                .starts_with("Example University (exchange-online.toml)")
        );
    }
}
