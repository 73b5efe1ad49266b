//! # Migration verification, as pure functions
//!
//! Maps old folders to new ones, matches messages by identity and turns the differences into
//! findings with a one-line verdict. Inputs are plain `model` values gathered elsewhere.

pub mod csv;
pub mod findings;
pub mod identity;
pub mod listing;
pub mod mapping;
pub mod matching;
pub mod names;
pub mod path;
pub mod result;
pub mod rules;
pub mod verdict;

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
