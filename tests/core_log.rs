//! `rel log`, `rel amend`, `rel unlog`: where notes come from, WHEN, traits, follow-ups.

use crate::common;
use common::TestEnv;
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

fn two_contacts() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["add", "Bob Stone"]);
    env
}

fn last(env: &TestEnv) -> Value {
    env.json(&["timeline", "--limit", "1"])[0].clone()
}

/// An `EDITOR` script that writes `content` into the file it is given.
fn editor(env: &TestEnv, name: &str, content: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    let data = env.dir.path().join(format!("{name}.txt"));
    std::fs::write(&data, content).unwrap();
    let script = format!("#!/bin/sh\ncat '{}' > \"$1\"\n", data.display());
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn prints_the_new_id_and_stores_the_words() {
    let env = two_contacts();
    assert_eq!(
        env.ok(&["log", "ann", "called", "about", "the", "renewal"]),
        "1\n"
    );
    assert_eq!(env.ok(&["log", "ann-lee", "again"]), "2\n");
    let i = last(&env);
    assert_eq!(i["note"], "again");
    assert_eq!(i["channel"], "other");
    assert_eq!(i["at"], "2026-11-27T12:00:00+00:00");
}

#[test]
fn several_whos_and_follow_up_belongs_to_the_first() {
    let env = two_contacts();
    env.ok(&[
        "log",
        "bob,ann",
        "lunch",
        "--follow-up",
        "friday",
        "--todo",
        "send deck",
    ]);
    let i = last(&env);
    assert_eq!(i["contacts"], json!(["bob-stone", "ann-lee"]));
    let f = env.json(&["followups"]);
    assert_eq!(f.as_array().unwrap().len(), 1);
    assert_eq!(f[0]["handle"], "bob-stone");
    assert_eq!(f[0]["text"], "send deck");
    assert_eq!(f[0]["interaction_id"], 1);
    // On a Friday, `friday` for a future use is a week ahead.
    assert_eq!(f[0]["due_at"], "2026-12-04T00:00:00+00:00");
    // Without --todo the text is the note's first line.
    env.ok(&[
        "log",
        "ann",
        "--follow-up",
        "2d",
        "--",
        "line one\nline two",
    ]);
    let f = env.json(&["followups"]);
    // Soonest first: the 2-day follow-up comes before next Friday's.
    assert_eq!(f[0]["handle"], "ann-lee");
    assert_eq!(f[0]["text"], "line one");
    // --todo needs --follow-up.
    env.fails(&["log", "ann", "x", "--todo", "y"], 2);
}

#[test]
fn options_before_after_and_double_dash() {
    let env = two_contacts();
    env.ok(&[
        "log", "-t", "trust", "ann", "called", "about", "it", "-c", "call",
    ]);
    let i = last(&env);
    assert_eq!(i["note"], "called about it");
    assert_eq!(i["channel"], "call");
    assert_eq!(i["traits"], json!({"trust": 1}));
    env.ok(&[
        "log", "ann", "-c", "email", "--", "-t", "trust", "--at", "x",
    ]);
    let i = last(&env);
    assert_eq!(i["note"], "-t trust --at x");
    assert_eq!(i["channel"], "email");
    assert_eq!(i["traits"], json!({}));
}

#[test]
fn note_from_stdin_dash_and_pipe() {
    let env = two_contacts();
    let run = env.run_with(&["log", "ann", "-"], |c| {
        c.write_stdin("from stdin\twith tab\n");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(last(&env)["note"], "from stdin\twith tab");
    let run = env.run_with(&["log", "bob"], |c| {
        c.write_stdin("piped\nsecond line\n\n");
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Only one trailing newline is dropped.
    assert_eq!(last(&env)["note"], "piped\nsecond line\n");
    // An empty note from stdin still counts as a touch.
    assert_eq!(env.ok(&["log", "ann"]), "3\n");
    assert_eq!(last(&env)["note"], "");
}

#[test]
fn note_from_the_editor() {
    let env = two_contacts();
    let script = editor(&env, "ed", "written in the editor\n");
    let run = env.run_with(&["log", "ann", "-e", "-t", "e"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "1\n");
    let i = last(&env);
    assert_eq!(i["note"], "written in the editor");
    assert_eq!(i["traits"], json!({"empathy": 1}));
    // VISUAL wins over EDITOR.
    let visual = editor(&env, "visual", "from visual");
    let run = env.run_with(&["log", "ann", "-e"], |c| {
        c.env("EDITOR", &script).env("VISUAL", &visual);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(last(&env)["note"], "from visual");
}

#[test]
fn an_empty_editor_note_cancels_and_writes_nothing() {
    let env = two_contacts();
    let script = editor(&env, "empty", "  \n\n");
    let run = env.run_with(&["log", "ann", "-e", "--follow-up", "2d", "--add"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.starts_with("rel: "), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);
}

#[test]
fn at_accepts_the_when_grammar_and_refuses_the_future() {
    let env = two_contacts();
    // Now is Friday 2026-11-27 12:00 UTC.
    let cases = [
        ("2026-11-20T08:30:00+01:00", "2026-11-20T07:30:00+00:00"),
        ("2026-11-20", "2026-11-20T00:00:00+00:00"),
        ("2026-11-20 15:45", "2026-11-20T15:45:00+00:00"),
        ("today", "2026-11-27T00:00:00+00:00"),
        ("yesterday", "2026-11-26T00:00:00+00:00"),
        ("yesterday 3pm", "2026-11-26T15:00:00+00:00"),
        ("friday", "2026-11-27T00:00:00+00:00"),
        ("tue 09:30", "2026-11-24T09:30:00+00:00"),
        ("2h ago", "2026-11-27T10:00:00+00:00"),
        ("3 days ago", "2026-11-24T12:00:00+00:00"),
        ("3d", "2026-11-24T12:00:00+00:00"),
        ("1m", "2026-10-27T12:00:00+00:00"),
        ("30min ago", "2026-11-27T11:30:00+00:00"),
    ];
    for (when, expected) in cases {
        env.ok(&["log", "ann", "x", "--at", when]);
        assert_eq!(last_by_id(&env)["at"], expected, "--at {when}");
    }
    for future in ["tomorrow", "in 2h", "2026-12-01", "2026-11-27T12:02:00Z"] {
        let err = env.fails(&["log", "ann", "x", "--at", future], 2);
        assert!(err.contains("future"), "{future}: {err}");
    }
    // Within a minute of now is accepted (clocks disagree a little).
    env.ok(&["log", "ann", "x", "--at", "2026-11-27T12:00:30Z"]);
    for bad in ["someday", "2026-13-01", "3x ago", "25:00"] {
        env.fails(&["log", "ann", "x", "--at", bad], 2);
    }
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM interactions"),
        cases.len() as i64 + 1
    );
}

fn last_by_id(env: &TestEnv) -> Value {
    let all = env.json(&["timeline"]);
    all.as_array()
        .unwrap()
        .iter()
        .max_by_key(|i| i["id"].as_i64().unwrap())
        .unwrap()
        .clone()
}

#[test]
fn traits_and_channels() {
    let env = two_contacts();
    env.ok(&[
        "log",
        "ann",
        "x",
        "-t",
        "T,r",
        "-t",
        "Integrity",
        "--strained",
        "H",
    ]);
    assert_eq!(
        last(&env)["traits"],
        json!({"trust": 1, "respect": 1, "integrity": 1, "honesty": -1})
    );
    env.ok(&["log", "ann", "y", "-c", "MEETING"]);
    assert_eq!(last(&env)["channel"], "meeting");
    let bad: [&[&str]; 5] = [
        &["log", "ann", "x", "-t", "loyalty"],
        &["log", "ann", "x", "-t", "q"],
        &["log", "ann", "x", "--strained", "z"],
        &["log", "ann", "x", "-c", "pigeon"],
        &["log", "ann", "x", "-t", "trust", "--strained", "t"],
    ];
    for args in bad {
        env.fails(args, 2);
    }
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 2);
    env.ok(&["config", "default-channel", "call"]);
    env.ok(&["log", "ann", "z"]);
    assert_eq!(last(&env)["channel"], "call");
}

#[test]
fn unknown_whos_fail_unless_add() {
    let env = two_contacts();
    let err = env.fails(&["log", "ann,zed", "x"], 3);
    assert!(err.contains("zed"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    let run = env.run(&["log", "ann,Zed Quinn", "x", "--add"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "note: created contact zed-quinn (Zed Quinn)\n");
    assert_eq!(last(&env)["contacts"], json!(["ann-lee", "zed-quinn"]));
    assert_eq!(env.json(&["show", "zed-quinn"])["name"], "Zed Quinn");
}

#[test]
fn json_and_quiet_output_of_log() {
    let env = two_contacts();
    let record = env.json(&["log", "ann", "hello", "-t", "r"]);
    assert_eq!(record["id"], 1);
    assert_eq!(record["note"], "hello");
    assert_eq!(env.ok(&["log", "ann", "quiet", "-q"]), "");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 2);
}

#[test]
fn amend_changes_note_time_channel_traits_and_people() {
    let env = two_contacts();
    env.ok(&["log", "ann", "first", "-t", "trust"]);
    let amended = env.json(&[
        "amend",
        "#1",
        "better",
        "note",
        "--at",
        "yesterday 10:00",
        "-c",
        "visit",
        "--strained",
        "e",
        "--with",
        "bob,ann",
    ]);
    assert_eq!(amended["note"], "better note");
    assert_eq!(amended["at"], "2026-11-26T10:00:00+00:00");
    assert_eq!(amended["channel"], "visit");
    assert_eq!(amended["traits"], json!({"empathy": -1}));
    assert_eq!(amended["contacts"], json!(["bob-stone", "ann-lee"]));
    // REITH sums and last touch follow the amendment.
    let bob = env.json(&["show", "bob"]);
    assert_eq!(bob["reith"]["empathy"], -1);
    assert_eq!(bob["last_touch"], "2026-11-26T10:00:00+00:00");
    let script = editor(&env, "ed", "edited\n");
    let run = env.run_with(&["amend", "1", "-e"], |c| {
        c.env("EDITOR", &script);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(last(&env)["note"], "edited");
    env.fails(&["amend", "9", "x"], 3);
    env.fails(&["amend", "abc", "x"], 2);
    env.fails(&["amend", "1", "--at", "tomorrow"], 2);
}

#[test]
fn unlog_needs_yes_and_known_ids() {
    let env = two_contacts();
    env.ok(&["log", "ann", "one"]);
    env.ok(&["log", "ann", "two"]);
    let err = env.fails(&["unlog", "1"], 2);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 2);
    env.fails(&["unlog", "1", "7", "--yes"], 3);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 2);
    env.ok(&["unlog", "#1", "--yes"]);
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 1);
    // The contact's last touch is recomputed from what is left.
    env.ok(&["unlog", "2", "--yes"]);
    assert_eq!(env.json(&["show", "ann"])["last_touch"], Value::Null);
}
