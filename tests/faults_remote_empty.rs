//! An empty folder is not a new remote (issue 22, point 3): a journal that synced with a
//! folder or git remote before refuses one that holds none of its data (exit 1, nothing
//! written); `rel sync init … --replace` points it at a new remote on purpose; `~/` is expanded.

use crate::common::replica as sync_support;

use chrono::{DateTime, TimeZone, Utc};
use std::path::Path;
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

fn entries(dir: &Path) -> usize {
    std::fs::read_dir(dir).map(|e| e.count()).unwrap_or(0)
}

fn own_head(replica: &Replica) -> String {
    replica.strings("SELECT max(seq) FROM sync_ops WHERE replica = 1")[0].clone()
}

fn status(replica: &Replica) -> serde_json::Value {
    serde_json::from_str(&replica.ok(noon(), &["sync", "status", "--format", "json"]))
        .expect("json")
}

#[test]
fn an_empty_folder_after_a_sync_is_refused_and_replace_moves_the_journal() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    laptop.ok(noon(), &["add", "Ann Lee"]);
    desktop.ok(noon(), &["add", "Bo Ek"]);
    let shared = tempfile::tempdir().expect("tempdir");
    let drive = shared.path().join("drive");
    let folder = drive.display().to_string();
    join(&[&laptop, &desktop], &["--folder", &folder]);
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["sync"]);
    laptop.ok(noon(), &["sync"]);

    // The drive is not mounted: its mount point is an empty folder.
    std::fs::rename(&drive, shared.path().join("unplugged")).expect("unmount");
    std::fs::create_dir(&drive).expect("mount point");
    laptop.ok(noon(), &["log", "ann", "after the move"]);
    let unsent = status(&laptop)["unsent"].clone();
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(&format!(
            "rel: {folder} holds none of this journal's data — is the drive mounted?"
        )),
        "{}",
        ran.stderr
    );
    assert!(ran.stderr.contains("--replace"), "{}", ran.stderr);
    assert_eq!(ran.stdout, "");
    assert_eq!(
        entries(&drive),
        0,
        "nothing may be written into the mount point"
    );
    assert_eq!(status(&laptop)["unsent"], unsent);
    let ran = desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert_eq!(entries(&drive), 0);

    // A second init is still a usage error, and says how to move.
    let new_drive = shared.path().join("new drive");
    let new_folder = new_drive.display().to_string();
    let ran = laptop.run(noon(), &["sync", "init", "--folder", &new_folder]);
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(ran.stderr.contains("add --replace"), "{}", ran.stderr);

    // The journal moves to a new folder on purpose: its key is kept, no new key is made.
    let key = laptop.ok(noon(), &["sync", "key"]);
    let ran = laptop.run(
        noon(),
        &["sync", "init", "--folder", &new_folder, "--replace"],
    );
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(!ran.stderr.contains("new sync key"), "{}", ran.stderr);
    assert_eq!(laptop.ok(noon(), &["sync", "key"]), key);
    assert_eq!(status(&laptop)["last_sync"], serde_json::Value::Null);
    // Its next sync sends this replica's whole history there.
    let summary: serde_json::Value =
        serde_json::from_str(&laptop.ok(noon(), &["sync", "--format", "json"])).expect("json");
    assert_eq!(summary["sent"].to_string(), own_head(&laptop));
    assert_eq!(status(&laptop)["unsent"], 0);

    // The other machine moves too (its own whole history follows), and they agree.
    desktop.ok(
        noon(),
        &["sync", "init", "--folder", &new_folder, "--replace"],
    );
    let out = desktop.ok(noon(), &["sync", "--format", "json"]);
    let summary: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(summary["sent"].to_string(), own_head(&desktop));
    laptop.ok(noon(), &["sync"]);
    assert_eq!(laptop.digest(noon()), desktop.digest(noon()));
    assert_eq!(
        desktop.strings("SELECT note FROM interactions"),
        ["after the move"]
    );
}

