//! Writing to a folder or git remote: each file whole or not at all (a temp file flushed, then
//! linked under its final name), only into this replica's own folder, reached through real
//! folders only (never through a link: the files would land where the remote does not carry
//! them while rel reported them sent).

use super::files::{self, Kind};
use super::folder::FolderStore;
use super::segment::{self, LAYOUT_DIR};
use crate::error::{Error, Result};
use crate::sync::remote::WireOp;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;

impl FolderStore {
    /// Writes this replica's operations as one new segment, or several when they are many
    /// bytes. Returns the paths written (inside the remote).
    pub fn push(&self, ops: &[WireOp]) -> Result<Vec<String>> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        if ops.iter().any(|op| op.replica != self.own)
            || ops.windows(2).any(|pair| pair[1].seq != pair[0].seq + 1)
        {
            return Err(Error::runtime(
                "internal: a push must be this replica's operations, in order without gaps",
            ));
        }
        // Another database writing as this replica (a copy, a restored backup) may have written
        // these sequence numbers since the sync looked: never a second history on purpose.
        // (The same operations again are fine: a push cut short is retried whole.)
        let (mut ranges, _) = self.listing(&self.own)?;
        if super::ranges::contiguous_head(&mut ranges) >= ops[0].seq {
            let held = self.fetch(&self.own, ops[0].seq - 1)?;
            let differs = held.iter().zip(ops).any(|(held, op)| {
                held.seq != op.seq || !crate::sync::log::oplog::same_change(&held.body, &op.body)
            });
            if differs {
                return Err(crate::sync::remote::written_meanwhile());
            }
        }
        let relative = Path::new(LAYOUT_DIR).join(&self.own);
        files::real_dirs(&self.base, &relative)?;
        files::remove_leftovers(&self.base.join(&relative));
        let mut written = Vec::new();
        for piece in segment::pieces(ops)? {
            let (name, bytes) = segment::encode(&self.key, &ops[piece])?;
            let range = segment::parse_segment_name(&name)
                .ok_or_else(|| Error::runtime("internal: a segment name that does not parse"))?;
            let key = self.key.clone();
            let own = self.own.clone();
            self.write_once(&name, &bytes, move |existing| {
                segment::decode(&key, &own, range, existing).is_ok()
            })?;
            written.push(Self::shown(&self.own, &name));
        }
        self.take_own_warnings();
        Ok(written)
    }
    /// Writes `name` in this replica's folder whole or not at all: a temp file (ignored by
    /// readers) is filled, flushed to disk and then linked under its final name, which fails
    /// rather than replace a file already there. The folder is flushed too so the new name
    /// survives a crash. Every folder on the way must be a real one (never a link).
    pub(super) fn write_once(
        &self,
        name: &str,
        bytes: &[u8],
        valid: impl Fn(&[u8]) -> bool,
    ) -> Result<()> {
        let relative = Path::new(LAYOUT_DIR).join(&self.own);
        files::real_dirs(&self.base, &relative)?;
        let dir = self.base.join(&relative);
        let target = dir.join(name);
        let temp = self.filled_temp(&dir, &target, bytes)?;
        match temp.persist_noclobber(&target) {
            Ok(_) => {}
            Err(err) if err.error.kind() == ErrorKind::AlreadyExists => {
                // Another run of this replica wrote the same operations first: they are equal
                // by construction, so the push is already done, provided that file is one rel
                // wrote. Anything else in its place (a link, a FIFO, damaged bytes) is in this
                // replica's own folder, where only it writes: it is replaced.
                let existing = files::read_bounded(&target)
                    .map_err(|io| self.io_error("read", &target, io))?;
                if !existing.is_ok_and(|bytes| valid(&bytes)) {
                    remove_any(&target).map_err(|io| self.io_error("replace", &target, io))?;
                    err.file
                        .persist_noclobber(&target)
                        .map_err(|err| self.io_error("write", &target, err.error))?;
                }
            }
            Err(err) => return Err(self.io_error("write", &target, err.error)),
        }
        files::sync_dir(&dir).map_err(|err| self.io_error("write", &dir, err))
    }

    /// A temp file in `dir` holding `bytes`, flushed to disk, ready to take `target`'s name
    /// (named so that [`files::remove_leftovers`] knows it if this run is killed first).
    fn filled_temp(
        &self,
        dir: &Path,
        target: &Path,
        bytes: &[u8],
    ) -> Result<tempfile::NamedTempFile> {
        let mut temp = tempfile::Builder::new()
            .prefix(files::TEMP_PREFIX)
            .tempfile_in(dir)
            .map_err(|err| self.io_error("write", target, err))?;
        temp.write_all(bytes)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|err| self.io_error("write", target, err))?;
        Ok(temp)
    }

    /// Writes `name` in this replica's folder, replacing the file of that name atomically (a
    /// temp file renamed over it): for the one small file a replica rewrites, its name.
    pub(super) fn write_replacing(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let relative = Path::new(LAYOUT_DIR).join(&self.own);
        files::real_dirs(&self.base, &relative)?;
        let dir = self.base.join(&relative);
        let target = dir.join(name);
        if files::kind_of(&target).map_err(|err| self.io_error("write", &target, err))? == Kind::Dir
        {
            return Err(files::not_writable(&target, Kind::Dir));
        }
        let temp = self.filled_temp(&dir, &target, bytes)?;
        // rename(2) replaces a link itself, never what it points at.
        temp.persist(&target)
            .map_err(|err| self.io_error("write", &target, err.error))?;
        files::sync_dir(&dir).map_err(|err| self.io_error("write", &dir, err))
    }
}

/// Removes a file, link or empty folder at `path` (what was planted where rel writes).
fn remove_any(path: &Path) -> std::io::Result<()> {
    match files::kind_of(path)? {
        Kind::Dir => fs::remove_dir(path),
        Kind::Missing => Ok(()),
        _ => fs::remove_file(path),
    }
}
