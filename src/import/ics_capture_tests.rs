use super::*;

const NOW: i64 = 1_790_000_000; // 2026-09-21

fn calendar(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n")
}

#[test]
fn an_open_ended_series_stops_at_now() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:d\r\nDTSTART:19900101T090000Z\r\nRRULE:FREQ=DAILY\r\n\
         ATTENDEE:mailto:a@x.org\r\nEND:VEVENT\r\n",
    );
    let read = read_calendar(&text, 0, NOW);
    let last = read.drafts.iter().map(|d| d.at).max().unwrap();
    assert!(last <= NOW && last > NOW - 86_400 * 2, "{last}");
    assert!(read.drafts.iter().all(|d| d.source_id.starts_with("d/")));
    assert_eq!(read.series, ["d"]);
}

#[test]
fn an_override_replaces_its_instance_whatever_its_sequence() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:w\r\nSEQUENCE:0\r\nDTSTART:20260105T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n\
         SUMMARY:Weekly\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:w\r\nSEQUENCE:5\r\nRECURRENCE-ID:20260112T100000Z\r\n\
         DTSTART:20260113T160000Z\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n",
    );
    let read = read_calendar(&text, 0, NOW);
    let ids: Vec<(&str, &str)> = read
        .drafts
        .iter()
        .map(|d| (d.source_id.as_str(), d.summary.as_str()))
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&("w/20260112T100000Z", "Moved")));
    let moved = read.drafts.iter().find(|d| d.summary == "Moved").unwrap();
    assert_eq!(moved.at, 1_768_320_000); // 2026-01-13T16:00:00Z
}

#[test]
fn people_carry_rooms_declines_and_the_email_parameter() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:p\r\nDTSTART:20260105T100000Z\r\n\
         ORGANIZER;CN=Ana:mailto:ANA@x.org\r\n\
         ATTENDEE;PARTSTAT=ACCEPTED;CN=Ana:mailto:ana@x.org\r\n\
         ATTENDEE;CUTYPE=ROOM:mailto:room@x.org\r\n\
         ATTENDEE;PARTSTAT=DECLINED:mailto:bo@x.org\r\n\
         ATTENDEE;EMAIL=\"cy@x.org\";CN=\"Cy\":urn:uuid:1\r\nEND:VEVENT\r\n",
    );
    let read = read_calendar(&text, 0, NOW);
    let people = &read.drafts[0].people;
    let summary: Vec<(&str, bool, bool)> = people
        .iter()
        .map(|p| (p.email.as_str(), p.room, p.declined))
        .collect();
    assert_eq!(
        summary,
        [
            ("ana@x.org", false, false),
            ("room@x.org", true, false),
            ("bo@x.org", false, true),
            ("cy@x.org", false, false)
        ]
    );
    assert_eq!(people[3].name.as_deref(), Some("Cy"));
}

#[test]
fn events_outside_the_window_and_without_a_start_are_left_out() {
    let text = calendar(
        "BEGIN:VEVENT\r\nUID:future\r\nDTSTART:20300101T100000Z\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:nostart\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
    );
    let read = read_calendar(&text, 0, NOW);
    assert!(read.drafts.is_empty());
    assert_eq!(read.malformed.len(), 1);
    assert!(read.malformed[0].contains("nostart"));
}
