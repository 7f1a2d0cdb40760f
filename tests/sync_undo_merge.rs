//! The operation log through the binary: every command that changes the journal is one step
//! that `rel undo` reverts; `rel merge`; `rel sync verify`; an old journal's first operations.

use crate::common;
use common::TestEnv;
use rel::db::migrations::MIGRATIONS;

fn digest(env: &TestEnv) -> String {
    let out = env.ok(&["sync", "verify"]);
    let hex = out
        .strip_prefix("digest\t")
        .and_then(|rest| rest.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("not digest<TAB>HEX: {out:?}"));
    assert_eq!(hex.len(), 64);
    assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    hex.to_string()
}

fn ops(env: &TestEnv) -> i64 {
    env.sql_i64("SELECT count(*) FROM sync_ops")
}

/// A journal with two contacts, an interaction with both, a follow-up and a setting.
fn journal() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "add",
        "Ann Lee",
        "--email",
        "ann@example.org",
        "--tag",
        "work",
    ]);
    env.ok(&["add", "Bob Stone", "--every", "2w"]);
    env.ok(&["log", "ann,bob", "lunch", "-t", "trust"]);
    env.ok(&["remind", "ann", "friday", "send the deck"]);
    env.ok(&["config", "default-channel", "call"]);
    env
}

