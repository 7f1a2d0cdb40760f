//! A contact that may go: what the sync's fold reads and writes when it settles a removed
//! contact, and `rel undo` when it takes back a contact's creation (whether anything still
//! names it, who it introduced, archiving it rather than deleting it).

use super::{entity, followups};
use crate::error::Result;
use rusqlite::{Connection, params};

/// Whether an interaction or a follow-up names the contact.
pub fn is_named(conn: &Connection, contact_id: i64) -> Result<bool> {
    Ok(entity::has_interactions(conn, contact_id)? || followups::any_for(conn, contact_id)?)
}

/// The uids of the contacts this one introduced (their `via`).
pub fn introduced_by(conn: &Connection, contact_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT uid FROM contacts WHERE via_id = ?1")?;
    let rows = stmt.query_map([contact_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Archives the contact at `at`, unless it is archived already (its own time stays).
pub fn archive_unless_archived(conn: &Connection, contact_id: i64, at: Option<i64>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE contacts SET archived_at = coalesce(archived_at, ?2) WHERE id = ?1",
    )?
    .execute(params![contact_id, at])?;
    Ok(())
}
