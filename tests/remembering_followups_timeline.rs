//! Follow-ups (`remind`, `followups`, `done`, `log --follow-up`) and `timeline` filters.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn ids(rows: &Value) -> Vec<i64> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].as_i64().unwrap_or(-1))
        .collect()
}

#[test]
fn done_with_one_unknown_id_changes_nothing() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria"]);
    assert_eq!(
        env.ok(&["remind", "maria", "friday", "send", "the", "deck"]),
        "1\n"
    );
    assert_eq!(env.ok(&["remind", "maria", "in 2w", "call back"]), "2\n");
    let stderr = env.fails(&["done", "1", "99", "2"], 3);
    assert!(stderr.contains("99"), "{stderr}");
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM followups WHERE done_at IS NULL"),
        2
    );
    env.fails(&["done", "x1"], 2);
    env.ok(&["done", "1", "#2"]);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM followups WHERE done_at IS NULL"),
        0
    );
}

#[test]
fn followups_soonest_first_and_all_includes_done_after_open() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria"]);
    env.ok(&["remind", "maria", "in 3w", "third"]); // 1
    env.ok(&["remind", "maria", "tomorrow", "first"]); // 2
    env.ok(&["remind", "maria", "in 1w", "second"]); // 3
    env.ok(&["remind", "maria", "in 2d", "done early"]); // 4
    env.ok(&["done", "4"]);
    assert_eq!(ids(&env.json(&["followups"])), [2, 3, 1]);
    let all = env.json(&["followups", "--all"]);
    assert_eq!(ids(&all), [2, 3, 1, 4]);
    assert_eq!(all[3]["done_at"], "2026-11-27T12:00:00+00:00");
    assert_eq!(all[0]["due_at"], "2026-11-28T00:00:00+00:00");
    assert_eq!(ids(&env.json(&["followups", "--limit", "1"])), [2]);
}

#[test]
fn log_follow_up_is_tied_to_the_interaction_and_shows_in_due() {
    let env = TestEnv::new();
    env.ok(&["add", "Maria"]);
    env.ok(&["add", "Bob"]);
    // Due yesterday: created, with a warning on stderr (issue 21).
    let run = env.run(&[
        "log",
        "maria,bob",
        "pricing call",
        "--follow-up",
        "yesterday",
        "--todo",
        "send quote",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("before today"), "{}", run.stderr);
    let open = env.json(&["followups"]);
    assert_eq!(open[0]["interaction_id"], 1);
    assert_eq!(open[0]["handle"], "maria", "the first WHO owns it");
    assert_eq!(open[0]["text"], "send quote");
    let due = env.json(&["due"]);
    assert_eq!(due[0]["kind"], "follow-up");
    // Logging again does not close it.
    env.ok(&["log", "maria", "another chat"]);
    assert_eq!(env.json(&["followups"]).as_array().unwrap().len(), 1);
}

fn timeline_env() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["add", "Maria", "--tag", "client"]);
    env.ok(&["add", "Bob"]);
    env.ok(&["add", "Cy", "--tag", "client"]);
    env.ok(&[
        "log",
        "maria",
        "one",
        "--at",
        "2026-11-01 09:00",
        "-c",
        "call",
        "-t",
        "trust",
    ]);
    env.ok(&[
        "log",
        "bob",
        "two",
        "--at",
        "2026-11-02 23:30",
        "-c",
        "email",
    ]);
    env.ok(&[
        "log",
        "maria,bob",
        "three",
        "--at",
        "2026-11-03 08:00",
        "-c",
        "meeting",
        "--strained",
        "h",
    ]);
    env.ok(&[
        "log",
        "cy",
        "four",
        "--at",
        "2026-11-04 10:00",
        "-c",
        "call",
    ]);
    env
}

#[test]
fn timeline_newest_first_with_every_filter() {
    let env = timeline_env();
    assert_eq!(ids(&env.json(&["timeline"])), [4, 3, 2, 1]);
    assert_eq!(ids(&env.json(&["history", "--limit", "2"])), [4, 3]);
    // A date for --until includes its whole day; --since starts at its first instant.
    assert_eq!(
        ids(&env.json(&["timeline", "--until", "2026-11-02"])),
        [2, 1]
    );
    assert_eq!(
        ids(&env.json(&["timeline", "--since", "2026-11-02"])),
        [4, 3, 2]
    );
    assert_eq!(
        ids(&env.json(&["timeline", "--since", "2026-11-02", "--until", "2026-11-03"])),
        [3, 2]
    );
    assert_eq!(ids(&env.json(&["timeline", "--trait", "trust"])), [1]);
    assert_eq!(
        ids(&env.json(&["timeline", "--trait", "h"])),
        [3],
        "strained counts"
    );
    assert_eq!(ids(&env.json(&["timeline", "--channel", "call"])), [4, 1]);
    assert_eq!(ids(&env.json(&["timeline", "--tag", "client"])), [4, 3, 1]);
    assert_eq!(ids(&env.json(&["timeline", "bob"])), [3, 2]);
    assert_eq!(ids(&env.json(&["timeline", "bob", "cy"])), [4, 3, 2]);
    assert_eq!(ids(&env.json(&["timeline", "bob,cy"])), [4, 3, 2]);
    let shared = env.json(&["timeline", "bob", "--limit", "1"]);
    assert_eq!(shared[0]["contacts"], serde_json::json!(["maria", "bob"]));
    let tsv = env.ok(&["timeline", "--channel", "meeting"]);
    assert!(tsv.lines().nth(1).unwrap().contains("maria,bob"), "{tsv}");
}

#[test]
fn timeline_rejects_bad_filters() {
    let env = timeline_env();
    env.fails(&["timeline", "--trait", "kindness"], 2);
    env.fails(&["timeline", "--channel", "pigeon"], 2);
    env.fails(&["timeline", "--since", "someday"], 2);
    env.fails(&["timeline", "nobody"], 3);
}