#[test]
fn every_command_that_changes_the_journal_records_operations_and_undo_reverts_it_whole() {
    let vcard = "BEGIN:VCARD\nVERSION:3.0\nFN:Cara Diaz\nEMAIL:cara@example.org\nEND:VCARD\n\
                 BEGIN:VCARD\nVERSION:3.0\nFN:Dan Eve\nEND:VCARD\n";
    let commands: Vec<Vec<&str>> = vec![
        vec!["add", "Zoe Quinn", "--tag", "friend"],
        vec![
            "edit", "ann", "--org", "Acme", "--untag", "work", "--tag", "vip", "--phone", "+1 555",
        ],
        vec!["log", "bob", "quick call"],
        vec!["amend", "1", "a longer lunch", "-t", "r"],
        vec!["unlog", "1", "--yes"],
        vec!["remind", "bob", "in 3d", "ask about it"],
        vec!["done", "1"],
        vec!["snooze", "bob", "3w"],
        vec!["archive", "bob"],
        vec!["rm", "ann", "--yes"],
        vec!["config", "default-every", "1m"],
        vec!["config", "--unset", "default-channel"],
        vec!["import", "cards.vcf"],
    ];
    for command in commands {
        let env = journal();
        std::fs::write(env.dir.path().join("cards.vcf"), vcard).expect("vcard");
        let before = digest(&env);
        let ops_before = ops(&env);
        env.ok(&command);
        assert!(ops(&env) > ops_before, "{command:?} recorded no operation");
        assert_ne!(digest(&env), before, "{command:?} changed nothing");
        let out = env.ok(&["undo"]);
        assert_eq!(
            out,
            // The label quotes words as a shell needs them (issue 21).
            format!(
                "reverted: rel {}\n",
                command
                    .iter()
                    .map(|w| if w.contains(' ') {
                        format!("\"{w}\"")
                    } else {
                        w.to_string()
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            "{command:?}"
        );
        assert_eq!(
            digest(&env),
            before,
            "undo of {command:?} left a difference"
        );
    }
}

#[test]
fn undo_walks_back_one_command_at_a_time_and_says_when_there_is_nothing_left() {
    let env = TestEnv::new();
    let empty = digest(&env);
    env.ok(&["add", "Ann Lee"]);
    let one = digest(&env);
    env.ok(&["edit", "ann", "--org", "Acme"]);
    env.ok(&["edit", "ann", "--org", "Beta"]);
    assert_eq!(env.ok(&["undo"]), "reverted: rel edit ann --org Beta\n");
    assert_eq!(env.json(&["show", "ann"])["org"], "Acme");
    assert_eq!(env.ok(&["undo"]), "reverted: rel edit ann --org Acme\n");
    assert_eq!(digest(&env), one);
    env.ok(&["undo"]);
    assert_eq!(digest(&env), empty);
    let run = env.run(&["undo"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "rel: nothing to undo\n");
}

#[test]
fn undo_list_shows_the_steps_newest_first_in_json_too() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["log", "ann", "hello"]);
    env.ok(&["undo"]);
    let steps = env.json(&["undo", "--list"]);
    let steps = steps.as_array().expect("an array");
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["command"], "undo rel log ann hello");
    assert_eq!(steps[0]["undoes"], 2);
    assert_eq!(steps[1]["command"], "rel log ann hello");
    assert_eq!(steps[1]["undone_by"], 3);
    assert_eq!(steps[2]["command"], "rel add \"Ann Lee\"");
    assert!(steps[2]["undone_by"].is_null());
    let tsv = env.ok(&["undo", "--list"]);
    assert!(tsv.starts_with("step\tat\tcommand\tstatus\n3\t"), "{tsv}");
}

#[test]
fn undo_of_rm_brings_back_the_contact_its_interactions_and_follow_ups() {
    let env = journal();
    env.ok(&["log", "ann", "only ann"]);
    let before = digest(&env);
    assert_eq!(
        env.ok(&["rm", "ann", "--yes"]),
        "deleted ann-lee and 1 interaction(s)\n"
    );
    assert_eq!(env.json(&["timeline"]).as_array().map(Vec::len), Some(1));
    env.ok(&["undo"]);
    assert_eq!(digest(&env), before);
    let ann = env.json(&["show", "ann"]);
    assert_eq!(ann["emails"], serde_json::json!(["ann@example.org"]));
    assert_eq!(ann["followups"].as_array().map(Vec::len), Some(1));
    assert_eq!(ann["interactions"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        ann["reith"]["trust"], 1,
        "maintained columns follow the undo"
    );
}

#[test]
fn merge_moves_everything_and_the_old_handle_keeps_resolving() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee", "--email", "ann@example.org"]);
    env.ok(&[
        "add",
        "Annie L",
        "--phone",
        "+1 555",
        "--tag",
        "school",
        "--org",
        "Acme",
        "--email",
        "ann@example.org",
    ]);
    env.ok(&["log", "annie", "met at the fair"]);
    env.ok(&["remind", "annie", "friday", "write back"]);
    let out = env.ok(&["merge", "annie-l", "ann-lee", "--yes"]);
    assert_eq!(out, "merged annie-l into ann-lee\n");
    let ann = env.json(&["show", "annie-l"]);
    assert_eq!(
        ann["handle"], "ann-lee",
        "the old handle names the merged contact"
    );
    assert_eq!(ann["org"], "Acme", "a field ann lacked comes from annie");
    assert_eq!(ann["emails"], serde_json::json!(["ann@example.org"]));
    assert_eq!(ann["phones"], serde_json::json!(["+1 555"]));
    assert_eq!(ann["tags"], serde_json::json!(["school"]));
    assert_eq!(ann["interactions"][0]["note"], "met at the fair");
    assert_eq!(ann["followups"][0]["text"], "write back");
    assert!(ann["last_touch"].is_string());
    assert_eq!(env.json(&["list"]).as_array().map(Vec::len), Some(1));
    env.ok(&["log", "annie-l", "logged through the old handle"]);
    assert_eq!(
        env.json(&["show", "ann-lee"])["interactions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn merging_a_contact_that_holds_merged_handles_moves_them_and_records_each_move_once() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee", "--tag", "x"]);
    env.ok(&["add", "Ann L"]);
    env.ok(&["add", "Ann Bee"]);
    env.ok(&["add", "Bob Stone", "--via", "ann-l"]);
    env.ok(&["log", "ann-l,bob", "lunch", "--follow-up", "friday"]);
    env.ok(&["merge", "ann-l", "ann-lee", "--yes"]);
    let before = digest(&env);
    // ann-lee holds the alias ann-l; merging it into ann-bee moves both handles to ann-bee
    // (SQLite replaces the alias row: a removal the operation log must not see as one).
    env.ok(&["merge", "ann-lee", "ann-bee", "--yes"]);
    assert_eq!(env.json(&["show", "ann-l"])["handle"], "ann-bee");
    assert_eq!(env.json(&["show", "ann-lee"])["handle"], "ann-bee");
    let kept_alias = env.sql_i64(
        "SELECT count(*) FROM sync_ops WHERE kind = 'contact' AND undo LIKE '%\"deleted\"%'
         AND undo LIKE '%alias:%'",
    );
    assert_eq!(
        kept_alias, 0,
        "the removed contact's record does not claim the moved alias"
    );
    let moved = env.sql_i64(
        "SELECT count(*) FROM sync_ops WHERE kind = 'contact'
         AND body LIKE '%\"alias:ann-l\":true%' AND body LIKE '%\"alias:ann-lee\":true%'",
    );
    assert_eq!(moved, 1, "one change gives ann-bee both handles");
    env.ok(&["undo"]);
    assert_eq!(digest(&env), before);
    assert_eq!(env.json(&["show", "ann-lee"])["handle"], "ann-lee");
}

#[test]
fn merge_asks_and_refuses_without_yes_off_a_terminal_and_undo_reverts_it() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["add", "Annie L", "--org", "Acme"]);
    let before = digest(&env);
    let err = env.fails(&["merge", "annie-l", "ann-lee"], 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(digest(&env), before);
    let err = env.fails(&["merge", "ann-lee", "ann-lee", "--yes"], 2);
    assert!(err.contains("same contact"), "{err}");
    env.fails(&["merge", "nobody", "ann-lee", "--yes"], 3);
    env.ok(&["merge", "annie-l", "ann-lee", "--yes"]);
    env.ok(&["undo"]);
    assert_eq!(digest(&env), before);
    assert_eq!(env.json(&["show", "annie-l"])["handle"], "annie-l");
}

