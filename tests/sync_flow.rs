//! `rel sync` between machines through the real binary: first syncs that send everything, a
//! second machine that merges, `up to date`, the summary in every format, status, renamed
//! handles, changes from a clock a day ahead, and the git remote on its own branch.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::replica::{Replica, bare_repo};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

/// Sets up `replicas` on one remote (`--folder DIR` or `--git URL …`), the first making the key.
fn join(replicas: &[&Replica], remote: &[&str]) {
    let mut args = vec!["sync", "init"];
    args.extend(remote);
    let ran = replicas[0].run(noon(), &args);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let key = replicas[0].ok(noon(), &["sync", "key"]);
    for replica in &replicas[1..] {
        let mut with_key = args.clone();
        with_key.extend(["--key", key.trim_end()]);
        replica.ok(noon(), &with_key);
    }
}

fn summary(replica: &Replica, now: DateTime<Utc>) -> serde_json::Value {
    serde_json::from_str(&replica.ok(now, &["sync", "--format", "json"])).expect("json")
}

#[test]
fn first_syncs_send_everything_and_a_second_machine_merges() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(noon(), &["add", "Ann Lee", "--tag", "work"]);
    laptop.ok(noon(), &["log", "ann", "lunch", "-t", "trust"]);
    desktop.ok(noon(), &["add", "Bo Ek"]);
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    join(&[&laptop, &desktop], &["--folder", &folder]);

    let status = laptop.ok(noon(), &["sync", "status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).expect("json");
    assert!(status["unsent"].as_i64().expect("unsent") >= 2, "{status}");
    assert_eq!(status["replicas"], serde_json::json!([]));

    let first = summary(&laptop, noon());
    assert!(first["sent"].as_i64().expect("sent") >= 2);
    assert_eq!(first["received"], 0);
    assert_eq!(first["renamed"], serde_json::json!([]));
    let out = desktop.ok(noon(), &["sync"]);
    assert!(
        out.starts_with("sent ")
            && out.contains(", received ")
            && out.ends_with("from 1 replica\n"),
        "{out}"
    );
    laptop.ok(noon(), &["sync"]);
    assert_eq!(laptop.ok(noon(), &["sync"]), "up to date\n");
    assert_eq!(desktop.ok(noon(), &["sync"]), "up to date\n");
    assert_eq!(desktop.ok(noon(), &["-q", "sync"]), "");
    assert_eq!(laptop.digest(noon()), desktop.digest(noon()));
    let handles = desktop.strings("SELECT handle FROM contacts ORDER BY handle");
    assert_eq!(handles, ["ann-lee", "bo-ek"]);
    assert_eq!(desktop.strings("SELECT note FROM interactions"), ["lunch"]);

    let status = desktop.ok(noon(), &["sync", "status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&status).expect("json");
    assert_eq!(status["unsent"], 0);
    let laptop_id = laptop.strings("SELECT uuid FROM sync_replicas WHERE n = 1");
    assert_eq!(status["replicas"][0]["replica"], laptop_id[0].as_str());
    assert_eq!(
        status["replicas"][0]["seen"],
        status["replicas"][0]["latest"]
    );
    // Nothing new changes nothing, not even the file.
    let before = std::fs::read(&desktop.db).expect("db");
    desktop.ok(noon(), &["sync"]);
    assert_eq!(std::fs::read(&desktop.db).expect("db"), before);
}

#[test]
fn same_handle_on_two_machines_is_renamed_and_said_on_stderr() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    join(&[&laptop, &desktop], &["--folder", &folder]);
    laptop.ok(noon(), &["add", "Sam Carter"]);
    desktop.ok(
        noon() + Duration::minutes(5),
        &["add", "Sam Carter", "--org", "Acme"],
    );
    laptop.ok(noon() + Duration::minutes(10), &["sync"]);
    let ran = desktop.run(
        noon() + Duration::minutes(11),
        &["sync", "--format", "json"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(
        out["renamed"],
        serde_json::json!([{ "from": "sam-carter", "to": "sam-carter-2" }])
    );
    assert!(
        ran.stderr.contains("sam-carter") && ran.stderr.contains("sam-carter-2"),
        "{}",
        ran.stderr
    );
    laptop.ok(noon() + Duration::minutes(12), &["sync"]);
    for replica in [&laptop, &desktop] {
        let rows = replica.rows("SELECT handle, org FROM contacts ORDER BY handle", 2);
        assert_eq!(
            rows,
            [
                vec!["sam-carter".to_string(), String::new()],
                vec!["sam-carter-2".into(), "Acme".into()]
            ]
        );
    }
}

#[test]
fn changes_from_a_clock_a_day_ahead_wait_for_the_clock() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    laptop.ok(noon(), &["add", "Ann Lee"]);
    join(&[&laptop, &desktop], &["--folder", &folder]);
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["sync"]);
    let ahead = noon() + Duration::days(2);
    laptop.ok(ahead, &["edit", "ann-lee", "--org", "Future"]);
    laptop.ok(ahead, &["sync"]);
    let ran = desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stderr.contains("ahead"), "a warning: {}", ran.stderr);
    assert_eq!(desktop.strings("SELECT org FROM contacts"), [""]);
    // Each sync warns again while they wait; once the clock is there, they apply.
    let again = desktop.run(noon() + Duration::hours(1), &["sync"]);
    assert!(again.stderr.contains("ahead"), "{}", again.stderr);
    desktop.ok(ahead, &["sync"]);
    assert_eq!(desktop.strings("SELECT org FROM contacts"), ["Future"]);
}

#[test]
fn git_remote_on_its_own_branch() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    laptop.ok(noon(), &["add", "Ann Lee"]);
    join(
        &[&laptop, &desktop],
        &["--git", &url, "--branch", "journal"],
    );
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["add", "Bo Ek"]);
    desktop.ok(noon(), &["sync"]);
    laptop.ok(noon(), &["sync"]);
    assert_eq!(laptop.digest(noon()), desktop.digest(noon()));
    let branches = std::process::Command::new("git")
        .args([
            "--git-dir",
            url.trim_start_matches("file://"),
            "branch",
            "--list",
        ])
        .output()
        .expect("git branch");
    assert_eq!(String::from_utf8_lossy(&branches.stdout).trim(), "journal");
    // rel's clone is private to its owner.
    use std::os::unix::fs::PermissionsExt;
    let sync_dir = laptop.dir.path().join("xdg/rel/sync");
    let mode = std::fs::metadata(&sync_dir)
        .expect("sync dir")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

