//! `rel sync` killed (SIGKILL) at random moments on three machines doing a hundred commands
//! each: every journal stays usable, and once everyone syncs to the end they agree and hold
//! every interaction anyone logged.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::replica::{Replica, Rng};
use std::collections::BTreeSet;

const COMMANDS: usize = 100;

fn now_at(step: usize) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("time")
        + Duration::minutes(step as i64)
}

#[test]
fn syncs_killed_at_random_moments_still_converge() {
    let mut rng = Rng(7);
    let shared = tempfile::tempdir().expect("temp dir");
    let folder = shared.path().join("drive").display().to_string();
    let replicas: Vec<Replica> = (0..3).map(|i| Replica::new(&format!("m{i}"))).collect();
    let start = now_at(0);
    replicas[0].ok(start, &["sync", "init", "--folder", &folder]);
    let key = replicas[0].ok(start, &["sync", "key"]);
    for replica in &replicas[1..] {
        replica.ok(
            start,
            &["sync", "init", "--folder", &folder, "--key", key.trim_end()],
        );
    }
    let mut logged = BTreeSet::new();
    let mut kills = 0;
    for step in 1..=COMMANDS {
        let now = now_at(step);
        for (m, replica) in replicas.iter().enumerate() {
            let name = format!("Person {m} {step}");
            let handles = replica.strings("SELECT handle FROM contacts");
            let who = rng.pick(&handles).cloned();
            match (rng.below(4), who) {
                (0, _) | (_, None) => {
                    replica.ok(now, &["add", &name]);
                }
                (1, Some(who)) => {
                    replica.ok(now, &["edit", &who, "--org", &format!("org {step}")]);
                }
                (_, Some(who)) => {
                    let out = replica.ok(now, &["log", &who, "met", "--format", "json"]);
                    let record: serde_json::Value = serde_json::from_str(&out).expect("json");
                    logged.insert(record["uid"].as_str().expect("uid").to_string());
                }
            }
            if rng.chance(25) {
                let mut child = replica.spawn(now, &["sync"]);
                let wait_ms = rng.below(60) as u64;
                std::thread::sleep(std::time::Duration::from_millis(wait_ms));
                // Child::kill sends SIGKILL on Unix: no handler runs, nothing is cleaned up.
                if child.kill().is_ok() {
                    kills += 1;
                }
                let _ = child.wait();
            } else if rng.chance(10) {
                replica.ok(now, &["sync"]);
            }
        }
    }
    assert!(kills > 10, "only {kills} syncs were killed");
    let end = now_at(COMMANDS + 1);
    let mut quiet = false;
    for _round in 0..6 {
        quiet = true;
        for replica in &replicas {
            let out = replica.ok(end, &["sync", "--format", "json"]);
            let summary: serde_json::Value = serde_json::from_str(&out).expect("json");
            quiet &= summary["sent"] == 0 && summary["received"] == 0;
        }
        if quiet {
            break;
        }
    }
    assert!(quiet, "syncing never settled");
    let digests: Vec<String> = replicas.iter().map(|r| r.digest(end)).collect();
    assert!(digests.iter().all(|d| *d == digests[0]), "{digests:?}");
    for replica in &replicas {
        let present: BTreeSet<String> = replica
            .strings("SELECT uid FROM interactions")
            .into_iter()
            .collect();
        let missing: Vec<&String> = logged.difference(&present).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", replica.name);
    }
}
