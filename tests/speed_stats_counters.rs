//! `rel stats` for the whole journal reads counters that triggers keep on every write path;
//! these tests hold them equal to a full recount (`--since 1900-01-02` counts from the
//! interactions themselves) after any sequence of writes, in whole-hour and part-hour zones.

use crate::common;
use common::TestEnv;
use proptest::prelude::*;
use serde_json::Value;

/// The counted parts of `rel stats` JSON: REITH counts, channels, months.
fn counted(env: &TestEnv, tz: &str, extra: &[&str]) -> Value {
    let mut args = vec!["stats"];
    args.extend(extra);
    args.extend(["--format", "json"]);
    let run = env.run_with(&args, |cmd| {
        cmd.env("TZ", tz);
    });
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).expect("stats JSON");
    serde_json::json!({
        "reith": report["reith"],
        "channels": report["channels"],
        "months": report["months"],
    })
}

/// Counters and a recount agree in every zone the test knows.
#[track_caller]
fn assert_counters_match(env: &TestEnv) {
    for tz in [
        "UTC",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/St_Johns",
        "Europe/Berlin",
    ] {
        let counters = counted(env, tz, &[]);
        let recount = counted(env, tz, &["--since", "1900-01-02"]);
        assert_eq!(counters, recount, "TZ={tz}");
    }
}

#[test]
fn counters_follow_log_amend_unlog_rm_merge_and_undo() {
    let env = TestEnv::new();
    env.ok(&["add", "Ann Lee"]);
    env.ok(&["add", "Bob Roy"]);
    // 2026-10-31 23:50 in Kolkata is 18:20 UTC: a month boundary inside a UTC day.
    env.ok(&[
        "log",
        "ann",
        "late call",
        "--at",
        "2026-10-31T18:20:00Z",
        "-c",
        "call",
        "-t",
        "trust",
    ]);
    env.ok(&[
        "log",
        "ann,bob",
        "lunch",
        "--at",
        "2026-10-31T18:40:00Z",
        "-c",
        "meeting",
        "--strained",
        "honesty",
    ]);
    let id = env.ok(&[
        "log",
        "bob",
        "note",
        "--at",
        "2026-09-02T10:00:00Z",
        "-c",
        "email",
    ]);
    assert_counters_match(&env);
    env.ok(&[
        "amend",
        id.trim(),
        "--at",
        "2026-11-01T09:00:00Z",
        "-c",
        "visit",
        "-t",
        "respect",
    ]);
    assert_counters_match(&env);
    env.ok(&["unlog", id.trim(), "--yes"]);
    assert_counters_match(&env);
    env.ok(&["undo"]);
    assert_counters_match(&env);
    env.ok(&["merge", "bob", "ann", "--yes"]);
    assert_counters_match(&env);
    env.ok(&["rm", "ann", "--yes"]);
    assert_counters_match(&env);
    env.ok(&["undo"]);
    assert_counters_match(&env);
    assert!(env.sql_i64("SELECT count(*) FROM stats_days WHERE touches < 0") == 0);
}

#[test]
fn counters_after_an_import_equal_a_recount() {
    let env = TestEnv::with_bench_data(30, 400, 7);
    assert_counters_match(&env);
    let total: i64 = env.sql_i64("SELECT sum(touches) FROM stats_days");
    assert_eq!(total, env.sql_i64("SELECT count(*) FROM interactions"));
    // The import into an empty journal counted once at the end; the triggers are back.
    let triggers =
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stats_count_%'";
    assert_eq!(env.sql_i64(triggers), 3);
    let export = env.dir.path().join("again.json");
    env.ok(&["export", "-o", export.to_str().expect("utf-8 path")]);
    env.ok(&["add", "Zed Last"]);
    env.ok(&[
        "log",
        "zed",
        "after the import",
        "-c",
        "visit",
        "-t",
        "integrity",
    ]);
    assert_counters_match(&env);
    // An import into a journal that already holds interactions keeps counting row by row.
    let second = TestEnv::new();
    second.ok(&["add", "Early Bird"]);
    second.ok(&["log", "early", "first", "-c", "social"]);
    second.ok(&["-q", "import", export.to_str().expect("utf-8 path")]);
    assert_eq!(second.sql_i64(triggers), 3);
    assert_counters_match(&second);
}

#[derive(Debug, Clone)]
enum Step {
    Log {
        who: usize,
        minutes_ago: i64,
        channel: usize,
        mark: usize,
    },
    Amend {
        pick: usize,
        minutes_ago: i64,
        channel: usize,
        mark: usize,
    },
    Unlog {
        pick: usize,
    },
    Undo,
}

const CHANNELS: [&str; 4] = ["call", "email", "meeting", "message"];
const MARKS: [&[&str]; 4] = [
    &[],
    &["-t", "trust"],
    &["--strained", "empathy"],
    &["-t", "r,h"],
];
const PEOPLE: [&str; 3] = ["ann", "bob", "ann,bob"];

fn step() -> impl Strategy<Value = Step> {
    // Up to two years back, in minutes: touches land on hour and month boundaries too.
    let ago = 0i64..(2 * 365 * 24 * 60);
    prop_oneof![
        4 => (0..3usize, ago.clone(), 0..4usize, 0..4usize)
            .prop_map(|(who, minutes_ago, channel, mark)| Step::Log { who, minutes_ago, channel, mark }),
        2 => (0..8usize, ago, 0..4usize, 0..4usize)
            .prop_map(|(pick, minutes_ago, channel, mark)| Step::Amend { pick, minutes_ago, channel, mark }),
        1 => (0..8usize).prop_map(|pick| Step::Unlog { pick }),
        1 => Just(Step::Undo),
    ]
}

fn ids(env: &TestEnv) -> Vec<String> {
    let rows = env.json(&["timeline", "--limit", "0"]);
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["id"].to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn counters_equal_a_recount_after_any_writes(steps in prop::collection::vec(step(), 1..12)) {
        let env = TestEnv::new();
        env.ok(&["add", "Ann Lee"]);
        env.ok(&["add", "Bob Roy"]);
        for step in steps {
            match step {
                Step::Log { who, minutes_ago, channel, mark } => {
                    let at = format!("{minutes_ago}min ago");
                    let mut args = vec!["log", "--add", PEOPLE[who], "note", "--at", &at, "-c", CHANNELS[channel]];
                    args.extend(MARKS[mark]);
                    // `--add` brings back a contact an undo took away (a note on stderr).
                    let run = env.run(&args);
                    prop_assert_eq!(run.code, 0, "{}", run.stderr);
                }
                Step::Amend { pick, minutes_ago, channel, mark } => {
                    let ids = ids(&env);
                    if ids.is_empty() { continue; }
                    let id = ids[pick % ids.len()].clone();
                    let at = format!("{minutes_ago}min ago");
                    let mut args = vec!["amend", &id, "--at", &at, "-c", CHANNELS[channel]];
                    args.extend(MARKS[mark]);
                    env.ok(&args);
                }
                Step::Unlog { pick } => {
                    let ids = ids(&env);
                    if ids.is_empty() { continue; }
                    env.ok(&["unlog", &ids[pick % ids.len()], "--yes"]);
                }
                Step::Undo => {
                    env.run(&["undo"]);
                }
            }
        }
        assert_counters_match(&env);
    }
}
