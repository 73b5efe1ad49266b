//! # MIME building blocks
//!
//! Encoders for the header and body forms legacy Japanese mail really uses (RFC 2047
//! encoded-words in ISO-2022-JP and UTF-8, RFC 2231 parameters, base64, quoted-printable,
//! RFC 5322 dates) plus a small decoder, so the corpus and the scenario can describe
//! messages without an external mail library.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

/// Charset used for an encoded-word or a text body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `ISO-2022-JP` (JIS), the classic Japanese mail charset.
    Iso2022Jp,
    /// `Shift_JIS`, common in bodies from old Windows mailers.
    ShiftJis,
    /// `UTF-8`.
    Utf8,
}

impl Charset {
    /// The MIME charset label.
    pub fn label(self) -> &'static str {
        match self {
            Charset::Iso2022Jp => "ISO-2022-JP",
            Charset::ShiftJis => "Shift_JIS",
            Charset::Utf8 => "UTF-8",
        }
    }

    /// Encodes `s` like `encoding_rs` (byte-identical for JIS X 0208 text; characters the charset lacks become
    /// numeric character references; our word lists have none).
    pub fn encode(self, s: &str) -> Vec<u8> {
        match self {
            Charset::Utf8 => s.as_bytes().to_vec(),
            Charset::Iso2022Jp => encode_jis_cached(s),
            Charset::ShiftJis => encode_sjis_cached(s),
        }
    }
}

// encoding_rs searches its JIS index for every kanji it encodes (it trades speed for size),
// which dominated corpus generation; a per-thread per-character cache makes it ~20x faster.
enum JisChar {
    /// Two bytes in JIS X 0208 (`ESC $ B` mode).
    Kanji([u8; 2]),
    /// Anything else: the full encoder output, which starts and ends in ASCII mode.
    Other(Vec<u8>),
}

thread_local! {
    static JIS_CACHE: std::cell::RefCell<std::collections::HashMap<char, std::rc::Rc<JisChar>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static SJIS_CACHE: std::cell::RefCell<std::collections::HashMap<char, std::rc::Rc<Vec<u8>>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn encode_jis_cached(s: &str) -> Vec<u8> {
    const TO_JIS: &[u8] = b"\x1b$B";
    const TO_ASCII: &[u8] = b"\x1b(B";
    let mut out = Vec::with_capacity(s.len());
    let mut in_jis = false;
    let mut buf = [0u8; 4];
    for ch in s.chars() {
        if ch.is_ascii() && ch != '\x1b' && ch != '\x0e' && ch != '\x0f' {
            if in_jis {
                out.extend_from_slice(TO_ASCII);
                in_jis = false;
            }
            out.push(ch as u8);
            continue;
        }
        let enc = JIS_CACHE.with(|c| {
            c.borrow_mut()
                .entry(ch)
                .or_insert_with(|| {
                    let v = encoding_rs::ISO_2022_JP
                        .encode(ch.encode_utf8(&mut buf))
                        .0
                        .into_owned();
                    std::rc::Rc::new(
                        if v.len() == 8 && v.starts_with(TO_JIS) && v.ends_with(TO_ASCII) {
                            JisChar::Kanji([v[3], v[4]])
                        } else {
                            JisChar::Other(v)
                        },
                    )
                })
                .clone()
        });
        match &*enc {
            JisChar::Kanji(k) => {
                if !in_jis {
                    out.extend_from_slice(TO_JIS);
                    in_jis = true;
                }
                out.extend_from_slice(k);
            }
            JisChar::Other(v) => {
                if in_jis {
                    out.extend_from_slice(TO_ASCII);
                    in_jis = false;
                }
                out.extend_from_slice(v);
            }
        }
    }
    if in_jis {
        out.extend_from_slice(TO_ASCII);
    }
    out
}

fn encode_sjis_cached(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for ch in s.chars() {
        if ch.is_ascii() {
            out.push(ch as u8);
            continue;
        }
        let enc = SJIS_CACHE.with(|c| {
            c.borrow_mut()
                .entry(ch)
                .or_insert_with(|| {
                    std::rc::Rc::new(
                        encoding_rs::SHIFT_JIS
                            .encode(ch.encode_utf8(&mut buf))
                            .0
                            .into_owned(),
                    )
                })
                .clone()
        });
        out.extend_from_slice(&enc);
    }
    out
}

/// How a header text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderEncoding {
    /// `=?ISO-2022-JP?B?...?=`
    Iso2022JpB,
    /// `=?UTF-8?B?...?=`
    Utf8B,
    /// `=?UTF-8?Q?...?=`
    Utf8Q,
}