/// A first sync larger than one push page (1 MiB of bodies) goes out as several segments,
/// and a second machine receives all of it.
#[test]
fn a_first_sync_of_megabytes_is_sent_in_several_segments_and_received_whole() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let contact = "01a25226-dc74-74f2-9759-000000000001";
    let note = "n".repeat(600_000);
    let interactions: Vec<serde_json::Value> = (1..=5)
        .map(|i| {
            serde_json::json!({
                "id": i, "uid": format!("01a25226-dc80-77f2-a474-00000000000{i}"),
                "at": "2026-11-20T12:00:00+00:00", "channel": "call", "note": note,
                "contacts": [contact], "traits": {},
                "created_at": "2026-11-20T12:00:00+00:00", "author": null
            })
        })
        .collect();
    let export = serde_json::json!({
        "rel_export": 1, "settings": {}, "followups": [], "interactions": interactions,
        "contacts": [{
            "id": 1, "uid": contact, "handle": "ann-lee", "name": "Ann Lee", "org": null,
            "role": null, "emails": [], "phones": [], "tags": [], "every": null,
            "birthday": null, "via": null, "note": null,
            "created_at": "2026-11-20T12:00:00+00:00", "archived_at": null,
            "snoozed_until": null, "owner": null
        }]
    });
    let shared = tempfile::tempdir().expect("tempdir");
    let file = shared.path().join("big.json");
    std::fs::write(&file, export.to_string()).expect("write the export");
    laptop.ok(noon(), &["import", &file.display().to_string()]);
    let dir = shared.path().join("drive").display().to_string();
    join(&[&laptop, &desktop], &["--folder", &dir]);
    laptop.ok(noon(), &["sync"]);
    let segments = walk(&shared.path().join("drive"))
        .into_iter()
        .filter(|path| path.extension().is_some_and(|e| e == "seg"))
        .count();
    assert!(segments >= 2, "3 MB of notes in {segments} segment(s)");
    desktop.ok(noon(), &["sync"]);
    assert_eq!(desktop.digest(noon()), laptop.digest(noon()));
    let shown: serde_json::Value =
        serde_json::from_str(&desktop.ok(noon(), &["show", "ann-lee", "--format", "json"]))
            .expect("json");
    let received = shown["interactions"].as_array().expect("interactions");
    assert_eq!(received.len(), 5, "{}", shown["interactions"]);
    assert!(
        received
            .iter()
            .all(|i| i["note"].as_str().is_some_and(|n| n.len() == note.len())),
        "every note arrives whole"
    );
}

/// Every file below `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
