//! SQLite's pre-update hook, called directly: rusqlite offers it only with bindings generated at
//! build time (libclang on every machine that runs `cargo install`). The SQLite rel links is
//! compiled with `SQLITE_ENABLE_PREUPDATE_HOOK` by `build.rs`, so the functions are in the
//! binary; a build without that flag fails to link rather than capture nothing.

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
                _ => Value::Null,
            }
        }
    }
}

/// What the hook calls. It must not use the connection (SQLite is in the middle of a change).
pub type Watcher = Box<dyn FnMut(&Change) + Send>;

/// Calls `watcher` before every row change on `conn`, replacing any earlier watcher.
pub fn watch(conn: &Connection, watcher: Watcher) {
    let arg = Box::into_raw(Box::new(watcher)) as *mut c_void;
    // SAFETY: the handle is this open connection's; `arg` is a leaked Box<Watcher> that
    // `call` reads and that is freed here when a later `watch` replaces it.
    unsafe {
        let previous = sqlite3_preupdate_hook(conn.handle(), Some(call), arg);
        if !previous.is_null() {
            drop(Box::from_raw(previous as *mut Watcher));
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
    // SAFETY: SQLite passes the `arg` given to `watch` (a watcher never re-enters SQLite, so
    // no other call uses it meanwhile) and NUL-terminated names valid for the call.
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
