//! A seeded run of three machines over a folder and over a git remote with the remote-side
//! faults of issue 22 as steps: syncs SIGKILLed together with their `git` (process group),
//! links, FIFOs, oversized files and leftover temp files planted in the remote, segments
//! damaged (and, as the README says, deleted afterwards so their writer sends them again).
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
    let replicas: Vec<Replica> = (0..3).map(|i| Replica::new(&format!("m{i}"))).collect();
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
    let owners: Vec<String> = replicas.iter().map(id).collect();
    let mut logged = BTreeSet::new();
    for step in 1..=STEPS {
        let now = now_at(step);
        let replica = &replicas[rng.below(replicas.len())];
        let handles = replica.strings("SELECT handle FROM contacts");
        match (rng.below(6), rng.pick(&handles).cloned()) {
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
