//! The copy of the database taken before a migration rewrites tables that already hold data,
//! so an upgrade that goes wrong (or a bug in it) can never cost a user their journal.

use crate::error::{Error, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// How many same-second names (`-2`, `-3`…) to try before giving up.
const MAX_NAME_ATTEMPTS: u32 = 100;

/// Copies the database at `db_path` to `<db>.bak-v<version>-<UTC timestamp>`, created 0600
/// next to it, and returns that path. The caller holds the write lock (its migration
/// transaction), so the copy is read through a second connection: SQLite refuses to back up
/// from a connection inside a write transaction, and a reader sees the last committed state —
/// exactly the database as it was before the upgrade.
pub fn backup_before_migration(db_path: &Path, version: i64) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let base = format!("{}.bak-v{version}-{stamp}", db_path.display());
    let target = create_private_file(&base)?;
    copy_into(db_path, &target).map_err(|err| {
        // A half-written copy is worse than none: it could be mistaken for a good one.
        let _ = std::fs::remove_file(&target);
        Error::runtime(format!(
            "cannot back up the database before upgrading it: {}",
            err.message
        ))
        .with_hint("nothing was changed; free some space or check the folder's permissions")
    })?;
    Ok(target)
}

/// Creates a new, empty 0600 file named `base` (or `base-2`, `base-3`… if taken).
fn create_private_file(base: &str) -> Result<PathBuf> {
    for attempt in 1..=MAX_NAME_ATTEMPTS {
        let path = if attempt == 1 {
            PathBuf::from(base)
        } else {
            PathBuf::from(format!("{base}-{attempt}"))
        };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(_) => return Ok(path),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => {
                return Err(Error::runtime(format!(
                    "cannot create the backup {}: {err}",
                    path.display()
                ))
                .with_hint("nothing was changed; check the database folder's permissions"));
            }
        }
    }
    Err(Error::runtime(format!("too many backups named {base}-N")))
}

fn copy_into(db_path: &Path, target: &Path) -> Result<()> {
    let source = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut destination = Connection::open(target)?;
    {
        let backup = Backup::new(&source, &mut destination)?;
        // -1 pages: the whole database in one step, under the lock the caller already holds.
        match backup.step(-1)? {
            StepResult::Done => {}
            other => {
                return Err(Error::runtime(format!("backup did not finish ({other:?})")));
            }
        }
    }
    destination.close().map_err(|(_, err)| err)?;
    Ok(())
}