#[test]
fn replace_with_a_key_the_new_remote_does_not_take_changes_nothing() {
    let (laptop, other) = (Replica::new("laptop"), Replica::new("other journal"));
    let shared = tempfile::tempdir().expect("tempdir");
    let mine = shared.path().join("mine").display().to_string();
    let theirs = shared.path().join("theirs").display().to_string();
    laptop.ok(noon(), &["add", "Ann Lee"]);
    laptop.ok(noon(), &["sync", "init", "--folder", &mine]);
    laptop.ok(noon(), &["sync"]);
    other.ok(noon(), &["add", "Cy Oh"]);
    other.ok(noon(), &["sync", "init", "--folder", &theirs]);
    other.ok(noon(), &["sync"]);
    // Kept key, another journal's remote: the key does not open it.
    let ran = laptop.run(noon(), &["sync", "init", "--folder", &theirs, "--replace"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .starts_with("rel: the sync key does not open this remote's data"),
        "{}",
        ran.stderr
    );
    let remote = status(&laptop)["remote"].clone();
    assert_eq!(remote, format!("folder {mine}").as_str());
    assert_eq!(laptop.ok(noon(), &["sync"]), "up to date\n");
    // With that journal's key the move is taken, and the two journals merge there.
    let their_key = other.ok(noon(), &["sync", "key"]);
    laptop.ok(
        noon(),
        &[
            "sync",
            "init",
            "--folder",
            &theirs,
            "--replace",
            "--key",
            their_key.trim_end(),
        ],
    );
    laptop.ok(noon(), &["sync"]);
    other.ok(noon(), &["sync"]);
    assert_eq!(laptop.digest(noon()), other.digest(noon()));
}

#[test]
fn a_git_branch_that_lost_the_journal_is_refused() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    laptop.ok(noon(), &["add", "Ann Lee"]);
    join(&[&laptop, &desktop], &["--git", &url]);
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["sync"]);
    let deleted = std::process::Command::new("git")
        .args(["branch", "-D", "rel-sync"])
        .current_dir(shared.path().join("remote.git"))
        .output()
        .expect("git");
    assert!(deleted.status.success());
    laptop.ok(noon(), &["log", "ann", "lunch"]);
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr.starts_with(&format!(
            "rel: git {url} (branch rel-sync) holds none of this journal's data"
        )),
        "{}",
        ran.stderr
    );
    let branches = std::process::Command::new("git")
        .args(["branch", "--list"])
        .current_dir(shared.path().join("remote.git"))
        .output()
        .expect("git");
    assert_eq!(String::from_utf8_lossy(&branches.stdout), "");
}

#[test]
fn a_journal_that_never_synced_takes_an_empty_folder() {
    let laptop = Replica::new("laptop");
    let shared = tempfile::tempdir().expect("tempdir");
    let folder = shared.path().join("drive").display().to_string();
    laptop.ok(noon(), &["sync", "init", "--folder", &folder]);
    // Its own key-check is there from `init`: syncs of an empty journal go on working.
    assert_eq!(laptop.ok(noon(), &["sync"]), "up to date\n");
    assert_eq!(laptop.ok(noon(), &["sync"]), "up to date\n");
}

#[test]
fn a_tilde_at_the_start_of_a_folder_is_the_home_folder() {
    let laptop = Replica::new("laptop");
    laptop.ok(noon(), &["add", "Ann Lee"]);
    // Quoted, as a script or a config file passes it: the shell did not expand it.
    laptop.ok(noon(), &["sync", "init", "--folder", "~/Sync/rel"]);
    let home = laptop.dir.path();
    assert!(!home.join("~").exists(), "a folder named '~' was made");
    assert!(home.join("Sync/rel/rel-sync/v1").is_dir());
    let remote = status(&laptop)["remote"].clone();
    assert_eq!(
        remote,
        format!("folder {}", home.join("Sync/rel").display()).as_str()
    );
    laptop.ok(noon(), &["sync"]);
}
