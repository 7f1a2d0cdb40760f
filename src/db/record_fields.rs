//! Which fields a record has, read in one place: its synced columns, one item per list entry
//! (contacts), `alive` and its participants (interactions), `alive` (follow-ups), `value`
//! (settings). [`entity::read`](super::entity::read) gathers them into a map;
//! [`FieldsWriter`](super::record_json::FieldsWriter) writes them straight as JSON for a push.

use super::synced::{self, Kind};
use crate::error::Result;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::sync::LazyLock;

/// One field's value as it is read.
pub enum FieldValue<'a> {
    /// A column's value (a setting's too), as SQLite holds it.
    Sql(ValueRef<'a>),
    /// A list item's or a record's `alive`.
    True,
    /// A participant's position.
    Int(i64),
}

/// Receives a record's fields in the order they are read. A field is named `name` alone (a
/// column, `alive`, `value`), or `name` followed by `item` (a list's prefix and its entry,
/// `with:` and a participant's uid).
pub trait FieldSink {
    fn field(
        &mut self,
        name: &'static str,
        item: Option<&str>,
        value: FieldValue<'_>,
    ) -> Result<()>;
}

/// The per-contact lists: field prefix, table, column (from [`synced::TABLES`]).
pub static LISTS: LazyLock<Vec<(&'static str, &'static str, &'static str)>> = LazyLock::new(|| {
    synced::lists()
        .map(|(table, prefix, column)| (prefix, table.name, column))
        .collect()
});

/// An interaction's participants (by its id): each contact's uid and position.
pub const PARTICIPANTS_SQL: &str =
    "SELECT c.uid, ic.position FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
                 WHERE ic.interaction_id = ?1";

/// `SELECT item FROM list WHERE contact_id = ?1` for each of [`LISTS`], in its order, made once.
static LIST_SQL: LazyLock<Vec<String>> = LazyLock::new(|| {
    LISTS
        .iter()
        .map(|(_, table, column)| format!("SELECT {column} FROM {table} WHERE contact_id = ?1"))
        .collect()
});

/// Hands every field of record `uid` as it stands to `sink`; false when there is no such
/// record.
pub fn walk(conn: &Connection, kind: Kind, uid: &str, sink: &mut dyn FieldSink) -> Result<bool> {
    if kind == Kind::Setting {
        let Some(value) = super::settings::get(conn, uid)? else {
            return Ok(false);
        };
        sink.field(
            "value",
            None,
            FieldValue::Sql(ValueRef::Text(value.as_bytes())),
        )?;
        return Ok(true);
    }
    let mut stmt = conn.prepare_cached(synced::sql(kind).read.as_str())?;
    let mut rows = stmt.query([uid])?;
    let Some(row) = rows.next()? else {
        return Ok(false);
    };
    let id: i64 = row.get(0)?;
    for (i, column) in kind.table().columns().iter().enumerate() {
        sink.field(
            column.field_name(),
            None,
            FieldValue::Sql(row.get_ref(i + 1)?),
        )?;
    }
    drop(rows);
    match kind {
        Kind::Contact => {
            for ((prefix, _, _), sql) in LISTS.iter().zip(LIST_SQL.iter()) {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut items = stmt.query([id])?;
                while let Some(item) = items.next()? {
                    sink.field(prefix, Some(text_at(item, 0)?), FieldValue::True)?;
                }
            }
        }
        Kind::Interaction => {
            sink.field("alive", None, FieldValue::True)?;
            let mut stmt = conn.prepare_cached(PARTICIPANTS_SQL)?;
            let mut rows = stmt.query([id])?;
            while let Some(row) = rows.next()? {
                let position: i64 = row.get(1)?;
                sink.field("with:", Some(text_at(row, 0)?), FieldValue::Int(position))?;
            }
        }
        Kind::FollowUp => sink.field("alive", None, FieldValue::True)?,
        Kind::Setting => {}
    }
    Ok(true)
}

/// Column `i` of `row` as text, refused as `row.get::<String>` refuses (not text, not UTF-8),
/// without the copy.
fn text_at<'row>(row: &'row rusqlite::Row, i: usize) -> rusqlite::Result<&'row str> {
    match row.get_ref(i)? {
        ValueRef::Text(bytes) => {
            std::str::from_utf8(bytes).map_err(|err| rusqlite::Error::Utf8Error(i, err))
        }
        other => Err(rusqlite::Error::InvalidColumnType(
            i,
            row.as_ref().column_name(i)?.to_string(),
            other.data_type(),
        )),
    }
}
