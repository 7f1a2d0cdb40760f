//! Time safety (issue 13 points 7, 10, 11): every date in years 1900–9999 on every path, the
//! repeated hour means the earlier instant, and gaps of any length move times forward.

use crate::common;
use common::TestEnv;

fn run_in_tz(env: &TestEnv, tz: &str, now: &str, args: &[&str]) -> common::Run {
    env.run_with(args, |cmd| {
        cmd.env("TZ", tz).env("REL_NOW", now);
    })
}

#[test]
fn dates_outside_1900_to_9999_are_refused_on_every_path() {
    let env = TestEnv::new();
    env.ok(&["add", "Bob Jones", "--every", "2w"]);
    let cases: [&[&str]; 9] = [
        &["snooze", "bob", "8000y"],
        &["remind", "bob", "in 10000y", "renew"],
        &["log", "bob", "note", "--at", "200000y ago"],
        &["log", "bob", "note", "--at", "1899-12-31"],
        &["log", "bob", "note", "--follow-up", "10000-01-01"],
        &["timeline", "--since", "1850-01-01"],
        &["due", "--within", "9000y"],
        &["edit", "bob", "--birthday", "1850-05-01"],
        &["add", "Old Timer", "--birthday", "0900-05-01"],
    ];
    for args in cases {
        let stderr = env.fails(args, 2);
        assert!(stderr.contains("out of range"), "{args:?}: {stderr}");
    }
    // Nothing was written by any of them.
    assert_eq!(env.sql_i64("SELECT count(*) FROM interactions"), 0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM followups"), 0);
    assert_eq!(env.sql_i64("SELECT count(*) FROM contacts"), 1);
    assert_eq!(
        env.sql_i64(
            "SELECT count(*) FROM contacts WHERE snoozed_until IS NOT NULL OR birthday IS NOT NULL"
        ),
        0
    );
    // The edges themselves are fine.
    env.ok(&["log", "bob", "old", "--at", "1900-01-01"]);
    env.ok(&["remind", "bob", "9999-12-31 12:00", "far"]);
}

#[test]
fn rel_now_outside_the_range_is_refused() {
    let env = TestEnv::new().at("1899-06-01T00:00:00Z");
    let stderr = env.fails(&["list"], 2);
    assert!(stderr.contains("REL_NOW"), "{stderr}");
}

#[test]
fn the_repeated_hour_means_the_earlier_instant() {
    let env = TestEnv::new();
    env.ok(&["add", "Bob Jones"]);
    // New York, 1 November 2026: 01:00–02:00 happens twice (EDT, then EST). At the first 01:45,
    // 01:30 is fifteen minutes ago, not forty-five minutes ahead.
    let run = run_in_tz(
        &env,
        "America/New_York",
        "2026-11-01 01:45",
        &["log", "bob", "late call", "--at", "2026-11-01 01:30"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run_in_tz(
        &env,
        "America/New_York",
        "2026-11-01 01:45",
        &["timeline", "--format", "tsv"],
    );
    assert!(
        run.stdout.contains("2026-11-01T01:30:00-04:00"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_two_hour_gap_moves_times_forward_and_keeps_due_dates() {
    let env = TestEnv::new();
    let troll = "Antarctica/Troll";
    // Troll jumps from +00 to +02 at 01:00 UTC on 29 March 2026: 01:00–03:00 does not exist.
    let run = run_in_tz(
        &env,
        troll,
        "2026-03-28 01:30",
        &["add", "Bob Jones", "--every", "1d"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // REL_NOW inside the gap is accepted, and so is --at inside it.
    let run = run_in_tz(
        &env,
        troll,
        "2026-03-29 02:30",
        &["log", "bob", "in the gap", "--at", "2026-03-29 01:30"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = run_in_tz(
        &env,
        troll,
        "2026-03-29 04:00",
        &["timeline", "--format", "tsv"],
    );
    // 01:30 read as +00 is 01:30 UTC, which the clock shows as 03:30 +02.
    assert!(
        run.stdout.contains("2026-03-29T03:30:00+02:00"),
        "{}",
        run.stdout
    );
    // A daily cadence counted from 28 March 01:30 lands in the gap; it must still have a date.
    env.ok(&["unlog", "1", "--yes"]);
    let run = run_in_tz(
        &env,
        troll,
        "2026-03-28 02:00",
        &["show", "bob", "--format", "json"],
    );
    let card: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(card["next_due"], "2026-03-29T03:30:00+02:00", "{card}");
}
