//! The simulation's step for issue 22's last gap: a machine undoes a merge soon after it
//! raced with logs, edits, tags, archives and other merges made on other machines, some of
//! them received before the undo, some after.

use super::{Sim, TAGS};
use serde_json::Value;

impl Sim {
    /// Machine `r` merges one shared contact into another while one or two other machines,
    /// not synced since, work with either of them (log with one or both, in either order, tag,
    /// untag, archive, merge one of them elsewhere); then `r` undoes its merge, before or
    /// after it received some of that work.
    pub(super) fn undo_a_raced_merge(&mut self, r: usize) {
        let count = self.replicas.len();
        let other = (r + 1 + self.rng.below(count - 1)) % count;
        let third = (other + 1 + self.rng.below(count - 1)) % count;
        let third = (third != r && third != other).then_some(third);
        self.sync(r);
        self.sync(other);
        if let Some(third) = third {
            self.sync(third);
        }
        self.sync(r);
        let Some((shared, who, into)) = self.merge_pair(r, other) else {
            return;
        };
        let elsewhere = self.rng.pick(&shared).cloned().unwrap_or_default();
        self.user(r, &["merge", &who, &into, "--yes"]);
        let racers: Vec<usize> = [Some(other), third].into_iter().flatten().collect();
        for racer in racers {
            for _ in 0..1 + self.rng.below(3) {
                self.race(racer, &who, &into, &elsewhere);
            }
            // Some of the work reaches the merging machine before its undo.
            if self.rng.chance(50) {
                self.sync(racer);
            }
        }
        if self.rng.chance(50) {
            self.sync(r);
        }
        self.user(r, &["undo"]);
        if self.rng.chance(50) {
            self.sync(r);
            self.sync(other);
        }
    }

    /// One piece of work on machine `racer` with the contacts of a merge it has not seen.
    fn race(&mut self, racer: usize, who: &str, into: &str, elsewhere: &str) {
        let n = self.steps.len().to_string();
        let tag = TAGS[self.rng.below(TAGS.len())];
        match self.rng.below(8) {
            0 | 1 => {
                let with = [who, &format!("{who},{into}"), &format!("{into},{who}")]
                    [self.rng.below(3)]
                .to_string();
                let ran = self.user(racer, &["log", &with, "raced", &n, "--format", "json"]);
                if ran.code == 0
                    && let Some(uid) = serde_json::from_str::<Value>(&ran.stdout)
                        .ok()
                        .and_then(|v| v["uid"].as_str().map(str::to_string))
                {
                    self.logged.insert(uid);
                }
            }
            2 => {
                let whom = [who, into][self.rng.below(2)];
                self.user(racer, &["edit", whom, "--tag", tag]);
            }
            3 => {
                let whom = [who, into][self.rng.below(2)];
                self.user(racer, &["edit", whom, "--untag", tag]);
            }
            4 => {
                let whom = [who, into][self.rng.below(2)];
                self.user(racer, &["archive", whom]);
            }
            5 => {
                let whom = [who, into][self.rng.below(2)];
                if whom != elsewhere {
                    self.user(racer, &["merge", whom, elsewhere, "--yes"]);
                }
            }
            6 => {
                self.user(racer, &["edit", who, "--org", &format!("org {n}")]);
            }
            _ => {
                self.user(racer, &["remind", who, "tomorrow", "raced", &n]);
            }
        }
    }
}
