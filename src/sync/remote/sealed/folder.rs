//! The folder remote: a directory any file-syncing tool carries (a shared drive, Syncthing, a
//! cloud-synced folder). Each replica writes sealed segment files into its own sub-folder only,
//! each file once (temp file, fsync, rename), so no file is ever edited by two machines and no
//! lock is needed. The git remote reads and writes its working tree through the same code.

use super::files::{self, Kind};
use super::ranges::{self, Named, name_of};
use super::seal::SyncKey;
use super::segment::{self, LAYOUT_DIR};
use crate::error::{Error, Result};
use crate::sync::remote::{Remote, WireOp};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, DirBuilder};
use std::io::ErrorKind;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Segment files under `<base>/rel-sync/v1`, sealed with one key.
pub struct FolderStore {
    /// The folder the user named (or the git working tree).
    pub(super) base: PathBuf,
    pub(super) key: SyncKey,
    /// This replica: the only sub-folder this store writes into.
    pub(super) own: String,
    /// What was found wrong on the remote and skipped (shown as warnings after the sync).
    warnings: RefCell<Vec<String>>,
    /// Whether the last key check opened any file: the remote holds this journal's data (the
    /// key is the journal's own).
    pub(super) opened_any: std::cell::Cell<bool>,
    /// Per replica, the listing last searched for two histories and where they part (see
    /// `forks.rs`), so one sync opens overlapping segments once.
    pub(super) forks_seen: RefCell<ForksSeen>,
}

type ForksSeen = BTreeMap<String, (Vec<Named>, Option<i64>)>;

impl FolderStore {
    pub fn new(base: PathBuf, key: SyncKey, own: String) -> FolderStore {
        FolderStore {
            base,
            key,
            own,
            warnings: RefCell::new(Vec::new()),
            opened_any: std::cell::Cell::new(false),
            forks_seen: RefCell::new(BTreeMap::new()),
        }
    }

    fn root(&self) -> PathBuf {
        self.base.join(LAYOUT_DIR)
    }

    pub(super) fn replica_dir(&self, replica: &str) -> PathBuf {
        self.root().join(replica)
    }

    /// How warnings name a file: its path inside the remote.
    pub(super) fn shown(replica: &str, name: &str) -> String {
        format!("{LAYOUT_DIR}/{replica}/{name}")
    }

    pub(super) fn warn(&self, text: String) {
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.contains(&text) {
            warnings.push(text);
        }
    }

    /// Replicas whose folder holds two histories, and where they part (as of the last look).
    pub fn forked(&self) -> BTreeMap<String, i64> {
        self.forks_seen
            .borrow()
            .iter()
            .filter_map(|(replica, (_, fork))| Some((replica.clone(), (*fork)?)))
            .collect()
    }

    /// The warnings gathered so far (each once), emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut self.warnings.borrow_mut())
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

