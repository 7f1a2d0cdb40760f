//! The last-writer-wins registers (`sync_fields`): for each (uid, field) set by a change, the
//! stamp that won and its value. A field with no register still holds its creation value,
//! which is older than any change.

use crate::db::entity::Fields;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// Orders changes: the hybrid logical clock, then the replica id. `Stamp::CREATION` is what a
/// creation's fields carry: older than any change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub hlc: i64,
    pub replica: String,
}

impl Stamp {
    pub const CREATION: Stamp = Stamp {
        hlc: 0,
        replica: String::new(),
    };
}

/// The register of one field, if a change (or a pending value) set it.
pub fn get(conn: &Connection, uid: &str, field: &str) -> Result<Option<(Stamp, Value)>> {
    Ok(conn
        .prepare_cached(
            "SELECT hlc, replica, value FROM sync_fields WHERE uid = ?1 AND field = ?2",
        )?
        .query_row([uid, field], |row| {
            let value: Option<String> = row.get(2)?;
            Ok((
                Stamp {
                    hlc: row.get(0)?,
                    replica: row.get(1)?,
                },
                value
                    .and_then(|v| serde_json::from_str(&v).ok())
                    .unwrap_or(Value::Null),
            ))
        })
        .optional()?)
}

/// Every register of a record, by field.
pub fn all(conn: &Connection, uid: &str) -> Result<Vec<(String, Stamp, Value)>> {
    let mut stmt =
        conn.prepare_cached("SELECT field, hlc, replica, value FROM sync_fields WHERE uid = ?1")?;
    let rows = stmt.query_map([uid], |row| {
        let value: Option<String> = row.get(3)?;
        Ok((
            row.get(0)?,
            Stamp {
                hlc: row.get(1)?,
                replica: row.get(2)?,
            },
            value
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or(Value::Null),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What a contact's creation still asks for, over its fields as they stand: a contact renamed
/// by a handle collision keeps the handle it was created with as a creation-time register.
pub fn creation_time(conn: &Connection, uid: &str) -> Result<Vec<(String, Value)>> {
    Ok(all(conn, uid)?
        .into_iter()
        .filter(|(_, stamp, _)| *stamp == Stamp::CREATION)
        .map(|(field, _, value)| (field, value))
        .collect())
}

/// Sets one register.
pub fn put(conn: &Connection, uid: &str, field: &str, stamp: &Stamp, value: &Value) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_fields (uid, field, hlc, replica, value) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (uid, field) DO UPDATE SET hlc = excluded.hlc, replica = excluded.replica,
             value = excluded.value",
    )?
    .execute(params![
        uid,
        field,
        stamp.hlc,
        stamp.replica,
        serde_json::to_string(value)?
    ])?;
    Ok(())
}

/// Sets the registers of every field of an own change.
pub fn stamp_all(
    conn: &Connection,
    uid: &str,
    set: &Fields,
    hlc: i64,
    replica: &str,
) -> Result<()> {
    let stamp = Stamp {
        hlc,
        replica: replica.to_string(),
    };
    for (field, value) in set {
        put(conn, uid, field, &stamp, value)?;
    }
    Ok(())
}

/// Keeps creation values where no register exists yet (a removed contact's fields, a record
/// that cannot be written yet), so they can be used later.
pub fn keep_unstamped(conn: &Connection, uid: &str, fields: &Fields) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO sync_fields (uid, field, hlc, replica, value) VALUES (?1, ?2, 0, '', ?3)",
    )?;
    for (field, value) in fields {
        stmt.execute(params![uid, field, serde_json::to_string(value)?])?;
    }
    Ok(())
}

/// Records that name `reference` in `field` (e.g. interactions with `with:UID`, follow-ups
/// with `contact` = UID): values waiting for that record to arrive.
pub fn referring(conn: &Connection, field: &str, value: &Value) -> Result<Vec<(String, Value)>> {
    let mut stmt =
        conn.prepare_cached("SELECT uid, value FROM sync_fields WHERE field = ?1 AND value = ?2")?;
    let rows = stmt.query_map(params![field, serde_json::to_string(value)?], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, value) = row?;
        out.push((
            uid,
            value
                .and_then(|v| serde_json::from_str(&v).ok())
                .unwrap_or(Value::Null),
        ));
    }
    Ok(out)
}

/// Records with a register named `field` whose value is not null (e.g. every `with:UID`).
pub fn with_field(conn: &Connection, field: &str) -> Result<Vec<(String, Value)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uid, value FROM sync_fields WHERE field = ?1 AND value IS NOT NULL AND value != 'null'",
    )?;
    let rows = stmt.query_map([field], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (uid, value) = row?;
        out.push((uid, serde_json::from_str(&value).unwrap_or(Value::Null)));
    }
    Ok(out)
}
