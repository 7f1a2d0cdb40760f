//! Properties of capture: the journal depends only on the set of messages, not on their order
//! nor on how they were split across files and runs (a file, then its superset); the parsers
//! never panic, whatever bytes they are given.

use crate::common;

use common::TestEnv;
use proptest::prelude::*;
use rel::import::ics_capture::read_calendar;
use rel::import::mail_capture::read_headers;
use rel::import::mailbox::each_mbox_message;

const PEOPLE: [&str; 3] = ["ana@example.com", "bo@example.com", "cy@example.com"];

/// One message of a small world: who wrote to whom, in which thread, on which day and hour.
#[derive(Debug, Clone)]
struct Message {
    number: usize,
    thread: usize,
    day: u32,
    hour: u32,
    from_me: bool,
    person: usize,
    cc: Option<usize>,
}

impl Message {
    fn mbox(&self) -> String {
        let person = PEOPLE[self.person];
        let (from, to) = if self.from_me {
            ("me@example.com", person)
        } else {
            (person, "me@example.com")
        };
        let cc = self
            .cc
            .map(|c| format!("Cc: {}\n", PEOPLE[c]))
            .unwrap_or_default();
        let references = if self.number == self.thread {
            String::new()
        } else {
            format!("References: <t{}@x>\n", self.thread)
        };
        format!(
            "From {from} Mon Mar  2 10:00:00 2026\nFrom: {from}\nTo: {to}\n{cc}Subject: thread {} message {}\n\
             Date: Mon, {:02} Mar 2026 {:02}:00:00 +0000\nMessage-ID: <m{}@x>\n{references}\nbody\n\n",
            self.thread, self.number, self.day, self.hour, self.number
        )
    }
}

fn messages() -> impl Strategy<Value = Vec<Message>> {
    prop::collection::vec(
        (
            0usize..4,
            1u32..4,
            0u32..24,
            any::<bool>(),
            0usize..3,
            prop::option::of(0usize..3),
        ),
        1..14,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(
                |(number, (thread, day, hour, from_me, person, cc))| Message {
                    number,
                    thread: thread.min(number),
                    day,
                    hour,
                    from_me,
                    person,
                    cc,
                },
            )
            .collect()
    })
}

fn journal() -> TestEnv {
    let env = TestEnv::new();
    for (name, email) in [("Ana", PEOPLE[0]), ("Bo", PEOPLE[1]), ("Cy", PEOPLE[2])] {
        env.ok(&["-q", "add", name, "--email", email]);
    }
    env
}

fn import(env: &TestEnv, messages: &[&Message], file: &str) {
    let path = env.dir.path().join(file);
    let text: String = messages.iter().map(|m| m.mbox()).collect();
    std::fs::write(&path, text).expect("write mbox");
    env.ok(&[
        "-q",
        "import",
        "--from",
        "mbox",
        path.to_str().expect("utf-8"),
        "--me",
        "me@example.com",
    ]);
}

/// The journal's interactions without local ids: time, people, note, source.
fn journal_of(env: &TestEnv) -> Vec<String> {
    let mut rows: Vec<String> = env
        .json(&["timeline"])
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let mut people: Vec<&str> = i["contacts"]
                .as_array()
                .expect("contacts")
                .iter()
                .filter_map(|c| c.as_str())
                .collect();
            people.sort_unstable();
            format!("{} {:?} {} {}", i["at"], people, i["note"], i["source"])
        })
        .collect();
    rows.sort();
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn any_order_and_any_split_across_runs_gives_the_same_journal(
        messages in messages(),
        order in any::<prop::sample::Index>(),
        split in any::<prop::sample::Index>(),
    ) {
        let all: Vec<&Message> = messages.iter().collect();
        let whole = journal();
        import(&whole, &all, "all.mbox");

        // The same messages shuffled (a rotation and a reversal), imported as two files.
        let mut shuffled = all.clone();
        let turn = order.index(shuffled.len());
        shuffled.rotate_left(turn);
        shuffled.reverse();
        let cut = split.index(shuffled.len() + 1);
        let parts = journal();
        import(&parts, &shuffled[..cut], "first.mbox");
        import(&parts, &shuffled[cut..], "second.mbox");
        prop_assert_eq!(journal_of(&whole), journal_of(&parts));

        // A file, then its superset.
        let grown = journal();
        import(&grown, &all[..cut.min(all.len())], "part.mbox");
        import(&grown, &all, "superset.mbox");
        prop_assert_eq!(journal_of(&whole), journal_of(&grown));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_mail_header_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_headers(&bytes);
    }

    #[test]
    fn header_like_text_never_panics(
        lines in prop::collection::vec(
            prop_oneof![
                Just("From: =?UTF-8?B?".to_string()),
                Just("Date: Mon, 32 Feb 2026 25:61:00 +9999".to_string()),
                Just("References: <".to_string()),
                Just("Subject: =?ISO-8859-1?Q?=E9=?=".to_string()),
                Just(" folded".to_string()),
                Just("To: undisclosed-recipients:;".to_string()),
                "[ -~]{0,40}",
            ],
            0..10,
        )
    ) {
        let _ = read_headers(lines.join("\r\n").as_bytes());
    }

    #[test]
    fn the_mbox_splitter_never_panics(text in "(From a 10:00 2026\n|\n|>From x\n|[a-z: ]{0,12}\n){0,20}") {
        let mut count = 0;
        let outcome = each_mbox_message(text.as_bytes(), |_| { count += 1; Ok(()) });
        prop_assert!(outcome.is_ok());
    }

    #[test]
    fn the_calendar_reader_never_panics(
        lines in prop::collection::vec(
            prop_oneof![
                Just("BEGIN:VCALENDAR".to_string()),
                Just("END:VCALENDAR".to_string()),
                Just("BEGIN:VEVENT".to_string()),
                Just("END:VEVENT".to_string()),
                Just("UID:x".to_string()),
                Just("DTSTART:20260101T100000Z".to_string()),
                Just("DTSTART;TZID=W. Europe Standard Time:20260230T100000".to_string()),
                Just("DTSTART;VALUE=DATE:20260101".to_string()),
                Just("RRULE:FREQ=DAILY".to_string()),
                Just("RRULE:FREQ=SECONDLY;COUNT=99999999".to_string()),
                Just("RRULE:FREQ=YEARLY;BYMONTH=13;BYDAY=-9MO".to_string()),
                Just("RDATE:20250101T000000Z,garbage".to_string()),
                Just("EXDATE:20260102T100000Z".to_string()),
                Just("RECURRENCE-ID:20260103T100000Z".to_string()),
                Just("STATUS:CANCELLED".to_string()),
                Just("ATTENDEE;CUTYPE=ROOM;PARTSTAT=DECLINED:mailto:a@b".to_string()),
                Just("ORGANIZER;EMAIL=\"x@y\":urn:uuid:1".to_string()),
                "[ -~]{0,30}",
            ],
            0..24,
        )
    ) {
        let text = lines.join("\r\n");
        let _ = read_calendar(&text, 1_700_000_000, 1_790_000_000);
    }
}
