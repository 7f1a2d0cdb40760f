//! Ids are never reused: after `unlog`, `rm` or a deleted follow-up a new record gets a new id,
//! also in a database that an older rel (schema 2, plain INTEGER PRIMARY KEY) left behind.

use crate::common;

use common::TestEnv;
use rusqlite::Connection;

#[test]
fn a_touch_logged_after_unlogging_the_latest_gets_a_new_id() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria Lopez"]);
    assert_eq!(env.ok(&["log", "maria", "first"]), "1\n");
    assert_eq!(env.ok(&["log", "maria", "second"]), "2\n");
    env.ok(&["unlog", "2", "--yes"]);
    assert_eq!(env.ok(&["log", "maria", "third"]), "3\n");
    // Id 2 names nothing any more: a script that kept it gets "not found", not another touch.
    env.fails(&["amend", "2", "changed"], 3);
}

#[test]
fn a_contact_added_after_removing_the_latest_gets_a_new_id() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    env.ok(&["add", "Bob"]);
    env.ok(&["log", "bob", "only bob"]);
    env.ok(&["remind", "bob", "friday", "call back"]);
    env.ok(&["rm", "bob", "--yes"]);
    let carl = env.json(&["add", "Carl"]);
    assert_eq!(carl["id"], 3);
    // Bob's touch and follow-up went with him; the next ones do not take their ids either.
    assert_eq!(env.ok(&["log", "carl", "hello"]), "2\n");
    assert_eq!(env.ok(&["remind", "carl", "friday", "send it"]), "2\n");
    env.fails(&["show", "#2"], 3);
}

/// A database as rel schema 2 left it: two contacts, a touch each (the second involving both),
/// follow-ups, tags, and the latest touch already unlogged before the upgrade.
fn schema_2_database(env: &TestEnv) {
    std::fs::create_dir_all(env.db.parent().expect("parent")).expect("mkdir");
    let conn = Connection::open(&env.db).expect("open");
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("wal");
    for step in &rel::db::migrations::MIGRATIONS[..2] {
        conn.execute_batch(step.sql).expect("old step");
    }
    conn.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO contacts (id, uid, handle, name, created_at)
             VALUES (1, 'u-c1', 'ann', 'Ann', 1700000000), (2, 'u-c2', 'bob', 'Bob', 1700000000);
         INSERT INTO contact_tags VALUES (1, 'family');
         INSERT INTO interactions (id, uid, at, channel, note, created_at)
             VALUES (1, 'u-i1', 1700000100, 'call', 'talked about the zeppelin', 1700000100),
                    (2, 'u-i2', 1700000200, 'visit', 'dinner together', 1700000200);
         INSERT INTO interaction_contacts VALUES (1, 1, 0), (2, 1, 0), (2, 2, 1);
         INSERT INTO followups (id, uid, contact_id, interaction_id, due_at, text, created_at)
             VALUES (1, 'u-f1', 2, 2, 1800000000, 'bring the book', 1700000200);",
    )
    .expect("old rows");
}

#[test]
fn an_older_database_is_rebuilt_keeping_every_row_reference_and_search_entry() {
    let env = TestEnv::new();
    schema_2_database(&env);
    let run = env.run(&["search", "zeppelin"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("saved a copy"), "{}", run.stderr);
    assert!(run.stdout.contains("interaction\t1\tann"), "{}", run.stdout);
    assert_eq!(
        env.ok(&["search", "family"]).lines().count(),
        2,
        "header + ann"
    );

    // Ids and references kept: the follow-up still points at touch 2 and contact bob.
    let bob = env.json(&["show", "bob"]);
    assert_eq!(bob["id"], 2);
    assert_eq!(bob["followups"][0]["id"], 1);
    assert_eq!(bob["followups"][0]["interaction_id"], 2);
    assert_eq!(
        bob["interactions"][0]["contacts"],
        serde_json::json!(["ann", "bob"])
    );

    // Unlogging the latest touch and logging again no longer hands its id out a second time.
    env.ok(&["unlog", "2", "--yes"]);
    assert_eq!(env.ok(&["log", "ann", "after the upgrade"]), "3\n");
    assert_eq!(env.ok(&["search", "upgrade"]).lines().count(), 2);

    // The foreign keys still act: removing bob takes his follow-up and participation along.
    env.ok(&["rm", "bob", "--yes"]);
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM interaction_contacts WHERE contact_id = 2"),
        0
    );
    assert_eq!(env.json(&["add", "Cleo"])["id"], 3);
}
