//! # Every word a person reads, in Japanese and English, from message catalogs
//!
//! Text shown to people (CLI output, `--help`, prompts, errors as the faces show them, the
//! TUI) lives in [Fluent](https://projectfluent.org/) catalogs, one `.ftl` file per area and
//! language, embedded in the binary:
//!
//! ```text
//! src/i18n/ja/verify.ftl    src/i18n/en/verify.ftl
//! src/i18n/ja/signin.ftl    src/i18n/en/signin.ftl      ... (same file names in both)
//! ```
//!
//! ## How to add text (the whole recipe)
//! 1. Pick the area file (`verify.ftl`, `backup.ftl`, ...; see [`catalog::AREAS`]) and add
//!    the message to **both** `ja/AREA.ftl` and `en/AREA.ftl`. Ids are kebab-case and start
//!    with the area: `verify-missing-title`. Variables are `snake_case`: `{ $count }`.
//!    ```ftl
//!    verify-missing = { $count ->
//!        [one] { $count } message is missing in { $folder }
//!       *[other] { $count } messages are missing in { $folder }
//!    }
//!    ```
//!    ```ftl
//!    verify-missing = { $folder } に { $count } 通ありません
//!    ```
//! 2. In Rust: `tr!(lang, "verify-missing", count = n, folder = name.as_str())` gives a
//!    `String`. Without variables: `tr!(lang, "verify-title")`. The macro is available in
//!    every module of the crate without an import. Values may be strings (`&str`,
//!    `String`, `&String`) or numbers (`u64`, `usize`, `i32`, `f64`, ...); anything else,
//!    `.to_string()` it first (`path.display().to_string()`).
//! 3. A new area: create the two files and add one line to [`catalog::AREAS`].
//! 4. `cargo test --lib i18n` checks: every id is in both languages with the same
//!    variables, every `tr!` in `src/` names an existing id with exactly the message's
//!    variables, every `.ftl` file is listed, no id is defined twice.
//!
//! ## Rules of thumb
//! - One message per sentence or label; never glue translated fragments together in Rust
//!   (word order differs). Put the whole sentence, with its variables, in the catalog.
//! - Plurals: select on the number (`{ $count -> [one] ... *[other] ... }`); Japanese needs
//!   only `*[other]`, or no selector at all.
//! - Leading/trailing spaces of a message are trimmed by Fluent; write `{" "}` to keep one.
//!   Continuation lines (indented) become lines joined by `\n`.
//! - Computed ids (`format!("doctor-{code}")`) cannot be checked by the scan: use
//!   [`message`] and write a unit test that walks every case and asserts [`has`].
//! - Fluent's Unicode bidi isolation marks are turned off: terminals print them as junk.
//! - Protocol and product names (IMAP, POP3, Microsoft 365, OAuth) stay as they are in
//!   Japanese text.
//! - Errors keep their types; the face (cli, tui) turns them into words with `tr!`.

/// The message `id` in `lang` as a `String`: `tr!(lang, "id")` or
/// `tr!(lang, "id", count = n, folder = name)`. See the module documentation.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(,)?) => {
        $crate::i18n::message($lang, $id, &[])
    };
    ($lang:expr, $id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::message(
            $lang,
            $id,
            &[$((stringify!($name), $crate::i18n::FluentValue::from($value))),+],
        )
    };
}

pub mod catalog;
mod lang;
#[cfg(test)]
pub(crate) mod tests;

pub use fluent_bundle::FluentValue;
pub use lang::Lang;

/// The message `id` in `lang`, with `args` filled in.
///
/// A missing id gives the id itself (and a warning in the log); the catalog test keeps that
/// from happening for every id written literally in the code.
pub fn message(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    catalog::format(lang, id, args)
}

/// The attribute `attribute` of message `id` in `lang` (`id.attribute` in the catalog, e.g.
/// a finding's `.meaning` and `.fix`), with `args` filled in; `None` when the message has no
/// such attribute.
pub fn attribute(
    lang: Lang,
    id: &str,
    attribute: &str,
    args: &[(&str, FluentValue<'_>)],
) -> Option<String> {
    catalog::format_attribute(lang, id, attribute, args)
}

/// Why a file could not be read or written, in `lang`; `detail` (the system's English
/// words) when the kind has no message of its own.
pub fn io_reason(kind: std::io::ErrorKind, detail: &str, lang: Lang) -> String {
    use std::io::ErrorKind;
    match kind {
        ErrorKind::NotFound => tr!(lang, "errors-io-not-found"),
        ErrorKind::PermissionDenied => tr!(lang, "errors-io-permission-denied"),
        ErrorKind::IsADirectory => tr!(lang, "errors-io-is-a-directory"),
        ErrorKind::InvalidData => tr!(lang, "errors-io-invalid-data"),
        _ => detail.to_string(),
    }
}

/// Whether both languages have a message `id`.
pub fn has(id: &str) -> bool {
    catalog::has(Lang::Ja, id) && catalog::has(Lang::En, id)
}
