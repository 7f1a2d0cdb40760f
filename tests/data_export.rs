//! `rel export` through the binary: the JSON round trip is byte-identical, CSV is one row per
//! interaction, ICS parses and keeps its UIDs, `-o` writes a private file atomically.

use crate::common;

use common::TestEnv;
use std::os::unix::fs::PermissionsExt;

/// A database with every kind of record: tags, via, archived, snoozed, cadences, shared
/// interactions with REITH marks, follow-ups done and open, settings.
fn populated() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["config", "default-every", "3m"]);
    env.ok(&["config", "every.family", "2w"]);
    env.ok(&[
        "add",
        "Ana Silva",
        "--email",
        "ana@example.com",
        "--tag",
        "family",
        "--birthday",
        "--04-01",
    ]);
    env.ok(&[
        "add",
        "Bo Lind",
        "--via",
        "ana-silva",
        "--every",
        "1m",
        "--org",
        "Acme",
        "--phone",
        "+1 555",
    ]);
    env.ok(&["add", "Cy Old", "--note", "moved away\nline two"]);
    env.ok(&["add", "Dee Snooze", "--every", "2w"]);
    env.ok(&["archive", "cy-old"]);
    env.ok(&["snooze", "dee-snooze", "2026-12-20"]);
    env.ok(&[
        "log",
        "ana-silva,bo-lind",
        "dinner, \"long\" talk",
        "--at",
        "2026-11-20 19:00",
        "-t",
        "trust,r",
        "--strained",
        "honesty",
        "--follow-up",
        "2026-12-01",
        "--todo",
        "send photos",
    ]);
    env.ok(&[
        "log",
        "bo-lind",
        "quick call",
        "-c",
        "call",
        "--at",
        "2026-11-25",
    ]);
    env.ok(&["log", "cy-old", "farewell", "--at", "2026-10-01"]);
    env.ok(&["remind", "bo-lind", "2026-12-05", "contract renewal"]);
    env.ok(&["remind", "ana-silva", "2026-11-30", "call back"]);
    env.ok(&["done", "3"]);
    env
}

#[test]
fn json_round_trip_is_byte_identical() {
    let source = populated();
    let first = source.ok(&["export"]);
    assert_eq!(
        source.ok(&["export", "--to", "json"]),
        first,
        "export is stable"
    );
    let file = source.dir.path().join("everything.json");
    std::fs::write(&file, &first).unwrap();

    // Into an empty database, at another "now": nothing in the document depends on it.
    let target = TestEnv::new().at("2027-03-01T08:00:00Z");
    let summary = target.json(&["import", file.to_str().unwrap()]);
    assert_eq!(summary["contacts"]["created"], 4);
    assert_eq!(summary["interactions"]["created"], 3);
    assert_eq!(summary["followups"]["created"], 3);
    assert_eq!(summary["settings"]["created"], 2);
    let second = target.ok(&["export"]);
    assert_eq!(second, first);

    // Maintained columns were rebuilt: same REITH sums, last touch and due dates.
    for handle in ["ana-silva", "bo-lind", "dee-snooze"] {
        let a = source.json(&["show", handle]);
        let b = target.json(&["show", handle]);
        for field in ["reith", "last_touch", "next_due", "via", "archived_at"] {
            assert_eq!(a[field], b[field], "{handle} {field}");
        }
    }
    // Importing the same export again changes nothing.
    let again = target.json(&["import", file.to_str().unwrap()]);
    for kind in ["contacts", "interactions", "followups", "settings"] {
        assert_eq!(again[kind]["created"], 0, "{kind}");
        assert_eq!(again[kind]["updated"], 0, "{kind}");
    }
    assert_eq!(target.ok(&["export"]), first);
}

