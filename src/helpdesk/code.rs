//! # The state code: the whole state in one speakable line, with a check number
//!
//! `V<phase>-<missing>-<unproven>-<duplicates>-<garbled>-<oversize>-<unmapped>-<check>` for a
//! verify run, `D<phase>-<errors>-<warnings>-<check>` for a doctor run. The phase digit is
//! [`Phase::digit`](crate::profile::Phase::digit) (0 unknown, 1 before the copy, 2 copying,
//! 3 after cutover, 4 old server off). The check is two digits, computed over every character
//! before it (0-9, A-Z and `-` as base-37 digits, modulo 97): any single wrong character and
//! any two neighbours swapped are caught, so a misheard code is refused instead of explained
//! wrongly. Parsing accepts what people type: lower case, spaces, full-width digits and
//! letters, and the dashes a Japanese keyboard makes (`ー`, `－`, `‐`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::i18n::Lang;

/// One run's state, as counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum StateCode {
    Verify {
        phase: u8,
        /// Messages on the old server not found on the new one.
        missing: u64,
        /// Messages that could not be proven present (weak identity only).
        unproven: u64,
        duplicates: u64,
        garbled: u64,
        oversize: u64,
        /// Old folders with messages and no folder on the new server.
        unmapped: u64,
    },
    Doctor {
        phase: u8,
        errors: u64,
        warnings: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodeError {
    #[error("not a state code: it starts with V (verify) or D (doctor)")]
    UnknownSource,
    #[error("a state code of this kind has {expected} numbers after the letter, this one {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("{0:?} is not a number")]
    NotANumber(String),
    #[error("the phase must be 0-4, not {0}")]
    BadPhase(u64),
    #[error("the check number does not match: a character was misread (expected {expected:02})")]
    BadCheck { expected: u8 },
}

impl CodeError {
    /// The error in the user's language.
    pub fn localized(&self, lang: Lang) -> String {
        match self {
            CodeError::UnknownSource => tr!(lang, "helpdesk-code-unknown-source"),
            CodeError::WrongLength { expected, found } => tr!(
                lang,
                "helpdesk-code-wrong-length",
                expected = *expected,
                found = *found
            ),
            CodeError::NotANumber(part) => {
                tr!(lang, "helpdesk-code-not-a-number", part = part.as_str())
            }
            CodeError::BadPhase(phase) => tr!(lang, "helpdesk-code-bad-phase", phase = *phase),
            CodeError::BadCheck { .. } => tr!(lang, "helpdesk-code-bad-check"),
        }
    }
}

fn check(body: &str) -> u8 {
    let mut acc: u32 = 0;
    for c in body.chars() {
        let value = match c {
            '0'..='9' => u32::from(c) - u32::from('0'),
            'A'..='Z' => u32::from(c) - u32::from('A') + 10,
            _ => 36,
        };
        acc = (acc * 37 + value) % 97;
    }
    // Below 97, so it fits.
    u8::try_from(acc).unwrap_or(0)
}

/// What people type, made plain: ASCII upper case, one kind of dash, spaces as separators.
fn normalise(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                char::from_u32(u32::from(c) - 0xFEE0).map_or(c, |c| c.to_ascii_uppercase())
            }
            'ー' | '－' | '‐' | '‑' | '–' | '—' | '―' | '−' => '-',
            c if c.is_whitespace() => '-',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    // "V 2 - 6 …" and "V2--6": one dash between numbers, none after the letter or at the ends.
    let mut out = String::with_capacity(plain.len());
    for c in plain.trim_matches('-').chars() {
        let after_letter = out.len() == 1 && !out.starts_with(|c: char| c.is_ascii_digit());
        if c == '-' && (out.ends_with('-') || after_letter) {
            continue;
        }
        out.push(c);
    }
    out
}

