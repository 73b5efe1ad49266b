use super::*;

fn msg(subject: Option<&str>) -> MessageInfo {
    MessageInfo {
        subject: subject.map(str::to_string),
        ..MessageInfo::default()
    }
}

#[test]
fn defect_table() {
    let cases: &[(&str, Option<Defect>)] = &[
        ("会議のお知らせ", None),
        ("Re: meeting", None),
        ("Réunion à Genève", None),
        ("Café crème brûlée", None),
        ("Éléonore", None),
        ("価格は 100$Bです(B", None),
        ("", None),
        (
            "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=",
            Some(Defect::UndecodedEncodedWord),
        ),
        (
            "Re: =?iso-2022-jp?b?GyRCJDMk",
            Some(Defect::UndecodedEncodedWord),
        ),
        ("=?utf-8?q?caf=C3=A9?=", Some(Defect::UndecodedEncodedWord)),
        (
            "=?ISO-2022-JP*ja?B?GyRC?=",
            Some(Defect::UndecodedEncodedWord),
        ),
        ("a =? b ? c", None),
        ("会議の�知らせ", Some(Defect::ReplacementChar)),
        ("\u{1b}$B2q5D\u{1b}(B", Some(Defect::Iso2022JpEscape)),
        ("Re: $B2q5D$N$*CN$i$;(B", Some(Defect::Iso2022JpEscape)),
        ("\u{89}ï\u{8b}c\u{82}Ì", Some(Defect::C1Control)),
        ("ãƒ†ã‚¹ãƒˆ", Some(Defect::Utf8AsLatin1)),
        ("Re: Ã©tÃ©", Some(Defect::Utf8AsLatin1)),
        ("‰ï‹c‚Ì‚¨’m‚ç‚¹", Some(Defect::ShiftJisAsLatin1)),
    ];
    for (text, expected) in cases {
        assert_eq!(subject_defect(text), *expected, "{text:?}");
    }
}

/// Name, old subject, new subject, expected judgement.
type Case = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<GarbleKind>,
);

#[test]
fn garbling_table() {
    let clean = "【重要】システム停止のお知らせ";
    let cases: &[Case] = &[
        ("same text", Some(clean), Some(clean), None),
        (
            "white space only",
            Some("会議  のお知らせ "),
            Some("会議　のお知らせ"),
            None,
        ),
        ("both absent", None, None, None),
        ("absent vs empty", None, Some(""), None),
        (
            "undecoded on new (seed 004)",
            Some(clean),
            Some("=?ISO-2022-JP?B?GyRCIVo9RU1XIVslNyU5JUYlYBsoQg==?="),
            Some(GarbleKind::OnNew(Defect::UndecodedEncodedWord)),
        ),
        (
            "replacement chars on new",
            Some(clean),
            Some("【重要】�����"),
            Some(GarbleKind::OnNew(Defect::ReplacementChar)),
        ),
        (
            "escapes visible on new",
            Some("会議"),
            Some("\u{1b}$B2q5D\u{1b}(B"),
            Some(GarbleKind::OnNew(Defect::Iso2022JpEscape)),
        ),
        (
            "Latin-1 mojibake on new",
            Some("テスト"),
            Some("ãƒ†ã‚¹ãƒˆ"),
            Some(GarbleKind::OnNew(Defect::Utf8AsLatin1)),
        ),
        (
            "text changed",
            Some("会議のお知らせ"),
            Some("会議のお知らせ (転送)"),
            Some(GarbleKind::TextChanged),
        ),
        (
            "subject lost on new",
            Some("会議"),
            None,
            Some(GarbleKind::TextChanged),
        ),
        (
            "broken on old",
            Some("=?x-unknown?B?@@@?="),
            Some("@@@"),
            Some(GarbleKind::BrokenOnOld(Defect::UndecodedEncodedWord)),
        ),
        (
            "broken on old and new, but equal",
            Some("会議の�知らせ"),
            Some("会議の�知らせ"),
            None,
        ),
    ];
    for (name, old, new, expected) in cases {
        assert_eq!(
            subject_garbling(&msg(*old), &msg(*new)),
            *expected,
            "{name}"
        );
    }
}

#[test]
fn raw_only_subject_is_decoded_before_judging() {
    let old = msg(Some("こんにちは"));
    let new = MessageInfo {
        subject_raw: Some("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=".into()),
        ..MessageInfo::default()
    };
    assert_eq!(subject_garbling(&old, &new), None);
}

