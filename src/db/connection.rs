//! How a connection to the journal is opened and set up: the reader that never changes the
//! file, how long a writer waits, stable query plans, and the error that says why an open
//! failed.

use super::file;
use crate::error::{Error, Result};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// How long a writer waits for another rel process before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Asks SQLite for stable query plans (QPSG) on every connection. Without it SQLite 3.54
/// marks statements such as `... interaction_contacts ic JOIN interactions i ... WHERE
/// ic.contact_id = ?1` to be planned again whenever a bound value changes, and rusqlite clears
/// the bindings of every statement it puts back in its cache: each use of a cached statement
/// was parsed and planned again. That was 44% of the CPU of `rel sync` pushing 10,000
/// operations (one entity read per operation) and ~5% of receiving them. The plans are the
/// ones chosen without a bound value: those `EXPLAIN QUERY PLAN` shows and
/// `tests/query_plans.rs` holds.
pub(super) fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Switches the file to WAL. Two processes opening a new (or rollback-journal) file at once
/// both read it, then both ask to change its journal: SQLite answers one of them "busy" at
/// once rather than wait (waiting would deadlock), whatever the busy timeout. That one waits a
/// little and looks again: by then the other has switched the file (or gave up, and it tries
/// again), for up to `BUSY_TIMEOUT`.
pub(super) fn switch_to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let started = std::time::Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Err(err) if is_busy(&err) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
                let mode: String = conn.query_row("PRAGMA journal_mode", [], |row| row.get(0))?;
                if mode.eq_ignore_ascii_case("wal") {
                    return Ok(());
                }
            }
            done => return done,
        }
    }
}

fn is_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy)
    )
}

/// Whether a failed open is explained by the open-file limit: SQLite needs the database, its
/// -wal and -shm and a temp file or two at once, on top of stdin, stdout and stderr.
fn out_of_file_descriptors() -> bool {
    const NEEDED: u64 = 8;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and nothing else.
    let known = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    if known && limit.rlim_cur < NEEDED {
        return true;
    }
    // A higher limit may still be used up (by descriptors this process inherited).
    let probes = [
        std::fs::File::open("/dev/null"),
        std::fs::File::open("/dev/null"),
    ];
    probes
        .iter()
        .any(|p| matches!(p, Err(e) if e.raw_os_error() == Some(libc::EMFILE)))
}

/// A connection that only reads. When this process may write the file and its folder it is
/// read-write, so WAL readers share the -shm as usual. Otherwise nothing may be created
/// beside the file: with no -wal content to read, it is opened `immutable` (no locks, no
/// -shm); with some (a writer is at work, or crashed), read-only, using the -wal and -shm
/// there; and when even that fails, `immutable` after all.
pub(super) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let writable = file::writable(path);
    let immutable = || {
        let uri = format!("file:{}?immutable=1", uri_path(path));
        Connection::open_with_flags(
            uri,
            flags | OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
    };
    if !writable && !file::has_wal_content(path) {
        return immutable();
    }
    let mode = if writable {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    let first = Connection::open_with_flags(path, flags | mode).and_then(|conn| {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
        Ok(conn)
    });
    match first {
        Err(_) if !writable => immutable(),
        other => other,
    }
}

/// A path as the path part of a `file:` URI: `%`, `?` and `#` percent-encoded.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn open_error(path: &Path, err: rusqlite::Error) -> Error {
    // SQLite says "unable to open" whatever the cause; out of file descriptors (`ulimit -n`)
    // is not a permission problem, so look before blaming the file.
    if out_of_file_descriptors() {
        return Error::runtime(format!(
            "cannot open database {}: too many open files",
            path.display()
        ))
        .with_hint("raise the limit on open files, e.g. ulimit -n 64");
    }
    let base = Error::from(err);
    if base.message.starts_with("database error") || base.message.starts_with("cannot open") {
        Error::runtime(format!("cannot open database {}", path.display()))
            .with_hint("check that the file and its folder are readable and writable")
    } else {
        base
    }
}