impl StateCode {
    fn letter_and_numbers(&self) -> (char, Vec<u64>) {
        match *self {
            StateCode::Verify {
                phase,
                missing,
                unproven,
                duplicates,
                garbled,
                oversize,
                unmapped,
            } => (
                'V',
                vec![
                    u64::from(phase),
                    missing,
                    unproven,
                    duplicates,
                    garbled,
                    oversize,
                    unmapped,
                ],
            ),
            StateCode::Doctor {
                phase,
                errors,
                warnings,
            } => ('D', vec![u64::from(phase), errors, warnings]),
        }
    }

    /// Whether the code says nothing is wrong.
    pub fn is_clean(&self) -> bool {
        let (_, numbers) = self.letter_and_numbers();
        numbers[1..].iter().all(|&n| n == 0)
    }

    /// Reads a code back, refusing one whose check number does not match.
    pub fn parse(text: &str) -> Result<StateCode, CodeError> {
        let text = normalise(text);
        let mut chars = text.chars();
        let letter = chars.next().ok_or(CodeError::UnknownSource)?;
        let expected = match letter {
            'V' => 8,
            'D' => 4,
            _ => return Err(CodeError::UnknownSource),
        };
        let rest = chars.as_str();
        let parts: Vec<&str> = rest.split('-').collect();
        if parts.len() != expected {
            return Err(CodeError::WrongLength {
                expected,
                found: parts.len(),
            });
        }
        let mut numbers = Vec::with_capacity(expected);
        for part in &parts {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CodeError::NotANumber((*part).to_string()));
            }
            numbers.push(
                part.parse::<u64>()
                    .map_err(|_| CodeError::NotANumber((*part).to_string()))?,
            );
        }
        let body_len = text.len() - parts[expected - 1].len() - 1;
        let want = check(&text[..body_len]);
        if numbers[expected - 1] != u64::from(want) || parts[expected - 1].len() != 2 {
            return Err(CodeError::BadCheck { expected: want });
        }
        let phase = u8::try_from(numbers[0])
            .ok()
            .filter(|p| *p <= 4)
            .ok_or(CodeError::BadPhase(numbers[0]))?;
        Ok(match letter {
            'V' => StateCode::Verify {
                phase,
                missing: numbers[1],
                unproven: numbers[2],
                duplicates: numbers[3],
                garbled: numbers[4],
                oversize: numbers[5],
                unmapped: numbers[6],
            },
            _ => StateCode::Doctor {
                phase,
                errors: numbers[1],
                warnings: numbers[2],
            },
        })
    }

    /// The code as sentences a person reads, one per line, in `lang`.
    pub fn explain(&self, lang: Lang) -> Vec<String> {
        let (_, numbers) = self.letter_and_numbers();
        let phase = match numbers[0] {
            1 => tr!(lang, "helpdesk-phase-before"),
            2 => tr!(lang, "helpdesk-phase-copying"),
            3 => tr!(lang, "helpdesk-phase-after-cutover"),
            4 => tr!(lang, "helpdesk-phase-old-off"),
            _ => tr!(lang, "helpdesk-phase-unknown"),
        };
        let mut lines = vec![phase];
        match *self {
            StateCode::Verify {
                missing,
                unproven,
                duplicates,
                garbled,
                oversize,
                unmapped,
                ..
            } => {
                lines.push(tr!(lang, "helpdesk-source-verify"));
                if self.is_clean() {
                    lines.push(tr!(lang, "helpdesk-verify-clean"));
                }
                for (count, line) in [
                    (
                        missing,
                        tr!(lang, "helpdesk-verify-missing", count = missing),
                    ),
                    (
                        unproven,
                        tr!(lang, "helpdesk-verify-unproven", count = unproven),
                    ),
                    (
                        duplicates,
                        tr!(lang, "helpdesk-verify-duplicates", count = duplicates),
                    ),
                    (
                        garbled,
                        tr!(lang, "helpdesk-verify-garbled", count = garbled),
                    ),
                    (
                        oversize,
                        tr!(lang, "helpdesk-verify-oversize", count = oversize),
                    ),
                    (
                        unmapped,
                        tr!(lang, "helpdesk-verify-unmapped", count = unmapped),
                    ),
                ] {
                    if count > 0 {
                        lines.push(line);
                    }
                }
            }
            StateCode::Doctor {
                errors, warnings, ..
            } => {
                lines.push(tr!(lang, "helpdesk-source-doctor"));
                if self.is_clean() {
                    lines.push(tr!(lang, "helpdesk-doctor-clean"));
                }
                if errors > 0 {
                    lines.push(tr!(lang, "helpdesk-doctor-errors", count = errors));
                }
                if warnings > 0 {
                    lines.push(tr!(lang, "helpdesk-doctor-warnings", count = warnings));
                }
            }
        }
        lines
    }
}

