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

    /// A third machine joining now folds the whole history from scratch: it must agree.
    fn fresh_agrees(&self, at: DateTime<Utc>) {
        let fresh = Replica::new("fresh");
        let key = self.a.ok(at, &["sync", "key"]);
        let dir = self._shared.path().join("drive").display().to_string();
        fresh.ok(
            at,
            &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
        );
        fresh.ok(at, &["sync"]);
        assert_eq!(fresh.digest(at), self.a.digest(at), "a fresh fold differs");
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
    pair.fresh_agrees(at);
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

#[test]
fn undoing_an_add_another_machine_logged_with_archives_instead() {
    let pair = Pair::new(&[]);
    pair.a.ok(noon(), &["add", "Uma Thurman"]);
    pair.a.ok(noon(), &["sync"]);
    let later = noon() + Duration::minutes(5);
    pair.b.ok(later, &["sync"]);
    pair.b.ok(later, &["log", "uma-thurman", "lunch with Uma"]);
    pair.b.ok(later, &["sync"]);
    pair.a.ok(later, &["sync"]);
    let ran = pair.a.run(later, &["undo"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        "reverted: rel add \"Uma Thurman\"\n\
         uma-thurman is archived, not removed: another machine logged with it since\n"
    );
    // A second undo has nothing left to walk back to; nothing else goes.
    let again = pair.a.run(later, &["undo"]);
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (0, "rel: nothing to undo\n")
    );
    pair.settle(later);
    for machine in [&pair.a, &pair.b] {
        assert_eq!(
            machine.rows(
                "SELECT c.handle, CAST(c.archived_at IS NOT NULL AS TEXT), i.note FROM contacts c
                 JOIN interaction_contacts ic ON ic.contact_id = c.id
                 JOIN interactions i ON i.id = ic.interaction_id",
                3
            ),
            vec![vec!["uma-thurman", "1", "lunch with Uma"]],
            "{}",
            machine.name
        );
    }
}

#[test]
fn an_undo_that_changes_nothing_says_so() {
    let pair = Pair::new(&[&["add", "Uma Thurman"]]);
    let t1 = noon() + Duration::minutes(1);
    pair.a
        .ok(t1, &["edit", "uma-thurman", "--org", "Laptop Inc"]);
    pair.a.ok(t1, &["sync"]);
    let t2 = noon() + Duration::minutes(2);
    pair.b.ok(t2, &["sync"]);
    pair.b
        .ok(t2, &["edit", "uma-thurman", "--org", "Desktop Ltd"]);
    pair.b.ok(t2, &["sync"]);
    pair.a.ok(t2, &["sync"]);
    let ran = pair.a.run(t2, &["undo"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stdout,
        "nothing to revert: rel edit uma-thurman --org \"Laptop Inc\" (changed since on another machine)\n"
    );
    let undone = json(&pair.a, t2, &["undo", "--list"]);
    assert_eq!(undone[0]["undoes"], 2, "{undone}");
    pair.settle(t2);
    for machine in [&pair.a, &pair.b] {
        assert_eq!(
            machine.strings("SELECT org FROM contacts"),
            vec!["Desktop Ltd"]
        );
    }
    // An undo that does change something still says reverted.
    let t3 = noon() + Duration::minutes(3);
    pair.a.ok(t3, &["edit", "uma-thurman", "--role", "CEO"]);
    assert_eq!(
        pair.a.ok(t3, &["undo"]),
        "reverted: rel edit uma-thurman --role CEO\n"
    );
}

/// The merge undone after the other machine's log was handed to the target: every machine,
/// and one folding the history afresh, agrees where the log is.
#[test]
fn an_undone_merge_after_the_race_agrees_everywhere() {
    let pair = Pair::new(&[&["add", "Nina Rossi"], &["add", "Nina Rossi"]]);
    let later = noon() + Duration::minutes(5);
    pair.a
        .ok(later, &["merge", "nina-rossi-2", "nina-rossi", "--yes"]);
    pair.b
        .ok(later, &["log", "nina-rossi-2", "met at the fair"]);
    pair.b.ok(
        later,
        &["edit", "nina-rossi-2", "--org", "Fiera", "--tag", "vip"],
    );
    let at = later + Duration::minutes(1);
    pair.settle(at);
    let undo_at = at + Duration::minutes(1);
    pair.a.ok(undo_at, &["undo"]);
    pair.settle(undo_at);
    pair.fresh_agrees(undo_at);
}

/// One contact merged into two different targets on two machines while a third logs and
/// reminds it: whichever order the three sync in, every machine (and one folding the history
/// afresh) ends with the same journal, the raced note and follow-up on one and the same
/// contact, the end of the merge that won.
fn two_merges_race(order: &[usize]) -> (String, Vec<String>) {
    let (a, b, c) = (
        Replica::new("laptop"),
        Replica::new("desktop"),
        Replica::new("phone"),
    );
    let shared = tempfile::tempdir().expect("tempdir");
    let dir = shared.path().join("drive").display().to_string();
    for name in ["Ann Lee", "Bo Ek", "Cy Dunn"] {
        a.ok(noon(), &["add", name]);
    }
    a.ok(noon(), &["sync", "init", "--folder", &dir]);
    a.ok(noon(), &["sync"]);
    let key = a.ok(noon(), &["sync", "key"]);
    for other in [&b, &c] {
        other.ok(
            noon(),
            &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
        );
        other.ok(noon(), &["sync"]);
    }
    let later = noon() + Duration::minutes(5);
    a.ok(later, &["merge", "cy-dunn", "ann-lee", "--yes"]);
    b.ok(later, &["merge", "cy-dunn", "bo-ek", "--yes"]);
    c.ok(later, &["log", "cy-dunn", "raced note"]);
    c.ok(
        later,
        &["remind", "cy-dunn", "tomorrow", "raced", "follow-up"],
    );
    let machines = [&a, &b, &c];
    let at = later + Duration::minutes(1);
    for round in 0..2 {
        for &i in order {
            machines[i].ok(at + Duration::seconds(round), &["sync"]);
        }
    }
    let fresh = Replica::new("fresh");
    fresh.ok(
        at,
        &["sync", "init", "--folder", &dir, "--key", key.trim_end()],
    );
    fresh.ok(at, &["sync"]);
    let digest = a.ok(at, &["sync", "verify"]);
    let mut holders = Vec::new();
    for machine in [&a, &b, &c, &fresh] {
        assert_eq!(
            machine.ok(at, &["sync", "verify"]),
            digest,
            "{}: the digests differ",
            machine.name
        );
        let noted = machine.strings(
            "SELECT c.handle FROM interactions i JOIN interaction_contacts ic
             ON ic.interaction_id = i.id JOIN contacts c ON c.id = ic.contact_id
             WHERE i.note = 'raced note'",
        );
        let reminded = machine.strings(
            "SELECT c.handle FROM followups f JOIN contacts c ON c.id = f.contact_id
             WHERE f.text = 'raced follow-up'",
        );
        assert_eq!(noted.len(), 1, "{}: {noted:?}", machine.name);
        assert_eq!(noted, reminded, "{}", machine.name);
        holders.push(noted[0].clone());
    }
    assert!(
        holders.iter().all(|h| *h == holders[0]),
        "the raced note lands on different contacts: {holders:?}"
    );
    assert_ne!(holders[0], "cy-dunn");
    (digest, holders)
}

#[test]
fn one_contact_merged_into_two_targets_at_once_ends_the_same_everywhere() {
    // Laptop (merge into ann-lee) first, then the phone, then the desktop; and the reverse.
    let (first, held) = two_merges_race(&[0, 2, 1]);
    let (second, held_again) = two_merges_race(&[1, 2, 0]);
    assert_eq!(held, held_again, "the same merge wins whatever the order");
    let _ = (first, second);
}
