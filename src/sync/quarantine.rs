//! Received operations that are kept but never applied: they fail the command line's checks
//! (`validate.rs`), SQLite's constraints rejected them, or the remote would not vouch for
//! them (a PostgreSQL row under a forged author). The operation itself stays in `sync_ops`
//! (received, so nobody fetches it again); this table says why, and every `rel sync` and `rel
//! sync status` lists it, named by the sender's published name, so it is never silent.

use super::remote::Refused;
use crate::error::Result;
use rusqlite::{Connection, params};

/// One quarantined operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// The sender's replica id.
    pub replica: String,
    pub seq: i64,
    pub reason: String,
}

/// Keeps (replica, seq) aside with its reason (the first reason found stays).
pub fn keep(tx: &Connection, replica: &str, seq: i64, reason: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sync_quarantine (replica, seq, reason) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![replica, seq, reason])?;
    Ok(())
}

/// The remote's own refusals that are final (not a gap, which waits): kept like the others.
pub fn keep_refused(tx: &Connection, refused: &[Refused]) -> Result<()> {
    for entry in refused.iter().filter(|r| !r.waits) {
        keep(tx, &entry.replica, entry.seq, &entry.reason)?;
    }
    Ok(())
}

/// Every quarantined operation, by replica and seq.
pub fn list(conn: &Connection) -> Result<Vec<Quarantined>> {
    let mut stmt =
        conn.prepare("SELECT replica, seq, reason FROM sync_quarantine ORDER BY replica, seq")?;
    let rows = stmt.query_map([], |row| {
        Ok(Quarantined {
            replica: row.get(0)?,
            seq: row.get(1)?,
            reason: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
