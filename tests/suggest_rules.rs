//! `rel suggest`: every rule on both sides of its threshold, every exclusion, the budget, the
//! order, dismissal (expiry, undo, sync capture) and determinism under REL_NOW.

use crate::common;
use common::TestEnv;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

/// `n` days before the test's "now" (2026-11-27 12:00 UTC), as `--at` takes it.
fn ago(days: i64) -> String {
    at(-days)
}

/// `n` days after "now" (negative: before), as `YYYY-MM-DD HH:MM`.
fn at(days: i64) -> String {
    let now: DateTime<Utc> = common::NOW.parse().expect("now");
    (now + Duration::days(days))
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn add(env: &TestEnv, name: &str, extra: &[&str]) {
    let mut args = vec!["add", name];
    args.extend(extra);
    env.ok(&args);
}

fn log(env: &TestEnv, who: &str, when: &str, extra: &[&str]) {
    let mut args = vec!["log", who, "touch", "--at", when];
    args.extend(extra);
    env.ok(&args);
}

/// A contact with `days` touches (calls) at those many days ago.
fn history(env: &TestEnv, name: &str, days: &[i64], extra: &[&str]) {
    add(env, name, &[]);
    let handle = name.to_lowercase().replace(' ', "-");
    for d in days {
        log(env, &handle, &ago(*d), extra);
    }
}

/// (kind, handle) of every suggestion, in order.
fn suggested(env: &TestEnv, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["suggest", "--limit", "0"];
    args.extend(extra);
    rows(&env.json(&args))
}

fn rows(json: &Value) -> Vec<(String, String)> {
    json.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap_or_default().to_string(),
                r["handle"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn handles(env: &TestEnv, extra: &[&str]) -> Vec<String> {
    suggested(env, extra).into_iter().map(|(_, h)| h).collect()
}

fn pair(kind: &str, handle: &str) -> (String, String) {
    (kind.to_string(), handle.to_string())
}

#[test]
fn rhythm_needs_four_touch_days_counted_once_per_day() {
    let env = TestEnv::new();
    history(&env, "Four", &[60, 50, 40, 30], &["-c", "message"]);
    history(&env, "Three", &[60, 50, 40], &["-c", "message"]);
    add(&env, "Sameday", &[]);
    for when in [ago(60), ago(50), ago(40), ago(40).replace("12:00", "09:00")] {
        log(&env, "sameday", &when, &["-c", "message"]);
    }
    assert_eq!(suggested(&env, &[]), vec![pair("rhythm", "four")]);
    let row = &env.json(&["suggest"])[0];
    assert_eq!(row["facts"]["usual_gap_days"], 10);
    assert_eq!(row["facts"]["days_since"], 30);
    assert_eq!(row["command"], "rel edit four --every 10d");
    assert_eq!(row["why"], "you usually talk every ~10d; it has been 30d");
}

#[test]
fn rhythm_fires_only_past_one_and_a_half_usual_gaps() {
    let env = TestEnv::new();
    // Usual gap 20 days: 30 days since is exactly 1.5×, 31 is past it.
    history(&env, "At", &[90, 70, 50, 30], &["-c", "message"]);
    history(&env, "Past", &[91, 71, 51, 31], &["-c", "message"]);
    assert_eq!(suggested(&env, &[]), vec![pair("rhythm", "past")]);
    let row = &env.json(&["suggest"])[0];
    assert_eq!(row["command"], "rel edit past --every 3w");
}

#[test]
fn rhythm_median_of_an_even_count_is_the_lower_middle_and_own_cadence_opts_out() {
    let env = TestEnv::new();
    // Gaps 10, 10, 30, 30: the lower middle (10) fires at 20 days; the upper (30) would not.
    history(&env, "Even", &[100, 90, 80, 50, 20], &["-c", "message"]);
    // Only the last 12 touch days count: two early gaps of 200 days are forgotten.
    let mut days: Vec<i64> = (0..12).map(|i| 150 - i * 10).collect();
    days.splice(0..0, [600, 400]);
    history(&env, "Window", &days, &["-c", "message"]);
    // The same rhythm with a cadence of its own: not a rhythm suggestion.
    history(&env, "Own", &[100, 90, 80, 50, 20], &["-c", "message"]);
    env.ok(&["edit", "own", "--every", "1y"]);
    let got = suggested(&env, &[]);
    assert_eq!(got, vec![pair("rhythm", "window"), pair("rhythm", "even")]);
    let json = env.json(&["suggest"]);
    assert_eq!(json[1]["facts"]["usual_gap_days"], 10);
    assert_eq!(json[0]["facts"]["usual_gap_days"], 10);
}

#[test]
fn dormant_after_180_quiet_days_with_three_meaningful_touches_over_90() {
    let env = TestEnv::new();
    history(&env, "Day179", &[299, 249, 179], &["-c", "call"]);
    history(&env, "Day180", &[300, 250, 180], &["-c", "call"]);
    // Two calls and a plain message: 2 meaningful touches.
    add(&env, "Two", &[]);
    log(&env, "two", &ago(400), &["-c", "call"]);
    log(&env, "two", &ago(300), &["-c", "call"]);
    log(&env, "two", &ago(200), &["-c", "message"]);
    // A message that showed trust is meaningful: 3.
    add(&env, "Three", &[]);
    log(&env, "three", &ago(400), &["-c", "call"]);
    log(&env, "three", &ago(300), &["-c", "meeting"]);
    log(&env, "three", &ago(200), &["-c", "message", "-t", "trust"]);
    // Spanning 89 days, then 90.
    history(&env, "Span89", &[290, 250, 201], &["-c", "visit"]);
    history(&env, "Span90", &[291, 250, 201], &["-c", "visit"]);
    let got = handles(&env, &[]);
    assert_eq!(got, vec!["three", "day180", "span90"], "{got:?}");
    let json = env.json(&["suggest", "--kind", "dormant"]);
    let row = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["handle"] == "day180")
        .unwrap();
    assert_eq!(row["facts"]["meaningful_touches"], 3);
    assert_eq!(row["facts"]["days_since"], 180);
    assert_eq!(row["facts"]["first_touch"], "2026-01-31T12:00:00+00:00");
}

#[test]
fn channel_asks_for_a_call_after_three_written_touches_over_sixty_days() {
    let env = TestEnv::new();
    for (name, channels, days, every) in [
        (
            "Monthly",
            ["email", "message", "email"],
            [80, 50, 20],
            Some("1m"),
        ),
        (
            "Spread59",
            ["email", "email", "email"],
            [79, 50, 20],
            Some("1m"),
        ),
        (
            "Called",
            ["email", "call", "email"],
            [80, 50, 20],
            Some("1m"),
        ),
        (
            "Bimonthly",
            ["email", "email", "email"],
            [80, 50, 20],
            Some("2m"),
        ),
        (
            "Key",
            ["message", "message", "message"],
            [100, 60, 30],
            None,
        ),
    ] {
        add(&env, name, &[]);
        let handle = name.to_lowercase();
        for (channel, d) in channels.iter().zip(days) {
            log(&env, &handle, &ago(d), &["-c", channel]);
        }
        if let Some(every) = every {
            env.ok(&["edit", &handle, "--every", every]);
        }
    }
    env.ok(&["edit", "key", "--tag", "key-account"]);
    let got = suggested(&env, &[]);
    assert_eq!(
        got,
        vec![pair("channel", "key"), pair("channel", "monthly")]
    );
    let json = env.json(&["suggest"]);
    assert_eq!(json[1]["facts"]["spread_days"], 60);
}

#[test]
fn repair_waits_three_days_and_ends_when_the_trait_is_shown() {
    let env = TestEnv::new();
    let three_days = "2026-11-24 12:00";
    add(&env, "Exact", &[]);
    log(&env, "exact", three_days, &["--strained", "trust"]);
    add(&env, "Early", &[]);
    log(&env, "early", "2026-11-24 12:01", &["--strained", "trust"]);
    add(&env, "Mended", &[]);
    log(&env, "mended", &ago(10), &["--strained", "trust"]);
    log(&env, "mended", &ago(5), &["-t", "trust"]);
    add(&env, "Unmended", &[]);
    log(&env, "unmended", &ago(10), &["--strained", "honesty"]);
    log(&env, "unmended", &ago(5), &["-t", "trust"]);
    add(&env, "Fresh", &[]);
    log(&env, "fresh", &ago(20), &["--strained", "trust"]);
    log(&env, "fresh", &ago(2), &[]);
    let got = suggested(&env, &[]);
    assert_eq!(
        got,
        vec![pair("repair", "unmended"), pair("repair", "exact")]
    );
    let json = env.json(&["suggest"]);
    assert_eq!(json[0]["facts"]["strained"], serde_json::json!(["honesty"]));
    assert_eq!(json[1]["facts"]["days_since_strain"], 3);
}

#[test]
fn thanks_for_two_introductions_since_the_last_touch() {
    let env = TestEnv::new();
    let on = |day: &str| env.at(&format!("{day}T12:00:00Z"));
    on("2026-01-01").ok(&["add", "Ivan"]);
    on("2026-01-01").ok(&["add", "Jo"]);
    on("2026-01-01").ok(&["add", "Kim"]);
    on("2026-01-01").ok(&["add", "Lee"]);
    log(&env, "ivan", "2026-03-01 12:00", &[]);
    log(&env, "jo", "2026-03-01 12:00", &[]);
    log(&env, "kim", "2026-06-01 12:00", &[]);
    log(&env, "lee", &ago(13), &[]);
    on("2026-06-01").ok(&["add", "P1", "--via", "ivan"]);
    on("2026-07-01").ok(&["add", "P2", "--via", "ivan"]);
    on("2026-07-01").ok(&["add", "P3", "--via", "jo"]);
    on("2026-04-01").ok(&["add", "P4", "--via", "kim"]);
    on("2026-05-01").ok(&["add", "P5", "--via", "kim"]);
    env.ok(&["add", "P6", "--via", "lee"]);
    env.ok(&["add", "P7", "--via", "lee"]);
    assert_eq!(suggested(&env, &[]), vec![pair("thanks", "ivan")]);
    let json = env.json(&["suggest"]);
    assert_eq!(
        json[0]["facts"]["introduced"],
        serde_json::json!(["p2", "p1"])
    );
    // The day after the 14 quiet days, Lee is thanked too (most introductions first, then the
    // latest introduction).
    let later = env.at(&format!("{}:00Z", at(2).replace(' ', "T")));
    assert_eq!(handles(&later, &[]), vec!["lee", "ivan"]);
}

/// A dormant history: three calls 400, 300 and 200 days ago.
fn dormant(env: &TestEnv, name: &str) {
    history(env, name, &[400, 300, 200], &["-c", "call"]);
}

#[test]
fn exclusions_archived_never_due_followup_birthday_dismissed_snoozed() {
    let env = TestEnv::new();
    for name in [
        "Ok", "Arch", "Never", "Due", "Fup", "Bday", "Dism", "Snz", "Yearly",
    ] {
        dormant(&env, name);
    }
    env.ok(&["archive", "arch"]);
    env.ok(&["edit", "never", "--every", "never"]);
    env.ok(&["edit", "due", "--every", "6m"]);
    env.ok(&["remind", "fup", "2026-11-27 18:00", "call", "back"]);
    env.ok(&["edit", "bday", "--birthday", "1980-11-27"]);
    env.ok(&["suggest", "dismiss", "dism"]);
    env.ok(&["edit", "snz", "--every", "1y"]);
    env.ok(&["edit", "yearly", "--every", "1y"]);
    env.ok(&["snooze", "snz", "2027-12-01"]);
    assert_eq!(handles(&env, &[]), vec!["ok", "yearly"]);
    // What today's due lists is exactly what suggest leaves out for being due.
    let due: Vec<String> = env
        .json(&["due"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["handle"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(due, vec!["fup", "bday", "due"]);
}

#[test]
fn fourteen_quiet_days_for_every_kind_but_repair() {
    let env = TestEnv::new();
    history(&env, "Recent", &[29, 24, 19, 13], &["-c", "message"]);
    history(&env, "Quiet", &[35, 30, 25, 15], &["-c", "message"]);
    assert_eq!(handles(&env, &[]), vec!["quiet"]);
}

#[test]
fn budget_of_five_and_order_within_dormant() {
    let env = TestEnv::new();
    for name in ["Aa", "Bb", "Cc", "Dd", "Ee"] {
        dormant(&env, name);
    }
    history(&env, "Many", &[500, 400, 350, 300, 200], &["-c", "call"]);
    history(&env, "Long", &[900, 300, 200], &["-c", "meeting"]);
    history(&env, "Four", &[450, 400, 300, 200], &["-c", "visit"]);
    let five = rows(&env.json(&["suggest"]));
    assert_eq!(five.len(), 5);
    let all = handles(&env, &[]);
    // Most meaningful touches first, then tenure, then handle.
    assert_eq!(
        all,
        vec!["many", "four", "long", "aa", "bb", "cc", "dd", "ee"]
    );
    assert_eq!(rows(&env.json(&["suggest", "--limit", "2"])).len(), 2);
    let first5: Vec<String> = five.into_iter().map(|(_, h)| h).collect();
    assert_eq!(first5, all[..5]);
    // Scripts get the same budget in every format.
    let tsv = env.ok(&["suggest", "--format", "tsv"]);
    assert_eq!(tsv.lines().count(), 6, "{tsv}");
    assert!(tsv.starts_with("kind\thandle\tname\twhy\tscore\tcommand\n"));
}

#[test]
fn kinds_in_order_and_one_row_per_contact() {
    let env = TestEnv::new();
    dormant(&env, "Dora");
    history(&env, "Rhys", &[60, 50, 40, 30], &["-c", "message"]);
    add(&env, "Chan", &["--tag", "key-account"]);
    for d in [100, 60, 30] {
        log(&env, "chan", &ago(d), &["-c", "email"]);
    }
    add(&env, "Rita", &[]);
    log(&env, "rita", &ago(10), &["--strained", "respect"]);
    env.at("2026-01-01T12:00:00Z").ok(&["add", "Theo"]);
    env.ok(&["add", "X1", "--via", "theo"]);
    env.ok(&["add", "X2", "--via", "theo"]);
    // Both dormant and strained long ago: repair comes first, dormant with --kind.
    dormant(&env, "Both");
    log(&env, "both", &ago(200), &["--strained", "trust"]);
    let got = suggested(&env, &[]);
    let kinds: Vec<&str> = got.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["repair", "repair", "thanks", "rhythm", "channel", "dormant"],
        "{got:?}"
    );
    assert_eq!(got[0], pair("repair", "both"));
    assert_eq!(
        suggested(&env, &["--kind", "dormant"]),
        vec![pair("dormant", "both"), pair("dormant", "dora")]
    );
    assert_eq!(
        suggested(&env, &["--kind", "thanks", "--kind", "channel"]),
        vec![pair("thanks", "theo"), pair("channel", "chan")]
    );
    env.fails(&["suggest", "--kind", "gossip"], 2);
}

#[test]
fn why_prints_the_facts() {
    let env = TestEnv::new();
    history(&env, "Four", &[60, 50, 40, 30], &["-c", "message"]);
    let table = env.ok(&["suggest", "--why", "--format", "table"]);
    assert!(table.contains("usual_gap_days: 10"), "{table}");
    assert!(table.contains("days_since: 30"), "{table}");
    let plain = env.ok(&["suggest", "--format", "table"]);
    assert!(!plain.contains("usual_gap_days"), "{plain}");
    let tsv = env.ok(&["suggest", "--why", "--format", "tsv"]);
    assert!(tsv.lines().next().unwrap().ends_with("\tfacts"), "{tsv}");
    assert!(tsv.contains("\"usual_gap_days\":10"), "{tsv}");
}

#[test]
fn dismissal_hides_until_it_expires_and_undoes() {
    let env = TestEnv::new();
    dormant(&env, "Dora");
    dormant(&env, "Dave");
    let record = env.json(&["suggest", "dismiss", "dora"]);
    assert_eq!(record["dismissed_until"], "2026-12-27T12:00:00+00:00");
    env.ok(&["suggest", "dismiss", "dave", "--for", "2w"]);
    assert_eq!(handles(&env, &[]), Vec::<String>::new());
    let later = |days: i64| env.at(&format!("{}:00Z", at(days).replace(' ', "T")));
    assert_eq!(handles(&later(13), &[]), Vec::<String>::new());
    assert_eq!(handles(&later(14), &[]), vec!["dave"]);
    assert_eq!(handles(&later(29), &[]), vec!["dave"]);
    assert_eq!(handles(&later(30), &[]), vec!["dave", "dora"]);
    // Undo brings dave's suggestions back; the dismissal was recorded for sync.
    let ops = env.sql_i64("SELECT count(*) FROM sync_ops WHERE body LIKE '%dismissed_until%'");
    assert!(ops >= 1, "a dismissal is an operation");
    env.ok(&["undo"]);
    assert_eq!(handles(&env, &[]), vec!["dave"]);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE dismissed_until IS NOT NULL"),
        1
    );
}

#[test]
fn dismiss_errors_name_the_cause() {
    let env = TestEnv::new();
    dormant(&env, "Dora");
    let err = env.fails(&["suggest", "dismiss", "nobody"], 3);
    assert!(err.contains("no contact matches"), "{err}");
    env.fails(&["suggest", "dismiss", "dora", "--for", "soon"], 2);
    env.fails(&["suggest", "dismiss", "dora", "--for", "20000y"], 2);
    env.fails(&["suggest", "dismiss"], 2);
    assert_eq!(
        env.sql_i64("SELECT count(*) FROM contacts WHERE dismissed_until IS NOT NULL"),
        0
    );
}

#[test]
fn an_import_never_counts_as_a_dismissal() {
    let env = TestEnv::new();
    dormant(&env, "Dora");
    let file = env.dir.path().join("all.json");
    env.ok(&["export", "-o", file.to_str().unwrap()]);
    let other = TestEnv::new();
    other.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(handles(&other, &[]), vec!["dora"]);
    // Importing the same history again (old interactions) leaves the queue as it was.
    other.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(handles(&other, &[]), vec!["dora"]);
    assert_eq!(
        other.sql_i64("SELECT count(*) FROM contacts WHERE dismissed_until IS NOT NULL"),
        0
    );
}

#[test]
fn the_same_now_gives_the_same_answer() {
    let env = TestEnv::new();
    dormant(&env, "Dora");
    history(&env, "Four", &[60, 50, 40, 30], &["-c", "message"]);
    let first = env.ok(&["suggest", "--why", "--format", "json"]);
    let again = env.ok(&["suggest", "--why", "--format", "json"]);
    assert_eq!(first, again);
    // A later "now" moves the facts with it, and nothing else.
    let later = env.at("2026-12-07T12:00:00Z");
    let json = later.json(&["suggest", "--kind", "rhythm"]);
    assert_eq!(json[0]["facts"]["days_since"], 40);
}

#[test]
fn a_dismissal_and_its_undo_sync_through_a_folder() {
    let first = TestEnv::new();
    dormant(&first, "Dora");
    let remote = first.dir.path().join("remote");
    let remote = remote.to_str().expect("utf-8");
    assert_eq!(first.run(&["sync", "init", "--folder", remote]).code, 0);
    first.ok(&["sync"]);
    let key = first.ok(&["sync", "key"]);
    let second = TestEnv::new();
    let run = second.run(&["sync", "init", "--folder", remote, "--key", key.trim_end()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    second.ok(&["sync"]);
    assert_eq!(handles(&second, &[]), vec!["dora"]);
    first.ok(&["suggest", "dismiss", "dora"]);
    first.ok(&["sync"]);
    second.ok(&["sync"]);
    assert_eq!(handles(&second, &[]), Vec::<String>::new());
    let digest = |env: &TestEnv| env.ok(&["sync", "verify"]);
    assert_eq!(digest(&first), digest(&second));
    first.ok(&["undo"]);
    first.ok(&["sync"]);
    second.ok(&["sync"]);
    assert_eq!(handles(&second, &[]), vec!["dora"]);
    assert_eq!(digest(&first), digest(&second));
}
