//! The database layer: opening, pragmas, transactions and migrations. Every SQL string lives
//! under `db/`; commands receive a `Db` and call its functions.
//!
//! This file holds `Db`: opening it, and `Db::write`, the one way anything is written. How a
//! connection is opened and set up is in `connection`; the rules for the file itself in `file`.

pub mod merge;
mod migration_backup;
pub mod migrations;

pub mod accounts;
pub mod backup;
pub mod bulk;
pub mod capture;
mod connection;
pub mod contacts;
pub mod digest;
pub mod due;
pub mod entity;
pub mod export;
pub mod file;
pub mod followups;
pub mod handles;
pub mod import;
pub mod interactions;
pub mod intro;
pub mod owner;
pub mod participants;
pub mod record_fields;
pub mod record_json;
pub mod recorder;
pub mod removal;
pub mod same_name;
pub mod search;
pub mod settings;
pub mod stats;
pub mod suggest;
pub mod synced;
pub mod upkeep;
pub mod who;

#[cfg(test)]
mod sqlite_build_tests;

use crate::error::Result;
use crate::paths;
use connection::{BUSY_TIMEOUT, open_error, open_reader, stable_plans, switch_to_wal};
use file::header_user_version;
use recorder::Recorder;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};

pub use migrations::LATEST_VERSION;

/// An open rel database, migrated to the version this binary knows.
pub struct Db {
    /// What the recorder installed on `conn` (a hook holding its handle), when it did.
    /// Declared before `conn` so that it is dropped first, as `Recorder::install` requires.
    capture: Option<recorder::Installed>,
    conn: Connection,
    path: PathBuf,
    /// Opened by [`Db::open_writer`]: file checks passed, WAL on, ready for `BEGIN IMMEDIATE`.
    /// A connection opened for reading is replaced by a writer at the first write.
    writer: bool,
    /// "Now" for the operation log's clock (`REL_NOW` honoured); the wall clock when unset.
    now_ms: Option<i64>,
    /// What records each write for sync; None records nothing (set by the command context).
    recorder: Option<&'static dyn Recorder>,
}