/// Encoded-words are kept to 62 characters so that even `Subject: Re: ` plus the first
/// word stays within the 78-character line limit (RFC 2047 allows 75).
const WORD_MAX: usize = 62;

/// Encodes `text` as one or more encoded-words (each at most 62 characters), joined by
/// folding whitespace (`CRLF SP`). Leading ASCII such as `Re: ` stays unencoded, as real mailers do.
pub fn encode_words(text: &str, enc: HeaderEncoding) -> String {
    let (prefix, rest) = split_ascii_prefix(text);
    if rest.is_empty() {
        return text.to_string();
    }
    let words = match enc {
        HeaderEncoding::Iso2022JpB => b_words(rest, Charset::Iso2022Jp),
        HeaderEncoding::Utf8B => b_words(rest, Charset::Utf8),
        HeaderEncoding::Utf8Q => q_words(rest),
    };
    let mut out = String::from(prefix);
    out.push_str(&words.join("\r\n "));
    out
}

fn split_ascii_prefix(text: &str) -> (&str, &str) {
    // Keep a leading run of ASCII words (e.g. "Re: ", "Fwd: ") outside the encoded-words.
    let mut cut = 0;
    for (i, w) in text.split_inclusive(' ').scan(0, |pos, w| {
        let start = *pos;
        *pos += w.len();
        Some((start, w))
    }) {
        if w.is_ascii() && w.ends_with(' ') {
            cut = i + w.len();
        } else {
            break;
        }
    }
    text.split_at(cut)
}

fn b_words(text: &str, cs: Charset) -> Vec<String> {
    let head = format!("=?{}?B?", cs.label());
    // 75 chars max per word; base64 length is 4*ceil(n/3).
    let max_b64 = WORD_MAX - head.len() - 2;
    let max_bytes = max_b64 / 4 * 3;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for ch in text.chars() {
        let mut candidate = chunk.clone();
        candidate.push(ch);
        if cs.encode(&candidate).len() > max_bytes && !chunk.is_empty() {
            words.push(format!("{head}{}?=", B64.encode(cs.encode(&chunk))));
            chunk.clear();
        }
        chunk.push(ch);
    }
    if !chunk.is_empty() {
        words.push(format!("{head}{}?=", B64.encode(cs.encode(&chunk))));
    }
    words
}

fn q_words(text: &str) -> Vec<String> {
    let head = "=?UTF-8?Q?";
    let mut words = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        let mut enc = String::new();
        let mut buf = [0u8; 4];
        for &b in ch.encode_utf8(&mut buf).as_bytes() {
            match b {
                b' ' => enc.push('_'),
                b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'!' | b'*' | b'+' | b'-' | b'/' => {
                    enc.push(b as char)
                }
                _ => enc.push_str(&format!("={b:02X}")),
            }
        }
        if head.len() + cur.len() + enc.len() + 2 > WORD_MAX && !cur.is_empty() {
            words.push(format!("{head}{cur}?="));
            cur.clear();
        }
        cur.push_str(&enc);
    }
    if !cur.is_empty() {
        words.push(format!("{head}{cur}?="));
    }
    words
}

/// Decodes RFC 2047 encoded-words in an unfolded header value; whitespace between adjacent
/// encoded-words is dropped as the RFC requires. Text that is not a valid encoded-word is kept verbatim.
pub fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some(start) = rest.find("=?") {
            let (before, at) = rest.split_at(start);
            if let Some((decoded, used)) = decode_one_word(at) {
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&decoded);
                rest = &at[used..];
                last_was_word = true;
                continue;
            }
            out.push_str(before);
            out.push_str("=?");
            rest = &at[2..];
            last_was_word = false;
        } else {
            out.push_str(rest);
            break;
        }
    }
    out
}

