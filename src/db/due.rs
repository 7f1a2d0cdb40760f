//! What is due: open follow-ups and contacts whose cadence ran out. Both queries read the
//! maintained columns through partial indexes, so their cost does not grow with history.

use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A raw due row before ranking; `followup_id` is None for a contact row.
#[derive(Debug, Clone)]
pub struct DueItem {
    pub followup_id: Option<i64>,
    pub handle: String,
    pub name: String,
    pub due_at: i64,
    pub last_touch: Option<i64>,
    pub every: Option<String>,
    pub reith: Reith,
    /// The follow-up's text (follow-up rows only).
    pub text: Option<String>,
    /// The contact's latest interaction, whose note is read with `note` only when the row is
    /// printed: at 100k contacts, holding every due contact's note at once costs hundreds of MB.
    pub note_of: Option<i64>,
}

fn from_row(row: &Row) -> rusqlite::Result<DueItem> {
    Ok(DueItem {
        followup_id: row.get(0)?,
        handle: row.get(1)?,
        name: row.get(2)?,
        due_at: row.get(3)?,
        last_touch: row.get(4)?,
        every: row.get(5)?,
        reith: super::reith_at(row, 6)?,
        text: row.get(11)?,
        note_of: row.get(12)?,
    })
}

/// Open follow-ups of active contacts due at or before ?1 (tag ?2 or any); walks the
/// `followups_open` partial index.
pub const FOLLOWUPS_SQL: &str = "SELECT f.id, c.handle, c.name, f.due_at, c.last_touch, c.due_every,
        c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, f.text, NULL
     FROM followups f JOIN contacts c ON c.id = f.contact_id
     WHERE f.done_at IS NULL AND f.due_at <= ?1 AND c.archived_at IS NULL
       AND (?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))";

/// Active contacts whose maintained due date is at or before ?1 (tag ?2 or any); walks the
/// `contacts_due` partial index and never touches interactions.
pub const CONTACTS_SQL: &str = "SELECT NULL, c.handle, c.name, c.due_at, c.last_touch, c.due_every,
        c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, NULL,
        c.last_interaction_id
     FROM contacts c
     WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_at <= ?1
       AND (?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))";

/// One interaction's note by id (a rowid lookup).
pub const NOTE_SQL: &str = "SELECT note FROM interactions WHERE id = ?1";

/// Open follow-ups of active contacts due at or before `horizon`.
pub fn followups(conn: &Connection, horizon: i64, tag: Option<&str>) -> Result<Vec<DueItem>> {
    let mut stmt = conn.prepare_cached(FOLLOWUPS_SQL)?;
    let rows = stmt.query_map(params![horizon, tag], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Active contacts whose maintained due date is at or before `horizon`.
pub fn contacts(conn: &Connection, horizon: i64, tag: Option<&str>) -> Result<Vec<DueItem>> {
    let mut stmt = conn.prepare_cached(CONTACTS_SQL)?;
    let rows = stmt.query_map(params![horizon, tag], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The note of a contact row's latest interaction (None if it is gone).
pub fn note(conn: &Connection, interaction_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(NOTE_SQL)?
        .query_row([interaction_id], |row| row.get(0))
        .optional()?)
}

/// Whether any contact has a cadence at all (for the first-run hint of `rel due`).
pub fn any_contact_has_cadence(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE due_at IS NOT NULL)",
        [],
        |row| row.get(0),
    )?)
}
