//! # Mail-client probe: find and read a Thunderbird profile's prefs.js

use std::path::{Path, PathBuf};

use crate::doctor::facts::ClientFacts;
use crate::doctor::prefs;

/// Where Thunderbird keeps `profiles.ini` on Linux (deb, snap, flatpak), macOS and Windows.
pub fn usual_places() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        for rel in [
            ".thunderbird",
            "snap/thunderbird/common/.thunderbird",
            ".var/app/org.mozilla.Thunderbird/.thunderbird",
            ".mozilla-thunderbird",
            "Library/Thunderbird",
        ] {
            out.push(home.join(rel));
        }
    }
    if let Some(appdata) = std::env::var_os("APPDATA").map(PathBuf::from) {
        out.push(appdata.join("Thunderbird"));
    }
    out
}

/// prefs.js for a path that is prefs.js itself, a profile folder, or a folder holding
/// profiles.ini.
pub fn prefs_in(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let direct = path.join("prefs.js");
    if direct.is_file() {
        return Some(direct);
    }
    let ini = std::fs::read_to_string(path.join("profiles.ini")).ok()?;
    let profile = prefs::default_profile(&ini, path)?;
    let file = profile.join("prefs.js");
    file.is_file().then_some(file)
}

/// Reads the given profile, or the default profile found in the usual places.
pub fn probe(given: Option<&Path>) -> ClientFacts {
    let file = match given {
        Some(path) => match prefs_in(path) {
            Some(f) => f,
            None => return ClientFacts::Unreadable(format!("no prefs.js at {}", path.display())),
        },
        None => match usual_places().iter().find_map(|p| prefs_in(p)) {
            Some(f) => f,
            None => return ClientFacts::NotFound,
        },
    };
    match std::fs::read(&file) {
        Ok(bytes) => ClientFacts::Thunderbird {
            prefs: file.display().to_string(),
            accounts: prefs::accounts(&prefs::parse_prefs(&String::from_utf8_lossy(&bytes))),
        },
        Err(e) => ClientFacts::Unreadable(format!("{}: {e}", file.display())),
    }
}
