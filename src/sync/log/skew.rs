//! A clock that was wrong. A machine whose clock runs far ahead stamps its changes in the
//! future; the others hold those back (`clock::too_far_ahead`) so they cannot win early. The
//! hybrid logical clock never goes backwards, so once that clock is corrected the machine
//! would keep stamping a year ahead, and every later change of it would be held back too.
//!
//! So a replica whose last stamp is more than a day ahead of its (corrected) clock stamps by
//! the clock again: its own changes keep their order by sequence number, not by stamp. Every
//! machine then reads a replica's stamps in sequence order as *effective* stamps, each no
//! later than just before the next one (`eff(n) = min(stamp(n), eff(n + 1) - 1)`): the
//! changes made while the clock was ahead count as made just before the first change after
//! the correction, never later, so they never win over later changes made elsewhere, and the
//! held-back ones apply. Normally stamps grow with the sequence number and nothing changes.
//! The machine itself lowers its own stamps the same way when it issues the corrected one, so
//! it agrees with the others.

use super::clock::{self, HOLD_AHEAD_MS};
use super::continues;
use super::oplog::{self, Body};
use crate::error::Result;
use crate::sync::log::WireOp;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;
use std::ops::Range;

/// The stamp to issue the next own change after, at wall time `now_ms`: the last one, or, when
/// that is more than a day ahead of the clock (the clock was ahead and has been corrected),
/// the clock itself (kept above what was received from others). Returns it and whether the
/// clock was corrected.
pub fn stamp_base(conn: &Connection, now_ms: i64) -> Result<(i64, bool)> {
    let last = clock::load(conn)?;
    if !clock::too_far_ahead(last, now_ms) {
        return Ok((last, false));
    }
    // Above every change applied here from others, so a change made now still wins over
    // each value it replaces, on this machine as on every other. (Those are the others' own
    // stamps: one that is itself far ahead keeps this machine ahead with it until its own
    // machine's clock is corrected, which lowers it here too.)
    let received = newest_received(conn)?.unwrap_or(0);
    let base = (clock::at_wall(now_ms) - 1).max(received.saturating_add(1));
    Ok((base, true))
}

/// After a corrected clock issued `first_stamp` for own operation `first_seq`: the own
/// operations before it that are stamped later count as made just before it (on this machine
/// as on every other, see the module comment), and the clock restarts from the last stamp.
pub fn after_correction(
    conn: &Connection,
    first_seq: i64,
    first_stamp: i64,
    last: i64,
) -> Result<()> {
    let own = oplog::replica_id(conn)?;
    lower_before(conn, oplog::LOCAL, &own, first_seq, first_stamp, 0)?;
    // A restored or copied journal whose old id was ahead names its link now (see
    // `continues.rs`), and reads the old id's operations as made before its own.
    name_link(conn, &own, first_seq, first_stamp)?;
    conn.prepare_cached("UPDATE sync_meta SET value = ?1 WHERE key = 'hlc'")?
        .execute([last])?;
    Ok(())
}

