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

/// What `rel stats` lists as going cold and strained, computed from every contact row as the
/// contract words it (the command reads them through `contacts_cold` and `contacts_strained`).
fn lists_from_every_contact(env: &TestEnv) -> (Vec<(String, i64)>, Vec<String>) {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW)
        .expect("NOW")
        .timestamp();
    let start_of_today = now - now.rem_euclid(86_400);
    let mut stmt = conn
        .prepare(
            "SELECT handle, due_every, coalesce(last_touch, created_at), last_touch, due_at,
                    archived_at IS NULL,
                    min(reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty)
             FROM contacts",
        )
        .expect("prepare");
    type Row = (
        String,
        Option<String>,
        i64,
        Option<i64>,
        Option<i64>,
        bool,
        i64,
    );
    let rows: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut cold: Vec<(f64, i64, String)> = rows
        .iter()
        .filter(|r| r.5 && r.4.is_some_and(|due| due <= now))
        .filter(|r| r.3.is_none_or(|last| last < start_of_today))
        .filter_map(|r| {
            let span = rel::when::Cadence::parse(r.1.as_deref()?).ok()?.span()?;
            let days = ((now - r.2) / 86_400).max(0);
            Some((days as f64 / span.approx_days(), days, r.0.clone()))
        })
        .collect();
    cold.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    let cold = cold.into_iter().take(10).map(|c| (c.2, c.1)).collect();
    let mut strained: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r.5 && r.6 < 0)
        .map(|r| (r.6, r.0.clone()))
        .collect();
    strained.sort();
    (cold, strained.into_iter().map(|s| s.1).collect())
}

#[test]
fn going_cold_and_strained_equal_a_read_of_every_contact() {
    let env = TestEnv::with_bench_data(400, 4000, 11);
    let check = |env: &TestEnv| {
        let report = env.json(&["stats"]);
        let cold: Vec<(String, i64)> = report["going_cold"]
            .as_array()
            .expect("going_cold")
            .iter()
            .map(|c| {
                let handle = c["handle"].as_str().expect("handle").to_string();
                (handle, c["days_since"].as_i64().expect("days"))
            })
            .collect();
        let strained: Vec<String> = report["strained"]
            .as_array()
            .expect("strained")
            .iter()
            .map(|s| s["handle"].as_str().expect("handle").to_string())
            .collect();
        let (want_cold, want_strained) = lists_from_every_contact(env);
        assert_eq!(cold, want_cold);
        assert!(
            cold.len() == 10,
            "the data has enough cold contacts: {cold:?}"
        );
        assert_eq!(strained, want_strained);
        assert!(!strained.is_empty());
    };
    check(&env);
    // Writes move contacts in and out of both lists: a touch warms the coldest up, a strain
    // or an archive changes the strained list, a snooze and a cadence change move due dates.
    let report = env.json(&["stats"]);
    let coldest = report["going_cold"][0]["handle"].as_str().expect("handle");
    let strained = report["strained"][0]["handle"].as_str().expect("handle");
    let second = report["strained"][1]["handle"].as_str().expect("handle");
    env.ok(&["log", coldest, "warmed up", "--strained", "trust,honesty"]);
    env.ok(&["archive", strained]);
    env.ok(&[
        "log",
        second,
        "made up",
        "-t",
        "respect,empathy,integrity,trust,honesty",
    ]);
    let next = report["going_cold"][1]["handle"].as_str().expect("handle");
    env.ok(&["snooze", next, "in 2w"]);
    let third = report["going_cold"][2]["handle"].as_str().expect("handle");
    env.ok(&["edit", third, "--every", "1y"]);
    env.ok(&["config", "default-every", "2w"]);
    check(&env);
}

#[test]
fn going_cold_ties_at_the_tenth_are_broken_by_handle() {
    let env = TestEnv::new();
    // Twelve people added in the same second, so equally cold, in the reverse of handle order:
    // the index lists them by creation, the list by handle.
    for n in (1..=12).rev() {
        let name = format!("Pat {n:02}");
        let run = env.run_with(&["add", &name, "--every", "1w"], |cmd| {
            cmd.env("REL_NOW", "2026-06-01T09:00:00Z");
        });
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let report = env.json(&["stats"]);
    let cold: Vec<&str> = report["going_cold"]
        .as_array()
        .expect("going_cold")
        .iter()
        .map(|c| c["handle"].as_str().expect("handle"))
        .collect();
    let want: Vec<String> = (1..=10).map(|n| format!("pat-{n:02}")).collect();
    assert_eq!(cold, want);
    assert_eq!(lists_from_every_contact(&env).0.len(), 10);
}
