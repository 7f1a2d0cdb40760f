//! Quoted-printable vCard values (the vCard 2.1 bare `QUOTED-PRINTABLE` parameter and
//! `ENCODING=QUOTED-PRINTABLE`), decoded here rather than by calcard, which skips the bare
//! form and reads the bytes without their `CHARSET`. The bytes are decoded in the
//! property's `CHARSET`, else in `--encoding`, else as UTF-8 when valid, else kept with
//! U+FFFD and a warning naming the property. vCard 2.1 escapes only `\;` (and `\\`), so
//! its other backslashes are kept.

use super::super::charset::Guesser;
use super::line::split_property;
use encoding_rs::Encoding;

/// The property's parameters name quoted-printable.
pub fn is_quoted_printable(params: &[u8]) -> bool {
    params_of(params).any(|p| {
        p.eq_ignore_ascii_case("QUOTED-PRINTABLE")
            || p.eq_ignore_ascii_case("ENCODING=QUOTED-PRINTABLE")
    })
}

fn params_of(params: &[u8]) -> impl Iterator<Item = String> + '_ {
    params
        .split(|b| *b == b';')
        .map(|p| String::from_utf8_lossy(p).trim().to_string())
        .filter(|p| !p.is_empty())
}

/// The charset a property names, whatever its encoding.
fn named_charset(params: &[u8]) -> Option<&'static Encoding> {
    params_of(params).find_map(|p| {
        let label = p
            .get(..8)?
            .eq_ignore_ascii_case("CHARSET=")
            .then(|| &p[8..])?;
        Encoding::for_label(label.trim_matches('"').as_bytes())
    })
}

/// `=XX` to bytes; a `=` not followed by two hex digits is kept as written.
pub fn decode_quoted_printable(value: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        if value[i] == b'='
            && let (Some(high), Some(low)) = (
                value.get(i + 1).copied().and_then(hex),
                value.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(high << 4 | low);
            i += 3;
            continue;
        }
        out.push(value[i]);
        i += 1;
    }
    out
}

/// Properties whose vCard 2.1 backslashes are kept (text people write, where a `\` is
/// part of the text: `FN:A;B\C`).
const TEXT_PROPERTIES: [&str; 6] = ["FN", "N", "ORG", "TITLE", "ROLE", "NOTE"];

/// A vCard 2.1 value made safe for a reader of vCard 3/4 escapes. vCard 2.1 escapes only
/// `\;` (and writers such as SyncEvolution write `\\` for a backslash): those pairs stay
/// escapes; any other backslash is text and is doubled so that it is kept.
pub fn keep_backslashes(name: &[u8], value: &str) -> String {
    let name = String::from_utf8_lossy(name).to_ascii_uppercase();
    if !TEXT_PROPERTIES.contains(&name.as_str()) || !value.contains('\\') {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 4);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&next @ (';' | '\\')) => {
                out.push('\\');
                out.push(next);
                chars.next();
            }
            _ => out.push_str("\\\\"),
        }
    }
    out
}

/// The properties rel reads (see `vcard::to_draft`).
const READ: [&str; 10] = [
    "FN",
    "N",
    "ORG",
    "TITLE",
    "ROLE",
    "NOTE",
    "EMAIL",
    "TEL",
    "CATEGORIES",
    "BDAY",
];

