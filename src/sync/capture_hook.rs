//! Sees every row a write changes, through SQLite's pre-update hook, and stages it for
//! [`super::capture::record`] in `temp.sync_staged` (the rows the temporary triggers of old
//! staged, in the same order and shape).
//!
//! Why a hook and not triggers: 22 temporary triggers had to be parsed by every writing
//! process before its first write, about 2 ms of CPU, a third of `rel log` at L. A hook costs
//! nothing to set up. It cannot run SQL while SQLite calls it, so it keeps what it sees in
//! memory and [`flush`] writes it to the staging table before anyone reads that table.
//!
//! What a trigger would have seen, and when: an AFTER trigger fires once the row and the
//! foreign-key actions it set off are done, so a contact's removal is staged after the tags and
//! follow-ups it took with it. The hook is called before each change, parents first; changes
//! wait on a stack until everything nested in them (deeper `depth`) is done, then go in the
//! order triggers would have used. A record named by id (`via`, a follow-up's contact) is
//! named as a trigger would have found it right after the change: absent if this write had
//! removed it by then.

use super::capture_sql as codes;
use super::preupdate::{self, Change, Op};
use crate::error::{Error, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

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

/// The columns a change to each record table keeps of the row as it was (the fields of an
/// operation), and the columns that name another record by id.
const CONTACT_FIELDS: [&str; 12] = [
    "uid",
    "handle",
    "name",
    "org",
    "role",
    "every",
    "birthday",
    "note",
    "created_at",
    "archived_at",
    "snoozed_until",
    "owner",
];
const INTERACTION_FIELDS: [&str; 11] = [
    "uid",
    "at",
    "channel",
    "note",
    "respect",
    "empathy",
    "integrity",
    "trust",
    "honesty",
    "created_at",
    "author",
];
const FOLLOWUP_FIELDS: [&str; 5] = ["uid", "due_at", "text", "done_at", "created_at"];
/// Columns whose change is a change of the record (`contact_id`, `interaction_id` and
/// `via_id` included); maintained columns are not.
const CONTACT_WATCHED: [&str; 12] = [
    "handle",
    "name",
    "org",
    "role",
    "every",
    "birthday",
    "via_id",
    "note",
    "created_at",
    "archived_at",
    "snoozed_until",
    "owner",
];
const INTERACTION_WATCHED: [&str; 10] = [
    "at",
    "channel",
    "note",
    "respect",
    "empathy",
    "integrity",
    "trust",
    "honesty",
    "created_at",
    "author",
];
const FOLLOWUP_WATCHED: [&str; 6] = [
    "contact_id",
    "interaction_id",
    "due_at",
    "text",
    "done_at",
    "created_at",
];

/// One staged change, as a row of `temp.sync_staged` will hold it. Kept small: a bulk import
/// stages a million creations (16 bytes each); whatever else a change carries is in `extra`.
#[derive(Clone, Copy)]
struct Event {
    tbl: u8,
    change: u8,
    row_id: i64,
    extra: u32,
}

const NO_EXTRA: u32 = u32::MAX;

/// What a change carries besides its table, kind and row.
#[derive(Default)]
struct Extra {
    no_row: bool,
    reference: Option<i64>,
    item: Option<String>,
    old: Option<Old>,
}

/// The `old` column: a plain value (a setting's value, a participant's position), or a
/// record's fields before the change, some of them naming other records by id.
enum Old {
    Plain(SqlValue),
    Record {
        fields: Vec<(&'static str, Value)>,
        refs: Vec<(&'static str, Named)>,
    },
}

/// Another record named by id: `None` when the column was null or this write had removed it.
struct Named {
    tbl: u8,
    id: Option<i64>,
}

/// Everything seen since the write began.
#[derive(Default)]
struct Buffer {
    events: Vec<Event>,
    /// Changes still waiting for what they set off (depth, change).
    open: Vec<(i32, Event)>,
    extras: Vec<Extra>,
    /// Contacts and interactions created by this write: their list items and participants
    /// are part of the creation, not changes of their own.
    created_contacts: SortedIds,
    created_interactions: SortedIds,
    /// Records removed by this write: their uids, to name them after they are gone.
    removed: HashMap<(u8, i64), String>,
    columns: Columns,
    /// The hook failed on some change: the write must not be recorded as if complete.
    broken: bool,
}

/// Ids in ascending order: 8 bytes each, for the million a bulk import creates. New ids
/// mostly arrive in ascending order (AUTOINCREMENT), so most inserts are a push.
#[derive(Default)]
struct SortedIds(Vec<i64>);

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
struct Columns {
    by_table: HashMap<&'static str, HashMap<String, i32>>,
}

impl Columns {
    fn load(conn: &Connection) -> Result<Columns> {
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
    match columns.index(change.table, name) {
        Some(i) => match side {
            Side::Old => change.old_value(i),
            Side::New => change.new_value(i),
        },
        None => SqlValue::Null,
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
    fn close_down_to(&mut self, depth: i32) {
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
        let names: &[&'static str] = match tbl {
            CONTACTS => &CONTACT_FIELDS,
            INTERACTIONS => &INTERACTION_FIELDS,
            _ => &FOLLOWUP_FIELDS,
        };
        let col = |name| column(&self.columns, change, Side::Old, name);
        let fields = names
            .iter()
            .map(|name| (*name, json_of(col(name))))
            .collect();
        let refs = match tbl {
            CONTACTS => vec![("via", self.named(CONTACTS, col("via_id")))],
            FOLLOWUPS => vec![
                ("contact", self.named(CONTACTS, col("contact_id"))),
                (
                    "interaction",
                    self.named(INTERACTIONS, col("interaction_id")),
                ),
            ],
            _ => Vec::new(),
        };
        Old::Record { fields, refs }
    }

    fn see(&mut self, change: &Change) {
        let Some(tbl) = table_code(change.table) else {
            return;
        };
        match change.op {
            Op::Insert => self.inserted(tbl, change),
            Op::Delete => self.deleted(tbl, change),
            Op::Update => self.updated(tbl, change),
        }
    }

    fn inserted(&mut self, tbl: u8, change: &Change) {
        let col = |name| column(&self.columns, change, Side::New, name);
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
                    item: text_of(col("key")),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'I', 0, Some(extra));
            }
            PARTICIPANTS => {
                let Some(interaction) = int_of(&col("interaction_id")) else {
                    return;
                };
                if self.created_interactions.contains(interaction) {
                    return;
                }
                let extra = Extra {
                    reference: int_of(&col("contact_id")),
                    old: Some(Old::Plain(col("position"))),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'I', interaction, Some(extra));
            }
            _ => {
                let Some(contact) = int_of(&col("contact_id")) else {
                    return;
                };
                let item = text_of(col(item_column(tbl)));
                if tbl == ALIASES {
                    self.forget_replaced_alias(depth, item.as_deref());
                }
                if self.created_contacts.contains(contact) {
                    return;
                }
                let extra = Extra {
                    item,
                    ..Extra::default()
                };
                self.push(depth, tbl, b'I', contact, Some(extra));
            }
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
            PARTICIPANTS => {
                let Some(interaction) = int_of(&col("interaction_id")) else {
                    return;
                };
                let extra = Extra {
                    reference: int_of(&col("contact_id")),
                    old: Some(Old::Plain(col("position"))),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', interaction, Some(extra));
            }
            _ => {
                let Some(contact) = int_of(&col("contact_id")) else {
                    return;
                };
                let extra = Extra {
                    item: text_of(col(item_column(tbl))),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', contact, Some(extra));
            }
        }
    }

    /// Updates of list items and participants were never staged (no command makes them: they
    /// are added and removed), so they are not here either.
    fn updated(&mut self, tbl: u8, change: &Change) {
        let watched: &[&str] = match tbl {
            CONTACTS => &CONTACT_WATCHED,
            INTERACTIONS => &INTERACTION_WATCHED,
            FOLLOWUPS => &FOLLOWUP_WATCHED,
            SETTINGS => &["value"],
            _ => return,
        };
        let columns = &self.columns;
        let changed = watched.iter().any(|name| {
            column(columns, change, Side::Old, name) != column(columns, change, Side::New, name)
        });
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

/// The buffers of the connections this process captures on, by SQLite handle: the hook owns
/// one side, and code that holds only a `&Connection` (the write's transaction) the other.
fn buffers() -> MutexGuard<'static, HashMap<usize, Arc<Mutex<Buffer>>>> {
    static BUFFERS: OnceLock<Mutex<HashMap<usize, Arc<Mutex<Buffer>>>>> = OnceLock::new();
    BUFFERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn key(conn: &Connection) -> usize {
    // SAFETY: the handle is only used as a number identifying the connection.
    unsafe { conn.handle() as usize }
}

fn buffer_of(conn: &Connection) -> Option<Arc<Mutex<Buffer>>> {
    buffers().get(&key(conn)).cloned()
}

fn lock(buffer: &Mutex<Buffer>) -> MutexGuard<'_, Buffer> {
    buffer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts watching this connection's writes (replacing any earlier watch of it).
pub fn install(conn: &Connection) -> Result<()> {
    let buffer = Arc::new(Mutex::new(Buffer {
        columns: Columns::load(conn)?,
        ..Buffer::default()
    }));
    buffers().insert(key(conn), Arc::clone(&buffer));
    preupdate::watch(
        conn,
        Box::new(move |change: &Change| {
            if change.schema != "main" {
                return;
            }
            let mut buffer = lock(&buffer);
            let seen =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| buffer.see(change)));
            // Never silently: the write fails at `flush` rather than record part of itself.
            if seen.is_err() {
                buffer.broken = true;
            }
        }),
    );
    Ok(())
}

/// Forgets whatever was seen (a write begins, or what it staged is not to be recorded).
pub fn forget(conn: &Connection) {
    if let Some(buffer) = buffer_of(conn) {
        let mut buffer = lock(&buffer);
        buffer.events.clear();
        buffer.open.clear();
        buffer.extras.clear();
        buffer.created_contacts = SortedIds::default();
        buffer.created_interactions = SortedIds::default();
        buffer.removed.clear();
        buffer.broken = false;
    }
}

/// A record `rel undo` re-creates: what is added to it from now on is staged as a change.
pub fn forget_created(conn: &Connection, tbl: i64, row_id: i64) {
    if let Some(buffer) = buffer_of(conn) {
        let mut buffer = lock(&buffer);
        match tbl as u8 {
            CONTACTS => buffer.created_contacts.remove(row_id),
            INTERACTIONS => buffer.created_interactions.remove(row_id),
            _ => {}
        }
    }
}

/// Writes what was seen since the last flush to `temp.sync_staged`, in order.
pub fn flush(conn: &Connection) -> Result<()> {
    let Some(buffer) = buffer_of(conn) else {
        return Ok(());
    };
    // Taken out first: the inserts below call the hook, which locks the buffer.
    let (events, extras, removed) = {
        let mut buffer = lock(&buffer);
        if buffer.broken {
            return Err(Error::runtime(
                "the operation log could not follow this write; nothing was changed",
            ));
        }
        buffer.close_down_to(i32::MIN);
        let events = std::mem::take(&mut buffer.events);
        let extras = std::mem::take(&mut buffer.extras);
        (events, extras, buffer.removed.clone())
    };
    if events.is_empty() {
        return Ok(());
    }
    let mut extras: Vec<Option<Extra>> = extras.into_iter().map(Some).collect();
    let mut insert = conn.prepare_cached(
        "INSERT INTO temp.sync_staged (tbl, change, row_id, ref, item, old)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for event in events {
        let change = (event.change as char).to_string();
        let extra = extras
            .get_mut(event.extra as usize)
            .and_then(Option::take)
            .unwrap_or_default();
        let row_id = (!extra.no_row).then_some(event.row_id);
        let old = match extra.old {
            None => SqlValue::Null,
            Some(Old::Plain(value)) => value,
            Some(Old::Record { fields, refs }) => {
                let mut object: Map<String, Value> = fields
                    .into_iter()
                    .map(|(name, value)| (name.to_string(), value))
                    .collect();
                for (name, named) in refs {
                    let uid = uid_named(conn, &removed, &named)?;
                    object.insert(name.to_string(), uid.map_or(Value::Null, Value::String));
                }
                SqlValue::Text(Value::Object(object).to_string())
            }
        };
        insert.execute(params![
            event.tbl,
            change,
            row_id,
            extra.reference,
            extra.item,
            old
        ])?;
    }
    Ok(())
}

/// The uid of a record named by id, as it was right after the change that named it.
fn uid_named(
    conn: &Connection,
    removed: &HashMap<(u8, i64), String>,
    named: &Named,
) -> Result<Option<String>> {
    let Some(id) = named.id else {
        return Ok(None);
    };
    if let Some(uid) = removed.get(&(named.tbl, id)) {
        return Ok(Some(uid.clone()));
    }
    let table = if named.tbl == CONTACTS {
        "contacts"
    } else {
        "interactions"
    };
    Ok(conn
        .prepare_cached(&format!("SELECT uid FROM main.{table} WHERE id = ?1"))?
        .query_row([id], |row| row.get(0))
        .ok())
}
