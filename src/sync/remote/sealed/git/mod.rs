//! The git remote: segment files on a dedicated branch of any git repository. rel runs the
//! user's own `git`, so their ssh keys, credential helpers and config apply, inside a private
//! clone under rel's data folder. The clone is only a cache: its working tree is reset to the
//! remote branch on every run (unsent operations live in the database, never only here), and
//! each push adds new files in this replica's folder, so a rejected push is retried on top of
//! the new remote state and can never conflict.

mod clone;
mod push;

use super::folder::FolderStore;
use super::seal::SyncKey;
use super::segment::LAYOUT_DIR;
use crate::error::{Error, Result};
use crate::sync::remote::secrets::redact_urls;
use crate::sync::remote::{Remote, WireOp};
use std::collections::BTreeMap;
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

    /// The store in the clone, refreshed once per run.
    fn store(&mut self) -> Result<&FolderStore> {
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
