//! Receiving operations from other replicas: store them (idempotent by (replica, seq)),
//! check each once (`validate.rs`; what fails is quarantined), hold back those stamped too
//! far ahead, then hand the rest to the fold (`apply.rs`), with the search indexes brought up
//! to date once at the end, all in the caller's transaction.

use super::apply::Fold;
use super::batch::Pending;
use super::{Staging, quarantine, validate};
use crate::db::search::upkeep as search_upkeep;
use crate::error::Result;
use crate::sync::log::WireOp;
use crate::sync::log::clock;
use crate::sync::log::oplog;
use rusqlite::{Connection, params};
use std::collections::HashSet;

/// What [`apply_received`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Operations that were new here.
    pub received: usize,
    /// How many replicas those came from.
    pub replicas: usize,
    /// Contacts that had to take another handle: (the handle they asked for, the one they got).
    pub renamed: Vec<(String, String)>,
    /// Operations kept but not applied: stamped more than a day ahead of this clock.
    pub held_back: usize,
}

/// Stores `ops` and applies those not seen before, in the caller's write transaction (run it
/// in a write of its own: it forgets the changes staged so far, since what it writes are other
/// replicas' operations, not this one's). Operations stamped more than a day ahead of `now`
/// are stored and applied by a later call once the clock reaches them.
pub fn apply_received(
    tx: &Connection,
    ops: &mut [WireOp],
    now: chrono::DateTime<chrono::Utc>,
    staging: &dyn Staging,
) -> Result<ApplyReport> {
    let now_ms = now.timestamp_millis();
    let local = oplog::replica_id(tx)?;
    let mut report = ApplyReport::default();
    let mut senders = HashSet::new();
    // Bodies are checked here; one that fails is stored, quarantined and never applied (see
    // `validate.rs`). Each ready one carries its seq, to name it, and where it is stored: the
    // fold reads it back when its turn comes, so each body's text is let go once stored.
    let mut ready: Vec<Pending> = Vec::new();
    // Whether any operation is due to be applied (parsed or not: the search indexes are set
    // aside for the batch as soon as one is).
    let mut any_due = false;
    let mut seen = clock::load(tx)?;
    let any_quarantined = quarantine::any(tx)?;
    for op in ops.iter_mut().filter(|op| op.replica != local) {
        let n = oplog::replica_number(tx, &op.replica)?;
        let checked = validate::check(&op.body);
        let kind = checked
            .as_ref()
            .map_or("unknown".to_string(), |b| b.k.name().to_string());
        let uid = checked.as_ref().ok().map(|b| b.uid.clone());
        // A refused operation is never applied, so it never waits for the clock either.
        let held = checked.is_ok() && clock::too_far_ahead(op.hlc, now_ms);
        let inserted = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO sync_ops (replica, seq, hlc, kind, uid, body, held)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                n,
                op.seq,
                op.hlc,
                kind,
                uid,
                kept_body(&op.body),
                held
            ])?;
        // Stored: the fold reads it back from there. Held until the end, 10,000 bodies were
        // 6 MB of a first sync's peak memory.
        op.body = String::new();
        if inserted == 0 {
            continue;
        }
        report.received += 1;
        senders.insert(op.replica.clone());
        // The remote refused a row at this place before (a forgery under this replica's id);
        // the replica's own operation has now arrived there.
        if any_quarantined && checked.is_ok() {
            quarantine::release(tx, &op.replica, op.seq)?;
        }
        match checked {
            Err(reason) => quarantine::keep(tx, &op.replica, op.seq, &reason)?,
            Ok(_) if held => {}
            Ok(body) => {
                seen = seen.max(op.hlc);
                any_due = true;
                ready.extend(Pending::of(&body, op.hlc, &op.replica, n, op.seq));
            }
        }
    }
    // Operations held back before whose time has come.
    let waiting: Vec<(i64, i64, i64, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT o.replica, o.seq, o.hlc, r.uuid, o.body FROM sync_ops o
             JOIN sync_replicas r ON r.n = o.replica WHERE o.held = 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (n, seq, hlc, replica, body) in &waiting {
        let (n, seq, hlc) = (*n, *seq, *hlc);
        if clock::too_far_ahead(hlc, now_ms) {
            report.held_back += 1;
            continue;
        }
        tx.prepare_cached("UPDATE sync_ops SET held = 0 WHERE replica = ?1 AND seq = ?2")?
            .execute([n, seq])?;
        seen = seen.max(hlc);
        any_due = true;
        // Checked again: it may have been kept by a rel that did not check yet.
        match validate::check(body) {
            Ok(checked) => ready.extend(Pending::of(&checked, hlc, replica, n, seq)),
            Err(reason) => quarantine::keep(tx, replica, seq, &reason)?,
        }
    }
    report.replicas = senders.len();
    clock::store(tx, seen)?;
    // The search indexes are brought up to date once, at the end (see `db::search::upkeep`).
    let search = any_due.then(|| search_upkeep::defer(tx)).transpose()?;
    let mut fold = Fold::new(tx);
    for (replica, seq, reason) in fold.apply_pending(ready)? {
        quarantine::keep(tx, &replica, seq, &reason)?;
    }
    report.renamed = fold.finish()?;
    if let Some(search) = search {
        // What the fold wrote is re-indexed from the staging table: bring it up to date first.
        staging.stage(tx)?;
        search.restore(tx)?;
    }
    staging.discard(tx)?;
    Ok(report)
}

/// What is stored of a received body: all of it, but for one larger than any rel writes
/// (refused unread): its bytes would only bloat the journal.
pub(super) fn kept_body(body: &str) -> Option<&str> {
    (body.len() <= validate::MAX_BODY_BYTES).then_some(body)
}