/// Makes each replica's stamps in the operations received effective, in place (see the
/// module comment), and lowers the operations already held to match: applied ones in their
/// registers, held-back ones so they apply once they no longer lie ahead. A replica id that
/// continues another (`continues.rs`) reads as that one's history followed by its own: the
/// old id's operations through the link count as made before the new id's first.
pub fn effective(conn: &Connection, ops: &mut [WireOp]) -> Result<()> {
    record_links(conn, ops)?;
    // The first operations' effective stamps in this batch, for the ids they continue.
    let mut firsts: HashMap<String, i64> = HashMap::new();
    for (run, successor) in successors_first(conn, ops, runs(ops))? {
        let replica = ops[run.start].replica.clone();
        let cap = match successor {
            Some((new, through)) => first_stamp(conn, &firsts, &new)?.map(|bound| (through, bound)),
            None => None,
        };
        let mut next: Option<i64> = None;
        for op in ops[run.clone()].iter_mut().rev() {
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
        let first = &ops[run.start];
        if let Some(n) = registered(conn, &replica)?.filter(|&n| n != oplog::LOCAL) {
            lower_before(conn, n, &replica, first.seq, first.hlc, 0)?;
        }
        if first.seq == 1 {
            firsts.insert(replica.clone(), first.hlc);
        }
        // The id this one continues follows its first operation (named in this batch or
        // before).
        if let Some(link) = named_link(conn, &replica)?
            && let Some(stamp) = first_stamp(conn, &firsts, &replica)?
        {
            lower_old(conn, &link, stamp, 0)?;
        }
    }
    Ok(())
}

/// The links operations in `ops` name (see `continues.rs`).
fn record_links(conn: &Connection, ops: &[WireOp]) -> Result<()> {
    for op in ops {
        if !op.body.contains("\"continues\"") {
            continue;
        }
        if let Ok(Body {
            continues: Some(link),
            ..
        }) = serde_json::from_str::<Body>(&op.body)
            && continues::usable(&op.replica, &link)
        {
            continues::record(conn, &op.replica, op.seq, &link.replica, link.through)?;
        }
    }
    Ok(())
}

/// Each replica's run of operations: contiguous and in sequence order (fetched replica by
/// replica).
fn runs(ops: &[WireOp]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for end in 1..=ops.len() {
        if end == ops.len() || ops[end].replica != ops[start].replica {
            runs.push(start..end);
            start = end;
        }
    }
    runs
}

/// The replica continuing a replica, and through which of its operations (see `continues.rs`).
type Successor = Option<(String, i64)>;

/// `runs` ordered so that a replica continued by another comes after that one's run (whose
/// first stamp bounds it). A cycle of links (a forgery) is taken in any order.
fn successors_first(
    conn: &Connection,
    ops: &[WireOp],
    runs: Vec<Range<usize>>,
) -> Result<Vec<(Range<usize>, Successor)>> {
    let mut pending = Vec::with_capacity(runs.len());
    for run in runs {
        let successor = continues::successor(conn, &ops[run.start].replica)?;
        pending.push((run, successor));
    }
    let mut order = Vec::with_capacity(pending.len());
    while !pending.is_empty() {
        let waiting: Vec<&str> = pending
            .iter()
            .map(|(run, _)| ops[run.start].replica.as_str())
            .collect();
        let (ready, blocked): (Vec<_>, Vec<_>) =
            pending.iter().cloned().partition(|(_, successor)| {
                !successor
                    .as_ref()
                    .is_some_and(|(new, _)| waiting.contains(&new.as_str()))
            });
        if ready.is_empty() {
            order.extend(blocked);
            break;
        }
        order.extend(ready);
        pending = blocked;
    }
    Ok(order)
}

/// The effective stamp of `replica`'s first operation: from this batch, else as held here.
fn first_stamp(
    conn: &Connection,
    batch: &HashMap<String, i64>,
    replica: &str,
) -> Result<Option<i64>> {
    if let Some(&stamp) = batch.get(replica) {
        return Ok(Some(stamp));
    }
    Ok(conn
        .prepare_cached(
            "SELECT o.hlc FROM sync_ops o JOIN sync_replicas r ON r.n = o.replica
              WHERE r.uuid = ?1 AND o.seq = 1",
        )?
        .query_row([replica], |row| row.get(0))
        .optional()?)
}

/// The local number of a replica, when operations of it were ever held here.
fn registered(conn: &Connection, replica: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT n FROM sync_replicas WHERE uuid = ?1")?
        .query_row([replica], |row| row.get(0))
        .optional()?)
}

/// Links are followed this many ids deep at most (a chain of restores is short; a cycle of
/// forged links must end).
const MAX_LINKS: u8 = 8;

/// Replica `new`'s first operation counts as stamped `first`: the id it continues, once the
/// link is named, has its operations through the link lowered below it (see `continues.rs`).
fn lower_into_old(conn: &Connection, new: &str, first: i64, depth: u8) -> Result<()> {
    match named_link(conn, new)? {
        Some(link) => lower_old(conn, &link, first, depth),
        None => Ok(()),
    }
}

/// The link of replica `new`, once it is named.
fn named_link(conn: &Connection, new: &str) -> Result<Option<continues::Link>> {
    Ok(continues::of(conn, new)?.filter(|link| link.at.is_some()))
}

/// [`lower_into_old`] with the link in hand.
fn lower_old(conn: &Connection, link: &continues::Link, first: i64, depth: u8) -> Result<()> {
    if depth >= MAX_LINKS {
        return Ok(());
    }
    let Some(n) = registered(conn, &link.old.replica)? else {
        return Ok(());
    };
    lower_before(
        conn,
        n,
        &link.old.replica,
        link.old.through.saturating_add(1),
        first,
        depth + 1,
    )
}

/// This machine's own change `seq`, stamped `stamp`, names its link when the id it continues
/// was ahead of it (the old id's last stamp more than a day after `stamp`), and the old id's
/// operations then count as made before this id's first, as on every machine it reaches.
pub fn name_link(conn: &Connection, own: &str, seq: i64, stamp: i64) -> Result<()> {
    let Some(through_hlc) = continues::unnamed(conn, own)? else {
        return Ok(());
    };
    if !clock::too_far_ahead(through_hlc, clock::wall_ms(stamp)) {
        return Ok(());
    }
    continues::name_at(conn, own, seq)?;
    match first_stamp(conn, &HashMap::new(), own)? {
        Some(first) => lower_into_old(conn, own, first, 0),
        None => Ok(()),
    }
}

