//! The oracle's reading of stamps, written apart from rel's own (`src/sync/log/skew.rs`) from
//! the README's words ("When a clock was wrong"): a replica's stamps count in sequence order,
//! each no later than just before the next, so what a machine did while its clock was a year
//! ahead counts as done just before its first change after the correction; and an id that
//! continues another (a restored or copied journal that moved) names the old id and the last
//! of its changes, which then count as made before the new id's first change.

use rel::sync::remote::WireOp;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every replica's operations (each in sequence order), their stamps made effective.
pub fn effective(mut by_replica: BTreeMap<String, Vec<WireOp>>) -> Vec<WireOp> {
    // old id → (the id continuing it, through which of its changes)
    let mut continued: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (replica, ops) in &by_replica {
        let link = ops.iter().find_map(|op| {
            let body: Value = serde_json::from_str(&op.body).ok()?;
            let old = body["continues"]["replica"].as_str()?.to_string();
            Some((old, body["continues"]["through"].as_i64()?))
        });
        if let Some((old, through)) = link
            && old != *replica
        {
            continued.entry(old).or_insert((replica.clone(), through));
        }
    }
    let replicas: Vec<String> = by_replica.keys().cloned().collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    for replica in &replicas {
        settle(replica, &continued, &mut by_replica, &mut done, 0);
    }
    by_replica.into_values().flatten().collect()
}

/// Makes `replica`'s stamps effective, after those of the id continuing it (whose first
/// change bounds what it continues).
fn settle(
    replica: &str,
    continued: &BTreeMap<String, (String, i64)>,
    by_replica: &mut BTreeMap<String, Vec<WireOp>>,
    done: &mut BTreeSet<String>,
    depth: usize,
) {
    if done.contains(replica) || depth > 8 {
        return;
    }
    let cap = continued.get(replica).and_then(|(new, through)| {
        settle(new, continued, by_replica, done, depth + 1);
        let first = by_replica.get(new)?.first().filter(|op| op.seq == 1)?;
        Some((*through, first.hlc))
    });
    done.insert(replica.to_string());
    let Some(ops) = by_replica.get_mut(replica) else {
        return;
    };
    let mut next: Option<i64> = None;
    for op in ops.iter_mut().rev() {
        if let Some((through, bound)) = cap
            && op.seq <= through
        {
            next = Some(next.map_or(bound, |n| n.min(bound)));
        }
        if let Some(bound) = next
            && op.hlc >= bound
        {
            op.hlc = bound - 1;
        }
        next = Some(op.hlc);
    }
}
