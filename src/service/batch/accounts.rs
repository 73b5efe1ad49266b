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

/// The file's bytes as text: UTF-8 (with or without a BOM), else Shift_JIS as Excel's
/// "CSV" writes on Japanese Windows. Bytes that are neither are named by line: the first
/// line Shift_JIS cannot read either (a newline byte is never part of a Shift_JIS
/// character, so lines decode on their own).
pub fn decode_accounts(bytes: &[u8]) -> Result<String, Vec<LineProblem>> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(text.into_owned());
    }
    let line = bytes
        .split(|&b| b == b'\n')
        .position(|l| {
            encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(l)
                .is_none()
        })
        .map_or(1, |index| index + 1);
    Err(vec![LineProblem {
        line,
        problem: "the file is neither UTF-8 nor Shift_JIS text (save it as \"CSV UTF-8\")".into(),
    }])
}

/// Parses the whole file (RFC 4180 through the `csv` crate: quoted commas, doubled quotes and
/// newlines inside quotes); all problems at once, or the accounts in file order.
pub fn parse_accounts(text: &str) -> Result<Vec<BatchAccount>, Vec<LineProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut seen_data = false;
    let mut accounts: Vec<BatchAccount> = Vec::new();
    let mut problems = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = usize::try_from(reader.position().line()).unwrap_or(usize::MAX);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error
                    .position()
                    .and_then(|p| usize::try_from(p.line()).ok())
                    .unwrap_or(line);
                problems.push(LineProblem {
                    line,
                    problem: format!("cannot read this CSV row: {error}"),
                });
                break;
            }
        }
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(line);
        let fields: Vec<String> = record.iter().map(str::to_string).collect();
        // Blank lines and `#` comments (the csv crate's own comment option miscounts lines).
        if fields.iter().all(String::is_empty) || fields[0].starts_with('#') {
            continue;
        }
        // The csv crate takes an unclosed quote to the end of the file as one field.
        let at_end = usize::try_from(reader.position().byte()).is_ok_and(|b| b >= text.len());
        if at_end && text.matches('"').count() % 2 == 1 {
            problems.push(LineProblem {
                line,
                problem: "a quoted field is not closed (missing \")".into(),
            });
            break;
        }
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
    fn quoted_newline_and_doubled_quotes_keep_line_numbers() {
        // A quoted field may hold a newline; the next record's line number stays right.
        let text = "address,old_login\n\"a@x.jp\",\"o\"\"1\"\n\"b@x.jp\",\"two\nlines\"\nc@x.jp\n";
        let got = parse_accounts(text).expect("valid");
        assert_eq!(got[0].old_login.as_deref(), Some("o\"1"));
        assert_eq!(got[1].old_login.as_deref(), Some("two\nlines"));
        assert_eq!((got[1].line, got[2].line), (3, 5));
        // A problem after a quoted newline is named by its physical line.
        let text = "a@x.jp,\"x\ny\"\nnot-an-address\n";
        let problems = parse_accounts(text).expect_err("invalid");
        assert_eq!(problems[0].line, 3, "{problems:?}");
        // An unclosed quote after a quoted newline: the line it opens on.
        let text = "a@x.jp,\"x\ny\"\nb@x.jp,\"open\nc@x.jp\n";
        let problems = parse_accounts(text).expect_err("invalid");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 3, "{problems:?}");
        assert!(problems[0].problem.contains("not closed"), "{problems:?}");
    }

    #[test]
    fn a_utf8_bom_is_not_part_of_the_first_field() {
        // Bytes as "CSV UTF-8" writes them, header first.
        let text = decode_accounts(b"\xef\xbb\xbfaddress,old_login\na@x.jp,o\n").expect("utf-8");
        let got = parse_accounts(&text).expect("the BOM is no part of the header");
        assert_eq!(got[0].address, "a@x.jp");
        assert_eq!((got[0].old_login.as_deref(), got[0].line), (Some("o"), 2));
        // Without a header, the first address is not garbled by it.
        let text = decode_accounts(b"\xef\xbb\xbfa@x.jp\n").expect("utf-8");
        assert_eq!(parse_accounts(&text).expect("valid")[0].address, "a@x.jp");
        // Text already decoded with its BOM kept reads the same.
        let got = parse_accounts("\u{feff}a@x.jp\n").expect("valid");
        assert_eq!(got[0].address, "a@x.jp");
    }

    #[test]
    fn shift_jis_reads_or_names_the_line() {
        // Excel's Japanese "CSV" is Shift_JIS: a comment, a header and a login in Japanese.
        let (sjis, _, _) =
            encoding_rs::SHIFT_JIS.encode("# 利用者一覧\naddress,old_login\nhana@x.jp,花子\n");
        let text = decode_accounts(&sjis).expect("Shift_JIS decodes");
        let got = parse_accounts(&text).expect("valid");
        assert_eq!(got[0].old_login.as_deref(), Some("花子"));
        assert_eq!(got[0].line, 3);
        // A quoted Japanese field holding a newline.
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("hana@x.jp,\"花\n子\"\njiro@x.jp\n");
        let got = parse_accounts(&decode_accounts(&sjis).expect("decodes")).expect("valid");
        assert_eq!(got[0].old_login.as_deref(), Some("花\n子"));
        assert_eq!(got[1].line, 3);
        // Bytes that are neither: the line Shift_JIS cannot read, not the first non-UTF-8 one.
        let bad = decode_accounts(b"a@x.jp\nb@x.jp,\x81\xff\n").expect_err("not text");
        assert_eq!(bad[0].line, 2, "{bad:?}");
        let mut bytes = sjis.to_vec();
        bytes.extend_from_slice(b"c@x.jp\nd@x.jp,\x81\xff\n");
        let bad = decode_accounts(&bytes).expect_err("not text");
        assert_eq!(bad[0].line, 5, "{bad:?}");
        assert!(bad[0].problem.contains("CSV UTF-8"), "{bad:?}");
    }
}
