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
