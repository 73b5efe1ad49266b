//! # Token cache: the OS keyring, or one file per account readable only by the user
//!
//! Each account's tokens are one JSON value under the key
//! `<sha256 of authority, tenant, client id, user>`.
//!
//! - **OS keyring** (service `ikou`): the default on macOS (Keychain) and Windows
//!   (Credential Manager), where the store is persistent and always there. On Linux only when
//!   asked (`IKOU_TOKEN_STORE=keyring`, the kernel keyring): ikou runs mostly over SSH and on
//!   lab machines without a desktop session, where no Secret Service runs and the kernel
//!   keyring is emptied when the user's last session ends. A keyring that refuses (locked,
//!   absent) falls back to the file, with a warning that names no secret.
//! - **File**: `$IKOU_CACHE_DIR`, else `$XDG_CACHE_HOME/ikou`, else `~/.cache/ikou`, then
//!   `tokens/<key>.json`, the directory 0700 and each file 0600 from the moment it is created
//!   (written to a temporary name with that mode, then renamed). A file that has become
//!   readable by others is put back to 0600 before use. `IKOU_TOKEN_STORE=file` forces it.
//!
//! `ikou logout` deletes both; keys put in the keyring are listed (keys only, no tokens) in
//! `tokens/keyring-keys` so that `ikou logout --all` can find them.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::OAuthError;
use super::flow::Grant;
use crate::secret::Secret;

/// One account's tokens. `Debug` shows `***` for both tokens (they are [`Secret`]s).
#[derive(Debug, Clone)]
pub struct CachedToken {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Unix seconds when the access token stops working.
    pub expires_at: i64,
    pub username: String,
    pub scope: String,
}

/// The file's layout; private so the only way to a token string is through [`Secret`].
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    username: String,
    scope: String,
    expires_at: i64,
    access_token: String,
    refresh_token: Option<String>,
}

impl CachedToken {
    pub fn from_grant(grant: Grant, username: &str) -> Result<CachedToken, OAuthError> {
        if grant.refresh_token.is_none() {
            return Err(OAuthError::NoRefreshToken);
        }
        Ok(CachedToken {
            expires_at: expiry(grant.expires_in),
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            username: username.to_string(),
            scope: grant.scope,
        })
    }

    /// After a refresh: the server may not send a new refresh token; keep the old one.
    pub fn from_grant_keeping(grant: Grant, old: &Secret) -> Result<CachedToken, OAuthError> {
        Ok(CachedToken {
            expires_at: expiry(grant.expires_in),
            access_token: grant.access_token,
            refresh_token: Some(grant.refresh_token.unwrap_or_else(|| old.clone())),
            username: String::new(),
            scope: grant.scope,
        })
    }
}

fn expiry(expires_in: Option<u64>) -> i64 {
    // Microsoft always states a lifetime; an hour is its usual value when one does not.
    let secs = i64::try_from(expires_in.unwrap_or(3600)).unwrap_or(3600);
    chrono::Utc::now().timestamp().saturating_add(secs)
}

/// The account's cache key: a hash, so file names reveal neither the user nor the tenant.
pub fn key(authority: &str, tenant: &str, client_id: &str, username: &str) -> String {
    let mut hash = Sha256::new();
    for part in [authority, tenant, client_id, &username.to_lowercase()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..16])
}

/// Where the token files live, and whether the OS keyring is tried first.
#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
    keyring: bool,
}

/// Where one account's tokens were put.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredIn {
    Keyring,
    File(PathBuf),
}

