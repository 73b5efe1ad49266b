use super::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// 会議のお知らせ in ISO-2022-JP, Shift_JIS, EUC-JP and UTF-8, as base64 and as the bytes
/// the base64 must decode to (so a typo in a literal fails here, not as a puzzling decode).
const MEETING_B64: [(&str, &str, &str); 4] = [
    (
        "ISO-2022-JP",
        "GyRCMnE1RCROJCpDTiRpJDsbKEI=",
        "1b244232713544244e242a434e2469243b1b2842",
    ),
    (
        "Shift_JIS",
        "ie+LY4LMgqiSbYLngrk=",
        "89ef8b6382cc82a8926d82e782b9",
    ),
    (
        "EUC-JP",
        "svG1xKTOpKrDzqTppLs=",
        "b2f1b5c4a4cea4aac3cea4e9a4bb",
    ),
    (
        "UTF-8",
        "5Lya6K2w44Gu44GK55+l44KJ44Gb",
        "e4bc9ae8adb0e381aee3818ae79fa5e38289e3819b",
    ),
];

#[test]
fn literal_base64_decodes_to_the_charset_bytes() {
    for (charset, b64, hex_bytes) in MEETING_B64 {
        let decoded = STANDARD.decode(b64).expect("valid base64");
        assert_eq!(hex::encode(decoded), hex_bytes, "{charset}");
    }
}

fn subject_of(raw: &[u8]) -> Option<String> {
    Envelope::parse(raw).subject
}

#[test]
fn realistic_iso_2022_jp_header_block() {
    // A header block as BODY.PEEK[HEADER.FIELDS (...)] returns it: CRLF lines, a folded
    // subject split into two encoded-words, a Japanese display name, upper-case domain.
    let raw = b"Message-ID: <20120123.ABCdef@Mail.Example.AC.JP>\r\n\
Date: Mon, 23 Jan 2012 10:15:00 +0900 (JST)\r\n\
From: =?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <Taro.Yamada@Example.ac.jp>\r\n\
To: =?Shift_JIS?B?grGC8YLJgr+CzQ==?= <kenkyu@example.ac.jp>, other@example.ac.jp\r\n\
Subject: =?ISO-2022-JP?B?GyRCIVo9RU1XIVslNyU5JUYlYBsoQg==?=\r\n\
\x20=?ISO-2022-JP?B?GyRCRGQ7XyROJCpDTiRpJDsbKEI=?=\r\n\
\r\n";
    let env = Envelope::parse(raw);
    assert_eq!(
        env.message_id.as_deref(),
        Some("20120123.ABCdef@mail.example.ac.jp")
    );
    assert_eq!(
        env.date.as_deref(),
        Some("Mon, 23 Jan 2012 10:15:00 +0900 (JST)")
    );
    assert_eq!(
        env.from.as_deref(),
        Some("山田 太郎 <Taro.Yamada@Example.ac.jp>")
    );
    assert_eq!(
        env.to.as_deref(),
        Some("こんにちは <kenkyu@example.ac.jp>, other@example.ac.jp")
    );
    assert_eq!(
        env.subject.as_deref(),
        Some("【重要】システム停止のお知らせ")
    );
    assert_eq!(
        env.subject_raw.as_deref(),
        Some(
            "=?ISO-2022-JP?B?GyRCIVo9RU1XIVslNyU5JUYlYBsoQg==?= \
             =?ISO-2022-JP?B?GyRCRGQ7XyROJCpDTiRpJDsbKEI=?="
        )
    );
}

