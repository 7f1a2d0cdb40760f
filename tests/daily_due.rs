//! Issue 11 points 1 and 2: `rel due` shows everything due by the end of today, relative days
//! are calendar days, `--within` puts what is due first, done follow-ups are never overdue,
//! and birthdays are due rows, shown on the card and exported as yearly events.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn kinds(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["kind"].as_str().unwrap(),
                r["handle"].as_str().unwrap()
            )
        })
        .collect()
}

fn texts(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_follow_up_later_today_is_due_this_morning() {
    let env = TestEnv::new().at("2026-12-02T08:45:00Z");
    env.ok(&["add", "Maria Lopez"]);
    env.ok(&["remind", "maria", "09:00", "call about the renewal"]);
    let rows = env.json(&["due"]);
    assert_eq!(kinds(&rows), ["follow-up:maria-lopez"]);
    assert_eq!(rows[0]["overdue_days"], 0);
    let table = env.ok(&["due", "--format", "table"]);
    assert!(table.contains("due today"), "{table}");
    // Tomorrow's is not due today.
    env.ok(&["remind", "maria", "tomorrow 08:00", "later"]);
    assert_eq!(env.json(&["due"]).as_array().unwrap().len(), 1);
}

#[test]
fn relative_days_are_calendar_days() {
    let env = TestEnv::new().at("2026-12-01T21:00:00Z");
    env.ok(&["add", "Sam Carter"]);
    // Due yesterday evening (21:00), checked at 08:00 today: one calendar day late.
    env.ok(&["remind", "sam", "2026-12-01 21:30", "yesterday evening"]);
    let morning = env.at("2026-12-02T08:00:00Z");
    let rows = morning.json(&["due"]);
    assert_eq!(rows[0]["overdue_days"], 1);
    let table = morning.ok(&["due", "--format", "table"]);
    assert!(table.contains("1d overdue"), "{table}");
    // Wednesday 2 December: two Friday follow-ups, morning and evening, both read `in 2d`.
    morning.ok(&["remind", "sam", "fri 09:00", "morning"]);
    morning.ok(&["remind", "sam", "fri 17:30", "evening"]);
    let table = morning.ok(&["due", "--within", "3d", "--format", "table"]);
    assert_eq!(table.matches("in 2d").count(), 2, "{table}");
    let rows = morning.json(&["due", "--within", "3d"]);
    assert_eq!(rows[1]["overdue_days"], -2);
    assert_eq!(rows[2]["overdue_days"], -2);
}

#[test]
fn within_lists_what_is_due_first_then_the_rest_soonest_first() {
    let env = TestEnv::new().at("2026-11-01T12:00:00Z");
    env.ok(&["add", "Weekly Wendy", "--every", "1w"]);
    env.ok(&["add", "Yearly Yann", "--every", "1y"]);
    let now = env.at("2026-11-27T12:00:00Z");
    now.ok(&["add", "Zed"]);
    now.ok(&["remind", "zed", "in 13d", "thirteen"]);
    now.ok(&["remind", "zed", "in 2d", "two"]);
    now.ok(&["remind", "yearly", "in 2d", "two too"]);
    now.ok(&["remind", "zed", "in 1d", "one"]);
    // Created, with a warning on stderr: due before today (issue 21).
    assert_eq!(now.run(&["remind", "zed", "yesterday", "late"]).code, 0);
    let rows = now.json(&["due", "--within", "2w"]);
    assert_eq!(
        texts(&rows),
        ["late", "", "one", "two too", "two", "thirteen"],
        "{rows}"
    );
    assert_eq!(
        kinds(&rows)[..2],
        [
            "follow-up:zed".to_string(),
            "contact:weekly-wendy".to_string()
        ]
    );
    let days: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["overdue_days"].as_i64().unwrap())
        .collect();
    assert_eq!(days, [1, 19, -1, -2, -2, -13]);
    // --limit keeps the same order.
    let limited = now.json(&["due", "--within", "2w", "--limit", "3"]);
    assert_eq!(texts(&limited), ["late", "", "one"]);
    // Each source is cut at the limit before the merge: every limit gives the full list's start.
    let full = kinds(&rows);
    for n in 1..=full.len() {
        let limited = now.json(&["due", "--within", "2w", "--limit", &n.to_string()]);
        assert_eq!(kinds(&limited), full[..n], "limit {n}");
    }
}

#[test]
fn done_follow_ups_never_read_overdue() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    // Created, with a warning on stderr: due before today (issue 21).
    assert_eq!(
        env.run(&["remind", "maria", "2026-11-10", "old promise"])
            .code,
        0
    );
    env.ok(&["done", "1"]);
    let table = env.ok(&["followups", "--all", "--format", "table"]);
    assert!(!table.contains("overdue"), "{table}");
    assert!(table.contains("done"), "{table}");
    assert!(table.contains("10 Nov"), "{table}");
    let rows = env.json(&["followups", "--all"]);
    assert!(rows[0]["done_at"].is_string());
}

