//! The git remote under faults (issue 22, points 7, 8 and 10): a sync killed with its `git`
//! (the whole process group) or stale lock files in rel's clone never block the next one; a
//! link committed in place of a replica's folder is refused, never written through; machines
//! pushing at once all succeed (contention is retried, not called a permission problem);
//! credentials in the URL are never printed.

use crate::common::replica as sync_support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use sync_support::{Replica, Rng, bare_repo};

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .expect("time")
}

fn join(replicas: &[&Replica], url: &str) {
    replicas[0].ok(noon(), &["sync", "init", "--git", url]);
    let key = replicas[0].ok(noon(), &["sync", "key"]);
    for replica in &replicas[1..] {
        replica.ok(
            noon(),
            &["sync", "init", "--git", url, "--key", key.trim_end()],
        );
    }
}

fn id(replica: &Replica) -> String {
    replica.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone()
}

/// rel's private clone of this replica (under its data folder).
fn clone_of(replica: &Replica) -> PathBuf {
    replica
        .dir
        .path()
        .join("xdg/rel/sync")
        .join(id(replica))
        .join("git")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn stale_locks_in_rels_clone_are_recovered() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    join(&[&laptop, &desktop], &url);
    laptop.ok(noon(), &["add", "Ann Lee"]);
    laptop.ok(noon(), &["sync"]);
    let dot_git = clone_of(&laptop).join(".git");
    for lock in ["index.lock", "HEAD.lock", "refs/heads/rel-local.lock"] {
        std::fs::write(dot_git.join(lock), b"").expect("plant a lock");
    }
    laptop.ok(noon(), &["log", "ann", "lunch"]);
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("sent "), "{}", ran.stdout);
    // A clone broken beyond its locks (its index destroyed) is rebuilt from the remote.
    std::fs::write(dot_git.join("index"), b"garbage").expect("break the index");
    laptop.ok(noon(), &["log", "ann", "dinner"]);
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    desktop.ok(noon(), &["sync"]);
    let mut notes = desktop.strings("SELECT note FROM interactions ORDER BY note");
    notes.sort();
    assert_eq!(notes, ["dinner", "lunch"]);
}

/// A push killed with our process group kills git's receive-pack of a remote on this disk
/// mid-update, and its ref lock stays behind: one old enough to have no owner is cleared.
#[test]
fn a_ref_lock_a_killed_push_left_in_a_local_remote_is_cleared() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    join(&[&laptop, &desktop], &url);
    laptop.ok(noon(), &["add", "Ann Lee"]);
    laptop.ok(noon(), &["sync"]);
    let lock = shared.path().join("remote.git/refs/heads/rel-sync.lock");
    let planted = std::fs::File::create(&lock).expect("plant the lock");
    let a_minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    planted.set_modified(a_minute_ago).expect("age the lock");
    laptop.ok(noon(), &["log", "ann", "after the kill"]);
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("sent "), "{}", ran.stdout);
    assert!(!lock.exists());
    desktop.ok(noon(), &["sync"]);
    assert_eq!(
        desktop.strings("SELECT note FROM interactions"),
        ["after the kill"]
    );
}

#[test]
fn syncs_killed_with_their_git_never_block_the_next_one() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    join(&[&laptop, &desktop], &url);
    let mut rng = Rng(22);
    laptop.ok(noon(), &["add", "Ann Lee"]);
    let mut logged = Vec::new();
    for round in 0..12 {
        let now = noon() + Duration::minutes(round);
        let note = format!("note {round}");
        laptop.ok(now, &["log", "ann", &note]);
        logged.push(note);
        let mut command = laptop.command(&laptop.db, now, &["sync"]);
        // Its own process group, so the kill takes the git it runs as well.
        command.process_group(0);
        let child = command.spawn().expect("spawn");
        let pid = child.id() as libc::pid_t;
        std::thread::sleep(std::time::Duration::from_millis(rng.below(250) as u64));
        // SAFETY: signals the process group we made for our own child.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let mut child = child;
        let _ = child.wait();
        // Every sync after a kill works.
        let ran = laptop.run(now, &["sync"]);
        assert_eq!(ran.code, 0, "round {round}: {}", ran.stderr);
    }
    desktop.ok(noon() + Duration::hours(1), &["sync"]);
    let mut notes = desktop.strings("SELECT note FROM interactions");
    notes.sort();
    logged.sort();
    assert_eq!(notes, logged);
}

