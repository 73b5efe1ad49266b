//! # Addresses in display form and back
//!
//! `MessageInfo` keeps From and To as one display string (`名前 <addr>, addr2`) because that is
//! what people read in a report. Identity needs only the addr-specs, so this module both writes
//! that form (quoting names that would otherwise be ambiguous) and reads the addr-specs back.

use mail_parser::{Addr, Address};

/// RFC 5322 `specials`, which force a display name into a quoted-string.
fn is_special(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b':' | b';' | b'@' | b'\\' | b',' | b'.' | b'"'
    )
}

/// Formats a parsed address header as `名前 <addr>, addr2`; group names are dropped and their
/// members listed, because a report line needs the people, not the list's label.
pub fn display_addresses(address: &Address<'_>) -> String {
    let mut out = String::new();
    match address {
        Address::List(list) => list.iter().for_each(|a| push_display(&mut out, a)),
        Address::Group(groups) => groups
            .iter()
            .flat_map(|g| g.addresses.iter())
            .for_each(|a| push_display(&mut out, a)),
    }
    out
}

/// Appends one address (after `, ` unless it is the first); an address with neither a name
/// nor an email adds nothing.
fn push_display(out: &mut String, addr: &Addr<'_>) {
    let name = addr
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let email = addr
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if name.is_none() && email.is_none() {
        return;
    }
    // Every address written is non-empty, so an empty `out` means none came before.
    if !out.is_empty() {
        out.push_str(", ");
    }
    if let Some(name) = name {
        push_name(out, name);
    }
    match (name, email) {
        (Some(_), Some(email)) => {
            out.push_str(" <");
            out.push_str(email);
            out.push('>');
        }
        (None, Some(email)) => out.push_str(email),
        _ => {}
    }
}

