use super::*;

fn sample(name: &str) -> Vec<Result<ContactDraft, RecordError>> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    read_csv(file).map(without_line).collect()
}

/// Drafts compared field by field leave the line they start on aside.
fn without_line(result: Result<ContactDraft, RecordError>) -> Result<ContactDraft, RecordError> {
    result.map(|draft| ContactDraft {
        line: None,
        ..draft
    })
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn google_csv() {
    let results = sample("google.csv");
    assert_eq!(results.len(), 4);
    assert_eq!(
        results[0],
        Ok(ContactDraft {
            name: "Alice Martin".into(),
            org: Some("Example Corp".into()),
            role: Some("Account Manager".into()),
            emails: strings(&["alice.martin@example.com", "alice@work.example.com"]),
            phones: strings(&["+1 555-0100", "+1 555-0101"]),
            tags: strings(&["clients"]),
            birthday: Some("1988-07-14".into()),
            note: Some("Met at the spring conference.\nLoves hiking, prefers email.".into()),
            ..Default::default()
        })
    );
    assert_eq!(
        results[1],
        Ok(ContactDraft {
            name: "Zoë Maria Ångström".into(),
            emails: strings(&["zoe.angstrom@example.com"]),
            tags: strings(&["friends", "book club"]),
            birthday: Some("--03-02".into()),
            ..Default::default()
        })
    );
    assert_eq!(
        results[2],
        Ok(ContactDraft {
            name: "nobody.named@example.com".into(),
            emails: strings(&["nobody.named@example.com"]),
            ..Default::default()
        })
    );
    // Alice's note spans lines 2-3 and Zoë's address lines 4-6.
    // A row with only a company and a phone goes by the company.
    assert_eq!(
        results[3],
        Ok(ContactDraft {
            name: "Ghost Inc".into(),
            org: Some("Ghost Inc".into()),
            phones: strings(&["+1 555-0177"]),
            ..Default::default()
        })
    );
}

#[test]
fn google_legacy_csv() {
    let results = sample("google-legacy.csv");
    assert_eq!(
        results,
        [
            Ok(ContactDraft {
                name: "Håkon Berg".into(),
                org: Some("Nordlys AS".into()),
                role: Some("Lead Engineer".into()),
                emails: strings(&["hakon.berg@example.com", "h.berg@example.com"]),
                phones: strings(&["+47 22 55 50 10"]),
                tags: strings(&["coworkers"]),
                birthday: Some("1975-01-09".into()),
                ..Default::default()
            }),
            Ok(ContactDraft {
                name: "Mei Tanaka".into(),
                emails: strings(&["mei.tanaka@example.com"]),
                ..Default::default()
            }),
        ]
    );
}

#[test]
fn own_columns_csv() {
    let results = sample("contacts.csv");
    assert_eq!(
        results,
        [
            Ok(ContactDraft {
                name: "Priya Raman".into(),
                org: Some("Acme Ltd".into()),
                role: Some("CTO".into()),
                emails: strings(&["priya@example.com", "priya.r@example.com"]),
                phones: strings(&["+44 20 5550 0101"]),
                tags: strings(&["work", "mentors"]),
                every: Some("2w".into()),
                birthday: Some("1984-02-29".into()),
                note: Some("Prefers tea".into()),
                ..Default::default()
            }),
            Ok(ContactDraft {
                name: "Tomás Ortega".into(),
                emails: strings(&["tomas@example.com"]),
                tags: strings(&["family"]),
                every: Some("1m".into()),
                birthday: Some("--11-03".into()),
                ..Default::default()
            }),
            Ok(ContactDraft {
                name: "Lee Chen".into(),
                phones: strings(&["+1 555 0142"]),
                birthday: Some("1991-08-17".into()),
                note: Some("Says \"hi\" a lot".into()),
                ..Default::default()
            }),
        ]
    );
}

#[test]
fn bad_row_names_its_line_and_reading_goes_on() {
    let results = sample("bad-row.csv");
    let names: Vec<_> = results.iter().flatten().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Good First", "Good Last"]);
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[1],
        Err(RecordError {
            record: 2,
            line: Some(3),
            message: "expected 9 fields like the header, found 10".into(),
        })
    );
}

#[test]
fn header_problems_spoil_every_row() {
    let results: Vec<_> = read_csv("".as_bytes()).collect();
    assert_eq!(results.len(), 1);
    assert!(matches!(&results[0], Err(e) if e.record == 1 && e.line == Some(1)));
    // Each row is a bad record of its own, so `--skip-invalid` counts them right.
    let results: Vec<_> = read_csv("foo,bar\n1,2\n3,4\n".as_bytes()).collect();
    assert_eq!(results.len(), 2);
    assert!(
        matches!(&results[1], Err(e) if e.record == 2 && e.line == Some(3)
        && e.message.contains("header row has no name"))
    );
}

#[test]
fn header_only_yields_nothing_and_bom_is_ignored() {
    assert_eq!(read_csv("name,email\n".as_bytes()).count(), 0);
    let input = "\u{feff}Name,E-mail\n Ann ,ann@example.com\n";
    let drafts: Vec<_> = read_csv(input.as_bytes()).flatten().collect();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].name, "Ann");
}

#[test]
fn invalid_utf8_row_is_reported() {
    let input: &[u8] = b"name,email\nJos\xe9,jose@example.com\nAnn,ann@example.com\n";
    let results: Vec<_> = read_csv(input).collect();
    assert_eq!(results.len(), 2);
    assert!(matches!(&results[0], Err(e) if e.record == 1 && e.line == Some(2)));
    assert!(matches!(&results[1], Ok(d) if d.name == "Ann"));
}

#[test]
fn line_numbers_with_lf_crlf_and_blank_lines() {
    for eol in ["\n", "\r\n"] {
        let input = [
            "name,note",
            "A,\"two",
            "lines\"",
            "",
            "B,x",
            "C,y,z",
            "D,w",
            "",
        ]
        .join(eol);
        let results: Vec<_> = read_csv(input.as_bytes()).collect();
        let lines: Vec<_> = results
            .iter()
            .map(|r| match r {
                Ok(d) => (d.name.clone(), None),
                Err(e) => (String::new(), e.line),
            })
            .collect();
        assert_eq!(results.len(), 4, "{eol:?}");
        assert!(
            matches!(&results[0], Ok(d) if d.note.as_deref() == Some("two\nlines")),
            "{eol:?}"
        );
        assert!(
            matches!(&results[2], Err(e) if e.line == Some(6) && e.record == 3),
            "{eol:?} {lines:?}"
        );
    }
}

#[test]
fn the_delimiter_is_sniffed_from_the_header() {
    use super::sniff_delimiter;
    assert_eq!(sniff_delimiter(b"Name,Email\n"), b',');
    assert_eq!(
        sniff_delimiter(b"Display Name;First Name;Primary Email\n"),
        b';'
    );
    assert_eq!(
        sniff_delimiter(b"First Name\tLast Name\t\"a,b,c\"\n"),
        b'\t'
    );
    assert_eq!(sniff_delimiter(b"Primary Email\n"), b',');
    let drafts: Vec<_> = read_csv("Name;Email\nAnn;ann@example.com\n".as_bytes())
        .flatten()
        .collect();
    assert_eq!(drafts[0].emails, ["ann@example.com"]);
}
