//! The folder remote: a directory any file-syncing tool carries (a shared drive, Syncthing, a
//! cloud-synced folder). Each replica writes sealed segment files into its own sub-folder only,
//! each file once (temp file, fsync, rename), so no file is ever edited by two machines and no
//! lock is needed. The git remote reads and writes its working tree through the same code.

use super::remote::{Remote, WireOp};
use super::seal::SyncKey;
use super::segment::{self, KEY_CHECK, LAYOUT_DIR};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs::{self, DirBuilder, File};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Segment files under `<base>/rel-sync/v1`, sealed with one key.
pub struct FolderStore {
    /// The folder the user named (or the git working tree).
    base: PathBuf,
    key: SyncKey,
    /// This replica: the only sub-folder this store writes into.
    own: String,
}

impl FolderStore {
    pub fn new(base: PathBuf, key: SyncKey, own: String) -> FolderStore {
        FolderStore { base, key, own }
    }

    fn root(&self) -> PathBuf {
        self.base.join(LAYOUT_DIR)
    }

    fn replica_dir(&self, replica: &str) -> PathBuf {
        self.root().join(replica)
    }

    /// The remote is reachable when its folder exists: a drive that is not mounted, or a
    /// folder that was removed, must not be quietly recreated as an empty remote.
    pub fn ensure_reachable(&self) -> Result<()> {
        if self.base.is_dir() {
            return Ok(());
        }
        Err(Error::runtime(format!(
            "sync folder {} is missing or unreachable; nothing was changed",
            self.base.display()
        ))
        .with_hint("mount or restore it, then run 'rel sync' again"))
    }

