//! The temp file `rel backup` and `rel export -o` build beside their target: removed when the
//! command fails, and also when it is interrupted (SIGINT, SIGTERM, SIGHUP), which would
//! otherwise leave a hidden full-size copy of the journal behind.

use crate::error::{Error, Result};
use std::ffi::{CString, c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicPtr, Ordering};

/// Paths the signal handler unlinks: the temp file and SQLite's `-journal` beside it.
static DOOMED: [AtomicPtr<c_char>; 2] = [
    AtomicPtr::new(std::ptr::null_mut()),
    AtomicPtr::new(std::ptr::null_mut()),
];

const SIGNALS: [c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

extern "C" fn remove_and_die(signal: c_int) {
    for slot in &DOOMED {
        let path = slot.swap(std::ptr::null_mut(), Ordering::SeqCst);
        if !path.is_null() {
            // SAFETY: unlink is async-signal-safe; the path is a leaked NUL-terminated string.
            unsafe { libc::unlink(path) };
        }
    }
    // Die of the same signal, so the shell sees an interrupted command.
    // SAFETY: restoring the default action and re-raising are async-signal-safe.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// A temp file beside a target, removed on drop and on a fatal signal until persisted.
pub struct TempBeside {
    file: Option<tempfile::NamedTempFile>,
}

impl TempBeside {
    /// Creates `.{prefix}XXXX` (0600) in `target`'s folder.
    pub fn new(target: &Path, prefix: &str) -> Result<TempBeside> {
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        // A signal between creating the file and naming it to the handler would leave it:
        // hold the signals until both are done (a pending one is delivered at the end).
        let held = HeldSignals::new();
        let file = tempfile::Builder::new()
            .prefix(prefix)
            .tempfile_in(folder)
            .map_err(|err| cannot(target, err))?;
        let journal = {
            let mut name = file.path().as_os_str().to_owned();
            name.push("-journal");
            PathBuf::from(name)
        };
        for (slot, path) in DOOMED.iter().zip([file.path(), journal.as_path()]) {
            if let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) {
                let old = slot.swap(c_path.into_raw(), Ordering::SeqCst);
                free(old);
            }
        }
        for signal in SIGNALS {
            // SAFETY: the handler only calls async-signal-safe functions.
            unsafe { libc::signal(signal, remove_and_die as *const () as libc::sighandler_t) };
        }
        drop(held);
        Ok(TempBeside { file: Some(file) })
    }

    pub fn path(&self) -> &Path {
        self.file.as_ref().map_or(Path::new(""), |f| f.path())
    }

    pub fn as_file_mut(&mut self) -> Option<&mut std::fs::File> {
        self.file.as_mut().map(|f| f.as_file_mut())
    }

    /// Flushes to disk and renames over `target` (refusing to replace one unless `replace`).
    pub fn persist(mut self, target: &Path, replace: bool) -> Result<()> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        file.as_file()
            .sync_all()
            .map_err(|err| cannot(target, err))?;
        let persisted = if replace {
            file.persist(target).map(|_| ())
        } else {
            file.persist_noclobber(target).map(|_| ())
        };
        forget_doomed();
        persisted.map_err(|err| {
            if err.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::usage(format!("{} already exists", target.display()))
                    .with_hint("pass --force to replace it")
            } else {
                cannot(target, err.error)
            }
        })
    }
}

impl Drop for TempBeside {
    fn drop(&mut self) {
        // The NamedTempFile removes itself; the handler must no longer name it.
        forget_doomed();
    }
}

/// SIGINT, SIGTERM and SIGHUP blocked for this thread until dropped.
struct HeldSignals(libc::sigset_t);

impl HeldSignals {
    fn new() -> HeldSignals {
        // SAFETY: the sets are plain data filled in by sigemptyset/sigaddset; sigprocmask
        // only changes this thread's signal mask and stores the old one.
        unsafe {
            let mut block: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut block);
            for signal in SIGNALS {
                libc::sigaddset(&mut block, signal);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old);
            HeldSignals(old)
        }
    }
}

impl Drop for HeldSignals {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved by `new`.
        unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &self.0, std::ptr::null_mut()) };
    }
}

fn forget_doomed() {
    for slot in &DOOMED {
        free(slot.swap(std::ptr::null_mut(), Ordering::SeqCst));
    }
    for signal in SIGNALS {
        // SAFETY: restoring the default action installs no code.
        unsafe { libc::signal(signal, libc::SIG_DFL) };
    }
}

fn free(path: *mut c_char) {
    if !path.is_null() {
        // SAFETY: every non-null pointer in DOOMED came from CString::into_raw and was
        // swapped out, so it is freed exactly once.
        drop(unsafe { CString::from_raw(path) });
    }
}

/// The temp file's name is ours, not the user's: a failure names the target only.
fn cannot(target: &Path, err: std::io::Error) -> Error {
    Error::runtime(format!(
        "cannot write {}: {}",
        target.display(),
        std::io::Error::from(err.kind())
    ))
}
