//! Reading and writing a folder or git remote without trusting it. Anyone who can write to the
//! shared folder (or push to the branch) can plant anything there: a symbolic link pointing
//! outside it, a FIFO that blocks every read, a device that never ends, a sparse file of
//! gigabytes. So rel never follows a link there, reads only regular files, and refuses a file
//! larger than any segment it writes before reading a byte of it (memory stays bounded).

use crate::error::{Error, Result};
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

/// No file rel writes to a remote is larger than this: segments are cut at
/// [`SEGMENT_BUDGET`] bytes of operations, and a single operation is far smaller (a note is at
/// most 1 MiB, which JSON escaping can at worst multiply by twelve when it is packed twice).
pub const MAX_REMOTE_FILE: u64 = 32 << 20;

/// How many bytes of operations a segment holds before the next one starts.
pub const SEGMENT_BUDGET: usize = 4 << 20;

/// What a path on the remote turned out to be, looked at without following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Missing,
    Dir,
    File,
    Link,
    /// A FIFO, socket or device.
    Other,
}

/// Looks at `path` itself (a symbolic link is reported as one, never followed).
pub fn kind_of(path: &Path) -> std::io::Result<Kind> {
    match fs::symlink_metadata(path) {
        Ok(meta) => Ok(kind_of_type(meta.file_type())),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(Kind::Missing),
        Err(err) => Err(err),
    }
}

/// The [`Kind`] of a directory entry's type (as `read_dir` reports it, without following).
pub fn kind_of_type(file_type: fs::FileType) -> Kind {
    if file_type.is_symlink() {
        Kind::Link
    } else if file_type.is_dir() {
        Kind::Dir
    } else if file_type.is_file() {
        Kind::File
    } else {
        Kind::Other
    }
}

/// Why a file on the remote was not read.
pub fn refusal(kind: Kind) -> &'static str {
    match kind {
        Kind::Link => "is a symbolic link",
        Kind::Dir | Kind::Other => "is not a regular file",
        Kind::Missing => "is missing",
        Kind::File => "is larger than any file rel writes",
    }
}

/// The bytes of a regular file of at most [`MAX_REMOTE_FILE`] bytes, or why it was refused
/// (`Ok(Err(reason))`). The file is opened without following a link and without blocking (a
/// FIFO opens at once and is then refused), and its size is checked on the open descriptor,
/// so a file swapped in between the listing and the read is caught too.
pub fn read_bounded(path: &Path) -> std::io::Result<std::result::Result<Vec<u8>, &'static str>> {
    let opened = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path);
    let file = match opened {
        Ok(file) => file,
        Err(err) if err.raw_os_error() == Some(libc::ELOOP) => return Ok(Err(refusal(Kind::Link))),
        // A socket or a device without a driver: nothing rel wrote.
        Err(err) if err.raw_os_error() == Some(libc::ENXIO) => {
            return Ok(Err(refusal(Kind::Other)));
        }
        Err(err) => return Err(err),
    };
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Ok(Err(refusal(Kind::Other)));
    }
    if meta.len() > MAX_REMOTE_FILE {
        return Ok(Err(refusal(Kind::File)));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Bounded even if the file grows while it is read.
    file.take(MAX_REMOTE_FILE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_REMOTE_FILE {
        return Ok(Err(refusal(Kind::File)));
    }
    Ok(Ok(bytes))
}

/// Makes `base/rel/at/ive` a chain of real folders (0700 where rel creates them), refusing a
/// symbolic link or anything else in the way: writing through a link would put the files
/// somewhere the remote does not carry while rel reported them sent.
pub fn real_dirs(base: &Path, relative: &Path) -> Result<()> {
    let mut path = base.to_path_buf();
    for part in relative.components() {
        path.push(part);
        let kind = kind_of(&path).map_err(|err| write_error(&path, err))?;
        match kind {
            Kind::Dir => {}
            Kind::Missing => match DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => {}
                // Another run made it in between: look again below.
                Err(err) if err.kind() == ErrorKind::AlreadyExists => {
                    if kind_of(&path).map_err(|err| write_error(&path, err))? != Kind::Dir {
                        return Err(not_writable(&path, Kind::Other));
                    }
                }
                Err(err) => return Err(write_error(&path, err)),
            },
            other => return Err(not_writable(&path, other)),
        }
    }
    Ok(())
}

/// The error for a path rel refuses to write through (exit 1).
pub fn not_writable(path: &Path, kind: Kind) -> Error {
    Error::runtime(format!(
        "cannot write to the sync remote: {} {}; nothing was sent",
        path.display(),
        refusal(kind)
    ))
    .with_hint("remove it from the remote (rel writes only its own real files and folders), then run 'rel sync' again")
}

fn write_error(path: &Path, err: std::io::Error) -> Error {
    Error::runtime(format!("cannot write {}: {err}", path.display()))
        .with_hint("check the sync folder, then run 'rel sync' again")
}

/// How old a temporary file must be before it is taken for a killed sync's leftover.
/// How rel's temp files in a remote folder are named (hidden, and never a segment's name).
pub const TEMP_PREFIX: &str = ".tmp-";

const LEFTOVER_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes the temporary files a killed sync of this replica left in its own folder. Only
/// this replica writes there and the sync lock is held, but two copies of one journal (a
/// copied database, before a sync notices and moves one to a new id) each hold their own
/// lock and write in the same folder: a temp file younger than ten minutes may be the other
/// copy's write in progress (removing it failed that write with "No such file or directory"),
/// so it is left for a later sync.
pub fn remove_leftovers(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_temp = name.to_string_lossy().starts_with(TEMP_PREFIX);
        let is_file = entry.file_type().map(|t| !t.is_dir()).unwrap_or(false);
        let old_enough = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .is_ok_and(|at| at.elapsed().is_ok_and(|age| age >= LEFTOVER_AGE));
        if is_temp && is_file && old_enough {
            // Best effort: a file that cannot be removed now is removed by a later sync.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Flushes a folder so a name just created in it survives a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).and_then(|folder| folder.sync_all())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_links_fifos_and_oversized_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("1-1.seg");
        fs::write(&file, b"hello").expect("write");
        assert_eq!(read_bounded(&file).expect("read"), Ok(b"hello".to_vec()));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        assert_eq!(
            read_bounded(&link).expect("read"),
            Err("is a symbolic link")
        );
        let fifo = dir.path().join("fifo");
        let c_path = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo on a NUL-terminated path we own.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        assert_eq!(
            read_bounded(&fifo).expect("read"),
            Err("is not a regular file")
        );
        let big = dir.path().join("big");
        File::create(&big)
            .and_then(|f| f.set_len(MAX_REMOTE_FILE + 1))
            .expect("sparse");
        assert_eq!(
            read_bounded(&big).expect("read"),
            Err("is larger than any file rel writes")
        );
        assert!(real_dirs(dir.path(), Path::new("a/b")).is_ok());
        std::os::unix::fs::symlink(dir.path().join("a"), dir.path().join("c")).expect("link");
        assert!(real_dirs(dir.path(), Path::new("c/b")).is_err());
    }
}
