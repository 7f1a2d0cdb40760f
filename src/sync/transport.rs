//! Opening the remote a journal's settings name, and the local things a sync needs beside it:
//! the private cache folder (the git clone) and the lock that keeps two `rel sync` of one
//! journal from running at once.

use super::remote::Remote;
use super::remote::postgres::PgRemote;
use super::remote::sealed::folder::{FolderRemote, FolderStore};
use super::remote::sealed::git::GitRemote;
use super::remote::sealed::seal::SyncKey;
use super::settings::RemoteKind;
use crate::error::{Error, Result};
use std::fs::{DirBuilder, File, OpenOptions};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// An open remote of one of the kinds rel knows.
pub enum Transport {
    Folder(FolderRemote),
    Git(GitRemote),
    /// A remote that keeps operations itself, unencrypted (PostgreSQL).
    Other(Box<dyn Remote>),
}

impl Transport {
    /// Opens the remote `kind` for replica `own`. Folder and git remotes need the key.
    pub fn open(kind: &RemoteKind, key: Option<&SyncKey>, own: &str, cache: &Path) -> Result<Self> {
        let need_key = || {
            key.cloned()
                .ok_or_else(|| Error::runtime("the sync key is missing from the database"))
        };
        Ok(match kind {
            RemoteKind::Folder { dir } => {
                Transport::Folder(FolderRemote::new(dir.clone(), need_key()?, own.to_string()))
            }
            RemoteKind::Git { url, branch } => Transport::Git(GitRemote::new(
                url.clone(),
                branch.clone(),
                cache.join("git"),
                need_key()?,
                own.to_string(),
            )),
            RemoteKind::Postgres { url, workspace } => {
                Transport::Other(Box::new(PgRemote::connect(url, workspace)?))
            }
        })
    }

    pub fn remote(&mut self) -> &mut dyn Remote {
        match self {
            Transport::Folder(remote) => remote,
            Transport::Git(remote) => remote,
            Transport::Other(remote) => remote.as_mut(),
        }
    }

    /// The segment files behind a folder or git remote (fetched and reachable), if it has any.
    fn store(&mut self) -> Result<Option<&FolderStore>> {
        match self {
            Transport::Folder(remote) => {
                remote.store().ensure_reachable()?;
                Ok(Some(remote.store()))
            }
            Transport::Git(remote) => remote.store().map(Some),
            Transport::Other(_) => Ok(None),
        }
    }

    /// Whether another journal's replicas already wrote to this remote.
    pub fn holds_other_data(&mut self) -> Result<bool> {
        match self.store()? {
            Some(store) => store.holds_other_data(),
            None => Ok(false),
        }
    }

    /// Checks the key against every other replica's files, then leaves this replica's
    /// key-check file on the remote so the next machine's key can be checked before it syncs.
    pub fn prepare(&mut self) -> Result<()> {
        if let Some(store) = self.store()? {
            store.check_key_of_others()?;
        }
        match self {
            Transport::Folder(remote) => remote.store().write_key_check().map(|_| ()),
            Transport::Git(remote) => remote.publish(FolderStore::write_key_check),
            Transport::Other(remote) => remote.check(),
        }
    }

    /// The start of every `rel sync`: checks the remote and the key, then that the remote
    /// still holds this journal (see [`super::remote::guard`]), then repairs this replica's own
    /// key-check file if it was damaged, so it never blocks anyone for good.
    pub fn open_for_sync(&mut self, journal: &super::remote::guard::Journal) -> Result<()> {
        self.remote().check()?;
        super::remote::guard::expect_journal(self, journal)?;
        let repair = match self.store()? {
            Some(store) => {
                store.remove_own_leftovers();
                !store.own_key_check_ok()?
            }
            None => false,
        };
        if repair {
            match self {
                Transport::Folder(remote) => remote.store().write_key_check().map(|_| ())?,
                Transport::Git(remote) => remote.publish(FolderStore::write_key_check)?,
                Transport::Other(_) => {}
            }
        }
        Ok(())
    }

    /// For [`super::remote::guard`], after the remote's check: whether a folder or git remote
    /// holds any file this journal's key opens (None for remotes without files).
    pub(super) fn holds_this_journal(&mut self) -> Result<Option<bool>> {
        match self.store()? {
            Some(store) => store.holds_this_journal().map(Some),
            None => Ok(None),
        }
    }
}

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