/// One whole quoted-printable property (soft line breaks already joined), rewritten as a
/// plain UTF-8 line calcard reads: the encoding and charset parameters gone, line breaks
/// as `\n`. The warning names the property when its bytes had to be guessed at.
pub fn rewrite(
    line: &[u8],
    version21: bool,
    fallback: Option<&'static Encoding>,
    guesser: &mut Guesser,
) -> (String, Option<String>) {
    let (name, params, value) = split_property(line);
    let colon = line.iter().position(|b| *b == b':').unwrap_or(line.len());
    let head = &line[..colon];
    let semi = head.iter().position(|b| *b == b';').unwrap_or(head.len());
    let mut new_head = String::from_utf8_lossy(&head[..semi]).into_owned();
    for param in params_of(params) {
        let upper = param.to_ascii_uppercase();
        if upper == "QUOTED-PRINTABLE"
            || upper == "ENCODING=QUOTED-PRINTABLE"
            || upper.starts_with("CHARSET=")
        {
            continue;
        }
        new_head.push(';');
        new_head.push_str(&param);
    }
    let bytes = decode_quoted_printable(value);
    guesser.feed(&bytes);
    let shown = String::from_utf8_lossy(name).to_ascii_uppercase();
    let mut warning = None;
    let text =
        match named_charset(params).or(fallback) {
            Some(charset) => charset.decode_without_bom_handling(&bytes).0.into_owned(),
            None => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(err) => {
                    let bytes = err.into_bytes();
                    // Only what rel keeps is worth a word; an address label is dropped anyway.
                    warning = READ.contains(&shown.as_str()).then(|| format!(
                    "{shown} is quoted-printable text that is not UTF-8 and names no CHARSET; \
                     kept with \u{FFFD} for the unreadable bytes ({})",
                    guesser.hint()
                ));
                    String::from_utf8_lossy(&bytes).into_owned()
                }
            },
        };
    let text = if version21 {
        keep_backslashes(name, &text)
    } else {
        text
    };
    let text = text.replace("\r\n", "\\n").replace(['\r', '\n'], "\\n");
    (format!("{new_head}:{text}"), warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(line: &str, version21: bool) -> (String, Option<String>) {
        rewrite(line.as_bytes(), version21, None, &mut Guesser::default())
    }

    #[test]
    fn bare_and_named_quoted_printable_decode_in_their_charset() {
        let (line, warning) =
            rewritten("N;CHARSET=UTF-8;QUOTED-PRINTABLE:=E5=8D=81;=E4=B8=80", true);
        assert_eq!((line.as_str(), warning), ("N:十;一", None));
        let sjis = rewrite(
            b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=SHIFT_JIS:=83=81=83=82",
            true,
            None,
            &mut Guesser::default(),
        );
        assert_eq!(sjis.0, "NOTE:メモ");
        assert_eq!(rewritten("NOTE;QUOTED-PRINTABLE:=C5=84", true).0, "NOTE:ń");
        let (line, _) = rewritten("NOTE;ENCODING=QUOTED-PRINTABLE:a=0D=0Ab", false);
        assert_eq!(line, "NOTE:a\\nb");
    }

    #[test]
    fn encoding_applies_and_bad_bytes_are_named() {
        let line = b"N;QUOTED-PRINTABLE:Iksi=F1ski;Jan";
        let latin2 = encoding_rs::Encoding::for_label(b"windows-1250");
        let (text, _) = rewrite(line, true, latin2, &mut Guesser::default());
        assert_eq!(text, "N:Iksiński;Jan");
        let (text, warning) = rewrite(line, true, None, &mut Guesser::default());
        assert_eq!(text, "N:Iksi\u{FFFD}ski;Jan");
        assert!(warning.is_some_and(|w| w.starts_with("N is quoted-printable")));
    }

    #[test]
    fn vcard21_backslashes_are_kept() {
        assert_eq!(keep_backslashes(b"FN", "A;B\\C"), "A;B\\\\C");
        assert_eq!(keep_backslashes(b"N", "A\\;B;C\\D"), "A\\;B;C\\\\D");
        assert_eq!(
            keep_backslashes(b"NOTE", "x \\; y \\\\ z"),
            "x \\; y \\\\ z"
        );
        assert_eq!(keep_backslashes(b"TEL", "1\\2"), "1\\2");
    }

    proptest::proptest! {
        #[test]
        fn rewriting_never_panics(line in proptest::collection::vec(proptest::num::u8::ANY, 0..200), v21: bool) {
            let (text, _) = rewrite(&line, v21, None, &mut Guesser::default());
            if !line.contains(&b'\n') && !line.contains(&b'\r') {
                proptest::prop_assert!(!text.contains(['\n', '\r']));
            }
            let _ = decode_quoted_printable(&line);
        }
    }
}
