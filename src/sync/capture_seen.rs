//! What the capture hook (`capture_hook.rs`) keeps of each row change it is shown, until it is
//! written to the staging table: compact events in the order AFTER triggers would have fired,
//! the fields of records as they were, and which records this write created or removed.

use super::capture_sql as codes;
use super::preupdate::{Change, Op};
use crate::db::entity;
use crate::error::Result;
use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::Value;
use std::collections::HashMap;

// The staged-table codes, as the compact events here hold them.
const CONTACTS: u8 = codes::CONTACTS as u8;
const TAGS: u8 = codes::TAGS as u8;
const EMAILS: u8 = codes::EMAILS as u8;
const PHONES: u8 = codes::PHONES as u8;
const INTERACTIONS: u8 = codes::INTERACTIONS as u8;
const PARTICIPANTS: u8 = codes::PARTICIPANTS as u8;
const FOLLOWUPS: u8 = codes::FOLLOWUPS as u8;
const SETTINGS: u8 = codes::SETTINGS as u8;
const ALIASES: u8 = codes::ALIASES as u8;

/// The columns of a record table that are fields under the same name (`db/entity.rs`): what a
/// change keeps of the row as it was, with its `uid`, and what makes an update a change.
fn field_columns(tbl: u8) -> [&'static [&'static str]; 2] {
    match tbl {
        CONTACTS => [&entity::CONTACT_TEXT, &entity::CONTACT_TIMES],
        INTERACTIONS => [&entity::INTERACTION_COLUMNS, &[]],
        FOLLOWUPS => [&entity::FOLLOWUP_COLUMNS, &[]],
        _ => [&[], &[]],
    }
}

/// The columns of a record table that name another record by id: field, table named, column.
fn naming_columns(tbl: u8) -> &'static [(&'static str, u8, &'static str)] {
    match tbl {
        CONTACTS => &[("via", CONTACTS, "via_id")],
        FOLLOWUPS => &[
            ("contact", CONTACTS, "contact_id"),
            ("interaction", INTERACTIONS, "interaction_id"),
        ],
        _ => &[],
    }
}

/// One staged change, as a row of `temp.sync_staged` will hold it. Kept small: a bulk import
/// stages a million creations (16 bytes each); whatever else a change carries is in `extra`.
#[derive(Clone, Copy)]
pub(super) struct Event {
    pub(super) tbl: u8,
    pub(super) change: u8,
    pub(super) row_id: i64,
    pub(super) extra: u32,
}

const NO_EXTRA: u32 = u32::MAX;

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
    pub(super) tbl: u8,
    pub(super) id: Option<i64>,
}

impl Named {
    /// The table of the record named (contacts or interactions).
    pub(super) fn table(&self) -> &'static str {
        if self.tbl == CONTACTS {
            "contacts"
        } else {
            "interactions"
        }
    }
}

/// Everything seen since the write began.
#[derive(Default)]
pub(super) struct Buffer {
    pub(super) events: Vec<Event>,
    /// Changes still waiting for what they set off (depth, change).
    pub(super) open: Vec<(i32, Event)>,
    pub(super) extras: Vec<Extra>,
    /// Contacts and interactions created by this write: their list items and participants
    /// are part of the creation, not changes of their own.
    pub(super) created_contacts: SortedIds,
    pub(super) created_interactions: SortedIds,
    /// Records removed by this write: their uids, to name them after they are gone.
    pub(super) removed: HashMap<(u8, i64), String>,
    pub(super) columns: Columns,
    /// The hook failed on some change: the write must not be recorded as if complete.
    /// (A cell: it is set while a change is read through `&self`.)
    pub(super) broken: std::cell::Cell<bool>,
}

/// Ids in ascending order: 8 bytes each, for the million a bulk import creates. New ids
/// mostly arrive in ascending order (AUTOINCREMENT), so most inserts are a push.
#[derive(Default)]
pub(super) struct SortedIds(Vec<i64>);

impl SortedIds {
    fn insert(&mut self, id: i64) {
        match self.0.last() {
            Some(last) if *last >= id => {
                if let Err(at) = self.0.binary_search(&id) {
                    self.0.insert(at, id);
                }
            }
            _ => self.0.push(id),
        }
    }

    fn contains(&self, id: i64) -> bool {
        self.0.binary_search(&id).is_ok()
    }

