//! # Addresses in display form and back
//!
//! `MessageInfo` keeps From and To as one display string (`名前 <addr>, addr2`) because that is
//! what people read in a report. Identity needs only the addr-specs, so this module both writes
//! that form (quoting names that would otherwise be ambiguous) and reads the addr-specs back.

use mail_parser::{Addr, Address};

/// RFC 5322 `specials` that force a display name into a quoted-string.
const SPECIALS: &[char] = &[
    '(', ')', '<', '>', '[', ']', ':', ';', '@', '\\', ',', '.', '"',
];

/// Formats a parsed address header as `名前 <addr>, addr2`; group names are dropped and their
/// members listed, because a report line needs the people, not the list's label.
pub fn display_addresses(address: &Address<'_>) -> String {
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

fn quote_name(name: &str) -> String {
    if name.contains(SPECIALS) {
        let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else {
        name.to_string()
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
        .filter_map(|item| item_addr_spec(&item))
        .collect()
}

fn split_items(display: &str) -> Vec<String> {
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

    #[test]
    fn display_then_read_round_trips() {
        let list = Address::List(vec![
            addr(Some("Yamada, Taro <boss>"), Some("T@B.jp")),
            addr(None, Some("u@v.jp")),
        ]);
        assert_eq!(addr_specs(&display_addresses(&list)), ["t@b.jp", "u@v.jp"]);
    }
}
