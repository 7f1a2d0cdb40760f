//! Received operations that are kept but never applied: they fail the command line's checks
//! (`validate.rs`), SQLite's constraints rejected them, or the remote would not vouch for
//! them (a PostgreSQL row under a forged author). The operation itself stays in `sync_ops`
//! (received, so nobody fetches it again); this table says why, and every `rel sync` and `rel
//! sync status` lists it, named by the sender's published name, so it is never silent.

use crate::error::Result;
use crate::sync::remote::Refused;
use rusqlite::{Connection, params};

/// One quarantined operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// The sender's replica id.
    pub replica: String,
    pub seq: i64,
    pub reason: String,
    /// Refused by the remote (named by the remote at each sync while it sees the row), not
    /// by rel's checks.
    pub by_remote: bool,
}

/// Keeps (replica, seq) aside with its reason (the first reason found stays).
pub fn keep(tx: &Connection, replica: &str, seq: i64, reason: &str) -> Result<()> {
    insert(tx, replica, seq, reason, false)
}

fn insert(tx: &Connection, replica: &str, seq: i64, reason: &str, by_remote: bool) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_quarantine (replica, seq, reason, by_remote)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![replica, seq, reason, by_remote])?;
    Ok(())
}

/// The remote's own refusals that are final (not a gap, which waits): kept like the others.
pub fn keep_refused(tx: &Connection, refused: &[Refused]) -> Result<()> {
    for entry in refused.iter().filter(|r| !r.waits) {
        insert(tx, &entry.replica, entry.seq, &entry.reason, true)?;
    }
    Ok(())
}

/// Forgets (replica, seq): an operation the remote refused there before (a row it would not
/// vouch for) was followed by the replica's own, which passed.
pub fn release(tx: &Connection, replica: &str, seq: i64) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM sync_quarantine WHERE replica = ?1 AND seq = ?2 AND by_remote = 1",
    )?
    .execute(params![replica, seq])?;
    Ok(())
}

/// Whether anything is quarantined (so a large sync skips [`release`] when nothing is).
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_quarantine)")?
        .query_row([], |row| row.get(0))?)
}

/// Every quarantined operation, by replica and seq.
pub fn list(conn: &Connection) -> Result<Vec<Quarantined>> {
    let mut stmt = conn.prepare(
        "SELECT replica, seq, reason, by_remote FROM sync_quarantine ORDER BY replica, seq",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(Quarantined {
            replica: row.get(0)?,
            seq: row.get(1)?,
            reason: row.get(2)?,
            by_remote: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
