//! One physical vCard line, as bytes: its property name, parameters and value, the charset
//! it names, and its text decoded to UTF-8.

use encoding_rs::{Encoding, UTF_8};

/// The line without a byte-order mark or surrounding blanks, for keyword tests only.
pub fn trim_key(line: &[u8]) -> &[u8] {
    let mut key = line.trim_ascii();
    while let Some(rest) = key.strip_prefix(b"\xEF\xBB\xBF") {
        key = rest.trim_ascii();
    }
    key
}

pub fn strip_prefix_ci<'a>(bytes: &'a [u8], prefix: &[u8]) -> Option<&'a [u8]> {
    let head = bytes.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| trim_key(&bytes[prefix.len()..]))
}

/// `group.NAME;PARAMS:value` → (NAME, PARAMS, value).
pub fn split_property(line: &[u8]) -> (&[u8], &[u8], &[u8]) {
    let colon = line.iter().position(|b| *b == b':').unwrap_or(line.len());
    let head = &line[..colon];
    let value = line.get(colon + 1..).unwrap_or_default();
    let semi = head.iter().position(|b| *b == b';').unwrap_or(head.len());
    let name = &head[..semi];
    let name = match name.iter().rposition(|b| *b == b'.') {
        Some(dot) => &name[dot + 1..],
        None => name,
    };
    (name.trim_ascii(), &head[semi..], value)
}

/// The charset a property names for raw text; none when its value is quoted-printable or
/// base64 (calcard decodes those and applies the charset itself).
pub fn charset_of(params: &[u8]) -> Option<&'static Encoding> {
    let params = String::from_utf8_lossy(params).to_ascii_uppercase();
    let params: Vec<&str> = params.split(';').map(str::trim).collect();
    let encoded = [
        "QUOTED-PRINTABLE",
        "BASE64",
        "B",
        "ENCODING=QUOTED-PRINTABLE",
    ];
    let encoded = params.iter().any(|param| {
        encoded.contains(param) || *param == "ENCODING=B" || *param == "ENCODING=BASE64"
    });
    if encoded {
        return None;
    }
    let label = params
        .iter()
        .find_map(|param| param.strip_prefix("CHARSET="))?;
    Encoding::for_label(label.trim_matches('"').as_bytes())
}

/// The line as UTF-8: in the charset its property names, else as UTF-8, else in the
/// `--encoding` fallback.
pub fn decode(
    line: &[u8],
    charset: Option<&'static Encoding>,
    fallback: Option<&'static Encoding>,
) -> Result<String, ()> {
    if line.is_ascii() {
        return Ok(String::from_utf8_lossy(line).into_owned());
    }
    if let Some(charset) = charset.filter(|c| *c != UTF_8) {
        return Ok(charset.decode_without_bom_handling(line).0.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(line) {
        return Ok(text.to_string());
    }
    match fallback {
        Some(encoding) => Ok(encoding.decode_without_bom_handling(line).0.into_owned()),
        None => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_applies_to_raw_text_only() {
        assert_eq!(
            charset_of(b";CHARSET=Windows-1252"),
            Some(encoding_rs::WINDOWS_1252)
        );
        assert_eq!(
            charset_of(b";LANGUAGE=de;CHARSET=BIG5"),
            Some(encoding_rs::BIG5)
        );
        assert_eq!(
            charset_of(b";ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252"),
            None
        );
        assert_eq!(charset_of(b";ENCODING=B;CHARSET=ISO-8859-1"), None);
        assert_eq!(charset_of(b";CHARSET=no-such-thing"), None);
    }

    #[test]
    fn properties_split_with_groups_and_params() {
        let (name, params, value) = split_property(b"item1.EMAIL;type=pref:a@b.c");
        assert_eq!(
            (name, params, value),
            (&b"EMAIL"[..], &b";type=pref"[..], &b"a@b.c"[..])
        );
        assert_eq!(trim_key(b"\xEF\xBB\xBF BEGIN:VCARD \r"), b"BEGIN:VCARD");
    }

    #[test]
    fn decoding_prefers_the_named_charset() {
        let raw = b"M\xfcller";
        assert_eq!(
            decode(raw, Some(encoding_rs::WINDOWS_1252), None),
            Ok("Müller".into())
        );
        assert_eq!(decode(raw, None, None), Err(()));
        assert_eq!(
            decode(raw, None, Some(encoding_rs::WINDOWS_1252)),
            Ok("Müller".into())
        );
        assert_eq!(decode("Müller".as_bytes(), None, None), Ok("Müller".into()));
    }
}
