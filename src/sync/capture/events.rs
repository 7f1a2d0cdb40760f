//! The compact records the capture hook keeps of row changes (see `seen.rs`): the event, its
//! extra and the row as it was, small enough for the million changes of a bulk import. Which
//! tables and columns are watched is `db/synced/mod.rs`.

use super::preupdate::Change;
use crate::db::synced::{self, Table};
use crate::error::Result;
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::Value;
use std::collections::HashMap;

/// One staged change, as a row of `temp.sync_staged` will hold it. Kept small: a bulk import
/// stages a million creations (16 bytes each); whatever else a change carries is in `extra`.
#[derive(Clone, Copy)]
pub(super) struct Event {
    pub(super) tbl: u8,
    pub(super) change: u8,
    pub(super) row_id: i64,
    pub(super) extra: u32,
}

pub(super) const NO_EXTRA: u32 = u32::MAX;

/// What a change carries besides its table, kind and row.
#[derive(Default)]
pub(super) struct Extra {
    pub(super) no_row: bool,
    pub(super) reference: Option<i64>,
    pub(super) item: Option<String>,
    pub(super) old: Option<Old>,
}

/// The `old` column: a plain value (a setting's value, a participant's position), or a
/// record's fields before the change, some of them naming other records by id.
pub(super) enum Old {
    Plain(SqlValue),
    Record {
        fields: Vec<(&'static str, Value)>,
        refs: Vec<(&'static str, Named)>,
    },
}

/// Another record named by id: `None` when the column was null or this write had removed it.
pub(super) struct Named {
    pub(super) table: &'static Table,
    pub(super) id: Option<i64>,
}

/// Where each needed column sits in each table (read from the schema once per connection).
#[derive(Default, Clone)]
pub(super) struct Columns {
    by_table: HashMap<&'static str, HashMap<String, i32>>,
}

impl Columns {
    pub(super) fn load(conn: &Connection) -> Result<Columns> {
        let mut by_table = HashMap::new();
        let mut stmt = conn.prepare("SELECT name, cid FROM pragma_table_info(?1)")?;
        for table in synced::TABLES {
            let rows = stmt.query_map([table.name], |row| Ok((row.get(0)?, row.get(1)?)))?;
            by_table.insert(table.name, rows.collect::<rusqlite::Result<_>>()?);
        }
        Ok(Columns { by_table })
    }

    pub(super) fn index(&self, table: &str, column: &str) -> Option<i32> {
        self.by_table.get(table)?.get(column).copied()
    }
}

/// The row as it was (update, delete) or as it will be (insert).
#[derive(Clone, Copy)]
pub(super) enum Side {
    Old,
    New,
}

pub(super) fn column(columns: &Columns, change: &Change, side: Side, name: &str) -> SqlValue {
    let value = match columns.index(change.table, name) {
        Some(i) => match side {
            Side::Old => change.old_value(i),
            Side::New => change.new_value(i),
        },
        None => SqlValue::Null,
    };
    // rel writes text, but SQLite keeps whatever type a writer gave (`sqlite3` by hand, a
    // cast): bytes that are text travel as the text they are.
    match value {
        SqlValue::Blob(bytes) => match String::from_utf8(bytes) {
            Ok(text) => SqlValue::Text(text),
            Err(not_text) => SqlValue::Blob(not_text.into_bytes()),
        },
        other => other,
    }
}

pub(super) fn json_of(value: SqlValue) -> Value {
    match value {
        SqlValue::Null | SqlValue::Blob(_) => Value::Null,
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => Value::from(f),
        SqlValue::Text(s) => Value::String(s),
    }
}

pub(super) fn int_of(value: &SqlValue) -> Option<i64> {
    match value {
        SqlValue::Integer(i) => Some(*i),
        _ => None,
    }
}

pub(super) fn text_of(value: SqlValue) -> Option<String> {
    match value {
        SqlValue::Text(s) => Some(s),
        _ => None,
    }
}
