//! SQLite's pre-update hook, called directly: rusqlite offers it only with bindings generated at
//! build time (libclang on every machine that runs `cargo install`). The SQLite rel links is
//! compiled with `SQLITE_ENABLE_PREUPDATE_HOOK` by `build.rs`, so the functions are in the
//! binary; a build without that flag fails to link rather than capture nothing.

use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite::ffi;
use rusqlite::types::Value;
use std::ffi::{CStr, c_char, c_int, c_void};

unsafe extern "C" {
    fn sqlite3_preupdate_hook(
        db: *mut ffi::sqlite3,
        hook: Option<
            unsafe extern "C" fn(
                *mut c_void,
                *mut ffi::sqlite3,
                c_int,
                *const c_char,
                *const c_char,
                i64,
                i64,
            ),
        >,
        arg: *mut c_void,
    ) -> *mut c_void;
    fn sqlite3_preupdate_old(
        db: *mut ffi::sqlite3,
        i: c_int,
        out: *mut *mut ffi::sqlite3_value,
    ) -> c_int;
    fn sqlite3_preupdate_new(
        db: *mut ffi::sqlite3,
        i: c_int,
        out: *mut *mut ffi::sqlite3_value,
    ) -> c_int;
    fn sqlite3_preupdate_depth(db: *mut ffi::sqlite3) -> c_int;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// One row change about to happen, as the hook sees it.
pub struct Change<'a> {
    db: *mut ffi::sqlite3,
    pub op: Op,
    pub schema: &'a str,
    pub table: &'a str,
    /// The row id before (update, delete) and after (insert, update) the change.
    pub old_rowid: i64,
    pub new_rowid: i64,
    /// 0 for a statement's own rows, 1 for rows a trigger or foreign-key action changes, …
    pub depth: i32,
}

impl Change<'_> {
    /// Column `i` of the row as it was (update, delete).
    pub fn old_value(&self, i: i32) -> Value {
        self.read(i, sqlite3_preupdate_old)
    }

    /// Column `i` of the row as it will be (insert, update).
    pub fn new_value(&self, i: i32) -> Value {
        self.read(i, sqlite3_preupdate_new)
    }

    fn read(
        &self,
        i: i32,
        get: unsafe extern "C" fn(*mut ffi::sqlite3, c_int, *mut *mut ffi::sqlite3_value) -> c_int,
    ) -> Value {
        let mut value: *mut ffi::sqlite3_value = std::ptr::null_mut();
        // SAFETY: called only while SQLite runs the hook for this change (the `Change` does not
        // outlive the callback); SQLite checks `i` and the kind of change, and returns an error
        // code rather than a value when either does not fit.
        unsafe {
            if get(self.db, i, &mut value) != ffi::SQLITE_OK || value.is_null() {
                return Value::Null;
            }
            match ffi::sqlite3_value_type(value) {
                ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_value_int64(value)),
                ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_value_double(value)),
                ffi::SQLITE_TEXT => {
                    let text = ffi::sqlite3_value_text(value);
                    let len = ffi::sqlite3_value_bytes(value) as usize;
                    if text.is_null() {
                        return Value::Null;
                    }
                    let bytes = std::slice::from_raw_parts(text, len);
                    Value::Text(String::from_utf8_lossy(bytes).into_owned())
                }
                ffi::SQLITE_BLOB => {
                    let blob = ffi::sqlite3_value_blob(value) as *const u8;
                    let len = ffi::sqlite3_value_bytes(value) as usize;
                    if blob.is_null() {
                        // SQLite's pointer for a zero-length BLOB.
                        return Value::Blob(Vec::new());
                    }
                    Value::Blob(std::slice::from_raw_parts(blob, len).to_vec())
                }
                _ => Value::Null,
            }
        }
    }
}

/// What the hook calls. It must not use the connection (SQLite is in the middle of a change).
pub type Watcher = Box<dyn FnMut(&Change) + Send>;

/// A watcher registered on one connection. Dropping it unregisters the watcher and frees it,
/// so its lifetime is the owner's to tie to the connection's (see [`watch`]).
pub struct Hook {
    db: *mut ffi::sqlite3,
    watcher: *mut Watcher,
}

