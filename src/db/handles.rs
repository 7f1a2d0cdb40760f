//! Contacts' handles as the sync settles them (a handle's *family*: the handle with its
//! trailing `-N` parts, `bob`, `bob-2`, `bob-2-3`): who holds one, who holds or asks for one
//! of a family, and moving a contact to another. What a contact asks for is its `handle`
//! register in `sync_fields` (JSON text), read here alongside the rows that hold handles.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A contact holding, or asking for, a handle of a family.
pub struct Holder {
    pub id: i64,
    pub uid: String,
    pub created_at: i64,
    /// The handle it holds.
    pub holds: String,
    /// Its handle register's value (JSON text) when it has one.
    pub register: Option<Option<String>>,
}

/// The handle contact `uid` holds; None when it is not here.
pub fn held_by(conn: &Connection, uid: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT handle FROM contacts WHERE uid = ?1")?
        .query_row([uid], |row| row.get::<_, String>(0))
        .optional()?)
}

/// The handle contact `id` holds.
pub fn handle_of(conn: &Connection, id: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT handle FROM contacts WHERE id = ?1")?
        .query_row([id], |row| row.get(0))?)
}

/// Gives contact `id` the handle `handle` (free: the UNIQUE index refuses a taken one).
pub fn set(conn: &Connection, id: i64, handle: &str) -> Result<()> {
    conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE id = ?1")?
        .execute(params![id, handle])?;
    Ok(())
}

/// Contacts holding `family` or a handle that starts with `family-` (some of another family:
/// the caller checks the root), each with its handle register, if any.
pub fn holding(conn: &Connection, family: &str) -> Result<Vec<Holder>> {
    // With each holder's handle register, if any: one join instead of a look-up per
    // holder (a family at L holds up to a hundred contacts).
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.uid, c.created_at, c.handle, f.uid IS NOT NULL, f.value
         FROM contacts c LEFT JOIN sync_fields f ON f.uid = c.uid AND f.field = 'handle'
         WHERE c.handle = ?1 OR (c.handle >= ?1 || '-' AND c.handle < ?1 || '.')",
    )?;
    let rows = stmt.query_map([family], |row| {
        let registered: bool = row.get(4)?;
        Ok(Holder {
            id: row.get(0)?,
            uid: row.get(1)?,
            created_at: row.get(2)?,
            holds: row.get(3)?,
            register: registered
                .then(|| row.get::<_, Option<String>>(5))
                .transpose()?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Contacts here whose handle register asks for `quoted` (a handle as JSON text) or for a
/// value between `from` and `to` (JSON text: the handles that start with it and `-`).
pub fn asking(conn: &Connection, quoted: &str, from: &str, to: &str) -> Result<Vec<Holder>> {
    // Two searches rather than one OR: SQLite reads the OR through `field` alone, every
    // handle register once per family settled.
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.uid, c.created_at, c.handle, f.value FROM sync_fields f
         JOIN contacts c ON c.uid = f.uid
         WHERE f.field = 'handle' AND f.value = ?1
         UNION ALL
         SELECT c.id, c.uid, c.created_at, c.handle, f.value FROM sync_fields f
         JOIN contacts c ON c.uid = f.uid
         WHERE f.field = 'handle' AND f.value >= ?2 AND f.value < ?3",
    )?;
    let rows = stmt.query_map(params![quoted, from, to], |row| {
        Ok(Holder {
            id: row.get(0)?,
            uid: row.get(1)?,
            created_at: row.get(2)?,
            holds: row.get(3)?,
            register: Some(row.get::<_, Option<String>>(4)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
