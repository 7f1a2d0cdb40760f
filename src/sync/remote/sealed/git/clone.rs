//! The private clone behind the git remote: made when missing, brought to the remote branch
//! once per run, and recovered or rebuilt when a killed sync left it unusable. Only a cache:
//! unsent operations live in the database, never only here.

use super::{GitRemote, LOCAL_BRANCH, TRACKING_REF, last_line};
use crate::error::{Error, Result};
use std::fs::{self, DirBuilder};
use std::os::unix::fs::DirBuilderExt;

impl GitRemote {
    /// Makes the private clone when it is missing (first use, or its folder was deleted).
    pub(super) fn ensure_clone(&self) -> Result<()> {
        if self.clone.join(".git").is_dir() {
            return Ok(());
        }
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.clone)
            .map_err(|err| {
                Error::runtime(format!("cannot create {}: {err}", self.clone.display()))
            })?;
        self.git_ok(&["init", "-q"])?;
        self.git_ok(&["symbolic-ref", "HEAD", LOCAL_BRANCH])?;
        Ok(())
    }

    /// Fetches the remote branch and makes the working tree exactly that (or empty when the
    /// branch does not exist yet). A clone a killed sync left unusable (stale locks, a broken
    /// index) is recovered: its lock files are stale by construction (the sync lock is held, so
    /// no other rel works in it), and when git still fails on it, it is rebuilt from the remote.
    fn refresh(&mut self) -> Result<()> {
        self.remove_stale_locks();
        match self.try_refresh()? {
            Ok(()) => Ok(()),
            Err(_) => {
                self.rebuild()?;
                self.try_refresh()?
            }
        }
    }

    /// The outer error: the remote cannot be reached (nothing local would help); the inner: a
    /// local step failed (the clone is rebuilt and the refresh tried once more).
    fn try_refresh(&mut self) -> Result<Result<()>> {
        if let Err(err) = self.ensure_clone() {
            return Ok(Err(err));
        }
        let refspec = format!("+refs/heads/{}:{TRACKING_REF}", self.branch);
        let fetched = self.git(&["fetch", "-q", "--no-tags", &self.url, &refspec])?;
        let fetch_said = String::from_utf8_lossy(&fetched.stderr).into_owned();
        let local = if fetched.status.success() {
            self.git_ok(&["reset", "-q", "--hard", TRACKING_REF])
                .map(|_| ())
        } else if fetch_said.contains("couldn't find remote ref") {
            // Reachable, but nobody has synced through it yet.
            let _ = self.git(&["update-ref", "-d", LOCAL_BRANCH]);
            self.git_ok(&["read-tree", "--empty"]).map(|_| ())
        } else if is_local_failure(&fetch_said) {
            Err(Error::runtime(format!(
                "git fetch failed: {}",
                last_line(&fetched)
            )))
        } else {
            return Err(Error::runtime(format!(
                "cannot reach git remote {}: {}; nothing was changed",
                self.shown_url(),
                last_line(&fetched)
            ))
            .with_hint("check the URL, your network and your git credentials"));
        };
        // Files a cut-short earlier run left behind are not the remote's.
        let cleaned = local.and_then(|()| self.git_ok(&["clean", "-q", "-f", "-d", "-x"]));
        if let Err(err) = cleaned {
            return Ok(Err(err));
        }
        self.fresh = true;
        Ok(Ok(()))
    }

    /// Removes every `*.lock` file git keeps in the clone's `.git` (index, HEAD, refs,
    /// config…): a git killed with its rel leaves them behind and every later git refuses to
    /// start ("Unable to create …index.lock: File exists").
    fn remove_stale_locks(&self) {
        fn sweep(dir: &std::path::Path, depth: usize) {
            let Ok(entries) = fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(file_type) = entry.file_type() else {
                    continue;
                };
                if file_type.is_dir() && depth > 0 && entry.file_name() != "objects" {
                    sweep(&path, depth - 1);
                } else if !file_type.is_dir() && path.extension().is_some_and(|e| e == "lock") {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        sweep(&self.clone.join(".git"), 8);
    }

    /// Deletes the clone (only a cache: unsent operations live in the database) so the next
    /// step makes a new one.
    pub(super) fn rebuild(&mut self) -> Result<()> {
        self.fresh = false;
        match fs::remove_dir_all(&self.clone) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(Error::runtime(format!(
                "cannot rebuild the git cache {}: {err}",
                self.clone.display()
            ))),
        }
    }

    /// Refreshes the clone once per run: every later call of this run reads what it fetched.
    pub(super) fn refresh_once(&mut self) -> Result<()> {
        if self.fresh {
            return Ok(());
        }
        self.refresh()
    }
}

/// Whether git failed on the clone itself rather than on the remote.
fn is_local_failure(stderr: &str) -> bool {
    stderr.contains(".lock")
        || stderr.contains("index file")
        || stderr.contains("not a git repository")
        || stderr.contains("bad object")
        || stderr.contains("corrupt")
}
