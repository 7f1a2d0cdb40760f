//! Merges and undo under concurrency (issue 22, points 5 and 6), two machines on one folder,
//! through the real binary. A merge racing a log, a reminder, an edit and a tag hands all of
//! it to the merge target on every machine, and the merged contact never comes back; an undo
//! never deletes what another machine added after the step it reverts, and says when it
//! changes nothing.

use crate::common::replica::Replica;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

/// A laptop and a desktop on one folder, both holding what the laptop wrote before.
struct Pair {
    a: Replica,
    b: Replica,
    _shared: tempfile::TempDir,
}

impl Pair {
    fn new(before: &[&[&str]]) -> Pair {
        let (a, b) = (Replica::new("laptop"), Replica::new("desktop"));
        let shared = tempfile::tempdir().expect("tempdir");
        let dir = shared.path().join("drive").display().to_string();
        for args in before {
            a.ok(noon(), args);
        }
        a.ok(noon(), &["sync", "init", "--folder", &dir]);
        a.ok(noon(), &["sync"]);
        let key = a.ok(noon(), &["sync", "key"]);
        b.ok(
            noon(),
            &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
        );
        b.ok(noon(), &["sync"]);
        Pair {
            a,
            b,
            _shared: shared,
        }
    }

    /// Both sync until quiet (laptop, desktop, laptop), at `at`.
    fn settle(&self, at: DateTime<Utc>) {
        self.a.ok(at, &["sync"]);
        self.b.ok(at, &["sync"]);
        self.a.ok(at, &["sync"]);
        assert_eq!(self.a.digest(at), self.b.digest(at));
    }
}

fn json(replica: &Replica, at: DateTime<Utc>, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&replica.ok(at, &args)).expect("json")
}

fn merge_race(desktop_first: bool) {
    let pair = Pair::new(&[&["add", "Nina Rossi"], &["add", "Nina Rossi"]]);
    let later = noon() + Duration::minutes(5);
    // The laptop merges the duplicate away while the desktop, offline, works with it.
    pair.a
        .ok(later, &["merge", "nina-rossi-2", "nina-rossi", "--yes"]);
    pair.b
        .ok(later, &["log", "nina-rossi-2", "met at the fair"]);
    pair.b.ok(
        later,
        &["remind", "nina-rossi-2", "tomorrow", "send", "the", "offer"],
    );
    pair.b.ok(
        later,
        &["edit", "nina-rossi-2", "--org", "Fiera", "--tag", "vip"],
    );
    let at = later + Duration::minutes(1);
    if desktop_first {
        pair.b.ok(at, &["sync"]);
    }
    pair.settle(at);
    for machine in [&pair.a, &pair.b] {
        assert_eq!(
            machine.strings("SELECT handle FROM contacts"),
            vec!["nina-rossi"],
            "{}: the merged contact is gone for good",
            machine.name
        );
        let shown = json(machine, at, &["show", "nina-rossi-2"]);
        assert_eq!(shown["handle"], "nina-rossi", "{}: {shown}", machine.name);
        assert_eq!(shown["org"], "Fiera", "{}: {shown}", machine.name);
        assert_eq!(shown["tags"], serde_json::json!(["vip"]), "{shown}");
        let notes = machine.strings(
            "SELECT i.note FROM interactions i JOIN interaction_contacts ic
             ON ic.interaction_id = i.id JOIN contacts c ON c.id = ic.contact_id
             WHERE c.handle = 'nina-rossi'",
        );
        assert_eq!(notes, vec!["met at the fair"], "{}", machine.name);
        let due = machine.ok(at + Duration::days(2), &["due"]);
        assert!(
            due.contains("send the offer"),
            "{}: the follow-up is due on the target: {due}",
            machine.name
        );
    }
}

#[test]
fn what_another_machine_did_to_a_merged_contact_lands_on_the_target() {
    merge_race(false);
}

#[test]
fn the_same_when_the_other_machine_syncs_first() {
    merge_race(true);
}
