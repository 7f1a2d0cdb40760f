//! Ordered schema migrations keyed on `PRAGMA user_version`, applied in one write transaction.

use super::Db;
use crate::error::{Error, Result};
use rusqlite::TransactionBehavior;

/// One step of the schema; its index + 1 is the `user_version` it produces.
pub struct Migration {
    pub sql: &'static str,
    /// True when the step rewrites tables that already hold data (not merely adds new ones):
    /// such a step is preceded by a backup copy of the database.
    pub changes_existing: bool,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("sql/0001_init.sql"),
        changes_existing: false,
    },
    // Adds the full-text indexes and their triggers; existing tables are only read.
    Migration {
        sql: include_str!("sql/0002_search.sql"),
        changes_existing: false,
    },
];

/// The schema version this binary writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// A database from a newer rel is refused before anything touches it.
pub fn refuse_newer(version: i64) -> Result<()> {
    if version > LATEST_VERSION {
        return Err(Error::runtime(format!(
            "database was written by a newer rel (schema {version}); upgrade rel"
        )));
    }
    Ok(())
}

/// Applies every missing migration. The version is read again inside the write lock so that
/// two processes opening an old database at once migrate it exactly once.
pub fn migrate(db: &mut Db) -> Result<()> {
    let tx = db
        .conn
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    refuse_newer(version)?;
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
        if target <= version {
            continue;
        }
        tx.execute_batch(migration.sql)?;
        // PRAGMA takes no bound parameters; `target` is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {target}"))?;
    }
    tx.commit()?;
    Ok(())
}
