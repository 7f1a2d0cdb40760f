//! The database layer: opening, pragmas, transactions and migrations. Every SQL string lives
//! under `db/`; commands receive a `Db` and call its functions.

pub mod migrations;

pub mod backup;
pub mod contacts;
pub mod due;
pub mod export;
pub mod followups;
pub mod import;
pub mod interactions;
pub mod settings;
pub mod upkeep;
pub mod who;

use crate::error::{Error, Result};
use crate::paths;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use migrations::LATEST_VERSION;

/// How long a writer waits for another rel process before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open rel database, migrated to the version this binary knows.
pub struct Db {
    conn: Connection,
    path: PathBuf,
}

impl Db {
    /// Opens (creating it and its folders if needed) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        if path.is_dir() {
            return Err(
                Error::runtime(format!("database path {} is a directory", path.display()))
                    .with_hint("pass a file path with --db or REL_DB"),
            );
        }
        paths::create_parent_dirs(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| open_error(path, err))?;
        let mut db = Db {
            conn,
            path: path.to_path_buf(),
        };
        db.conn.busy_timeout(BUSY_TIMEOUT)?;
        // The version is read before anything that could write (even the WAL switch), so a
        // database from a newer rel is left exactly as it was.
        let version = db.user_version().map_err(|err| open_error(path, err))?;
        migrations::refuse_newer(version)?;
        db.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .map_err(|err| open_error(path, err))?;
        db.conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )?;
        if version < LATEST_VERSION {
            migrations::migrate(&mut db)?;
        }
        Ok(db)
    }

    /// Opens an existing database read-only, or None when there is none (shell completion
    /// must never create a database).
    pub fn open_existing_readonly(path: &Path) -> Option<Db> {
        if !path.is_file() {
            return None;
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        let db = Db {
            conn,
            path: path.to_path_buf(),
        };
        (db.user_version().ok()? == LATEST_VERSION).then_some(db)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    fn user_version(&self) -> rusqlite::Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: all of it is written, or none of it.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

fn open_error(path: &Path, err: rusqlite::Error) -> Error {
    let base = Error::from(err);
    if base.message.starts_with("database error") || base.message.starts_with("cannot open") {
        Error::runtime(format!("cannot open database {}", path.display()))
            .with_hint("check that the file and its folder are readable and writable")
    } else {
        base
    }
}
