//! Issue 11 point 7 (this lane's part): `rel list --sort last` answers "who haven't I talked to
//! in a while", `--reverse` flips any sort, and `stats` going_cold ranks by cadence.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn handles(rows: &Value) -> Vec<&str> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| r["handle"].as_str().unwrap())
        .collect()
}

#[test]
fn sort_last_is_longest_untouched_first_and_reverse_flips() {
    let env = TestEnv::new();
    for name in ["Recent", "Old", "Never", "Middle", "Also Never"] {
        env.ok(&["add", name]);
    }
    env.ok(&["log", "old", "x", "--at", "2026-01-01"]);
    env.ok(&["log", "middle", "x", "--at", "2026-06-01"]);
    env.ok(&["log", "recent", "x", "--at", "2026-11-20"]);
    let rows = env.json(&["list", "--sort", "last"]);
    assert_eq!(
        handles(&rows),
        ["also-never", "never", "old", "middle", "recent"]
    );
    let rows = env.json(&["list", "--sort", "last", "--reverse"]);
    assert_eq!(
        handles(&rows),
        ["recent", "middle", "old", "never", "also-never"]
    );
    let rows = env.json(&["list", "--reverse"]);
    assert_eq!(
        handles(&rows),
        ["recent", "old", "never", "middle", "also-never"]
    );
}

#[test]
fn going_cold_ranks_relative_to_cadence_and_skips_today() {
    let env = TestEnv::new().at("2026-10-01T12:00:00Z");
    env.at("2026-08-22T12:00:00Z")
        .ok(&["add", "Quarterly Quinn", "--every", "quarterly"]);
    env.ok(&["add", "Weekly Wes", "--every", "1w"]);
    env.ok(&["add", "Touched Today", "--every", "10min"]);
    env.ok(&["add", "Not Yet", "--every", "1y"]);
    env.ok(&["add", "Gone", "--every", "1d"]);
    env.ok(&["archive", "gone"]);
    // Quinn: 97 days since, 7 days past a 90-day cadence (ratio 1.08); Wes: 13 days since a
    // weekly touch (ratio 1.86) ranks first although fewer days have passed.
    env.at("2026-11-14T12:00:00Z").ok(&["log", "wes", "x"]);
    env.at("2026-11-27T08:00:00Z")
        .ok(&["log", "touched-today", "x"]);
    env.at("2026-11-27T11:00:00Z").ok(&["add", "Fresh"]);
    let stats = env.at(common::NOW).json(&["stats"]);
    let cold = &stats["going_cold"];
    assert_eq!(handles(cold), ["weekly-wes", "quarterly-quinn"], "{cold}");
    assert_eq!(cold[0]["days_since"], 13);
    assert_eq!(cold[0]["ratio"], 1.86);
    assert_eq!(cold[1]["ratio"], 1.08);
}

#[test]
fn going_cold_lists_at_most_ten() {
    let env = TestEnv::new().at("2026-01-01T12:00:00Z");
    for n in 0..12 {
        env.ok(&["add", &format!("Person {n:02}"), "--every", "1w"]);
    }
    let stats = env.at(common::NOW).json(&["stats"]);
    assert_eq!(stats["going_cold"].as_array().unwrap().len(), 10);
    assert_eq!(stats["going_cold"][0]["handle"], "person-00");
}
