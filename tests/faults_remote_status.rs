//! Status tells the truth (issue 22, point 10): `last sync` is the last successful sync, an
//! `up to date` one included; replicas are shown by the name of their machine (published
//! sealed on the remote); the rename notice after a handle clash appears only on the machine
//! whose contact changed handle.

use crate::common::replica as sync_support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use sync_support::{Replica, bare_repo};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

fn join(replicas: &[&Replica], remote: &[&str]) {
    let mut args = vec!["sync", "init"];
    args.extend(remote);
    replicas[0].ok(noon(), &args);
    let key = replicas[0].ok(noon(), &["sync", "key"]);
    for replica in &replicas[1..] {
        let mut with_key = args.clone();
        with_key.extend(["--key", key.trim_end()]);
        replica.ok(noon(), &with_key);
    }
}

fn status(replica: &Replica, now: DateTime<Utc>) -> serde_json::Value {
    serde_json::from_str(&replica.ok(now, &["sync", "status", "--format", "json"])).expect("json")
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("hostname")
        .trim()
        .to_string()
}

#[test]
fn an_up_to_date_sync_updates_last_sync() {
    let laptop = Replica::new("laptop");
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    laptop.ok(noon(), &["add", "Ann Lee"]);
    laptop.ok(noon(), &["sync", "init", "--folder", &folder]);
    assert_eq!(
        status(&laptop, noon())["last_sync"],
        serde_json::Value::Null
    );
    laptop.ok(noon(), &["sync"]);
    let later = noon() + Duration::hours(3);
    assert_eq!(laptop.ok(later, &["sync"]), "up to date\n");
    let last = status(&laptop, later)["last_sync"].clone();
    assert_eq!(last, "2026-11-27T15:00:00+00:00");
    let table = laptop.ok(later + Duration::minutes(1), &["sync", "status"]);
    assert!(table.contains("last sync\t1m ago"), "{table}");
}

#[test]
fn replicas_are_shown_by_their_machine_name_sealed_on_the_remote() {
    for git in [false, true] {
        let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
        let shared = tempfile::tempdir().expect("tempdir");
        let (remote, files) = if git {
            let url = bare_repo(shared.path());
            (vec!["--git".to_string(), url], None)
        } else {
            let folder = shared.path().join("drive");
            (
                vec!["--folder".to_string(), folder.display().to_string()],
                Some(folder),
            )
        };
        let remote: Vec<&str> = remote.iter().map(String::as_str).collect();
        join(&[&laptop, &desktop], &remote);
        laptop.ok(noon(), &["add", "Ann Lee"]);
        laptop.ok(noon(), &["sync"]);
        desktop.ok(noon(), &["sync"]);
        let seen = status(&desktop, noon());
        assert_eq!(seen["name"], host_name().as_str(), "{seen}");
        assert_eq!(seen["replicas"][0]["name"], host_name().as_str(), "{seen}");
        let table = desktop.ok(noon(), &["sync", "status"]);
        assert!(table.contains(&host_name()), "{table}");
        if let Some(folder) = files {
            let laptop_id = laptop.strings("SELECT uuid FROM sync_replicas WHERE n = 1");
            let name_file = folder.join("rel-sync/v1").join(&laptop_id[0]).join("name");
            let bytes = std::fs::read(&name_file).expect("name file");
            assert!(
                !String::from_utf8_lossy(&bytes).contains(&host_name()),
                "the name is sealed like everything else"
            );
        }
        // Nothing new: the name is not published again (no new commit, no new file).
        assert_eq!(laptop.ok(noon(), &["sync"]), "up to date\n");
    }
}

#[test]
fn the_rename_notice_appears_only_where_a_handle_changed() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    join(&[&laptop, &desktop], &["--folder", &folder]);
    laptop.ok(noon(), &["add", "Sam Carter"]);
    desktop.ok(
        noon() + Duration::minutes(5),
        &["add", "Sam Carter", "--org", "Acme"],
    );
    // The desktop (whose Sam came second) sends first; the laptop keeps its handle and is
    // handed the desktop's Sam as sam-carter-2: no contact of the laptop changed handle.
    desktop.ok(noon() + Duration::minutes(10), &["sync"]);
    let ran = laptop.run(
        noon() + Duration::minutes(11),
        &["sync", "--format", "json"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("was taken"), "{}", ran.stderr);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(out["renamed"], serde_json::json!([]));
    // The desktop's own Sam does change handle: it says so.
    let ran = desktop.run(noon() + Duration::minutes(12), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert_eq!(
        ran.stderr,
        "rel: sam-carter was taken on another machine first; this contact is now sam-carter-2\n"
    );
    assert_eq!(
        laptop.digest(noon() + Duration::minutes(13)),
        desktop.digest(noon() + Duration::minutes(13))
    );
}
