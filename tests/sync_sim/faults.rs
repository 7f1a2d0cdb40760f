//! The simulation's fault steps of issue 22 (points 5, 6 and 9): a key holder's changes that
//! fail the command line's checks, a merge racing another machine's log, an undo of an add
//! another machine logged with since.

use super::{FieldKey, HOSTILE, Sim, Stamp, TAGS};
use rel::sync::remote::WireOp;
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl Sim {
    /// Over a folder or git, whoever holds the key writes, with rel's library, a change rel
    /// would never make, under a replica id of its own. (Over PostgreSQL the hostile member
    /// does this.)
    pub(super) fn inject_invalid(&mut self) {
        if self.is_postgres() {
            return;
        }
        let replica = format!("{HOSTILE}keyholder-{}", self.seed);
        let mut remote = self.open_remote(&replica);
        remote.check().expect("the key holder opens the remote");
        let contacts = self.replicas[0].strings("SELECT uid FROM contacts");
        let contact = self.rng.pick(&contacts).cloned().unwrap_or_default();
        let interactions = self.replicas[0].strings("SELECT uid FROM interactions");
        let interaction = self.rng.pick(&interactions).cloned().unwrap_or_default();
        let set = |field: &str, value: Value| {
            json!({"v": 1, "k": "contact", "uid": contact, "set": {field: value}}).to_string()
        };
        let bodies = [
            set("birthday", "garbage".into()),
            set("handle", "a,b".into()),
            set("every", "banana".into()),
            set("note", "nul \u{0} inside".into()),
            set("created_at", i64::MAX.into()),
            json!({"v": 1, "k": "interaction", "uid": interaction, "set": {"respect": 5}})
                .to_string(),
            "[]".to_string(),
        ];
        let body = bodies[self.rng.below(bodies.len())].clone();
        let seq = self.poisoned.iter().filter(|(r, _)| *r == replica).count() as i64 + 1;
        self.steps
            .push(format!("key holder: {replica} seq {seq}: {body}"));
        let op = WireOp {
            replica: replica.clone(),
            seq,
            hlc: self.now.timestamp_millis() << 16,
            author: None,
            body,
        };
        remote.push(&[op]).expect("the key holder pushes");
        self.poisoned.push((replica, seq));
    }

    /// One machine merges a contact into another while a second machine, not synced since,
    /// logs with it, sets it a reminder and tags it.
    /// The contacts machines `r` and `other` both hold, and two different ones of them drawn
    /// at random (who is merged, and into whom); None when there are no two.
    pub(super) fn merge_pair(
        &mut self,
        r: usize,
        other: usize,
    ) -> Option<(Vec<String>, String, String)> {
        let theirs = self.handles(other);
        let shared: Vec<String> = self
            .handles(r)
            .into_iter()
            .filter(|h| theirs.contains(h))
            .collect();
        let who = self.rng.pick(&shared).cloned();
        let into = self.rng.pick(&shared).cloned();
        match (who, into) {
            (Some(who), Some(into)) if who != into => Some((shared, who, into)),
            _ => None,
        }
    }

    pub(super) fn merge_while_another_logs(&mut self, r: usize) {
        let count = self.replicas.len();
        let other = (r + 1 + self.rng.below(count - 1)) % count;
        self.sync(r);
        self.sync(other);
        self.sync(r);
        let Some((_, who, into)) = self.merge_pair(r, other) else {
            return;
        };
        let n = self.steps.len().to_string();
        self.user(r, &["merge", &who, &into, "--yes"]);
        let ran = self.user(other, &["log", &who, "raced", &n, "--format", "json"]);
        if ran.code == 0
            && let Some(uid) = serde_json::from_str::<Value>(&ran.stdout)
                .ok()
                .and_then(|v| v["uid"].as_str().map(str::to_string))
        {
            self.logged.insert(uid);
        }
        self.user(other, &["remind", &who, "tomorrow", "raced", &n]);
        let tag = TAGS[self.rng.below(TAGS.len())];
        self.user(other, &["edit", &who, "--tag", tag]);
    }

    /// A machine adds a contact and syncs; another logs with it and syncs; the first undoes
    /// its add. The other machine's note must stay, on the first machine too.
    pub(super) fn undo_an_old_add(&mut self, r: usize) {
        let count = self.replicas.len();
        let other = (r + 1 + self.rng.below(count - 1)) % count;
        let name = self.name_for(r);
        let added = self.user(r, &["add", &name, "--format", "json"]);
        let Some(uid) = serde_json::from_str::<Value>(&added.stdout)
            .ok()
            .and_then(|v| v["uid"].as_str().map(str::to_string))
        else {
            return;
        };
        self.sync(r);
        self.sync(other);
        let handle = self.replicas[other]
            .strings(&format!("SELECT handle FROM contacts WHERE uid = '{uid}'"));
        let Some(handle) = handle.first().cloned() else {
            return;
        };
        let n = self.steps.len().to_string();
        let ran = self.user(
            other,
            &["log", &handle, "after the add", &n, "--format", "json"],
        );
        let Some(logged) = serde_json::from_str::<Value>(&ran.stdout)
            .ok()
            .and_then(|v| v["uid"].as_str().map(str::to_string))
        else {
            return;
        };
        self.logged.insert(logged.clone());
        self.sync(other);
        self.sync(r);
        // (A log stamped by a clock far ahead is held back here for now: nothing to check.)
        let had = self.interactions(r).contains(&logged);
        self.user(r, &["undo"]);
        if had && !self.interactions(r).contains(&logged) {
            self.fail(&format!(
                "undoing the add deleted {logged}, which another machine logged"
            ));
        }
    }

    /// Every operation written to fail the checks is listed by `rel sync status` everywhere.
    pub(super) fn check_quarantine_listed(&self) {
        for replica in &self.replicas {
            let status = replica.ok(self.now, &["sync", "status", "--format", "json"]);
            let status: Value = serde_json::from_str(&status).expect("status json");
            let listed: Vec<(String, i64)> = status["quarantined"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|q| {
                    (
                        q["replica"].as_str().unwrap_or_default().to_string(),
                        q["seq"].as_i64().unwrap_or_default(),
                    )
                })
                .collect();
            for poisoned in &self.poisoned {
                if !listed.contains(poisoned) {
                    self.fail(&format!(
                        "{}: {poisoned:?} is not listed as quarantined: {status}",
                        replica.name
                    ));
                }
            }
        }
    }
}