impl std::fmt::Display for StateCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (letter, numbers) = self.letter_and_numbers();
        let mut body = String::new();
        body.push(letter);
        for (i, n) in numbers.iter().enumerate() {
            if i > 0 {
                body.push('-');
            }
            body.push_str(&n.to_string());
        }
        write!(f, "{body}-{:02}", check(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(m: u64, u: u64, d: u64, g: u64, o: u64, n: u64) -> StateCode {
        StateCode::Verify {
            phase: 2,
            missing: m,
            unproven: u,
            duplicates: d,
            garbled: g,
            oversize: o,
            unmapped: n,
        }
    }

    #[test]
    fn round_trips_and_reads_what_people_type() {
        let codes = [
            verify(6, 0, 4, 2, 0, 1),
            verify(0, 0, 0, 0, 0, 0),
            verify(1234, 5, 0, 17, 3, 12),
            StateCode::Doctor {
                phase: 3,
                errors: 1,
                warnings: 2,
            },
        ];
        for code in codes {
            let text = code.to_string();
            assert_eq!(StateCode::parse(&text), Ok(code), "{text}");
            let typed = text
                .to_lowercase()
                .replacen('-', " ", 2)
                .replace('-', " ー ")
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c),
                    c => c,
                })
                .collect::<String>();
            assert_eq!(StateCode::parse(&typed), Ok(code), "{typed}");
        }
        assert_eq!(
            verify(6, 0, 4, 2, 0, 1).to_string(),
            "V2-6-0-4-2-0-1-".to_string() + &format!("{:02}", check("V2-6-0-4-2-0-1"))
        );
    }

    #[test]
    fn every_single_misread_character_and_neighbour_swap_is_refused() {
        let text = verify(6, 0, 4, 2, 0, 1).to_string();
        let chars: Vec<char> = text.chars().collect();
        let alphabet: Vec<char> = "0123456789VD".chars().collect();
        for i in 0..chars.len() {
            for &c in &alphabet {
                if c == chars[i] || chars[i] == '-' {
                    continue;
                }
                let mut wrong = chars.clone();
                wrong[i] = c;
                let wrong: String = wrong.into_iter().collect();
                assert!(StateCode::parse(&wrong).is_err(), "{wrong} accepted");
            }
            if i + 1 < chars.len() && chars[i] != chars[i + 1] {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                let swapped: String = swapped.into_iter().collect();
                assert!(StateCode::parse(&swapped).is_err(), "{swapped} accepted");
            }
        }
        assert_eq!(StateCode::parse("X1-2-3"), Err(CodeError::UnknownSource));
        assert!(matches!(
            StateCode::parse("V2-1-2"),
            Err(CodeError::WrongLength { .. })
        ));
    }

    #[test]
    fn explains_only_what_is_there_in_both_languages() {
        let code = verify(6, 0, 4, 0, 0, 1);
        for lang in [Lang::Ja, Lang::En] {
            let lines = code.explain(lang);
            assert_eq!(lines.len(), 5, "{lines:?}");
            assert!(lines.iter().any(|l| l.contains('6')), "{lines:?}");
        }
        let en = code.explain(Lang::En).join("\n");
        assert!(en.contains("6 messages"), "{en}");
        assert!(en.contains("1 folder "), "singular: {en}");
        let ja = verify(0, 0, 0, 0, 0, 0).explain(Lang::Ja).join("\n");
        assert!(ja.contains("問題は見つかりませんでした"), "{ja}");
    }
}