fn decode_one_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = &body[..q1];
    let after = &body[q1 + 1..];
    let q2 = after.find('?')?;
    let enc = &after[..q2];
    let text_and_rest = &after[q2 + 1..];
    let end = text_and_rest.find("?=")?;
    let text = &text_and_rest[..end];
    if text.contains(' ') || charset.is_empty() {
        return None;
    }
    let bytes = match enc {
        "B" | "b" => B64.decode(text).ok()?,
        "Q" | "q" => {
            let mut v = Vec::new();
            let tb = text.as_bytes();
            let mut i = 0;
            while i < tb.len() {
                match tb[i] {
                    b'_' => v.push(b' '),
                    b'=' if i + 2 < tb.len() => {
                        v.push(
                            u8::from_str_radix(std::str::from_utf8(&tb[i + 1..i + 3]).ok()?, 16)
                                .ok()?,
                        );
                        i += 2;
                    }
                    b'=' => return None,
                    c => v.push(c),
                }
                i += 1;
            }
            v
        }
        _ => return None,
    };
    let encoding = encoding_rs::Encoding::for_label(charset.as_bytes())?;
    let (text, _, _) = encoding.decode(&bytes);
    let used = 2 + q1 + 1 + q2 + 1 + end + 2;
    Some((text.into_owned(), used))
}

