//! Capture from calendars through the binary: Google, Outlook/Exchange and Apple exports,
//! a vdir folder, the six real public calendars, every skip reason, idempotence, moved,
//! renamed and cancelled events, and what captured interactions do to cadences.

use crate::common;

use common::TestEnv;
use serde_json::{Value, json};

fn sample(name: &str) -> String {
    format!("{}/tests/data/capture/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A journal with Ana, Bo and Cy, whose addresses the sample calendars use.
fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "Ana Lopez",
        "--email",
        "ana@example.com",
        "--every",
        "2w",
    ]);
    env.ok(&["add", "Bo Chen", "--email", "bo@example.com"]);
    env.ok(&["add", "Cy Diaz", "--email", "cy@example.com"]);
    env
}

#[track_caller]
fn capture(env: &TestEnv, args: &[&str]) -> Value {
    let mut all = vec!["import"];
    all.extend(args);
    env.json(&all)
}

/// (at, contacts, note, source id) of every interaction, oldest first.
fn touches(env: &TestEnv) -> Vec<(String, Vec<String>, String, String)> {
    let timeline = env.json(&["timeline"]);
    let mut rows: Vec<_> = timeline
        .as_array()
        .expect("array")
        .iter()
        .map(|i| {
            let mut contacts: Vec<String> = i["contacts"]
                .as_array()
                .expect("contacts")
                .iter()
                .map(|c| c.as_str().expect("handle").to_string())
                .collect();
            contacts.sort();
            (
                i["at"].as_str().expect("at").to_string(),
                contacts,
                i["note"].as_str().expect("note").to_string(),
                i["source"]["id"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_google_export_gives_one_meeting_per_past_instance_in_its_own_time_zone() {
    let env = journal();
    let summary = capture(&env, &[&sample("google.ics"), "--me", "me@example.com"]);
    assert_eq!(
        summary,
        json!({"dry_run": false, "created": 7, "updated": 0, "removed": 0, "unknown": 1,
               "contacts_added": 0,
               "skipped": {"cancelled": 2, "declined": 2, "me": 8, "no_known_people": 1,
                           "room": 1, "too_many_people": 1}})
    );
    let ana_bo = vec!["ana-lopez".to_string(), "bo-chen".to_string()];
    let rows = touches(&env);
    let sync: Vec<_> = rows.iter().filter(|r| r.1 == ana_bo).collect();
    // Weekly from 2 March at 10:00 Berlin: 09:00Z before the DST change, 08:00Z after it;
    // 16 March is an EXDATE, 23 March moved to Tuesday 24 at 15:00, 30 March cancelled.
    let times: Vec<&str> = sync.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        times,
        [
            "2026-03-02T09:00:00+00:00",
            "2026-03-09T09:00:00+00:00",
            "2026-03-24T14:00:00+00:00",
            "2026-04-06T08:00:00+00:00"
        ]
    );
    assert_eq!(sync[2].2, "Ana / Bo sync (moved to Tuesday)");
    // A moved instance keeps its original start in its id.
    assert_eq!(sync[2].3, "sync-ana-bo@google.com/20260323T090000Z");
    assert_eq!(rows[0].3, "sync-ana-bo@google.com/20260302T090000Z");
    // Bo declined the review: only Ana is on it. The room is nobody.
    let review = rows
        .iter()
        .find(|r| r.2 == "Review (Bo declined)")
        .expect("review");
    assert_eq!(review.1, ["ana-lopez"]);
    assert!(rows.iter().any(|r| r.2 == "Planning in the big room"));
    for absent in [
        "All hands",
        "Party I skipped",
        "Cancelled coffee",
        "Next month with Ana",
        "Long ago with Ana",
    ] {
        assert!(!rows.iter().any(|r| r.2 == absent), "{absent} captured");
    }
    // Captured touches are meetings with their source, in JSON and in the table.
    let timeline = env.json(&["timeline", "ana"]);
    assert_eq!(timeline[0]["channel"], "meeting");
    assert_eq!(timeline[0]["source"]["kind"], "ics");
    let table = env.ok(&["timeline", "--format", "table"]);
    assert!(table.contains("meeting (ics)"), "{table}");
}

#[test]
fn outlook_windows_zone_names_rooms_and_cancellations() {
    let env = journal();
    let summary = capture(&env, &[&sample("outlook.ics"), "--me", "me@example.com"]);
    assert_eq!(summary["created"], 4);
    assert_eq!(summary["skipped"]["room"], 3);
    assert_eq!(summary["skipped"]["cancelled"], 1);
    let rows = touches(&env);
    let review: Vec<&str> = rows
        .iter()
        .filter(|r| r.2 == "Monthly review")
        .map(|r| r.0.as_str())
        .collect();
    // First Tuesday at 14:00 W. Europe Standard Time (CET): 13:00Z.
    assert_eq!(
        review,
        [
            "2026-01-06T13:00:00+00:00",
            "2026-02-03T13:00:00+00:00",
            "2026-03-03T13:00:00+00:00"
        ]
    );
    // "Pacific Standard Time" with no VTIMEZONE: 09:00 PDT in July is 16:00Z.
    let pacific = rows
        .iter()
        .find(|r| r.2.starts_with("Call with Cy"))
        .expect("call");
    assert_eq!(pacific.0, "2026-07-15T16:00:00+00:00");
    assert_eq!(pacific.1, ["cy-diaz"]);
}

#[test]
fn apple_attendees_by_email_parameter_rdates_and_all_day_events() {
    let env = journal();
    let summary = capture(&env, &[&sample("apple.ics"), "--me", "me@example.com"]);
    assert_eq!(summary["created"], 4);
    let rows = touches(&env);
    let coffee: Vec<&str> = rows
        .iter()
        .filter(|r| r.2 == "Coffee with Cy")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(
        coffee,
        [
            "2026-05-04T07:30:00+00:00",
            "2026-06-11T07:30:00+00:00",
            "2026-07-09T07:30:00+00:00"
        ]
    );
    // An all-day event starts at local midnight.
    assert!(
        rows.iter()
            .any(|r| r.0 == "2026-05-20T00:00:00+00:00" && r.1 == ["ana-lopez"])
    );
}

#[test]
fn a_second_import_creates_nothing_and_a_dry_run_writes_nothing() {
    let env = journal();
    let dry = capture(
        &env,
        &[&sample("google.ics"), "--me", "me@example.com", "--dry-run"],
    );
    assert_eq!(dry["created"], 7);
    assert_eq!(dry["dry_run"], true);
    let planned = dry["would_create"].as_array().expect("would_create");
    assert_eq!(planned.len(), 7);
    assert!(
        planned
            .iter()
            .all(|i| i["channel"] == "meeting" && i["source"]["kind"] == "ics")
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    capture(&env, &[&sample("google.ics"), "--me", "me@example.com"]);
    let again = capture(&env, &[&sample("google.ics"), "--me", "me@example.com"]);
    assert_eq!(
        (
            again["created"].clone(),
            again["updated"].clone(),
            again["removed"].clone()
        ),
        (json!(0), json!(0), json!(0))
    );
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 7);
}

#[test]
fn a_folder_of_ics_files_is_a_calendar_and_me_email_comes_from_the_setting() {
    let env = journal();
    let vdir = env.dir.path().join("calendars/work");
    std::fs::create_dir_all(&vdir).unwrap();
    for name in ["google.ics", "apple.ics"] {
        std::fs::copy(sample(name), vdir.join(name)).unwrap();
    }
    std::fs::write(vdir.join("color"), "#ff0000").unwrap();
    env.ok(&["config", "me.email", "Me@Example.com"]);
    let summary = capture(&env, &[vdir.to_str().unwrap()]);
    assert_eq!(summary["created"], 11);
    assert_eq!(summary["skipped"]["me"], 11);
}

#[test]
fn max_people_and_notes_change_what_is_captured() {
    let env = journal();
    let summary = capture(
        &env,
        &[
            &sample("google.ics"),
            "--me",
            "me@example.com",
            "--max-people",
            "25",
            "--notes",
        ],
    );
    assert_eq!(summary["created"], 8);
    let lunch = env.json(&["timeline", "ana", "--limit", "0"]);
    let notes: Vec<&str> = lunch
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["note"].as_str().unwrap())
        .collect();
    assert!(notes.contains(&"Lunch with Ana\n\nAgenda: the renewal, the roadmap and whatever else comes up in a long description line"), "{notes:?}");
}

#[test]
fn since_bounds_the_window_and_add_unknown_creates_people() {
    let env = journal();
    let summary = capture(
        &env,
        &[
            &sample("google.ics"),
            "--me",
            "me@example.com",
            "--since",
            "2019-06-01",
            "--add-unknown",
        ],
    );
    // The 2020 lunch is in; Dana is added from her CN and captured with her intro.
    assert_eq!(summary["created"], 9);
    assert_eq!(summary["contacts_added"], 1);
    assert_eq!(summary["unknown"], 0);
    let dana = env.json(&["show", "dana-smith"]);
    assert_eq!(dana["emails"], json!(["dana@other.org"]));
}

#[test]
fn an_address_two_contacts_share_matches_neither() {
    let env = journal();
    env.ok(&["add", "Ana Twin", "--email", "ana@example.com"]);
    let summary = capture(&env, &[&sample("apple.ics"), "--me", "me@example.com"]);
    assert_eq!(summary["skipped"]["ambiguous"], 1);
    assert_eq!(summary["created"], 3);
}

fn calendar(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{events}END:VCALENDAR\r\n")
}

fn event(uid: &str, start: &str, summary: &str, extra: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{start}\r\nDTEND:{start}\r\nSUMMARY:{summary}\r\n\
         ORGANIZER:mailto:me@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@example.com\r\n{extra}END:VEVENT\r\n"
    )
}

#[test]
fn moved_renamed_and_cancelled_events_are_reconciled_unless_amended_by_hand() {
    let env = journal();
    let file = env.dir.path().join("cal.ics");
    let weekly = "RRULE:FREQ=WEEKLY;COUNT=4\r\n";
    let first = calendar(
        &[
            event("a", "20260601T100000Z", "Plan", ""),
            event("b", "20260602T100000Z", "Coffee", ""),
            event("c", "20260603T100000Z", "Lunch", ""),
            event("w", "20260701T080000Z", "Weekly", weekly),
        ]
        .concat(),
    );
    std::fs::write(&file, first).unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(capture(&env, &[path])["created"], 7);
    // Lunch was amended by hand: a trait marked.
    let lunch_id = env
        .sql_i64("SELECT id FROM interactions WHERE note = 'Lunch'")
        .to_string();
    env.ok(&["amend", &lunch_id, "-t", "trust"]);
    let second = calendar(
        &[
            event("a", "20260601T150000Z", "Plan (moved)", ""),
            event("b", "20260602T100000Z", "Coffee", "STATUS:CANCELLED\r\n"),
            event("c", "20260603T100000Z", "Lunch", "STATUS:CANCELLED\r\n"),
            event(
                "w",
                "20260701T080000Z",
                "Weekly",
                &format!("{weekly}EXDATE:20260708T080000Z\r\n"),
            ),
        ]
        .concat(),
    );
    std::fs::write(&file, second).unwrap();
    let run = env.run(&["import", path, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["updated"], 1);
    assert_eq!(summary["removed"], 2, "the coffee and one weekly instance");
    assert!(
        run.stderr.contains("changed by hand: kept"),
        "{}",
        run.stderr
    );
    let rows = touches(&env);
    let notes: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        notes,
        ["Plan (moved)", "Lunch", "Weekly", "Weekly", "Weekly"]
    );
    assert_eq!(rows[0].0, "2026-06-01T15:00:00+00:00");
}

#[test]
fn captured_meetings_reset_cadences() {
    let added = journal();
    // Ana (every 2w, added 27 November) is due by 20 December with no touch.
    let env = added.at("2026-12-20T12:00:00Z");
    let due = env.json(&["due"]);
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .any(|r| r["handle"] == "ana-lopez"),
        "{due}"
    );
    let file = env.dir.path().join("yesterday.ics");
    std::fs::write(
        &file,
        calendar(&event("y", "20261219T100000Z", "Yesterday", "")),
    )
    .unwrap();
    capture(&env, &[file.to_str().unwrap()]);
    let due = env.json(&["due"]);
    assert!(
        !due.as_array()
            .unwrap()
            .iter()
            .any(|r| r["handle"] == "ana-lopez"),
        "{due}"
    );
    let ana = env.json(&["show", "ana"]);
    assert_eq!(ana["last_touch"], "2026-12-19T10:00:00+00:00");
}

#[test]
fn a_malformed_event_is_named_and_skipped_and_an_unreadable_path_is_exit_1() {
    let env = journal();
    let file = env.dir.path().join("broken.ics");
    let text = calendar(
        &[
            "BEGIN:VEVENT\r\nUID:no-start\r\nSUMMARY:Broken\r\nEND:VEVENT\r\n".to_string(),
            event("ok", "20260601T100000Z", "Fine", ""),
        ]
        .concat(),
    );
    std::fs::write(&file, text).unwrap();
    let run = env.run(&["import", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stderr.contains("rel: warning:") && run.stderr.contains("no-start"),
        "{}",
        run.stderr
    );
    let summary: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["created"], 1);
    assert_eq!(summary["skipped"]["malformed"], 1);
    env.fails(&["import", "/nonexistent/cal.ics", "--from", "ics"], 1);
}

#[test]
fn the_six_real_calendars_import() {
    let dir = format!(
        "{}/../shared/realdata/calendars",
        env!("CARGO_MANIFEST_DIR")
    );
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: {dir} is absent");
        return;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ics"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    // What each holds, read from the files: instances in the window and what is skipped.
    let expect: [(&str, i64, &str, i64); 6] = [
        ("ics-parser-ICal.ics", 0, "no_known_people", 833),
        ("ics-parser-issue-343.ics", 1, "malformed", 1),
        ("khal-event_dt_partstat.ics", 0, "declined", 1),
        ("khal-tz_windows_format.ics", 0, "no_known_people", 1),
        (
            "recurring-ical-events-daylight_saving_time.ics",
            0,
            "no_known_people",
            2737,
        ),
        (
            "recurring-ical-events-issue_18_cancel_status.ics",
            0,
            "cancelled",
            1,
        ),
    ];
    for (name, created, reason, count) in expect {
        let env = journal();
        // The Exchange invitation's attendee is a contact here, so its meeting is captured.
        env.ok(&["add", "Attendee One", "--email", "attendee1@example.com"]);
        let run = env.run(&[
            "import",
            &format!("{dir}/{name}"),
            "--since",
            "1900-01-01",
            "--format",
            "json",
        ]);
        assert_eq!(run.code, 0, "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"));
        let summary: Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(summary["created"], created, "{name}: {summary}");
        assert_eq!(summary["skipped"][reason], count, "{name}: {summary}");
    }
}

