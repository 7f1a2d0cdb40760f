//! Follow-ups: promises and reminders tied to a contact (and the interaction they came from).

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone)]
pub struct FollowUp {
    pub id: i64,
    pub uid: String,
    pub contact_id: i64,
    pub handle: String,
    pub due_at: i64,
    pub text: String,
    pub interaction_id: Option<i64>,
    pub done_at: Option<i64>,
}

const COLUMNS: &str =
    "f.id, f.uid, f.contact_id, c.handle, f.due_at, f.text, f.interaction_id, f.done_at";

fn from_row(row: &Row) -> rusqlite::Result<FollowUp> {
    Ok(FollowUp {
        id: row.get(0)?,
        uid: row.get(1)?,
        contact_id: row.get(2)?,
        handle: row.get(3)?,
        due_at: row.get(4)?,
        text: row.get(5)?,
        interaction_id: row.get(6)?,
        done_at: row.get(7)?,
    })
}

#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub uid: Option<String>,
    pub contact_id: i64,
    pub interaction_id: Option<i64>,
    pub due_at: i64,
    pub text: String,
}

pub fn insert(conn: &Connection, new: &NewFollowUp, now: i64) -> Result<i64> {
    let uid = new.uid.clone().unwrap_or_else(super::contacts::new_uid);
    conn.prepare_cached(
        "INSERT INTO followups (uid, contact_id, interaction_id, due_at, text, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        uid,
        new.contact_id,
        new.interaction_id,
        new.due_at,
        new.text,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<FollowUp> {
    let sql = format!(
        "SELECT {COLUMNS} FROM followups f JOIN contacts c ON c.id = f.contact_id WHERE f.id = ?1"
    );
    conn.query_row(&sql, [id], from_row)
        .optional()?
        .ok_or_else(|| {
            Error::not_found(format!("no follow-up {id}")).with_hint("see 'rel followups'")
        })
}

/// Follow-ups soonest first: open ones only unless `all`; of one contact when given.
/// The SQL `list` runs (public so tests can check its plan). For one contact the filter is a
/// plain `f.contact_id = ?2`: written as `?2 IS NULL OR …` the planner cannot use
/// `followups_contact` and `rel show` read every open follow-up (1,242 pages at L).
pub fn list_sql(by_contact: bool) -> String {
    let contact_filter = if by_contact {
        "f.contact_id = ?2"
    } else {
        "?2 IS NULL"
    };
    format!(
        "SELECT {COLUMNS} FROM followups f JOIN contacts c ON c.id = f.contact_id
         WHERE (?1 OR f.done_at IS NULL) AND {contact_filter}
         ORDER BY f.done_at IS NOT NULL, f.due_at, f.id LIMIT ?3"
    )
}

pub fn list(
    conn: &Connection,
    all: bool,
    contact_id: Option<i64>,
    limit: Option<usize>,
) -> Result<Vec<FollowUp>> {
    let sql = list_sql(contact_id.is_some());
    let limit = limit.map_or(-1, |n| n as i64);
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![all, contact_id, limit], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks follow-ups done; every id must exist, or nothing changes (the caller's transaction).
pub fn mark_done(conn: &Connection, ids: &[i64], now: i64) -> Result<()> {
    for id in ids {
        get(conn, *id)?;
        conn.execute(
            "UPDATE followups SET done_at = coalesce(done_at, ?2) WHERE id = ?1",
            params![id, now],
        )?;
    }
    Ok(())
}

/// Reopens done follow-ups; every id must exist, or nothing changes (the caller's transaction).
pub fn reopen(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        get(conn, *id)?;
        conn.execute("UPDATE followups SET done_at = NULL WHERE id = ?1", [id])?;
    }
    Ok(())
}

/// Changes a follow-up's due time and/or text (None keeps the current value).
pub fn update(conn: &Connection, id: i64, due_at: Option<i64>, text: Option<&str>) -> Result<()> {
    get(conn, id)?;
    conn.execute(
        "UPDATE followups SET due_at = coalesce(?2, due_at), text = coalesce(?3, text)
         WHERE id = ?1",
        params![id, due_at, text],
    )?;
    Ok(())
}

/// Deletes follow-ups; every id must exist, or nothing changes (the caller's transaction).
pub fn delete(conn: &Connection, ids: &[i64]) -> Result<()> {
    for id in ids {
        get(conn, *id)?;
        conn.execute("DELETE FROM followups WHERE id = ?1", [id])?;
    }
    Ok(())
}

/// Whether a contact has any follow-up.
pub fn any_for(conn: &Connection, contact_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM followups WHERE contact_id = ?1)")?
        .query_row([contact_id], |row| row.get(0))?)
}

/// The uids of a contact's follow-ups.
pub fn uids_for(conn: &Connection, contact_id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT uid FROM followups WHERE contact_id = ?1")?;
    let rows = stmt.query_map([contact_id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Moves every follow-up of contact `from` to contact `to`.
pub fn move_all(conn: &Connection, from: i64, to: i64) -> Result<()> {
    conn.prepare_cached("UPDATE followups SET contact_id = ?2 WHERE contact_id = ?1")?
        .execute(params![from, to])?;
    Ok(())
}

/// Moves follow-up `uid` to contact `to`, wherever it is. Returns whether it was here (1) or
/// not (0).
pub fn move_to(conn: &Connection, uid: &str, to: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE followups SET contact_id = ?2 WHERE uid = ?1")?
        .execute(params![uid, to])?)
}

/// Moves follow-up `uid` to contact `to` if it is on contact `from`.
pub fn move_from(conn: &Connection, uid: &str, from: i64, to: i64) -> Result<()> {
    conn.prepare_cached("UPDATE followups SET contact_id = ?3 WHERE uid = ?1 AND contact_id = ?2")?
        .execute(params![uid, from, to])?;
    Ok(())
}
