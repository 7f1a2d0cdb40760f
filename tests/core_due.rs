//! `rel due` and `rel snooze`: the contract's due rule, ordering, `--within`, tags, snoozes.

use crate::common;
use common::TestEnv;
use serde_json::Value;

fn at(env: &TestEnv, now: &str, args: &[&str]) -> String {
    env.at(now).ok(args)
}

fn due_handles(rows: &Value) -> Vec<String> {
    rows.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            format!(
                "{}:{}",
                r["kind"].as_str().unwrap(),
                r["handle"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn own_cadence_beats_tags_and_shortest_tag_beats_default() {
    let env = TestEnv::new();
    env.ok(&["config", "every.coi", "2w"]);
    env.ok(&["config", "every.friend", "1w"]);
    env.ok(&["config", "default-every", "1m"]);
    let created = "2026-11-01T12:00:00Z";
    at(
        &env,
        created,
        &["add", "Own", "--every", "3d", "--tag", "friend"],
    );
    at(&env, created, &["add", "Tagged", "--tag", "coi,friend"]);
    at(&env, created, &["add", "Plain"]);
    at(
        &env,
        created,
        &["add", "Never", "--every", "never", "--tag", "friend"],
    );
    let later = env.at("2026-12-15T12:00:00Z");
    let rows = later.json(&["due"]);
    let by_handle = |h: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["handle"] == h)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(by_handle("own")["every"], "3d");
    assert_eq!(by_handle("own")["due_at"], "2026-11-04T12:00:00+00:00");
    assert_eq!(by_handle("tagged")["every"], "1w");
    assert_eq!(by_handle("tagged")["due_at"], "2026-11-08T12:00:00+00:00");
    assert_eq!(by_handle("plain")["every"], "1m");
    assert_eq!(by_handle("plain")["due_at"], "2026-12-01T12:00:00+00:00");
    assert_eq!(by_handle("never"), Value::Null, "never is never due");
    // Never contacted: counted from creation, last_touch null.
    assert_eq!(by_handle("plain")["last_touch"], Value::Null);
    assert_eq!(by_handle("plain")["overdue_days"], 14);
    // Unsetting the default takes Plain out of due.
    later.ok(&["config", "--unset", "default-every"]);
    let rows = later.json(&["due"]);
    assert!(!due_handles(&rows).contains(&"contact:plain".to_string()));
}

#[test]
fn a_touch_on_january_31_with_monthly_cadence_is_due_february_28() {
    let env = TestEnv::new();
    let jan31 = "2026-01-31T10:00:00Z";
    at(&env, jan31, &["add", "Ann", "--every", "1m"]);
    at(&env, jan31, &["log", "ann", "end of month"]);
    assert_eq!(
        env.at("2026-02-27T10:00:00Z").json(&["due"]),
        serde_json::json!([])
    );
    let rows = env.at("2026-02-28T10:00:00Z").json(&["due"]);
    assert_eq!(rows[0]["due_at"], "2026-02-28T10:00:00+00:00");
    assert_eq!(rows[0]["overdue_days"], 0);
    // A leap year clamps to the 29th.
    let env = TestEnv::new();
    at(
        &env,
        "2028-01-31T10:00:00Z",
        &["add", "Leap", "--every", "monthly"],
    );
    let rows = env.at("2028-03-01T10:00:00Z").json(&["due"]);
    assert_eq!(rows[0]["due_at"], "2028-02-29T10:00:00+00:00");
}

#[test]
fn order_follow_ups_first_then_overdue_relative_to_cadence() {
    let env = TestEnv::new();
    let now = "2026-11-27T12:00:00Z";
    // Weekly, 6 days late: 6/7. Yearly, 10 days late: 10/365.
    at(
        &env,
        "2026-11-14T12:00:00Z",
        &["add", "Weekly", "--every", "1w"],
    );
    at(
        &env,
        "2025-11-17T12:00:00Z",
        &["add", "Yearly", "--every", "1y"],
    );
    // Two with the same ratio (7/7 and 1/1): ties by overdue_days, more late first.
    at(
        &env,
        "2026-11-25T12:00:00Z",
        &["add", "Daily", "--every", "1d"],
    );
    at(
        &env,
        "2026-11-13T12:00:00Z",
        &["add", "Fortnight", "--every", "1w"],
    );
    // Two with the same ratio and days: ties by handle.
    at(
        &env,
        "2026-11-25T12:00:00Z",
        &["add", "Zed", "--every", "1d"],
    );
    at(
        &env,
        "2026-11-25T12:00:00Z",
        &["remind", "weekly", "2026-11-26", "later one"],
    );
    at(
        &env,
        "2026-11-20T12:00:00Z",
        &["remind", "yearly", "2026-11-21", "earlier one"],
    );
    let rows = env.at(now).json(&["due"]);
    assert_eq!(
        due_handles(&rows),
        [
            "follow-up:yearly",
            "follow-up:weekly",
            "contact:fortnight",
            "contact:daily",
            "contact:zed",
            "contact:weekly",
            "contact:yearly",
        ]
    );
    assert_eq!(rows[2]["overdue_days"], 7);
    assert_eq!(rows[3]["overdue_days"], 1);
    assert_eq!(rows[5]["overdue_days"], 6);
    assert_eq!(rows[6]["overdue_days"], 10);
    assert_eq!(rows[0]["text"], "earlier one");
    let limited = env.at(now).json(&["due", "--limit", "3"]);
    assert_eq!(limited.as_array().unwrap().len(), 3);
}

#[test]
fn within_shows_what_is_coming_with_negative_overdue_days() {
    let env = TestEnv::new();
    at(
        &env,
        "2026-11-22T12:00:00Z",
        &["add", "Soon", "--every", "1w"],
    );
    at(
        &env,
        "2026-11-01T12:00:00Z",
        &["add", "Later", "--every", "1m"],
    );
    env.ok(&["remind", "soon", "2d", "bring the contract"]);
    assert_eq!(env.json(&["due"]), serde_json::json!([]));
    let rows = env.json(&["due", "--within", "3d"]);
    assert_eq!(due_handles(&rows), ["follow-up:soon", "contact:soon"]);
    assert_eq!(rows[0]["overdue_days"], -2);
    assert_eq!(rows[1]["overdue_days"], -2);
    env.fails(&["due", "--within", "soon"], 2);
}

#[test]
fn tag_filter_and_empty_result() {
    let env = TestEnv::new();
    at(
        &env,
        "2026-10-01T12:00:00Z",
        &["add", "Ann", "--every", "1w", "--tag", "Key"],
    );
    at(
        &env,
        "2026-10-01T12:00:00Z",
        &["add", "Bob", "--every", "1w"],
    );
    assert_eq!(
        due_handles(&env.json(&["due", "--tag", "KEY"])),
        ["contact:ann"]
    );
    assert_eq!(env.json(&["due", "--tag", "nope"]), serde_json::json!([]));
    // An empty result is success, and a pipe gets only the header (no hint).
    let empty = TestEnv::new();
    assert_eq!(
        empty.ok(&["due"]),
        "kind\tid\thandle\tname\tdue_at\toverdue_days\tlast_touch\tevery\tfocus\treith\ttext\n"
    );
    assert_eq!(empty.ok(&["due", "--format", "table"]), "");
    assert_eq!(empty.ok(&["list", "--format", "table"]), "");
}

#[test]
fn snooze_pushes_and_expires() {
    let env = TestEnv::new();
    at(
        &env,
        "2026-11-01T12:00:00Z",
        &["add", "Ann", "--every", "1w"],
    );
    assert_eq!(env.json(&["due"]).as_array().unwrap().len(), 1);
    let snoozed = env.json(&["snooze", "ann", "2026-12-01"]);
    assert_eq!(snoozed["next_due"], "2026-12-01T00:00:00+00:00");
    assert_eq!(env.json(&["due"]), serde_json::json!([]));
    // After the snooze date it is due again, counted from the snooze date.
    let rows = env.at("2026-12-03T12:00:00Z").json(&["due"]);
    assert_eq!(rows[0]["handle"], "ann");
    assert_eq!(rows[0]["overdue_days"], 2);
    // A touch logged after a snooze ends it: the cadence counts from that touch.
    env.ok(&["snooze", "ann", "3w"]);
    env.ok(&["log", "ann", "caught up"]);
    assert_eq!(
        env.json(&["show", "ann"])["next_due"],
        "2026-12-04T12:00:00+00:00"
    );
    // Snoozing needs a cadence and a future date.
    env.ok(&["add", "Bob"]);
    env.fails(&["snooze", "bob", "1w"], 2);
    env.fails(&["snooze", "ann", "2026-11-01"], 2);
    env.fails(&["snooze", "nobody", "1w"], 3);
}

#[test]
fn focus_is_the_lowest_negative_trait() {
    let env = TestEnv::new();
    at(
        &env,
        "2026-11-01T12:00:00Z",
        &["add", "Ann", "--every", "1w"],
    );
    at(
        &env,
        "2026-11-01T12:00:00Z",
        &["add", "Bob", "--every", "1w"],
    );
    let past = env.at("2026-11-02T12:00:00Z");
    past.ok(&["log", "ann", "a", "--strained", "trust,honesty", "-t", "r"]);
    past.ok(&["log", "ann", "b", "--strained", "honesty"]);
    past.ok(&["log", "bob", "c", "-t", "e"]);
    let rows = env.json(&["due"]);
    let ann = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "ann")
        .unwrap();
    assert_eq!(ann["focus"], "honesty");
    assert_eq!(ann["reith"]["honesty"], -2);
    assert_eq!(ann["reith"]["respect"], 1);
    assert_eq!(ann["text"], "b");
    let bob = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "bob")
        .unwrap();
    assert_eq!(bob["focus"], Value::Null);
}

#[test]
fn invalid_rel_now_is_usage_error() {
    let env = TestEnv::new();
    for bad in ["tomorrow", "in 2d", "not a date", "2026-02-30"] {
        let err = env.at(bad).fails(&["due"], 2);
        assert!(err.contains("REL_NOW"), "{err}");
    }
    assert!(!env.db.exists(), "a failed command created the database");
    env.at("2026-11-27 09:00").ok(&["due"]);
    env.at("2026-11-27").ok(&["due"]);
}
