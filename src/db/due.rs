//! What is due: open follow-ups and contacts whose cadence ran out. Both queries read the
//! maintained columns through partial indexes, so their cost does not grow with history.

use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, Row, params};

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
    pub text: Option<String>,
}

fn from_row(row: &Row) -> rusqlite::Result<DueItem> {
    Ok(DueItem {
        followup_id: row.get(0)?,
        handle: row.get(1)?,
        name: row.get(2)?,
        due_at: row.get(3)?,
        last_touch: row.get(4)?,
        every: row.get(5)?,
        reith: Reith {
            respect: row.get(6)?,
            empathy: row.get(7)?,
            integrity: row.get(8)?,
            trust: row.get(9)?,
            honesty: row.get(10)?,
        },
        text: row.get(11)?,
    })
}

const CONTACT_PART: &str = "c.handle, c.name";
const TAIL: &str = "c.last_touch, c.due_every, c.reith_respect, c.reith_empathy, \
    c.reith_integrity, c.reith_trust, c.reith_honesty";

/// Open follow-ups of active contacts due at or before `horizon`.
pub fn followups(conn: &Connection, horizon: i64, tag: Option<&str>) -> Result<Vec<DueItem>> {
    let sql = format!(
        "SELECT f.id, {CONTACT_PART}, f.due_at, {TAIL}, f.text
         FROM followups f JOIN contacts c ON c.id = f.contact_id
         WHERE f.done_at IS NULL AND f.due_at <= ?1 AND c.archived_at IS NULL
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![horizon, tag], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Active contacts whose maintained due date is at or before `horizon`.
pub fn contacts(conn: &Connection, horizon: i64, tag: Option<&str>) -> Result<Vec<DueItem>> {
    let sql = format!(
        "SELECT NULL, {CONTACT_PART}, c.due_at, {TAIL},
                (SELECT i.note FROM interactions i WHERE i.id = c.last_interaction_id)
         FROM contacts c
         WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_at <= ?1
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![horizon, tag], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any contact has a cadence at all (for the first-run hint of `rel due`).
pub fn any_contact_has_cadence(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE due_at IS NOT NULL)",
        [],
        |row| row.get(0),
    )?)
}
