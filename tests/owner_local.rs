//! Ownership outside a team workspace, through the real binary: the JSON fields (`owner` on
//! contacts and due rows, `author` on interactions), `edit --owner`, `list --owner`, what
//! `rel due` shows and which option combinations it refuses, undo, export/import, migration
//! of an older journal, and an owner change syncing through a folder remote.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn handles(rows: &Value) -> Vec<String> {
    let mut out: Vec<String> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|row| row["handle"].as_str().expect("handle").to_string())
        .collect();
    out.sort();
    out
}

/// Ann, Bo and Cy, each due today (a weekly cadence, added three weeks ago).
fn three_due() -> TestEnv {
    let env = TestEnv::new();
    let earlier = env.at("2026-11-06T12:00:00Z");
    for name in ["Ann", "Bo", "Cy"] {
        earlier.ok(&["add", name, "--every", "1w"]);
    }
    env
}

#[test]
fn records_carry_owner_and_author_null_outside_a_team() {
    let env = three_due();
    let added = env.json(&["add", "Di"]);
    assert_eq!(added["owner"], Value::Null);
    assert!(added.as_object().expect("object").contains_key("owner"));
    let logged = env.json(&["log", "ann", "a call"]);
    assert!(logged.as_object().expect("object").contains_key("author"));
    assert_eq!(logged["author"], Value::Null);

    let listed = env.json(&["list"]);
    for contact in listed.as_array().expect("array") {
        assert_eq!(contact["owner"], Value::Null, "{contact}");
    }
    let shown = env.json(&["show", "ann"]);
    assert_eq!(shown["owner"], Value::Null);
    assert_eq!(shown["interactions"][0]["author"], Value::Null);
    let timeline = env.json(&["timeline"]);
    assert!(
        timeline[0]
            .as_object()
            .expect("object")
            .contains_key("author")
    );
    let due = env.json(&["due"]);
    assert!(due[0].as_object().expect("object").contains_key("owner"));
    // jsonl too: one object per line, each with the field.
    let lines = env.ok(&["list", "--format", "jsonl"]);
    for line in lines.lines() {
        let contact: Value = serde_json::from_str(line).expect("jsonl");
        assert!(contact.as_object().expect("object").contains_key("owner"));
    }
}

#[test]
fn edit_owner_hands_over_and_list_and_due_filter_by_it() {
    let env = three_due();
    env.ok(&["edit", "bo", "--owner", "bob"]);
    env.ok(&["edit", "cy", "--owner", "carol"]);
    assert_eq!(env.json(&["show", "bo"])["owner"], "bob");

    assert_eq!(handles(&env.json(&["list", "--owner", "bob"])), ["bo"]);
    assert_eq!(handles(&env.json(&["list", "--owner", "none"])), ["ann"]);
    assert_eq!(
        env.json(&["list", "--owner", "nobody"]),
        Value::Array(vec![])
    );

    // Outside a team there is no "me": `rel due` shows everyone's, as `--all` does.
    assert_eq!(handles(&env.json(&["due"])), ["ann", "bo", "cy"]);
    assert_eq!(handles(&env.json(&["due", "--all"])), ["ann", "bo", "cy"]);
    let bobs = env.json(&["due", "--owner", "bob"]);
    assert_eq!(handles(&bobs), ["bo"]);
    assert_eq!(bobs[0]["owner"], "bob");
    assert_eq!(handles(&env.json(&["due", "--owner", "none"])), ["ann"]);
    // A member with nothing: an empty result, exit 0.
    assert_eq!(env.json(&["due", "--owner", "dora"]), Value::Array(vec![]));
    env.ok(&["due", "--owner", "dora", "--format", "tsv"]);
    // Combined with the other filters.
    assert_eq!(
        handles(&env.json(&["due", "--owner", "bob", "--limit", "1"])),
        ["bo"]
    );
    assert_eq!(
        handles(&env.json(&["due", "--owner", "bob", "--within", "1w"])),
        ["bo"]
    );

    // `--owner none` makes a contact unowned again.
    env.ok(&["edit", "bo", "--owner", "none"]);
    assert_eq!(env.json(&["show", "bo"])["owner"], Value::Null);
    assert_eq!(
        handles(&env.json(&["list", "--owner", "none"])),
        ["ann", "bo"]
    );
}

