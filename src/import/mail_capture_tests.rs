use super::*;

#[test]
fn encoded_words_folded_headers_and_threads_are_read() {
    let header = b"From: =?UTF-8?Q?Ana_L=C3=B3pez?= <Ana@Example.com>\r\n\
To: me@example.com,\r\n bo@example.com\r\nCc: <cy@example.com>\r\n\
Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n  plans\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n\
Message-ID: <id-2@example.com>\r\nReferences: <root@example.com> <id-1@example.com>\r\n";
    let draft = read_headers(header).unwrap();
    assert_eq!(draft.from[0].email, "ana@example.com");
    assert_eq!(draft.from[0].name.as_deref(), Some("Ana López"));
    let to: Vec<&str> = draft.recipients.iter().map(|p| p.email.as_str()).collect();
    assert_eq!(to, ["me@example.com", "bo@example.com", "cy@example.com"]);
    assert_eq!(draft.subject, "Café plans");
    assert_eq!(draft.message_id, "id-2@example.com");
    assert_eq!(draft.thread, "root@example.com");
    assert_eq!(draft.at, 1_772_442_000);
    assert_eq!(draft.bulk, None);
}

#[test]
fn bulk_mail_is_told_by_its_headers() {
    let base = "From: a@x.org\nTo: me@x.org\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n";
    for (extra, reason) in [
        ("List-Id: <l.x.org>\n", Some("List-Id")),
        (
            "List-Unsubscribe: <mailto:u@x.org>\n",
            Some("List-Unsubscribe"),
        ),
        ("Precedence: Bulk\n", Some("Precedence")),
        ("Precedence: first-class\n", None),
        ("Auto-Submitted: auto-replied\n", Some("Auto-Submitted")),
        ("Auto-Submitted: no\n", None),
    ] {
        let draft = read_headers(format!("{base}{extra}").as_bytes()).unwrap();
        assert_eq!(draft.bulk, reason, "{extra}");
    }
}

#[test]
fn a_message_without_id_gets_a_stable_one_and_without_date_is_refused() {
    let header =
        b"From: a@x.org\nTo: me@x.org\nSubject: hi\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n";
    let first = read_headers(header).unwrap();
    assert!(first.message_id.starts_with("hash:"));
    assert_eq!(first.message_id, read_headers(header).unwrap().message_id);
    assert_eq!(first.thread, first.message_id);
    assert!(read_headers(b"From: a@x.org\nSubject: no date\n").is_err());
    assert!(read_headers(b"Date: Mon, 2 Mar 2026 10:00:00 +0000\n").is_err());
}
