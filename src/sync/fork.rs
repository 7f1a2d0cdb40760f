//! A journal restored from a backup, or copied to a second machine, never reuses what its
//! replica id already published. Such a database numbers its new operations from where the
//! backup (or the copy) stopped, while the remote already holds other operations under those
//! numbers: sent as they are, one history would hide the other on every machine.
//!
//! So before sending, a sync compares what the remote holds of this replica with this
//! database. Where they part (the remote holds operations this database lacks, or the same
//! sequence number with another change), this database moves to a new replica id: its own
//! operations from that point are renumbered under the new id (they are sent as new), and the
//! old id becomes one more replica whose operations are received like anyone else's. The other
//! copy keeps the id; every change of both ends up everywhere.

use super::log::WireOp;
use super::log::oplog::{self, Body, LOCAL};
use super::log::{continues, skew};
use super::remote::Remote;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// Where this database and the remote's operations of this replica part, if they do: the
/// first sequence number this database must not publish as its own.
///
/// `heads` are the remote's; `sent` is how far the remote held this replica at the last sync
/// this database made (everything up to it is this database's own history, so only what
/// follows is compared: normally nothing, since the remote holds no more than was sent).
pub fn parting(
    conn: &Connection,
    remote: &mut dyn Remote,
    own: &str,
    sent: i64,
    heads: &BTreeMap<String, i64>,
) -> Result<Option<i64>> {
    // The remote itself saw two histories of this id (both copies wrote before either saw
    // the other's files): each writer moves, from where they part.
    if let Some(&fork) = remote.forked().get(own) {
        return Ok(Some(fork.max(1)));
    }
    let head = heads.get(own).copied().unwrap_or(0);
    let mine = oplog::last_own_seq(conn)?;
    let compared = head.min(mine);
    if compared > sent {
        for theirs in remote.fetch(own, sent)? {
            if theirs.seq > compared {
                break;
            }
            if !own_change_is(conn, theirs.seq, &theirs.body)? {
                return Ok(Some(theirs.seq));
            }
        }
    }
    Ok((head > mine).then_some(mine + 1))
}

/// Whether this database's own operation `seq` is the change `body`.
fn own_change_is(conn: &Connection, seq: i64, body: &str) -> Result<bool> {
    let row: Option<(String, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT kind, uid, body FROM sync_ops WHERE replica = 1 AND seq = ?1")?
        .query_row([seq], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    Ok(match row {
        None => false,
        Some((_, _, Some(mine))) => oplog::same_change(&mine, body),
        // An own creation keeps no body: compared by record.
        Some((kind, uid, None)) => serde_json::from_str::<Body>(body)
            .is_ok_and(|theirs| theirs.new && theirs.k.name() == kind && Some(theirs.uid) == uid),
    })
}

/// The old id's last operation on the remote, (seq, stamp), which the new id continues
/// through (see `log/continues.rs`).
pub fn last_published(
    remote: &mut dyn Remote,
    own: &str,
    heads: &BTreeMap<String, i64>,
) -> Result<Option<(i64, i64)>> {
    let head = heads.get(own).copied().unwrap_or(0);
    if head < 1 {
        return Ok(None);
    }
    let last = remote.fetch(own, head - 1)?;
    Ok(last
        .iter()
        .find(|op| op.seq == head)
        .map(|op| (op.seq, op.hlc)))
}

/// Links from one replica id to the one it continues (`log/continues.rs`) are honoured only
/// where whoever wrote them may speak for the old id: on a remote that knows members, the old
/// id's own member. A member's link naming another member's replica (which would make that
/// member's changes lose to older ones) is dropped from the operation, the same on every
/// machine (a replica's member never changes); the rest of the operation applies.
pub fn drop_unvouched_links(remote: &mut dyn Remote, ops: &mut [WireOp]) -> Result<()> {
    for op in ops.iter_mut() {
        let Some(author) = op.author.clone() else {
            continue;
        };
        if !op.body.contains("\"continues\"") {
            continue;
        }
        let Ok(mut body) = serde_json::from_str::<Body>(&op.body) else {
            continue;
        };
        let Some(link) = &body.continues else {
            continue;
        };
        if remote.owner(&link.replica).as_deref() != Some(author.as_str()) {
            body.continues = None;
            op.body = serde_json::to_string(&body)?;
        }
    }
    Ok(())
}

/// Moves this database to a new replica id from sequence number `from` on (in the caller's
/// transaction): its operations from there are renumbered 1, 2, 3… under the new id; the ones
/// before stay with the old id, which becomes another replica (what the remote holds of it
/// after them is then received as anyone's). The new id continues the old one through
/// `last_published` (see `log/continues.rs`). Returns the new id.
pub fn move_from(tx: &Connection, from: i64, last_published: Option<(i64, i64)>) -> Result<String> {
    let old = oplog::replica_id(tx)?;
    let new = uuid::Uuid::now_v7().to_string();
    let shift = from - 1;
    // The old id takes a number of its own; the new one becomes this replica (n = 1).
    tx.execute(
        "UPDATE sync_replicas SET uuid = ?1 WHERE n = ?2",
        params![new, LOCAL],
    )?;
    let n = oplog::replica_number(tx, &old)?;
    tx.execute(
        "UPDATE sync_ops SET replica = ?1, undo = NULL WHERE replica = 1 AND seq < ?2",
        params![n, from],
    )?;
    tx.execute(
        "UPDATE sync_ops SET seq = seq - ?1 WHERE replica = 1",
        params![shift],
    )?;
    // Registers this database's moved operations set now name the new id (own stamps only
    // grow with the sequence number, so they are those from the first moved stamp on).
    let first_moved: Option<i64> = tx.query_row(
        "SELECT min(hlc) FROM sync_ops WHERE replica = 1",
        [],
        |row| row.get(0),
    )?;
    if let Some(first_moved) = first_moved {
        tx.execute(
            "UPDATE sync_fields SET replica = ?1 WHERE replica = ?2 AND hlc >= ?3",
            params![new, old, first_moved],
        )?;
        // So do the stamps a merge's hand-over remembers (an undone merge compares them).
        tx.execute(
            "UPDATE sync_handed SET handed_by = ?1 WHERE handed_by = ?2 AND handed_hlc >= ?3",
            params![new, old, first_moved],
        )?;
        tx.execute(
            "UPDATE sync_handed SET before_by = ?1 WHERE before_by = ?2 AND before_hlc >= ?3",
            params![new, old, first_moved],
        )?;
    }
    // Undo steps follow their operations; those entirely before the move belong to the old
    // id now and can no longer be undone here.
    tx.execute("DELETE FROM sync_steps WHERE last_seq < ?1", [from])?;
    tx.execute(
        "UPDATE sync_steps SET first_seq = max(first_seq - ?1, 1), last_seq = last_seq - ?1",
        [shift],
    )?;
    // Nothing of the new id is on the remote yet.
    tx.execute("UPDATE sync_remote SET sent_seq = 0 WHERE id = 1", [])?;
    if let Some((through, through_hlc)) = last_published {
        continues::record_own(tx, &new, &old, through, through_hlc)?;
        skew::after_move(tx, &new)?;
    }
    Ok(new)
}