#[test]
fn a_google_export_names_its_owner_who_is_never_a_contact() {
    let env = journal();
    // No --me: X-WR-CALNAME:me@example.com says whose calendar it is.
    let summary = capture(&env, &[&sample("google.ics"), "--add-unknown"]);
    assert_eq!(summary["skipped"]["me"], 8);
    assert!(
        env.run(&["show", "me-myself"]).code == 3,
        "you were added as a contact"
    );
}

#[test]
fn an_interaction_amended_by_hand_is_left_alone_by_later_captures() {
    let env = journal();
    let file = env.dir.path().join("cal.ics");
    std::fs::write(&file, calendar(&event("a", "20260601T100000Z", "Plan", ""))).unwrap();
    let path = file.to_str().unwrap();
    capture(&env, &[path]);
    let id = env.sql_i64("SELECT id FROM interactions").to_string();
    env.ok(&["amend", &id, "Plan: we agreed on the budget"]);
    std::fs::write(
        &file,
        calendar(&event("a", "20260601T110000Z", "Plan (moved)", "")),
    )
    .unwrap();
    let summary = capture(&env, &[path]);
    assert_eq!(summary["skipped"]["amended"], 1);
    assert_eq!(summary["updated"], 0);
    let rows = touches(&env);
    assert_eq!(rows[0].2, "Plan: we agreed on the budget");
    assert_eq!(rows[0].0, "2026-06-01T10:00:00+00:00");
}

#[test]
fn a_capture_never_clears_a_suggestion_dismissal() {
    let env = journal();
    env.ok(&["suggest", "dismiss", "ana", "--for", "2w"]);
    let query = "SELECT dismissed_until FROM contacts WHERE handle = 'ana-lopez'";
    let dismissed = env.sql_i64(query);
    assert!(dismissed > 0);
    let summary = capture(&env, &[&sample("google.ics"), "--me", "me@example.com"]);
    assert_eq!(summary["created"], 7);
    assert_eq!(env.sql_i64(query), dismissed);
}
