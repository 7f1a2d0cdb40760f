//! A seeded run of three machines over a folder and over a git remote with the remote-side
//! faults of issue 22 as steps: syncs SIGKILLed together with their `git` (process group),
//! links, FIFOs, oversized files and leftover temp files planted in the remote, segments
//! damaged (and, as the README says, deleted afterwards so their writer sends them again), a
//! machine restored from an earlier backup (it moves to a new replica id), a clock a year
//! ahead for a while and then corrected.
//! After every machine syncs until quiet: the digests agree, every interaction any machine
//! logged is everywhere, and no two machines say `up to date` while holding different journals.

use crate::common::replica as sync_support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use sync_support::{Replica, Rng, bare_repo};

const STEPS: usize = 40;

fn now_at(step: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(step as i64)
}

fn id(replica: &Replica) -> String {
    replica.strings("SELECT uuid FROM sync_replicas WHERE n = 1")[0].clone()
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t"])
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Where faults are planted: the folder itself, or a clone pushed to the git remote.
struct Remote {
    git_url: Option<String>,
    root: PathBuf,
    damaged: Vec<PathBuf>,
}

impl Remote {
    /// Makes `root` show the remote's current files (a fresh checkout for git).
    fn open(&mut self) -> bool {
        let Some(url) = &self.git_url else {
            return true;
        };
        let _ = std::fs::remove_dir_all(&self.root);
        let parent = self.root.parent().expect("parent");
        let name = self.root.file_name().expect("name").to_string_lossy();
        git(parent, &["clone", "-q", "-b", "rel-sync", url, &name])
    }

    /// Publishes what was planted (git: a commit pushed; a folder: nothing to do).
    fn close(&self, what: &str) {
        if self.git_url.is_some() {
            git(&self.root, &["add", "-A", "-f", "."]);
            git(&self.root, &["commit", "-q", "-m", what]);
            git(&self.root, &["push", "-q", "origin", "rel-sync"]);
        }
    }

    fn segments(&self, replica: &str) -> Vec<PathBuf> {
        let dir = self.root.join("rel-sync/v1").join(replica);
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "seg"))
                    .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found
    }

    fn plant(&mut self, rng: &mut Rng, owners: &[String], step: usize) {
        if !self.open() {
            return;
        }
        let owner = rng.pick(owners).expect("owner").clone();
        let dir = self.root.join("rel-sync/v1").join(&owner);
        let fake = format!("0190e4c2-{step:04}-7bbb-8ccc-0123456789ab");
        match rng.below(5) {
            0 => {
                let target = self.root.parent().expect("parent").join("elsewhere");
                let _ = std::fs::create_dir_all(&target);
                let _ =
                    std::os::unix::fs::symlink(&target, self.root.join("rel-sync/v1").join(&fake));
            }
            1 if self.git_url.is_none() => {
                let path = std::ffi::CString::new(
                    dir.join(format!("{}-{}.seg", 900 + step, 900 + step))
                        .to_string_lossy()
                        .as_bytes(),
                )
                .expect("path");
                // SAFETY: mkfifo on a NUL-terminated path.
                unsafe { libc::mkfifo(path.as_ptr(), 0o600) };
            }
            2 if self.git_url.is_none() => {
                let _ =
                    std::fs::File::create(dir.join(format!("{}-{}.seg", 800 + step, 801 + step)))
                        .and_then(|f| f.set_len(1 << 30));
            }
            3 => {
                let segment = rng.pick(&self.segments(&owner)).cloned();
                if let Some(segment) = segment
                    && let Ok(mut bytes) = std::fs::read(&segment)
                {
                    let at = rng.below(bytes.len());
                    bytes[at] ^= 0x10;
                    let _ = std::fs::write(&segment, &bytes);
                    let inside = segment
                        .strip_prefix(&self.root)
                        .expect("inside")
                        .to_path_buf();
                    self.damaged.push(inside);
                }
            }
            _ => {
                let _ = std::fs::write(dir.join(format!(".tmp-killed{step}")), b"half");
            }
        }
        self.close("plant a fault");
    }

    /// What the README tells a user to do with a damaged segment: delete it.
    fn delete_damaged(&mut self) {
        if self.damaged.is_empty() || !self.open() {
            return;
        }
        for inside in std::mem::take(&mut self.damaged) {
            let _ = std::fs::remove_file(self.root.join(inside));
        }
        self.close("delete damaged segments");
    }
}

