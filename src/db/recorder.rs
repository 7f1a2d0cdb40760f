//! What records a write for sync. `db` asks for it and `sync` provides it
//! (`sync::recorder::OPERATION_LOG`, given to the `Db` where the command context opens it), so
//! `db/` imports nothing from `sync/`: the lower layer defines the interface, the higher one
//! implements it.

use crate::error::Result;
use rusqlite::Connection;
use std::cell::Cell;

/// What [`Recorder::install`] left on a connection (for the operation log: the pre-update hook
/// and its buffer). Dropping it takes them away; [`Db`](super::Db) keeps it beside the
/// connection and drops it first.
pub type Installed = Box<dyn std::any::Any>;

/// Turns what one write changed into operations, inside the write's own transaction.
pub trait Recorder: Sync {
    /// Prepares a writing connection, once, outside any transaction (so a rolled-back write
    /// does not undo it).
    ///
    /// # Safety
    /// The returned value must be dropped before `conn` is closed (it holds a hook registered
    /// through the connection's handle).
    unsafe fn install(&self, conn: &Connection) -> Result<Installed>;
    /// A write begins: whatever an earlier, rolled-back write left behind is forgotten.
    fn begin(&self, conn: &Connection);
    /// Puts aside what the write changed so far (a bulk import does so now and then, so what
    /// is held in memory stays bounded).
    fn stage(&self, conn: &Connection) -> Result<()>;
    /// Records what the write changed as operations stamped `now_ms`, and the write as one
    /// undo step labelled `label`.
    fn record(&self, conn: &Connection, now_ms: i64, label: &str) -> Result<()>;
}

thread_local! {
    /// The recorder of the write this thread is inside, for code deep in it that holds only
    /// the transaction (the importer).
    static CURRENT: Cell<Option<&'static dyn Recorder>> = const { Cell::new(None) };
}

/// Makes `recorder` the current one until the guard is dropped (the write ends, or fails).
pub(super) fn enter(recorder: Option<&'static dyn Recorder>) -> Current {
    Current(CURRENT.replace(recorder))
}

/// Restores the recorder that was current before [`enter`].
pub(super) struct Current(Option<&'static dyn Recorder>);

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.set(self.0);
    }
}

/// [`Recorder::stage`] of the write in progress; nothing outside a recorded write.
pub fn stage(conn: &Connection) -> Result<()> {
    match CURRENT.get() {
        Some(recorder) => recorder.stage(conn),
        None => Ok(()),
    }
}