#[test]
fn a_link_committed_in_place_of_a_replica_folder_is_refused() {
    let (laptop, desktop) = (Replica::new("laptop"), Replica::new("desktop"));
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    join(&[&laptop, &desktop], &url);
    laptop.ok(noon(), &["add", "Ann Lee"]);
    laptop.ok(noon(), &["sync"]);
    desktop.ok(noon(), &["sync"]);
    // Someone with push access replaces the laptop's folder with a link out of the clone.
    let outside = tempfile::tempdir().expect("tempdir");
    let work = shared.path().join("work");
    git(
        shared.path(),
        &["clone", "-q", "-b", "rel-sync", &url, "work"],
    );
    let folder = format!("rel-sync/v1/{}", id(&laptop));
    git(&work, &["rm", "-r", "-q", &folder]);
    std::os::unix::fs::symlink(outside.path(), work.join(&folder)).expect("symlink");
    git(&work, &["add", &folder]);
    git(&work, &["commit", "-q", "-m", "plant a link"]);
    git(&work, &["push", "-q", "origin", "rel-sync"]);

    laptop.ok(noon(), &["add", "Bo Ek"]);
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .starts_with("rel: cannot write to the sync remote: ")
            && ran
                .stderr
                .contains(&format!("{folder} is a symbolic link; nothing was sent")),
        "{}",
        ran.stderr
    );
    assert_eq!(ran.stdout, "");
    assert_eq!(std::fs::read_dir(outside.path()).expect("dir").count(), 0);
    // The other machine reads nothing through the link, says so, and completes.
    let ran = desktop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!(
            "rel: warning: {folder} on the remote is a symbolic link; nothing is read from it"
        )),
        "{}",
        ran.stderr
    );
}

#[test]
fn machines_pushing_at_once_all_get_through() {
    let shared = tempfile::tempdir().expect("tempdir");
    let url = bare_repo(shared.path());
    let replicas: Vec<Replica> = (0..6).map(|i| Replica::new(&format!("m{i}"))).collect();
    let refs: Vec<&Replica> = replicas.iter().collect();
    join(&refs, &url);
    for (i, replica) in replicas.iter().enumerate() {
        replica.ok(noon(), &["add", &format!("Person {i}")]);
    }
    let children: Vec<_> = replicas
        .iter()
        .map(|replica| replica.spawn(noon(), &["sync"]))
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(!stderr.contains("check that you may push"), "{stderr}");
    }
    for replica in &replicas {
        replica.ok(noon(), &["sync"]);
    }
    let digests: Vec<String> = replicas.iter().map(|r| r.digest(noon())).collect();
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    assert_eq!(
        replicas[0].strings("SELECT count(*) FROM contacts"),
        ["6".to_string()]
    );
}

#[test]
fn credentials_in_a_git_url_are_never_printed() {
    let laptop = Replica::new("laptop");
    let secret = "ghp_SECRETTOKEN123";
    // Nothing listens on port 9: the remote cannot be reached.
    let url = format!("https://user:{secret}@127.0.0.1:9/me/journal.git");
    let ran = laptop.run(noon(), &["sync", "init", "--git", &url]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(!ran.stderr.contains(secret), "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("cannot reach git remote https://***@127.0.0.1:9/me/journal.git"),
        "{}",
        ran.stderr
    );

    // A journal set up with such a URL (here through a reachable remote first, then its
    // recorded URL as a user would have typed it): status, JSON and errors hide it.
    let shared = tempfile::tempdir().expect("tempdir");
    let reachable = bare_repo(shared.path());
    laptop.ok(noon(), &["sync", "init", "--git", &reachable]);
    laptop.ok(noon(), &["sync"]);
    let conn = rusqlite::Connection::open(&laptop.db).expect("db");
    conn.execute("UPDATE sync_remote SET location = ?1", [&url])
        .expect("update");
    drop(conn);
    for args in [
        &["sync", "status"][..],
        &["sync", "status", "--format", "json"],
    ] {
        let ran = laptop.run(noon(), args);
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(!ran.stdout.contains(secret), "{}", ran.stdout);
        assert!(
            ran.stdout.contains("https://***@127.0.0.1:9"),
            "{}",
            ran.stdout
        );
    }
    let ran = laptop.run(noon(), &["sync"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(!ran.stderr.contains(secret), "{}", ran.stderr);
    let ran = laptop.run(noon(), &["sync", "init", "--git", &url, "--replace"]);
    assert_eq!(ran.code, 1, "{}", ran.stderr);
    assert!(!ran.stderr.contains(secret), "{}", ran.stderr);
}