fn run(seed: u64, over_git: bool) {
    let mut rng = Rng(seed);
    let shared = tempfile::tempdir().expect("tempdir");
    let (args, mut remote) = if over_git {
        let url = bare_repo(shared.path());
        let remote = Remote {
            git_url: Some(url.clone()),
            root: shared.path().join("attacker"),
            damaged: Vec::new(),
        };
        (vec!["--git".to_string(), url], remote)
    } else {
        let folder = shared.path().join("drive");
        let remote = Remote {
            git_url: None,
            root: folder.clone(),
            damaged: Vec::new(),
        };
        (
            vec!["--folder".to_string(), folder.display().to_string()],
            remote,
        )
    };
    let mut replicas: Vec<Replica> = (0..3).map(|i| Replica::new(&format!("m{i}"))).collect();
    let start = now_at(0);
    let mut init: Vec<&str> = vec!["sync", "init"];
    init.extend(args.iter().map(String::as_str));
    replicas[0].ok(start, &init);
    let key = replicas[0].ok(start, &["sync", "key"]);
    for replica in &replicas[1..] {
        let mut with_key = init.clone();
        with_key.extend(["--key", key.trim_end()]);
        replica.ok(start, &with_key);
    }
    for replica in &replicas {
        replica.ok(start, &["sync"]);
    }
    let mut logged = BTreeSet::new();
    let mut backups: Vec<Option<PathBuf>> = vec![None; replicas.len()];
    let mut ever_ahead = BTreeSet::new();
    for step in 1..=STEPS {
        let now = now_at(step);
        let r = rng.below(replicas.len());
        // Faults go into the folders of the replica ids in use (one a restored machine left
        // behind is written by nobody any more: a file of it deleted would never come back).
        let owners: Vec<String> = replicas.iter().map(id).collect();
        let choice = rng.below(8);
        // Not while a damaged segment waits to be deleted: what a machine sent after its
        // backup is then held by the remote alone, and the README's advice (delete the file,
        // its writer sends it again) cannot hold for a writer that lost it to the restore.
        if choice == 6 && remote.damaged.is_empty() {
            restore_step(&replicas[r], &mut backups[r], shared.path(), step, now);
            continue;
        }
        // One machine a year ahead at a time (README "When a clock was wrong").
        let others_ahead = (0..replicas.len()).any(|o| o != r && replicas[o].skew_minutes != 0);
        if choice == 7 && !others_ahead {
            // A year ahead for a while; corrected, the machine keeps working at once.
            let ahead = replicas[r].skew_minutes == 0;
            ever_ahead.insert(r);
            replicas[r].skew_minutes = if ahead { 365 * 24 * 60 } else { 0 };
            if !ahead {
                log_on(&replicas[r], now, &mut logged);
            }
            continue;
        }
        let replica = &replicas[r];
        let handles = replica.strings("SELECT handle FROM contacts");
        match (choice, rng.pick(&handles).cloned()) {
            (0, _) | (_, None) => {
                replica.ok(now, &["add", &format!("Person {step}")]);
            }
            (1 | 2, Some(who)) => {
                let out = replica.ok(now, &["log", &who, "met", "--format", "json"]);
                let record: serde_json::Value = serde_json::from_str(&out).expect("json");
                logged.insert(record["uid"].as_str().expect("uid").to_string());
            }
            (3, _) => {
                let mut command = replica.command(&replica.db, now, &["sync"]);
                command.process_group(0);
                let mut child = command.spawn().expect("spawn");
                std::thread::sleep(std::time::Duration::from_millis(rng.below(150) as u64));
                // SAFETY: signals the process group made for our own child.
                unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
                let _ = child.wait();
            }
            (4, _) => remote.plant(&mut rng, &owners, step),
            _ => {
                let ran = replica.run(now, &["sync"]);
                assert_eq!(ran.code, 0, "step {step}: {}", ran.stderr);
            }
        }
    }
    remote.delete_damaged();
    let end = now_at(STEPS + 1);
    for replica in &mut replicas {
        replica.skew_minutes = 0;
    }
    // A machine that was a year ahead may have applied another's changes stamped a year ahead
    // (by its own clock they were not): it stamps above those until that other machine's
    // corrected change has reached it and it makes one more change (README "When a clock was
    // wrong"). So, once everyone has synced, each of them keeps working.
    for replica in &replicas {
        replica.ok(end, &["sync"]);
    }
    for r in ever_ahead {
        log_on(&replicas[r], end, &mut logged);
    }
    let mut quiet = false;
    for _round in 0..8 {
        quiet = true;
        for replica in &replicas {
            let ran = replica.run(end, &["sync", "--format", "json"]);
            assert_eq!(ran.code, 0, "{}: {}", replica.name, ran.stderr);
            let summary: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
            quiet &= summary["sent"] == 0 && summary["received"] == 0;
        }
        if quiet {
            break;
        }
    }
    assert!(quiet, "syncing never settled");
    let digests: Vec<String> = replicas.iter().map(|r| r.digest(end)).collect();
    assert!(
        digests.iter().all(|d| *d == digests[0]),
        "up to date everywhere but different journals: {digests:?}"
    );
    for replica in &replicas {
        let present: BTreeSet<String> = replica
            .strings("SELECT uid FROM interactions")
            .into_iter()
            .collect();
        let missing: Vec<&String> = logged.difference(&present).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", replica.name);
    }
}