/// Lowers replica `n`'s operations before `seq`, newest first, to just below `bound` while
/// they are stamped at or after it, and the registers they set with them. When that lowers the
/// replica's first operation, the id it continues follows (`lower_into_old`).
fn lower_before(
    conn: &Connection,
    n: i64,
    uuid: &str,
    seq: i64,
    bound: i64,
    depth: u8,
) -> Result<()> {
    let mut bound = bound;
    let mut at = seq;
    loop {
        let previous: Option<(i64, i64)> = conn
            .prepare_cached(
                "SELECT seq, hlc FROM sync_ops WHERE replica = ?1 AND seq < ?2
                 ORDER BY seq DESC LIMIT 1",
            )?
            .query_row(params![n, at], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let Some((seq, hlc)) = previous.filter(|&(_, hlc)| hlc >= bound) else {
            return Ok(());
        };
        let lowered = bound - 1;
        conn.prepare_cached("UPDATE sync_ops SET hlc = ?1 WHERE replica = ?2 AND seq = ?3")?
            .execute(params![lowered, n, seq])?;
        conn.prepare_cached("UPDATE sync_fields SET hlc = ?1 WHERE replica = ?2 AND hlc = ?3")?
            .execute(params![lowered, uuid, hlc])?;
        // What a merge handed over remembers the stamps it took and found: they are lowered
        // with the registers, or an undone merge would take the lowered register for a later
        // change of the target's and keep the value on this machine only.
        conn.prepare_cached(
            "UPDATE sync_handed SET handed_hlc = ?1 WHERE handed_by = ?2 AND handed_hlc = ?3",
        )?
        .execute(params![lowered, uuid, hlc])?;
        conn.prepare_cached(
            "UPDATE sync_handed SET before_hlc = ?1 WHERE before_by = ?2 AND before_hlc = ?3",
        )?
        .execute(params![lowered, uuid, hlc])?;
        if seq == 1 {
            return lower_into_old(conn, uuid, lowered, depth);
        }
        bound = lowered;
        at = seq;
    }
}

/// After this journal moved to the new id `new`, continuing the one it had (`fork.rs`): its
/// first operation, when it has one, may name the link at once.
pub fn after_move(conn: &Connection, new: &str) -> Result<()> {
    match first_stamp(conn, &HashMap::new(), new)? {
        Some(first) => name_link(conn, new, 1, first),
        None => Ok(()),
    }
}

/// Changes held back for their stamp, per replica: (replica, count, seconds the latest of
/// them lies ahead of `now`).
pub fn held(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT r.uuid, count(*), max(o.hlc) FROM sync_ops o
           JOIN sync_replicas r ON r.n = o.replica
          WHERE o.held = 1 GROUP BY r.uuid ORDER BY r.uuid",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
        ))
    })?;
    let now_ms = now.timestamp_millis();
    let mut held = Vec::new();
    for row in rows {
        let (replica, count, hlc) = row?;
        held.push((replica, count, (clock::wall_ms(hlc) - now_ms).max(0) / 1000));
    }
    Ok(held)
}

/// How far this machine's clock is ahead of the newest change it received from the others,
/// in seconds, when that is more than a day (a clock set wrong: its changes are held back
/// everywhere else).
pub fn own_clock_ahead(conn: &Connection, now: DateTime<Utc>) -> Result<Option<i64>> {
    let newest = newest_received(conn)?;
    let Some(newest) = newest else {
        return Ok(None);
    };
    let ahead = now.timestamp_millis() - clock::wall_ms(newest);
    Ok((ahead > HOLD_AHEAD_MS).then_some(ahead / 1000))
}

/// The stamp of the newest change applied here from another replica: each replica's latest
/// applied operation (a seek per replica, not a scan of the log), since effective stamps grow
/// with the sequence number. A quarantined operation was never applied: its stamp (a hostile
/// member's, far ahead) must not keep a corrected clock ahead; nor must the operations of the
/// id this journal continues (`continues.rs`), which count as made before its own first.
fn newest_received(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max((SELECT o.hlc FROM sync_ops o WHERE o.replica = r.n AND o.held = 0
                            AND NOT EXISTS (SELECT 1 FROM sync_quarantine q
                                            WHERE q.replica = r.uuid AND q.seq = o.seq)
                            AND o.seq > coalesce((SELECT c.through FROM sync_continues c
                                                  JOIN sync_replicas own ON own.n = 1
                                                  WHERE c.replica = own.uuid AND c.old = r.uuid), 0)
                          ORDER BY o.seq DESC LIMIT 1))
               FROM sync_replicas r WHERE r.n != 1",
        )?
        .query_row([], |row| row.get(0))?)
}

/// A span of seconds as people say it: days, else hours, else minutes.
pub fn span(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match seconds {
        s if s >= 2 * 86_400 => plural(s / 86_400, "day"),
        s if s >= 3_600 => plural(s / 3_600, "hour"),
        s => plural((s / 60).max(1), "minute"),
    }
}
