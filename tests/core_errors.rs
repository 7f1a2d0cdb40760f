//! `rel config` and the error paths: exit codes 1/2/3, one `rel: ` line, nothing written.

use crate::common;
use common::TestEnv;

#[test]
fn config_list_get_set_unset() {
    let env = TestEnv::new();
    assert_eq!(env.ok(&["config"]), "");
    env.ok(&["config", "default-every", "Monthly"]);
    env.ok(&["config", "every.KEY", "2w"]);
    env.ok(&["config", "default-channel", "Call"]);
    assert_eq!(env.ok(&["config", "default-every"]), "monthly\n");
    assert_eq!(env.ok(&["config", "every.key"]), "2w\n");
    // `rel config` lists key<TAB>value without a header.
    assert_eq!(
        env.ok(&["config"]),
        "default-channel\tcall\ndefault-every\tmonthly\nevery.key\t2w\n"
    );
    let json = env.json(&["config"]);
    assert_eq!(json[0]["key"], "default-channel");
    assert_eq!(json[0]["value"], "call");
    env.ok(&["config", "--unset", "every.key"]);
    // A known key that is not set prints nothing and succeeds.
    assert_eq!(env.ok(&["config", "every.key"]), "");
    assert_eq!(env.ok(&["config", "every.other"]), "");
}

#[test]
fn config_refuses_unknown_keys_and_bad_values() {
    let env = TestEnv::new();
    env.fails(&["config", "colour", "red"], 2);
    env.fails(&["config", "colour"], 2);
    env.fails(&["config", "--unset", "colour"], 2);
    env.fails(&["config", "every.", "2w"], 2);
    for bad in ["2x", "sometimes", "0d", "-1w", ""] {
        env.fails(&["config", "default-every", bad], 2);
    }
    env.fails(&["config", "default-channel", "pigeon"], 2);
    assert_eq!(env.ok(&["config"]), "");
}

#[test]
fn tag_cadence_setting_moves_existing_contacts() {
    let env = TestEnv::new();
    env.at("2026-11-01T12:00:00Z")
        .ok(&["add", "Ann", "--tag", "coi"]);
    assert_eq!(env.json(&["due"]), serde_json::json!([]));
    env.ok(&["config", "every.coi", "2w"]);
    let due = env.json(&["due"]);
    assert_eq!(due[0]["handle"], "ann");
    assert_eq!(due[0]["every"], "2w");
    assert_eq!(due[0]["overdue_days"], 12);
    env.ok(&["config", "--unset", "every.coi"]);
    assert_eq!(env.json(&["due"]), serde_json::json!([]));
}

#[test]
fn usage_errors_exit_2_and_write_nothing() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let cases: [&[&str]; 10] = [
        &["add", "Bob", "--every", "sometimes"],
        &["add", "Bob", "--birthday", "31/12"],
        &["add", "Bob", "--frobnicate"],
        &["frobnicate"],
        &["log", "ann", "x", "--at", "someday"],
        &["log", "ann", "x", "-c", "fax"],
        &["log", "ann", "x", "-t", "kindness"],
        &["log", "ann", "x", "--follow-up", "never-ish"],
        &["due", "--within", "a while"],
        &["list", "--limit", "-1"],
    ];
    for args in cases {
        let err = env.fails(args, 2);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);
}

#[test]
fn not_found_exits_3() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann"]);
    let cases: [&[&str]; 8] = [
        &["show", "zed"],
        &["edit", "zed", "--org", "X"],
        &["log", "zed", "x"],
        &["add", "Bob", "--via", "zed"],
        &["archive", "zed"],
        &["amend", "5", "x"],
        &["unlog", "5", "--yes"],
        &["snooze", "zed", "1w"],
    ];
    for args in cases {
        env.fails(args, 3);
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
}

#[test]
fn unreadable_database_exits_1() {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.db.parent().unwrap()).unwrap();
    std::fs::write(
        &env.db,
        "this is not a database, just text long enough to matter",
    )
    .unwrap();
    let err = env.fails(&["list"], 1);
    assert_eq!(err.lines().count(), 1, "{err}");
    // A database folder that is a file.
    let env = TestEnv::new();
    std::fs::write(env.db.parent().unwrap(), "").unwrap();
    env.fails(&["list"], 1);
}

/// A value of a type rel never writes (a name set to bytes by hand in sqlite3) is one `rel:`
/// line naming the column and what to do, exit 1, never rusqlite's own words.
#[test]
fn a_value_rel_did_not_write_is_named_with_advice() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute(
        "UPDATE contacts SET name = X'414243' WHERE handle = 'ann-lee'",
        [],
    )
    .expect("set a blob");
    drop(conn);
    for args in [&["show", "ann-lee"][..], &["list"][..]] {
        let err = env.fails(args, 1);
        assert_eq!(
            err.trim_end(),
            "rel: the database holds a value rel did not write (name holds bytes); correct it \
             with sqlite3, or restore a copy made with 'rel backup'",
            "{args:?}"
        );
    }
}