    /// Whether `rel-sync/v1` are real folders (or absent). A link there is not followed.
    fn layout_readable(&self) -> Result<bool> {
        let mut path = self.base.clone();
        for part in LAYOUT_DIR.split('/') {
            path.push(part);
            match files::kind_of(&path).map_err(|err| self.io_error("read", &path, err))? {
                Kind::Dir | Kind::Missing => {}
                kind => {
                    self.warn(format!(
                        "{} on the remote {}; nothing is read from it",
                        path.strip_prefix(&self.base).unwrap_or(&path).display(),
                        files::refusal(kind)
                    ));
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The replica folders present on the remote (real folders only: a link is named in a
    /// warning and never followed).
    pub(super) fn replicas(&self) -> Result<Vec<String>> {
        if !self.layout_readable()? {
            return Ok(Vec::new());
        }
        let entries = match fs::read_dir(self.root()) {
            Ok(entries) => entries,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
            Err(err) => return Err(self.io_error("read", &self.root(), err)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|err| self.io_error("read", &self.root(), err))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !segment::is_replica_name(&name) {
                continue;
            }
            let file_type = entry
                .file_type()
                .map_err(|err| self.io_error("read", &entry.path(), err))?;
            match files::kind_of_type(file_type) {
                Kind::Dir => names.push(name),
                kind => self.warn(format!(
                    "{LAYOUT_DIR}/{name} on the remote {}; nothing is read from it",
                    files::refusal(kind)
                )),
            }
        }
        names.sort();
        Ok(names)
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

    /// Whether this replica's folder is a real folder (reached through real folders) with
    /// anything at all in it.
    pub(super) fn own_folder_has_entries(&self) -> bool {
        let mut dir = self.base.clone();
        for part in LAYOUT_DIR.split('/').chain([self.own.as_str()]) {
            dir.push(part);
            if !files::kind_of(&dir).is_ok_and(|kind| kind == Kind::Dir) {
                return false;
            }
        }
        fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some())
    }

    /// Removes the temp files a killed sync of this replica left in its own folder (never
    /// another replica's: each removes its own).
    pub fn remove_own_leftovers(&self) {
        // Only through real folders: never remove anything a link points at.
        let mut dir = self.base.clone();
        for part in LAYOUT_DIR.split('/').chain([self.own.as_str()]) {
            dir.push(part);
            if !files::kind_of(&dir).is_ok_and(|kind| kind == Kind::Dir) {
                return;
            }
        }
        files::remove_leftovers(&dir);
    }

    /// Warnings about this replica's own files are dropped once it has rewritten them.
    pub(super) fn take_own_warnings(&self) {
        let prefix = format!("{LAYOUT_DIR}/{}/", self.own);
        self.warnings
            .borrow_mut()
            .retain(|text| !text.starts_with(&prefix));
    }

    /// The bytes of `name` in `replica`'s folder, or None (named in a warning) when it is not
    /// a regular file of a size rel writes, or vanished since the listing.
    pub(super) fn read(&self, replica: &str, name: &str) -> Result<Option<Vec<u8>>> {
        let path = self.replica_dir(replica).join(name);
        match files::read_bounded(&path) {
            Ok(Ok(bytes)) => Ok(Some(bytes)),
            Ok(Err(reason)) => {
                self.warn(format!(
                    "{} on the remote {reason}; nothing is read from it",
                    Self::shown(replica, name)
                ));
                Ok(None)
            }
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
            Err(err) => Err(self.io_error("read", &path, err)),
        }
    }

    pub(super) fn io_error(&self, verb: &str, path: &Path, err: std::io::Error) -> Error {
        let hint = if err.kind() == ErrorKind::StorageFull {
            "free some space and run 'rel sync' again"
        } else {
            "check the sync folder, then run 'rel sync' again"
        };
        Error::runtime(format!("cannot {verb} {}: {err}", path.display())).with_hint(hint)
    }

    /// Every replica's contiguous head on the remote. Segments past a gap (a file deleted
    /// from the middle, or one that has not arrived yet) are named in a warning. A replica
    /// that wrote two different histories (see `forks.rs`) is read up to where they
    /// part only.
    pub fn heads(&self) -> Result<BTreeMap<String, i64>> {
        let mut heads = BTreeMap::new();
        for replica in self.replicas()? {
            let (named, _) = self.listing_named(&replica)?;
            let mut ranges: Vec<(i64, i64)> = named.iter().map(|(range, _)| *range).collect();
            let mut head = ranges::contiguous_head(&mut ranges);
            if let Some(fork) = self.fork_point(&replica, &named)? {
                head = head.min(fork - 1);
            }
            if let Some(next) = ranges.iter().map(|r| r.0).filter(|&f| f > head + 1).min() {
                self.warn(format!(
                    "replica {replica}'s changes {}-{} are missing from the remote (a file was \
                     deleted, or has not arrived yet); its later changes wait for them",
                    head + 1,
                    next - 1
                ));
            }
            if head > 0 {
                heads.insert(replica, head);
            }
        }
        Ok(heads)
    }

    /// `replica`'s operations after `after`, up to its contiguous head, or up to the first
    /// segment that cannot be read or opened (named in a warning; what follows it waits).
    pub fn fetch(&self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        if !segment::is_replica_name(replica) {
            return Ok(Vec::new());
        }
        let (named, _) = self.listing_named(replica)?;
        let mut ranges: Vec<(i64, i64)> = named.iter().map(|(range, _)| *range).collect();
        // Where two histories of this replica part, nothing from there on is read.
        let until = match self.fork_point(replica, &named)? {
            Some(fork) => fork - 1,
            None => i64::MAX,
        };
        let mut ops = Vec::new();
        let mut reached = after;
        for range in ranges::segments_after(&mut ranges, after) {
            if range.0 > until {
                break;
            }
            let name = name_of(&named, range);
            let Some(bytes) = self.read(replica, &name)? else {
                break;
            };
            match segment::decode_owned(&self.key, replica, range, bytes) {
                Ok(decoded) => {
                    for op in decoded {
                        if op.seq == reached + 1 && op.seq <= until {
                            reached = op.seq;
                            ops.push(op);
                        }
                    }
                }
                Err(_) => {
                    // The key opened this remote (checked first), so this file was changed.
                    self.warn(damaged(&Self::shown(replica, &name)));
                    break;
                }
            }
        }
        Ok(ops)
    }
}

/// The warning for a file that does not open while the key opens the rest of the remote.
pub(super) fn damaged(shown: &str) -> String {
    format!("{shown} on the remote is damaged or was altered; nothing is applied from it")
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

    fn warnings(&mut self) -> Vec<String> {
        self.store.take_warnings()
    }

    fn forked(&mut self) -> BTreeMap<String, i64> {
        self.store.forked()
    }

    fn announce(&mut self, name: &str) -> Result<()> {
        self.store.publish_name(name).map(|_| ())
    }

    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        self.store.names()
    }

    /// Creates the folder when it is missing (0700, like every folder rel makes).
    fn create(&mut self) -> Result<()> {
        let dir = &self.store.base;
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

    fn holds_other_journal(&mut self) -> Result<bool> {
        self.store.ensure_reachable()?;
        self.store.holds_other_data()
    }

    fn prepare(&mut self) -> Result<()> {
        self.store.ensure_reachable()?;
        self.store.check_key_of_others()?;
        self.store.write_key_check().map(|_| ())
    }

    fn holds_this_journal(&mut self) -> Result<Option<bool>> {
        self.store.ensure_reachable()?;
        self.store.holds_this_journal().map(Some)
    }

    fn tidy(&mut self) -> Result<()> {
        self.store.ensure_reachable()?;
        self.store.remove_own_leftovers();
        if !self.store.own_key_check_ok()? {
            self.store.write_key_check()?;
        }
        Ok(())
    }
}