#[test]
fn subject_decoding_table() {
    let mut cases: Vec<(String, Vec<u8>, &str)> = MEETING_B64
        .iter()
        .map(|(cs, b64, _)| {
            let raw = format!("Subject: =?{cs}?B?{b64}?=\r\n\r\n").into_bytes();
            (format!("B {cs}"), raw, "会議のお知らせ")
        })
        .collect();
    let more: Vec<(&str, &[u8], &str)> = vec![
        (
            "lower-case charset and b",
            b"Subject: =?iso-2022-jp?b?GyRCJDMkcyRLJEEkTxsoQg==?=\r\n",
            "こんにちは",
        ),
        (
            "Q ISO-2022-JP",
            b"Subject: =?ISO-2022-JP?Q?=1B$B2q5D=1B(B?=\r\n",
            "会議",
        ),
        (
            "Q UTF-8 with underscore",
            b"Subject: =?UTF-8?Q?Re:_=E4=BC=9A=E8=AD=B0?=\r\n",
            "Re: 会議",
        ),
        (
            "mixed ASCII and encoded-word",
            b"Subject: Re: =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?= (2)\r\n",
            "Re: こんにちは (2)",
        ),
        (
            "raw ISO-2022-JP escapes",
            b"Subject: Re: \x1b$B2q5D\x1b(B\r\n",
            "Re: 会議",
        ),
        (
            "raw 8-bit Shift_JIS",
            b"Subject: \x89\xef\x8b\x63\x82\xcc\x82\xa8\x92\x6d\x82\xe7\x82\xb9\r\n",
            "会議のお知らせ",
        ),
        (
            "raw 8-bit EUC-JP",
            b"Subject: \xb2\xf1\xb5\xc4\xa4\xce\xa4\xaa\xc3\xce\xa4\xe9\xa4\xbb\r\n",
            "会議のお知らせ",
        ),
        (
            "raw UTF-8 (RFC 6532)",
            "Subject: 会議のお知らせ\r\n".as_bytes(),
            "会議のお知らせ",
        ),
        (
            "space inside the base64 is forgiven",
            b"Subject: =?ISO-2022-JP?B?GyRCM1gycSRO JDQwRkZiGyhC?=\r\n",
            "学会のご案内",
        ),
        (
            "plain ASCII, bare LF",
            b"Subject: hello world\n\n",
            "hello world",
        ),
        (
            "folded plain text",
            b"Subject: a long\r\n  subject\r\n",
            "a long  subject",
        ),
    ];
    for (name, raw, expected) in more {
        cases.push((name.to_string(), raw.to_vec(), expected));
    }
    for (name, raw, expected) in cases {
        assert_eq!(subject_of(&raw).as_deref(), Some(expected), "{name}");
    }
}

#[test]
fn broken_input_never_panics() {
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("only CRLF", b"\r\n"),
        ("no colon", b"Subject\r\n"),
        ("truncated name", b"Subj"),
        ("truncated value", b"Subject: =?ISO-2022-JP?B?GyRCJDMk"),
        ("truncated mid fold", b"Subject: a\r\n "),
        ("invalid base64", b"Subject: =?UTF-8?B?!!!***?=\r\n"),
        ("unknown charset", b"Subject: =?x-klingon?B?5Lya6K2w?=\r\n"),
        ("bad encoding letter", b"Subject: =?UTF-8?X?abc?=\r\n"),
        ("lone escape", b"Subject: \x1b$B\r\n"),
        (
            "8-bit garbage",
            b"Subject: \xff\xfe\x80\x81\r\nFrom: \xfe\r\n",
        ),
        ("NUL bytes", b"Subject: a\0b\r\nMessage-ID: <\0>\r\n"),
        (
            "broken addresses",
            b"From: <<<@>>>, \"unterminated\r\nTo: ,,,\r\n",
        ),
        ("date garbage", b"Date: yesterday-ish\r\n"),
        ("binary", &[0u8, 159, 146, 150, 10, 13, 255, 58, 58]),
    ];
    for (name, raw) in cases {
        let env = Envelope::parse(raw);
        // Whatever came out must be usable text.
        for text in [
            &env.subject,
            &env.subject_raw,
            &env.from,
            &env.to,
            &env.date,
        ]
        .into_iter()
        .flatten()
        {
            assert!(!text.contains('\n'), "{name}: {text:?}");
        }
    }
}

