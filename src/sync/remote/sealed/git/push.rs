//! Pushing to the git remote: telling contention (other machines pushed at the same moment:
//! wait a little and retry) from a refusal (no right to push, a protected branch: say so), and
//! reporting a push as done only once the remote branch is seen to hold it.

use super::{GitRemote, last_line};
use crate::error::{Error, Result};
use std::time::Duration;

/// What one push attempt came to.
pub enum Pushed {
    /// The remote branch holds the commit (checked).
    Yes,
    /// Others pushed first or at the same time (git's words): fetch, rebuild on top, retry.
    Contention(String),
}

/// The words git uses when a push lost a race with another push (the branch moved, or the
/// remote's ref was locked by a concurrent update), as opposed to a refusal.
const CONTENTION: &[&str] = &[
    "fetch first",
    "non-fast-forward",
    "failed to update ref",
    "failed to lock",
    "cannot lock ref",
    "incorrect old value",
    "stale info",
    "is at ",
    "unable to create",
    "file exists",
];

/// The words of a refusal: the remote will not take this push whatever the timing.
const REFUSAL: &[&str] = &[
    "rejected",
    "denied",
    "declined",
    "protected",
    "permission",
    "not allowed",
    "403",
    "read-only",
    "read only",
];

impl GitRemote {
    /// Pushes the clone's HEAD to the remote branch and checks the branch holds it.
    pub(super) fn push_head(&mut self) -> Result<Pushed> {
        let target = format!("HEAD:refs/heads/{}", self.branch());
        let url = self.url().to_string();
        let output = self.git_output(&["push", "--porcelain", "-q", &url, &target])?;
        if !output.status.success() {
            let said = format!(
                "{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
            .to_lowercase();
            let line = rejection_line(&output).unwrap_or_else(|| last_line(&output));
            if CONTENTION.iter().any(|word| said.contains(word)) {
                return Ok(Pushed::Contention(line));
            }
            if REFUSAL.iter().any(|word| said.contains(word)) {
                return Err(Error::runtime(format!(
                    "git push to {} was refused: {line}; nothing was sent",
                    self.shown_url()
                ))
                .with_hint("check that you may push to the branch, then run 'rel sync' again"));
            }
            return Err(Error::runtime(format!(
                "cannot push to git remote {}: {line}; nothing was sent",
                self.shown_url()
            ))
            .with_hint("check your network and your git credentials, then run 'rel sync' again"));
        }
        self.confirm_pushed()
    }

    /// `sent` is only printed once the data is durably in the remote: the branch there must
    /// be this commit, or (others pushed right after) hold it.
    fn confirm_pushed(&mut self) -> Result<Pushed> {
        let head = self.git_ok(&["rev-parse", "HEAD"])?;
        let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
        let url = self.url().to_string();
        let branch_ref = format!("refs/heads/{}", self.branch());
        let listed = self.git_ok(&["ls-remote", &url, &branch_ref])?;
        let remote_head = String::from_utf8_lossy(&listed.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        if remote_head == head {
            return Ok(Pushed::Yes);
        }
        self.refetch()?;
        let holds = self
            .git_output(&[
                "merge-base",
                "--is-ancestor",
                &head,
                GitRemote::tracking_ref(),
            ])?
            .status
            .success();
        if holds {
            Ok(Pushed::Yes)
        } else {
            // Accepted and then lost (the branch was reset by someone): push again.
            Ok(Pushed::Contention(
                "the remote branch did not keep the push".into(),
            ))
        }
    }
}

/// The line saying why the push was turned down (`[remote rejected] … (hook declined)`),
/// which says more than git's closing "failed to push some refs".
fn rejection_line(output: &std::process::Output) -> Option<String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    stdout
        .lines()
        .chain(stderr.lines())
        .map(str::trim)
        .find(|line| line.contains("rejected]") || line.contains("denied"))
        .map(|line| crate::sync::remote::secrets::redact_urls(&line.replace('\t', " ")))
}

/// How old a ref lock in a remote on this machine's disk must be to count as left by a killed
/// push: git holds one for the milliseconds of an update (and waits only 100 ms for it,
/// `core.filesRefLockTimeout`), so one this old has no living owner.
const STALE_REMOTE_LOCK: Duration = Duration::from_secs(10);

/// A remote on this machine's disk (`/srv/rel.git`, `file:///srv/rel.git`) loses its ref lock
/// holder when a `rel sync` is killed with its process group: git's receive-pack runs as our
/// child and dies mid-update, leaving `refs/heads/BRANCH.lock`, and every later push fails
/// "failed to update ref" until someone deletes it. A lock old enough to have no owner is
/// removed so the next try goes through; remotes over ssh or https are left alone (their
/// server's git outlives our process).
pub fn clear_stale_remote_lock(url: &str, branch: &str) {
    let Some(repo) = local_repo(url) else {
        return;
    };
    for lock in [
        repo.join("refs/heads").join(format!("{branch}.lock")),
        repo.join("packed-refs.lock"),
    ] {
        let stale = std::fs::symlink_metadata(&lock)
            .ok()
            .filter(|meta| meta.is_file())
            .and_then(|meta| meta.modified().ok())
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age >= STALE_REMOTE_LOCK);
        if stale {
            let _ = std::fs::remove_file(&lock);
        }
    }
}

/// The folder of a bare repository named by a local path or a `file://` URL.
fn local_repo(url: &str) -> Option<std::path::PathBuf> {
    let path = match url.strip_prefix("file://") {
        Some(path) => path,
        None if url.starts_with('/') => url,
        None => return None,
    };
    let path = std::path::PathBuf::from(path);
    path.join("refs").is_dir().then_some(path)
}

/// Waits before retry `attempt` (1, 2, …): 100 ms doubling up to 3 s, each wait scaled by a
/// random factor in [0.5, 1.5) so machines that collided once do not collide again in step.
pub fn wait_before_retry(attempt: u32) {
    let base_ms = (100u64 << attempt.min(5)).min(3_000);
    let factor = 500 + jitter() % 1000;
    std::thread::sleep(Duration::from_millis(base_ms * factor / 1000));
}

/// A cheap random number; the jitter needs no cryptographic quality, only to differ between
/// processes started at the same moment.
fn jitter() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    let mut x = nanos ^ ((std::process::id() as u64) << 32) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}
