//! Turning what a write changed into this replica's operations, inside the same transaction
//! (called by `Db::write`; the changes are seen by `hook.rs`). Creations are recorded
//! in bulk with no body (the record is its own body); every other change becomes one operation
//! per record that sets the fields that changed, with what they were before kept for
//! `rel undo`.

mod changes;
mod events;
mod hook;
mod id_set;
mod preupdate;
pub mod recorder;
mod seen;
pub(in crate::sync) mod sql;

use self::changes::{changes, mark_merges};
use crate::db::entity::Kind;
use crate::error::Result;
use crate::sync::fold::{Fold, ends_participation};
use crate::sync::log::undo_image::UndoImage;
use crate::sync::log::{clock, oplog, registers};
use rusqlite::Connection;
use serde_json::Value;

/// Creates the staging table and starts watching this connection's writes (outside any
/// transaction, so a rolled-back write does not take the table away).
///
/// # Safety
/// The returned [`Watch`](hook::Watch) must be dropped before `conn` is closed.
pub unsafe fn install(conn: &Connection) -> Result<hook::Watch> {
    conn.execute_batch(sql::CREATE)?;
    // SAFETY: passed on to our caller.
    unsafe { hook::install(conn) }
}

/// A write begins: what an earlier, rolled-back write left seen is forgotten.
pub fn begin(conn: &Connection) {
    hook::forget(conn);
}

/// Brings the staging table up to date with every change made so far (before reading it).
pub fn stage(conn: &Connection) -> Result<()> {
    hook::flush(conn)
}

/// The capture's staging, as the fold asks for it ([`crate::sync::fold::Staging`]).
pub struct Staged;

impl crate::sync::fold::Staging for Staged {
    fn stage(&self, conn: &Connection) -> Result<()> {
        stage(conn)
    }

    fn discard(&self, conn: &Connection) -> Result<()> {
        discard(conn)
    }
}

/// Forgets whatever was staged (the fold's own writes are not this replica's operations).
pub fn discard(conn: &Connection) -> Result<()> {
    hook::forget(conn);
    conn.prepare_cached("DELETE FROM temp.sync_staged")?
        .execute([])?;
    Ok(())
}

/// Marks a record re-created by `rel undo`: it is sent whole, as a change, not as a creation
/// (other replicas already saw it created and removed).
pub fn mark_restored(conn: &Connection, kind: Kind, row_id: i64) -> Result<()> {
    stage(conn)?;
    hook::forget_created(conn, kind, row_id);
    conn.prepare_cached(
        "UPDATE temp.sync_staged SET change = 'R' WHERE tbl = ?1 AND row_id = ?2 AND change = 'I'",
    )?
    .execute([i64::from(kind.table().code), row_id])?;
    Ok(())
}

/// What one write recorded: its own operations' first and last seq.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    pub first_seq: i64,
    pub last_seq: i64,
}

/// Records the staged changes as operations stamped at `now_ms`, and the write as one undo
/// step labelled `label` (when `label` is Some). Returns None when nothing changed.
pub fn record(conn: &Connection, now_ms: i64, label: Option<&str>) -> Result<Option<Recorded>> {
    stage(conn)?;
    let staged: i64 = conn
        .prepare_cached("SELECT count(*) FROM temp.sync_staged")?
        .query_row([], |row| row.get(0))?;
    if staged == 0 {
        return Ok(None);
    }
    let local = oplog::replica_id(conn)?;
    let first_seq = oplog::last_own_seq(conn)? + 1;
    let mut seq = first_seq - 1;
    // A clock corrected after running ahead stamps by the clock again (see `log/skew.rs`).
    let (mut last, corrected) = crate::sync::log::skew::stamp_base(conn, now_ms)?;
    let first_stamp = clock::tick(last, now_ms);
    let created = conn
        .prepare_cached(&sql::RECORD_CREATIONS)?
        .execute([seq, first_stamp - 1])? as i64;
    if created > 0 {
        seq += created;
        last = first_stamp + created - 1;
    }
    conn.prepare_cached(&sql::FORGET_CREATED)?.execute([])?;
    // What follows from these changes the way the fold derives it on every replica (not
    // operations of their own, so it is settled after the changes were read): the families of
    // handles freed or asked for (see `handles.rs`; a creation takes a free handle and changes
    // no one else's), and removed contacts an interaction no longer holds.
    let mut derived = Fold::new(conn);
    let mut all = changes(conn, now_ms)?;
    mark_merges(&mut all);
    for change in all {
        seq += 1;
        last = clock::tick(last, now_ms);
        let body = oplog::Body::new(change.kind, &change.uid, false, change.set);
        oplog::append_own(
            conn,
            seq,
            last,
            change.kind,
            &change.uid,
            Some(&body),
            Some(&change.undo),
        )?;
        registers::stamp_all(conn, &change.uid, &body.set, last, &local)?;
        if let Some(dump) = &change.dump {
            registers::keep_unstamped(conn, &change.uid, dump)?;
        }
        match change.kind {
            Kind::Contact => {
                if change.undo == UndoImage::Restored {
                    derived.relink(&change.uid)?;
                }
                // Merged away here: settled as every other machine settles it on receipt (what
                // it holds is handed to the target by the same rule), so they agree.
                if body.set.contains_key("merged_into") {
                    derived.settle_later(&change.uid);
                }
                if body.set.contains_key("merged_into") || body.set.contains_key("removed") {
                    derived.chains_may_change();
                }
                let was = match &change.undo {
                    UndoImage::Fields(before) => before.get("handle"),
                    _ => None,
                };
                let dumped = change.dump.as_ref().and_then(|d| d.get("handle"));
                for handle in [body.set.get("handle"), was, dumped]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    derived.settle_handle_later(handle);
                }
            }
            Kind::Interaction => {
                if let UndoImage::Deleted(whole) = &change.undo {
                    // Kept as the fold keeps an unlogged interaction (see `fold/apply.rs`).
                    registers::keep_unstamped(conn, &change.uid, whole)?;
                }
                if change.undo == UndoImage::Restored {
                    // Brought back naming a contact gone meanwhile: it comes back archived.
                    for (field, _, value) in registers::all(conn, &change.uid)? {
                        if let Some(contact) = field.strip_prefix("with:")
                            && !value.is_null()
                        {
                            derived.settle_later(contact);
                        }
                    }
                }
                let before = change.undo.before();
                let ended = body
                    .set
                    .iter()
                    .any(|(field, value)| ends_participation(field, value));
                for field in before.into_iter().flat_map(|f| f.keys()) {
                    if let Some(contact) = field.strip_prefix("with:")
                        && ended
                    {
                        derived.settle_later(contact);
                    }
                }
            }
            _ => {}
        }
    }
    derived.finish()?;
    // What the derived upkeep changed is not an operation either.
    discard(conn)?;
    if seq < first_seq {
        return Ok(None);
    }
    if corrected {
        crate::sync::log::skew::after_correction(conn, first_seq, first_stamp, last)?;
    } else {
        clock::store(conn, last)?;
        // A journal that moved to a new id before making a change of its own may name the id
        // it continues in its first one (see `log/continues.rs`).
        if first_seq == 1 {
            crate::sync::log::skew::name_link(conn, &local, first_seq, first_stamp)?;
        }
    }
    if let Some(label) = label {
        conn.prepare_cached(
            "INSERT INTO sync_steps (first_seq, last_seq, at, label) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(rusqlite::params![first_seq, seq, now_ms / 1000, label])?;
    }
    Ok(Some(Recorded {
        first_seq,
        last_seq: seq,
    }))
}