#[test]
fn only_broken_on_old_is_not_a_migration_problem() {
    assert!(GarbleKind::OnNew(Defect::C1Control).is_migration_problem());
    assert!(GarbleKind::TextChanged.is_migration_problem());
    assert!(!GarbleKind::BrokenOnOld(Defect::C1Control).is_migration_problem());
}

#[test]
fn descriptions_exist_in_both_languages() {
    let kinds = [
        GarbleKind::OnNew(Defect::UndecodedEncodedWord),
        GarbleKind::TextChanged,
        GarbleKind::BrokenOnOld(Defect::ShiftJisAsLatin1),
    ];
    for kind in kinds {
        let ja = kind.describe(Lang::Ja);
        let en = kind.describe(Lang::En);
        assert!(!ja.is_empty() && !en.is_empty() && ja != en);
    }
}

#[test]
fn serializes_with_tag_and_defect() {
    let json =
        serde_json::to_string(&GarbleKind::OnNew(Defect::UndecodedEncodedWord)).expect("serialize");
    assert_eq!(
        json,
        r#"{"garble":"on_new","defect":"undecoded_encoded_word"}"#
    );
}

/// The definition, searched the slow way: from every `$B` to the first close after it.
fn stripped_jis_escape_by_definition(text: &str) -> bool {
    text.match_indices("$B").any(|(start, _)| {
        let rest = text.get(start + 2..).unwrap_or("");
        let end = ["(B", "(J"].iter().filter_map(|c| rest.find(c)).min();
        end.is_some_and(|end| {
            let inner = rest.get(..end).unwrap_or("");
            inner.len() >= 2 && inner.bytes().all(|b| (0x21..=0x7e).contains(&b))
        })
    })
}