/// A contact's field as the fold leaves it when contacts were merged into it (see
/// `src/sync/merge_fold.rs`): a change made to a merged contact (or to one merged into that,
/// and so on) fills the field the target lacks, and beats the target's own latest write only
/// when that was a change stamped earlier.
pub(super) fn expect_contact_field(
    latest: &BTreeMap<FieldKey, (Stamp, Value)>,
    uid: &str,
    field: &str,
) -> String {
    let own = latest.get(&key(uid, field));
    let handed = handed_change(latest, uid, field, 0);
    let value = match (own, handed) {
        (Some((stamp, value)), Some((x_stamp, x_value))) if stamp.0 => {
            if x_stamp > *stamp {
                x_value
            } else {
                value.clone()
            }
        }
        (Some((_, value)), Some((_, x_value))) if value.is_null() => x_value,
        (None, Some((_, x_value))) => x_value,
        (Some((_, value)), _) => value.clone(),
        (None, None) => Value::Null,
    };
    value.as_str().unwrap_or_default().to_string()
}

fn key(uid: &str, field: &str) -> FieldKey {
    ("contact".to_string(), uid.to_string(), field.to_string())
}

/// The latest non-null change of `field` among the contacts merged into `uid`, theirs
/// included.
fn handed_change(
    latest: &BTreeMap<FieldKey, (Stamp, Value)>,
    uid: &str,
    field: &str,
    depth: usize,
) -> Option<(Stamp, Value)> {
    if depth > 16 {
        return None;
    }
    let mut best: Option<(Stamp, Value)> = None;
    for ((kind, merged, name), (stamp, into)) in latest {
        if kind != "contact" || name != "merged_into" || into.as_str() != Some(uid) {
            continue;
        }
        // Only a merge's removal says merged_into (an undone merge's later rm is no merge).
        match latest.get(&key(merged, "removed")) {
            Some((removed_stamp, removed)) if removed_stamp == stamp && !removed.is_null() => {}
            _ => continue,
        }
        let own = latest
            .get(&key(merged, field))
            .filter(|(stamp, value)| stamp.0 && !value.is_null())
            .cloned();
        for candidate in [own, handed_change(latest, merged, field, depth + 1)]
            .into_iter()
            .flatten()
        {
            if best.as_ref().is_none_or(|(b, _)| candidate.0 > *b) {
                best = Some(candidate);
            }
        }
    }
    best
}

impl Sim {
    /// An export of a synced journal imports into an empty database (exit 0).
    pub(super) fn check_export_imports(&self) {
        let export = self.replicas[0].ok(self.now, &["export", "--format", "json"]);
        let fresh = super::Replica::new("imported");
        let file = fresh.dir.path().join("export.json");
        std::fs::write(&file, export).expect("write export");
        let ran = fresh.run(self.now, &["import", &file.display().to_string()]);
        if ran.code != 0 {
            self.fail(&format!(
                "the export of {} does not import: {}",
                self.replicas[0].name, ran.stderr
            ));
        }
    }
}