#[test]
fn verify_prints_one_digest_line_or_json_and_does_not_depend_on_local_ids() {
    let env = journal();
    let hex = digest(&env);
    assert_eq!(
        env.json(&["sync", "verify"]),
        serde_json::json!({ "digest": hex })
    );
    assert_eq!(env.ok(&["sync", "verify", "-q"]), "");
    // The same content under other local ids: imported while ids 1-3 were taken, which are
    // then removed.
    let export = env.dir.path().join("all.json");
    env.ok(&["export", "-o", export.to_str().expect("path")]);
    let other = TestEnv::new();
    for name in ["X1", "X2", "X3"] {
        other.ok(&["add", name]);
    }
    other.ok(&["log", "x1", "placeholder"]);
    other.ok(&["remind", "x1", "friday", "placeholder"]);
    other.ok(&["import", export.to_str().expect("path")]);
    other.ok(&["config", "default-channel", "call"]);
    for name in ["x1", "x2", "x3"] {
        other.ok(&["rm", name, "--yes"]);
    }
    assert_ne!(
        other.sql_i64("SELECT min(id) FROM contacts"),
        env.sql_i64("SELECT min(id) FROM contacts")
    );
    assert_eq!(digest(&other), hex);
    let empty = TestEnv::new();
    assert_eq!(
        digest(&empty),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn an_existing_journal_becomes_its_first_operations_and_the_migration_is_no_undo_step() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.db.parent().expect("parent")).expect("mkdir");
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    for step in &MIGRATIONS[..2] {
        conn.execute_batch(step.sql).expect("old step");
    }
    conn.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO contacts (uid, handle, name, created_at) VALUES ('u-c', 'old-friend', 'Old Friend', 1700000000);
         INSERT INTO interactions (uid, at, channel, note, created_at) VALUES ('u-i', 1700000100, 'call', 'hi', 1700000100);
         INSERT INTO interaction_contacts (interaction_id, contact_id, position) VALUES (1, 1, 0);
         INSERT INTO followups (uid, contact_id, due_at, text, created_at) VALUES ('u-f', 1, 1700100000, 'call back', 1700000100);
         INSERT INTO settings (key, value) VALUES ('default-every', '2w');",
    )
    .expect("old data");
    drop(conn);
    let run = env.run(&["sync", "verify"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(ops(&env), 4);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM sync_ops WHERE body IS NULL AND replica = 1"),
        4,
        "creations carry no copy of the records"
    );
    let run = env.run(&["undo"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, "rel: nothing to undo\n")
    );
    env.ok(&["edit", "old-friend", "--org", "Acme"]);
    assert_eq!(ops(&env), 5);
}