#[test]
fn broken_input_yields_best_effort_fields() {
    let env = Envelope::parse(b"Subject: =?x-klingon?B?5Lya6K2w?=\r\n");
    // Unknown charsets fall back to UTF-8, which these bytes happen to be.
    assert_eq!(env.subject.as_deref(), Some("会議"));
    let env = Envelope::parse(b"Subject: =?UTF-8?B?!!!***?=\r\n");
    assert!(env.subject.is_some());
    let env = Envelope::parse(b"Date: yesterday-ish\r\nSubject:   \r\n");
    assert_eq!(env.date.as_deref(), Some("yesterday-ish"));
    assert_eq!(env.subject, None, "blank subject is absent");
}

#[test]
fn pseudo_random_bytes_never_panic() {
    // A tiny LCG over header-ish fragments: cheap, deterministic fuzzing of the parse path.
    const PIECES: &[&[u8]] = &[
        b"Subject:",
        b"From:",
        b"To:",
        b"Date:",
        b"Message-ID:",
        b" ",
        b"\r\n",
        b"\n ",
        b"=?",
        b"?=",
        b"?B?",
        b"?Q?",
        b"ISO-2022-JP",
        b"GyRC",
        b"\x1b$B",
        b"\x1b(B",
        b"\x82\xa0",
        b"\xff",
        b"<",
        b">",
        b"@",
        b"\"",
        b",",
        b"=1B",
    ];
    let mut state: u64 = 0x2012_0123;
    for _ in 0..2000 {
        let mut raw = Vec::new();
        for _ in 0..(state % 24) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let index = usize::try_from((state >> 33) % PIECES.len() as u64).unwrap_or(0);
            raw.extend_from_slice(PIECES[index]);
        }
        let _ = Envelope::parse(&raw);
        state = state.wrapping_add(7);
    }
}

#[test]
fn message_id_normal_form() {
    let cases = [
        ("<abc@Example.COM>", Some("abc@example.com")),
        ("  <ABC@example.com>  ", Some("ABC@example.com")),
        ("abc@EXAMPLE.com", Some("abc@example.com")),
        ("<a b@c.d>", Some("ab@c.d")),
        ("<local-only>", Some("local-only")),
        ("<x@y> (comment)", Some("x@y")),
        (
            "<\"quoted@local\"@Host.JP>",
            Some("\"quoted@local\"@host.jp"),
        ),
        ("<>", None),
        ("   ", None),
        ("", None),
    ];
    for (raw, expected) in cases {
        assert_eq!(normalize_message_id(raw).as_deref(), expected, "{raw}");
    }
}

#[test]
fn apply_to_keeps_protocol_fields() {
    let mut info = MessageInfo {
        uid: 7,
        size: 1234,
        subject: Some("old".into()),
        ..MessageInfo::default()
    };
    Envelope::parse(b"Subject: new\r\n").apply_to(&mut info);
    assert_eq!((info.uid, info.size), (7, 1234));
    assert_eq!(info.subject.as_deref(), Some("new"));
    assert_eq!(info.message_id, None);
}

#[test]
fn whole_message_is_accepted() {
    let raw = b"Subject: body follows\r\nMessage-ID: <m@x.jp>\r\n\r\nSubject: not a header\r\n";
    let env = Envelope::parse(raw);
    assert_eq!(env.subject.as_deref(), Some("body follows"));
    assert_eq!(env.message_id.as_deref(), Some("m@x.jp"));
}