impl Db {
    /// Opens the database at `path` for a command: an existing, current database is opened
    /// for reading only (no WAL switch, no migration, no -wal/-shm on a file this process may
    /// not write), so that reading never changes the file and a journal on read-only media
    /// still answers; the first [`Db::write`] reopens it as a writer. A missing database is
    /// created, an older one migrated, as [`Db::open_writer`] does.
    pub fn open(path: &Path) -> Result<Db> {
        let Some(meta) = file::existing(path)? else {
            return Db::open_writer(path);
        };
        file::repair_companions(path, &meta);
        match header_user_version(path) {
            Some(version) => {
                migrations::refuse_newer(version)?;
                if version < LATEST_VERSION {
                    return Db::open_writer(path);
                }
            }
            // Empty (just created by someone) or not SQLite: the writer says which.
            None => return Db::open_writer(path),
        }
        let conn = open_reader(path).map_err(|err| open_error(path, err))?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|err| open_error(path, err))?;
        // The -wal may hold a newer version than the header.
        migrations::refuse_newer(version)?;
        if version < LATEST_VERSION {
            drop(conn);
            return Db::open_writer(path);
        }
        conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;")?;
        stable_plans(&conn)?;
        Ok(Db {
            conn,
            path: path.to_path_buf(),
            writer: false,
            now_ms: None,
            capture: None,
            recorder: None,
        })
    }

    /// Opens (creating it and its folders if needed) and migrates the database at `path`,
    /// ready to write: a FIFO or device, or a file with several hard links, is refused.
    pub fn open_writer(path: &Path) -> Result<Db> {
        if let Some(meta) = file::existing(path)? {
            file::refuse_hard_links(path, &meta)?;
            file::repair_companions(path, &meta);
        }
        // A newer rel's database is refused before SQLite opens it: even a read would leave
        // -wal/-shm files behind, and the user asked us not to touch it.
        if let Some(version) = header_user_version(path) {
            migrations::refuse_newer(version)?;
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
            writer: true,
            now_ms: None,
            capture: None,
            recorder: None,
        };
        db.conn.busy_timeout(BUSY_TIMEOUT)?;
        // The version is read before anything that could write (even the WAL switch), so a
        // database from a newer rel is left exactly as it was. One read answers both questions
        // every start asks; WAL is persistent, so it is only switched on a new or non-WAL file.
        let (version, journal_mode): (i64, String) = db
            .conn
            .query_row(
                "SELECT user_version, journal_mode FROM pragma_user_version, pragma_journal_mode",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|err| open_error(path, err))?;
        migrations::refuse_newer(version)?;
        if !journal_mode.eq_ignore_ascii_case("wal") {
            switch_to_wal(&db.conn).map_err(|err| open_error(path, err))?;
        }
        // Per-connection settings: no file access, so they cost next to nothing.
        db.conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )?;
        stable_plans(&db.conn)?;
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
            writer: false,
            now_ms: None,
            capture: None,
            recorder: None,
        };
        (db.user_version().ok()? == LATEST_VERSION).then_some(db)
    }

    /// Replaces a reading connection with a writer (file checks, WAL, migrations); a no-op
    /// for a writer. [`Db::write`] calls it; a command that sets connection pragmas for its
    /// write (a bulk import's cache) calls it first, so they apply to the writer.
    pub fn become_writer(&mut self) -> Result<()> {
        if !self.writer {
            // Only the connection is replaced: whatever else the Db carries stays. Anything
            // bound to a connection (pragmas, the capture hook and its staging table) must be
            // set up after this.
            let mut fresh = Db::open_writer(&self.path)?;
            // Whatever was installed on the old connection goes before the connection does.
            self.capture = None;
            std::mem::swap(&mut self.conn, &mut fresh.conn);
            self.writer = true;
        }
        Ok(())
    }

    /// Sizes the writer's page cache for one write that touches pages all over a large
    /// journal (a sync receiving thousands of operations: uid indexes, registers, search).
    /// Receiving 10,000 operations at L dirties ~26,000 pages (~100 MB): through SQLite's
    /// default 2 MB cache it read 133k pages back (from the file, and from the WAL it had
    /// spilled them to) and wrote 70k; with 64 MB, 68k and 69k; with 128 MB, 35k and 53k (the
    /// pages written once, then checkpointed). The cache grows only as pages are used, so a
    /// small write costs no memory for it; 128 MB bounds a larger one. A journal smaller than
    /// that gets a cache of its own size (at least SQLite's default 2 MB): a first sync into
    /// a new journal writes its pages once whatever the cache, and a cache that held all of
    /// them was 15 of the 36 MB that receiving 10,000 operations into an empty journal took.
    pub fn prepare_for_batch(&mut self) -> Result<()> {
        self.become_writer()?;
        let bytes: i64 = self.conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |row| row.get(0),
        )?;
        let kib = (bytes / 1024).clamp(2048, 131_072);
        self.conn
            .execute_batch(&format!("PRAGMA cache_size = -{kib}"))?;
        Ok(())
    }

    /// Records every later write through `recorder` (the operation log, which `db` does not
    /// know: the command context gives it).
    pub fn set_recorder(&mut self, recorder: &'static dyn Recorder) {
        self.recorder = Some(recorder);
    }

    /// Sets the time the operation log stamps this process's writes with.
    pub fn set_now(&mut self, now: chrono::DateTime<chrono::Utc>) {
        self.now_ms = Some(now.timestamp_millis());
    }

    /// The time this process's writes are stamped with.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis())
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

    /// A read transaction for a command that runs many small queries (`rel due` reads one note
    /// per row): the shared lock is taken once instead of once per statement, and every query
    /// sees the same state. Dropping it ends it; it writes nothing.
    pub fn snapshot(&self) -> Result<Transaction<'_>> {
        Ok(self.conn.unchecked_transaction()?)
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: all of it is written, or none of it.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.write_or_rehearse(true, work)
    }

    /// Like [`Db::write`], but with `commit` false the transaction is rolled back at the end:
    /// a dry run does every read and write of the real thing and keeps none of them.
    ///
    /// Whatever `work` changes in the journal is recorded in the operation log inside the same
    /// transaction, as one `rel undo` step (see `sync/mod.rs`): no command records anything
    /// itself.
    pub fn write_or_rehearse<T>(
        &mut self,
        commit: bool,
        work: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        self.become_writer()?;
        if let Some(recorder) = self.recorder
            && self.capture.is_none()
        {
            // SAFETY: `capture` is dropped before `conn`: by field order when the Db goes, and
            // explicitly when `become_writer` replaces the connection.
            self.capture = Some(unsafe { recorder.install(&self.conn)? });
        }
        let now_ms = self.now_ms();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let _current = recorder::enter(self.recorder);
        if let Some(recorder) = self.recorder {
            recorder.begin(&tx);
        }
        let value = work(&tx)?;
        if let Some(recorder) = self.recorder {
            recorder.record(&tx, now_ms, &step_label())?;
        }
        if commit {
            tx.commit()?;
        } else {
            tx.rollback()?;
        }
        Ok(value)
    }
}

/// How `rel undo --list` names a step: the command line that made it.
fn step_label() -> String {
    // Quoted as a shell would need them, so the label reads as the command that was typed.
    let words: Vec<String> = std::env::args()
        .skip(1)
        .map(|w| crate::escape::shell_quoted(&w))
        .collect();
    let mut label = format!("rel {}", words.join(" "));
    if label.chars().count() > 120 {
        label = label.chars().take(119).collect::<String>() + "…";
    }
    label
}

/// The five REITH columns of a row, starting at column `first`, in the contract's order
/// (respect, empathy, integrity, trust, honesty): every query selects them that way.
pub(crate) fn reith_at(row: &rusqlite::Row, first: usize) -> rusqlite::Result<crate::model::Reith> {
    Ok(crate::model::Reith {
        respect: row.get(first)?,
        empathy: row.get(first + 1)?,
        integrity: row.get(first + 2)?,
        trust: row.get(first + 3)?,
        honesty: row.get(first + 4)?,
    })
}
