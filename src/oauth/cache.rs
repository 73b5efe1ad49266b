//! # Token cache: one file per account, readable only by the user
//!
//! `$IKOU_CACHE_DIR`, else `$XDG_CACHE_HOME/ikou`, else `~/.cache/ikou`; tokens live in
//! `tokens/<sha256 of authority, tenant, client id, user>.json`, the directory 0700 and
//! each file 0600 from the moment it is created (written to a temporary name with that
//! mode, then renamed). A file that has become readable by others is put back to 0600
//! before use.
//!
//! Why a file and not the OS keyring: ikou runs mostly over SSH and on lab machines
//! without a desktop session, where no Secret Service is running and a keyring call
//! would fail or block; a 0600 file in the home directory is the same trust the user
//! already gives `~/.ssh`. `ikou logout` deletes it.

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

/// The directory holding token files.
#[derive(Debug, Clone)]
pub struct TokenCache {
    dir: PathBuf,
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
        Ok(TokenCache::at(base))
    }

    pub fn at(base: impl Into<PathBuf>) -> TokenCache {
        TokenCache {
            dir: base.into().join("tokens"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    pub fn load(&self, key: &str) -> Result<Option<CachedToken>, OAuthError> {
        let path = self.path(key);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(cache_error(&path, &e.to_string())),
        };
        restrict(&path)?;
        // A damaged file is treated as "not signed in" rather than an error: signing in
        // again is the fix either way. The parse error is not shown (it may quote a token).
        let Ok(stored) = serde_json::from_str::<Stored>(&text) else {
            tracing::warn!(file = %path.display(), "unreadable token cache file ignored");
            return Ok(None);
        };
        Ok(Some(CachedToken {
            access_token: Secret::new(stored.access_token),
            refresh_token: stored.refresh_token.map(Secret::new),
            expires_at: stored.expires_at,
            username: stored.username,
            scope: stored.scope,
        }))
    }

    pub fn store(&self, key: &str, token: &CachedToken) -> Result<PathBuf, OAuthError> {
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
        Ok(path)
    }

    /// Forgets one account; true when there was something to forget.
    pub fn remove(&self, key: &str) -> Result<bool, OAuthError> {
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(cache_error(&path, &e.to_string())),
        }
    }

    /// Forgets every account; returns how many files were removed.
    pub fn remove_all(&self) -> Result<usize, OAuthError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(cache_error(&self.dir, &e.to_string())),
        };
        let mut removed = 0;
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
        let path = cache.store(&key, &token()).expect("store");
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
