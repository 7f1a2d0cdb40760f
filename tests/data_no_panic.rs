//! Import files come from anywhere; no input may crash the app.

use proptest::prelude::*;
use rel::import::{parse_vcards, read_csv, read_vcards};

/// Lines that look like vCard so the fuzzer reaches past the card splitter.
fn vcard_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("BEGIN:VCARD".to_string()),
        Just("END:VCARD".to_string()),
        Just("VERSION:2.1".to_string()),
        Just("VERSION:4.0".to_string()),
        "(FN|N|EMAIL|TEL|ORG|TITLE|BDAY|NOTE|CATEGORIES|UID|X-REL-EVERY)(;[A-Z=-]{0,20})?:.{0,30}",
        "(FN|NOTE|N);ENCODING=QUOTED-PRINTABLE(;CHARSET=[a-zA-Z0-9-]{0,10})?:[=A-F0-9 ;,]{0,30}",
        "BDAY(;VALUE=[a-z-]{0,12})?:[-0-9TZ:+]{0,20}",
        " .{0,20}",
        ".{0,40}",
    ]
}

/// 2000 by default; `NO_PANIC_CASES=100000` for a longer hunt.
fn cases() -> u32 {
    std::env::var("NO_PANIC_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn vcard_never_panics(text in ".{0,400}") {
        let _ = parse_vcards(&text);
    }

    #[test]
    fn vcard_like_never_panics(lines in prop::collection::vec(vcard_line(), 0..30), crlf: bool) {
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        for draft in parse_vcards(&text).into_iter().flatten() {
            prop_assert!(!draft.name.trim().is_empty());
        }
    }

    #[test]
    fn csv_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_csv(bytes.as_slice()).count();
    }

    #[test]
    fn csv_like_never_panics(
        header in "(name|email|First Name|E-mail 1 - Value|Labels|birthday|Notes)(,(name|email|phone|tags|birthday|note|every|Labels|Last Name|Phone 1 - Value)){0,6}",
        rows in prop::collection::vec("[a-zA-Z0-9@;:*,\" \n.-]{0,60}", 0..10),
    ) {
        let text = format!("{header}\n{}", rows.join("\n"));
        for result in read_csv(text.as_bytes()) {
            match result {
                Ok(draft) => prop_assert!(!draft.name.trim().is_empty()),
                Err(err) => prop_assert!(err.record >= 1),
            }
        }
    }
}

proptest! {
    // Raw bytes through the streaming reader, with and without a fallback charset.
    #![proptest_config(ProptestConfig::with_cases(cases() / 4))]

    #[test]
    fn vcard_bytes_never_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        lines in prop::collection::vec(vcard_line(), 0..20),
    ) {
        let mut input = lines.join("\r\n").into_bytes();
        input.extend(&bytes);
        for fallback in [None, Some(encoding_rs::WINDOWS_1252)] {
            for card in read_vcards(input.as_slice(), fallback).flatten().flatten() {
                prop_assert!(!card.name.trim().is_empty());
            }
        }
    }
}