/// A restore into an empty database sets the search triggers and indexes aside and rebuilds
/// them at the end: afterwards search finds the imported notes and contacts, and keeps up with
/// new writes, and the schema is exactly what a fresh database has.
#[test]
fn restore_rebuilds_search_and_puts_the_schema_back() {
    let source = populated();
    let file = source.dir.path().join("everything.json");
    std::fs::write(&file, source.ok(&["export"])).unwrap();
    let target = TestEnv::new();
    target.ok(&["config", "default-channel", "call"]); // creates the empty database
    let schema = "SELECT count(*) || ':' || group_concat(name) FROM (SELECT name FROM sqlite_schema \
                  WHERE type IN ('index', 'trigger') ORDER BY name)";
    let objects = |env: &TestEnv| -> String {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.query_row(schema, [], |row| row.get(0)).unwrap()
    };
    let before = objects(&target);
    target.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(objects(&target), before, "every index and trigger is back");

    let hits = target.json(&["search", "photos OR farewell OR Acme"]);
    let kinds: Vec<&str> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"interaction") && kinds.contains(&"contact"),
        "{hits}"
    );
    assert_eq!(
        target
            .json(&["search", "farewell"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The triggers work again: a new note is found at once, an edited org too.
    target.ok(&["log", "bo-lind", "zanzibar trip plans"]);
    target.ok(&["edit", "ana-silva", "--org", "Quokka Ltd"]);
    assert_eq!(
        target
            .json(&["search", "zanzibar"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        target.json(&["search", "quokka"]).as_array().unwrap().len(),
        1
    );
    let conn = rusqlite::Connection::open(&target.db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    conn.execute_batch(
        "INSERT INTO interactions_fts (interactions_fts) VALUES ('integrity-check')",
    )
    .expect("the notes index matches its content");
}

#[test]
fn json_keeps_every_field() {
    let env = populated();
    let doc: serde_json::Value = serde_json::from_str(&env.ok(&["export"])).unwrap();
    let contacts = doc["contacts"].as_array().unwrap();
    let ana = &contacts[0];
    let bo = &contacts[1];
    assert_eq!(bo["via"], ana["uid"]);
    assert!(contacts[2]["archived_at"].is_string());
    assert_eq!(contacts[3]["snoozed_until"], "2026-12-20T00:00:00+00:00");
    let dinner = &doc["interactions"][0];
    assert_eq!(
        dinner["contacts"],
        serde_json::json!([ana["uid"], bo["uid"]])
    );
    assert_eq!(
        dinner["traits"],
        serde_json::json!({"trust": 1, "respect": 1, "honesty": -1})
    );
    let followups = doc["followups"].as_array().unwrap();
    assert_eq!(followups.len(), 3);
    assert_eq!(followups[0]["interaction"], dinner["uid"]);
    assert!(followups[2]["done_at"].is_string());
    assert_eq!(doc["settings"]["every.family"], "2w");
}

#[test]
fn csv_is_one_row_per_interaction() {
    let env = populated();
    let out = env.ok(&["export", "--to", "csv"]);
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        &headers,
        vec!["id", "uid", "at", "channel", "contacts", "traits", "note"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][4], "ana-silva,bo-lind");
    assert_eq!(&rows[0][5], "-honesty +respect +trust");
    assert_eq!(&rows[0][6], "dinner, \"long\" talk");
    assert_eq!(&rows[1][3], "call");
}

fn ics_uids(text: &str) -> Vec<String> {
    use icalendar::Component;
    let calendar: icalendar::Calendar = text.parse().expect("ICS parses");
    calendar
        .events()
        .map(|e| e.get_uid().expect("every event has a UID").to_string())
        .collect()
}

#[test]
fn ics_parses_and_its_uids_are_stable() {
    let env = populated();
    let first = env.ok(&["export", "--to", "ics"]);
    let uids = ics_uids(&first);
    let contact_uid = |handle: &str| {
        env.json(&["show", handle])["uid"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let followups = env.json(&["followups"]);
    // Ana's birthday is a yearly event of its own, before her due date.
    let mut expected = vec![format!("birthday-{}@rel", contact_uid("ana-silva"))];
    expected.extend(
        ["ana-silva", "bo-lind", "dee-snooze"]
            .iter()
            .map(|h| format!("contact-{}@rel", contact_uid(h))),
    );
    for f in followups.as_array().unwrap() {
        expected.push(format!("followup-{}@rel", f["uid"].as_str().unwrap()));
    }
    assert_eq!(
        followups.as_array().unwrap().len(),
        2,
        "open follow-ups only"
    );
    assert_eq!(
        uids, expected,
        "archived contacts and done follow-ups have no event"
    );
    // A later export (after a new touch) keeps the same UIDs, so calendars update.
    env.ok(&["log", "ana-silva", "coffee", "--at", "2026-11-26"]);
    let later = env
        .at("2026-11-28T09:00:00Z")
        .ok(&["export", "--to", "ics"]);
    assert_eq!(ics_uids(&later), uids);
    assert_ne!(later, first);
}

#[test]
fn output_file_is_private_and_replaced_whole() {
    let env = populated();
    let folder = env.dir.path().join("out");
    std::fs::create_dir(&folder).unwrap();
    let file = folder.join("rel.json");
    std::fs::write(
        &file,
        "an older, much longer export that must not survive in part",
    )
    .unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let printed = env.ok(&["export", "-o", file.to_str().unwrap()]);
    assert_eq!(printed, "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), env.ok(&["export"]));
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let names: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["rel.json"], "no temp file is left behind");
    let missing = env.dir.path().join("no-such-folder").join("x.ics");
    env.fails(
        &["export", "--to", "ics", "-o", missing.to_str().unwrap()],
        1,
    );
}
