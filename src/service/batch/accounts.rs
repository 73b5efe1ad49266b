//! # The accounts list: one mailbox per CSV row
//!
//! `address[,old_login[,new_login]]`, optionally under a header row naming the columns
//! (`address`, `old_login`, `new_login`, in any order). A login is only needed where it
//! differs from the profile's `username` rule. Blank lines and lines starting with `#` are
//! skipped; a UTF-8 BOM (as spreadsheets write) is ignored. Pure: text in, accounts out,
//! with every problem reported by line.

use serde::{Deserialize, Serialize};

/// One account to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAccount {
    /// Line in the CSV file (1-based), for messages.
    pub line: usize,
    pub address: String,
    /// Login on the old server when it is not the profile's rule applied to `address`.
    pub old_login: Option<String>,
    /// Login on the new server when it is not the profile's rule applied to `address`.
    pub new_login: Option<String>,
}

/// A problem on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProblem {
    pub line: usize,
    pub problem: String,
}

impl std::fmt::Display for LineProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Address,
    OldLogin,
    NewLogin,
}

fn column(name: &str) -> Option<Column> {
    match name
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
        .as_str()
    {
        "address" | "mail" | "email" | "e_mail" => Some(Column::Address),
        "old_login" | "old_user" | "old_username" => Some(Column::OldLogin),
        "new_login" | "new_user" | "new_username" => Some(Column::NewLogin),
        _ => None,
    }
}

/// Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` inside quotes); fields are trimmed.
pub fn split_csv_line(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() && !was_quoted => {
                field.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                fields.push(std::mem::take(&mut field).trim().to_string());
                was_quoted = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed (missing \")".into());
    }
    fields.push(field.trim().to_string());
    Ok(fields)
}

fn address_problem(address: &str) -> Option<String> {
    if address.is_empty() {
        return Some("the address is empty".into());
    }
    if address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!("{address:?} contains spaces or control characters"));
    }
    match address.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => None,
        _ => Some(format!("{address:?} is not a mail address (name@domain)")),
    }
}

/// Parses the whole file; all problems at once, or the accounts in file order.
pub fn parse_accounts(text: &str) -> Result<Vec<BatchAccount>, Vec<LineProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut seen_data = false;
    let mut accounts: Vec<BatchAccount> = Vec::new();
    let mut problems = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields = match split_csv_line(raw) {
            Ok(f) => f,
            Err(problem) => {
                problems.push(LineProblem { line, problem });
                continue;
            }
        };
        if !seen_data
            && columns.is_none()
            && fields.iter().any(|f| column(f) == Some(Column::Address))
        {
            let named: Vec<Option<Column>> = fields.iter().map(|f| column(f)).collect();
            for (f, c) in fields.iter().zip(&named) {
                if c.is_none() && !f.is_empty() {
                    problems.push(LineProblem {
                        line,
                        problem: format!(
                            "unknown column {f:?} (use address, old_login, new_login)"
                        ),
                    });
                }
            }
            columns = Some(named);
            continue;
        }
        seen_data = true;
        let layout = columns.clone().unwrap_or_else(|| {
            vec![
                Some(Column::Address),
                Some(Column::OldLogin),
                Some(Column::NewLogin),
            ]
        });
        if fields.len() > layout.len() && fields[layout.len()..].iter().any(|f| !f.is_empty()) {
            problems.push(LineProblem {
                line,
                problem: format!(
                    "{} fields, at most {} expected (address, old_login, new_login)",
                    fields.len(),
                    layout.len()
                ),
            });
            continue;
        }
        let mut account = BatchAccount {
            line,
            address: String::new(),
            old_login: None,
            new_login: None,
        };
        for (value, col) in fields.into_iter().zip(layout) {
            let value = (!value.is_empty()).then_some(value);
            match col {
                Some(Column::Address) => account.address = value.unwrap_or_default(),
                Some(Column::OldLogin) => account.old_login = value,
                Some(Column::NewLogin) => account.new_login = value,
                None => {}
            }
        }
        if let Some(problem) = address_problem(&account.address) {
            problems.push(LineProblem { line, problem });
            continue;
        }
        if let Some(first) = accounts
            .iter()
            .find(|a| a.address.eq_ignore_ascii_case(&account.address))
        {
            problems.push(LineProblem {
                line,
                problem: format!(
                    "{} is listed twice (first on line {})",
                    account.address, first.line
                ),
            });
            continue;
        }
        accounts.push(account);
    }
    if accounts.is_empty() && problems.is_empty() {
        problems.push(LineProblem {
            line: 1,
            problem: "no accounts in the file (one address per line)".into(),
        });
    }
    if problems.is_empty() {
        Ok(accounts)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positional_rows_with_comments_bom_and_quotes() {
        let text = "\u{feff}# helpdesk list\ntaro@example.ac.jp\n\n jiro@example.ac.jp , j-old ,\n\"hana@example.ac.jp\",\"h,old\",hana.new@example.ac.jp\n";
        let got = parse_accounts(text).expect("valid");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].address, "taro@example.ac.jp");
        assert_eq!((got[0].old_login.as_deref(), got[0].line), (None, 2));
        assert_eq!(got[1].old_login.as_deref(), Some("j-old"));
        assert_eq!(got[1].new_login, None);
        assert_eq!(got[2].old_login.as_deref(), Some("h,old"));
        assert_eq!(got[2].new_login.as_deref(), Some("hana.new@example.ac.jp"));
        assert_eq!(got[2].line, 5);
    }

    #[test]
    fn header_names_columns_in_any_order() {
        let text = "new_login,Address,old login\nN1,a@x.jp,O1\n,b@x.jp,\n";
        let got = parse_accounts(text).expect("valid");
        assert_eq!(got[0].address, "a@x.jp");
        assert_eq!(got[0].old_login.as_deref(), Some("O1"));
        assert_eq!(got[0].new_login.as_deref(), Some("N1"));
        assert_eq!(
            (got[1].old_login.clone(), got[1].new_login.clone()),
            (None, None)
        );
        // A header that does not start with the address column is still a header.
        let text = "address,old_login\na@x.jp,o\n";
        assert_eq!(
            parse_accounts(text).expect("valid")[0].old_login.as_deref(),
            Some("o")
        );
    }

    #[test]
    fn every_problem_named_by_line() {
        let text = "address,old_login,colour\nnot-an-address\na@x.jp\nA@X.JP\nb@x.jp,o,n,extra,more\n\"c@x.jp,o\n";
        let problems = parse_accounts(text).expect_err("invalid");
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![1, 2, 4, 5, 6], "{problems:?}");
        assert!(problems[0].problem.contains("colour"));
        assert!(problems[1].problem.contains("not a mail address"));
        assert!(problems[2].problem.contains("first on line 3"));
        assert!(problems[4].problem.contains("not closed"));
        let empty = parse_accounts("# nothing\n\n").expect_err("empty");
        assert!(empty[0].problem.contains("no accounts"));
    }

    #[test]
    fn quoting_rules() {
        assert_eq!(
            split_csv_line(r#"a,"b ""q"" c", d "#).expect("ok"),
            vec!["a", "b \"q\" c", "d"]
        );
        assert_eq!(split_csv_line("").expect("ok"), vec![""]);
        assert!(split_csv_line("\"open").is_err());
    }
}