#[test]
fn follow_ups_and_birthdays_follow_their_contact_owner() {
    let env = three_due();
    env.ok(&["remind", "bo", "today", "send the deck"]);
    env.ok(&["edit", "cy", "--birthday", "1990-11-27"]);
    env.ok(&["edit", "bo", "--owner", "bob"]);
    env.ok(&["edit", "cy", "--owner", "bob"]);
    let kinds: Vec<(String, String)> = env
        .json(&["due", "--owner", "bob"])
        .as_array()
        .expect("array")
        .iter()
        .map(|row| {
            (
                row["kind"].as_str().expect("kind").to_string(),
                row["handle"].as_str().expect("handle").to_string(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("follow-up".into(), "bo".into())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("birthday".into(), "cy".into())),
        "{kinds:?}"
    );
    let unowned = env.json(&["due", "--owner", "none"]);
    assert_eq!(handles(&unowned), ["ann"]);
}

#[test]
fn bad_owner_options_are_usage_errors_that_change_nothing() {
    let env = three_due();
    let both = env.fails(&["due", "--owner", "bob", "--all"], 2);
    assert_eq!(both.lines().count(), 1, "{both}");
    assert!(both.contains("--all"), "{both}");
    let empty = env.fails(&["edit", "ann", "--owner", "  "], 2);
    assert!(empty.contains("empty"), "{empty}");
    let long = "x".repeat(64);
    let too_long = env.fails(&["edit", "ann", "--owner", &long], 2);
    assert!(too_long.contains("too long"), "{too_long}");
    env.fails(&["edit", "ann", "--owner", "bob\u{1b}[31m"], 2);
    env.fails(&["edit", "ann", "--owner", "bob\u{202e}"], 2);
    env.fails(&["list", "--owner", ""], 2);
    env.fails(&["due", "--owner", "\t"], 2);
    assert_eq!(env.json(&["show", "ann"])["owner"], Value::Null);
    // A missing contact is exit 3 as for any edit.
    env.fails(&["edit", "nobody-here", "--owner", "bob"], 3);
}

#[test]
fn undo_reverts_an_owner_change() {
    let env = three_due();
    env.ok(&["edit", "ann", "--owner", "alice"]);
    env.ok(&["edit", "ann", "--owner", "bob"]);
    env.run(&["undo"]);
    assert_eq!(env.json(&["show", "ann"])["owner"], "alice");
    env.run(&["undo"]);
    assert_eq!(env.json(&["show", "ann"])["owner"], Value::Null);
}

#[test]
fn export_and_import_keep_owners_and_authors() {
    let env = three_due();
    env.ok(&["edit", "bo", "--owner", "bob"]);
    env.ok(&["log", "bo", "quarterly review"]);
    let export = env.ok(&["export"]);
    let mut document: Value = serde_json::from_str(&export).expect("export json");
    let contacts = document["contacts"].as_array().expect("contacts");
    let bo = contacts.iter().find(|c| c["handle"] == "bo").expect("bo");
    assert_eq!(bo["owner"], "bob");
    let ann = contacts.iter().find(|c| c["handle"] == "ann").expect("ann");
    assert_eq!(ann["owner"], Value::Null);
    // An author comes from a team journal; an export from one carries it.
    assert!(
        document["interactions"][0]
            .as_object()
            .expect("o")
            .contains_key("author")
    );
    document["interactions"][0]["author"] = Value::String("bob".into());

    let other = TestEnv::new();
    let file = other.dir.path().join("journal.json");
    std::fs::write(&file, document.to_string()).expect("write");
    other.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(other.json(&["show", "bo"])["owner"], "bob");
    assert_eq!(other.json(&["show", "ann"])["owner"], Value::Null);
    let touch = &other.json(&["timeline"])[0];
    assert_eq!(touch["author"], "bob");
    // The round trip gives back the same document.
    let again: Value = serde_json::from_str(&other.ok(&["export"])).expect("json");
    assert_eq!(again, document);
    // Importing it again changes nothing.
    let summary = other.json(&["import", file.to_str().expect("path")]);
    assert_eq!(summary["contacts"]["updated"], 0, "{summary}");
    assert_eq!(summary["interactions"]["updated"], 0, "{summary}");
}

#[test]
fn import_checks_owner_and_author_as_the_commands_do() {
    let env = TestEnv::new();
    let file = env.dir.path().join("bad.json");
    let contact = |owner: &str| {
        format!(
            r#"{{"rel_export": 1, "contacts": [
                {{"uid": "0190f0e0-0000-7000-8000-000000000001", "name": "Ann", "owner": {owner}}}
            ], "interactions": [], "followups": []}}"#
        )
    };
    for bad in [
        r#""""#,
        r#""bob\u0007""#,
        &format!("\"{}\"", "x".repeat(64)),
    ] {
        std::fs::write(&file, contact(bad)).expect("write");
        let err = env.fails(&["import", file.to_str().expect("path")], 2);
        assert!(err.contains("contacts record 1"), "{err}");
        assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 0);
    }
    std::fs::write(&file, contact(r#""none""#)).expect("write");
    env.ok(&["import", file.to_str().expect("path")]);
    assert_eq!(env.json(&["show", "ann"])["owner"], Value::Null);

    let touch = |author: &str| {
        format!(
            r#"{{"rel_export": 1, "contacts": [
                {{"uid": "0190f0e0-0000-7000-8000-000000000001", "name": "Ann"}}
            ], "interactions": [
                {{"uid": "0190f0e0-0000-7000-8000-0000000000aa", "at": "2026-11-20T10:00:00Z",
                  "channel": "call", "contacts": ["0190f0e0-0000-7000-8000-000000000001"],
                  "author": {author}}}
            ], "followups": []}}"#
        )
    };
    std::fs::write(&file, touch(r#""al\nice""#)).expect("write");
    let err = env.fails(&["import", file.to_str().expect("path")], 2);
    assert!(err.contains("interactions record 1"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
}

#[test]
fn a_journal_from_before_ownership_keeps_its_contacts_unowned() {
    use rel::db::migrations::MIGRATIONS;
    let env = TestEnv::new();
    std::fs::create_dir_all(env.db.parent().expect("parent")).expect("mkdir");
    {
        // Schema 6 (the last before ownership), already in a team workspace.
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        for step in &MIGRATIONS[..6] {
            conn.execute_batch(step.sql).expect("old step");
        }
        conn.execute_batch(
            "PRAGMA user_version = 6;
             INSERT INTO contacts (uid, handle, name, every, created_at, due_every, due_at)
             VALUES ('0190f0e0-0000-7000-8000-000000000001', 'old-friend', 'Old Friend', '1w',
                     1700000000, '1w', 1700604800);
             INSERT INTO sync_remote (id, kind, location, workspace)
             VALUES (1, 'postgres', 'host=/nonexistent dbname=crm', 'sales');",
        )
        .expect("old rows");
    }
    let shown = env.json(&["show", "old-friend"]);
    assert_eq!(shown["owner"], Value::Null);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE owner IS NULL"),
        1
    );
    // The member is not known until the next sync: nothing is hidden meanwhile.
    assert_eq!(handles(&env.json(&["due"])), ["old-friend"]);
    let logged = env.json(&["log", "old-friend", "after the upgrade"]);
    assert_eq!(logged["author"], Value::Null);
}

#[test]
fn an_owner_change_syncs_through_a_folder_remote() {
    let first = three_due();
    let remote = first.dir.path().join("remote");
    let remote = remote.to_str().expect("path");
    assert_eq!(first.run(&["sync", "init", "--folder", remote]).code, 0);
    first.ok(&["sync"]);
    let key = first.ok(&["sync", "key"]);
    let second = TestEnv::new();
    let joined = second.run(&["sync", "init", "--folder", remote, "--key", key.trim()]);
    assert_eq!(joined.code, 0, "{}", joined.stderr);
    second.ok(&["sync"]);
    first.ok(&["edit", "bo", "--owner", "bob"]);
    first.ok(&["sync"]);
    second.ok(&["sync"]);
    assert_eq!(second.json(&["show", "bo"])["owner"], "bob");
    // A folder remote has no members.
    assert_eq!(second.json(&["sync", "status"])["member"], Value::Null);
    assert_eq!(
        first.ok(&["sync", "verify"]),
        second.ok(&["sync", "verify"])
    );
    // Undone on the second machine, the hand-over is undone everywhere.
    second.ok(&["edit", "bo", "--owner", "none"]);
    second.ok(&["sync"]);
    first.ok(&["sync"]);
    assert_eq!(first.json(&["show", "bo"])["owner"], Value::Null);
}
