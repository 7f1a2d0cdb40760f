//! The local things a sync needs beside its remote: this replica's private cache folder (the
//! git clone) and the lock that keeps two `rel sync` of one journal from running at once.

use crate::error::{Error, Result};
use std::fs::{DirBuilder, File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// This replica's private folder under rel's data folder (0700): the git clone and the lock.
pub fn cache_dir(db_path: &Path, own: &str) -> Result<PathBuf> {
    let base = match dirs::data_dir() {
        Some(dir) => dir.join("rel"),
        // No data folder known (no HOME): beside the database.
        None => db_path
            .parent()
            .map(|dir| dir.join(".rel-sync"))
            .unwrap_or_else(|| PathBuf::from(".rel-sync")),
    };
    let dir = base.join("sync").join(own);
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|err| Error::runtime(format!("cannot create {}: {err}", dir.display())))?;
    Ok(dir)
}

/// Held for the whole of a sync: a second `rel sync` of the same journal waits for the first
/// instead of racing it in the same git clone. The lock ends with the process, even a killed one.
pub struct SyncLock(#[allow(dead_code)] File);

pub fn lock(cache: &Path) -> Result<SyncLock> {
    let path = cache.join("lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(|err| Error::runtime(format!("cannot open {}: {err}", path.display())))?;
    // SAFETY: flock on a descriptor we own; it blocks until the other sync is done.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    if locked != 0 {
        return Err(Error::runtime(format!(
            "cannot lock {}: {}",
            path.display(),
            std::io::Error::last_os_error()
        )));
    }
    Ok(SyncLock(file))
}
