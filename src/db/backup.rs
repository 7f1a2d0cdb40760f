//! `rel backup`: SQLite's online backup API copies a consistent snapshot of the database
//! page by page while other rel processes may keep writing.

use super::Db;
use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long to keep retrying while another process holds a lock the copy needs.
const BUSY_PATIENCE: Duration = Duration::from_secs(30);

/// Copies the whole database into the (new or empty) file at `target`.
pub fn copy_to(db: &Db, target: &Path) -> Result<()> {
    let mut copy = Connection::open(target)?;
    {
        let backup = Backup::new(&db.conn, &mut copy)?;
        let deadline = Instant::now() + BUSY_PATIENCE;
        loop {
            // -1: every page in one step, under one read snapshot; if a writer changes the
            // source in between steps, SQLite restarts the copy, so the result is consistent.
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                StepResult::Busy | StepResult::Locked if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                StepResult::Busy | StepResult::Locked => {
                    return Err(Error::runtime("database is busy; no backup was made")
                        .with_hint("try again"));
                }
                _ => {}
            }
        }
    }
    // The copy stands alone: one file, no -wal beside it.
    let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |row| row.get(0))?;
    Ok(())
}