#[test]
fn header_fields_keep_what_a_server_keeps() {
    let block = b" lead\r\nSub ject: no\r\nSUBJECT : yes\r\n  more\r\nno colon\r\n cont of nothing\r\nX-A: b\r\nFrom: f\r\n\r\nSubject: body\r\n";
    assert_eq!(
        header_fields(block, &FIELDS),
        b"SUBJECT : yes\r\n  more\r\nFrom: f\r\n\r\n".to_vec()
    );
    // A server's answer goes through unchanged, so parsing it again is the same.
    let answer = b"Subject: a\r\n b\r\nFrom: f\r\n\r\n";
    assert_eq!(header_fields(answer, &FIELDS), answer.to_vec());
    assert_eq!(header_fields(b"", &FIELDS), b"\r\n".to_vec());
    assert_eq!(
        header_fields(b"Subject: no end", &FIELDS),
        b"Subject: no end\r\n\r\n".to_vec()
    );
    // The envelope of a whole message is the envelope of its fields.
    let whole = b"Sub ject: spaced\r\nMessage-ID: <a@b>\r\n\r\nSubject: in the body\r\n";
    let parsed = Envelope::parse(whole);
    assert_eq!(parsed.subject, None);
    assert_eq!(parsed.message_id.as_deref(), Some("a@b"));
}

/// Unfolding drops every LF and each CR right before one, as replacing CRLF by LF and then
/// dropping every LF does.
#[test]
fn unfold_drops_line_breaks_only() {
    for text in [
        "", "a", "a\r\n b", "a\n\tb\n", "\r\r\n", "a\rb", "\n\n", "x\r",
    ] {
        let expected = text.replace("\r\n", "\n").replace('\n', "");
        assert_eq!(super::unfold(text), expected, "{text:?}");
    }
}

/// The one-pass parse against the former four-pass parse ([`super::reference`]): every field of
/// every envelope, byte for byte.
fn assert_same_as_reference(name: &str, raw: &[u8]) {
    assert_eq!(
        Envelope::parse(raw),
        super::reference::parse(raw),
        "{name}: {:?}",
        String::from_utf8_lossy(raw)
    );
}

#[test]
fn one_pass_equals_reference_on_generated_mailboxes() {
    let mut count = 0;
    for seed in 1..=3 {
        let plan = ikou_testbed::scenario::plan(seed);
        let sized = ikou_testbed::Corpus::sized(seed, 1500, 3_000_000);
        for corpus in [&plan.old, &plan.new, &sized] {
            for folder in &corpus.folders {
                for message in &folder.messages {
                    assert_same_as_reference(&folder.name, &message.raw);
                    count += 1;
                }
            }
        }
    }
    assert!(count > 3000, "{count} messages");
}

