//! # `--help` and command-line errors in the reader's language
//!
//! clap builds the command from the derive definitions; before parsing, every about and
//! argument help is replaced from the `help` catalog (`help-PATH`, `help-PATH--ARG`, falling
//! back to the parent's `help-PARENT--ARG` for shared arguments), and clap's own words
//! (usage, headings, the help/version flags, parse errors) come from the catalog too.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};

use super::command::Cli;
use crate::i18n::{self, Lang};

/// The language `--lang` asks for, else the environment's; read before clap parses.
pub fn lang_of(args: &[OsString]) -> Lang {
    let mut args = args.iter().map(|a| a.to_string_lossy());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--lang") {
            Some("") => args.next().map(|v| v.to_string()),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        };
        match value.as_deref() {
            Some("ja") => return Lang::Ja,
            Some("en") => return Lang::En,
            _ => {}
        }
    }
    Lang::from_env()
}

/// The command tree with every text from the catalog of `lang`.
pub fn command(lang: Lang) -> clap::Command {
    let usage = tr!(lang, "help-usage");
    localise(Cli::command(), "ikou", lang, &usage)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(tr!(lang, "help-flag-version"))
                .help_heading(tr!(lang, "help-heading-options")),
        )
}

/// The catalog text for `id`, if there is one.
fn text(lang: Lang, id: &str) -> Option<String> {
    i18n::has(id).then(|| i18n::message(lang, id, &[]))
}

/// The message id of an argument's help: its own, else the nearest ancestor's.
pub(crate) fn arg_help_id(path: &str, arg: &str) -> Option<String> {
    let arg = arg.replace('_', "-");
    let mut path = path.to_string();
    loop {
        let id = format!("help-{path}--{arg}");
        if i18n::has(&id) {
            return Some(id);
        }
        path.truncate(path.rfind('-')?);
    }
}

/// What clap would add in English after an argument's help: default, possible values,
/// environment variable.
fn notes(arg: &Arg, lang: Lang) -> String {
    let mut notes = String::new();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() && arg.get_action().takes_values() {
        notes.push_str(&format!(
            " [{}]",
            tr!(lang, "help-default", value = defaults.join(", "))
        ));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() && arg.get_action().takes_values() {
        notes.push_str(&format!(
            " [{}]",
            tr!(lang, "help-values", values = values.join(", "))
        ));
    }
    if let Some(env) = arg.get_env()
        && !arg.is_hide_env_set()
    {
        notes.push_str(&format!(
            " [{}]",
            tr!(lang, "help-env", name = env.to_string_lossy().into_owned())
        ));
    }
    notes
}

fn localise(mut cmd: clap::Command, path: &str, lang: Lang, usage: &str) -> clap::Command {
    if let Some(about) = text(lang, &format!("help-{path}")) {
        cmd = cmd.about(about).long_about(None);
    }
    let options = tr!(lang, "help-heading-options");
    let arguments = tr!(lang, "help-heading-arguments");
    let ids: Vec<(String, bool, String)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional(), notes(a, lang)))
        .collect();
    for (id, positional, notes) in ids {
        let help = arg_help_id(path, &id).map(|id| i18n::message(lang, &id, &[]));
        let heading = if positional { &arguments } else { &options };
        cmd = cmd.mut_arg(&id, |arg| {
            let help = help
                .or_else(|| arg.get_help().map(ToString::to_string))
                .unwrap_or_default();
            let takes_values = arg.get_action().takes_values();
            let has_env = arg.get_env().is_some();
            arg.help_heading(heading.clone())
                .help(format!("{help}{notes}"))
                .long_help(None)
                .hide_default_value(takes_values)
                .hide_possible_values(takes_values)
                .hide_env(has_env)
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path}-{name}");
        cmd = cmd.mut_subcommand(&name, |sub| localise(sub, &sub_path, lang, usage));
    }
    cmd.disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading(
            tr!(lang, "help-heading-commands")
                .trim_end_matches(':')
                .to_string(),
        )
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{usage} {{usage}}\n\n{{all-args}}{{after-help}}"
        ))
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(tr!(lang, "help-flag-help"))
                .help_heading(options),
        )
}

/// Parses the process arguments: help and version print and exit 0, mistakes print one
/// line in the reader's language and exit 2, as clap does.
pub fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = lang_of(&args);
    let result = command(lang)
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    match result {
        Ok(cli) => cli,
        Err(error) => match error.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => error.exit(),
            _ => {
                eprintln!("ikou: {}", error_text(&error, lang));
                std::process::exit(2)
            }
        },
    }
}

