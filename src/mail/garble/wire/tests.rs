use super::*;

/// 卒業論文 中間発表会のご案内, as the example.
const EXAMPLE: &str = "GyRCQjQ2SE9ASjgbKEIgGyRCQ2Y0VkgvST0ycSROJDQwRkZiGyhC";

#[test]
fn repair_table() {
    let whole = format!("=?ISO-2022-JP?B?{EXAMPLE}?=");
    let (head, tail) = EXAMPLE.split_at(24);
    let cases: Vec<(&str, String, Option<Defect>)> = vec![
        ("plain ASCII", "Re: meeting".into(), None),
        ("empty", String::new(), None),
        ("one word", whole.clone(), None),
        ("with prefix", format!("Re: {whole}"), None),
        (
            "two words, legally folded (unfolded: white space between)",
            format!("=?ISO-2022-JP?B?{head}?= =?ISO-2022-JP?B?{tail}?="),
            None,
        ),
        (
            "two words, tab fold",
            "=?ISO-2022-JP?B?GyRCMnE1RCROGyhC?=\t=?ISO-2022-JP?B?GyRCJCpDTiRpJDsbKEI=?="
                .to_string(),
            None,
        ),
        (
            "UTF-8 split inside a character across two words",
            // 会議 = E4 BC 9A E8 AD B0, split after the fourth byte.
            "=?UTF-8?B?5LyaNg==?=".replace("5LyaNg==", "5Lya6A==")
                + " =?UTF-8?B?ra0=?=".replace("ra0=", "rbA=").as_str(),
            None,
        ),
        (
            "Q encoding",
            "=?utf-8?q?caf=C3=A9_cr=C3=A8me?=".into(),
            None,
        ),
        (
            "lower-case b, language tag",
            "=?iso-2022-jp*ja?b?GyRCMnE1RBsoQg==?=".into(),
            None,
        ),
        ("missing padding", "=?UTF-8?B?5Lya6K2w?=".into(), None),
        ("not a word", "a =? b ? c".into(), None),
        (
            "latin-1 word",
            "=?ISO-8859-1?Q?R=E9union_=E0_Gen=E8ve?=".into(),
            None,
        ),
        (
            "fold inside the encoded text (issue 13)",
            format!("=?ISO-2022-JP?B?{head} {tail}?="),
            Some(Defect::FoldInsideEncodedWord),
        ),
        (
            "fold inside, after a legal word",
            format!("Re: =?UTF-8?B?5Lya?= =?ISO-2022-JP?B?{head}\t{tail}?="),
            Some(Defect::FoldInsideEncodedWord),
        ),
        (
            "cut-off ?=",
            format!("=?ISO-2022-JP?B?{EXAMPLE}"),
            Some(Defect::MissingEncodedWordEnd),
        ),
        (
            "cut-off ?= before another word",
            format!("=?ISO-2022-JP?B?{head} =?ISO-2022-JP?B?{tail}?="),
            Some(Defect::MissingEncodedWordEnd),
        ),
        (
            "cut-off with only ?",
            format!("=?ISO-2022-JP?B?{EXAMPLE}?"),
            Some(Defect::MissingEncodedWordEnd),
        ),
        (
            "not base64",
            "=?UTF-8?B?5Ly*6K2w?=".into(),
            Some(Defect::InvalidEncodedText),
        ),
        (
            "no charset",
            "=??B?5Lya6K2w?=".into(),
            Some(Defect::MissingCharset),
        ),
        (
            "unknown charset",
            "=?x-unknown?B?5Lya6K2w?=".into(),
            Some(Defect::UnknownCharset),
        ),
        (
            "Shift_JIS bytes labelled UTF-8",
            "=?UTF-8?B?ie+LYw==?=".into(),
            Some(Defect::WrongCharset),
        ),
        (
            "UTF-8 bytes labelled ISO-8859-1",
            "=?ISO-8859-1?B?5Lya6K2w44Gu44GK55+l44KJ44Gb?=".into(),
            Some(Defect::WrongCharset),
        ),
        (
            "ISO-2022-JP bytes labelled UTF-8 (escapes visible)",
            format!("=?UTF-8?B?{EXAMPLE}?="),
            Some(Defect::WrongCharset),
        ),
        (
            "8-bit bytes labelled US-ASCII",
            "=?US-ASCII?B?5Lya6K2w?=".into(),
            Some(Defect::WrongCharset),
        ),
        ("raw 8-bit", "会議のお知らせ".into(), Some(Defect::Raw8Bit)),
        (
            "raw 8-bit next to a word",
            "Re: 会議 =?UTF-8?B?5Lya?=".into(),
            Some(Defect::Raw8Bit),
        ),
        (
            "double encoded",
            format!(
                "=?UTF-8?Q?=3D=3FISO-2022-JP=3FB=3F{}=3F=3D?=",
                EXAMPLE.replace('=', "=3D")
            ),
            Some(Defect::DoubleEncoded),
        ),
        (
            "double encoded in base64",
            format!("=?UTF-8?B?{}?=", LENIENT_PADDING.encode(whole.as_bytes())),
            Some(Defect::DoubleEncoded),
        ),
    ];
    for (name, raw, expected) in &cases {
        assert_eq!(subject_repair(raw), *expected, "{name}: {raw:?}");
    }
}

#[test]
fn hostile_input_never_panics() {
    let cases = [
        "=?",
        "=??",
        "=???",
        "=?a?",
        "=?a?B",
        "=?a?B?",
        "=?a?B??=",
        "=?a?Q?=",
        "=?a?Q?=4?=",
        "=?a?Q?=é?=",
        "=?é?B?AA?=",
        "?=?=",
        "=?UTF-8?B?====?=",
        "=?UTF-8?Q?=?=",
    ];
    for raw in cases {
        let _ = subject_repair(raw);
    }
    let long = "=?UTF-8?B?".repeat(20_000);
    assert!(subject_repair(&long).is_some());
}

/// Damage written into valid UTF-8 is not a label problem: no repair, the text names it.
#[test]
fn damage_inside_valid_utf8_is_not_a_repair() {
    for text in ["会議の�知らせ", "ãƒ†ã‚¹ãƒˆ"] {
        let raw = format!("=?UTF-8?B?{}?=", LENIENT_PADDING.encode(text.as_bytes()));
        assert_eq!(subject_repair(&raw), None, "{text}");
    }
}