#[test]
fn one_pass_equals_reference_on_edge_cases() {
    const JIS_WORD: &str = "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=";
    let values: Vec<Vec<u8>> = [
        // One verbatim line.
        &b"plain words"[..],
        b"Re: [list:00012] tab\tinside",
        b"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=",
        b"=?UTF-8?Q?Re:_=E4=BC=9A=E8=AD=B0?= (2)",
        b"=?utf-8?b?5Lya6K2w?==?utf-8?b?5Lya6K2w?=",
        b"=?UTF-8?B?!!!***?=",
        b"=?x-klingon?B?5Lya6K2w?=",
        b"=?UTF-8?X?abc?=",
        b"=?ISO-2022-JP?B?GyRCJDMk",
        b"=?",
        b"a =? b ? c",
        b"\"Yamada, Taro\" <taro@example.ac.jp>, hanako@example.ac.jp",
        b"\"unterminated <a@b>",
        b"\"esc\\\"aped\" <a@b>",
        b"a@b (comment), (only comment)",
        b"(nested (comment)) x@y",
        b"Group: a@b, \"c, d\" <c@d>;, e@f",
        b"Undisclosed recipients:;",
        b"<<<@>>>, ,,,",
        b"=?ISO-2022-JP?B?GyRCOzNFRBsoQiAbJEJCQE86GyhC?= <Taro.Yamada@Example.ac.jp>",
        b"=?Shift_JIS?B?grGC8YLJgr+CzQ==?= <kenkyu@example.ac.jp>, other@example.ac.jp",
        b"\"=?UTF-8?B?5bGx55Sw?=\" <q@example.jp>",
        b"<abc@Example.COM>",
        b"<a b@c.d> (comment)",
        b"Mon, 23 Jan 2012 10:15:00 +0900 (JST)",
        b":",
        b";",
        b"\\",
        b"x\\",
        b"=",
        b"?=",
        // Not verbatim: white space at the ends, control bytes, raw Japanese, folds.
        b"   padded   ",
        b"\tpadded\t",
        b"",
        b"   ",
        b"a\rb",
        b"a\r",
        b"\x0bvertical tab\x0c",
        b"nul\0byte",
        b"Re: \x1b$B2q5D\x1b(B",
        b"\x1b$B2q5D$N$*CN$i$;\x1b(B <a@b>",
        b"\x89\xef\x8b\x63\x82\xcc\x82\xa8\x92\x6d\x82\xe7\x82\xb9",
        b"\xb2\xf1\xb5\xc4\xa4\xce\xa4\xaa\xc3\xce\xa4\xe9\xa4\xbb",
        b"\"\x8eR\x93c \x91\xbe\x98Y\" <yamada@example.jp>",
        "会議のお知らせ".as_bytes(),
        "山田 太郎 <taro@example.jp>".as_bytes(),
        "\u{3000}全角空白\u{3000}".as_bytes(),
        b"\xff\xfe\x80",
        b"a long\r\n  subject",
        b"a long \r\n subject",
        b"a long\r\n subject",
        b"a long\r\n\tsubject",
        b"a\r\n \r\n b",
        b"=?ISO-2022-JP?B?GyRCJDMkcyRL?=\r\n =?ISO-2022-JP?B?JEEkTxsoQg==?=",
        b"=?ISO-2022-JP?B?GyRCJDMk\r\n cyRLJEEkTxsoQg==?=",
        b"=?UTF-8?Q?a=20\r\n b?=",
        b"=?UTF-8?Q?a\r\n\t_b?=",
        b"text\r\n =?UTF-8?B?5Lya6K2w?=\r\n text",
        b"\"Yamada,\r\n Taro\" <taro@example.ac.jp>,\r\n hanako@example.ac.jp",
        b"a@b,\r\n\tc@d,\r\n e@f",
        b"Group:\r\n a@b;",
        b"(comment\r\n continued) a@b",
        b"\"quote\r\n",
        b"a\nb",
        b"bare LF\n continued",
    ]
    .iter()
    .map(|v| v.to_vec())
    .chain([JIS_WORD.as_bytes().to_vec()])
    .collect();
    let mut count = 0;
    for value in &values {
        for name in ["Subject", "From", "To", "Date", "Message-ID"] {
            for (sep, end) in [
                (&b": "[..], &b"\r\n"[..]),
                (b":", b"\r\n"),
                (b":  ", b"\r\n"),
                (b" : ", b"\r\n"),
                (b": ", b"\n"),
                (b": ", b""),
                (b": ", b" \r\n"),
            ] {
                let mut field = name.as_bytes().to_vec();
                field.extend_from_slice(sep);
                field.extend_from_slice(value);
                field.extend_from_slice(end);
                let mut blocks = vec![field.clone()];
                // Alone, first and last among others, duplicated, upper-cased, in a whole
                // message, after a malformed `Sub ject:` line.
                let mut others = b"Message-ID: <m@x.jp>\r\nDate: Tue, 1 Jan 2013 00:00:00 +0900\r\nFrom: f@x.jp\r\nTo: t@x.jp\r\nSubject: s\r\n".to_vec();
                let mut first = field.clone();
                first.extend_from_slice(&others);
                blocks.push(first);
                let mut last = others.clone();
                last.extend_from_slice(&field);
                blocks.push(last);
                let mut twice = field.clone();
                twice.extend_from_slice(&field);
                blocks.push(twice);
                blocks.push(field.to_ascii_uppercase());
                let mut whole = field.clone();
                whole.extend_from_slice(b"\r\n\r\nSubject: body\r\n");
                blocks.push(whole);
                let mut spaced = b"Sub ject: spaced\r\n".to_vec();
                spaced.extend_from_slice(&field);
                blocks.push(spaced);
                others.splice(0..0, b" leading continuation\r\n".iter().copied());
                others.extend_from_slice(&field);
                blocks.push(others);
                for block in blocks {
                    assert_same_as_reference(name, &block);
                    count += 1;
                }
            }
        }
    }
    assert!(count > 10_000, "{count} blocks");
}