/// The display name, quoted when it holds one of the specials ([`is_special`]).
fn push_name(out: &mut String, name: &str) {
    // The specials are ASCII, and no byte of a multi-byte UTF-8 character is ASCII.
    if name.bytes().any(is_special) {
        out.push('"');
        for c in name.chars() {
            if matches!(c, '\\' | '"') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(name);
    }
}

/// The addr-specs of a display string, lower-cased, in their written order.
///
/// Reads the form [`display_addresses`] writes and the usual hand-written variants: items are
/// split on commas outside quotes and angle brackets; an item's addr-spec is the text in its
/// last `<…>`, else the whole item when it contains `@`. Items without an address are skipped.
pub fn addr_specs(display: &str) -> Vec<String> {
    split_items(display)
        .into_iter()
        .filter_map(item_addr_spec)
        .collect()
}

/// The items of a display string: the text between the commas outside quotes and angle
/// brackets (a backslash in quotes escapes the next character).
fn split_items(display: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut in_angle = false;
    let mut escaped = false;
    for (at, c) in display.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            '<' if !in_quotes => in_angle = true,
            '>' if !in_quotes => in_angle = false,
            ',' if !in_quotes && !in_angle => {
                items.push(&display[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&display[start..]);
    items
}

fn item_addr_spec(item: &str) -> Option<String> {
    let spec = match (item.rfind('<'), item.rfind('>')) {
        (Some(open), Some(close)) if open < close => item.get(open + 1..close)?,
        _ if item.contains('@') => item,
        _ => return None,
    };
    let spec = spec.trim().trim_matches('"').trim();
    (!spec.is_empty()).then(|| spec.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn addr(name: Option<&str>, email: Option<&str>) -> Addr<'static> {
        Addr {
            name: name.map(|n| Cow::Owned(n.to_string())),
            address: email.map(|a| Cow::Owned(a.to_string())),
        }
    }

    #[test]
    fn display_form_quotes_only_when_needed() {
        let cases = [
            (
                addr(Some("山田 太郎"), Some("taro@example.ac.jp")),
                "山田 太郎 <taro@example.ac.jp>",
            ),
            (addr(None, Some("a@b.jp")), "a@b.jp"),
            (
                addr(Some("Yamada, Taro"), Some("t@b.jp")),
                "\"Yamada, Taro\" <t@b.jp>",
            ),
            (
                addr(Some("say \"hi\""), Some("h@b.jp")),
                "\"say \\\"hi\\\"\" <h@b.jp>",
            ),
            (addr(Some("名無し"), None), "名無し"),
            (addr(Some("  "), Some(" x@y.jp ")), "x@y.jp"),
        ];
        for (a, expected) in cases {
            assert_eq!(display_addresses(&Address::List(vec![a])), expected);
        }
        assert_eq!(
            display_addresses(&Address::List(vec![addr(None, None)])),
            ""
        );
    }

    #[test]
    fn addr_specs_reads_display_forms() {
        let cases: &[(&str, &[&str])] = &[
            ("山田 太郎 <Taro@Example.ac.jp>", &["taro@example.ac.jp"]),
            ("a@b.jp, C@D.jp", &["a@b.jp", "c@d.jp"]),
            (
                "\"Yamada, Taro\" <t@b.jp>, x <y@z.jp>",
                &["t@b.jp", "y@z.jp"],
            ),
            ("\"a \\\" , b\" <q@b.jp>", &["q@b.jp"]),
            ("undisclosed-recipients:;", &[]),
            ("", &[]),
            ("<>", &[]),
            ("名前だけ", &[]),
        ];
        for (display, expected) in cases {
            assert_eq!(addr_specs(display), *expected, "{display}");
        }
    }

    /// The former display writer: each address formatted on its own, then joined.
    fn display_addresses_by_parts(address: &Address<'_>) -> String {
        fn display_addr(addr: &Addr<'_>) -> Option<String> {
            let name = addr
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty());
            let email = addr
                .address
                .as_deref()
                .map(str::trim)
                .filter(|a| !a.is_empty());
            match (name, email) {
                (Some(name), Some(email)) => Some(format!("{} <{email}>", quote_name(name))),
                (None, Some(email)) => Some(email.to_string()),
                (Some(name), None) => Some(quote_name(name)),
                (None, None) => None,
            }
        }
        const SPECIALS: &[char] = &[
            '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"',
        ];
        fn quote_name(name: &str) -> String {
            if name.contains(SPECIALS) {
                let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
                format!("\"{escaped}\"")
            } else {
                name.to_string()
            }
        }
        let parts: Vec<String> = match address {
            Address::List(list) => list.iter().filter_map(display_addr).collect(),
            Address::Group(groups) => groups
                .iter()
                .flat_map(|g| g.addresses.iter())
                .filter_map(display_addr)
                .collect(),
        };
        parts.join(", ")
    }

    #[test]
    fn display_writes_what_the_former_writer_did() {
        const NAMES: &[Option<&str>] = &[
            None,
            Some(""),
            Some("  "),
            Some("山田 太郎"),
            Some(" Yamada, Taro "),
            Some("a \\ \"b\" (c)"),
            Some("x.y"),
            Some("山田（太郎）"),
        ];
        const EMAILS: &[Option<&str>] = &[None, Some(""), Some(" a@b.jp "), Some("c@d")];
        let all: Vec<Addr<'static>> = NAMES
            .iter()
            .flat_map(|n| EMAILS.iter().map(move |e| addr(*n, *e)))
            .collect();
        for (i, first) in all.iter().enumerate() {
            for second in all.iter().skip(i % 5) {
                for third in [None, Some(&all[(i * 7) % all.len()])] {
                    let list: Vec<Addr<'static>> = [Some(first), Some(second), third]
                        .into_iter()
                        .flatten()
                        .cloned()
                        .collect();
                    let groups = Address::Group(vec![
                        mail_parser::Group {
                            name: Some("g".into()),
                            addresses: list[..1].to_vec(),
                        },
                        mail_parser::Group {
                            name: None,
                            addresses: list[1..].to_vec(),
                        },
                    ]);
                    let list = Address::List(list);
                    for address in [list, groups] {
                        assert_eq!(
                            display_addresses(&address),
                            display_addresses_by_parts(&address),
                            "{address:?}"
                        );
                    }
                }
            }
        }
    }

    /// The former splitter, which built each item character by character.
    fn split_items_by_chars(display: &str) -> Vec<String> {
        let mut items = Vec::new();
        let mut current = String::new();
        let mut in_quotes = false;
        let mut in_angle = false;
        let mut escaped = false;
        for c in display.chars() {
            if escaped {
                escaped = false;
                current.push(c);
                continue;
            }
            match c {
                '\\' if in_quotes => escaped = true,
                '"' => in_quotes = !in_quotes,
                '<' if !in_quotes => in_angle = true,
                '>' if !in_quotes => in_angle = false,
                ',' if !in_quotes && !in_angle => {
                    items.push(std::mem::take(&mut current));
                    continue;
                }
                _ => {}
            }
            current.push(c);
        }
        items.push(current);
        items
    }

    #[test]
    fn split_items_cuts_where_the_former_splitter_did() {
        const PIECES: &[&str] = &[
            "a", "@", ",", "\"", "\\", "<", ">", " ", "名前", "x@y.jp", ",,",
        ];
        let mut state: u64 = 7;
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..(state % 16) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(PIECES[usize::try_from((state >> 33) % 11).unwrap_or(0)]);
            }
            assert_eq!(split_items(&text), split_items_by_chars(&text), "{text:?}");
            state = state.wrapping_add(3);
        }
    }

    #[test]
    fn display_then_read_round_trips() {
        let list = Address::List(vec![
            addr(Some("Yamada, Taro <boss>"), Some("T@B.jp")),
            addr(None, Some("u@v.jp")),
        ]);
        assert_eq!(addr_specs(&display_addresses(&list)), ["t@b.jp", "u@v.jp"]);
    }
}
