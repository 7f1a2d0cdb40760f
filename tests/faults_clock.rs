//! A clock once far ahead (issue 22, point 4) through the real binary: the machine itself is
//! told at its own `rel sync`, the others hold its changes back and say from whom and how far
//! ahead (`sync status` lists them), and once its clock is corrected its new changes reach
//! everyone at once while what it did while ahead never wins over later changes elsewhere.

use crate::common::replica::Replica;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minute)
}

fn id(replica: &Replica) -> String {
    replica.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone()
}

fn notes(replica: &Replica) -> Vec<String> {
    let mut notes = replica.strings("SELECT note FROM interactions");
    notes.sort();
    notes
}

fn maria_note(replica: &Replica) -> String {
    replica.strings("SELECT note FROM contacts WHERE handle = 'maria'")[0].clone()
}

#[test]
fn a_clock_a_year_ahead_is_told_held_back_listed_and_recovers_once_corrected() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    let (mut laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(at(0), &["sync", "init", "--folder", &folder]);
    let key = laptop.ok(at(0), &["sync", "key"]);
    desktop.ok(
        at(0),
        &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
    );
    laptop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(1), &["sync"]);
    desktop.ok(at(2), &["sync"]);
    desktop.ok(at(2), &["log", "maria", "met"]);
    desktop.ok(at(2), &["sync"]);
    laptop.ok(at(3), &["sync"]);

    // The laptop's clock jumps a year ahead; it edits and logs, and is told at its sync.
    laptop.skew_minutes = 365 * 24 * 60;
    laptop.ok(at(4), &["edit", "maria", "--note", "while ahead"]);
    laptop.ok(at(4), &["log", "maria", "while ahead"]);
    let ran = laptop.run(at(5), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stderr.trim_end(),
        "rel: warning: this machine's clock is 365 days ahead of the newest change received \
         from the other machines; if the clock is wrong, correct it (changes stamped more than \
         a day ahead are held back on the others)"
    );

    // The desktop holds them back, says from whom and how far ahead, and lists them.
    let ran = desktop.run(at(6), &["sync", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let laptop_id = id(&laptop);
    // Named as the machine published itself (its host name), as `sync status` names replicas.
    let laptop_name = desktop.strings(&format!(
        "SELECT name FROM sync_replica_names WHERE replica = '{laptop_id}'"
    ))[0]
        .clone();
    assert_eq!(
        ran.stderr.trim_end(),
        format!(
            "rel: warning: 2 changes from {laptop_name} are stamped 364 days ahead of \
             this clock; they are kept and apply once the clock reaches them (or that \
             machine's clock is corrected)"
        )
    );
    let outcome: Value = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(outcome["held"], 2);
    let status: Value =
        serde_json::from_str(&desktop.ok(at(6), &["sync", "status", "--format", "json"]))
            .expect("json");
    let held = &status["held"][0];
    assert_eq!(held["replica"], laptop_id.as_str());
    assert_eq!(held["count"], 2);
    let ahead = held["ahead_seconds"].as_i64().expect("seconds");
    assert!((364 * 86_400..=365 * 86_400).contains(&ahead), "{ahead}");
    let plain = desktop.ok(at(6), &["sync", "status"]);
    assert!(
        plain.contains(&format!("held\t2 from {laptop_name}, 364 days ahead")),
        "{plain}"
    );
    assert_eq!(notes(&desktop), ["met"]);

    // The laptop's clock is corrected: its next change is stamped by the clock, reaches the
    // desktop at once, and brings what it did while ahead with it.
    laptop.skew_minutes = 0;
    laptop.ok(at(10), &["log", "maria", "after the fix"]);
    let ran = laptop.run(at(10), &["sync"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""));
    let ran = desktop.run(at(11), &["sync"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""));
    assert_eq!(notes(&desktop), ["after the fix", "met", "while ahead"]);
    let status: Value =
        serde_json::from_str(&desktop.ok(at(11), &["sync", "status", "--format", "json"]))
            .expect("json");
    assert_eq!(status["held"], Value::Array(Vec::new()));

    // What the laptop did while ahead never wins over a later change made elsewhere.
    desktop.ok(at(12), &["edit", "maria", "--note", "later on the desktop"]);
    desktop.ok(at(12), &["sync"]);
    laptop.ok(at(13), &["sync"]);
    desktop.ok(at(13), &["sync"]);
    assert_eq!(maria_note(&desktop), "later on the desktop");
    assert_eq!(maria_note(&laptop), "later on the desktop");
    assert_eq!(desktop.digest(at(14)), laptop.digest(at(14)));
}

/// Other machines unused for weeks are not a wrong clock: a sync with nothing to send stays
/// quiet; one that sends is told, since what it sends is what the others would hold back.
#[test]
fn only_a_sync_that_sends_is_told_its_clock_is_ahead() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(at(0), &["sync", "init", "--folder", &folder]);
    let key = laptop.ok(at(0), &["sync", "key"]);
    desktop.ok(
        at(0),
        &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
    );
    desktop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    desktop.ok(at(1), &["sync"]);
    let three_weeks = 21 * 24 * 60;
    let ran = laptop.run(at(three_weeks), &["sync"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (0, ""));
    laptop.ok(at(three_weeks), &["log", "maria", "back at the laptop"]);
    let ran = laptop.run(at(three_weeks + 1), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr
            .starts_with("rel: warning: this machine's clock is 21 days ahead of the newest"),
        "{}",
        ran.stderr
    );
}
