//! The git remote: segment files on a dedicated branch of any git repository. rel runs the
//! user's own `git`, so their ssh keys, credential helpers and config apply, inside a private
//! clone under rel's data folder. The clone is only a cache: its working tree is reset to the
//! remote branch on every run (unsent operations live in the database, never only here), and
//! each push adds new files in this replica's folder, so a rejected push is retried on top of
//! the new remote state and can never conflict.

mod push;

use super::folder::FolderStore;
use super::seal::SyncKey;
use super::segment::LAYOUT_DIR;
use crate::error::{Error, Result};
use crate::sync::remote::secrets::redact_urls;
use crate::sync::remote::{Remote, WireOp};
use std::collections::BTreeMap;
use std::fs::{self, DirBuilder};
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// How often a push rejected because other machines pushed at the same time is retried (with
/// growing, jittered waits: see `push.rs`).
const PUSH_TRIES: u32 = 10;
/// The local branch of the cache clone; the remote's branch is named by the user.
const LOCAL_BRANCH: &str = "refs/heads/rel-local";
const TRACKING_REF: &str = "refs/remotes/rel/sync";

/// `rel sync init --git URL [--branch NAME]`'s remote.
pub struct GitRemote {
    url: String,
    branch: String,
    /// The private clone (0700) under rel's data folder.
    clone: PathBuf,
    store: FolderStore,
    own: String,
    /// Whether the working tree shows the remote branch as fetched in this run.
    fresh: bool,
}

impl GitRemote {
    pub fn new(url: String, branch: String, clone: PathBuf, key: SyncKey, own: String) -> Self {
        let store = FolderStore::new(clone.clone(), key, own.clone());
        GitRemote {
            url,
            branch,
            clone,
            store,
            own,
            fresh: false,
        }
    }

    /// Checks what the user typed before anything runs: a URL starting with `-` would be read
    /// by git as an option, and the branch must be a valid branch name.
    pub fn validate(url: &str, branch: &str) -> Result<()> {
        if url.trim().is_empty() || url.starts_with('-') {
            return Err(Error::usage(format!("invalid git URL '{url}'")));
        }
        let valid = Command::new("git")
            .args(["check-ref-format", "--branch", branch])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(git_missing)?
            .success();
        if !valid || branch.starts_with('-') {
            return Err(Error::usage(format!("invalid branch name '{branch}'")));
        }
        Ok(())
    }

    pub fn store(&mut self) -> Result<&FolderStore> {
        self.refresh_once()?;
        Ok(&self.store)
    }

