//! Ordered schema migrations keyed on `PRAGMA user_version`, applied in one write transaction.

use super::{Db, migration_backup};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

/// One step of the schema; its index + 1 is the `user_version` it produces.
pub struct Migration {
    pub sql: &'static str,
    /// True when the step rewrites tables that already hold data (not merely adds new ones):
    /// such a step is preceded by a backup copy of the database.
    pub changes_existing: bool,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("../sql/0001_init.sql"),
        changes_existing: false,
    },
    // Adds the full-text indexes and their triggers; existing tables are only read.
    Migration {
        sql: include_str!("../sql/0002_search.sql"),
        changes_existing: false,
    },
    // Adds the sync settings (remote, key, progress); nothing existing is touched.
    Migration {
        sql: include_str!("../sql/0003_sync_remote.sql"),
        changes_existing: false,
    },
    // Adds two indexes for `rel due` (per-cadence walks, birthdays by day); tables unchanged.
    Migration {
        sql: include_str!("../sql/0004_due_walks.sql"),
        changes_existing: false,
    },
    // Rebuilds contacts, interactions and followups with AUTOINCREMENT (ids never reused).
    Migration {
        sql: include_str!("../sql/0005_ids_never_reused.sql"),
        changes_existing: true,
    },
    // The operation log; the journal as it stands becomes its first operations (new tables
    // only: existing ones are read).
    Migration {
        sql: include_str!("../sql/0006_oplog.sql"),
        changes_existing: false,
    },
    // Ownership (a contact's owner, an interaction's author, this member's name): new columns
    // and an index only; no existing row is rewritten.
    Migration {
        sql: include_str!("../sql/0007_ownership.sql"),
        changes_existing: false,
    },
    // Suggestions: a contact's dismissal (a synced column) and an index by organisation; no
    // existing row is rewritten.
    Migration {
        sql: include_str!("../sql/0009_suggest.sql"),
        changes_existing: false,
    },
    // Counters for `rel stats`, filled from the interactions and kept by triggers; new tables
    // only.
    Migration {
        sql: concat!(
            include_str!("../sql/0014_stats_counters.sql"),
            include_str!("../sql/stats_recount.sql"),
            include_str!("../sql/stats_triggers.sql")
        ),
        changes_existing: false,
    },
    // The names replicas publish on the remote (for `sync status`): a new table only.
    Migration {
        sql: include_str!("../sql/0012_replica_names.sql"),
        changes_existing: false,
    },
    // Capture: where an interaction came from (calendar or mail); new columns and an index.
    Migration {
        sql: include_str!("../sql/0010_capture_source.sql"),
        changes_existing: false,
    },
    // Received operations kept aside because they fail the command line's checks: a new
    // table only.
    Migration {
        sql: include_str!("../sql/0011_sync_quarantine.sql"),
        changes_existing: false,
    },
    // `rel stats`' going-cold and strained lists from indexes: one index rebuilt wider, one
    // added; no row is rewritten.
    Migration {
        sql: include_str!("../sql/0015_stats_lists.sql"),
        changes_existing: false,
    },
    // Which replica id continues which (after a restore or a copy): a new table only.
    Migration {
        sql: include_str!("../sql/0016_replica_continues.sql"),
        changes_existing: false,
    },
];

/// The schema version this binary writes.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// A database from a newer rel is refused before anything touches it.
pub fn refuse_newer(version: i64) -> Result<()> {
    if version > LATEST_VERSION {
        return Err(newer_error(version));
    }
    Ok(())
}

fn newer_error(version: i64) -> Error {
    Error::runtime(format!(
        "database was written by a newer rel (schema {version}); upgrade rel"
    ))
}

/// Applies every missing migration, telling the user where the pre-upgrade copy went.
pub fn migrate(db: &mut Db) -> Result<()> {
    let path = db.path.clone();
    if let Some(backup) = apply(&mut db.conn, &path, MIGRATIONS)? {
        eprintln!(
            "rel: saved a copy of the database as {} before upgrading it to schema {LATEST_VERSION}",
            backup.display()
        );
    }
    Ok(())
}

/// Applies the steps of `steps` the database lacks, in one `BEGIN IMMEDIATE` transaction. The
/// version is read again inside the write lock so that two processes opening an old database
/// at once migrate it (and back it up) exactly once. When a pending step rewrites tables that
/// already hold data, the database is first copied next to itself; that copy's path is returned.
///
/// Foreign keys are off while the steps run, as SQLite's procedure for rebuilding a table
/// requires (dropping the old copy must not cascade into the rows that point at it), and
/// checked before the commit; the connection's setting is put back afterwards.
pub(crate) fn apply(
    conn: &mut Connection,
    path: &Path,
    steps: &[Migration],
) -> Result<Option<PathBuf>> {
    // The pragma is a no-op inside a transaction, so it is set around it.
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = apply_steps(conn, path, steps);
    conn.execute_batch(if foreign_keys {
        "PRAGMA foreign_keys = ON"
    } else {
        "PRAGMA foreign_keys = OFF"
    })?;
    result
}

fn apply_steps(conn: &mut Connection, path: &Path, steps: &[Migration]) -> Result<Option<PathBuf>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if version > steps.len() as i64 {
        return Err(newer_error(version));
    }
    let pending = &steps[version as usize..];
    // Version 0 is a new, empty file: there is nothing to lose, so nothing to copy.
    let backup = if version > 0 && pending.iter().any(|step| step.changes_existing) {
        Some(migration_backup::backup_before_migration(path, version)?)
    } else {
        None
    };
    for (offset, migration) in pending.iter().enumerate() {
        let target = version + offset as i64 + 1;
        tx.execute_batch(migration.sql)?;
        // PRAGMA takes no bound parameters; `target` is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {target}"))?;
    }
    if pending.iter().any(|step| step.changes_existing) {
        check_foreign_keys(&tx)?;
    }
    tx.commit()?;
    Ok(backup)
}

/// A rebuilt table must leave every reference pointing at a row, or the upgrade is refused
/// (and rolled back) rather than committed with dangling rows.
fn check_foreign_keys(conn: &Connection) -> Result<()> {
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |row| row.get(0))
        .optional()?;
    match broken {
        Some(table) => Err(Error::runtime(format!(
            "cannot upgrade the database: table {table} holds a row whose reference is missing"
        ))
        .with_hint("nothing was changed; restore a backup or report this")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