#[test]
fn birthdays_are_due_rows_in_their_place() {
    let env = TestEnv::new().at("2026-11-01T12:00:00Z");
    env.ok(&[
        "add",
        "Ann Old",
        "--birthday",
        "1986-11-27",
        "--every",
        "1w",
    ]);
    env.ok(&["add", "Bea", "--birthday", "--11-27"]);
    env.ok(&["add", "Cy Later", "--birthday", "--11-30"]);
    env.ok(&["add", "Gone", "--birthday", "--11-27"]);
    env.ok(&["archive", "gone"]);
    let now = env.at("2026-11-27T12:00:00Z");
    now.ok(&["remind", "bea", "today 09:00", "card"]);
    let rows = now.json(&["due"]);
    assert_eq!(
        kinds(&rows),
        [
            "follow-up:bea",
            "birthday:ann-old",
            "birthday:bea",
            "contact:ann-old"
        ]
    );
    assert_eq!(texts(&rows)[1..3], ["turns 40", "birthday"]);
    assert_eq!(rows[1]["due_at"], "2026-11-27T00:00:00+00:00");
    assert_eq!(rows[1]["overdue_days"], 0);
    // --within brings the coming ones, with a negative overdue_days.
    let rows = now.json(&["due", "--within", "5d"]);
    let coming = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "cy-later")
        .expect("coming birthday");
    assert_eq!(coming["kind"], "birthday");
    assert_eq!(coming["overdue_days"], -3);
    // Tomorrow none of them is due.
    let tomorrow = env.at("2026-11-28T12:00:00Z");
    assert!(
        !kinds(&tomorrow.json(&["due"]))
            .iter()
            .any(|k| k.starts_with("birthday"))
    );
}

#[test]
fn a_29_february_birthday_is_kept_on_the_28th_in_other_years() {
    let env = TestEnv::new().at("2027-02-01T12:00:00Z");
    env.ok(&["add", "Leap Lea", "--birthday", "2000-02-29"]);
    let rows = env.at("2027-02-28T10:00:00Z").json(&["due"]);
    assert_eq!(kinds(&rows), ["birthday:leap-lea"]);
    assert_eq!(rows[0]["text"], "turns 27");
    assert_eq!(
        env.at("2027-03-01T10:00:00Z").json(&["due"]),
        serde_json::json!([])
    );
    // In a leap year it is the 29th, not the 28th.
    assert_eq!(
        env.at("2028-02-28T10:00:00Z").json(&["due"]),
        serde_json::json!([])
    );
    let rows = env.at("2028-02-29T10:00:00Z").json(&["due"]);
    assert_eq!(texts(&rows), ["turns 28"]);
}

#[test]
fn show_gives_the_birthday_with_its_distance_and_ics_a_yearly_event() {
    let env = TestEnv::new();
    env.ok(&["add", "Dee", "--birthday", "--11-30"]);
    env.ok(&["add", "Leap Lea", "--birthday", "2000-02-29"]);
    let card = env.ok(&["show", "dee", "--format", "table"]);
    assert!(card.contains("30 Nov (in 3d)"), "{card}");
    let json = env.json(&["show", "dee"]);
    assert_eq!(json["birthday"], "--11-30");
    let ics = env.ok(&["export", "--to", "ics"]);
    assert_eq!(ics.matches("RRULE:FREQ=YEARLY").count(), 2, "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261130"), "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20000229"), "{ics}");
    assert!(ics.contains("BYMONTHDAY=-1"), "{ics}");
    // Archived contacts give no birthday event.
    env.ok(&["archive", "dee"]);
    let ics = env.ok(&["export", "--to", "ics"]);
    assert_eq!(ics.matches("RRULE:FREQ=YEARLY").count(), 1, "{ics}");
}

#[test]
fn archived_contacts_show_no_next_due() {
    let env = TestEnv::new().at("2026-11-01T12:00:00Z");
    env.ok(&["add", "Alex Newman", "--every", "1w"]);
    env.ok(&["archive", "alex-newman"]);
    let now = env.at("2026-11-27T12:00:00Z");
    let card = now.json(&["show", "alex-newman"]);
    assert_eq!(card["next_due"], Value::Null);
    let listed = now.json(&["list", "--archived"]);
    assert_eq!(listed[0]["next_due"], Value::Null);
    assert_eq!(now.json(&["due"]), serde_json::json!([]));
}

#[test]
fn a_screenful_is_the_start_of_the_whole_list() {
    // `--limit N` ranks without reading every due contact (one walk per cadence); it must give
    // exactly the first N rows of the full ranking, ties on a day broken by handle included.
    let env = TestEnv::new();
    let specs = [
        ("2026-10-01T09:00:00Z", "1w", "Amy"),
        ("2026-10-01T18:00:00Z", "1w", "Abe"),
        ("2026-11-10T12:00:00Z", "1w", "Ari"),
        ("2026-09-01T12:00:00Z", "1m", "Bo"),
        ("2026-09-01T08:00:00Z", "1m", "Bea"),
        ("2026-10-20T12:00:00Z", "1m", "Bix"),
        ("2026-01-01T12:00:00Z", "3m", "Cy"),
        ("2026-06-01T12:00:00Z", "3m", "Cal"),
        ("2026-08-20T12:00:00Z", "3m", "Cam"),
        ("2026-11-20T10:00:00Z", "3d", "Dot"),
        ("2026-11-20T20:00:00Z", "3d", "Dan"),
        ("2026-11-23T12:00:00Z", "3d", "Dee"),
    ];
    for (at, every, name) in specs {
        env.at(at).ok(&["add", name, "--every", every]);
    }
    // Created, with a warning on stderr: due before today (issue 21).
    assert_eq!(
        env.run(&["remind", "amy", "yesterday", "call back"]).code,
        0
    );
    let all = env.json(&["due"]);
    let handles = |rows: &Value| -> Vec<String> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| format!("{}:{}", r["kind"], r["handle"]))
            .collect()
    };
    let full = handles(&all);
    assert_eq!(full.len(), 13, "{all}");
    for n in 1..=13 {
        let limited = env.json(&["due", "--limit", &n.to_string()]);
        assert_eq!(handles(&limited), full[..n], "limit {n}");
    }
}