fn context(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::StyledStrs(list)) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// A clap parse error in the reader's language (and the hint to `--help`).
pub fn error_text(error: &clap::Error, lang: Lang) -> String {
    let arg = context(error, ContextKind::InvalidArg);
    let value = context(error, ContextKind::InvalidValue);
    let mut lines = vec![match error.kind() {
        ErrorKind::UnknownArgument => tr!(lang, "help-error-unknown-argument", arg = arg),
        ErrorKind::InvalidValue => {
            let mut line = tr!(lang, "help-error-invalid-value", value = value, arg = arg);
            let values = context(error, ContextKind::ValidValue);
            if !values.is_empty() {
                line = format!(
                    "{line}\n  {}",
                    tr!(lang, "help-error-possible-values", values = values)
                );
            }
            line
        }
        ErrorKind::MissingRequiredArgument => tr!(lang, "help-error-missing", args = arg),
        ErrorKind::InvalidSubcommand => {
            tr!(
                lang,
                "help-error-unknown-command",
                command = context(error, ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::ValueValidation => {
            let reason = std::error::Error::source(error)
                .map(ToString::to_string)
                .unwrap_or_default();
            tr!(
                lang,
                "help-error-value-validation",
                value = value,
                arg = arg,
                reason = reason
            )
        }
        _ => {
            let detail = error.kind().as_str().unwrap_or("?").to_string();
            tr!(lang, "help-error-other", detail = detail)
        }
    }];
    for kind in [ContextKind::SuggestedArg, ContextKind::SuggestedSubcommand] {
        let suggestion = context(error, kind);
        if !suggestion.is_empty() {
            lines.push(format!(
                "  {}",
                tr!(lang, "help-error-suggestion", suggestion = suggestion)
            ));
        }
    }
    let usage = context(error, ContextKind::Usage);
    let command = usage
        .split_whitespace()
        .skip_while(|word| *word != "ikou")
        .skip(1)
        .take_while(|word| !word.starts_with(['[', '<', '-']))
        .fold("ikou".to_string(), |acc, word| format!("{acc} {word}"));
    lines.push(tr!(lang, "help-more", command = command));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument has its --help text in the catalog (both languages, by
    /// the catalog test). A new argument without one fails here with the lines to add.
    #[test]
    fn every_command_and_argument_has_catalog_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if !i18n::has(&format!("help-{path}")) {
                missing.push(format!(
                    "help-{path} = {}",
                    cmd.get_about().map(ToString::to_string).unwrap_or_default()
                ));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if arg_help_id(path, id).is_none() {
                    missing.push(format!(
                        "help-{path}--{} = {}",
                        id.replace('_', "-"),
                        arg.get_help().map(ToString::to_string).unwrap_or_default()
                    ));
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path}-{}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "ikou", &mut missing);
        assert!(
            missing.is_empty(),
            "add to src/i18n/{{ja,en}}/help.ftl:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn help_follows_the_language() {
        let ja = command(Lang::Ja).render_help().to_string();
        assert!(ja.contains("使い方:"), "{ja}");
        assert!(ja.contains("表示の言語"), "{ja}");
        assert!(ja.contains("ヘルプを表示します"), "{ja}");
        assert!(!ja.contains("Print help"), "{ja}");
        let mut backup = command(Lang::Ja);
        let sub = backup
            .find_subcommand_mut("backup")
            .expect("backup")
            .render_help()
            .to_string();
        assert!(sub.contains("バックアップするサーバー"), "{sub}");
        assert!(sub.contains("組織のプロファイル"), "{sub}");
        let en = command(Lang::En).render_help().to_string();
        assert!(
            en.contains("Usage:") && en.contains("Output language"),
            "{en}"
        );
    }

    #[test]
    fn lang_comes_from_the_arguments_first() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(lang_of(&args(&["ikou", "--lang", "ja", "x"])), Lang::Ja);
        assert_eq!(lang_of(&args(&["ikou", "x", "--lang=en"])), Lang::En);
    }

    #[test]
    fn parse_errors_in_japanese() {
        let error = command(Lang::Ja)
            .try_get_matches_from(["ikou", "folders", "--nope"])
            .expect_err("unknown argument");
        let text = error_text(&error, Lang::Ja);
        assert!(text.contains("引数 '--nope' は使えません"), "{text}");
        assert!(text.contains("'ikou folders --help'"), "{text}");
    }
}