impl std::fmt::Display for StoredIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Keyring => write!(f, "the OS keyring (service \"{KEYRING_SERVICE}\")"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

const KEYRING_SERVICE: &str = "ikou";
const KEYRING_INDEX: &str = "keyring-keys";

/// The OS keyring is the default where it is persistent and always present.
fn keyring_by_default() -> bool {
    match std::env::var("IKOU_TOKEN_STORE").as_deref() {
        Ok("keyring") => true,
        Ok("file") => false,
        _ => cfg!(any(target_os = "macos", target_os = "windows")),
    }
}

/// A keyring error in words that can never quote a token (`BadEncoding` carries bytes).
fn keyring_problem(e: &keyring::Error) -> &'static str {
    match e {
        keyring::Error::PlatformFailure(_) => "the keyring service failed",
        keyring::Error::NoStorageAccess(_) => "the keyring is locked or not available",
        keyring::Error::NoEntry => "no entry",
        keyring::Error::BadEncoding(_) => "the entry is not text",
        keyring::Error::TooLong(..) => "the entry is too long for this keyring",
        keyring::Error::Invalid(..) => "invalid keyring attribute",
        keyring::Error::Ambiguous(_) => "several matching keyring entries",
        _ => "unknown keyring error",
    }
}

impl TokenCache {
    /// The user's cache directory (see the module docs).
    pub fn default_location() -> Result<TokenCache, OAuthError> {
        let base = std::env::var_os("IKOU_CACHE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_CACHE_HOME")
                    .filter(|v| !v.is_empty())
                    .map(|d| PathBuf::from(d).join("ikou"))
            })
            .or_else(|| {
                std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .map(|h| PathBuf::from(h).join(".cache").join("ikou"))
            })
            .ok_or_else(|| OAuthError::Cache {
                path: "~/.cache/ikou".into(),
                detail: "neither IKOU_CACHE_DIR, XDG_CACHE_HOME nor HOME is set".into(),
            })?;
        Ok(TokenCache::at(base).with_keyring(keyring_by_default()))
    }

    /// Files under `base/tokens` only; see [`TokenCache::with_keyring`].
    pub fn at(base: impl Into<PathBuf>) -> TokenCache {
        TokenCache {
            dir: base.into().join("tokens"),
            keyring: false,
        }
    }

    /// Try the OS keyring first (files stay the fallback).
    pub fn with_keyring(mut self, keyring: bool) -> TokenCache {
        self.keyring = keyring;
        self
    }

    /// Where this account's token is kept: its file when there is one (a keyring that
    /// refused leaves the token there), else the keyring when that is in use.
    pub fn location(&self, key: &str) -> StoredIn {
        let file = self.path(key);
        if self.keyring && !file.exists() {
            StoredIn::Keyring
        } else {
            StoredIn::File(file)
        }
    }

    fn keyring_entry(key: &str) -> Result<keyring::Entry, keyring::Error> {
        keyring::Entry::new(KEYRING_SERVICE, key)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    pub fn load(&self, key: &str) -> Result<Option<CachedToken>, OAuthError> {
        if self.keyring {
            match Self::keyring_entry(key).and_then(|e| e.get_password()) {
                Ok(text) => return Ok(decode(&text, "keyring")),
                Err(keyring::Error::NoEntry) => {}
                Err(e) => tracing::warn!(
                    "OS keyring not readable ({}); looking for a token file",
                    keyring_problem(&e)
                ),
            }
        }
        let path = self.path(key);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(cache_error(&path, &e.to_string())),
        };
        restrict(&path)?;
        Ok(decode(&text, &path.display().to_string()))
    }

    pub fn store(&self, key: &str, token: &CachedToken) -> Result<StoredIn, OAuthError> {
        create_private_dir(&self.dir)?;
        let stored = Stored {
            version: 1,
            username: token.username.clone(),
            scope: token.scope.clone(),
            expires_at: token.expires_at,
            access_token: token.access_token.expose().to_string(),
            refresh_token: token.refresh_token.as_ref().map(|s| s.expose().to_string()),
        };
        let text = serde_json::to_string(&stored).map_err(|e| {
            cache_error(&self.dir, &format!("cannot encode: {}", e.classify_name()))
        })?;
        if self.keyring {
            match Self::keyring_entry(key).and_then(|e| e.set_password(&text)) {
                Ok(()) => {
                    self.remember_keyring_key(key)?;
                    // An older file copy would otherwise outlive a refresh or a logout.
                    let _ = std::fs::remove_file(self.path(key));
                    return Ok(StoredIn::Keyring);
                }
                Err(e) => {
                    tracing::warn!(
                        "OS keyring not writable ({}); keeping the token in a private file",
                        keyring_problem(&e)
                    );
                    // A half-made entry (Linux: added to the session keyring, then refused
                    // by the persistent one) must not linger with a token in it.
                    let _ = Self::keyring_entry(key).and_then(|e| e.delete_credential());
                }
            }
        }
        let path = self.path(key);
        let tmp = self.dir.join(format!(".{key}.{}.tmp", std::process::id()));
        let _ = std::fs::remove_file(&tmp);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(&tmp).and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, &path)) {
            let _ = std::fs::remove_file(&tmp);
            return Err(cache_error(&path, &e.to_string()));
        }
        Ok(StoredIn::File(path))
    }

    /// Adds `key` to the list of keyring keys (keys only; no token is written here).
    fn remember_keyring_key(&self, key: &str) -> Result<(), OAuthError> {
        let index = self.dir.join(KEYRING_INDEX);
        if self.keyring_keys().iter().any(|k| k == key) {
            return Ok(());
        }
        let mut options = std::fs::OpenOptions::new();
        options.append(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options
            .open(&index)
            .and_then(|mut f| writeln!(f, "{key}"))
            .map_err(|e| cache_error(&index, &e.to_string()))
    }

    fn keyring_keys(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(KEYRING_INDEX))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Deletes the keyring entry (whatever the current setting: it may have been made
    /// under another); true when there was one.
    fn forget_in_keyring(key: &str) -> bool {
        match Self::keyring_entry(key).and_then(|e| e.delete_credential()) {
            Ok(()) => true,
            Err(keyring::Error::NoEntry) => false,
            Err(e) => {
                tracing::warn!("OS keyring entry not removed ({})", keyring_problem(&e));
                false
            }
        }
    }

    /// Forgets one account (keyring and file); true when there was something to forget.
    pub fn remove(&self, key: &str) -> Result<bool, OAuthError> {
        let in_keyring = (self.keyring || self.keyring_keys().iter().any(|k| k == key))
            && Self::forget_in_keyring(key);
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(in_keyring),
            Err(e) => Err(cache_error(&path, &e.to_string())),
        }
    }

    /// Forgets every account; returns how many tokens (keyring entries and files) were
    /// removed.
    pub fn remove_all(&self) -> Result<usize, OAuthError> {
        let mut removed = self
            .keyring_keys()
            .iter()
            .filter(|key| Self::forget_in_keyring(key))
            .count();
        let index = self.dir.join(KEYRING_INDEX);
        if let Err(e) = std::fs::remove_file(&index)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(cache_error(&index, &e.to_string()));
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(cache_error(&self.dir, &e.to_string())),
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                std::fs::remove_file(&path).map_err(|e| cache_error(&path, &e.to_string()))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "data error",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// A damaged entry is treated as "not signed in" rather than an error: signing in again is
/// the fix either way. The parse error is not shown (it may quote a token).
fn decode(text: &str, origin: &str) -> Option<CachedToken> {
    let Ok(stored) = serde_json::from_str::<Stored>(text) else {
        tracing::warn!(origin, "unreadable cached token ignored");
        return None;
    };
    Some(CachedToken {
        access_token: Secret::new(stored.access_token),
        refresh_token: stored.refresh_token.map(Secret::new),
        expires_at: stored.expires_at,
        username: stored.username,
        scope: stored.scope,
    })
}

fn cache_error(path: &Path, detail: &str) -> OAuthError {
    OAuthError::Cache {
        path: path.display().to_string(),
        detail: detail.to_string(),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), OAuthError> {
    std::fs::create_dir_all(dir).map_err(|e| cache_error(dir, &e.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| cache_error(dir, &e.to_string()))?;
    }
    Ok(())
}

/// Puts a token file that others can read back to 0600.
fn restrict(path: &Path) -> Result<(), OAuthError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| cache_error(path, &e.to_string()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            tracing::warn!(file = %path.display(), "token file was readable by others; set to 0600");
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| cache_error(path, &e.to_string()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> CachedToken {
        CachedToken {
            access_token: Secret::new("at-secret-value"),
            refresh_token: Some(Secret::new("rt-secret-value")),
            expires_at: 2_000_000_000,
            username: "taro@example.test".into(),
            scope: "offline_access".into(),
        }
    }

    #[test]
    fn store_load_remove_with_private_modes() {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = TokenCache::at(dir.path());
        let key = key("https://a", "t", "c", "Taro@Example.test");
        assert_eq!(key, super::key("https://a", "t", "c", "taro@example.test"));
        let stored = cache.store(&key, &token()).expect("store");
        let StoredIn::File(path) = stored else {
            panic!("a file-only cache wrote elsewhere: {stored}")
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(cache.dir()), 0o700);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            cache.load(&key).expect("load");
            assert_eq!(mode(&path), 0o600);
        }
        let loaded = cache.load(&key).expect("load").expect("present");
        assert_eq!(loaded.access_token.expose(), "at-secret-value");
        assert_eq!(
            loaded.refresh_token.as_ref().map(Secret::expose),
            Some("rt-secret-value")
        );
        assert!(!format!("{loaded:?}").contains("secret-value"));
        assert!(cache.remove(&key).expect("remove"));
        assert!(cache.load(&key).expect("load").is_none());
        assert!(!cache.remove(&key).expect("remove again"));
    }

    /// The OS keyring path, on this machine's real keyring (the kernel keyring on Linux).
    /// When the machine refuses keyring calls, the same calls must end in the private file
    /// instead; either way the token round-trips and logout forgets it.
    #[test]
    fn keyring_first_with_file_fallback() {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = TokenCache::at(dir.path()).with_keyring(true);
        // A key of its own, so parallel or earlier runs cannot interfere.
        let key = super::key(
            "https://a",
            "t",
            "c",
            &format!("{}@k.test", std::process::id()),
        );
        let stored = cache.store(&key, &token()).expect("store");
        let in_keyring = TokenCache::keyring_entry(&key)
            .and_then(|e| e.get_password())
            .is_ok();
        match &stored {
            StoredIn::Keyring => {
                assert!(in_keyring, "reported keyring but no entry");
                assert!(
                    !cache.path(&key).exists(),
                    "no file copy next to the keyring"
                );
                let index = std::fs::read_to_string(cache.dir().join(KEYRING_INDEX))
                    .expect("keyring index");
                assert_eq!(index.trim(), key, "index lists the key");
                assert!(!index.contains("secret-value"));
            }
            StoredIn::File(path) => {
                assert!(!in_keyring, "a refused keyring keeps no half-made entry");
                assert!(path.exists());
            }
        }
        let loaded = cache.load(&key).expect("load").expect("present");
        assert_eq!(loaded.access_token.expose(), "at-secret-value");
        // A file-only view of the same cache does not see a keyring token, and the
        // keyring view forgets it completely with --all.
        if stored == StoredIn::Keyring {
            assert!(
                TokenCache::at(dir.path())
                    .load(&key)
                    .expect("load")
                    .is_none()
            );
        }
        assert_eq!(cache.remove_all().expect("all"), 1);
        // keyutils may still find an invalidated key for a few milliseconds in the same
        // process (documented by the keyring crate), so give it a moment.
        let gone = (0..50).any(|_| {
            let gone = TokenCache::keyring_entry(&key)
                .and_then(|e| e.get_password())
                .is_err();
            if !gone {
                std::thread::sleep(std::time::Duration::from_millis(40));
            }
            gone
        });
        assert!(gone, "keyring entry removed");
        assert!(cache.load(&key).expect("load").is_none());
    }

    #[test]
    fn damaged_file_means_not_signed_in() {
        let dir = tempfile::tempdir().expect("tmp");
        let cache = TokenCache::at(dir.path());
        cache.store("k", &token()).expect("store");
        std::fs::write(cache.path("k"), "{not json").expect("write");
        assert!(cache.load("k").expect("load").is_none());
        assert_eq!(cache.remove_all().expect("all"), 1);
    }
}
