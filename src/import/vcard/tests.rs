use super::*;

fn sample(name: &str) -> String {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn all_ok(name: &str) -> Vec<ContactDraft> {
    parse_vcards(&sample(name))
        .into_iter()
        .map(|result| result.unwrap_or_else(|err| panic!("{name}: {err}")))
        .map(without_line)
        .collect()
}

/// Drafts compared field by field leave the line they start on aside.
fn without_line(draft: ContactDraft) -> ContactDraft {
    ContactDraft {
        line: None,
        ..draft
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn google_vcard() {
    let cards = all_ok("google.vcf");
    assert_eq!(
        cards,
        [
            ContactDraft {
                name: "Alice Martin".into(),
                org: Some("Example Corp".into()),
                role: Some("Account Manager".into()),
                emails: strings(&["alice.martin@example.com", "alice@work.example.com"]),
                phones: strings(&["+1 555-0100", "(555) 010-1234"]),
                tags: strings(&["clients"]),
                birthday: Some("1988-07-14".into()),
                note: Some("Met at the spring conference, loves hiking.".into()),
                ..Default::default()
            },
            ContactDraft {
                name: "Bob Nakamura".into(),
                emails: strings(&["bob.nakamura@example.com"]),
                tags: strings(&["friends", "book club"]),
                birthday: Some("--03-02".into()),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn apple_vcard() {
    let cards = all_ok("apple.vcf");
    assert_eq!(
        cards,
        [
            ContactDraft {
                uid: Some("5A1B2C3D-0000-4000-8000-00000000AB01".into()),
                name: "Jürgen Müller".into(),
                org: Some("Bäckerei Müller GmbH".into()),
                role: Some("Konditormeister".into()),
                emails: strings(&["juergen.mueller@example.com"]),
                phones: strings(&["+49 170 5550123", "+49 30 5550199"]),
                tags: strings(&["family"]),
                every: Some("2w".into()),
                birthday: Some("1972-11-05".into()),
                ..Default::default()
            },
            ContactDraft {
                name: "Chiamaka Okafor".into(),
                emails: strings(&["chiamaka@example.com"]),
                birthday: Some("--09-21".into()),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn thunderbird_vcard4() {
    let cards = all_ok("thunderbird.vcf");
    assert_eq!(
        cards,
        [
            ContactDraft {
                uid: Some("0b7e5a5e-7f0e-4c6b-9a54-1d2b3c4d5e6f".into()),
                name: "Sofía Hernández".into(),
                org: Some("Ejemplo S.L.".into()),
                role: Some("Ingeniera".into()),
                emails: strings(&["sofia.hernandez@example.com", "sofia@home.example.com"]),
                phones: strings(&["+34 600 555 010", "+34 910 555 020"]),
                birthday: Some("1990-01-25".into()),
                note: Some("First line\nSecond line, with a comma".into()),
                ..Default::default()
            },
            // No FN: the name is built from N.
            ContactDraft {
                name: "Erik Lindqvist".into(),
                emails: strings(&["erik.lindqvist@example.com"]),
                birthday: Some("--12-24".into()),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn legacy_21_quoted_printable() {
    let cards = all_ok("legacy21.vcf");
    assert_eq!(
        cards,
        [
            ContactDraft {
                name: "François Dupré de la Rivière Saint-Étienne".into(),
                emails: strings(&["francois.dupre@example.com"]),
                phones: strings(&["+33 6 55 50 01 23", "+33 1 55 50 45 67"]),
                birthday: Some("1979-06-30".into()),
                note: Some("Café tous les jeudis\nAppeler avant midi".into()),
                ..Default::default()
            },
            ContactDraft {
                name: "Anna Kowalski".into(),
                phones: strings(&["+48 22 555 01 02"]),
                birthday: Some("1983-04-12".into()),
                ..Default::default()
            },
        ]
    );
}

#[test]
fn malformed_cards_fail_alone() {
    let results = parse_vcards(&sample("malformed.vcf"));
    assert_eq!(results.len(), 4);
    let names: Vec<_> = results.iter().flatten().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Good One", "Good Two", "Nameless Ltd"]);
    assert!(matches!(&results[0], Ok(d) if d.emails == ["good.one@example.com"]));
    assert!(matches!(&results[2], Ok(d) if d.emails == ["good.two@example.com"]));
    let broken = results[1].as_ref().err().cloned();
    assert_eq!(
        broken,
        Some(RecordError {
            record: 2,
            line: Some(6),
            message: "missing END:VCARD before line 10".into(),
        })
    );
    // A card with only a company goes by the company.
    assert!(matches!(&results[3], Ok(d) if d.phones == ["+1 555-0199"] && d.line == Some(15)));
}

#[test]
fn email_only_card_is_named_by_email() {
    let text = "BEGIN:VCARD\nVERSION:3.0\nEMAIL:solo@example.com\nEND:VCARD\n";
    let drafts: Vec<_> = parse_vcards(text).into_iter().flatten().collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].name, "solo@example.com");
}

#[test]
fn no_vcard_at_all_is_one_error() {
    for text in ["", "hello\nworld", "END:VCARD\n"] {
        let results = parse_vcards(text);
        assert_eq!(results.len(), 1, "{text:?}");
        assert!(matches!(&results[0], Err(e) if e.record == 1), "{text:?}");
    }
}

#[test]
fn unterminated_last_card() {
    let text = "BEGIN:VCARD\nFN:A\nEND:VCARD\n\nbegin:vcard\nFN:B\n";
    let results = parse_vcards(text);
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[0], Ok(d) if d.name == "A"));
    assert!(matches!(&results[1], Err(e) if e.record == 2 && e.line == Some(5)));
}

#[test]
fn bday_forms_and_every() {
    let card = |bday: &str| {
        let text = format!(
            "BEGIN:VCARD\nVERSION:4.0\nFN:X\nBDAY:{bday}\nx-rel-every: 3 months \nEND:VCARD\n"
        );
        parse_vcards(&text)
            .into_iter()
            .flatten()
            .next()
            .unwrap_or_default()
    };
    assert_eq!(
        card("1990-05-06T10:00:00Z").birthday.as_deref(),
        Some("1990-05-06")
    );
    assert_eq!(card("1990-05-06").birthday.as_deref(), Some("1990-05-06"));
    assert_eq!(card("19900506").birthday.as_deref(), Some("1990-05-06"));
    assert_eq!(card("--0506").birthday.as_deref(), Some("--05-06"));
    assert_eq!(card("--05-06").birthday.as_deref(), Some("--05-06"));
    assert_eq!(card("19900230").birthday, None);
    assert_eq!(card("sometime").birthday, None);
    assert_eq!(card("1990-05-06").every.as_deref(), Some("3 months"));
}

#[test]
fn latin1_quoted_printable_uri_values_and_21_photo() {
    let text = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
        N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:G=F6tz;J=F6rg\r\n\
        PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n /9j/4AAQSkZJRgABAQAAAQABAAD\r\n AAAAAAAA\r\n\r\n\
        END:VCARD\r\n\
        BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Uri Person\r\n\
        TEL;VALUE=uri;TYPE=cell:tel:+1-555-0100\r\nEMAIL:mailto:uri@example.com\r\n\
        UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\r\nEND:VCARD\r\n";
    let drafts: Vec<_> = parse_vcards(text).into_iter().flatten().collect();
    assert_eq!(drafts.len(), 2);
    assert_eq!(drafts[0].name, "Jörg Götz");
    assert_eq!(drafts[1].phones, ["+1-555-0100"]);
    assert_eq!(drafts[1].emails, ["uri@example.com"]);
    assert_eq!(
        drafts[1].uid.as_deref(),
        Some("urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1")
    );
}

#[test]
fn nested_agent_cards_are_skipped_in_every_form() {
    let forms = [
        "AGENT:\nBEGIN:VCARD\nVERSION:2.1\nN:Friday;Fred\nEND:VCARD\n",
        "AGENT:BEGIN:VCARD\nVERSION:2.1\nN:Friday;Fred\nEND:VCARD\n",
        "AGENT:BEGIN:VCARD\\nFN:Fred Friday\\nEND:VCARD\n",
    ];
    for agent in forms {
        let text = format!(
            "BEGIN:VCARD\nVERSION:2.1\nN:Host;Hannah\n{agent}TEL:+1 555 0100\nEND:VCARD\n\
             BEGIN:VCARD\nVERSION:2.1\nFN:Next\nEND:VCARD\n"
        );
        let drafts: Vec<_> = parse_vcards(&text).into_iter().collect();
        assert_eq!(drafts.len(), 2, "{agent:?}");
        let host = drafts[0]
            .as_ref()
            .unwrap_or_else(|e| panic!("{agent:?}: {e}"));
        assert_eq!(host.name, "Hannah Host");
        assert_eq!(host.phones, ["+1 555 0100"]);
        assert!(matches!(&drafts[1], Ok(d) if d.name == "Next"));
    }
}

#[test]
fn glued_and_stray_lines() {
    let text = "BEGIN:VCARD\nFN:A\nEND:VCARD\u{feff}BEGIN:VCARD\nFN:B\nEND:VCARD\nEMAIL:lost@x\n";
    let results = parse_vcards(text);
    assert_eq!(results.len(), 3);
    assert!(matches!(&results[1], Ok(d) if d.name == "B"));
    assert!(
        matches!(&results[2], Err(e) if e.line == Some(6) && e.message.contains("EMAIL:lost@x"))
    );
}