#[test]
fn stripped_jis_escape_matches_its_definition_and_is_linear() {
    let alphabet = [
        "$", "B", "(", "J", "a", " ", "\u{e9}", "$B", "(B", "(J", "F|",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        let mut text = String::new();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        for _ in 0..((seed >> 40) % 14) {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        assert_eq!(
            super::has_stripped_jis_escape(&text),
            stripped_jis_escape_by_definition(&text),
            "{text:?}"
        );
    }
    // 128 K openings and no close: each used to be searched to the end.
    let hostile = "$B".repeat(128 * 1024);
    let started = std::time::Instant::now();
    assert!(!super::has_stripped_jis_escape(&hostile));
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

/// A message whose Subject field is written on the wire as `wire` (folds as `\r\n `), parsed
/// by the real envelope parser.
fn wired(wire: &str) -> MessageInfo {
    let mut info = MessageInfo::default();
    let raw = format!("Message-ID: <a@example.ac.jp>\r\nSubject: {wire}\r\n\r\n");
    crate::mail::envelope::Envelope::parse(raw.as_bytes()).apply_to(&mut info);
    info
}

/// Judged by what a mail program shows: the wire form counts, not only ikou's lenient reading.
#[test]
fn garbling_by_wire_form() {
    // 卒業論文 中間発表会のご案内 (issue 13), and its halves at a four-character boundary.
    const TEXT: &str = "GyRCQjQ2SE9ASjgbKEIgGyRCQ2Y0VkgvST0ycSROJDQwRkZiGyhC";
    let (head, tail) = TEXT.split_at(24);
    let clean = format!("=?ISO-2022-JP?B?{TEXT}?=");
    let cases: Vec<(&str, String, String, Option<GarbleKind>)> = vec![
        ("identical", clean.clone(), clean.clone(), None),
        (
            "legal fold between words",
            "=?ISO-2022-JP?B?GyRCQjQ2SE9ASjgbKEI=?= =?ISO-2022-JP?B?GyRCQ2Y0VkgvST0ycSROJDQwRkZiGyhC?=".to_string(),
            "=?ISO-2022-JP?B?GyRCQjQ2SE9ASjgbKEI=?=\r\n =?ISO-2022-JP?B?GyRCQ2Y0VkgvST0ycSROJDQwRkZiGyhC?=".to_string(),
            None,
        ),
        (
            "one word on old, two folded words on new",
            clean.clone(),
            "=?ISO-2022-JP?B?GyRCQjQ2SE9ASjgbKEI=?=\r\n\t=?ISO-2022-JP?B?IBskQkNmNFZIL0k9MnEkTiQ0MEZGYhsoQg==?=".into(),
            None,
        ),
        (
            "re-encoded in UTF-8",
            clean.clone(),
            "=?UTF-8?B?5Y2S5qWt6KuW5paHIOS4remWk+eZuuihqOS8muOBruOBlOahiOWGhQ==?=".into(),
            None,
        ),
        (
            "fold inside the encoded text",
            clean.clone(),
            format!("=?ISO-2022-JP?B?{head}\r\n {tail}?="),
            Some(GarbleKind::OnNew(Defect::FoldInsideEncodedWord)),
        ),
        (
            "cut-off ?=",
            clean.clone(),
            format!("=?ISO-2022-JP?B?{TEXT}"),
            Some(GarbleKind::OnNew(Defect::MissingEncodedWordEnd)),
        ),
        (
            "double encoded",
            clean.clone(),
            format!(
                "=?UTF-8?Q?=3D=3FISO-2022-JP=3FB=3F{}=3F=3D?=",
                TEXT.replace('=', "=3D")
            ),
            Some(GarbleKind::OnNew(Defect::DoubleEncoded)),
        ),
        (
            "unknown charset on new",
            clean.clone(),
            "=?x-unknown?B?5Y2S5qWt6KuW5paHIOS4remWk+eZuuihqOS8muOBruOBlOahiOWGhQ==?=".into(),
            Some(GarbleKind::OnNew(Defect::UnknownCharset)),
        ),
        (
            "no charset on new",
            clean.clone(),
            format!("=??B?{TEXT}?="),
            Some(GarbleKind::OnNew(Defect::MissingCharset)),
        ),
        (
            "raw 8-bit on new",
            clean.clone(),
            "卒業論文 中間発表会のご案内".into(),
            Some(GarbleKind::OnNew(Defect::Raw8Bit)),
        ),
        (
            "the same fold on both: not the migration's doing",
            format!("=?ISO-2022-JP?B?{head}\r\n {tail}?="),
            format!("=?ISO-2022-JP?B?{head}\r\n {tail}?="),
            None,
        ),
        (
            "repaired on old, clean on new: not the migration's doing",
            format!("=?ISO-2022-JP?B?{head}\r\n {tail}?="),
            clean.clone(),
            None,
        ),
        (
            "raw on old, encoded on new, same text",
            "卒業論文 中間発表会のご案内".into(),
            clean.clone(),
            None,
        ),
    ];
    for (name, old, new, expected) in &cases {
        assert_eq!(
            subject_garbling(&wired(old), &wired(new)),
            *expected,
            "{name}"
        );
    }
}

#[test]
fn every_defect_is_described_in_both_languages() {
    use crate::i18n::Lang;
    let all = [
        Defect::UndecodedEncodedWord,
        Defect::ReplacementChar,
        Defect::Iso2022JpEscape,
        Defect::C1Control,
        Defect::Utf8AsLatin1,
        Defect::ShiftJisAsLatin1,
        Defect::FoldInsideEncodedWord,
        Defect::MissingEncodedWordEnd,
        Defect::InvalidEncodedText,
        Defect::MissingCharset,
        Defect::UnknownCharset,
        Defect::WrongCharset,
        Defect::Raw8Bit,
        Defect::DoubleEncoded,
    ];
    for d in all {
        let (ja, en) = (d.describe(Lang::Ja), d.describe(Lang::En));
        assert!(!ja.is_empty() && !en.is_empty() && ja != en, "{d:?}");
        assert!(!en.starts_with("verify-"), "{d:?} has no catalog entry");
    }
}

/// Without the old wire form (a backup manifest keeps decoded subjects only) a repair on new
/// cannot be shown to be new: only a changed text counts.
#[test]
fn old_without_wire_form_judges_by_text_only() {
    let old = msg(Some("卒業論文 中間発表会のご案内"));
    for wire in [
        "卒業論文 中間発表会のご案内",
        "=?ISO-2022-JP?B?GyRCQjQ2SE9ASjgbKEIgGyRC\r\n Q2Y0VkgvST0ycSROJDQwRkZiGyhC?=",
    ] {
        assert_eq!(subject_garbling(&old, &wired(wire)), None, "{wire:?}");
    }
    let changed = wired("=?ISO-2022-JP?B?GyRCQjQ2SE9ASjgbKEIgGyRC");
    assert_eq!(
        subject_garbling(&old, &changed),
        Some(GarbleKind::OnNew(Defect::MissingEncodedWordEnd))
    );
}

#[test]
fn repairs_serialize_by_name() {
    let json = serde_json::to_string(&GarbleKind::OnNew(Defect::Raw8Bit)).expect("serialize");
    assert_eq!(json, r#"{"garble":"on_new","defect":"raw_8bit"}"#);
    let json = serde_json::to_string(&Defect::FoldInsideEncodedWord).expect("serialize");
    assert_eq!(json, r#""fold_inside_encoded_word""#);
}
