//! Rules for the database file itself, checked before SQLite opens it: what kind of file it
//! is, how many names it has, whether this process may write it, the -wal/-shm beside it,
//! and the schema version its header holds.

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::fs::Metadata;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The file at `path`, if there is one. A folder, a FIFO or a device is refused at once:
/// SQLite would block forever on a FIFO waiting for a writer.
pub fn existing(path: &Path) -> Result<Option<Metadata>> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::runtime(format!(
            "database path {} is a directory",
            path.display()
        ))
        .with_hint("pass a file path with --db or REL_DB")),
        Ok(meta) if !meta.is_file() => Err(Error::runtime(format!(
            "database path {} is not a regular file (a FIFO, a socket or a device)",
            path.display()
        ))
        .with_hint("pass a file path with --db or REL_DB")),
        Ok(meta) => Ok(Some(meta)),
        // Missing (it will be created) or unreachable (SQLite says why when it opens it).
        Err(_) => Ok(None),
    }
}

/// SQLite's locks belong to an open file's name, so two names of one file (hard links) let
/// two writers in at once and ids get handed out twice. Writing through such a file is refused.
pub fn refuse_hard_links(path: &Path, meta: &Metadata) -> Result<()> {
    if meta.nlink() > 1 {
        return Err(Error::runtime(format!(
            "database {} has {} hard links; SQLite cannot lock such a file safely, so rel will not write to it",
            path.display(),
            meta.nlink()
        ))
        .with_hint("give it a name of its own: cp it to a new file and use that one"));
    }
    Ok(())
}

/// Whether this process may write the file and create its -wal/-shm beside it (a read-only
/// file, folder or medium, or another user's journal, say no).
pub fn writable(path: &Path) -> bool {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    may_write(path) && may_write(folder)
}

fn may_write(path: &Path) -> bool {
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: access() only reads the NUL-terminated path it is given.
    unsafe { libc::access(c_path.as_ptr(), libc::W_OK) == 0 }
}

/// `rel.db-wal` and `rel.db-shm` for `rel.db`.
pub fn companions(path: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|suffix| {
        let mut name = OsString::from(path.as_os_str());
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Whether a -wal beside the database holds pages not yet copied into it.
pub fn has_wal_content(path: &Path) -> bool {
    let [wal, _] = companions(path);
    std::fs::metadata(wal).is_ok_and(|m| m.len() > 0)
}

/// A -wal/-shm left by a read while the database was read-only carries that mode (SQLite gives
/// them the database file's), and would keep every later writer out once the database is
/// writable again. Ours are given the database's mode back; nothing else is touched.
pub fn repair_companions(path: &Path, meta: &Metadata) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let wanted = meta.permissions().mode() & 0o777;
    for companion in companions(path) {
        let Ok(found) = std::fs::symlink_metadata(&companion) else {
            continue;
        };
        let mode = found.permissions().mode() & 0o777;
        if found.is_file() && found.uid() == me && mode & 0o200 == 0 && wanted & 0o200 != 0 {
            let _ = std::fs::set_permissions(&companion, std::fs::Permissions::from_mode(wanted));
        }
    }
}

/// Whether `candidate` is the database at `db` or one of its -wal/-shm (by identity when the
/// file exists, by name otherwise), for `-o` and `rel backup`, which must never replace them.
pub fn is_database_or_companion(candidate: &Path, db: &Path) -> bool {
    let mut all = vec![db.to_path_buf()];
    all.extend(companions(db));
    all.iter().any(|known| same_file(candidate, known))
}

fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return x.dev() == y.dev() && x.ino() == y.ino();
    }
    // One is missing: compare where they would be.
    match (absolute(a), absolute(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// The path with its folder resolved (the file itself may not exist yet).
fn absolute(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    Some(folder.canonicalize().ok()?.join(name))
}

/// The `user_version` stored in the file header (bytes 60..64, big-endian), if `path` is a
/// SQLite file we can read. A newer value may sit in an un-checkpointed -wal; the check after
/// opening catches that case.
pub(super) fn header_user_version(path: &Path) -> Option<i64> {
    use std::io::Read;
    let mut header = [0u8; 100];
    std::fs::File::open(path)
        .ok()?
        .read_exact(&mut header)
        .ok()?;
    if !header.starts_with(b"SQLite format 3\0") {
        return None;
    }
    let bytes: [u8; 4] = header[60..64].try_into().ok()?;
    Some(i64::from(u32::from_be_bytes(bytes)))
}
