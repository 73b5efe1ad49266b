//! The embedded catalogs: one Fluent bundle per language, built once from every area file.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::Lang;

/// One area's catalog text in both languages.
pub struct Area {
    pub name: &'static str,
    pub ja: &'static str,
    pub en: &'static str,
}

impl Area {
    pub fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.ja,
            Lang::En => self.en,
        }
    }
}

macro_rules! areas {
    ($($name:literal),* $(,)?) => {
        /// Every area file, `src/i18n/{ja,en}/NAME.ftl`. A new area is one more line here.
        pub const AREAS: &[Area] = &[$(Area {
            name: $name,
            ja: include_str!(concat!("ja/", $name, ".ftl")),
            en: include_str!(concat!("en/", $name, ".ftl")),
        }),*];
    };
}

areas![
    "common",
    "help",
    "errors",
    "profile",
    "login",
    "signin",
    "inventory",
    "backup",
    "batch",
    "verify",
    "folders",
    "doctor",
    "settings",
    "package",
    "pop",
    "helpdesk",
    "tui",
    "setup",
    "overview",
    "local",
];

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Lang) -> &'static Bundle {
    static JA: OnceLock<Bundle> = OnceLock::new();
    static EN: OnceLock<Bundle> = OnceLock::new();
    match lang {
        Lang::Ja => JA.get_or_init(|| build(Lang::Ja)),
        Lang::En => EN.get_or_init(|| build(Lang::En)),
    }
}

fn build(lang: Lang) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![lang.code().parse().unwrap_or_default()]);
    // Bidi isolation marks (U+2068/U+2069) around variables print as junk in terminals.
    bundle.set_use_isolating(false);
    for area in AREAS {
        let resource = match FluentResource::try_new(area.text(lang).to_string()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                tracing::error!(
                    area = area.name,
                    lang = lang.code(),
                    ?errors,
                    "catalog syntax"
                );
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                area = area.name,
                lang = lang.code(),
                ?errors,
                "catalog entries"
            );
        }
    }
    bundle
}

pub(super) fn has(lang: Lang, id: &str) -> bool {
    bundle(lang).has_message(id)
}

pub(super) fn format(lang: Lang, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
        tracing::warn!(id, lang = lang.code(), "no such message in the catalog");
        return id.to_string();
    };
    format_pattern(bundle, lang, id, pattern, args)
}

/// The attribute `attribute` of message `id` (`id.attribute` in the catalog), or `None`
/// when the message has no such attribute.
pub(super) fn format_attribute(
    lang: Lang,
    id: &str,
    attribute: &str,
    args: &[(&str, FluentValue<'_>)],
) -> Option<String> {
    let bundle = bundle(lang);
    let pattern = bundle.get_message(id)?.get_attribute(attribute)?.value();
    Some(format_pattern(bundle, lang, id, pattern, args))
}

fn format_pattern(
    bundle: &Bundle,
    lang: Lang,
    id: &str,
    pattern: &fluent_syntax::ast::Pattern<&str>,
    args: &[(&str, FluentValue<'_>)],
) -> String {
    let args = (!args.is_empty()).then(|| {
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent.set(*name, value.clone());
        }
        fluent
    });
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args.as_ref(), &mut errors);
    if !errors.is_empty() {
        tracing::warn!(
            id,
            lang = lang.code(),
            ?errors,
            "message formatted with errors"
        );
    }
    text.into_owned()
}
