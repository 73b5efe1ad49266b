//! # The profile an IT centre builds into its own package
//!
//! `IKOU_EMBED_PROFILE=univ.toml cargo build --release` (or `scripts/package --profile
//! univ.toml`) compiles the file in; see build.rs and docs/rollout.en.md.

include!(concat!(env!("OUT_DIR"), "/embedded_profile.rs"));
