//! Who takes part in which interaction (`interaction_contacts`), row by row: what the sync's
//! fold and `rel undo` read and move (participants to refresh or settle, a merged contact's
//! parts handed to its target and given back).

use crate::error::Result;
use rusqlite::{Connection, params};

/// The local ids of an interaction's participants (in no particular order).
pub fn ids_in(conn: &Connection, interaction_id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn
        .prepare_cached("SELECT contact_id FROM interaction_contacts WHERE interaction_id = ?1")?;
    let rows = stmt.query_map([interaction_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The uids of an interaction's participants (in no particular order).
pub fn uids_in(conn: &Connection, interaction_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.uid FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
             WHERE ic.interaction_id = ?1",
    )?;
    let rows = stmt.query_map([interaction_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The interactions a contact takes part in: (interaction id, its position there).
pub fn parts_of(conn: &Connection, contact_id: i64) -> Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT interaction_id, position FROM interaction_contacts WHERE contact_id = ?1",
    )?;
    let rows = stmt.query_map([contact_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a contact to an interaction at `position`, unless it takes part already (then its
/// own position stays). Returns whether it was added (1) or not (0).
pub fn join(
    conn: &Connection,
    interaction_id: i64,
    contact_id: i64,
    position: i64,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position)
             VALUES (?1, ?2, ?3)",
        )?
        .execute(params![interaction_id, contact_id, position])?)
}

/// Takes a contact out of one interaction.
pub fn leave(conn: &Connection, interaction_id: i64, contact_id: i64) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM interaction_contacts WHERE interaction_id = ?1 AND contact_id = ?2",
    )?
    .execute(params![interaction_id, contact_id])?;
    Ok(())
}

/// Takes a contact out of every interaction it takes part in.
pub fn leave_all(conn: &Connection, contact_id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM interaction_contacts WHERE contact_id = ?1")?
        .execute([contact_id])?;
    Ok(())
}