/// Base64 with CRLF after every 76 characters, as MIME bodies are written.
pub fn base64_lines(data: &[u8]) -> Vec<u8> {
    let enc = B64.encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / 76 * 2 + 2);
    for line in enc.as_bytes().chunks(76) {
        out.extend_from_slice(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Quoted-printable (RFC 2045) of text whose lines are separated by `\n`; output uses CRLF.
pub fn quoted_printable(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * 2);
    for line in data.split(|&b| b == b'\n') {
        let mut col = 0;
        for (i, &b) in line.iter().enumerate() {
            let last = i + 1 == line.len();
            let lit = (b == b' ' || b == b'\t') && !last || (33..=126).contains(&b) && b != b'=';
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let esc = [b'=', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]];
            let piece: &[u8] = if lit { &esc[1..1] } else { &esc };
            let width = if lit { 1 } else { 3 };
            if col + width > 75 {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            col += width;
            if lit {
                out.push(b);
            } else {
                out.extend_from_slice(piece);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
    out.truncate(out.len() - 2);
    out.extend_from_slice(b"\r\n");
    out
}

/// RFC 2231 `filename*` parameter(s), split into `filename*0*`, `filename*1*` ... when long.
pub fn rfc2231_filename(name: &str) -> String {
    let mut pct = String::new();
    for &b in name.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            pct.push(b as char);
        } else {
            pct.push_str(&format!("%{b:02X}"));
        }
    }
    if pct.len() <= 60 {
        return format!("filename*=UTF-8''{pct}");
    }
    // Split only between %XX escapes so every segment decodes on its own.
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    let bytes = pct.as_bytes();
    while i < bytes.len() {
        let step = if bytes[i] == b'%' { 3 } else { 1 };
        if cur.len() + step > 60 {
            parts.push(std::mem::take(&mut cur));
        }
        cur.push_str(&pct[i..i + step]);
        i += step;
    }
    parts.push(cur);
    parts
        .iter()
        .enumerate()
        .map(|(n, p)| {
            if n == 0 {
                format!("filename*0*=UTF-8''{p}")
            } else {
                format!("filename*{n}*={p}")
            }
        })
        .collect::<Vec<_>>()
        .join(";\r\n ")
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month 1-12, day) from days since 1970-01-01 (Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds of a UTC civil date-time.
pub fn unix_from_civil(y: i64, m: u32, d: u32, hh: u32, mm: u32, ss: u32) -> i64 {
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * m as i64 + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + (hh * 3600 + mm * 60 + ss) as i64
}

fn split_time(unix: i64, offset_min: i32) -> (i64, u32, u32, i64, u32, u32, u32) {
    let local = unix + offset_min as i64 * 60;
    let days = local.div_euclid(86_400);
    let secs = local.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    (y, m, d, days, secs / 3600, secs / 60 % 60, secs % 60)
}

fn offset_str(offset_min: i32) -> String {
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 60, a % 60)
}

/// RFC 5322 date, e.g. `Tue, 3 Jan 2023 10:00:00 +0900`, for the instant `unix` seen at `offset_min`.
pub fn rfc5322_date(unix: i64, offset_min: i32) -> String {
    let (y, m, d, days, hh, mm, ss) = split_time(unix, offset_min);
    let dow = DAYS[days.rem_euclid(7) as usize];
    format!(
        "{dow}, {d} {} {y} {hh:02}:{mm:02}:{ss:02} {}",
        MONTHS[m as usize - 1],
        offset_str(offset_min)
    )
}

/// IMAP date-time, e.g. `03-Jan-2023 10:00:00 +0900` (for APPEND).
pub fn imap_date(unix: i64, offset_min: i32) -> String {
    let (y, m, d, _, hh, mm, ss) = split_time(unix, offset_min);
    format!(
        "{d:02}-{}-{y} {hh:02}:{mm:02}:{ss:02} {}",
        MONTHS[m as usize - 1],
        offset_str(offset_min)
    )
}

/// Unfolded value of the first header field `name` (case-insensitive), raw (not decoded).
pub fn header(raw: &[u8], name: &str) -> Option<String> {
    let (start, end) = header_span(raw, name)?;
    let field = String::from_utf8_lossy(&raw[start..end]);
    let value = &field[name.len() + 1..];
    Some(value.replace("\r\n", "").trim().to_string())
}

/// Byte range of the first header field `name`, including its folded continuation lines
/// and the final CRLF.
pub fn header_span(raw: &[u8], name: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    let mut found: Option<usize> = None;
    while pos < raw.len() {
        let line_end = raw[pos..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(raw.len(), |p| pos + p + 2);
        let line = &raw[pos..line_end];
        if line == b"\r\n" {
            return found.map(|s| (s, pos));
        }
        let continuation = line.first().is_some_and(|&c| c == b' ' || c == b'\t');
        if let Some(s) = found
            && !continuation
        {
            return Some((s, pos));
        }
        if found.is_none()
            && line.len() > name.len()
            && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && line[name.len()] == b':'
        {
            found = Some(pos);
        }
        pos = line_end;
    }
    found.map(|s| (s, raw.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_encoders_match_encoding_rs() {
        for s in [
            "研究室ミーティングのお知らせ（第３回）",
            "abc 漢字 def",
            "ＴＡ業務",
            "a😀b",
            "ｶﾀｶﾅ",
            "",
        ] {
            assert_eq!(
                Charset::Iso2022Jp.encode(s),
                encoding_rs::ISO_2022_JP.encode(s).0.into_owned(),
                "{s}"
            );
            assert_eq!(
                Charset::ShiftJis.encode(s),
                encoding_rs::SHIFT_JIS.encode(s).0.into_owned(),
                "{s}"
            );
        }
    }

    #[test]
    fn dates() {
        assert_eq!(rfc5322_date(0, 0), "Thu, 1 Jan 1970 00:00:00 +0000");
        let t = unix_from_civil(2023, 1, 3, 1, 0, 0);
        assert_eq!(rfc5322_date(t, 540), "Tue, 3 Jan 2023 10:00:00 +0900");
        assert_eq!(imap_date(t, 540), "03-Jan-2023 10:00:00 +0900");
        assert_eq!(rfc5322_date(t, -480), "Mon, 2 Jan 2023 17:00:00 -0800");
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }

    #[test]
    fn encoded_words_round_trip() {
        let s =
            "Re: 研究室ミーティングのお知らせ（第3回）と来週の予定について、ご確認をお願いします";
        for enc in [
            HeaderEncoding::Iso2022JpB,
            HeaderEncoding::Utf8B,
            HeaderEncoding::Utf8Q,
        ] {
            let e = encode_words(s, enc);
            assert!(e.starts_with("Re: =?"), "{e}");
            for line in e.split("\r\n") {
                assert!(line.len() <= 78 - "Subject: ".len(), "{line}");
            }
            assert_eq!(decode_words(&e.replace("\r\n", "")), s);
        }
        assert_eq!(
            decode_words("=?ISO-2022-JP?B? GyRC?="),
            "=?ISO-2022-JP?B? GyRC?="
        );
    }

    #[test]
    fn qp_and_2231() {
        assert_eq!(
            quoted_printable("a=b é\nx ".as_bytes()),
            b"a=3Db =C3=A9\r\nx=20\r\n".to_vec()
        );
        let f = rfc2231_filename("発表スライド_最終版_修正済み_提出用.pptx");
        assert!(f.starts_with("filename*0*=UTF-8''%E7%99%BA"), "{f}");
        assert!(f.contains("filename*1*="));
        assert_eq!(
            rfc2231_filename("資料.pdf"),
            "filename*=UTF-8''%E8%B3%87%E6%96%99.pdf"
        );
    }

    #[test]
    fn header_lookup() {
        let raw = b"Subject: a\r\n b\r\nFrom: x\r\n\r\nSubject: body\r\n";
        assert_eq!(header(raw, "subject").as_deref(), Some("a b"));
        assert_eq!(header_span(raw, "Subject"), Some((0, 16)));
        assert_eq!(header(raw, "To"), None);
    }
}