/// Logs with the first contact of `replica` (adds one when it has none), remembering the uid.
fn log_on(replica: &Replica, now: DateTime<Utc>, logged: &mut BTreeSet<String>) {
    let handles = replica.strings("SELECT handle FROM contacts");
    let Some(who) = handles.first() else {
        replica.ok(now, &["add", "Someone New"]);
        return;
    };
    let out = replica.ok(now, &["log", who, "after", "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(&out).expect("json");
    logged.insert(record["uid"].as_str().expect("uid").to_string());
}

/// A backup the first time; the next time the machine syncs, its database is restored from
/// that backup and it keeps working (nothing it synced may be lost). A machine whose clock is
/// a year ahead is not restored (README "When a clock was wrong").
fn restore_step(
    replica: &Replica,
    backup: &mut Option<PathBuf>,
    dir: &Path,
    step: usize,
    now: DateTime<Utc>,
) {
    match backup.take() {
        None => {
            let path = dir.join(format!("{}-{step}.db", replica.name));
            replica.ok(now, &["backup", &path.display().to_string()]);
            *backup = Some(path);
        }
        Some(path) if replica.skew_minutes == 0 => {
            let ran = replica.run(now, &["sync"]);
            assert_eq!(ran.code, 0, "step {step}: {}", ran.stderr);
            std::fs::copy(&path, &replica.db).expect("restore");
            // Synced at once, as the README advises after a restore: it moves to a new id.
            let ran = replica.run(now, &["sync"]);
            assert_eq!(ran.code, 0, "step {step}: {}", ran.stderr);
        }
        Some(path) => *backup = Some(path),
    }
}

#[test]
fn remote_faults_over_a_folder_never_split_the_journal() {
    for seed in [1, 2] {
        run(seed, false);
    }
}

#[test]
fn remote_faults_over_git_never_split_the_journal() {
    run(3, true);
}
