//! The git remote: segment files on a dedicated branch of any git repository. rel runs the
//! user's own `git`, so their ssh keys, credential helpers and config apply, inside a private
//! clone under rel's data folder. The clone is only a cache: its working tree is reset to the
//! remote branch on every run (unsent operations live in the database, never only here), and
//! each push adds new files in this replica's folder, so a rejected push is retried on top of
//! the new remote state and can never conflict.

use super::folder::FolderStore;
use super::remote::{Remote, WireOp};
use super::seal::SyncKey;
use super::segment::LAYOUT_DIR;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs::DirBuilder;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// How often a push rejected because another machine pushed first is retried.
const PUSH_TRIES: usize = 5;
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
    fn git_ok(&self, args: &[&str]) -> Result<Output> {
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
    /// branch does not exist yet).
    fn refresh(&mut self) -> Result<()> {
        self.ensure_clone()?;
        let refspec = format!("+refs/heads/{}:{TRACKING_REF}", self.branch);
        let fetched = self.git(&["fetch", "-q", "--no-tags", &self.url, &refspec])?;
        if fetched.status.success() {
            self.git_ok(&["reset", "-q", "--hard", TRACKING_REF])?;
        } else if String::from_utf8_lossy(&fetched.stderr).contains("couldn't find remote ref") {
            // Reachable, but nobody has synced through it yet.
            let _ = self.git(&["update-ref", "-d", LOCAL_BRANCH]);
            self.git_ok(&["read-tree", "--empty"])?;
        } else {
            return Err(Error::runtime(format!(
                "cannot reach git remote {}: {}; nothing was changed",
                self.url,
                last_line(&fetched)
            ))
            .with_hint("check the URL, your network and your git credentials"));
        }
        // Files a cut-short earlier run left behind are not the remote's.
        self.git_ok(&["clean", "-q", "-f", "-d", "-x"])?;
        self.fresh = true;
        Ok(())
    }

    fn refresh_once(&mut self) -> Result<()> {
        if self.fresh {
            return Ok(());
        }
        self.refresh()
    }

    /// Writes new files into this replica's folder with `write` and pushes them as one
    /// commit; when another machine pushed first, starts again from the remote's new state.
    pub fn publish(&mut self, write: impl Fn(&FolderStore) -> Result<()>) -> Result<()> {
        let own_dir = format!("{LAYOUT_DIR}/{}", self.own);
        for _ in 0..PUSH_TRIES {
            self.refresh_once()?;
            write(&self.store)?;
            self.git_ok(&["add", "-A", "--", &own_dir])?;
            let staged = self.git(&["diff", "--cached", "--quiet"])?;
            if staged.status.success() {
                // Everything is on the remote already: an earlier run got this far.
                return Ok(());
            }
            let message = format!("rel sync: replica {}", self.own);
            self.git_ok(&["commit", "-q", "--no-verify", "-m", &message])?;
            let target = format!("HEAD:refs/heads/{}", self.branch);
            if self
                .git(&["push", "-q", &self.url, &target])?
                .status
                .success()
            {
                return Ok(());
            }
            // Rejected (or cut off): fetch again, and try on top of what is there now.
            self.fresh = false;
        }
        Err(Error::runtime(format!(
            "git push to {} was rejected {PUSH_TRIES} times",
            self.url
        ))
        .with_hint("check that you may push to the branch, then run 'rel sync' again"))
    }
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
        self.publish(|store| store.push(ops).map(|_| ()))
    }
}

fn git_missing(err: std::io::Error) -> Error {
    Error::runtime(format!("cannot run git: {err}"))
        .with_hint("install git, or sync through a folder with 'rel sync init --folder DIR'")
}

/// The line of git's stderr that names what went wrong: its first `fatal:`/`error:` line
/// (what follows is advice), else its last line.
fn last_line(output: &Output) -> String {
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
