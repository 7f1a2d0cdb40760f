//! Sees every row a write changes, through SQLite's pre-update hook, and stages it for
//! [`super::record`] in `temp.sync_staged` (the rows the temporary triggers of old
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

use super::events::{Columns, Extra, Named, Old};
use super::preupdate::{self, Change};
use super::seen::Buffer;
use crate::db::entity::Kind;
use crate::error::{Error, Result};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

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

/// This connection's watch: while it lives, the hook stages the connection's changes; dropped,
/// the hook is unregistered and the buffer forgotten (the connection may be closed next, and
/// another opened at the same address).
pub struct Watch {
    key: usize,
    _hook: preupdate::Hook,
}

impl Drop for Watch {
    fn drop(&mut self) {
        buffers().remove(&self.key);
    }
}

/// Starts watching this connection's writes.
///
/// # Safety
/// The returned [`Watch`] must be dropped before `conn` is closed.
pub unsafe fn install(conn: &Connection) -> Result<Watch> {
    let buffer = Arc::new(Mutex::new(Buffer {
        columns: Columns::load(conn)?,
        ..Buffer::default()
    }));
    let watcher = Box::new({
        let buffer = Arc::clone(&buffer);
        move |change: &Change| {
            if change.schema != "main" {
                return;
            }
            let mut buffer = lock(&buffer);
            let seen =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| buffer.see(change)));
            // Never silently: the write fails at `flush` rather than record part of itself.
            if seen.is_err() {
                buffer.broken.set(true);
            }
        }
    });
    // SAFETY: passed on to our caller, who drops the Watch (and with it the Hook) first.
    let hook = unsafe { preupdate::watch(conn, watcher)? };
    buffers().insert(key(conn), buffer);
    Ok(Watch {
        key: key(conn),
        _hook: hook,
    })
}

/// Forgets whatever was seen (a write begins, or what it staged is not to be recorded).
pub fn forget(conn: &Connection) {
    if let Some(buffer) = buffer_of(conn) {
        lock(&buffer).clear();
    }
}

/// A record `rel undo` re-creates: what is added to it from now on is staged as a change.
pub fn forget_created(conn: &Connection, kind: Kind, row_id: i64) {
    if let Some(buffer) = buffer_of(conn) {
        lock(&buffer).forget_created(kind, row_id);
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
        if buffer.broken.get() {
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
    if let Some(uid) = removed.get(&(named.table.code, id)) {
        return Ok(Some(uid.clone()));
    }
    let table = named.table.name;
    Ok(conn
        .prepare_cached(&format!("SELECT uid FROM main.{table} WHERE id = ?1"))?
        .query_row([id], |row| row.get(0))
        .ok())
}
