//! Capture on two machines of one journal: the same mailbox and calendar captured on both
//! give one interaction per thread or event once they sync (a captured interaction's uid is
//! derived from its source), and `me.email` stays on the machine that set it.

use crate::common;

use chrono::{DateTime, TimeZone, Utc};
use common::replica::Replica;

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

fn sample(name: &str) -> String {
    format!("{}/tests/data/capture/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_same_files_captured_on_two_machines_are_one_journal_after_sync() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    for (name, email) in [
        ("Ana Lopez", "ana@example.com"),
        ("Bo Chen", "bo@example.com"),
        ("Cy Diaz", "cy@example.com"),
    ] {
        laptop.ok(noon(), &["add", name, "--email", email]);
    }
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    laptop.ok(noon(), &["sync", "init", "--folder", &folder]);
    let key = laptop.ok(noon(), &["sync", "key"]);
    desktop.ok(
        noon(),
        &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
    );
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["sync"]);

    laptop.ok(noon(), &["config", "me.email", "me@example.com"]);
    for replica in [&laptop, &desktop] {
        let mbox = sample("mutt.mbox");
        let ics = sample("google.ics");
        let ran = replica.run(noon(), &["import", &mbox, "--me", "me@example.com"]);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        replica.ok(noon(), &["import", &ics, "--me", "me@example.com"]);
    }
    let before = laptop.strings("SELECT count(*) FROM interactions");
    assert_eq!(before, ["13"]);
    for _ in 0..2 {
        laptop.ok(noon(), &["sync"]);
        desktop.ok(noon(), &["sync"]);
    }
    for replica in [&laptop, &desktop] {
        assert_eq!(replica.strings("SELECT count(*) FROM interactions"), ["13"]);
    }
    assert_eq!(laptop.digest(noon()), desktop.digest(noon()));
    // A capture after the sync still finds everything in place.
    let again = desktop.ok(
        noon(),
        &["import", &sample("google.ics"), "--me", "me@example.com"],
    );
    assert!(
        again.starts_with("0 created, 0 updated, 0 removed"),
        "{again}"
    );
    // Your own address belongs to the laptop.
    assert_eq!(
        laptop.ok(noon(), &["config", "me.email"]).trim(),
        "me@example.com"
    );
    assert_eq!(desktop.ok(noon(), &["config", "me.email"]).trim(), "");
}