/// Random header blocks made of the pieces header parsing turns on.
#[test]
fn one_pass_equals_reference_on_random_blocks() {
    const NAMES: &[&[u8]] = &[
        b"Subject:",
        b"From:",
        b"To:",
        b"Date:",
        b"Message-ID:",
        b"subject :",
        b"TO:",
        b"X-Other:",
        b"Sub ject:",
    ];
    const PIECES: &[&[u8]] = &[
        b" ",
        b" ",
        b" ",
        b"\t",
        b"\r\n",
        b"\r\n ",
        b"\r\n\t",
        b"\n ",
        b"\r",
        b"word",
        b"Re:",
        b"a@b.jp",
        b"Taro",
        b"=?",
        b"?=",
        b"?B?",
        b"?Q?",
        b"ISO-2022-JP",
        b"UTF-8",
        b"=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=",
        b"=?UTF-8?Q?caf=C3=A9_x?=",
        b"=?UTF-8?B?5Lya6K2w?=",
        b"GyRC",
        b"=1B",
        b"_",
        b"\x1b$B",
        b"\x1b(B",
        b"2q5D",
        b"\x82\xa0",
        b"\x89\xef",
        b"\xff",
        "会議".as_bytes(),
        "\u{3000}".as_bytes(),
        b"\x0b",
        b"\0",
        b"<",
        b">",
        b"@",
        b"\"",
        b"\\",
        b",",
        b":",
        b";",
        b"(",
        b")",
    ];
    let mut state: u64 = 0x2026_1206;
    let mut next = |below: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((state >> 33) % below as u64).unwrap_or(0)
    };
    for _ in 0..20_000 {
        let mut raw = Vec::new();
        for _ in 0..=next(4) {
            raw.extend_from_slice(NAMES[next(NAMES.len())]);
            if next(4) > 0 {
                raw.push(b' ');
            }
            for _ in 0..next(12) {
                raw.extend_from_slice(PIECES[next(PIECES.len())]);
            }
            raw.extend_from_slice(b"\r\n");
        }
        assert_same_as_reference("random", &raw);
    }
}

/// `decode_text` reads the value straight from mail-parser's stream; the result is that of a
/// whole parse of the one-line header.
#[test]
fn decode_text_equals_reference() {
    for value in [
        "",
        " ",
        "plain",
        "=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=",
        "Re: =?iso-2022-jp?b?GyRCJDMk",
        "a\rb\nc",
        "\u{1b}$B2q5D\u{1b}(B",
        "会議の�知らせ",
        "  =?UTF-8?Q?a_b?=  =?UTF-8?Q?c?= d ",
    ] {
        assert_eq!(
            decode_text(value),
            super::reference::decode_text(value),
            "{value:?}"
        );
    }
}

#[test]
fn message_id_normal_form_equals_reference() {
    const PIECES: &[&str] = &[
        "<", ">", "@", "a", "B", "Ex", "AMPLE", ".JP", " ", "\t", "\u{3000}", "Ä", "İ", "ß", "\"",
    ];
    let mut state: u64 = 11;
    for _ in 0..20_000 {
        let mut text = String::new();
        for _ in 0..(state % 12) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let index = usize::try_from((state >> 33) % PIECES.len() as u64).unwrap_or(0);
            text.push_str(PIECES[index]);
        }
        assert_eq!(
            normalize_message_id(&text),
            super::reference::normalize_message_id(&text),
            "{text:?}"
        );
        state = state.wrapping_add(5);
    }
}
