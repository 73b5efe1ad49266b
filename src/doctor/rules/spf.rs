//! # SPF: find the record, follow includes, count DNS look-ups (RFC 7208 §4.6.4)

use std::collections::{BTreeMap, BTreeSet};

use crate::doctor::facts::Lookup;

/// True for a TXT string that is an SPF record.
pub fn is_spf(txt: &str) -> bool {
    let lower = txt.trim().to_ascii_lowercase();
    lower == "v=spf1" || lower.starts_with("v=spf1 ")
}

/// The domains an SPF record sends the receiver to (`include:` and `redirect=`).
pub fn referenced_domains(record: &str) -> Vec<String> {
    record
        .split_whitespace()
        .filter_map(|term| {
            let term = term.trim_start_matches(['+', '-', '~', '?']);
            let lower = term.to_ascii_lowercase();
            if lower.starts_with("include:") {
                Some(term[8..].to_ascii_lowercase())
            } else if lower.starts_with("redirect=") {
                Some(term[9..].to_ascii_lowercase())
            } else {
                None
            }
        })
        .filter(|d| !d.is_empty())
        .collect()
}

/// What counting the look-ups found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpfCount {
    pub lookups: usize,
    /// Included domains that have no SPF record (a permanent error at receivers).
    pub missing: Vec<String>,
    /// Every domain reached, lower case.
    pub reached: BTreeSet<String>,
}

/// Counts the DNS-querying terms of `record` and of everything it includes.
pub fn count_lookups(record: &str, includes: &BTreeMap<String, Lookup<Vec<String>>>) -> SpfCount {
    let mut count = SpfCount::default();
    walk(record, includes, &mut count, 0);
    count
}

fn walk(
    record: &str,
    includes: &BTreeMap<String, Lookup<Vec<String>>>,
    count: &mut SpfCount,
    depth: usize,
) {
    if depth > 10 {
        return;
    }
    for term in record.split_whitespace().skip(1) {
        let term = term
            .trim_start_matches(['+', '-', '~', '?'])
            .to_ascii_lowercase();
        let name = term.split([':', '/', '=']).next().unwrap_or("");
        match name {
            "a" | "mx" | "ptr" | "exists" => count.lookups += 1,
            "include" | "redirect" => {
                count.lookups += 1;
                let target = term[name.len() + 1..].to_string();
                if !count.reached.insert(target.clone()) {
                    continue;
                }
                let spf = includes
                    .get(&target)
                    .and_then(Lookup::found)
                    .and_then(|txts| txts.iter().find(|t| is_spf(t)));
                match spf {
                    Some(inner) => walk(inner, includes, count, depth + 1),
                    None => {
                        if !matches!(
                            includes.get(&target),
                            Some(Lookup::Timeout | Lookup::Failed(_))
                        ) {
                            count.missing.push(target);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nested_includes_once() {
        let mut inc = BTreeMap::new();
        inc.insert(
            "spf.protection.outlook.com".to_string(),
            Lookup::Found(vec![
                "v=spf1 ip4:1.2.3.0/24 include:b.test -all".to_string(),
            ]),
        );
        inc.insert(
            "b.test".to_string(),
            Lookup::Found(vec!["v=spf1 a mx -all".to_string()]),
        );
        let c = count_lookups(
            "v=spf1 mx a:x.test include:spf.protection.outlook.com include:gone.test ip4:10.0.0.1 -all",
            &inc,
        );
        assert_eq!(c.lookups, 2 + 1 + 1 + 2 + 1);
        assert_eq!(c.missing, vec!["gone.test"]);
        assert!(
            is_spf("v=spf1 -all")
                && is_spf("V=SPF1")
                && !is_spf("v=spf10")
                && !is_spf("google-site-verification=x")
        );
        assert_eq!(
            referenced_domains("v=spf1 +include:A.test redirect=b.test mx"),
            vec!["a.test", "b.test"]
        );
    }
}
