//! # `ikou login` and `ikou logout`: Microsoft 365 sign-in for the new server

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde::Serialize;

use super::common::{AccountArgs, Output, ServerArg, load_profile};
use crate::oauth::{self, TerminalPrompt, TokenCache};
use crate::profile::Side;
use crate::report::exit;

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub account: AccountArgs,
    /// Which server to sign in to (the one with [oauth] in the profile).
    #[arg(long, value_enum, default_value = "new")]
    pub server: ServerArg,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Organisation profile (TOML). Default: $IKOU_PROFILE.
    #[arg(
        long,
        short = 'p',
        env = "IKOU_PROFILE",
        required_unless_present = "all"
    )]
    pub profile: Option<PathBuf>,
    /// Your mail address (default: [account] address in the profile).
    #[arg(long, short = 'a', env = "IKOU_ADDRESS")]
    pub address: Option<String>,
    #[arg(long, value_enum, default_value = "new")]
    pub server: ServerArg,
    /// Forget every saved sign-in on this computer.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Serialize)]
struct LoginResult {
    signed_in: bool,
    user: String,
    token_file: String,
    /// When the access token expires (it is refreshed silently after that).
    expires_at: String,
}

#[derive(Debug, Serialize)]
struct LogoutResult {
    forgotten: usize,
    token_dir: String,
}

/// Always runs the device code flow (also to switch accounts or after a revocation).
pub async fn login(args: &LoginArgs, output: Output) -> Result<i32> {
    let profile = load_profile(&args.account.profile)?;
    let side: Side = args.server.into();
    let account =
        crate::service::AccountRef::resolve(&profile, args.account.address.as_deref(), false)?;
    let oauth_account = oauth_account(&profile, side, &account.address)?;
    let cache = TokenCache::default_location()?;
    let token = oauth::sign_in(
        &oauth_account,
        &cache,
        &TerminalPrompt { lang: output.lang },
    )
    .await?;
    let result = LoginResult {
        signed_in: true,
        user: oauth_account.username.clone(),
        token_file: cache.location(&oauth_account.cache_key()).to_string(),
        expires_at: chrono::DateTime::from_timestamp(token.expires_at, 0)
            .map(|t| t.to_rfc3339())
            .unwrap_or_default(),
    };
    output.emit(&result, || {
        let lang = output.lang;
        format!(
            "{} {}\n{} {}\n",
            tr!(lang, "login-signed-in-as"),
            result.user,
            tr!(lang, "login-token-saved-readable-only-by"),
            result.token_file
        )
    })?;
    Ok(exit::OK)
}

pub fn logout(args: &LogoutArgs, output: Output) -> Result<i32> {
    let cache = TokenCache::default_location()?;
    let forgotten = if args.all {
        cache.remove_all()?
    } else {
        let path = args
            .profile
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("give --profile, or --all"))?;
        let profile = load_profile(path)?;
        let account =
            crate::service::AccountRef::resolve(&profile, args.address.as_deref(), false)?;
        let oauth_account = oauth_account(&profile, args.server.into(), &account.address)?;
        usize::from(cache.remove(&oauth_account.cache_key())?)
    };
    let result = LogoutResult {
        forgotten,
        token_dir: cache.dir().display().to_string(),
    };
    output.emit(&result, || {
        if forgotten == 0 {
            format!("{}\n", tr!(output.lang, "login-no-saved-sign-in"))
        } else {
            format!(
                "{} ({forgotten})\n",
                tr!(output.lang, "login-saved-sign-in-removed")
            )
        }
    })?;
    Ok(exit::OK)
}

/// The OAuth account of `address` on one server: the profile's `[side.oauth]` table and the
/// sign-in name its `username` rule gives.
fn oauth_account<'a>(
    profile: &'a crate::profile::Profile,
    side: Side,
    address: &str,
) -> Result<oauth::Account<'a>, oauth::OAuthError> {
    let server = profile.server(side);
    oauth::Account::new(server.oauth.as_ref(), side, server.username_for(address))
}