    fn remove(&mut self, id: i64) {
        if let Ok(at) = self.0.binary_search(&id) {
            self.0.remove(at);
        }
    }
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
        for table in [
            "contacts",
            "interactions",
            "followups",
            "interaction_contacts",
            "contact_tags",
            "contact_emails",
            "contact_phones",
            "contact_aliases",
            "settings",
        ] {
            let rows = stmt.query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))?;
            by_table.insert(table, rows.collect::<rusqlite::Result<_>>()?);
        }
        Ok(Columns { by_table })
    }

    fn index(&self, table: &str, column: &str) -> Option<i32> {
        self.by_table.get(table)?.get(column).copied()
    }
}

/// The row as it was (update, delete) or as it will be (insert).
#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

fn column(columns: &Columns, change: &Change, side: Side, name: &str) -> SqlValue {
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

fn json_of(value: SqlValue) -> Value {
    match value {
        SqlValue::Null | SqlValue::Blob(_) => Value::Null,
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => Value::from(f),
        SqlValue::Text(s) => Value::String(s),
    }
}

fn int_of(value: &SqlValue) -> Option<i64> {
    match value {
        SqlValue::Integer(i) => Some(*i),
        _ => None,
    }
}

fn text_of(value: SqlValue) -> Option<String> {
    match value {
        SqlValue::Text(s) => Some(s),
        _ => None,
    }
}

impl Buffer {
    /// Forgets everything seen (the columns stay: they belong to the connection).
    pub(super) fn clear(&mut self) {
        *self = Buffer {
            columns: std::mem::take(&mut self.columns),
            ..Buffer::default()
        };
    }

    /// What is added to this record from now on is staged as a change of its own.
    pub(super) fn forget_created(&mut self, tbl: u8, row_id: i64) {
        match tbl {
            CONTACTS => self.created_contacts.remove(row_id),
            INTERACTIONS => self.created_interactions.remove(row_id),
            _ => {}
        }
    }

    fn push(&mut self, depth: i32, tbl: u8, change: u8, row_id: i64, extra: Option<Extra>) {
        let extra = match extra {
            Some(extra) => {
                self.extras.push(extra);
                (self.extras.len() - 1) as u32
            }
            None => NO_EXTRA,
        };
        self.close_down_to(depth);
        self.open.push((
            depth,
            Event {
                tbl,
                change,
                row_id,
                extra,
            },
        ));
    }

    /// Stages every waiting change at `depth` or deeper: what they set off is done.
    pub(super) fn close_down_to(&mut self, depth: i32) {
        while let Some((d, _)) = self.open.last() {
            if *d < depth {
                break;
            }
            let (_, event) = self.open.pop().expect("checked above");
            self.events.push(event);
        }
    }

    fn named(&self, tbl: u8, id: SqlValue) -> Named {
        let id = int_of(&id).filter(|id| !self.removed.contains_key(&(tbl, *id)));
        Named { tbl, id }
    }

    /// The record's fields before the change (uid included) and the records it names.
    fn old_record(&self, tbl: u8, change: &Change) -> Old {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let mut binary = false;
        let fields = std::iter::once("uid")
            .chain(field_columns(tbl).into_iter().flatten().copied())
            .map(|name| {
                let value = col(name);
                binary |= matches!(value, SqlValue::Blob(_));
                (name, json_of(value))
            })
            .collect();
        // Bytes that are not text have no place in an operation's JSON: the write fails at
        // `flush` rather than record (and later undo to) a NULL in their place.
        if binary {
            self.broken.set(true);
        }
        let refs = naming_columns(tbl)
            .iter()
            .map(|(field, named, name)| (*field, self.named(*named, col(name))))
            .collect();
        Old::Record { fields, refs }
    }

    pub(super) fn see(&mut self, change: &Change) {
        let Some(tbl) = table_code(change.table) else {
            return;
        };
        // `me.*` settings (`me.email`) belong to this machine's member and never sync.
        if tbl == SETTINGS {
            let side = match change.op {
                Op::Insert => Side::New,
                Op::Delete | Op::Update => Side::Old,
            };
            let key = text_of(column(&self.columns, change, side, "key"));
            if key.is_some_and(|key| crate::checks::is_machine_setting(&key)) {
                return;
            }
        }
        match change.op {
            Op::Insert => self.inserted(tbl, change),
            Op::Delete => self.deleted(tbl, change),
            Op::Update => self.updated(tbl, change),
        }
    }

    fn inserted(&mut self, tbl: u8, change: &Change) {
        let depth = change.depth;
        match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                let id = change.new_rowid;
                match tbl {
                    CONTACTS => self.created_contacts.insert(id),
                    INTERACTIONS => self.created_interactions.insert(id),
                    _ => {}
                }
                self.push(depth, tbl, b'I', id, None);
            }
            SETTINGS => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(column(&self.columns, change, Side::New, "key")),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'I', 0, Some(extra));
            }
            _ => self.member(tbl, b'I', Side::New, change),
        }
    }

    /// `rel merge` moves handles with `INSERT OR REPLACE`: SQLite deletes the row that held the
    /// handle just before it inserts the new one, and calls the hook for that delete too. A
    /// trigger never saw it (delete triggers do not fire for REPLACE), and the handle is not
    /// lost but moved, so the removal is dropped: the delete just seen at this depth of the
    /// same handle.
    fn forget_replaced_alias(&mut self, depth: i32, handle: Option<&str>) {
        let Some((d, last)) = self.open.last() else {
            return;
        };
        let replaced = *d == depth
            && last.tbl == ALIASES
            && last.change == b'D'
            && self
                .extras
                .get(last.extra as usize)
                .is_some_and(|extra| extra.item.as_deref() == handle);
        if replaced {
            self.open.pop();
        }
    }

    fn deleted(&mut self, tbl: u8, change: &Change) {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let depth = change.depth;
        match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                let id = change.old_rowid;
                let record = self.old_record(tbl, change);
                let reference = (tbl == FOLLOWUPS)
                    .then(|| int_of(&col("contact_id")))
                    .flatten();
                if let Some(uid) = text_of(col("uid")) {
                    self.removed.insert((tbl, id), uid);
                }
                let extra = Extra {
                    reference,
                    old: Some(record),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', id, Some(extra));
            }
            SETTINGS => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(col("key")),
                    old: Some(Old::Plain(col("value"))),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', 0, Some(extra));
            }
            _ => self.member(tbl, b'D', Side::Old, change),
        }
    }

    /// A participant or list item added (`I`) or removed (`D`): staged under the interaction
    /// or contact it belongs to, unless that was created by this write (the creation holds it).
    fn member(&mut self, tbl: u8, kind: u8, side: Side, change: &Change) {
        let col = |name| column(&self.columns, change, side, name);
        let (owner, created) = if tbl == PARTICIPANTS {
            (col("interaction_id"), &self.created_interactions)
        } else {
            (col("contact_id"), &self.created_contacts)
        };
        let Some(owner) = int_of(&owner) else {
            return;
        };
        let extra = if tbl == PARTICIPANTS {
            Extra {
                reference: int_of(&col("contact_id")),
                old: Some(Old::Plain(col("position"))),
                ..Extra::default()
            }
        } else {
            Extra {
                item: text_of(col(item_column(tbl))),
                ..Extra::default()
            }
        };
        if kind == b'I' {
            let created = created.contains(owner);
            if tbl == ALIASES {
                self.forget_replaced_alias(change.depth, extra.item.as_deref());
            }
            if created {
                return;
            }
        }
        self.push(change.depth, tbl, kind, owner, Some(extra));
    }

    /// Updates of list items and participants were never staged (no command makes them: they
    /// are added and removed), so they are not here either.
    fn updated(&mut self, tbl: u8, change: &Change) {
        let columns = &self.columns;
        let differs = |name: &str| {
            column(columns, change, Side::Old, name) != column(columns, change, Side::New, name)
        };
        let changed = match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                field_columns(tbl)
                    .into_iter()
                    .flatten()
                    .any(|name| differs(name))
                    || naming_columns(tbl).iter().any(|(_, _, name)| differs(name))
            }
            SETTINGS => differs("value"),
            _ => return,
        };
        if !changed {
            return;
        }
        let col = |name| column(&self.columns, change, Side::Old, name);
        let extra = if tbl == SETTINGS {
            Extra {
                no_row: true,
                item: text_of(col("key")),
                old: Some(Old::Plain(col("value"))),
                ..Extra::default()
            }
        } else {
            Extra {
                reference: (tbl == FOLLOWUPS)
                    .then(|| int_of(&col("contact_id")))
                    .flatten(),
                old: Some(self.old_record(tbl, change)),
                ..Extra::default()
            }
        };
        self.push(change.depth, tbl, b'U', change.old_rowid, Some(extra));
    }
}

fn table_code(table: &str) -> Option<u8> {
    Some(match table {
        "contacts" => CONTACTS,
        "contact_tags" => TAGS,
        "contact_emails" => EMAILS,
        "contact_phones" => PHONES,
        "interactions" => INTERACTIONS,
        "interaction_contacts" => PARTICIPANTS,
        "followups" => FOLLOWUPS,
        "settings" => SETTINGS,
        "contact_aliases" => ALIASES,
        _ => return None,
    })
}

fn item_column(tbl: u8) -> &'static str {
    match tbl {
        TAGS => "tag",
        EMAILS => "email",
        PHONES => "phone",
        _ => "handle",
    }
}
