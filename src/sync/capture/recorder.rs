//! The operation log as the recorder `Db::write` asks for (`db::recorder::Recorder`): every
//! write's changes become this replica's operations and one `rel undo` step.

use crate::db::recorder::{Installed, Recorder};
use crate::error::Result;
use crate::sync::capture;
use rusqlite::Connection;

/// Records writes in the operation log (see `sync/mod.rs`, "How a write becomes operations").
pub struct OperationLog;

/// The one recorder commands give their database.
pub static OPERATION_LOG: OperationLog = OperationLog;

impl Recorder for OperationLog {
    unsafe fn install(&self, conn: &Connection) -> Result<Installed> {
        // SAFETY: the trait's promise is our caller's.
        Ok(Box::new(unsafe { capture::install(conn)? }))
    }

    fn begin(&self, conn: &Connection) {
        capture::begin(conn);
    }

    fn stage(&self, conn: &Connection) -> Result<()> {
        capture::stage(conn)
    }

    fn record(&self, conn: &Connection, now_ms: i64, label: &str) -> Result<()> {
        capture::record(conn, now_ms, Some(label)).map(|_| ())
    }
}