    /// Runs git in the clone with rel's own identity and none of the user's hooks or signing
    /// (a commit must never wait for a passphrase or fail for want of `user.email`).
    fn git(&self, args: &[&str]) -> Result<Output> {
        let mut command = Command::new("git");
        command
            .arg("-C")
            .arg(&self.clone)
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args([
                "-c",
                "gc.autoDetach=false",
                "-c",
                "advice.detachedHead=false",
            ])
            .args(args)
            .env("GIT_AUTHOR_NAME", "rel")
            .env("GIT_AUTHOR_EMAIL", &self.own)
            .env("GIT_COMMITTER_NAME", "rel")
            .env("GIT_COMMITTER_EMAIL", &self.own)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Set when rel runs inside a git hook; they would point git at the wrong repository.
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_ALTERNATE_OBJECT_DIRECTORIES",
            "GIT_NAMESPACE",
        ] {
            command.env_remove(var);
        }
        command.output().map_err(git_missing)
    }

    /// Like [`GitRemote::git`], failing with git's own last words when git fails.
    pub(super) fn git_ok(&self, args: &[&str]) -> Result<Output> {
        let output = self.git(args)?;
        if output.status.success() {
            return Ok(output);
        }
        Err(Error::runtime(format!(
            "git {} failed: {}",
            args.first().copied().unwrap_or_default(),
            last_line(&output)
        )))
    }

    /// The URL as it may be shown (credentials in it hidden).
    pub(super) fn shown_url(&self) -> String {
        redact_urls(&self.url)
    }

    /// Makes the private clone when it is missing (first use, or its folder was deleted).
    fn ensure_clone(&self) -> Result<()> {
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

    fn refresh_once(&mut self) -> Result<()> {
        if self.fresh {
            return Ok(());
        }
        self.refresh()
    }

    /// Writes new files into this replica's folder with `write` and pushes them as one
    /// commit; when other machines pushed at the same time, starts again from the remote's
    /// new state after a growing, jittered wait. Returns only once the remote branch holds
    /// every file `write` names.
    pub fn publish(&mut self, write: impl Fn(&FolderStore) -> Result<Vec<String>>) -> Result<()> {
        let own_dir = format!("{LAYOUT_DIR}/{}", self.own);
        let mut last_refusal = String::new();
        for attempt in 0..PUSH_TRIES {
            if attempt > 0 {
                self::push::wait_before_retry(attempt);
            }
            self.refresh_once()?;
            let written = write(&self.store)?;
            // -f: a `.gitignore` planted in the remote must not keep rel's files out.
            if self.git_ok(&["add", "-A", "-f", "--", &own_dir]).is_err() {
                // A broken index a killed git left: start from a new clone.
                self.rebuild()?;
                continue;
            }
            let staged = self.git(&["diff", "--cached", "--quiet"])?;
            let commit_needed = !staged.status.success();
            if commit_needed {
                let message = format!("rel sync: replica {}", self.own);
                if self
                    .git_ok(&["commit", "-q", "--no-verify", "-m", &message])
                    .is_err()
                {
                    self.rebuild()?;
                    continue;
                }
            }
            self.check_committed(&written)?;
            if !commit_needed {
                // Everything is on the remote already: an earlier run got this far.
                return Ok(());
            }
            match self.push_head()? {
                self::push::Pushed::Yes => return Ok(()),
                self::push::Pushed::Contention(line) => {
                    self::push::clear_stale_remote_lock(self.url(), self.branch());
                    last_refusal = line
                }
            }
            // Fetch again, and try on top of what is there now.
            self.fresh = false;
        }
        Err(Error::runtime(format!(
            "git push to {} kept being rejected because other machines pushed at the same \
             time ({PUSH_TRIES} tries; {last_refusal})",
            self.shown_url()
        ))
        .with_hint("run 'rel sync' again in a moment"))
    }

    /// Insists that the commit about to be pushed holds every file written: a file git did
    /// not take (written through a link, or ignored) must never be reported as sent.
    fn check_committed(&self, written: &[String]) -> Result<()> {
        for path in written {
            let spec = format!("HEAD:{path}");
            let held = self.git(&["cat-file", "-e", &spec])?;
            if !held.status.success() {
                return Err(Error::runtime(format!(
                    "git did not take {path} into the commit; nothing was sent"
                ))
                .with_hint("check the remote branch for links or a .gitignore rel did not write"));
            }
        }
        Ok(())
    }

    pub(super) fn url(&self) -> &str {
        &self.url
    }

    pub(super) fn branch(&self) -> &str {
        &self.branch
    }

    pub(super) fn git_output(&self, args: &[&str]) -> Result<Output> {
        self.git(args)
    }

    pub(super) fn refetch(&mut self) -> Result<()> {
        self.fresh = false;
        self.refresh_once()
    }

    pub(super) fn tracking_ref() -> &'static str {
        TRACKING_REF
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

impl Remote for GitRemote {
    fn check(&mut self) -> Result<()> {
        self.refresh_once()?;
        self.store.check_key()
    }

    fn heads(&mut self) -> Result<BTreeMap<String, i64>> {
        self.refresh_once()?;
        self.store.heads()
    }

    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        self.refresh_once()?;
        self.store.fetch(replica, after)
    }

    fn push(&mut self, ops: &[WireOp]) -> Result<()> {
        self.publish(|store| store.push(ops))
    }

    fn warnings(&mut self) -> Vec<String> {
        self.store.take_warnings()
    }

    fn forked(&mut self) -> BTreeMap<String, i64> {
        self.store.forked()
    }

    fn announce(&mut self, name: &str) -> Result<()> {
        self.refresh_once()?;
        // A commit only when the name changed (first sync, or the machine was renamed).
        if self.store.published_name(&self.own)?.as_deref() == Some(name) {
            return Ok(());
        }
        self.publish(|store| store.publish_name(name))
    }

    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        self.refresh_once()?;
        self.store.names()
    }

    fn holds_other_journal(&mut self) -> Result<bool> {
        self.store()?.holds_other_data()
    }

    fn prepare(&mut self) -> Result<()> {
        self.store()?.check_key_of_others()?;
        self.publish(FolderStore::write_key_check)
    }

    fn holds_this_journal(&mut self) -> Result<Option<bool>> {
        self.store()?.holds_this_journal().map(Some)
    }

    fn tidy(&mut self) -> Result<()> {
        let store = self.store()?;
        store.remove_own_leftovers();
        if !store.own_key_check_ok()? {
            self.publish(FolderStore::write_key_check)?;
        }
        Ok(())
    }
}

fn git_missing(err: std::io::Error) -> Error {
    Error::runtime(format!("cannot run git: {err}"))
        .with_hint("install git, or sync through a folder with 'rel sync init --folder DIR'")
}

/// The line of git's stderr that names what went wrong: its first `fatal:`/`error:` line
/// (what follows is advice), else its last line; credentials in a URL it quotes are hidden.
pub(super) fn last_line(output: &Output) -> String {
    redact_urls(&first_error_line(output))
}

fn first_error_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut lines = stderr
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty());
    let first_error = lines
        .clone()
        .find(|line| line.starts_with("fatal:") || line.starts_with("error:"));
    first_error
        .or_else(|| lines.next_back())
        .unwrap_or("no message")
        .to_string()
}
