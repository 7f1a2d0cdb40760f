//! Records as field maps, by uid: what an operation carries and what the fold writes back.
//! A record's fields are its synced columns (described in `synced/`; local ids become uids),
//! one `tag:`/`email:`/`phone:` item per list entry, and an interaction's participants as
//! `with:UID` = position. Maintained columns (last touch, due, REITH sums) are never fields:
//! upkeep derives them.

use super::participants;
use super::record_fields::{self, FieldSink, FieldValue};
use super::synced::{self, Column, Field, Missing, OnNull, Reference, Type};
use crate::error::Result;
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

/// A record's fields, sorted by name (serde_json's map is ordered), so bodies are canonical.
pub type Fields = Map<String, Value>;

pub use super::synced::Kind;

/// The local id of a record (settings: 0 when the key is set).
pub fn id_of(conn: &Connection, kind: Kind, uid: &str) -> Result<Option<i64>> {
    let sql = match kind {
        Kind::Setting => "SELECT 0 FROM settings WHERE key = ?1",
        Kind::Contact => "SELECT id FROM contacts WHERE uid = ?1",
        Kind::Interaction => "SELECT id FROM interactions WHERE uid = ?1",
        Kind::FollowUp => "SELECT id FROM followups WHERE uid = ?1",
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

/// The uid of a record by local id (not for settings).
pub fn uid_of(conn: &Connection, kind: Kind, id: i64) -> Result<Option<String>> {
    // The table name comes from the description, never from input.
    let sql = format!("SELECT uid FROM {} WHERE id = ?1", kind.table().name);
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

/// Every field of a record as it stands, or None when there is no such record.
pub fn read(conn: &Connection, kind: Kind, uid: &str) -> Result<Option<Fields>> {
    let mut fields = Fields::new();
    Ok(record_fields::walk(conn, kind, uid, &mut fields)?.then_some(fields))
}

impl FieldSink for Fields {
    fn field(
        &mut self,
        name: &'static str,
        item: Option<&str>,
        value: FieldValue<'_>,
    ) -> Result<()> {
        let name = match item {
            Some(item) => format!("{name}{item}"),
            None => name.to_string(),
        };
        let value = match value {
            FieldValue::Sql(ValueRef::Null) => Value::Null,
            FieldValue::Sql(ValueRef::Integer(n)) | FieldValue::Int(n) => Value::from(n),
            FieldValue::Sql(ValueRef::Real(x)) => Value::from(x),
            FieldValue::Sql(ValueRef::Text(t) | ValueRef::Blob(t)) => {
                Value::String(String::from_utf8_lossy(t).into())
            }
            FieldValue::True => Value::Bool(true),
        };
        self.insert(name, value);
        Ok(())
    }
}

/// What happened when a field was written to its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// It names a record this replica does not hold (yet): keep the value for later.
    Pending,
    /// The record is gone (an interaction or follow-up marked not alive).
    Removed,
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A field's value as its column stores it; None when it is null (or not a number, for a
/// number).
fn stored(field: &Field, value: &Value) -> Option<SqlValue> {
    match field.ty {
        Type::Text => text(value).map(SqlValue::Text),
        Type::Integer => value.as_i64().map(SqlValue::Integer),
    }
}

/// Writes one field of an existing record (`id` from [`id_of`]). Handles are written as given;
/// the fold settles handle collisions before it calls this.
pub fn set_field(
    conn: &Connection,
    kind: Kind,
    id: i64,
    field: &str,
    value: &Value,
) -> Result<Applied> {
    if kind == Kind::Setting {
        return Ok(Applied::Done);
    }
    let table = kind.table();
    if let Some(column) = table.field(field) {
        let bound = match (stored(column, value), column.null) {
            (Some(bound), _) => bound,
            (None, OnNull::Null) => SqlValue::Null,
            (None, OnNull::Empty) => SqlValue::Text(String::new()),
            (None, OnNull::Keep) => return Ok(Applied::Done),
        };
        let sql = format!("UPDATE {} SET {field} = ?2 WHERE id = ?1", table.name);
        conn.prepare_cached(&sql)?.execute(params![id, bound])?;
        return Ok(Applied::Done);
    }
    if let Some(reference) = table.reference(field) {
        let named = match value.as_str() {
            Some(uid) => match id_of(conn, reference.to, uid)? {
                // A record never names itself (a contact as its own `via`).
                Some(named) if reference.to == kind && named == id => None,
                Some(named) => Some(named),
                None if reference.waits => return Ok(Applied::Pending),
                None => None,
            },
            None if reference.required => return Ok(Applied::Pending),
            None => None,
        };
        let sql = format!(
            "UPDATE {} SET {} = ?2 WHERE id = ?1",
            table.name, reference.column
        );
        conn.prepare_cached(&sql)?.execute(params![id, named])?;
        return Ok(Applied::Done);
    }
    match kind {
        Kind::Contact => {
            if let Some((table, column, item)) = list_item(field) {
                let sql = if value.as_bool() == Some(true) {
                    format!("INSERT OR IGNORE INTO {table} (contact_id, {column}) VALUES (?1, ?2)")
                } else {
                    format!("DELETE FROM {table} WHERE contact_id = ?1 AND {column} = ?2")
                };
                conn.prepare_cached(&sql)?.execute(params![id, item])?;
            }
            // Other fields (removed, merged_into, fields of a newer rel) are registers only.
        }
        Kind::Interaction | Kind::FollowUp
            if field == "alive" && value.as_bool() == Some(false) =>
        {
            delete(conn, kind, id)?;
            return Ok(Applied::Removed);
        }
        Kind::Interaction => {
            if let Some(contact) = field.strip_prefix("with:") {
                return set_participant(conn, id, contact, value);
            }
        }
        Kind::FollowUp | Kind::Setting => {}
    }
    Ok(Applied::Done)
}

/// `with:UID` = position (null: no longer taking part).
fn set_participant(conn: &Connection, id: i64, contact: &str, value: &Value) -> Result<Applied> {
    let Some(contact_id) = id_of(conn, Kind::Contact, contact)? else {
        return Ok(if value.is_null() {
            Applied::Done
        } else {
            Applied::Pending
        });
    };
    match value.as_i64() {
        Some(position) => {
            conn.prepare_cached(
                "INSERT INTO interaction_contacts (interaction_id, contact_id, position)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT DO UPDATE SET position = excluded.position",
            )?
            .execute(params![id, contact_id, position])?;
        }
        None => participants::leave(conn, id, contact_id)?,
    }
    Ok(Applied::Done)
}

/// `tag:x` → (table, column, "x").
pub fn list_item(field: &str) -> Option<(&'static str, &'static str, &str)> {
    synced::list_item(field)
}

/// Writes a setting (None removes it).
pub fn set_setting(conn: &Connection, key: &str, value: &Value) -> Result<()> {
    match text(value) {
        Some(value) => super::settings::set(conn, key, &value),
        None => super::settings::unset(conn, key).map(|_| ()),
    }
}

/// Creates a record from its fields; None when a field it cannot do without is missing (a
/// contact's name, an interaction's time, a follow-up's contact). Contact handles must be
/// free (the fold settles collisions first); list items, participants and a `via` are
/// written afterwards with [`set_field`] (see [`is_row_field`]).
pub fn insert(conn: &Connection, kind: Kind, uid: &str, fields: &Fields) -> Result<Option<i64>> {
    if kind == Kind::Setting {
        if let Some(value) = fields.get("value") {
            set_setting(conn, uid, value)?;
        }
        return Ok(Some(0));
    }
    let mut values = vec![SqlValue::Text(uid.to_string())];
    for column in kind.table().columns() {
        let value = match column {
            Column::Field(field) => {
                let given = fields
                    .get(field.name)
                    .and_then(|value| stored(field, value));
                match (given, field.missing) {
                    (Some(value), _) => value,
                    (None, Missing::Refuse) => return Ok(None),
                    (None, Missing::Null) => SqlValue::Null,
                    (None, Missing::Text(text)) => SqlValue::Text(text.to_string()),
                    (None, Missing::Integer(n)) => SqlValue::Integer(n),
                }
            }
            Column::Reference(reference) if reference.with_row() => {
                let named = match fields.get(reference.field).and_then(text) {
                    Some(named) => id_of(conn, reference.to, &named)?,
                    None => None,
                };
                match named {
                    Some(named) => SqlValue::Integer(named),
                    None if reference.required => return Ok(None),
                    None => SqlValue::Null,
                }
            }
            Column::Reference(_) => continue,
        };
        values.push(value);
    }
    conn.prepare_cached(synced::sql(kind).insert.as_str())?
        .execute(rusqlite::params_from_iter(values))?;
    Ok(Some(conn.last_insert_rowid()))
}

/// Fields that belong to the row itself and were written by [`insert`]; the others (list
/// items, participants, via) are written one by one with [`set_field`] afterwards.
pub fn is_row_field(kind: Kind, field: &str) -> bool {
    let table = kind.table();
    match kind {
        Kind::Setting => true,
        _ => {
            table.field(field).is_some()
                || table.reference(field).is_some_and(Reference::with_row)
                || (kind != Kind::Contact && field == "alive")
        }
    }
}

/// Deletes a record (the fold's removal of a contact; cascades as `rel rm` does).
pub fn delete(conn: &Connection, kind: Kind, id: i64) -> Result<()> {
    let sql = format!("DELETE FROM {} WHERE id = ?1", kind.table().name);
    conn.prepare_cached(&sql)?.execute([id])?;
    Ok(())
}

/// Whether a contact takes part in any interaction.
pub fn has_interactions(conn: &Connection, contact_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM interaction_contacts WHERE contact_id = ?1 LIMIT 1")?
        .query_row([contact_id], |_| Ok(()))
        .optional()?
        .is_some())
}
