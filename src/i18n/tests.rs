//! The catalog test: both languages say the same things with the same variables, and every
//! `tr!` in the code names a message that exists, with exactly that message's variables.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_bundle::FluentResource;
use fluent_syntax::ast;

use super::catalog::AREAS;
use super::*;

/// What one message (or term, `-name`) needs: its variables and attribute names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Shape {
    area: &'static str,
    vars: BTreeSet<String>,
    attrs: BTreeSet<String>,
    refs: BTreeSet<String>,
}

fn walk_pattern(pattern: &ast::Pattern<&str>, shape: &mut Shape) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            walk_expression(expression, shape);
        }
    }
}

fn walk_expression(expression: &ast::Expression<&str>, shape: &mut Shape) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            walk_inline(selector, shape);
            for variant in variants {
                walk_pattern(&variant.value, shape);
            }
        }
        ast::Expression::Inline(inline) => walk_inline(inline, shape),
    }
}

fn walk_inline(inline: &ast::InlineExpression<&str>, shape: &mut Shape) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            shape.vars.insert(id.name.to_string());
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            shape.refs.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                walk_inline(argument, shape);
            }
            for argument in &arguments.named {
                walk_inline(&argument.value, shape);
            }
        }
        ast::InlineExpression::TermReference { arguments, .. } => {
            // A term's own variables come from these arguments, not from the caller.
            if let Some(arguments) = arguments {
                for argument in &arguments.positional {
                    walk_inline(argument, shape);
                }
            }
        }
        ast::InlineExpression::Placeable { expression } => walk_expression(expression, shape),
        ast::InlineExpression::StringLiteral { .. }
        | ast::InlineExpression::NumberLiteral { .. } => {}
    }
}

/// Every message and term of one language, by id, with the variables of referenced messages
/// folded in. Fails on syntax errors and on an id defined twice.
fn shapes(lang: Lang) -> BTreeMap<String, Shape> {
    let mut all: BTreeMap<String, Shape> = BTreeMap::new();
    for area in AREAS {
        let resource = match FluentResource::try_new(area.text(lang).to_string()) {
            Ok(resource) => resource,
            Err((_, errors)) => panic!("{}/{}.ftl: {errors:?}", lang.code(), area.name),
        };
        for entry in resource.entries() {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(message) => (
                    message.id.name.to_string(),
                    message.value.as_ref(),
                    &message.attributes,
                ),
                ast::Entry::Term(term) => (
                    format!("-{}", term.id.name),
                    Some(&term.value),
                    &term.attributes,
                ),
                _ => continue,
            };
            let mut shape = Shape {
                area: area.name,
                ..Shape::default()
            };
            if let Some(value) = value {
                walk_pattern(value, &mut shape);
            }
            for attribute in attributes {
                shape.attrs.insert(attribute.id.name.to_string());
                walk_pattern(&attribute.value, &mut shape);
            }
            if let Some(first) = all.get(&id) {
                panic!(
                    "{id} is defined twice in {}: {}.ftl and {}.ftl",
                    lang.code(),
                    first.area,
                    area.name
                );
            }
            all.insert(id, shape);
        }
    }
    // Fold in the variables of referenced messages (references nest only a few deep).
    for _ in 0..4 {
        let snapshot = all.clone();
        for shape in all.values_mut() {
            for reference in &shape.refs {
                let referenced = snapshot
                    .get(reference)
                    .unwrap_or_else(|| panic!("{} refers to missing {reference}", lang.code()));
                shape.vars.extend(referenced.vars.iter().cloned());
            }
        }
    }
    all
}

/// The variables of message `id` (with its attributes and the messages it refers to), as
/// the Japanese catalog has them; `None` for no such message. For tests of computed ids.
pub(crate) fn variables(id: &str) -> Option<BTreeSet<String>> {
    static JA: std::sync::OnceLock<BTreeMap<String, Shape>> = std::sync::OnceLock::new();
    JA.get_or_init(|| shapes(Lang::Ja))
        .get(id)
        .map(|shape| shape.vars.clone())
}

#[test]
fn both_languages_have_the_same_messages_with_the_same_variables() {
    let ja = shapes(Lang::Ja);
    let en = shapes(Lang::En);
    let mut problems = Vec::new();
    for (id, shape) in &ja {
        match en.get(id) {
            None => problems.push(format!("{id}: only in ja/{}.ftl", shape.area)),
            Some(other) => {
                if other.area != shape.area {
                    problems.push(format!(
                        "{id}: in ja/{}.ftl but en/{}.ftl",
                        shape.area, other.area
                    ));
                }
                if other.vars != shape.vars {
                    problems.push(format!(
                        "{id}: variables ja {:?} en {:?}",
                        shape.vars, other.vars
                    ));
                }
                if other.attrs != shape.attrs {
                    problems.push(format!(
                        "{id}: attributes ja {:?} en {:?}",
                        shape.attrs, other.attrs
                    ));
                }
            }
        }
    }
    for (id, shape) in &en {
        if !ja.contains_key(id) {
            problems.push(format!("{id}: only in en/{}.ftl", shape.area));
        }
    }
    assert!(
        problems.is_empty(),
        "catalog mismatch:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_ftl_file_is_listed_in_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n");
    let listed: BTreeSet<String> = AREAS.iter().map(|area| area.name.to_string()).collect();
    for lang in ["ja", "en"] {
        let on_disk: BTreeSet<String> = std::fs::read_dir(root.join(lang))
            .expect("catalog directory")
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                Some(name.strip_suffix(".ftl")?.to_string())
            })
            .collect();
        assert_eq!(
            on_disk, listed,
            "src/i18n/{lang}/*.ftl and catalog::AREAS differ"
        );
    }
}

