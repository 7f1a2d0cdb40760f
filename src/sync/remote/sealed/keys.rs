//! Checking the sync key against a folder or git remote, file by file: a key that opens
//! nothing there is the wrong key (exit 1, before anything changes); a file that does not open
//! while others do was damaged or altered, and is named in a warning instead of blocking the
//! sync. A replica's key-check file exists so a key can be checked before any operation does;
//! a damaged one never blocks that replica (its segments prove the key as well), and its
//! owner writes it again.

use super::folder::{FolderStore, damaged};
use super::segment::{self, KEY_CHECK, Unopened};
use crate::error::Result;

/// Whether one replica's files open with the key.
enum Opens {
    Yes,
    /// None did; these did not authenticate (the key is wrong, or they were altered).
    No(Vec<String>),
}

impl FolderStore {
    /// Whether the last [`FolderStore::check_key`] opened any file with the key: a file this
    /// journal's key opens is this journal's data, whichever replica wrote it.
    /// This replica's own folder, with anything in it, counts too: a journal whose only file
    /// there was replaced by something unreadable must still reach the step that repairs it.
    pub fn holds_this_journal(&self) -> Result<bool> {
        if self.opened_any.get() {
            return Ok(true);
        }
        let (ranges, has_check) = self.listing(&self.own)?;
        Ok(!ranges.is_empty() || has_check || self.own_folder_has_entries())
    }

    /// Opens one sealed file of every replica (its key-check, or else its first segment), so
    /// a key that is not the remote's is refused before anything is read, applied or written.
    /// A file that does not open while others do was damaged or altered: it is named in a
    /// warning and blocks nothing (a replica whose key-check is damaged still syncs).
    pub fn check_key(&self) -> Result<()> {
        self.check_keys(true)
    }

    /// Like [`FolderStore::check_key`] but skipping this replica's own folder: `sync init`
    /// may find a key-check that an earlier, failed init of this same journal left there.
    pub fn check_key_of_others(&self) -> Result<()> {
        self.check_keys(false)
    }

    fn check_keys(&self, with_own: bool) -> Result<()> {
        let mut opened = false;
        let mut unauthentic = Vec::new();
        for replica in self.replicas()? {
            if !with_own && replica == self.own {
                continue;
            }
            match self.replica_opens(&replica)? {
                Opens::Yes => opened = true,
                Opens::No(files) => unauthentic.extend(files),
            }
        }
        // Nothing opens and something refused the key: the key is not this remote's. (One
        // file of many that does not open is damage; every file at once is the key.)
        if !opened && !unauthentic.is_empty() {
            return Err(segment::wrong_key());
        }
        self.opened_any.set(opened);
        for shown in unauthentic {
            self.warn(damaged(&shown));
        }
        Ok(())
    }

    fn replica_opens(&self, replica: &str) -> Result<Opens> {
        let (named, has_check) = self.listing_named(replica)?;
        let mut unauthentic = Vec::new();
        let mut note = |shown: String, err: Unopened| match err {
            Unopened::Unauthentic => unauthentic.push(shown),
            Unopened::Damaged => self.warn(damaged(&shown)),
        };
        if has_check && let Some(bytes) = self.read(replica, KEY_CHECK)? {
            match segment::verify_key_check(&self.key, replica, &bytes) {
                Ok(()) => return Ok(Opens::Yes),
                Err(err) => note(Self::shown(replica, KEY_CHECK), err),
            }
        }
        if let Some((first, name)) = named.first().cloned()
            && let Some(bytes) = self.read(replica, &name)?
        {
            match segment::decode(&self.key, replica, first, &bytes) {
                Ok(_) => {
                    for shown in unauthentic {
                        self.warn(damaged(&shown));
                    }
                    return Ok(Opens::Yes);
                }
                Err(err) => note(Self::shown(replica, &name), err),
            }
        }
        Ok(Opens::No(unauthentic))
    }

    /// Whether this replica's key-check is on the remote and opens with the key.
    pub fn own_key_check_ok(&self) -> Result<bool> {
        let (_, has_check) = self.listing(&self.own)?;
        if !has_check {
            return Ok(false);
        }
        Ok(match self.read(&self.own, KEY_CHECK)? {
            Some(bytes) => segment::verify_key_check(&self.key, &self.own, &bytes).is_ok(),
            None => false,
        })
    }

    /// Writes this replica's key-check file, unless one sealed with this key is there. One
    /// that does not open (damaged, or sealed with another key by an init of this journal
    /// that failed before it was recorded) is replaced. Returns the path written.
    pub fn write_key_check(&self) -> Result<Vec<String>> {
        let shown = Self::shown(&self.own, KEY_CHECK);
        if self.own_key_check_ok()? {
            return Ok(vec![shown]);
        }
        let bytes = segment::encode_key_check(&self.key, &self.own)?;
        let own = self.own.clone();
        let key = self.key.clone();
        self.write_once(KEY_CHECK, &bytes, move |existing| {
            segment::verify_key_check(&key, &own, existing).is_ok()
        })?;
        self.take_own_warnings();
        Ok(vec![shown])
    }
}
