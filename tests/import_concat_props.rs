//! Issue 12 point 1 as a property: any two valid vCard files joined with `cat` (with or
//! without a final newline, LF or CRLF, a byte-order mark on the second) give the cards of
//! both, in order, and nothing else.

use proptest::prelude::*;
use rel::import::parse_vcards;

/// A valid file: its text and the names of its cards.
fn vcard_file() -> impl Strategy<Value = (String, Vec<String>)> {
    (
        prop::collection::vec("[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ' .]{0,12}[A-Za-z]", 1..4),
        prop_oneof![Just("\n"), Just("\r\n")],
        any::<bool>(),
        prop_oneof![Just("2.1"), Just("3.0"), Just("4.0")],
    )
        .prop_map(|(names, eol, final_newline, version)| {
            let cards: Vec<String> = names
                .iter()
                .map(|name| {
                    [
                        "BEGIN:VCARD".to_string(),
                        format!("VERSION:{version}"),
                        format!("FN:{name}"),
                        "EMAIL:someone@example.com".to_string(),
                        "END:VCARD".to_string(),
                    ]
                    .join(eol)
                })
                .collect();
            let mut text = cards.join(eol);
            if final_newline {
                text.push_str(eol);
            }
            (text, names)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn two_files_joined_give_the_cards_of_both(
        (first, first_names) in vcard_file(),
        (second, second_names) in vcard_file(),
        bom in any::<bool>(),
    ) {
        let joined = format!("{first}{}{second}", if bom { "\u{feff}" } else { "" });
        let results = parse_vcards(&joined);
        let names: Vec<String> = results
            .iter()
            .map(|r| r.as_ref().map(|d| d.name.clone()).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()
            .map_err(TestCaseError::fail)?;
        let expected: Vec<String> = first_names.iter().chain(&second_names).map(|n| n.trim().to_string()).collect();
        prop_assert_eq!(names, expected);
    }
}
