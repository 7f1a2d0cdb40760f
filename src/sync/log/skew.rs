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
use super::oplog;
use crate::error::Result;
use crate::sync::log::WireOp;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

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
    lower_before(conn, oplog::LOCAL, &own, first_seq, first_stamp)?;
    conn.prepare_cached("UPDATE sync_meta SET value = ?1 WHERE key = 'hlc'")?
        .execute([last])?;
    Ok(())
}

/// Makes each replica's stamps in the operations received effective, in place (see the
/// module comment), and lowers the operations already held to match: applied ones in their
/// registers, held-back ones so they apply once they no longer lie ahead.
pub fn effective(conn: &Connection, ops: &mut [WireOp]) -> Result<()> {
    // Each replica's run is contiguous and in sequence order (fetched replica by replica).
    let mut end = ops.len();
    while end > 0 {
        let replica = ops[end - 1].replica.clone();
        let mut start = end - 1;
        while start > 0 && ops[start - 1].replica == replica {
            start -= 1;
        }
        let mut next: Option<i64> = None;
        for op in ops[start..end].iter_mut().rev() {
            if let Some(bound) = next
                && op.hlc >= bound
            {
                op.hlc = bound - 1;
            }
            next = Some(op.hlc);
        }
        let n: Option<i64> = conn
            .prepare_cached("SELECT n FROM sync_replicas WHERE uuid = ?1")?
            .query_row([&replica], |row| row.get(0))
            .optional()?;
        if let Some(n) = n.filter(|&n| n != oplog::LOCAL) {
            lower_before(conn, n, &replica, ops[start].seq, ops[start].hlc)?;
        }
        end = start;
    }
    Ok(())
}

/// Lowers replica `n`'s operations before `seq`, newest first, to just below `bound` while
/// they are stamped at or after it, and the registers they set with them.
fn lower_before(conn: &Connection, n: i64, uuid: &str, seq: i64, bound: i64) -> Result<()> {
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
        bound = lowered;
        at = seq;
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
/// member's, far ahead) must not keep a corrected clock ahead.
fn newest_received(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max((SELECT o.hlc FROM sync_ops o WHERE o.replica = r.n AND o.held = 0
                            AND NOT EXISTS (SELECT 1 FROM sync_quarantine q
                                            WHERE q.replica = r.uuid AND q.seq = o.seq)
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