    /// The replica folders present on the remote.
    fn replicas(&self) -> Result<Vec<String>> {
        let entries = match fs::read_dir(self.root()) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(self.io_error("read", &self.root(), err)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|err| self.io_error("read", &self.root(), err))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if segment::is_replica_name(&name) && entry.path().is_dir() {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    /// The segment ranges in `replica`'s folder, and whether its key-check file is there.
    fn listing(&self, replica: &str) -> Result<(Vec<(i64, i64)>, bool)> {
        let dir = self.replica_dir(replica);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok((Vec::new(), false)),
            Err(err) => return Err(self.io_error("read", &dir, err)),
        };
        let mut ranges = Vec::new();
        let mut has_check = false;
        for entry in entries {
            let entry = entry.map_err(|err| self.io_error("read", &dir, err))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == KEY_CHECK {
                has_check = true;
            } else if let Some(range) = segment::parse_segment_name(&name) {
                ranges.push(range);
            }
        }
        Ok((ranges, has_check))
    }

    /// Whether any replica other than this one has left files on the remote: a journal that
    /// is not ours already lives there.
    pub fn holds_other_data(&self) -> Result<bool> {
        for replica in self.replicas()? {
            if replica == self.own {
                continue;
            }
            let (ranges, has_check) = self.listing(&replica)?;
            if has_check || !ranges.is_empty() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Opens one sealed file of every replica (its key-check, or else its first segment), so
    /// a key that is not the remote's is refused before anything is read, applied or written.
    pub fn check_key(&self) -> Result<()> {
        self.check_keys(true)
    }

    /// Like [`FolderStore::check_key`] but skipping this replica's own folder: `sync init`
    /// may find a key-check that an earlier, failed init of this same journal left there.
    pub fn check_key_of_others(&self) -> Result<()> {
        self.check_keys(false)
    }

    fn check_keys(&self, with_own: bool) -> Result<()> {
        for replica in self.replicas()? {
            if !with_own && replica == self.own {
                continue;
            }
            let (ranges, has_check) = self.listing(&replica)?;
            let dir = self.replica_dir(&replica);
            if has_check {
                let bytes = self.read(&dir.join(KEY_CHECK))?;
                segment::verify_key_check(&self.key, &replica, &bytes)?;
            } else if let Some(&first) = ranges.iter().min() {
                let bytes = self.read(&dir.join(segment::segment_name(first.0, first.1)))?;
                segment::decode(&self.key, &replica, first, &bytes)?;
            }
        }
        Ok(())
    }

    /// Writes this replica's key-check file, unless one sealed with this key is there. One
    /// sealed with another key can only come from an init of this journal that failed before
    /// it was recorded, so it is replaced.
    pub fn write_key_check(&self) -> Result<()> {
        let dir = self.replica_dir(&self.own);
        let path = dir.join(KEY_CHECK);
        if let Ok(bytes) = fs::read(&path) {
            if segment::verify_key_check(&self.key, &self.own, &bytes).is_ok() {
                return Ok(());
            }
            fs::remove_file(&path).map_err(|err| self.io_error("replace", &path, err))?;
        }
        let bytes = segment::encode_key_check(&self.key, &self.own)?;
        self.write_once(&dir, KEY_CHECK, &bytes)
    }

    fn read(&self, path: &Path) -> Result<Vec<u8>> {
        fs::read(path).map_err(|err| self.io_error("read", path, err))
    }

    /// Writes `name` in `dir` whole or not at all: a temp file (ignored by readers) is filled,
    /// flushed to disk and then linked under its final name, which fails rather than replace
    /// a file already there. The folder is flushed too so the new name survives a crash.
    fn write_once(&self, dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|err| self.io_error("create", dir, err))?;
        let target = dir.join(name);
        let mut temp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(dir)
            .map_err(|err| self.io_error("write", &target, err))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|err| self.io_error("write", &target, err))?;
        match temp.persist_noclobber(&target) {
            Ok(_) => {}
            // Another run of this replica wrote the same operations first: they are equal
            // by construction, so the push is already done.
            Err(err) if err.error.kind() == ErrorKind::AlreadyExists => {}
            Err(err) => return Err(self.io_error("write", &target, err.error)),
        }
        File::open(dir)
            .and_then(|folder| folder.sync_all())
            .map_err(|err| self.io_error("write", dir, err))
    }

    fn io_error(&self, verb: &str, path: &Path, err: std::io::Error) -> Error {
        let hint = if err.kind() == ErrorKind::StorageFull {
            "free some space and run 'rel sync' again"
        } else {
            "check the sync folder, then run 'rel sync' again"
        };
        Error::runtime(format!("cannot {verb} {}: {err}", path.display())).with_hint(hint)
    }

    /// Every replica's contiguous head on the remote.
    pub fn heads(&self) -> Result<BTreeMap<String, i64>> {
        let mut heads = BTreeMap::new();
        for replica in self.replicas()? {
            let (mut ranges, _) = self.listing(&replica)?;
            let head = segment::contiguous_head(&mut ranges);
            if head > 0 {
                heads.insert(replica, head);
            }
        }
        Ok(heads)
    }

    /// `replica`'s operations after `after`, up to its contiguous head.
    pub fn fetch(&self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        if !segment::is_replica_name(replica) {
            return Ok(Vec::new());
        }
        let (mut ranges, _) = self.listing(replica)?;
        let dir = self.replica_dir(replica);
        let mut ops = Vec::new();
        let mut reached = after;
        for range in segment::segments_after(&mut ranges, after) {
            let bytes = self.read(&dir.join(segment::segment_name(range.0, range.1)))?;
            for op in segment::decode(&self.key, replica, range, &bytes)? {
                if op.seq == reached + 1 {
                    reached = op.seq;
                    ops.push(op);
                }
            }
        }
        Ok(ops)
    }

    /// Writes this replica's operations as one new segment (the names of files written).
    pub fn push(&self, ops: &[WireOp]) -> Result<Option<String>> {
        if ops.is_empty() {
            return Ok(None);
        }
        if ops.iter().any(|op| op.replica != self.own)
            || ops.windows(2).any(|pair| pair[1].seq != pair[0].seq + 1)
        {
            return Err(Error::runtime(
                "internal: a push must be this replica's operations, in order without gaps",
            ));
        }
        let (name, bytes) = segment::encode(&self.key, ops)?;
        let dir = self.replica_dir(&self.own);
        self.write_once(&dir, &name, &bytes)?;
        Ok(Some(format!("{LAYOUT_DIR}/{}/{name}", self.own)))
    }
}

/// `rel sync init --folder DIR`'s remote.
pub struct FolderRemote {
    store: FolderStore,
}

impl FolderRemote {
    pub fn new(dir: PathBuf, key: SyncKey, own: String) -> FolderRemote {
        FolderRemote {
            store: FolderStore::new(dir, key, own),
        }
    }

    /// Creates the folder when it is missing (0700, like every folder rel makes).
    pub fn create(dir: &Path) -> Result<()> {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|err| {
                Error::runtime(format!(
                    "cannot create sync folder {}: {err}",
                    dir.display()
                ))
            })
    }

    pub fn store(&self) -> &FolderStore {
        &self.store
    }
}

impl Remote for FolderRemote {
    fn check(&mut self) -> Result<()> {
        self.store.ensure_reachable()?;
        self.store.check_key()
    }

    fn heads(&mut self) -> Result<BTreeMap<String, i64>> {
        self.store.ensure_reachable()?;
        self.store.heads()
    }

    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        self.store.fetch(replica, after)
    }

    fn push(&mut self, ops: &[WireOp]) -> Result<()> {
        self.store.ensure_reachable()?;
        self.store.push(ops).map(|_| ())
    }
}