/// Calls `watcher` before every row change on `conn`, until the returned [`Hook`] is dropped.
/// A connection has one pre-update hook: if another is registered, it is left in place and
/// an error returned (its owner's `Hook` still frees it).
///
/// # Safety
/// The `Hook` must be dropped before `conn` is closed: it unregisters itself through the
/// connection's handle.
pub unsafe fn watch(conn: &Connection, watcher: Watcher) -> Result<Hook> {
    let watcher = Box::into_raw(Box::new(watcher));
    // SAFETY: the handle is this open connection's (the caller keeps it open for the Hook's
    // life); `watcher` stays allocated until the Hook is dropped, and `call` only reads it
    // while SQLite runs the hook on this connection.
    unsafe {
        let db = conn.handle();
        let previous = sqlite3_preupdate_hook(db, Some(call), watcher as *mut c_void);
        if !previous.is_null() {
            sqlite3_preupdate_hook(db, Some(call), previous);
            drop(Box::from_raw(watcher));
            return Err(Error::runtime(
                "this connection already has a pre-update hook (rel watches each connection once)",
            ));
        }
        Ok(Hook { db, watcher })
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        // SAFETY: `watch`'s caller keeps the connection open until now; once unregistered,
        // SQLite no longer calls `call` with `watcher`, so it can be freed.
        unsafe {
            let current = sqlite3_preupdate_hook(self.db, None, std::ptr::null_mut());
            debug_assert_eq!(current, self.watcher as *mut c_void);
            drop(Box::from_raw(self.watcher));
        }
    }
}

unsafe extern "C" fn call(
    arg: *mut c_void,
    db: *mut ffi::sqlite3,
    op: c_int,
    schema: *const c_char,
    table: *const c_char,
    old_rowid: i64,
    new_rowid: i64,
) {
    let op = match op {
        ffi::SQLITE_INSERT => Op::Insert,
        ffi::SQLITE_UPDATE => Op::Update,
        ffi::SQLITE_DELETE => Op::Delete,
        _ => return,
    };
    // SAFETY: SQLite passes the `arg` given to `watch`, alive until its Hook unregisters it (a
    // watcher never re-enters SQLite, so no other call uses it meanwhile) and NUL-terminated names valid for the call.
    let (watcher, schema, table, depth) = unsafe {
        (
            &mut *(arg as *mut Watcher),
            CStr::from_ptr(schema).to_str().unwrap_or(""),
            CStr::from_ptr(table).to_str().unwrap_or(""),
            sqlite3_preupdate_depth(db),
        )
    };
    let change = Change {
        db,
        op,
        schema,
        table,
        old_rowid,
        new_rowid,
        depth,
    };
    // A panic must not unwind into SQLite. Watchers catch their own; this is the last guard.
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watcher(&change))).is_err() {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn counting(seen: &Arc<Mutex<Vec<Value>>>) -> Watcher {
        let seen = Arc::clone(seen);
        Box::new(move |change: &Change| {
            seen.lock().unwrap().push(change.old_value(0));
        })
    }

    #[test]
    fn a_hook_watches_until_dropped_and_one_at_a_time() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t(v); INSERT INTO t VALUES (X'00FF'), (CAST('text' AS BLOB))",
        )
        .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        // SAFETY: every Hook below is dropped before `conn`.
        let hook = unsafe { watch(&conn, counting(&seen)) }.unwrap();
        assert!(unsafe { watch(&conn, counting(&seen)) }.is_err());
        conn.execute("DELETE FROM t", []).unwrap();
        // BLOBs come through as the bytes they are, not as NULL.
        assert_eq!(
            *seen.lock().unwrap(),
            vec![Value::Blob(vec![0, 255]), Value::Blob(b"text".to_vec())]
        );
        drop(hook);
        conn.execute("INSERT INTO t VALUES (1)", []).unwrap();
        assert_eq!(seen.lock().unwrap().len(), 2, "nothing seen once dropped");
        let again = unsafe { watch(&conn, counting(&seen)) }.unwrap();
        conn.execute("DELETE FROM t", []).unwrap();
        assert_eq!(seen.lock().unwrap().len(), 3);
        drop(again);
    }
}