/// One `tr!(lang, "id", name = value, ...)` found in the source.
#[derive(Debug)]
struct Use {
    place: String,
    id: String,
    vars: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The index just past the top-level argument starting at `at` (at a `,` or the closing `)`),
/// skipping nested brackets, strings and char literals.
fn argument_end(text: &[u8], mut at: usize) -> usize {
    let mut depth = 0usize;
    while at < text.len() {
        match text[at] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return at,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => return at,
            b'"' => {
                at += 1;
                while at < text.len() && text[at] != b'"' {
                    if text[at] == b'\\' {
                        at += 1;
                    }
                    at += 1;
                }
            }
            b'\'' if text.get(at + 2) == Some(&b'\'') => at += 2,
            b'\'' if text.get(at + 1) == Some(&b'\\') => {
                while at + 1 < text.len() && text[at + 1] != b'\'' {
                    at += 1;
                }
                at += 1;
            }
            _ => {}
        }
        at += 1;
    }
    at
}

fn skip_space(text: &[u8], mut at: usize) -> usize {
    while at < text.len() && text[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

fn uses_in(path: &Path, source: &str) -> Vec<Use> {
    let text = source.as_bytes();
    let mut uses = Vec::new();
    let mut from = 0;
    while let Some(found) = source[from..].find("tr!(") {
        let start = from + found;
        from = start + 4;
        if start > 0 && (text[start - 1].is_ascii_alphanumeric() || text[start - 1] == b'_') {
            continue;
        }
        let line = source[..start].lines().count().max(1);
        let place = format!("{}:{line}", path.display());
        // First argument: the language.
        let mut at = argument_end(text, from);
        assert_eq!(
            text.get(at),
            Some(&b','),
            "{place}: tr! needs (lang, \"id\", ...)"
        );
        at = skip_space(text, at + 1);
        assert_eq!(
            text.get(at),
            Some(&b'"'),
            "{place}: tr! takes a literal id; computed ids go through i18n::message"
        );
        let id_end = at + 1 + source[at + 1..].find('"').expect("closing quote");
        let id = source[at + 1..id_end].to_string();
        at = id_end + 1;
        let mut vars = BTreeSet::new();
        loop {
            at = skip_space(text, at);
            match text.get(at) {
                Some(b')') | None => break,
                Some(b',') => at = skip_space(text, at + 1),
                Some(other) => panic!("{place}: unexpected {:?} in tr!", *other as char),
            }
            if text.get(at) == Some(&b')') {
                break;
            }
            let name_end = at
                + source[at..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .expect("variable name");
            let name = source[at..name_end].to_string();
            let eq = skip_space(text, name_end);
            assert!(
                !name.is_empty() && text.get(eq) == Some(&b'='),
                "{place}: tr! variables are written name = value"
            );
            vars.insert(name);
            at = argument_end(text, eq + 1);
        }
        uses.push(Use { place, id, vars });
    }
    uses
}

fn all_uses() -> Vec<Use> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let own = root.join("src/i18n");
    files
        .iter()
        .filter(|path| !path.starts_with(&own))
        .flat_map(|path| {
            let source = std::fs::read_to_string(path).expect("source file");
            uses_in(path.strip_prefix(root).unwrap_or(path), &source)
        })
        .collect()
}

#[test]
fn every_id_used_in_the_code_exists_with_its_variables() {
    let ja = shapes(Lang::Ja);
    let uses = all_uses();
    assert!(!uses.is_empty(), "the scan found no tr! at all");
    let mut problems = Vec::new();
    for found in &uses {
        match ja.get(&found.id) {
            None => problems.push(format!("{}: no message {}", found.place, found.id)),
            Some(shape) if shape.vars != found.vars => problems.push(format!(
                "{}: {} takes {:?}, the code gives {:?}",
                found.place, found.id, shape.vars, found.vars
            )),
            Some(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scanner_reads_variables_and_nested_arguments() {
    let source = r#"
        let a = tr!(lang, "x-one");
        let b = tr!(self.lang(), "x-two", count = items.len(), name = f(a, "b,c"));
        let c = format!("{}", tr!(lang, "x-three", path = p.display().to_string(),));
        assert!(x); my_tr!(lang, 3);
    "#;
    let uses = uses_in(Path::new("t.rs"), source);
    let summary: Vec<(String, Vec<String>)> = uses
        .into_iter()
        .map(|found| (found.id, found.vars.into_iter().collect()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("x-one".to_string(), vec![]),
            (
                "x-two".to_string(),
                vec!["count".to_string(), "name".to_string()]
            ),
            ("x-three".to_string(), vec!["path".to_string()]),
        ]
    );
}

#[test]
fn variables_plurals_and_no_isolation_marks() {
    assert_eq!(tr!(Lang::En, "common-messages", count = 1), "1 message");
    assert_eq!(tr!(Lang::En, "common-messages", count = 3u64), "3 messages");
    assert_eq!(tr!(Lang::Ja, "common-messages", count = 1), "1 通");
    let text = tr!(Lang::Ja, "common-messages", count = 12usize);
    assert_eq!(text, "12 通");
    assert!(!text.contains(['\u{2068}', '\u{2069}']));
}

#[test]
fn a_missing_id_shows_itself() {
    assert_eq!(message(Lang::Ja, "no-such-id", &[]), "no-such-id");
    assert!(!has("no-such-id"));
    assert!(has("common-messages"));
}
