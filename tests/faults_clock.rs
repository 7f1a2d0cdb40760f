//! A clock once far ahead (issue 22, point 4) through the real binary: the machine itself is
//! told at its own `rel sync`, the others hold its changes back and say from whom and how far
//! ahead (`sync status` lists them), and once its clock is corrected its new changes reach
//! everyone at once while what it did while ahead never wins over later changes elsewhere.

use crate::common::TestEnv;
use crate::common::pg;
use crate::common::replica::{Replica, bare_repo};
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

/// A laptop and a desktop syncing through `remote`, both holding Maria (added on the laptop).
fn sharing_maria(remote: &[String]) -> (Replica, Replica) {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    crate::faults_fork::init_all(remote, &[&laptop, &desktop]);
    laptop.ok(at(1), &["add", "Maria Silva", "--handle", "maria"]);
    laptop.ok(at(1), &["sync"]);
    desktop.ok(at(2), &["sync"]);
    (laptop, desktop)
}

/// Two rounds of syncs from `minute` on, each without a word on stderr (nothing held back);
/// then every machine holds exactly `notes`.
fn sync_quietly_until_equal(machines: &[&Replica], minute: i64, expected: &[&str]) {
    for minute in [minute, minute + 1] {
        for machine in machines {
            let ran = machine.run(at(minute), &["sync"]);
            assert_eq!((ran.code, ran.stderr.as_str()), (0, ""), "{}", machine.name);
        }
    }
    for machine in machines {
        assert_eq!(notes(machine), expected, "{}", machine.name);
    }
}

