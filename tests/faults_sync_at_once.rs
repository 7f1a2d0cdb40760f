//! Two copies of a journal running `rel sync` at the same moment against one bare git remote
//! (each with its own clone), through the real binary: both exit 0, and after one further sync
//! each both say `up to date` with equal `rel sync verify` digests, each holding what the
//! other wrote. Whichever push lands second is retried on top of the first; the outcome does
//! not depend on which. (The simulation does this at random; these are fixed cases.)

use crate::common::replica::{Replica, bare_repo};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(minute)
}

/// Both machines set up on a fresh bare repository; the first holds Maria and Bo.
fn two_machines(shared: &std::path::Path) -> (Replica, Replica) {
    let url = bare_repo(shared);
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(at(0), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(0), &["add", "Bo Ek", "--handle", "bo"]);
    laptop.ok(at(0), &["sync", "init", "--git", &url]);
    laptop.ok(at(0), &["sync"]);
    let key = laptop.ok(at(0), &["sync", "key"]);
    desktop.ok(
        at(0),
        &["sync", "init", "--git", &url, "--key", key.trim_end()],
    );
    desktop.ok(at(0), &["sync"]);
    (laptop, desktop)
}

/// Starts `rel sync` on every machine at once and insists each exits 0.
fn sync_at_once(machines: &[&Replica], minute: i64) {
    let children: Vec<_> = machines
        .iter()
        .map(|machine| machine.spawn(at(minute), &["sync"]))
        .collect();
    for (child, machine) in children.into_iter().zip(machines) {
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {stderr}", machine.name);
        assert!(!stderr.contains("panicked"), "{}: {stderr}", machine.name);
    }
}

/// `rounds` further syncs each, then a round that moves nothing: `up to date` and equal
/// digests.
fn agree(machines: &[&Replica], minute: i64, rounds: usize) {
    for _ in 0..rounds {
        for machine in machines {
            machine.ok(at(minute), &["sync"]);
        }
    }
    let digest = machines[0].digest(at(minute));
    for machine in machines {
        assert_eq!(
            machine.ok(at(minute), &["sync"]).trim_end(),
            "up to date",
            "{}",
            machine.name
        );
        assert_eq!(
            machine.digest(at(minute)),
            digest,
            "{} differs",
            machine.name
        );
    }
}

fn notes(machine: &Replica) -> Vec<String> {
    let mut notes = machine.strings("SELECT note FROM interactions");
    notes.sort();
    notes
}

#[test]
fn two_machines_syncing_at_the_same_moment_over_git_end_equal() {
    let shared = tempfile::tempdir().expect("tempdir");
    let (laptop, desktop) = two_machines(shared.path());
    // Both change the same contact and each adds one of its own, offline.
    laptop.ok(at(1), &["log", "maria", "on the laptop"]);
    laptop.ok(
        at(1),
        &["edit", "maria", "--org", "Laptop Inc", "--tag", "vip"],
    );
    laptop.ok(at(1), &["add", "Cy Dunn", "--handle", "cy"]);
    desktop.ok(at(1), &["log", "maria,bo", "on the desktop"]);
    desktop.ok(
        at(1),
        &["edit", "maria", "--org", "Desktop Ltd", "--untag", "vip"],
    );
    desktop.ok(at(1), &["add", "Di Fox", "--handle", "di"]);
    sync_at_once(&[&laptop, &desktop], 2);
    agree(&[&laptop, &desktop], 3, 1);
    for machine in [&laptop, &desktop] {
        assert_eq!(
            notes(machine),
            ["on the desktop", "on the laptop"],
            "{}",
            machine.name
        );
        let mut handles = machine.strings("SELECT handle FROM contacts");
        handles.sort();
        assert_eq!(handles, ["bo", "cy", "di", "maria"], "{}", machine.name);
    }
}

#[test]
fn two_copies_of_one_database_syncing_at_the_same_moment_over_git_end_equal() {
    let shared = tempfile::tempdir().expect("tempdir");
    let (laptop, desktop) = two_machines(shared.path());
    // The laptop's database copied to a third machine: the same replica id, its own clone.
    let copy = Replica::new("copy");
    std::fs::copy(&laptop.db, &copy.db).expect("copy the database");
    laptop.ok(at(1), &["log", "maria", "on the laptop"]);
    copy.ok(at(1), &["log", "maria", "on the copy"]);
    copy.ok(at(1), &["add", "Nina Rossi", "--handle", "nina"]);
    desktop.ok(at(1), &["log", "bo", "on the desktop"]);
    sync_at_once(&[&laptop, &copy], 2);
    // Whichever synced second moves to a new replica id (both do when neither saw the other's
    // push before its own), at the latest at its next sync; the others hear of it one sync
    // later.
    agree(&[&laptop, &copy, &desktop], 3, 2);
    let id = |machine: &Replica| machine.strings("SELECT uuid FROM sync_replicas WHERE n = 1");
    assert_ne!(id(&laptop), id(&copy));
    for machine in [&laptop, &copy, &desktop] {
        assert_eq!(
            notes(machine),
            ["on the copy", "on the desktop", "on the laptop"],
            "{}",
            machine.name
        );
    }
}