/// The desktop edits Maria's note at `minute`, after whatever the laptop did while its clock
/// was ahead: once both have synced, the desktop's edit holds on both, and they agree.
fn a_later_edit_elsewhere_wins(laptop: &Replica, desktop: &Replica, minute: i64) {
    desktop.ok(
        at(minute),
        &["edit", "maria", "--note", "later on the desktop"],
    );
    desktop.ok(at(minute), &["sync"]);
    laptop.ok(at(minute + 1), &["sync"]);
    desktop.ok(at(minute + 1), &["sync"]);
    assert_eq!(maria_note(laptop), "later on the desktop");
    assert_eq!(maria_note(desktop), "later on the desktop");
    assert_eq!(
        desktop.digest(at(minute + 2)),
        laptop.digest(at(minute + 2))
    );
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
    a_later_edit_elsewhere_wins(&laptop, &desktop, 12);
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

/// A backup made while the clock was a year ahead, restored once the clock is right: the
/// restored journal continues as a new replica id, and what the old id did while ahead (in the
/// backup and after it) counts as made just before the new id's first change, on every
/// machine: nothing stays held back for a year, and none of it wins over later changes.
fn a_backup_restored_after_the_clock_was_corrected(remote: Vec<String>) {
    let (mut laptop, desktop) = sharing_maria(&remote);

    laptop.skew_minutes = 365 * 24 * 60;
    laptop.ok(at(3), &["log", "maria", "ahead, in the backup"]);
    let backup = laptop.dir.path().join("b.db");
    laptop.ok(at(3), &["backup", backup.to_str().expect("path")]);
    laptop.ok(
        at(4),
        &["edit", "maria", "--note", "ahead, after the backup"],
    );
    laptop.ok(at(4), &["log", "maria", "ahead, after the backup"]);
    laptop.run(at(5), &["sync"]);
    desktop.ok(at(6), &["sync"]);
    let old = id(&laptop);

    // The clock is corrected and the backup restored; the laptop goes on working.
    laptop.skew_minutes = 0;
    std::fs::copy(&backup, &laptop.db).expect("restore the backup");
    laptop.ok(at(10), &["log", "maria", "on restored"]);
    let ran = laptop.run(at(11), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_ne!(id(&laptop), old);
    sync_quietly_until_equal(
        &[&laptop, &desktop],
        12,
        &[
            "ahead, after the backup",
            "ahead, in the backup",
            "on restored",
        ],
    );
    for machine in [&laptop, &desktop] {
        let status: Value =
            serde_json::from_str(&machine.ok(at(13), &["sync", "status", "--format", "json"]))
                .expect("json");
        assert_eq!(status["held"], Value::Array(Vec::new()), "{}", machine.name);
    }
    assert_eq!(maria_note(&desktop), "ahead, after the backup");

    // What the old id did while ahead never wins over a later change made elsewhere.
    a_later_edit_elsewhere_wins(&laptop, &desktop, 14);
}

#[test]
fn a_backup_restored_after_the_clock_was_corrected_holds_nothing_back_over_a_folder() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    a_backup_restored_after_the_clock_was_corrected(vec!["--folder".into(), folder]);
}

#[test]
fn a_backup_restored_after_the_clock_was_corrected_holds_nothing_back_over_git() {
    let shared = tempfile::tempdir().expect("tempdir");
    a_backup_restored_after_the_clock_was_corrected(vec!["--git".into(), bare_repo(shared.path())]);
}

#[test]
fn a_backup_restored_after_the_clock_was_corrected_holds_nothing_back_over_postgres() {
    let Some(db) = pg::fresh("faults_clock_restore") else {
        return;
    };
    TestEnv::new().ok(&["team", "setup", &db.url]);
    a_backup_restored_after_the_clock_was_corrected(vec![
        "--postgres".into(),
        db.url.clone(),
        "--workspace".into(),
        "clock".into(),
    ]);
}

/// A backup restored while the clock is still a year ahead: the restored journal moves to a
/// new id whose changes are ahead too. Once the clock is corrected, its first corrected change
/// names the old id, and what both ids did while ahead reaches the other machine at once.
#[test]
fn a_backup_restored_while_the_clock_is_still_ahead_recovers_once_corrected() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    let (mut laptop, desktop) = sharing_maria(&["--folder".into(), folder]);

    laptop.skew_minutes = 365 * 24 * 60;
    let backup = laptop.dir.path().join("b.db");
    laptop.ok(at(3), &["backup", backup.to_str().expect("path")]);
    laptop.ok(at(4), &["log", "maria", "ahead, after the backup"]);
    laptop.run(at(5), &["sync"]);
    let old = id(&laptop);
    std::fs::copy(&backup, &laptop.db).expect("restore the backup");
    laptop.ok(at(6), &["log", "maria", "restored, still ahead"]);
    laptop.run(at(7), &["sync"]);
    assert_ne!(id(&laptop), old);
    desktop.ok(at(8), &["sync"]);
    assert_eq!(notes(&desktop), Vec::<String>::new());

    laptop.skew_minutes = 0;
    laptop.ok(at(10), &["log", "maria", "after the fix"]);
    sync_quietly_until_equal(
        &[&laptop, &desktop],
        11,
        &[
            "after the fix",
            "ahead, after the backup",
            "restored, still ahead",
        ],
    );
    a_later_edit_elsewhere_wins(&laptop, &desktop, 13);
}

/// One change held back is one change, said so.
#[test]
fn one_change_held_back_is_said_in_the_singular() {
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    let (mut laptop, desktop) = sharing_maria(&["--folder".into(), folder]);
    laptop.skew_minutes = 365 * 24 * 60;
    laptop.ok(at(3), &["log", "maria", "while ahead"]);
    laptop.run(at(3), &["sync"]);
    let ran = desktop.run(at(4), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let name = desktop.strings(&format!(
        "SELECT name FROM sync_replica_names WHERE replica = '{}'",
        id(&laptop)
    ))[0]
        .clone();
    assert_eq!(
        ran.stderr.trim_end(),
        format!(
            "rel: warning: 1 change from {name} is stamped 364 days ahead of this clock; it is \
             kept and applies once the clock reaches it (or that machine's clock is corrected)"
        )
    );
}
